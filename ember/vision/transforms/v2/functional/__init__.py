"""``ember.vision.transforms.v2.functional`` (torchvision.transforms.v2.functional): functionals
that dispatch on the input's type (images, masks, bounding boxes)."""
from ._color import (adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation, gaussian_blur,
                     permute_channels, rgb_to_grayscale)
from ._geometry import (center_crop, crop, hflip, horizontal_flip, pad, resize, resized_crop, rotate, vertical_flip,
                        vflip)
from ._meta import (clamp_bounding_boxes, convert_bounding_box_format, get_dimensions, get_num_channels, get_size,
                    grayscale_to_rgb, normalize, pil_to_tensor, sanitize_bounding_boxes, to_dtype, to_image,
                    to_pil_image, to_pure_tensor)

__all__ = ["adjust_brightness", "adjust_contrast", "adjust_hue", "adjust_saturation", "gaussian_blur",
           "permute_channels", "rgb_to_grayscale", "center_crop", "crop", "hflip", "horizontal_flip", "pad",
           "resize", "resized_crop", "rotate", "vertical_flip", "vflip", "clamp_bounding_boxes",
           "convert_bounding_box_format", "get_dimensions", "get_num_channels", "get_size", "grayscale_to_rgb",
           "normalize", "pil_to_tensor",
           "sanitize_bounding_boxes", "to_dtype", "to_image", "to_pil_image", "to_pure_tensor"]
