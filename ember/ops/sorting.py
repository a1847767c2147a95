"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, apply, linear_backward_ops, wrap_dim
from .reduction import _select_backward, return_types

__all__ = ["topk", "kthvalue", "sort", "argsort", "msort", "unique", "unique_consecutive"]


# ---- sort / topk / kthvalue ---------------------------------------------------------

def _argsort(a, axis, descending, stable=True):
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    idx = np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)
    return (n - 1) - idx


class SelectAlong(Op):
    """Values picked along ``dim`` at computed indices: sort, topk, kthvalue, median, mode."""
    name = "SortBackward0"
    nondiff = (1,)

    def forward(self, a, idx, d, keepdim=True):
        self.shape, self.dtype, self.d, self.keepdim = a.shape, a.dtype, d, keepdim
        if a.ndim == 0:
            self.idx = idx
            return a.copy(), np.zeros((), np.int64)
        vals = np.take_along_axis(a, idx, d)
        self.idx = idx
        idx = idx.astype(np.int64, copy=False)
        if not keepdim:
            return np.squeeze(vals, d), np.squeeze(idx, d)
        return vals, idx

    backward = _select_backward

    backward_ops = linear_backward_ops

    def jvp(self, u):
        if len(self.shape) == 0:
            return u.copy()
        v = np.take_along_axis(u, self.idx, self.d)
        return v if self.keepdim else np.squeeze(v, self.d)


class TopkOp(SelectAlong):
    name = "TopkBackward0"


class KthvalueOp(SelectAlong):
    name = "KthvalueBackward0"


@tensor_method()
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """The values sorted along ``dim`` and their original indices, as ``(values, indices)``.

    Example:
        >>> torch.sort(torch.tensor([3., 1., 2.]), descending=True)
        torch.return_types.sort(
        values=tensor([3., 2., 1.]),
        indices=tensor([0, 2, 1]))
    """
    a = input._data
    d = wrap_dim(dim, a.ndim)
    idx = _argsort(a, d, descending)
    return return_types.sort(*apply(SelectAlong, input, idx, d))


@tensor_method()
def argsort(input, dim=-1, descending=False, stable=False, *, out=None) -> Tensor:
    """The indices that sort ``input`` along ``dim``.

    Example:
        >>> torch.argsort(torch.tensor([3., 1., 2.]))
        tensor([1, 2, 0])
    """
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return _wrap(np.asarray(_argsort(a, d, descending), dtype=np.int64))


@tensor_method()
def msort(input, *, out=None) -> Tensor:
    """``input`` sorted along dim 0.

    Example:
        >>> torch.msort(torch.tensor([[3, 1], [1, 2]]))
        tensor([[1, 1],
                [3, 2]])
    """
    return sort(input, 0)[0]


@tensor_method()
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    Example:
        >>> torch.topk(torch.tensor([1., 4., 2., 3.]), 2)
        torch.return_types.topk(
        values=tensor([4., 3.]),
        indices=tensor([1, 3]))
    """
    D.refuse_unsigned(input, "topk_cpu")  # PyTorch has no uint16/32/64 kernel
    a = input._data
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    idx = _argsort(a, d, largest)
    if a.ndim:
        idx = np.take(idx, np.arange(k), axis=d)
    return return_types.topk(*apply(TopkOp, input, idx, d))


@tensor_method()
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest value along ``dim`` and its index.

    Example:
        >>> torch.kthvalue(torch.tensor([4., 1., 3.]), 2)
        torch.return_types.kthvalue(
        values=tensor(3.),
        indices=tensor(2))
    """
    D.refuse_unsigned(input, "kthvalue_cpu")  # PyTorch has no uint16/32/64 kernel
    a = input._data
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    idx = _argsort(a, d, False)
    if a.ndim:
        idx = np.take(idx, [k - 1], axis=d)
    return return_types.kthvalue(*apply(KthvalueOp, input, idx, d, keepdim))


@tensor_method()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements (sorted), and optionally the inverse indices and the counts.

    Example:
        >>> torch.unique(torch.tensor([2, 1, 2, 3]), return_counts=True)
        (tensor([1, 2, 3]), tensor([1, 2, 1]))
    """
    a = input._data
    if dim is None:
        vals, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = wrap_dim(dim, a.ndim)
        vals, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    res = [_wrap(vals)]
    if return_inverse:
        res.append(_wrap(inv.astype(np.int64)))
    if return_counts:
        res.append(_wrap(cnt.astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


@tensor_method()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Keep the first of each run of equal consecutive elements (or slices along ``dim``).

    Example:
        >>> torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 1]), return_counts=True)
        (tensor([1, 2, 1]), tensor([2, 2, 1]))
    """
    a = input._data
    if dim is None:
        f = a.reshape(-1)
        start = np.ones(f.shape[0], bool)
        start[1:] = f[1:] != f[:-1]
        vals = f[start]
    else:
        d = wrap_dim(dim, a.ndim)
        m = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        start = np.ones(m.shape[0], bool)
        start[1:] = (m[1:] != m[:-1]).any(1)
        vals = np.compress(start, a, axis=d)
    res = [_wrap(np.ascontiguousarray(vals))]
    if return_inverse:
        inv = np.cumsum(start) - 1
        res.append(_wrap(inv.reshape(a.shape if dim is None else -1).astype(np.int64)))
    if return_counts:
        idx = np.flatnonzero(np.append(start, True))
        res.append(_wrap(np.diff(idx).astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)
