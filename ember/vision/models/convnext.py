"""ConvNeXt tiny/small/base/large with torchvision's module names, init and weights enums."""
from collections.abc import Sequence
from functools import partial
from typing import Optional

from ... import nn, ones
from ...nn import functional as F
from ...nn import init
from ..ops.misc import Conv2dNormActivation, Permute
from ..ops.stochastic_depth import StochasticDepth
from ..transforms._presets import ImageClassification
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, handle_legacy_interface, register_model
from ._meta import _IMAGENET_CATEGORIES

__all__ = ["ConvNeXt", "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights",
           "ConvNeXt_Large_Weights", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an (N, C, H, W) input."""

    def forward(self, x):
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """7x7 depthwise conv, LayerNorm, Linear to 4x, GELU, Linear back (channels-last), scaled per channel by
    ``layer_scale``, through stochastic depth, plus the input."""

    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        norm_layer = partial(nn.LayerNorm, eps=1e-6) if norm_layer is None else norm_layer
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True), Permute([0, 2, 3, 1]),
            norm_layer(dim), nn.Linear(in_features=dim, out_features=4 * dim, bias=True), nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True), Permute([0, 3, 1, 2]))
        self.layer_scale = nn.Parameter(ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        result = self.stochastic_depth(self.layer_scale * self.block(input))
        result += input
        return result


class CNBlockConfig:
    """One ConvNeXt stage: its width, the next stage's (``None`` for the last: no downsampling) and its depth."""

    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self):
        return (f"{self.__class__.__name__}(input_channels={self.input_channels}, out_channels={self.out_channels}, "
                f"num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    """ConvNeXt (Liu et al., "A ConvNet for the 2020s"): ``features`` (4x4/4 patchify stem, stages with 2x2/2
    downsampling between them), ``avgpool``, ``classifier`` (LayerNorm, flatten, Linear).

    Args:
        block_setting (list of CNBlockConfig): the stages.
        stochastic_depth_prob (float): the last block's drop rate (linear over blocks). Default: 0.0
        layer_scale (float): initial per-channel residual scale. Default: 1e-6
        num_classes (int): Default: 1000
        block (callable, optional): Default: :class:`CNBlock`
        norm_layer (callable, optional): Default: ``LayerNorm2d`` (eps 1e-6)
    """

    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None,
                 norm_layer=None, **kwargs):
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if not (isinstance(block_setting, Sequence) and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = CNBlock if block is None else block
        norm_layer = partial(LayerNorm2d, eps=1e-6) if norm_layer is None else norm_layer
        layers = [Conv2dNormActivation(3, block_setting[0].input_channels, kernel_size=4, stride=4, padding=0,
                                       norm_layer=norm_layer, activation_layer=None, bias=True)]
        total_stage_blocks = sum(cnf.num_layers for cnf in block_setting)
        stage_block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(norm_layer(cnf.input_channels),
                                            nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_out = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(last_out), nn.Flatten(1), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)


def _convnext(block_setting, stochastic_depth_prob, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    return _load_weights(model, weights, progress)


_COMMON_META = {
    'min_size': (32, 32),
    'categories': _IMAGENET_CATEGORIES,
    'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#convnext',
    '_docs': ('These weights improve upon the results of the original paper by using a modified version of '
              "TorchVision's `new training recipe "
              '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.'),
}


class ConvNeXt_Tiny_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/convnext_tiny-983f1562.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=236),
        meta={**_COMMON_META,
              'num_params': 28589128,
              '_metrics': {'ImageNet-1K': {'acc@1': 82.52, 'acc@5': 96.146}},
              '_ops': 4.456,
              '_file_size': 109.119},
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/convnext_small-0c510722.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=230),
        meta={**_COMMON_META,
              'num_params': 50223688,
              '_metrics': {'ImageNet-1K': {'acc@1': 83.616, 'acc@5': 96.65}},
              '_ops': 8.684,
              '_file_size': 191.703},
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Base_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/convnext_base-6075fbad.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META,
              'num_params': 88591464,
              '_metrics': {'ImageNet-1K': {'acc@1': 84.062, 'acc@5': 96.87}},
              '_ops': 15.355,
              '_file_size': 338.064},
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/convnext_large-ea097f82.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META,
              'num_params': 197767336,
              '_metrics': {'ImageNet-1K': {'acc@1': 84.414, 'acc@5': 96.976}},
              '_ops': 34.361,
              '_file_size': 754.537},
    )
    DEFAULT = IMAGENET1K_V1


def _stages(widths, depths):
    return [CNBlockConfig(w, nxt, d) for w, nxt, d in zip(widths, list(widths[1:]) + [None], depths)]


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Tiny_Weights.IMAGENET1K_V1))
def convnext_tiny(*, weights: Optional[ConvNeXt_Tiny_Weights] = None, progress=True, **kwargs):
    """ConvNeXt Tiny from `A ConvNet for the 2020s` (stochastic depth 0.1 by default).

    Args:
        weights (ConvNeXt_Tiny_Weights, optional): pretrained weights. Default: ``None``
        progress (bool): show a download progress bar. Default: ``True``
        **kwargs: passed to :class:`ConvNeXt`.
    """
    weights = ConvNeXt_Tiny_Weights.verify(weights)
    return _convnext(_stages([96, 192, 384, 768], [3, 3, 9, 3]), kwargs.pop("stochastic_depth_prob", 0.1), weights,
                     progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Small_Weights.IMAGENET1K_V1))
def convnext_small(*, weights: Optional[ConvNeXt_Small_Weights] = None, progress=True, **kwargs):
    """ConvNeXt Small (stochastic depth 0.4); arguments as :func:`convnext_tiny`."""
    weights = ConvNeXt_Small_Weights.verify(weights)
    return _convnext(_stages([96, 192, 384, 768], [3, 3, 27, 3]), kwargs.pop("stochastic_depth_prob", 0.4), weights,
                     progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Base_Weights.IMAGENET1K_V1))
def convnext_base(*, weights: Optional[ConvNeXt_Base_Weights] = None, progress=True, **kwargs):
    """ConvNeXt Base (stochastic depth 0.5); arguments as :func:`convnext_tiny`."""
    weights = ConvNeXt_Base_Weights.verify(weights)
    return _convnext(_stages([128, 256, 512, 1024], [3, 3, 27, 3]), kwargs.pop("stochastic_depth_prob", 0.5),
                     weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Large_Weights.IMAGENET1K_V1))
def convnext_large(*, weights: Optional[ConvNeXt_Large_Weights] = None, progress=True, **kwargs):
    """ConvNeXt Large (stochastic depth 0.5); arguments as :func:`convnext_tiny`."""
    weights = ConvNeXt_Large_Weights.verify(weights)
    return _convnext(_stages([192, 384, 768, 1536], [3, 3, 27, 3]), kwargs.pop("stochastic_depth_prob", 0.5),
                     weights, progress, **kwargs)
