"""Max unpooling (1-3 d): the partial inverse of max pooling, which puts each value back at the
position its ``indices`` (from ``max_pool*d(..., return_indices=True)``) name, zeros elsewhere."""
import math

import numpy as np

from . import pooling_backward as _pb
from ._apply import Op, apply
from ._apply import ntuple as _ntuple

__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]


class _MaxUnpool(Op):
    name = "MaxUnpool2DBackward0"

    def forward(self, x, idx, nd, osize):
        lead = x.shape[:-nd]
        P = math.prod(osize)
        L = math.prod(lead)
        out = np.zeros((L, P), dtype=x.dtype)
        ii = idx.reshape(L, -1)
        if ii.size and (ii.min() < 0 or ii.max() >= P):
            raise RuntimeError(f"Found an invalid max index: {int(ii.max() if ii.max() >= P else ii.min())} "
                               f"(output volumes are of size {'x'.join(map(str, osize))}")
        rows = np.broadcast_to(np.arange(L).reshape(-1, 1), ii.shape)
        out[rows, ii] = x.reshape(L, -1)
        self.ii, self.rows, self.xshape = ii, rows, x.shape
        return out.reshape(lead + tuple(osize))

    def backward(self, g):
        L = self.ii.shape[0]
        gg = g.reshape(L, -1)
        return gg[self.rows, self.ii].reshape(self.xshape), None

    backward_ops, jvp = _pb.max_unpool_backward_ops, _pb.max_unpool_jvp


class _MaxUnpool3(_MaxUnpool):
    name = "MaxUnpool3DBackward0"


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size):
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None else _ntuple(stride, nd, "stride")
    p = _ntuple(padding, nd, "padding")
    xd = input._data
    sp = xd.shape[-nd:]
    default = tuple((i - 1) * ss - 2 * pp + kk for i, ss, pp, kk in zip(sp, s, p, k))
    if output_size is None:
        osize = default
    else:
        osize = tuple(int(v) for v in output_size)
        if len(osize) == nd + 2 or (len(osize) == nd + 1 and xd.ndim == nd + 1):
            osize = osize[-nd:]
        if len(osize) != nd:
            raise ValueError(f"output_size must have {nd} or {nd + 2} elements (got {len(osize)})")
        for o, dflt, ss in zip(osize, default, s):
            if not dflt - ss < o < dflt + ss:
                raise ValueError(f"invalid output_size \"{list(osize)}\" (dim {o} must be between "
                                 f"{dflt - ss} and {dflt + ss})")
    if tuple(indices._data.shape) != tuple(xd.shape):
        raise RuntimeError("Expected shape of indices to be same as that of the input tensor "
                           f"({list(xd.shape)}) but got indices tensor with shape: {list(indices._data.shape)}")
    return apply(_MaxUnpool3 if nd == 3 else _MaxUnpool, input, indices, nd=nd, osize=osize)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool1d`: puts each value at its index and zeros elsewhere.

    Args:
        input (Tensor): the pooled values, ``(N, C, L)`` or ``(C, L)``.
        indices (Tensor): the indices returned by the pooling.
        kernel_size (int or tuple): the pooling's window size.
        stride (int or tuple, optional): the pooling's step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): the pooling's padding. Default: ``0``.
        output_size (tuple, optional): the exact output size, when ambiguous. Default: ``None``.

    Shape:
        Output: ``(N, C, (L - 1) * stride - 2 * padding + kernel_size)`` unless ``output_size`` is given.

    Example:
        >>> import ember.nn.functional as F
        >>> y, i = F.max_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 2, return_indices=True)
        >>> F.max_unpool1d(y, i, 2)
        tensor([[[0., 5., 2., 0., 0., 4.]]])
    """
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool2d`: puts each value at its index and zeros elsewhere.

    Args:
        input (Tensor): the pooled values, ``(N, C, H, W)`` or ``(C, H, W)``.
        indices (Tensor): the indices returned by the pooling.
        kernel_size (int or tuple): the pooling's window size.
        stride (int or tuple, optional): the pooling's step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): the pooling's padding. Default: ``0``.
        output_size (tuple, optional): the exact output size, when ambiguous. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> y, i = F.max_pool2d(ember.tensor([[[1., 2.], [4., 3.]]]), 2, return_indices=True)
        >>> F.max_unpool2d(y, i, 2)
        tensor([[[0., 0.],
                 [4., 0.]]])
    """
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of :func:`max_pool3d`: puts each value at its index and zeros elsewhere.

    Args:
        input (Tensor): the pooled values, ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        indices (Tensor): the indices returned by the pooling.
        kernel_size (int or tuple): the pooling's window size.
        stride (int or tuple, optional): the pooling's step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): the pooling's padding. Default: ``0``.
        output_size (tuple, optional): the exact output size, when ambiguous. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> y, i = F.max_pool3d(ember.arange(8.).view(1, 2, 2, 2), 2, return_indices=True)
        >>> F.max_unpool3d(y, i, 2).flatten()
        tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)
