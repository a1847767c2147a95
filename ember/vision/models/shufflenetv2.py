"""ShuffleNet V2 (x0.5, x1.0, x1.5, x2.0) with torchvision's module names and weights enums."""
from functools import partial
from typing import Optional

from ... import cat, nn
from ..transforms._presets import ImageClassification
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, handle_legacy_interface, register_model
from ._meta import _IMAGENET_CATEGORIES

__all__ = ["ShuffleNetV2", "ShuffleNet_V2_X0_5_Weights", "ShuffleNet_V2_X1_0_Weights", "ShuffleNet_V2_X1_5_Weights",
           "ShuffleNet_V2_X2_0_Weights", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
           "shufflenet_v2_x2_0"]


def channel_shuffle(x, groups):
    """Interleave the channels of ``groups`` equal groups: (N, g*c, H, W) -> view (N, g, c) -> swap -> flatten."""
    n, channels, h, w = x.size()
    x = x.view(n, groups, channels // groups, h, w).transpose(1, 2).contiguous()
    return x.view(n, channels, h, w)


class InvertedResidual(nn.Module):
    """A ShuffleNet V2 unit: split the channels (stride 1) or copy the input (stride > 1) into two branches,
    transform, concatenate and shuffle."""

    def __init__(self, inp, oup, stride):
        super().__init__()
        if not (1 <= stride <= 3):
            raise ValueError("illegal stride value")
        self.stride = stride
        branch_features = oup // 2
        if self.stride == 1 and inp != branch_features << 1:
            raise ValueError(f"Invalid combination of stride {stride}, inp {inp} and oup {oup} values. If stride == 1 "
                             "then inp should be equal to oup // 2 << 1.")
        if self.stride > 1:
            self.branch1 = nn.Sequential(
                self.depthwise_conv(inp, inp, kernel_size=3, stride=self.stride, padding=1), nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(branch_features), nn.ReLU(inplace=True))
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if self.stride > 1 else branch_features, branch_features, kernel_size=1, stride=1,
                      padding=0, bias=False),
            nn.BatchNorm2d(branch_features), nn.ReLU(inplace=True),
            self.depthwise_conv(branch_features, branch_features, kernel_size=3, stride=self.stride, padding=1),
            nn.BatchNorm2d(branch_features),
            nn.Conv2d(branch_features, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(branch_features), nn.ReLU(inplace=True))

    @staticmethod
    def depthwise_conv(i, o, kernel_size, stride=1, padding=0, bias=False):
        return nn.Conv2d(i, o, kernel_size, stride, padding, bias=bias, groups=i)

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = cat((x1, self.branch2(x2)), dim=1)
        else:
            out = cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """ShuffleNet V2 (Ma et al.): ``conv1``, ``maxpool``, ``stage2``-``stage4`` of :class:`InvertedResidual`
    units, ``conv5``, global average pooling and ``fc``.

    Args:
        stages_repeats (list of 3 ints): units per stage.
        stages_out_channels (list of 5 ints): channels of conv1, the three stages and conv5.
        num_classes (int): Default: 1000
        inverted_residual (callable): the unit class. Default: :class:`InvertedResidual`
    """

    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000, inverted_residual=InvertedResidual):
        super().__init__()
        if len(stages_repeats) != 3:
            raise ValueError("expected stages_repeats as list of 3 positive ints")
        if len(stages_out_channels) != 5:
            raise ValueError("expected stages_out_channels as list of 5 positive ints")
        self._stage_out_channels = stages_out_channels
        input_channels = 3
        output_channels = stages_out_channels[0]
        self.conv1 = nn.Sequential(nn.Conv2d(input_channels, output_channels, 3, 2, 1, bias=False),
                                   nn.BatchNorm2d(output_channels), nn.ReLU(inplace=True))
        input_channels = output_channels
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for name, repeats, output_channels in zip(["stage2", "stage3", "stage4"], stages_repeats,
                                                  stages_out_channels[1:]):
            seq = [inverted_residual(input_channels, output_channels, 2)]
            seq += [inverted_residual(output_channels, output_channels, 1) for _ in range(repeats - 1)]
            setattr(self, name, nn.Sequential(*seq))
            input_channels = output_channels
        output_channels = stages_out_channels[-1]
        self.conv5 = nn.Sequential(nn.Conv2d(input_channels, output_channels, 1, 1, 0, bias=False),
                                   nn.BatchNorm2d(output_channels), nn.ReLU(inplace=True))
        self.fc = nn.Linear(output_channels, num_classes)

    def _forward_impl(self, x):
        x = self.maxpool(self.conv1(x))
        x = self.conv5(self.stage4(self.stage3(self.stage2(x))))
        return self.fc(x.mean([2, 3]))

    def forward(self, x):
        return self._forward_impl(x)


def _shufflenetv2(weights, progress, *args, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(ShuffleNetV2(*args, **kwargs), weights, progress)


_COMMON_META = {
    'min_size': (1, 1),
    'categories': _IMAGENET_CATEGORIES,
}


class ShuffleNet_V2_X0_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/shufflenetv2_x0.5-f707e7126e.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/ericsun99/Shufflenet-v2-Pytorch',
              'num_params': 1366792,
              '_metrics': {'ImageNet-1K': {'acc@1': 60.552, 'acc@5': 81.746}},
              '_ops': 0.04,
              '_file_size': 5.282,
              '_docs': 'These weights were trained from scratch to reproduce closely the results of the paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/shufflenetv2_x1-5666bf0f80.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/ericsun99/Shufflenet-v2-Pytorch',
              'num_params': 2278604,
              '_metrics': {'ImageNet-1K': {'acc@1': 69.362, 'acc@5': 88.316}},
              '_ops': 0.145,
              '_file_size': 8.791,
              '_docs': 'These weights were trained from scratch to reproduce closely the results of the paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/shufflenetv2_x1_5-3c479a10.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/5906',
              'num_params': 3503624,
              '_metrics': {'ImageNet-1K': {'acc@1': 72.996, 'acc@5': 91.086}},
              '_ops': 0.296,
              '_file_size': 13.557,
              '_docs': ("These weights were trained from scratch by using TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X2_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/shufflenetv2_x2_0-8be3c8ee.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/5906',
              'num_params': 7393996,
              '_metrics': {'ImageNet-1K': {'acc@1': 76.23, 'acc@5': 93.006}},
              '_ops': 0.583,
              '_file_size': 28.433,
              '_docs': ("These weights were trained from scratch by using TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1))
def shufflenet_v2_x0_5(*, weights: Optional[ShuffleNet_V2_X0_5_Weights] = None, progress=True, **kwargs):
    """ShuffleNetV2 with 0.5x output channels, from `ShuffleNet V2: Practical Guidelines for Efficient CNN
    Architecture Design`.

    Args:
        weights (ShuffleNet_V2_X0_5_Weights, optional): pretrained weights. Default: ``None``
        progress (bool): show a download progress bar. Default: ``True``
        **kwargs: passed to :class:`ShuffleNetV2`.
    """
    weights = ShuffleNet_V2_X0_5_Weights.verify(weights)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 48, 96, 192, 1024], **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1))
def shufflenet_v2_x1_0(*, weights: Optional[ShuffleNet_V2_X1_0_Weights] = None, progress=True, **kwargs):
    """ShuffleNetV2 with 1.0x output channels; arguments as :func:`shufflenet_v2_x0_5`."""
    weights = ShuffleNet_V2_X1_0_Weights.verify(weights)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 116, 232, 464, 1024], **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1))
def shufflenet_v2_x1_5(*, weights: Optional[ShuffleNet_V2_X1_5_Weights] = None, progress=True, **kwargs):
    """ShuffleNetV2 with 1.5x output channels; arguments as :func:`shufflenet_v2_x0_5`."""
    weights = ShuffleNet_V2_X1_5_Weights.verify(weights)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 176, 352, 704, 1024], **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1))
def shufflenet_v2_x2_0(*, weights: Optional[ShuffleNet_V2_X2_0_Weights] = None, progress=True, **kwargs):
    """ShuffleNetV2 with 2.0x output channels; arguments as :func:`shufflenet_v2_x0_5`."""
    weights = ShuffleNet_V2_X2_0_Weights.verify(weights)
    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 244, 488, 976, 2048], **kwargs)
