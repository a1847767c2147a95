"""Geometric v2 transforms: the same random parameters move the image, its masks and boxes."""
import numbers

from ... import tv_tensors
from .. import InterpolationMode, _randint, _setup_angle, _uniform
from .. import RandomResizedCrop as _V1RandomResizedCrop
from .. import functional as F1
from . import functional as F
from ._transform import Transform, _RandomApplyTransform

__all__ = ["RandomHorizontalFlip", "RandomVerticalFlip", "Resize", "CenterCrop", "RandomCrop", "RandomResizedCrop",
           "Pad", "RandomRotation"]


def query_size(flat_inputs):
    """The ``(height, width)`` shared by the images/masks/boxes among the inputs."""
    sizes = {tuple(F.get_size(x)) for x in flat_inputs
             if isinstance(x, (tv_tensors.Image, tv_tensors.Video, tv_tensors.Mask, tv_tensors.BoundingBoxes))
             or F._utils.is_pure_tensor(x) or F._utils.is_pil(x)}
    if not sizes:
        raise TypeError("No image, video, mask or bounding box was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: {sorted(sizes)}")
    return sizes.pop()


def _fill_for(fill, inpt):
    if isinstance(fill, dict):
        for key in (type(inpt), "others"):
            if key in fill:
                return fill[key]
        return None
    return fill


class RandomHorizontalFlip(_RandomApplyTransform):
    """Flip left-right with probability ``p``. Default: 0.5"""

    def transform(self, inpt, params):
        return F.horizontal_flip(inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    """Flip top-bottom with probability ``p``. Default: 0.5"""

    def transform(self, inpt, params):
        return F.vertical_flip(inpt)


class Resize(Transform):
    """Resize to ``size`` (see :func:`functional.resize`)."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, (list, tuple)) and len(size) in (1, 2):
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        else:
            raise ValueError(f"size can be an integer, a sequence of one or two integers, or None, but got {size} "
                             "instead.")
        self.size, self.interpolation, self.max_size, self.antialias = size, interpolation, max_size, antialias

    def transform(self, inpt, params):
        return F.resize(inpt, self.size, self.interpolation, self.max_size, self.antialias)


class CenterCrop(Transform):
    """Crop the centre ``size``."""

    def __init__(self, size):
        super().__init__()
        self.size = F1._setup_size(size)

    def transform(self, inpt, params):
        return F.center_crop(inpt, self.size)


class RandomCrop(Transform):
    """Crop a random ``size`` window (after optional ``padding`` / ``pad_if_needed``)."""

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = F1._setup_size(size)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        if padding is not None:
            left, top, right, bottom = F1._parse_pad(padding)
            self.padding = [left, right, top, bottom]
        else:
            self.padding = None
        self.pad_if_needed, self.fill, self.padding_mode = pad_if_needed, fill, padding_mode

    def make_params(self, flat_inputs):
        h, w = query_size(flat_inputs)
        if self.padding is not None:
            left, right, top, bottom = self.padding
            h, w = h + top + bottom, w + left + right
        else:
            left = right = top = bottom = 0
        ch, cw = self.size
        if self.pad_if_needed:
            if h < ch:
                diff = ch - h
                top, bottom, h = top + diff, bottom + diff, h + 2 * diff
            if w < cw:
                diff = cw - w
                left, right, w = left + diff, right + diff, w + 2 * diff
        if h < ch or w < cw:
            padded = "padded " if self.padding is not None else ""
            raise ValueError(f"Required crop size {(ch, cw)} is larger than {padded}input image size {(h, w)}.")
        padding = [left, top, right, bottom]
        t = _randint(0, h - ch + 1) if h > ch else 0
        l_ = _randint(0, w - cw + 1) if w > cw else 0
        return dict(needs_crop=h > ch or w > cw, top=t, left=l_, height=ch, width=cw, needs_pad=any(padding),
                    padding=padding)

    def transform(self, inpt, params):
        if params["needs_pad"]:
            inpt = F.pad(inpt, params["padding"], _fill_for(self.fill, inpt), self.padding_mode)
        if params["needs_crop"]:
            inpt = F.crop(inpt, params["top"], params["left"], params["height"], params["width"])
        return inpt


class RandomResizedCrop(Transform):
    """Crop a random area (``scale`` of the image, aspect ``ratio``) and resize it to ``size``."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = F1._setup_size(size)
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")
        self.scale, self.ratio, self.interpolation, self.antialias = scale, ratio, interpolation, antialias

    def make_params(self, flat_inputs):
        h, w = query_size(flat_inputs)
        top, left, ch, cw = _V1RandomResizedCrop.get_params(_SizedImage(h, w), self.scale, self.ratio)
        return dict(top=top, left=left, height=ch, width=cw)

    def transform(self, inpt, params):
        return F.resized_crop(inpt, params["top"], params["left"], params["height"], params["width"], self.size,
                              self.interpolation, self.antialias)


def _SizedImage(h, w):
    """A zero-strided stand-in of size ``h x w`` for v1's ``get_params`` (the same draws)."""
    import numpy as np

    from ...._tensor import _wrap
    return _wrap(np.broadcast_to(np.zeros((), dtype=np.uint8), (1, h, w)))


class Pad(Transform):
    """Pad the borders by ``padding`` with ``fill`` (masks with 0) or a ``padding_mode``."""

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        F1._parse_pad(padding)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding = list(padding) if isinstance(padding, (list, tuple)) else padding
        self.fill, self.padding_mode = fill, padding_mode

    def transform(self, inpt, params):
        return F.pad(inpt, self.padding, _fill_for(self.fill, inpt), self.padding_mode)


class RandomRotation(Transform):
    """Rotate by an angle drawn uniformly from ``degrees`` (``(-d, d)`` for a number)."""

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        super().__init__()
        self.degrees = _setup_angle(degrees, "degrees")
        if center is not None and (not isinstance(center, (list, tuple)) or len(center) != 2):
            raise ValueError("If center is a sequence, it must be of len 2.")
        self.interpolation, self.expand, self.center, self.fill = interpolation, expand, center, fill

    def make_params(self, flat_inputs):
        return dict(angle=_uniform(self.degrees[0], self.degrees[1]))

    def transform(self, inpt, params):
        fill = _fill_for(self.fill, inpt)
        if F._utils.is_pil(inpt) and isinstance(fill, numbers.Number) and len(inpt.getbands()) > 1:
            fill = tuple([int(fill)] * len(inpt.getbands()))
        return F.rotate(inpt, params["angle"], self.interpolation, self.expand, self.center, fill)

