"""Vision Transformer (ViT-B/16, B/32, L/16, L/32, H/14) with torchvision's module names, init and weights
enums."""
import math
from collections import OrderedDict
from functools import partial
from typing import Callable, NamedTuple, Optional

from ... import cat, nn, zeros
from ...nn import init
from ..ops.misc import MLP, Conv2dNormActivation
from ..transforms._presets import ImageClassification, InterpolationMode
from ._api import Weights, WeightsEnum, _ovewrite_named_param, handle_legacy_interface, register_model
from ._meta import _IMAGENET_CATEGORIES

__all__ = ["VisionTransformer", "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights",
           "ViT_H_14_Weights", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]


def _assert(cond, msg):
    if not cond:
        raise AssertionError(msg)


class ConvStemConfig(NamedTuple):
    out_channels: int
    kernel_size: int
    stride: int
    norm_layer: Callable = nn.BatchNorm2d
    activation_layer: Callable = nn.ReLU


class MLPBlock(MLP):
    """The encoder's MLP: Linear to ``mlp_dim``, GELU, dropout, Linear back, dropout."""

    # version 2 names the linears by position ("0", "3") instead of "linear_1", "linear_2"
    _version = 2

    def __init__(self, in_dim, mlp_dim, dropout):
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    init.normal_(m.bias, std=1e-6)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for i in range(2):
                for kind in ["weight", "bias"]:
                    old_key = f"{prefix}linear_{i + 1}.{kind}"
                    if old_key in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old_key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: ``x + dropout(attention(ln_1(x)))``, then ``+ mlp(ln_2(.))``."""

    def __init__(self, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        _assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, dropout, ``num_layers`` encoder blocks, final norm."""

    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                 norm_layer=partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.pos_embedding = nn.Parameter(init.normal_(zeros(1, seq_length, hidden_dim), std=0.02))   # as BERT
        self.dropout = nn.Dropout(dropout)
        layers = OrderedDict((f"encoder_layer_{i}", EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout,
                                                                 attention_dropout, norm_layer))
                             for i in range(num_layers))
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):
        _assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """Vision Transformer (Dosovitskiy et al., "An Image is Worth 16x16 Words").

    Args:
        image_size (int): the (square) input size; a multiple of ``patch_size``.
        patch_size (int), num_layers (int), num_heads (int), hidden_dim (int), mlp_dim (int): the architecture.
        dropout (float), attention_dropout (float): Default: 0.0
        num_classes (int): Default: 1000
        representation_size (int, optional): a tanh pre-logits layer of this width. Default: ``None``
        norm_layer (callable): Default: ``LayerNorm`` with eps 1e-6
        conv_stem_configs (list of ConvStemConfig, optional): a convolutional stem instead of the patchify conv.
    """

    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, dropout=0.0,
                 attention_dropout=0.0, num_classes=1000, representation_size=None,
                 norm_layer=partial(nn.LayerNorm, eps=1e-6), conv_stem_configs=None):
        super().__init__()
        _assert(image_size % patch_size == 0, "Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer
        if conv_stem_configs is not None:
            seq_proj = nn.Sequential()
            prev = 3
            for i, c in enumerate(conv_stem_configs):
                seq_proj.add_module(f"conv_bn_relu_{i}", Conv2dNormActivation(
                    in_channels=prev, out_channels=c.out_channels, kernel_size=c.kernel_size, stride=c.stride,
                    norm_layer=c.norm_layer, activation_layer=c.activation_layer))
                prev = c.out_channels
            seq_proj.add_module("conv_last", nn.Conv2d(in_channels=prev, out_channels=hidden_dim, kernel_size=1))
            self.conv_proj = seq_proj
        else:
            self.conv_proj = nn.Conv2d(in_channels=3, out_channels=hidden_dim, kernel_size=patch_size,
                                       stride=patch_size)
        seq_length = (image_size // patch_size) ** 2 + 1   # the patches and the class token
        self.class_token = nn.Parameter(zeros(1, 1, hidden_dim))
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                               norm_layer)
        self.seq_length = seq_length
        heads = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)
        if isinstance(self.conv_proj, nn.Conv2d):
            fan_in = self.conv_proj.in_channels * self.conv_proj.kernel_size[0] * self.conv_proj.kernel_size[1]
            init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
            if self.conv_proj.bias is not None:
                init.zeros_(self.conv_proj.bias)
        elif isinstance(getattr(self.conv_proj, "conv_last", None), nn.Conv2d):
            last = self.conv_proj.conv_last
            init.normal_(last.weight, mean=0.0, std=math.sqrt(2.0 / last.out_channels))
            if last.bias is not None:
                init.zeros_(last.bias)
        if isinstance(getattr(self.heads, "pre_logits", None), nn.Linear):
            init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / self.heads.pre_logits.in_features))
            init.zeros_(self.heads.pre_logits.bias)
        if isinstance(self.heads.head, nn.Linear):
            init.zeros_(self.heads.head.weight)
            init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        _assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        _assert(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
        x = self.conv_proj(x)
        return x.reshape(n, self.hidden_dim, (h // p) * (w // p)).permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        x = cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = self.encoder(x)
        return self.heads(x[:, 0])


def _vision_transformer(patch_size, num_layers, num_heads, hidden_dim, mlp_dim, weights, progress, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        assert weights.meta["min_size"][0] == weights.meta["min_size"][1]
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(image_size=image_size, patch_size=patch_size, num_layers=num_layers,
                              num_heads=num_heads, hidden_dim=hidden_dim, mlp_dim=mlp_dim, **kwargs)
    if weights:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_COMMON_META = {
    'categories': _IMAGENET_CATEGORIES,
}


class ViT_B_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/vit_b_16-c867db91.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'num_params': 86567656,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#vit_b_16',
              '_metrics': {'ImageNet-1K': {'acc@1': 81.072, 'acc@5': 95.318}},
              '_ops': 17.564,
              '_file_size': 330.285,
              '_docs': ('These weights were trained from scratch by using a modified version of `DeIT '
                       "<https://arxiv.org/abs/2012.12877>`_'s training recipe.")},
    )
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url='https://download.pytorch.org/models/vit_b_16_swag-9ac1b537.pth',
        transforms=partial(ImageClassification, crop_size=384, resize_size=384,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/facebookresearch/SWAG',
              'license': 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
              'num_params': 86859496,
              'min_size': (384, 384),
              '_metrics': {'ImageNet-1K': {'acc@1': 85.304, 'acc@5': 97.65}},
              '_ops': 55.484,
              '_file_size': 331.398,
              '_docs': ('These weights are learnt via transfer learning by end-to-end fine-tuning the original '
                       '`SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.')},
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url='https://download.pytorch.org/models/vit_b_16_lc_swag-4e70ced5.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=224,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/5793',
              'license': 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
              'num_params': 86567656,
              'min_size': (224, 224),
              '_metrics': {'ImageNet-1K': {'acc@1': 81.886, 'acc@5': 96.18}},
              '_ops': 17.564,
              '_file_size': 330.285,
              '_docs': ('These weights are composed of the original frozen `SWAG '
                       '<https://arxiv.org/abs/2201.08371>`_ trunk weights and a linear classifier learnt on top '
                       'of them trained on ImageNet-1K data.')},
    )
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/vit_b_32-d86f8d99.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'num_params': 88224232,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#vit_b_32',
              '_metrics': {'ImageNet-1K': {'acc@1': 75.912, 'acc@5': 92.466}},
              '_ops': 4.409,
              '_file_size': 336.604,
              '_docs': ('These weights were trained from scratch by using a modified version of `DeIT '
                       "<https://arxiv.org/abs/2012.12877>`_'s training recipe.")},
    )
    DEFAULT = IMAGENET1K_V1


class ViT_L_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/vit_l_16-852ce7e3.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=242),
        meta={**_COMMON_META,
              'num_params': 304326632,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#vit_l_16',
              '_metrics': {'ImageNet-1K': {'acc@1': 79.662, 'acc@5': 94.638}},
              '_ops': 61.555,
              '_file_size': 1161.023,
              '_docs': ("These weights were trained from scratch by using a modified version of TorchVision's `new "
                       'training recipe '
                       '<https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.')},
    )
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url='https://download.pytorch.org/models/vit_l_16_swag-4f3808c9.pth',
        transforms=partial(ImageClassification, crop_size=512, resize_size=512,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/facebookresearch/SWAG',
              'license': 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
              'num_params': 305174504,
              'min_size': (512, 512),
              '_metrics': {'ImageNet-1K': {'acc@1': 88.064, 'acc@5': 98.512}},
              '_ops': 361.986,
              '_file_size': 1164.258,
              '_docs': ('These weights are learnt via transfer learning by end-to-end fine-tuning the original '
                       '`SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.')},
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url='https://download.pytorch.org/models/vit_l_16_lc_swag-4d563306.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=224,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/5793',
              'license': 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
              'num_params': 304326632,
              'min_size': (224, 224),
              '_metrics': {'ImageNet-1K': {'acc@1': 85.146, 'acc@5': 97.422}},
              '_ops': 61.555,
              '_file_size': 1161.023,
              '_docs': ('These weights are composed of the original frozen `SWAG '
                       '<https://arxiv.org/abs/2201.08371>`_ trunk weights and a linear classifier learnt on top '
                       'of them trained on ImageNet-1K data.')},
    )
    DEFAULT = IMAGENET1K_V1


class ViT_L_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/vit_l_32-c7638314.pth',
        transforms=partial(ImageClassification, crop_size=224),
        meta={**_COMMON_META,
              'num_params': 306535400,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#vit_l_32',
              '_metrics': {'ImageNet-1K': {'acc@1': 76.972, 'acc@5': 93.07}},
              '_ops': 15.378,
              '_file_size': 1169.449,
              '_docs': ('These weights were trained from scratch by using a modified version of `DeIT '
                       "<https://arxiv.org/abs/2012.12877>`_'s training recipe.")},
    )
    DEFAULT = IMAGENET1K_V1


class ViT_H_14_Weights(WeightsEnum):
    IMAGENET1K_SWAG_E2E_V1 = Weights(
        url='https://download.pytorch.org/models/vit_h_14_swag-80465313.pth',
        transforms=partial(ImageClassification, crop_size=518, resize_size=518,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/facebookresearch/SWAG',
              'license': 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
              'num_params': 633470440,
              'min_size': (518, 518),
              '_metrics': {'ImageNet-1K': {'acc@1': 88.552, 'acc@5': 98.694}},
              '_ops': 1016.717,
              '_file_size': 2416.643,
              '_docs': ('These weights are learnt via transfer learning by end-to-end fine-tuning the original '
                       '`SWAG <https://arxiv.org/abs/2201.08371>`_ weights on ImageNet-1K data.')},
    )
    IMAGENET1K_SWAG_LINEAR_V1 = Weights(
        url='https://download.pytorch.org/models/vit_h_14_lc_swag-c1eb923e.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=224,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'recipe': 'https://github.com/pytorch/vision/pull/5793',
              'license': 'https://github.com/facebookresearch/SWAG/blob/main/LICENSE',
              'num_params': 632045800,
              'min_size': (224, 224),
              '_metrics': {'ImageNet-1K': {'acc@1': 85.708, 'acc@5': 97.73}},
              '_ops': 167.295,
              '_file_size': 2411.209,
              '_docs': ('These weights are composed of the original frozen `SWAG '
                       '<https://arxiv.org/abs/2201.08371>`_ trunk weights and a linear classifier learnt on top '
                       'of them trained on ImageNet-1K data.')},
    )
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


_ARGS = """

    Args:
        weights (optional): pretrained weights (the builder's ``*_Weights`` enum). Default: ``None``
        progress (bool): show a download progress bar. Default: ``True``
        **kwargs: passed to :class:`VisionTransformer` (``image_size`` defaults to 224, or the weights' size).
    """


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_B_16_Weights.IMAGENET1K_V1))
def vit_b_16(*, weights: Optional[ViT_B_16_Weights] = None, progress=True, **kwargs):
    weights = ViT_B_16_Weights.verify(weights)
    return _vision_transformer(16, 12, 12, 768, 3072, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_B_32_Weights.IMAGENET1K_V1))
def vit_b_32(*, weights: Optional[ViT_B_32_Weights] = None, progress=True, **kwargs):
    weights = ViT_B_32_Weights.verify(weights)
    return _vision_transformer(32, 12, 12, 768, 3072, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_L_16_Weights.IMAGENET1K_V1))
def vit_l_16(*, weights: Optional[ViT_L_16_Weights] = None, progress=True, **kwargs):
    weights = ViT_L_16_Weights.verify(weights)
    return _vision_transformer(16, 24, 16, 1024, 4096, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_L_32_Weights.IMAGENET1K_V1))
def vit_l_32(*, weights: Optional[ViT_L_32_Weights] = None, progress=True, **kwargs):
    weights = ViT_L_32_Weights.verify(weights)
    return _vision_transformer(32, 24, 16, 1024, 4096, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", None))
def vit_h_14(*, weights: Optional[ViT_H_14_Weights] = None, progress=True, **kwargs):
    weights = ViT_H_14_Weights.verify(weights)
    return _vision_transformer(14, 32, 16, 1280, 5120, weights, progress, **kwargs)


for _fn, _t in ((vit_b_16, "ViT-B/16"), (vit_b_32, "ViT-B/32"), (vit_l_16, "ViT-L/16"), (vit_l_32, "ViT-L/32"),
                (vit_h_14, "ViT-H/14")):
    _fn.__doc__ = f"{_t} from `An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale`." + _ARGS
del _fn, _t


def interpolate_embeddings(image_size, patch_size, model_state, interpolation_mode="bicubic", reset_heads=False):
    """A state dict whose ``encoder.pos_embedding`` is resampled (over the 2-D patch grid, corners aligned) for
    ``image_size`` / ``patch_size``, so a checkpoint loads at another resolution; ``reset_heads`` drops the
    ``heads.*`` entries."""
    from ...nn.functional import interpolate
    pos_embedding = model_state["encoder.pos_embedding"]
    n, seq_length, hidden_dim = pos_embedding.shape
    if n != 1:
        raise ValueError(f"Unexpected position embedding shape: {pos_embedding.shape}")
    new_seq_length = (image_size // patch_size) ** 2 + 1
    if new_seq_length != seq_length:
        seq_length -= 1
        new_seq_length -= 1
        token, img = pos_embedding[:, :1, :], pos_embedding[:, 1:, :].permute(0, 2, 1)
        side = int(math.sqrt(seq_length))
        if side * side != seq_length:
            raise ValueError(f"seq_length is not a perfect square! Instead got seq_length_1d * seq_length_1d = "
                             f"{side * side} and seq_length = {seq_length}")
        img = img.reshape(1, hidden_dim, side, side)
        new_side = image_size // patch_size
        img = interpolate(img, size=new_side, mode=interpolation_mode, align_corners=True)
        img = img.reshape(1, hidden_dim, new_seq_length).permute(0, 2, 1)
        model_state["encoder.pos_embedding"] = cat([token, img], dim=1)
        if reset_heads:
            model_state = OrderedDict((k, v) for k, v in model_state.items() if not k.startswith("heads"))
    return model_state
