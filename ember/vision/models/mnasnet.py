"""MNASNet (B1; depth multipliers 0.5, 0.75, 1.0, 1.3) with torchvision's module names, init and weights enums."""
import warnings
from functools import partial
from typing import Optional

from ... import nn
from ...nn import init
from ..transforms._presets import ImageClassification
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, handle_legacy_interface, register_model
from ._meta import _IMAGENET_CATEGORIES

__all__ = ["MNASNet", "MNASNet0_5_Weights", "MNASNet0_75_Weights", "MNASNet1_0_Weights", "MNASNet1_3_Weights",
           "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]

# the reference TensorFlow implementation's batch-norm decay 0.9997, as a PyTorch momentum
_BN_MOMENTUM = 1 - 0.9997


class _InvertedResidual(nn.Module):
    """1x1 expand (x ``expansion_factor``), kxk depthwise, 1x1 linear projection, each with batch norm; residual
    when the shape is kept."""

    def __init__(self, in_ch, out_ch, kernel_size, stride, expansion_factor, bn_momentum=0.1):
        super().__init__()
        if stride not in [1, 2]:
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if kernel_size not in [3, 5]:
            raise ValueError(f"kernel_size should be 3 or 5 instead of {kernel_size}")
        mid_ch = in_ch * expansion_factor
        self.apply_residual = in_ch == out_ch and stride == 1
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid_ch, 1, bias=False), nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, mid_ch, kernel_size, padding=kernel_size // 2, stride=stride, groups=mid_ch, bias=False),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum), nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, out_ch, 1, bias=False), nn.BatchNorm2d(out_ch, momentum=bn_momentum))

    def forward(self, input):
        if self.apply_residual:
            return self.layers(input) + input
        return self.layers(input)


def _stack(in_ch, out_ch, kernel_size, stride, exp_factor, repeats, bn_momentum):
    """``repeats`` inverted residuals; only the first changes channels and stride."""
    if repeats < 1:
        raise ValueError(f"repeats should be >= 1, instead got {repeats}")
    first = _InvertedResidual(in_ch, out_ch, kernel_size, stride, exp_factor, bn_momentum=bn_momentum)
    rest = [_InvertedResidual(out_ch, out_ch, kernel_size, 1, exp_factor, bn_momentum=bn_momentum)
            for _ in range(1, repeats)]
    return nn.Sequential(first, *rest)


def _round_to_multiple_of(val, divisor, round_up_bias=0.9):
    """``val`` rounded to a multiple of ``divisor``, up unless within 10% above the lower multiple."""
    if not 0.0 < round_up_bias < 1.0:
        raise ValueError(f"round_up_bias should be greater than 0.0 and smaller than 1.0 instead of {round_up_bias}")
    new_val = max(divisor, int(val + divisor / 2) // divisor * divisor)
    return new_val if new_val >= round_up_bias * val else new_val + divisor


def _get_depths(alpha):
    """The eight stage widths scaled by the depth multiplier ``alpha``."""
    return [_round_to_multiple_of(depth * alpha, 8) for depth in [32, 16, 24, 40, 80, 96, 192, 320]]


class MNASNet(nn.Module):
    """MNASNet-B1 (Tan et al., "MnasNet: Platform-Aware Neural Architecture Search for Mobile"): ``layers``
    (stem, six inverted-residual stacks, 1x1 to 1280 channels) and ``classifier``.

    Args:
        alpha (float): depth multiplier.
        num_classes (int): Default: 1000
        dropout (float): before the classifier. Default: 0.2

    Example:
        >>> model = MNASNet(0.5, num_classes=10).eval()
        >>> model(ember.rand(1, 3, 32, 32)).shape
        torch.Size([1, 10])
    """

    # version 2 scales the stem's widths with alpha too
    _version = 2

    def __init__(self, alpha, num_classes=1000, dropout=0.2):
        super().__init__()
        if alpha <= 0.0:
            raise ValueError(f"alpha should be greater than 0.0 instead of {alpha}")
        self.alpha = alpha
        self.num_classes = num_classes
        depths = _get_depths(alpha)
        m = _BN_MOMENTUM
        layers = [
            nn.Conv2d(3, depths[0], 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(depths[0], momentum=m),
            nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[0], 3, padding=1, stride=1, groups=depths[0], bias=False),
            nn.BatchNorm2d(depths[0], momentum=m), nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[1], 1, padding=0, stride=1, bias=False), nn.BatchNorm2d(depths[1], momentum=m),
            _stack(depths[1], depths[2], 3, 2, 3, 3, m),
            _stack(depths[2], depths[3], 5, 2, 3, 3, m),
            _stack(depths[3], depths[4], 5, 2, 6, 3, m),
            _stack(depths[4], depths[5], 3, 1, 6, 2, m),
            _stack(depths[5], depths[6], 5, 2, 6, 4, m),
            _stack(depths[6], depths[7], 3, 1, 6, 1, m),
            nn.Conv2d(depths[7], 1280, 1, padding=0, stride=1, bias=False), nn.BatchNorm2d(1280, momentum=m),
            nn.ReLU(inplace=True),
        ]
        self.layers = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(1280, num_classes))
        for mod in self.modules():
            if isinstance(mod, nn.Conv2d):
                init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
                if mod.bias is not None:
                    init.zeros_(mod.bias)
            elif isinstance(mod, nn.BatchNorm2d):
                init.ones_(mod.weight)
                init.zeros_(mod.bias)
            elif isinstance(mod, nn.Linear):
                init.kaiming_uniform_(mod.weight, mode="fan_out", nonlinearity="sigmoid")
                init.zeros_(mod.bias)

    def forward(self, x):
        return self.classifier(self.layers(x).mean([2, 3]))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version not in [1, 2]:
            raise ValueError(f"version should be set to 1 or 2 instead of {version}")
        if version == 1 and not self.alpha == 1.0:
            # a version-1 checkpoint: its stem had fixed widths (32, 16) for every alpha; rebuild it so
            depths = _get_depths(self.alpha)
            m = _BN_MOMENTUM
            v1_stem = [nn.Conv2d(3, 32, 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(32, momentum=m),
                       nn.ReLU(inplace=True), nn.Conv2d(32, 32, 3, padding=1, stride=1, groups=32, bias=False),
                       nn.BatchNorm2d(32, momentum=m), nn.ReLU(inplace=True),
                       nn.Conv2d(32, 16, 1, padding=0, stride=1, bias=False), nn.BatchNorm2d(16, momentum=m),
                       _stack(16, depths[2], 3, 2, 3, 3, m)]
            for idx, layer in enumerate(v1_stem):
                self.layers[idx] = layer
            self._version = 1
            warnings.warn("A new version of MNASNet model has been implemented. Your checkpoint was saved using the "
                          "previous version. This checkpoint will load and work as before, but you may want to "
                          "upgrade by training a newer model or transfer learning from an updated ImageNet "
                          "checkpoint.", UserWarning)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


def _mnasnet(alpha, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(MNASNet(alpha, **kwargs), weights, progress)


_COMMON_META = {
    'min_size': (1, 1),
    'categories': _IMAGENET_CATEGORIES,
}


class MNASNet0_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/mnasnet0.5_top1_67.823-3ffadce67e.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/1e100/mnasnet_trainer',
              'num_params': 2218512,
              '_metrics': {'ImageNet-1K': {'acc@1': 67.734, 'acc@5': 87.49}},
              '_ops': 0.104,
              '_file_size': 8.591,
              '_docs': 'These weights reproduce closely the results of the paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet0_75_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/mnasnet0_75-7090bc5f.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/6019',
              'num_params': 3170208,
              '_metrics': {'ImageNet-1K': {'acc@1': 71.18, 'acc@5': 90.496}},
              '_ops': 0.215,
              '_file_size': 12.303,
              '_docs': ("These weights were trained from scratch by using TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet1_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/mnasnet1.0_top1_73.512-f206786ef8.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/1e100/mnasnet_trainer',
              'num_params': 4383312,
              '_metrics': {'ImageNet-1K': {'acc@1': 73.456, 'acc@5': 91.51}},
              '_ops': 0.314,
              '_file_size': 16.915,
              '_docs': 'These weights reproduce closely the results of the paper.'},
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet1_3_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/mnasnet1_3-a4c69d6f.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/6019',
              'num_params': 6282256,
              '_metrics': {'ImageNet-1K': {'acc@1': 76.506, 'acc@5': 93.522}},
              '_ops': 0.526,
              '_file_size': 24.246,
              '_docs': ("These weights were trained from scratch by using TorchVision's `new training recipe "
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet0_5_Weights.IMAGENET1K_V1))
def mnasnet0_5(*, weights: Optional[MNASNet0_5_Weights] = None, progress=True, **kwargs):
    """MNASNet with depth multiplier 0.5, from `MnasNet: Platform-Aware Neural Architecture Search for Mobile`.

    Args:
        weights (MNASNet0_5_Weights, optional): pretrained weights. Default: ``None``
        progress (bool): show a download progress bar. Default: ``True``
        **kwargs: passed to :class:`MNASNet`.
    """
    weights = MNASNet0_5_Weights.verify(weights)
    return _mnasnet(0.5, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet0_75_Weights.IMAGENET1K_V1))
def mnasnet0_75(*, weights: Optional[MNASNet0_75_Weights] = None, progress=True, **kwargs):
    """MNASNet with depth multiplier 0.75; arguments as :func:`mnasnet0_5`."""
    weights = MNASNet0_75_Weights.verify(weights)
    return _mnasnet(0.75, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet1_0_Weights.IMAGENET1K_V1))
def mnasnet1_0(*, weights: Optional[MNASNet1_0_Weights] = None, progress=True, **kwargs):
    """MNASNet with depth multiplier 1.0; arguments as :func:`mnasnet0_5`."""
    weights = MNASNet1_0_Weights.verify(weights)
    return _mnasnet(1.0, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet1_3_Weights.IMAGENET1K_V1))
def mnasnet1_3(*, weights: Optional[MNASNet1_3_Weights] = None, progress=True, **kwargs):
    """MNASNet with depth multiplier 1.3; arguments as :func:`mnasnet0_5`."""
    weights = MNASNet1_3_Weights.verify(weights)
    return _mnasnet(1.3, weights, progress, **kwargs)
