"""EfficientNet B0-B7 and EfficientNetV2 S/M/L with torchvision's module names, init and weights enums."""
import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Callable, Optional

from ... import nn
from ...nn import init
from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ..transforms._presets import ImageClassification, InterpolationMode
from ._api import (
    Weights,
    WeightsEnum,
    _load_weights,
    _make_divisible,
    _ovewrite_named_param,
    handle_legacy_interface,
    register_model,
)
from ._meta import _IMAGENET_CATEGORIES

__all__ = ["EfficientNet", "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights",
           "EfficientNet_B3_Weights", "EfficientNet_B4_Weights", "EfficientNet_B5_Weights", "EfficientNet_B6_Weights",
           "EfficientNet_B7_Weights", "EfficientNet_V2_S_Weights", "EfficientNet_V2_M_Weights",
           "EfficientNet_V2_L_Weights", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
           "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s",
           "efficientnet_v2_m", "efficientnet_v2_l"]


@dataclass
class _MBConvConfig:
    expand_ratio: float
    kernel: int
    stride: int
    input_channels: int
    out_channels: int
    num_layers: int
    block: Callable

    @staticmethod
    def adjust_channels(channels, width_mult, min_value=None):
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """One MBConv stage: expansion, kernel, stride, channels (scaled by ``width_mult``) and layer count (scaled
    by ``depth_mult``, rounded up)."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult=1.0,
                 depth_mult=1.0, block=None):
        input_channels = self.adjust_channels(input_channels, width_mult)
        out_channels = self.adjust_channels(out_channels, width_mult)
        num_layers = self.adjust_depth(num_layers, depth_mult)
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         MBConv if block is None else block)

    @staticmethod
    def adjust_depth(num_layers, depth_mult):
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """One Fused-MBConv stage (EfficientNetV2), unscaled."""

    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block=None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         FusedMBConv if block is None else block)


class MBConv(nn.Module):
    """1x1 expand, kxk depthwise, squeeze-excitation, 1x1 projection (SiLU activations); with the input added
    through stochastic depth when the shape is kept."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, cnf.input_channels // 4), activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class FusedMBConv(nn.Module):
    """kxk expand (strided) then 1x1 projection, or a single kxk conv when there is no expansion; residual as
    :class:`MBConv`."""

    def __init__(self, cnf, stochastic_depth_prob, norm_layer):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels, kernel_size=cnf.kernel,
                                           stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class EfficientNet(nn.Module):
    """EfficientNet V1 and V2: ``features`` (stem, the stages, 1x1 head conv), ``avgpool``, ``classifier``.

    Args:
        inverted_residual_setting (list of MBConvConfig / FusedMBConvConfig): the stages.
        dropout (float): before the classifier.
        stochastic_depth_prob (float): the last block's drop rate (it grows linearly over blocks). Default: 0.2
        num_classes (int): Default: 1000
        norm_layer (callable, optional): Default: ``nn.BatchNorm2d``
        last_channel (int, optional): the head conv's channels. Default: 4x the last stage's
    """

    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000,
                 norm_layer=None, last_channel=None):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, Sequence)
                and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        first = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.SiLU)]
        total_stage_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        stage_block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:   # only a stage's first block changes channels and stride
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(stage_block_id) / total_stage_blocks
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                init.ones_(m.weight)
                init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init_range = 1.0 / math.sqrt(m.out_features)
                init.uniform_(m.weight, -init_range, init_range)
                init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))

    def forward(self, x):
        return self._forward_impl(x)


def _efficientnet(inverted_residual_setting, dropout, last_channel, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = EfficientNet(inverted_residual_setting, dropout, last_channel=last_channel, **kwargs)
    return _load_weights(model, weights, progress)


def _efficientnet_conf(arch, **kwargs):
    if arch.startswith("efficientnet_b"):
        b = partial(MBConvConfig, width_mult=kwargs.pop("width_mult"), depth_mult=kwargs.pop("depth_mult"))
        setting = [b(1, 3, 1, 32, 16, 1), b(6, 3, 2, 16, 24, 2), b(6, 5, 2, 24, 40, 2), b(6, 3, 2, 40, 80, 3),
                   b(6, 5, 1, 80, 112, 3), b(6, 5, 2, 112, 192, 4), b(6, 3, 1, 192, 320, 1)]
        return setting, None
    F, M = FusedMBConvConfig, MBConvConfig
    if arch.startswith("efficientnet_v2_s"):
        setting = [F(1, 3, 1, 24, 24, 2), F(4, 3, 2, 24, 48, 4), F(4, 3, 2, 48, 64, 4), M(4, 3, 2, 64, 128, 6),
                   M(6, 3, 1, 128, 160, 9), M(6, 3, 2, 160, 256, 15)]
    elif arch.startswith("efficientnet_v2_m"):
        setting = [F(1, 3, 1, 24, 24, 3), F(4, 3, 2, 24, 48, 5), F(4, 3, 2, 48, 80, 5), M(4, 3, 2, 80, 160, 7),
                   M(6, 3, 1, 160, 176, 14), M(6, 3, 2, 176, 304, 18), M(6, 3, 1, 304, 512, 5)]
    elif arch.startswith("efficientnet_v2_l"):
        setting = [F(1, 3, 1, 32, 32, 4), F(4, 3, 2, 32, 64, 7), F(4, 3, 2, 64, 96, 7), M(4, 3, 2, 96, 192, 10),
                   M(6, 3, 1, 192, 224, 19), M(6, 3, 2, 224, 384, 25), M(6, 3, 1, 384, 640, 7)]
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return setting, 1280


_COMMON_META = {
    'categories': _IMAGENET_CATEGORIES,
}


class EfficientNet_B0_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b0_rwightman-7f5810bc.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=256,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 5288548,
              '_metrics': {'ImageNet-1K': {'acc@1': 77.692, 'acc@5': 93.532}},
              '_ops': 0.386,
              '_file_size': 20.451,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b1_rwightman-bac287d4.pth',
        transforms=partial(ImageClassification, crop_size=240, resize_size=256,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 7794184,
              '_metrics': {'ImageNet-1K': {'acc@1': 78.642, 'acc@5': 94.186}},
              '_ops': 0.687,
              '_file_size': 30.134,
              '_docs': 'These weights are ported from the original paper.'},
    )
    IMAGENET1K_V2 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b1-c27df63c.pth',
        transforms=partial(ImageClassification, crop_size=240, resize_size=255,
                           interpolation=InterpolationMode.BILINEAR),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-lr-wd-crop-tuning',
              'num_params': 7794184,
              '_metrics': {'ImageNet-1K': {'acc@1': 79.838, 'acc@5': 94.934}},
              '_ops': 0.687,
              '_file_size': 30.136,
              '_docs': ('These weights improve upon the results of the original paper by using a modified version '
                       "of TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b2_rwightman-c35c1473.pth',
        transforms=partial(ImageClassification, crop_size=288, resize_size=288,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 9109994,
              '_metrics': {'ImageNet-1K': {'acc@1': 80.608, 'acc@5': 95.31}},
              '_ops': 1.088,
              '_file_size': 35.174,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b3_rwightman-b3899882.pth',
        transforms=partial(ImageClassification, crop_size=300, resize_size=320,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 12233232,
              '_metrics': {'ImageNet-1K': {'acc@1': 82.008, 'acc@5': 96.054}},
              '_ops': 1.827,
              '_file_size': 47.184,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b4_rwightman-23ab8bcd.pth',
        transforms=partial(ImageClassification, crop_size=380, resize_size=384,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 19341616,
              '_metrics': {'ImageNet-1K': {'acc@1': 83.384, 'acc@5': 96.594}},
              '_ops': 4.394,
              '_file_size': 74.489,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b5_lukemelas-1a07897c.pth',
        transforms=partial(ImageClassification, crop_size=456, resize_size=456,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 30389784,
              '_metrics': {'ImageNet-1K': {'acc@1': 83.444, 'acc@5': 96.628}},
              '_ops': 10.266,
              '_file_size': 116.864,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b6_lukemelas-24a108a5.pth',
        transforms=partial(ImageClassification, crop_size=528, resize_size=528,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 43040704,
              '_metrics': {'ImageNet-1K': {'acc@1': 84.008, 'acc@5': 96.916}},
              '_ops': 19.068,
              '_file_size': 165.362,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_b7_lukemelas-c5b4e57e.pth',
        transforms=partial(ImageClassification, crop_size=600, resize_size=600,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'min_size': (1, 1),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1',
              'num_params': 66347960,
              '_metrics': {'ImageNet-1K': {'acc@1': 84.122, 'acc@5': 96.908}},
              '_ops': 37.746,
              '_file_size': 254.675,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_v2_s-dd5fe13b.pth',
        transforms=partial(ImageClassification, crop_size=384, resize_size=384,
                           interpolation=InterpolationMode.BILINEAR),
        meta={**_COMMON_META,
              'min_size': (33, 33),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2',
              'num_params': 21458488,
              '_metrics': {'ImageNet-1K': {'acc@1': 84.228, 'acc@5': 96.878}},
              '_ops': 8.366,
              '_file_size': 82.704,
              '_docs': ('These weights improve upon the results of the original paper by using a modified version '
                       "of TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_v2_m-dc08266a.pth',
        transforms=partial(ImageClassification, crop_size=480, resize_size=480,
                           interpolation=InterpolationMode.BILINEAR),
        meta={**_COMMON_META,
              'min_size': (33, 33),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2',
              'num_params': 54139356,
              '_metrics': {'ImageNet-1K': {'acc@1': 85.112, 'acc@5': 97.156}},
              '_ops': 24.582,
              '_file_size': 208.01,
              '_docs': ('These weights improve upon the results of the original paper by using a modified version '
                       "of TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/efficientnet_v2_l-59c71312.pth',
        transforms=partial(ImageClassification, crop_size=480, resize_size=480,
                           interpolation=InterpolationMode.BICUBIC, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)),
        meta={**_COMMON_META,
              'min_size': (33, 33),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2',
              'num_params': 118515272,
              '_metrics': {'ImageNet-1K': {'acc@1': 85.808, 'acc@5': 97.788}},
              '_ops': 56.08,
              '_file_size': 454.573,
              '_docs': 'These weights are ported from the original paper.'},
    )
    DEFAULT = IMAGENET1K_V1


def _v1(arch, width_mult, depth_mult, dropout, weights, progress, kwargs, norm_layer=None):
    setting, last_channel = _efficientnet_conf(arch, width_mult=width_mult, depth_mult=depth_mult)
    extra = {} if norm_layer is None else {"norm_layer": norm_layer}
    return _efficientnet(setting, kwargs.pop("dropout", dropout), last_channel, weights, progress, **extra, **kwargs)


def _v2(arch, dropout, weights, progress, kwargs):
    setting, last_channel = _efficientnet_conf(arch)
    return _efficientnet(setting, kwargs.pop("dropout", dropout), last_channel, weights, progress,
                         norm_layer=partial(nn.BatchNorm2d, eps=1e-03), **kwargs)


_BN_B5 = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)   # B5-B7: the ported TensorFlow statistics


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B0_Weights.IMAGENET1K_V1))
def efficientnet_b0(*, weights: Optional[EfficientNet_B0_Weights] = None, progress=True, **kwargs):
    """EfficientNet B0 from `EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks`.

    Args:
        weights (EfficientNet_B0_Weights, optional): pretrained weights. Default: ``None``
        progress (bool): show a download progress bar. Default: ``True``
        **kwargs: passed to :class:`EfficientNet` (``dropout`` defaults per model: 0.2 for B0).
    """
    weights = EfficientNet_B0_Weights.verify(weights)
    return _v1("efficientnet_b0", 1.0, 1.0, 0.2, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B1_Weights.IMAGENET1K_V1))
def efficientnet_b1(*, weights: Optional[EfficientNet_B1_Weights] = None, progress=True, **kwargs):
    """EfficientNet B1 (width 1.0, depth 1.1); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_B1_Weights.verify(weights)
    return _v1("efficientnet_b1", 1.0, 1.1, 0.2, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B2_Weights.IMAGENET1K_V1))
def efficientnet_b2(*, weights: Optional[EfficientNet_B2_Weights] = None, progress=True, **kwargs):
    """EfficientNet B2 (width 1.1, depth 1.2, dropout 0.3); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_B2_Weights.verify(weights)
    return _v1("efficientnet_b2", 1.1, 1.2, 0.3, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B3_Weights.IMAGENET1K_V1))
def efficientnet_b3(*, weights: Optional[EfficientNet_B3_Weights] = None, progress=True, **kwargs):
    """EfficientNet B3 (width 1.2, depth 1.4, dropout 0.3); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_B3_Weights.verify(weights)
    return _v1("efficientnet_b3", 1.2, 1.4, 0.3, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B4_Weights.IMAGENET1K_V1))
def efficientnet_b4(*, weights: Optional[EfficientNet_B4_Weights] = None, progress=True, **kwargs):
    """EfficientNet B4 (width 1.4, depth 1.8, dropout 0.4); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_B4_Weights.verify(weights)
    return _v1("efficientnet_b4", 1.4, 1.8, 0.4, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B5_Weights.IMAGENET1K_V1))
def efficientnet_b5(*, weights: Optional[EfficientNet_B5_Weights] = None, progress=True, **kwargs):
    """EfficientNet B5 (width 1.6, depth 2.2, dropout 0.4; batch norm eps 1e-3, momentum 0.01); arguments as
    :func:`efficientnet_b0`."""
    weights = EfficientNet_B5_Weights.verify(weights)
    return _v1("efficientnet_b5", 1.6, 2.2, 0.4, weights, progress, kwargs, _BN_B5)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B6_Weights.IMAGENET1K_V1))
def efficientnet_b6(*, weights: Optional[EfficientNet_B6_Weights] = None, progress=True, **kwargs):
    """EfficientNet B6 (width 1.8, depth 2.6, dropout 0.5; batch norm as B5); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_B6_Weights.verify(weights)
    return _v1("efficientnet_b6", 1.8, 2.6, 0.5, weights, progress, kwargs, _BN_B5)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B7_Weights.IMAGENET1K_V1))
def efficientnet_b7(*, weights: Optional[EfficientNet_B7_Weights] = None, progress=True, **kwargs):
    """EfficientNet B7 (width 2.0, depth 3.1, dropout 0.5; batch norm as B5); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_B7_Weights.verify(weights)
    return _v1("efficientnet_b7", 2.0, 3.1, 0.5, weights, progress, kwargs, _BN_B5)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_S_Weights.IMAGENET1K_V1))
def efficientnet_v2_s(*, weights: Optional[EfficientNet_V2_S_Weights] = None, progress=True, **kwargs):
    """EfficientNetV2-S from `EfficientNetV2: Smaller Models and Faster Training` (dropout 0.2, batch norm eps
    1e-3); arguments as :func:`efficientnet_b0`."""
    weights = EfficientNet_V2_S_Weights.verify(weights)
    return _v2("efficientnet_v2_s", 0.2, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_M_Weights.IMAGENET1K_V1))
def efficientnet_v2_m(*, weights: Optional[EfficientNet_V2_M_Weights] = None, progress=True, **kwargs):
    """EfficientNetV2-M (dropout 0.3); arguments as :func:`efficientnet_v2_s`."""
    weights = EfficientNet_V2_M_Weights.verify(weights)
    return _v2("efficientnet_v2_m", 0.3, weights, progress, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_L_Weights.IMAGENET1K_V1))
def efficientnet_v2_l(*, weights: Optional[EfficientNet_V2_L_Weights] = None, progress=True, **kwargs):
    """EfficientNetV2-L (dropout 0.4); arguments as :func:`efficientnet_v2_s`."""
    weights = EfficientNet_V2_L_Weights.verify(weights)
    return _v2("efficientnet_v2_l", 0.4, weights, progress, kwargs)
