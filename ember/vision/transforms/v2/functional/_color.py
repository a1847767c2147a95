"""Colour v2 functionals: they change images (through the v1 functionals) and pass boxes and
masks through unchanged."""
from ... import functional as F1
from ._geometry import _image
from ._utils import kind

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue", "rgb_to_grayscale",
           "gaussian_blur"]


def _color(fn):
    def apply(inpt, *args, **kwargs):
        return _image(fn, inpt, *args, **kwargs) if kind(inpt) == "image" else inpt
    apply.__name__ = fn.__name__
    apply.__doc__ = f"v1's ``{fn.__name__}`` on images; boxes and masks pass through."
    return apply


adjust_brightness = _color(F1.adjust_brightness)
adjust_contrast = _color(F1.adjust_contrast)
adjust_saturation = _color(F1.adjust_saturation)
adjust_hue = _color(F1.adjust_hue)
rgb_to_grayscale = _color(F1.rgb_to_grayscale)
gaussian_blur = _color(F1.gaussian_blur)
