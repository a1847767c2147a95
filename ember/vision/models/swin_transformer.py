"""Swin Transformer V1 (swin_t/s/b) and V2 (swin_v2_t/s/b) with torchvision's module names, init and weights
enums."""
import math
from functools import partial
from typing import Optional

import numpy as np

from ... import cat, nn, no_grad, ones, roll, sigmoid, tensor, zeros, zeros_like
from ...nn import functional as F
from ...nn import init
from ..ops.misc import MLP, Permute
from ..ops.stochastic_depth import StochasticDepth
from ..transforms._presets import ImageClassification, InterpolationMode
from ._api import Weights, WeightsEnum, _ovewrite_named_param, handle_legacy_interface, register_model
from ._meta import _IMAGENET_CATEGORIES
from .maxvit import _get_relative_position_index

__all__ = ["SwinTransformer", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights", "Swin_V2_T_Weights",
           "Swin_V2_S_Weights", "Swin_V2_B_Weights", "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s",
           "swin_v2_b"]


def _patch_merging_pad(x):
    """[..., H, W, C] -> [..., H/2, W/2, 4C]: the four pixels of each 2x2 cell (H, W padded to even) side by side."""
    H, W, _ = x.shape[-3:]
    x = F.pad(x, (0, 0, 0, W % 2, 0, H % 2))
    return cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :], x[..., 1::2, 1::2, :]], -1)


def _get_relative_position_bias(relative_position_bias_table, relative_position_index, window_size):
    """The (1, heads, N, N) bias of a window of N positions, gathered from the table."""
    N = window_size[0] * window_size[1]
    bias = relative_position_bias_table[relative_position_index].view(N, N, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


class PatchMerging(nn.Module):
    """Halve H and W, merging 2x2 cells: pad, concatenate to 4C, norm, Linear to 2C (no bias).

    Args:
        dim (int): C of the [..., H, W, C] input.
        norm_layer (callable): Default: ``nn.LayerNorm``
    """

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """Swin V2's patch merging: the norm comes after the reduction (over 2C)."""

    def __init__(self, dim, norm_layer=nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x):
        return self.norm(self.reduction(_patch_merging_pad(x)))


def _shift_mask(pad_H, pad_W, window_size, shift_size):
    """(num_windows, N, N) additive mask: -100 between positions that came from different regions of the
    cyclically shifted image, 0 within one."""
    region = np.zeros((pad_H, pad_W), np.float32)
    h_slices = ((0, -window_size[0]), (-window_size[0], -shift_size[0]), (-shift_size[0], None))
    w_slices = ((0, -window_size[1]), (-window_size[1], -shift_size[1]), (-shift_size[1], None))
    count = 0
    for h in h_slices:
        for w in w_slices:
            region[h[0]:h[1], w[0]:w[1]] = count
            count += 1
    region = region.reshape(pad_H // window_size[0], window_size[0], pad_W // window_size[1], window_size[1])
    region = region.transpose(0, 2, 1, 3).reshape(-1, window_size[0] * window_size[1])
    diff = region[:, None, :] - region[:, :, None]
    return np.where(diff != 0, np.float32(-100.0), np.float32(0.0))


def shifted_window_attention(input, qkv_weight, proj_weight, relative_position_bias, window_size, num_heads,
                             shift_size, attention_dropout=0.0, dropout=0.0, qkv_bias=None, proj_bias=None,
                             logit_scale=None, training=True):
    """Window multi-head self-attention with relative position bias, on windows shifted by ``shift_size``
    (W-MSA / SW-MSA); cosine attention with a learned ``logit_scale`` for Swin V2.

    Args:
        input (Tensor[N, H, W, C]): the feature map.
        qkv_weight (Tensor[3C, C]), proj_weight (Tensor[C, C]): the projections.
        relative_position_bias (Tensor): added to the attention logits.
        window_size (list[int]), shift_size (list[int]): window and cyclic shift sizes.
        num_heads (int): attention heads.
        attention_dropout (float), dropout (float): Default: 0.0
        qkv_bias (Tensor[3C], optional), proj_bias (Tensor[C], optional): the projections' biases.
        logit_scale (Tensor, optional): Swin V2's per-head scale of the cosine logits.
        training (bool): dropout is active. Default: ``True``

    Returns:
        Tensor[N, H, W, C]
    """
    B, H, W, C = input.shape
    pad_r = (window_size[1] - W % window_size[1]) % window_size[1]
    pad_b = (window_size[0] - H % window_size[0]) % window_size[0]
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, pad_H, pad_W, _ = x.shape
    shift_size = list(shift_size)
    if window_size[0] >= pad_H:   # one window covers the axis: no shift
        shift_size[0] = 0
    if window_size[1] >= pad_W:
        shift_size[1] = 0
    if sum(shift_size) > 0:
        x = roll(x, shifts=(-shift_size[0], -shift_size[1]), dims=(1, 2))
    num_windows = (pad_H // window_size[0]) * (pad_W // window_size[1])
    x = x.view(B, pad_H // window_size[0], window_size[0], pad_W // window_size[1], window_size[1], C)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(B * num_windows, window_size[0] * window_size[1], C)
    if logit_scale is not None and qkv_bias is not None:   # V2 has no key bias
        length = qkv_bias.numel() // 3
        qkv_bias = cat([qkv_bias[:length], zeros_like(qkv_bias[length:2 * length]), qkv_bias[2 * length:]])
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, C // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * logit_scale.clamp(max=math.log(100.0)).exp()
    else:
        attn = (q * (C // num_heads) ** -0.5).matmul(k.transpose(-2, -1))
    attn = attn + relative_position_bias
    if sum(shift_size) > 0:
        mask = tensor(_shift_mask(pad_H, pad_W, window_size, shift_size), dtype=attn.dtype)
        attn = attn.view(x.size(0) // num_windows, num_windows, num_heads, x.size(1), x.size(1))
        attn = (attn + mask.unsqueeze(1).unsqueeze(0)).view(-1, num_heads, x.size(1), x.size(1))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), C)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(B, pad_H // window_size[0], pad_W // window_size[1], window_size[0], window_size[1], C)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(B, pad_H, pad_W, C)
    if sum(shift_size) > 0:
        x = roll(x, shifts=(shift_size[0], shift_size[1]), dims=(1, 2))
    return x[:, :H, :W, :].contiguous()


class ShiftedWindowAttention(nn.Module):
    """:func:`shifted_window_attention` with its parameters: ``qkv``, ``proj``, ``relative_position_bias_table``
    and the ``relative_position_index`` buffer."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0,
                 dropout=0.0):
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        wh, ww = self.window_size
        self.relative_position_bias_table = nn.Parameter(zeros((2 * wh - 1) * (2 * ww - 1), self.num_heads))
        init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        index = _get_relative_position_index(self.window_size[0], self.window_size[1]).flatten()
        self.register_buffer("relative_position_index", index)

    def get_relative_position_bias(self):
        return _get_relative_position_bias(self.relative_position_bias_table, self.relative_position_index,
                                           self.window_size)

    def forward(self, x):
        return shifted_window_attention(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(), self.window_size, self.num_heads,
            shift_size=self.shift_size, attention_dropout=self.attention_dropout, dropout=self.dropout,
            qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, training=self.training)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """Swin V2's window attention: cosine logits with a learned ``logit_scale``; the position bias comes from a
    small MLP (``cpb_mlp``) over log-spaced relative coordinates."""

    def __init__(self, dim, window_size, shift_size, num_heads, qkv_bias=True, proj_bias=True, attention_dropout=0.0,
                 dropout=0.0):
        super().__init__(dim, window_size, shift_size, num_heads, qkv_bias=qkv_bias, proj_bias=proj_bias,
                         attention_dropout=attention_dropout, dropout=dropout)
        self.logit_scale = nn.Parameter((10 * ones((num_heads, 1, 1))).log())
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True),
                                     nn.Linear(512, num_heads, bias=False))
        if qkv_bias:
            length = self.qkv.bias.numel() // 3
            with no_grad():
                self.qkv.bias[length:2 * length].zero_()

    def define_relative_position_bias_table(self):
        wh, ww = self.window_size
        h = np.arange(-(wh - 1), wh, dtype=np.float32)
        w = np.arange(-(ww - 1), ww, dtype=np.float32)
        table = np.stack(np.meshgrid(h, w, indexing="ij")).transpose(1, 2, 0)[None].copy()   # 1, 2Wh-1, 2Ww-1, 2
        table[..., 0] /= np.float32(wh - 1)
        table[..., 1] /= np.float32(ww - 1)
        table *= np.float32(8)   # to [-8, 8], then log-spaced
        table = np.sign(table) * np.log2(np.abs(table) + np.float32(1.0)) / np.float32(3.0)
        self.register_buffer("relative_coords_table", tensor(table.astype(np.float32)))

    def get_relative_position_bias(self):
        bias = _get_relative_position_bias(self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads),
                                           self.relative_position_index, self.window_size)
        return 16 * sigmoid(bias)

    def forward(self, x):
        return shifted_window_attention(
            x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(), self.window_size, self.num_heads,
            shift_size=self.shift_size, attention_dropout=self.attention_dropout, dropout=self.dropout,
            qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, logit_scale=self.logit_scale, training=self.training)


class SwinTransformerBlock(nn.Module):
    """Pre-norm block: ``x + sd(attn(norm1(x)))``, then ``+ sd(mlp(norm2(.)))``.

    Args:
        dim (int), num_heads (int), window_size (list[int]), shift_size (list[int]): the attention.
        mlp_ratio (float): Default: 4.0
        dropout (float), attention_dropout (float), stochastic_depth_prob (float): Default: 0.0
        norm_layer (callable): Default: ``nn.LayerNorm``
        attn_layer (callable): Default: :class:`ShiftedWindowAttention`
    """

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm, attn_layer=ShiftedWindowAttention):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(dim, window_size, shift_size, num_heads, attention_dropout=attention_dropout,
                               dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        for m in self.mlp.modules():
            if isinstance(m, nn.Linear):
                init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    init.normal_(m.bias, std=1e-6)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """Swin V2's block: post-norm residuals, ``x + sd(norm1(attn(x)))``, then ``+ sd(norm2(mlp(.)))``."""

    def __init__(self, dim, num_heads, window_size, shift_size, mlp_ratio=4.0, dropout=0.0, attention_dropout=0.0,
                 stochastic_depth_prob=0.0, norm_layer=nn.LayerNorm, attn_layer=ShiftedWindowAttentionV2):
        super().__init__(dim, num_heads, window_size, shift_size, mlp_ratio=mlp_ratio, dropout=dropout,
                         attention_dropout=attention_dropout, stochastic_depth_prob=stochastic_depth_prob,
                         norm_layer=norm_layer, attn_layer=attn_layer)

    def forward(self, x):
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


class SwinTransformer(nn.Module):
    """Swin Transformer (Liu et al., "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows"):
    ``features`` (patch embedding, stages with patch merging between them), ``norm``, ``permute``, ``avgpool``,
    ``flatten``, ``head``.

    Args:
        patch_size (list[int]), embed_dim (int), depths (list[int]), num_heads (list[int]), window_size (list[int]):
            the architecture.
        mlp_ratio (float): Default: 4.0
        dropout (float), attention_dropout (float): Default: 0.0
        stochastic_depth_prob (float): the last block's drop rate (linear over blocks). Default: 0.1
        num_classes (int): Default: 1000
        norm_layer (callable, optional): Default: ``nn.LayerNorm`` (eps 1e-5)
        block (callable, optional): Default: :class:`SwinTransformerBlock`
        downsample_layer (callable): Default: :class:`PatchMerging`
    """

    def __init__(self, patch_size, embed_dim, depths, num_heads, window_size, mlp_ratio=4.0, dropout=0.0,
                 attention_dropout=0.0, stochastic_depth_prob=0.1, num_classes=1000, norm_layer=None, block=None,
                 downsample_layer=PatchMerging):
        super().__init__()
        self.num_classes = num_classes
        block = SwinTransformerBlock if block is None else block
        norm_layer = partial(nn.LayerNorm, eps=1e-5) if norm_layer is None else norm_layer
        layers = [nn.Sequential(
            nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]), stride=(patch_size[0], patch_size[1])),
            Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        total_stage_blocks = sum(depths)
        stage_block_id = 0
        for i_stage in range(len(depths)):
            stage = []
            dim = embed_dim * 2 ** i_stage
            for i_layer in range(depths[i_stage]):
                sd_prob = stochastic_depth_prob * float(stage_block_id) / (total_stage_blocks - 1)
                stage.append(block(dim, num_heads[i_stage], window_size=window_size,
                                   shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                                   mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout,
                                   stochastic_depth_prob=sd_prob, norm_layer=norm_layer))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    init.zeros_(m.bias)

    def forward(self, x):
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


def _swin_transformer(patch_size, embed_dim, depths, num_heads, window_size, stochastic_depth_prob, weights, progress,
                      **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = SwinTransformer(patch_size=patch_size, embed_dim=embed_dim, depths=depths, num_heads=num_heads,
                            window_size=window_size, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_COMMON_META = {
    'categories': _IMAGENET_CATEGORIES,
    '_docs': 'These weights reproduce closely the results of the paper using a similar training recipe.',
}


class Swin_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/swin_t-704ceda3.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=232,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'num_params': 28288354,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer',
              '_metrics': {'ImageNet-1K': {'acc@1': 81.474, 'acc@5': 95.776}},
              '_ops': 4.491,
              '_file_size': 108.19},
    )
    DEFAULT = IMAGENET1K_V1


class Swin_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/swin_s-5e29d889.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=246,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'num_params': 49606258,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer',
              '_metrics': {'ImageNet-1K': {'acc@1': 83.196, 'acc@5': 96.36}},
              '_ops': 8.741,
              '_file_size': 189.786},
    )
    DEFAULT = IMAGENET1K_V1


class Swin_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/swin_b-68c6b09e.pth',
        transforms=partial(ImageClassification, crop_size=224, resize_size=238,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'num_params': 87768224,
              'min_size': (224, 224),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer',
              '_metrics': {'ImageNet-1K': {'acc@1': 83.582, 'acc@5': 96.64}},
              '_ops': 15.431,
              '_file_size': 335.364},
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/swin_v2_t-b137f0e2.pth',
        transforms=partial(ImageClassification, crop_size=256, resize_size=260,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'num_params': 28351570,
              'min_size': (256, 256),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2',
              '_metrics': {'ImageNet-1K': {'acc@1': 82.072, 'acc@5': 96.132}},
              '_ops': 5.94,
              '_file_size': 108.626},
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/swin_v2_s-637d8ceb.pth',
        transforms=partial(ImageClassification, crop_size=256, resize_size=260,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'num_params': 49737442,
              'min_size': (256, 256),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2',
              '_metrics': {'ImageNet-1K': {'acc@1': 83.712, 'acc@5': 96.816}},
              '_ops': 11.546,
              '_file_size': 190.675},
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url='https://download.pytorch.org/models/swin_v2_b-781e5279.pth',
        transforms=partial(ImageClassification, crop_size=256, resize_size=272,
                           interpolation=InterpolationMode.BICUBIC),
        meta={**_COMMON_META,
              'num_params': 87930848,
              'min_size': (256, 256),
              'recipe': 'https://github.com/pytorch/vision/tree/main/references/classification#swintransformer-v2',
              '_metrics': {'ImageNet-1K': {'acc@1': 84.112, 'acc@5': 96.864}},
              '_ops': 20.325,
              '_file_size': 336.372},
    )
    DEFAULT = IMAGENET1K_V1


_V2 = dict(block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_T_Weights.IMAGENET1K_V1))
def swin_t(*, weights: Optional[Swin_T_Weights] = None, progress=True, **kwargs):
    """swin_tiny from `Swin Transformer: Hierarchical Vision Transformer using Shifted Windows`.

    Args:
        weights (Swin_T_Weights, optional): pretrained weights. Default: ``None``
        progress (bool): show a download progress bar. Default: ``True``
        **kwargs: passed to :class:`SwinTransformer`.
    """
    weights = Swin_T_Weights.verify(weights)
    return _swin_transformer([4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [7, 7], 0.2, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_S_Weights.IMAGENET1K_V1))
def swin_s(*, weights: Optional[Swin_S_Weights] = None, progress=True, **kwargs):
    """swin_small; arguments as :func:`swin_t`."""
    weights = Swin_S_Weights.verify(weights)
    return _swin_transformer([4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [7, 7], 0.3, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_B_Weights.IMAGENET1K_V1))
def swin_b(*, weights: Optional[Swin_B_Weights] = None, progress=True, **kwargs):
    """swin_base; arguments as :func:`swin_t`."""
    weights = Swin_B_Weights.verify(weights)
    return _swin_transformer([4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [7, 7], 0.5, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_V2_T_Weights.IMAGENET1K_V1))
def swin_v2_t(*, weights: Optional[Swin_V2_T_Weights] = None, progress=True, **kwargs):
    """swin_v2_tiny from `Swin Transformer V2: Scaling Up Capacity and Resolution`; arguments as :func:`swin_t`."""
    weights = Swin_V2_T_Weights.verify(weights)
    return _swin_transformer([4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [8, 8], 0.2, weights, progress, **_V2,
                             **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_V2_S_Weights.IMAGENET1K_V1))
def swin_v2_s(*, weights: Optional[Swin_V2_S_Weights] = None, progress=True, **kwargs):
    """swin_v2_small; arguments as :func:`swin_t`."""
    weights = Swin_V2_S_Weights.verify(weights)
    return _swin_transformer([4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [8, 8], 0.3, weights, progress, **_V2,
                             **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_V2_B_Weights.IMAGENET1K_V1))
def swin_v2_b(*, weights: Optional[Swin_V2_B_Weights] = None, progress=True, **kwargs):
    """swin_v2_base; arguments as :func:`swin_t`."""
    weights = Swin_V2_B_Weights.verify(weights)
    return _swin_transformer([4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [8, 8], 0.5, weights, progress, **_V2,
                             **kwargs)
