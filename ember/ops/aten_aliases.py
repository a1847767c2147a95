"""The lower-level spellings torch exposes beside its functional API, composed from ember's
ops (so autograd follows): ``grid_sampler_2d/3d`` (integer modes), ``native_layer_norm`` /
``native_batch_norm`` / ``native_group_norm`` (the output and the saved statistics), and
``nn.functional.linear_cross_entropy`` (a linear layer into cross-entropy)."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor

__all__ = ["grid_sampler_2d", "grid_sampler_3d", "grid_sampler", "native_layer_norm", "native_batch_norm",
           "native_group_norm"]

_INTERP = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners) -> Tensor:
    """``grid_sample`` with torch's integer codes: mode 0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection."""
    from .sampling import grid_sample

    return grid_sample(input, grid, mode=_INTERP[interpolation_mode], padding_mode=_PADDING[padding_mode],
                       align_corners=align_corners)


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners) -> Tensor:
    """ATen's ``grid_sampler_2d``: ``nn.functional.grid_sample`` on 4-D input with integer modes.

    Args:
        interpolation_mode (int): 0 bilinear, 1 nearest, 2 bicubic.
        padding_mode (int): 0 zeros, 1 border, 2 reflection.

    Example:
        >>> x = torch.arange(4.).view(1, 1, 2, 2)
        >>> torch.grid_sampler_2d(x, torch.zeros(1, 1, 1, 2), 0, 0, False)
        tensor([[[[1.5000]]]])
    """
    if input.ndim != 4:
        raise RuntimeError(f"grid_sampler_2d(): expected 4D input, got {input.ndim}D")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners) -> Tensor:
    """ATen's ``grid_sampler_3d``: ``nn.functional.grid_sample`` on 5-D input with integer modes.

    Example:
        >>> x = torch.arange(8.).view(1, 1, 2, 2, 2)
        >>> torch.grid_sampler_3d(x, torch.zeros(1, 1, 1, 1, 3), 0, 0, True)
        tensor([[[[[3.5000]]]]])
    """
    if input.ndim != 5:
        raise RuntimeError(f"grid_sampler_3d(): expected 5D input, got {input.ndim}D")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def _stats(x, dims, eps):
    """(mean, 1 / sqrt(biased var + eps)) over ``dims``, kept as size-1 dims."""
    mean = x.mean(dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dims, keepdim=True)
    return mean, (var + eps).rsqrt()


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """``(out, mean, rstd)`` of layer norm over the trailing ``normalized_shape`` dims."""
    k = len(tuple(normalized_shape))
    dims = tuple(range(input.ndim - k, input.ndim))
    mean, rstd = _stats(input, dims, eps) if input.numel() else (input.sum(dims, keepdim=True),) * 2
    out = (input - mean) * rstd
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out, mean.detach(), rstd.detach()   # torch: the statistics carry no gradient


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """``(out, save_mean, save_invstd)`` of batch norm over (N, C, *); ``save_*`` are empty in
    evaluation mode, as torch's CPU kernel returns them."""
    from .creation import empty
    from .normalization import batch_norm

    out = batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        e = empty((0,), dtype=input.dtype)
        return out, e, e
    dims = (0,) + tuple(range(2, input.ndim))
    with _no_grad():
        mean, rstd = _stats(input.detach(), dims, eps)
    return out, mean.reshape(-1), rstd.reshape(-1)


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """``(out, mean, rstd)`` of group norm; ``mean`` and ``rstd`` are (N, group)."""
    from .normalization import group_norm

    out = group_norm(input, group, weight, bias, eps)
    x = input.reshape(N, group, C // group * HxW)
    if x.numel():
        mean, rstd = _stats(x, (2,), eps)   # differentiable outputs, as torch's
    else:
        mean = rstd = x.sum(2, keepdim=True) * np.nan
    return out, mean.reshape(N, group), rstd.reshape(N, group)


def _no_grad():
    from ..autograd.grad_mode import no_grad

    return no_grad()


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``. A weight of
    shape (C, d_1, ..., d_K, in) gives K-dimensional logits (N, C, d_1, ..., d_K). ``options``
    (torch's chunking strategy) changes memory use only, not the result, and is ignored here."""
    from .linalg import tensordot
    from .linear import linear
    from .loss import cross_entropy

    if linear_weight.ndim <= 2:
        logits = linear(input, linear_weight, linear_bias)
    else:
        logits = tensordot(input, linear_weight, ([input.ndim - 1], [linear_weight.ndim - 1]))
        if linear_bias is not None:
            logits = logits + linear_bias
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)
