"""MobileNetV3 large and small with torchvision's module names, init and weights enums."""
from collections.abc import Sequence
from functools import partial
from typing import Optional

from ... import nn
from ...nn import init
from ..ops.misc import Conv2dNormActivation
from ..ops.misc import SqueezeExcitation as SElayer
from ..transforms._presets import ImageClassification
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

__all__ = ["MobileNetV3", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]


class InvertedResidualConfig:
    """One bneck row: channels (scaled by ``width_mult``), kernel, SE, activation ("RE"/"HS"), stride, dilation."""

    def __init__(self, input_channels, kernel, expanded_channels, out_channels, use_se, activation, stride,
                 dilation, width_mult):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels, width_mult):
        return _make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """1x1 expand, kxk depthwise, optional squeeze-excitation, 1x1 linear projection; residual when shapes allow."""

    def __init__(self, cnf, norm_layer, se_layer=partial(SElayer, scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        layers = []
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=activation_layer))
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
                                           stride=stride, dilation=cnf.dilation, groups=cnf.expanded_channels,
                                           norm_layer=norm_layer, activation_layer=activation_layer))
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, _make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result += input
        return result


class MobileNetV3(nn.Module):
    """MobileNetV3: ``features`` (stem, bnecks, 1x1 to 6x channels), ``avgpool``, ``classifier``."""

    def __init__(self, inverted_residual_setting, last_channel, num_classes=1000, block=None, norm_layer=None,
                 dropout=0.2, **kwargs):
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (isinstance(inverted_residual_setting, Sequence)
                and all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting)):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        block = InvertedResidual if block is None else block
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                       activation_layer=nn.Hardswish)]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        last_in = inverted_residual_setting[-1].out_channels
        last_out = 6 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(last_out, last_channel), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                init.ones_(m.weight)
                init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                init.normal_(m.weight, 0, 0.01)
                init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))

    def forward(self, x):
        return self._forward_impl(x)


def _mobilenet_v3_conf(arch, width_mult=1.0, reduced_tail=False, dilated=False, **kwargs):
    rd = 2 if reduced_tail else 1
    dil = 2 if dilated else 1
    b = partial(InvertedResidualConfig, width_mult=width_mult)
    adjust_channels = partial(InvertedResidualConfig.adjust_channels, width_mult=width_mult)
    if arch == "mobilenet_v3_large":
        setting = [b(16, 3, 16, 16, False, "RE", 1, 1), b(16, 3, 64, 24, False, "RE", 2, 1),
                   b(24, 3, 72, 24, False, "RE", 1, 1), b(24, 5, 72, 40, True, "RE", 2, 1),
                   b(40, 5, 120, 40, True, "RE", 1, 1), b(40, 5, 120, 40, True, "RE", 1, 1),
                   b(40, 3, 240, 80, False, "HS", 2, 1), b(80, 3, 200, 80, False, "HS", 1, 1),
                   b(80, 3, 184, 80, False, "HS", 1, 1), b(80, 3, 184, 80, False, "HS", 1, 1),
                   b(80, 3, 480, 112, True, "HS", 1, 1), b(112, 3, 672, 112, True, "HS", 1, 1),
                   b(112, 5, 672, 160 // rd, True, "HS", 2, dil),
                   b(160 // rd, 5, 960 // rd, 160 // rd, True, "HS", 1, dil),
                   b(160 // rd, 5, 960 // rd, 160 // rd, True, "HS", 1, dil)]
        last_channel = adjust_channels(1280 // rd)
    elif arch == "mobilenet_v3_small":
        setting = [b(16, 3, 16, 16, True, "RE", 2, 1), b(16, 3, 72, 24, False, "RE", 2, 1),
                   b(24, 3, 88, 24, False, "RE", 1, 1), b(24, 5, 96, 40, True, "HS", 2, 1),
                   b(40, 5, 240, 40, True, "HS", 1, 1), b(40, 5, 240, 40, True, "HS", 1, 1),
                   b(40, 5, 120, 48, True, "HS", 1, 1), b(48, 5, 144, 48, True, "HS", 1, 1),
                   b(48, 5, 288, 96 // rd, True, "HS", 2, dil),
                   b(96 // rd, 5, 576 // rd, 96 // rd, True, "HS", 1, dil),
                   b(96 // rd, 5, 576 // rd, 96 // rd, True, "HS", 1, dil)]
        last_channel = adjust_channels(1024 // rd)
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return setting, last_channel


def _mobilenet_v3(inverted_residual_setting, last_channel, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(MobileNetV3(inverted_residual_setting, last_channel, **kwargs), weights, progress)


_COMMON_META = {"categories": _IMAGENET_CATEGORIES}


class MobileNet_V3_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/mobilenet_v3_large-8738ca79.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META, **{'min_size': (1, 1),
         'num_params': 5483032,
         'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small',
         '_metrics': {'ImageNet-1K': {'acc@1': 74.042, 'acc@5': 91.34}},
         '_ops': 0.217,
         '_file_size': 21.114,
         '_docs': 'These weights were trained from scratch by using a simple training recipe.'}},
    )
    IMAGENET1K_V2 = Weights(
        url='https://download.pytorch.org/models/mobilenet_v3_large-5c1a4163.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META, **{'min_size': (1, 1),
         'num_params': 5483032,
         'recipe': 'https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning',
         '_metrics': {'ImageNet-1K': {'acc@1': 75.274, 'acc@5': 92.566}},
         '_ops': 0.217,
         '_file_size': 21.107,
         '_docs': 'These weights improve marginally upon the results of the original paper by using a '
                  "modified version of TorchVision's `new training recipe "
                  '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.'}},  # noqa: E501
    )
    DEFAULT = IMAGENET1K_V2


class MobileNet_V3_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/mobilenet_v3_small-047dcff4.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META, **{'min_size': (1, 1),
         'num_params': 2542856,
         'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small',
         '_metrics': {'ImageNet-1K': {'acc@1': 67.668, 'acc@5': 87.402}},
         '_ops': 0.057,
         '_file_size': 9.829,
         '_docs': 'These weights improve upon the results of the original paper by using a simple training '
                  'recipe.'}},
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def mobilenet_v3_large(*, weights: Optional[MobileNet_V3_Large_Weights] = None, progress=True, **kwargs):
    """MobileNetV3 large from `Searching for MobileNetV3`."""
    weights = MobileNet_V3_Large_Weights.verify(weights)
    inverted_residual_setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    return _mobilenet_v3(inverted_residual_setting, last_channel, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MobileNet_V3_Small_Weights.IMAGENET1K_V1))
def mobilenet_v3_small(*, weights: Optional[MobileNet_V3_Small_Weights] = None, progress=True, **kwargs):
    """MobileNetV3 small from `Searching for MobileNetV3`."""
    weights = MobileNet_V3_Small_Weights.verify(weights)
    inverted_residual_setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small", **kwargs)
    return _mobilenet_v3(inverted_residual_setting, last_channel, weights, progress, **kwargs)
