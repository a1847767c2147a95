"""Colour v2 transforms: they change images and videos; boxes and masks pass through."""
from ... import tv_tensors
from .. import ColorJitter as _V1ColorJitter
from .. import _uniform
from . import functional as F
from ._transform import Transform, _RandomApplyTransform

__all__ = ["ColorJitter", "Grayscale", "RandomGrayscale", "GaussianBlur"]


class _ImageOnly(Transform):
    def _needs_transform_list(self, flat_inputs):
        needs = super()._needs_transform_list(flat_inputs)
        skip = (tv_tensors.Mask, tv_tensors.BoundingBoxes)
        return [n and not isinstance(x, skip) for x, n in zip(flat_inputs, needs)]


class ColorJitter(_ImageOnly):
    """Random brightness, contrast, saturation and hue changes, in a random order."""

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        check = _V1ColorJitter._check_input
        self.brightness = None if brightness is None else check(brightness, "brightness")
        self.contrast = None if contrast is None else check(contrast, "contrast")
        self.saturation = None if saturation is None else check(saturation, "saturation")
        self.hue = None if hue is None else check(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    def make_params(self, flat_inputs):
        fn_idx, b, c, s, h = _V1ColorJitter.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        return dict(fn_idx=fn_idx, brightness_factor=b, contrast_factor=c, saturation_factor=s, hue_factor=h)

    def transform(self, inpt, params):
        fns = {0: (F.adjust_brightness, params["brightness_factor"]), 1: (F.adjust_contrast, params["contrast_factor"]),
               2: (F.adjust_saturation, params["saturation_factor"]), 3: (F.adjust_hue, params["hue_factor"])}
        for i in params["fn_idx"]:
            fn, factor = fns[i]
            if factor is not None:
                inpt = fn(inpt, factor)
        return inpt


class Grayscale(_ImageOnly):
    """Convert RGB images to grayscale (``num_output_channels`` 1 or 3)."""

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params):
        return F.rgb_to_grayscale(inpt, self.num_output_channels)


class RandomGrayscale(_RandomApplyTransform, _ImageOnly):
    """Convert to grayscale (keeping the channel count) with probability ``p``. Default: 0.1"""

    def __init__(self, p=0.1):
        super().__init__(p=p)

    def make_params(self, flat_inputs):
        images = [x for x in flat_inputs if not isinstance(x, (tv_tensors.Mask, tv_tensors.BoundingBoxes))]
        return dict(num_input_channels=F.get_num_channels(images[0]))

    def transform(self, inpt, params):
        return F.rgb_to_grayscale(inpt, params["num_input_channels"])


class GaussianBlur(_ImageOnly):
    """Blur with a Gaussian of ``kernel_size`` and a sigma drawn from ``sigma``."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        from .. import GaussianBlur as _V1
        v1 = _V1(kernel_size, sigma)
        self.kernel_size, self.sigma = v1.kernel_size, list(v1.sigma)

    def make_params(self, flat_inputs):
        return dict(sigma=[_uniform(self.sigma[0], self.sigma[1])] * 2)

    def transform(self, inpt, params):
        return F.gaussian_blur(inpt, list(self.kernel_size), params["sigma"])

