"""AlexNet with torchvision's module names and weights enum."""
from functools import partial
from typing import Optional

from ... import nn
from ..transforms._presets import ImageClassification
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, handle_legacy_interface, register_model
from ._meta import _IMAGENET_CATEGORIES

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet as torchvision builds it: ``features``, ``avgpool``, ``classifier``.

    Input (N, 3, H, W) with H, W >= 63; output (N, num_classes).
    """

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


_COMMON_META = {"categories": _IMAGENET_CATEGORIES}


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/alexnet-owt-7be5be79.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META, **{'num_params': 61100840,
         'min_size': (63, 63),
         'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
         '_metrics': {'ImageNet-1K': {'acc@1': 56.522, 'acc@5': 79.066}},
         '_ops': 0.714,
         '_file_size': 233.087,
         '_docs': 'These weights reproduce closely the results of the paper using a simplified training '
                  'recipe.'}},
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", AlexNet_Weights.IMAGENET1K_V1))
def alexnet(*, weights: Optional[AlexNet_Weights] = None, progress=True, **kwargs):
    """AlexNet from `One weird trick for parallelizing convolutional neural networks`.

    ``weights`` (an ``AlexNet_Weights`` member or its name) loads those pretrained weights.
    """
    weights = AlexNet_Weights.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(AlexNet(**kwargs), weights, progress)
