"""``ember.vision.transforms.v2`` (torchvision.transforms.v2): transforms that take whole samples
(an image with its boxes, masks and labels, in any tuple/dict structure) and move the
tv_tensors together. On images they give the v1 transforms' results (the same random draws
from ember's default generator)."""
from . import functional  # noqa: F401
from ..functional import InterpolationMode
from ._color import ColorJitter, GaussianBlur, Grayscale, RandomGrayscale
from ._detection import RandomIoUCrop, RandomPhotometricDistort, RandomZoomOut
from ._geometry import (CenterCrop, Pad, RandomCrop, RandomHorizontalFlip, RandomResizedCrop, RandomRotation,
                        RandomVerticalFlip, Resize)
from ._misc import (ClampBoundingBoxes, Compose, ConvertImageDtype, Identity, Lambda, Normalize, PILToTensor,
                    RandomApply, RandomChoice, RandomOrder, SanitizeBoundingBoxes, ToDtype, ToImage, ToPILImage,
                    ToPureTensor, ToTensor)
from ._transform import Transform

__all__ = ["Transform", "Compose", "RandomApply", "RandomChoice", "RandomOrder", "Lambda", "Identity", "ToImage",
           "ToPureTensor", "PILToTensor", "ToPILImage", "ToTensor", "ToDtype", "ConvertImageDtype", "Normalize",
           "ClampBoundingBoxes", "SanitizeBoundingBoxes", "RandomHorizontalFlip", "RandomVerticalFlip", "Resize",
           "CenterCrop", "RandomCrop", "RandomResizedCrop", "Pad", "RandomRotation", "ColorJitter", "Grayscale",
           "RandomGrayscale", "GaussianBlur", "InterpolationMode", "functional", "RandomZoomOut", "RandomIoUCrop",
           "RandomPhotometricDistort"]
