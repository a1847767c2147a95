"""Colour v2 functionals: they change images (through the v1 functionals) and pass boxes and
masks through unchanged."""
import numpy as np

from ... import functional as F1
from ._geometry import _image
from ._utils import kind

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue", "rgb_to_grayscale",
           "gaussian_blur", "permute_channels"]


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


def permute_channels(inpt, permutation):
    """Reorder an image's channels: ``out[..., i, :, :] = inpt[..., permutation[i], :, :]``."""
    from ....._tensor import _wrap
    from ._utils import is_pil, rewrap
    if kind(inpt) != "image":
        return inpt
    if is_pil(inpt):
        return F1.to_pil_image(permute_channels(F1.pil_to_tensor(inpt), permutation))
    a = inpt._data
    if len(permutation) != a.shape[-3]:
        raise ValueError(f"Length of permutation does not match number of channels: {len(permutation)} != "
                         f"{a.shape[-3]}")
    return rewrap(_wrap(np.ascontiguousarray(a[..., list(permutation), :, :])), inpt)
