"""Geometric v2 functionals: each moves images (tensors, tv_tensors.Image/Video, PIL images),
masks and axis-aligned bounding boxes consistently. Images go through the v1 functionals, so v1
and v2 give the same pixels."""
import math

import numpy as np

from ....._tensor import Tensor, _wrap
from .... import tv_tensors
from ....tv_tensors import BoundingBoxFormat
from ... import functional as F1
from ...functional import InterpolationMode
from ._meta import _clamp, _convert, get_size
from ._utils import kind, rewrap

__all__ = ["horizontal_flip", "vertical_flip", "hflip", "vflip", "resize", "crop", "center_crop", "resized_crop",
           "pad", "rotate"]


def _pure(x):
    return x.as_subclass(Tensor) if isinstance(x, Tensor) else x


def _image(fn, inpt, *args, **kwargs):
    return rewrap(fn(_pure(inpt), *args, **kwargs), inpt)


def _mask(fn, inpt, *args, **kwargs):
    """Apply an image functional to a mask ``[..., H, W]`` (as ``[N, H, W]``, bools as uint8)."""
    a = inpt._data
    shape = a.shape
    x = a.reshape((-1,) + shape[-2:]) if a.ndim != 3 else a
    was_bool = x.dtype == np.bool_
    out = fn(_wrap(x.astype(np.uint8) if was_bool else x), *args, **kwargs)._data
    out = out.astype(bool) if was_bool else out
    return tv_tensors.wrap(_wrap(out.reshape(shape[:-2] + out.shape[-2:])), like=inpt)


def _boxes_out(inpt, out, canvas_size):
    return tv_tensors.wrap(out, like=inpt, canvas_size=tuple(canvas_size))


def _axis_aligned(boxes):
    if tv_tensors.is_rotated_bounding_format(boxes.format):
        raise NotImplementedError(f"ember's v2 transforms move axis-aligned boxes only (XYXY, XYWH, CXCYWH), "
                                  f"got {boxes.format}")
    return boxes.as_subclass(Tensor)


def _flip_boxes(boxes, axis):
    b = _axis_aligned(boxes)
    size = boxes.canvas_size[1 - axis]   # width for x (axis 0), height for y (axis 1)
    a = b._data.reshape(-1, 4).copy()
    lo, hi = axis, axis + 2
    if boxes.format == BoundingBoxFormat.XYXY:
        a[:, [hi, lo]] = size - a[:, [lo, hi]]
    elif boxes.format == BoundingBoxFormat.XYWH:
        a[:, lo] = size - (a[:, lo] + a[:, hi])
    else:
        a[:, lo] = size - a[:, lo]
    return tv_tensors.wrap(_wrap(a.reshape(b.shape)), like=boxes)


def horizontal_flip(inpt):
    """Flip left-right."""
    k = kind(inpt)
    if k == "boxes":
        return _flip_boxes(inpt, 0)
    if k == "mask":
        return _mask(F1.hflip, inpt)
    return _image(F1.hflip, inpt)


def vertical_flip(inpt):
    """Flip top-bottom."""
    k = kind(inpt)
    if k == "boxes":
        return _flip_boxes(inpt, 1)
    if k == "mask":
        return _mask(F1.vflip, inpt)
    return _image(F1.vflip, inpt)


hflip, vflip = horizontal_flip, vertical_flip


def _resized_size(canvas_size, size, max_size):
    h, w = canvas_size
    if size is None:
        if max_size is None:
            raise ValueError("max_size must be an integer when size is None, but got None instead.")
        scale = max_size / max(h, w)
        return int(h * scale), int(w * scale)
    return F1._output_size(h, w, size, max_size)


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (``(h, w)``, or the shorter side keeping the aspect ratio); masks use
    nearest neighbour; boxes scale with the canvas."""
    k = kind(inpt)
    if k == "boxes":
        b = _axis_aligned(inpt)
        oh, ow = _resized_size(inpt.canvas_size, size, max_size)
        h, w = inpt.canvas_size
        if (oh, ow) == (h, w):
            return inpt
        ratios = np.array([ow / w, oh / h, ow / w, oh / h], dtype=np.float32)   # a float32 tensor in torchvision
        a = b._data
        out = ((a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float32)) * ratios).astype(a.dtype)
        return _boxes_out(inpt, _wrap(out), (oh, ow))
    if size is None:
        size = list(_resized_size(get_size(inpt), None, max_size))
        max_size = None
    if k == "mask":
        mode = interpolation if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT) \
            else InterpolationMode.NEAREST
        return _mask(F1.resize, inpt, size, mode, max_size, antialias)
    return _image(F1.resize, inpt, size, interpolation, max_size, antialias)


def _shift_boxes(inpt, dx, dy, canvas_size):
    b = _axis_aligned(inpt)
    shift = {BoundingBoxFormat.XYXY: [dx, dy, dx, dy]}.get(inpt.format, [dx, dy, 0, 0])
    out = b + _wrap(np.asarray(shift, dtype=b._data.dtype))
    return _boxes_out(inpt, _clamp(out, inpt.format, canvas_size, inpt.clamping_mode), canvas_size)


def crop(inpt, top, left, height, width):
    """Crop ``[top:top+height, left:left+width]`` (zero-padded outside); boxes shift and clamp."""
    k = kind(inpt)
    if k == "boxes":
        return _shift_boxes(inpt, -left, -top, (height, width))
    if k == "mask":
        return _mask(F1.crop, inpt, top, left, height, width)
    return _image(F1.crop, inpt, top, left, height, width)


def _center_crop_box(canvas_size, output_size):
    th, tw = F1._setup_size(output_size)
    h, w = canvas_size
    return int(round((h - th) / 2.0)), int(round((w - tw) / 2.0)), th, tw


def center_crop(inpt, output_size):
    """Crop the centre ``output_size`` (zero-padding an image that is smaller)."""
    k = kind(inpt)
    if k == "boxes":
        top, left, th, tw = _center_crop_box(inpt.canvas_size, output_size)
        return crop(inpt, top, left, th, tw)
    if k == "mask":
        return _mask(F1.center_crop, inpt, output_size)
    return _image(F1.center_crop, inpt, output_size)


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """:func:`crop` then :func:`resize`."""
    return resize(crop(inpt, top, left, height, width), size, interpolation, antialias=antialias)


def pad(inpt, padding, fill=None, padding_mode="constant"):
    """Pad the borders (``padding``: int, ``(lr, tb)`` or ``(left, top, right, bottom)``);
    masks pad with 0, boxes shift (``padding_mode="constant"`` only)."""
    k = kind(inpt)
    left, top, right, bottom = F1._parse_pad(padding)
    if k == "boxes":
        if padding_mode != "constant":
            raise ValueError(f"Padding mode '{padding_mode}' is not supported with bounding boxes")
        h, w = inpt.canvas_size
        return _shift_boxes(inpt, left, top, (h + top + bottom, w + left + right))
    if k == "mask":
        if isinstance(fill, (tuple, list)):
            raise ValueError("Non-scalar fill value is not supported")
        return _mask(F1.pad, inpt, padding, 0 if fill is None else fill, padding_mode)
    return _image(F1.pad, inpt, padding, 0 if fill is None else fill, padding_mode)


def _rotate_boxes(inpt, angle, expand, center):
    if expand:
        raise NotImplementedError("ember rotates bounding boxes with expand=False only")
    b = _axis_aligned(inpt)
    h, w = inpt.canvas_size
    dtype = b._data.dtype
    xyxy = _convert(b if b.is_floating_point() else b.float(), inpt.format, BoundingBoxFormat.XYXY)._data
    cx, cy = (w * 0.5, h * 0.5) if center is None else center
    rot = math.radians(-angle)   # torchvision's forward affine matrix of rotate(angle)
    m = np.array([[math.cos(rot), -math.sin(rot), 0.0], [math.sin(rot), math.cos(rot), 0.0]])
    m[0, 2] = cx - m[0, 0] * cx - m[0, 1] * cy
    m[1, 2] = cy - m[1, 0] * cx - m[1, 1] * cy
    pts = xyxy.reshape(-1, 4)[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)
    pts = np.concatenate([pts, np.ones((pts.shape[0], 1), dtype=pts.dtype)], 1)
    moved = (pts @ m.T.astype(pts.dtype)).reshape(-1, 4, 2)
    out = np.concatenate([moved.min(axis=1), moved.max(axis=1)], 1).astype(xyxy.dtype)
    out = _clamp(_wrap(out), BoundingBoxFormat.XYXY, (h, w), inpt.clamping_mode)
    out = _convert(out, BoundingBoxFormat.XYXY, inpt.format).reshape(b.shape)
    return tv_tensors.wrap(out.to(b.dtype) if out._data.dtype != dtype else out, like=inpt)


def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees; boxes become the axis-aligned box around
    their rotated corners (clamped to the canvas)."""
    k = kind(inpt)
    if k == "boxes":
        return _rotate_boxes(inpt, angle, expand, center)
    if k == "mask":
        return _mask(F1.rotate, inpt, angle, InterpolationMode.NEAREST, expand, center, 0 if fill is None else fill)
    return _image(F1.rotate, inpt, angle, interpolation, expand, center, fill)
