"""Dropout and its feature / alpha variants: one mask-multiply op."""
import math
import warnings

import numpy as np

from .. import _random
from .._tensor import _wrap
from ._apply import Op, apply, apply_

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]


class _MaskMul(Op):
    name = "MulBackward0"

    def forward(self, x, mask, shift=None, inplace=False):
        self.mask = mask
        y = x * mask
        if shift is not None:
            y = y + shift
        return y.astype(x.dtype, copy=False)

    def backward(self, g):
        return g * self.mask, None

    def backward_ops(self, g):
        return g * _wrap(self.mask), None


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_mask(x, p, shape):
    if p == 1:
        return np.zeros(shape, dtype=x.dtype)
    # PyTorch: noise = empty_like(x).bernoulli_(1 - p); noise.div_(1 - p)
    keep = _random.bernoulli(1.0 - p, shape)
    return keep.astype(x.dtype) / x.dtype.type(1.0 - p)


def _apply_mask(input, mask, inplace, shift=None):
    if inplace:
        return apply_(_MaskMul, input, _wrap(mask), shift, inplace=True)
    return apply(_MaskMul, input, _wrap(mask), shift)


def dropout(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    return _apply_mask(input, _dropout_mask(x, p, x.shape), inplace)


def _feature_dropout(input, p, training, inplace, name, ranks):
    _check_p(p)
    nd = input.ndim
    if nd not in ranks:
        raise RuntimeError(
            f"{name}: Expected {'2D or 3D' if ranks == (2, 3) else '3D or 4D' if ranks == (3, 4) else '4D or 5D'} "
            f"input, but received a {nd}D input. ")
    if not training or p == 0:
        return input
    x = input._data
    batched = nd == ranks[1]
    shape = x.shape[:2] + (1,) * (nd - 2) if batched else x.shape[:1] + (1,) * (nd - 1)
    return _apply_mask(input, _dropout_mask(x, p, shape), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, "dropout1d", (2, 3))


def dropout2d(input, p=0.5, training=True, inplace=False):
    nd = input.ndim
    if nd not in (3, 4):
        warnings.warn(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and "
                      "will result in an error in a future release.")
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    shape = x.shape[:2] + (1,) * (nd - 2)
    return _apply_mask(input, _dropout_mask(x, p, shape), inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, "dropout3d", (4, 5))


def _alpha(input, p, training, inplace, shape_fn):
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    if p == 1:
        return _apply_mask(input, np.zeros(x.shape, x.dtype), inplace)
    alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    noise = _random.bernoulli(1.0 - p, shape_fn(x)).astype(x.dtype)
    b = ((noise - 1) * (alpha * a) + alpha * a * p).astype(x.dtype)
    return _apply_mask(input, noise * x.dtype.type(a), inplace, shift=b)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _alpha(input, p, training, inplace, lambda x: x.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _alpha(input, p, training, inplace, lambda x: x.shape[:2] + (1,) * (x.ndim - 2))
