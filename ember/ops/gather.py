"""Reading by index or mask: gather, take, take_along_dim, index_select, narrow_copy,
masked_select, masked_fill, masked_scatter (and the index checks they share with scatter)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, _BackwardOf, _snapshot, apply, apply_, linear_backward_ops, wrap_dim
from .indexing import _ndarray

__all__ = ["index_select", "masked_select", "masked_fill", "masked_scatter", "take",
           "take_along_dim", "gather", "narrow_copy"]


# ---- helpers for dim-wise gather / scatter -------------------------------------------------

def _check_index(idx, fn, allow32=True):
    if not isinstance(idx, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(idx).__name__}")
    k = idx._data.dtype
    if k != np.int64 and not (allow32 and k == np.int32) and idx._data.size:   # an empty index may be any dtype
        raise RuntimeError(f"{fn}(): Expected dtype int64 for index")


def _gidx(index, dim):
    """Open-mesh index tuple selecting ``a[..., index, ...]`` elementwise along ``dim``."""
    nd = index.ndim
    out = []
    for d in range(nd):
        if d == dim:
            out.append(index.astype(np.intp, copy=False))
        else:
            sh = [1] * nd
            sh[d] = index.shape[d]
            out.append(np.arange(index.shape[d]).reshape(sh))
    return tuple(out)


def _check_bounds(index, size, dim):
    if index.size:
        lo, hi = index.min(), index.max()
        if hi >= size or lo < -size:
            bad = hi if hi >= size else lo
            raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _check_gather_shapes(a, index, dim, fn, src=None):
    if index.ndim != max(a.ndim, 1) and not (index.ndim == 0 and a.ndim == 0) and index.size:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as "
                           f"{'input' if src is None else 'self'} tensor")
    for d in range(index.ndim):
        if d != dim and a.ndim and index.shape[d] > a.shape[d]:
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index.shape)} "
                               f"to be no larger than self {list(a.shape)} apart from dimension {dim}")
        if src is not None and src.ndim and index.shape[d] > src.shape[d]:
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than src "
                               f"{list(src.shape)} apart from dimension {dim}")
    if a.ndim:
        _check_bounds(index, a.shape[dim], dim)


def _src_part(src, index):
    return src[tuple(slice(0, s) for s in index.shape)] if src.ndim else src


# ---- gather / take ---------------------------------------------------------------------------

class Gather(Op):
    name = "GatherBackward0"

    def forward(self, a, index, dim):
        _check_gather_shapes(a, index, dim, "gather")
        if a.ndim == 0:
            a1, idx1 = a.reshape(1), index.reshape(-1)
            self.shape, self.dtype, self.dim, self.idx = a.shape, a.dtype, 0, (idx1,)
            return a1[idx1].reshape(index.shape)
        self.shape, self.dtype, self.dim = a.shape, a.dtype, dim
        self.idx = _gidx(index, dim)
        return a[self.idx]

    def backward(self, g):
        z = np.zeros(self.shape, self.dtype)
        if z.ndim == 0:
            return np.asarray(g.sum(), self.dtype), None
        np.add.at(z, self.idx, g)
        return z, None

    def backward_ops(self, g):
        if len(self.shape) == 0:   # a 0-d input: every pick reads its one value
            return g.sum(), None
        return apply(_BackwardOf, g, node=_snapshot(self)), None

    def jvp(self, u):
        return u[self.idx]


@tensor_method()
def gather(input, dim, index, *, sparse_grad=False, out=None) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` (dim=0): picks along ``dim``.

    Example:
        >>> torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    D.refuse_unsigned(input, "scatter_gather_tensor_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "gather")
    dim = wrap_dim(dim, input.ndim)
    if index._data.size == 0:   # nothing to pick: an empty result of the index's shape (in the graph)
        return input.reshape(-1)[:0].reshape(tuple(index.shape))
    return apply(Gather, input, index, dim=dim)


class TakeAlongDim(Op):
    name = "GatherBackward0"

    def forward(self, a, index, dim):
        if dim is None:
            a = a.reshape(-1)
            index = index.reshape(-1)
            dim = 0
        else:
            sa, si = list(a.shape), list(index.shape)
            sa[dim] = si[dim] = 1
            b = list(np.broadcast_shapes(tuple(sa), tuple(si)))
            ba, bi = list(b), list(b)
            ba[dim], bi[dim] = a.shape[dim], index.shape[dim]
            a = np.broadcast_to(a, ba)
            index = np.broadcast_to(index, bi)
        _check_bounds(index, a.shape[dim], dim)
        self.bshape, self.dtype, self.idx = a.shape, a.dtype, _gidx(index, dim)
        return a[self.idx]

    def backward(self, g):
        z = np.zeros(self.bshape, self.dtype)
        np.add.at(z, self.idx, g)
        return z, None

    def backward_ops(self, g):
        return apply(_BackwardOf, g, node=_snapshot(self)), None

    def jvp(self, u):
        return u[self.idx]


@tensor_method()
def take_along_dim(input, indices, dim=None, *, out=None) -> Tensor:
    """Picks values of ``input`` at ``indices`` along ``dim`` (of the flattened input when ``dim`` is None).

    Example:
        >>> x = torch.tensor([[10., 30., 20.], [60., 40., 50.]])
        >>> torch.take_along_dim(x, x.argmax(1, keepdim=True), dim=1)
        tensor([[30.],
                [60.]])
    """
    _check_index(indices, "take_along_dim")
    if dim is not None:
        dim = wrap_dim(dim, input.ndim)
        if input.ndim != indices.ndim:
            raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                               f"number of dimensions, but got {input.ndim} dimensions for input, "
                               f"and {indices.ndim} dimensions for indices")
    r = apply(TakeAlongDim, input, indices, dim=dim)
    if dim is None:
        return r
    return r


class Take(Op):
    name = "TakeBackward0"

    def forward(self, a, index):
        n = a.size
        if index.size and (index.max() >= n or index.min() < -n):
            bad = index.max() if index.max() >= n else index.min()
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
        self.shape, self.dtype, self.index = a.shape, a.dtype, index
        return a.reshape(-1)[index]

    def backward(self, g):
        z = np.zeros(int(np.prod(self.shape)), self.dtype)
        np.add.at(z, self.index, g)
        return z.reshape(self.shape), None

    def backward_ops(self, g):
        return apply(_BackwardOf, g, node=_snapshot(self)), None

    def jvp(self, u):
        return u.reshape(-1)[self.index]


@tensor_method()
def take(input, index, *, out=None) -> Tensor:
    """Index ``input`` as if it were flat; the result has ``index``'s shape.

    Example:
        >>> torch.take(torch.tensor([[4, 3], [5, 7]]), torch.tensor([0, 3]))
        tensor([4, 7])
    """
    D.refuse_unsigned(input, "take_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "take", allow32=False)
    return apply(Take, input, index)


class IndexSelect(Op):
    name = "IndexSelectBackward0"

    def forward(self, a, index, dim):
        if index.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        index = index.reshape(-1)
        n = a.shape[dim] if a.ndim else 1
        if index.size and (index.max() >= n or index.min() < 0):
            raise IndexError("index out of range in self")
        self.shape, self.dtype, self.dim, self.index = a.shape, a.dtype, dim, index
        if a.ndim == 0:
            return a.reshape(1)[index].reshape(())  if index.size == 1 else a.reshape(1)[index]
        return np.take(a, index, axis=dim)

    def backward(self, g):
        z = np.zeros(self.shape, self.dtype)
        if z.ndim == 0:
            return np.asarray(g.sum(), self.dtype), None
        np.add.at(np.moveaxis(z, self.dim, 0), self.index, np.moveaxis(g, self.dim, 0))
        return z, None

    def backward_ops(self, g):
        if len(self.shape) == 0:   # a 0-d input: every pick reads its one value
            return g.sum(), None
        return apply(_BackwardOf, g, node=_snapshot(self)), None

    def jvp(self, u):
        return np.take(u, self.index, axis=self.dim)


def _check_index_dtype(index, fn):
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fn}(): Expected dtype int32 or int64 for index")


@tensor_method()
def index_select(input, dim, index, *, out=None) -> Tensor:
    """Rows (along ``dim``) of ``input`` at positions ``index`` (a 1-D int tensor).

    Example:
        >>> torch.index_select(torch.tensor([[1, 2], [3, 4], [5, 6]]), 0, torch.tensor([2, 0]))
        tensor([[5, 6],
                [1, 2]])
    """
    _check_index_dtype(index, "index_select")
    return apply(IndexSelect, input, index, dim=wrap_dim(dim, input.ndim))


@tensor_method()
def narrow_copy(input, dim, start, length, *, out=None) -> Tensor:
    """A copy of ``input.narrow(dim, start, length)``.

    Example:
        >>> torch.narrow_copy(torch.arange(6), 0, 2, 3)
        tensor([2, 3, 4])
    """
    dim = wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    if start < 0:
        start += n
    if not 0 <= start <= n or length < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    idx = (slice(None),) * dim + (slice(start, start + length),)
    return apply(NarrowCopy, input, None, idx=idx)


class NarrowCopy(Op):
    name = "NarrowCopyBackward0"

    def forward(self, a, _n, idx):
        self.shape, self.dtype, self.idx = a.shape, a.dtype, idx
        return a[idx].copy()

    def backward(self, g):
        z = np.zeros(self.shape, self.dtype)
        z[self.idx] = g
        return z, None

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return u[self.idx].copy()


# ---- masked ops ------------------------------------------------------------------------------

def _check_bool_mask(mask, fn):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fn}(): argument 'mask' must be Tensor, not {type(mask).__name__}")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"{fn} only supports boolean masks, but got mask with dtype "
                           f"{'long int' if mask._data.dtype == np.int64 else mask.dtype.name}")


def _bshape(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise RuntimeError(f"The size of tensor a {list(a)} must match the size of tensor b "
                           f"{list(b)} (shapes are not broadcastable)") from None


class MaskedSelect(Op):
    name = "MaskedSelectBackward0"

    def forward(self, a, mask):
        shape = _bshape(a.shape, mask.shape)
        m = np.broadcast_to(mask, shape)
        self.shape, self.dtype, self.m = shape, a.dtype, m
        return np.broadcast_to(a, shape)[m]

    def backward(self, g):
        z = np.zeros(self.shape, self.dtype)
        z[self.m] = g
        return z, None

    def backward_ops(self, g):
        return apply(_BackwardOf, g, node=_snapshot(self)), None

    def jvp(self, u):
        return u[self.m]


@tensor_method()
def masked_select(input, mask, *, out=None) -> Tensor:
    """The elements of ``input`` where ``mask`` (broadcast) is True, as a 1-D tensor.

    Example:
        >>> x = torch.tensor([[1, -2], [-3, 4]])
        >>> torch.masked_select(x, x > 0)
        tensor([1, 4])
    """
    _check_bool_mask(mask, "masked_select:")
    return apply(MaskedSelect, input, mask)


class MaskedFill(Op):
    name = "MaskedFillBackward0"

    def forward(self, a, mask, value):
        shape = _bshape(a.shape, mask.shape)
        if isinstance(value, _ndarray):
            self.vshape = value.shape
            value = value.astype(a.dtype)
        self.m = np.broadcast_to(mask, shape)
        out = np.array(np.broadcast_to(a, shape), copy=True)
        out[self.m] = value
        return out

    def backward(self, g):
        gv = None
        if "vshape" in self.__dict__:
            gv = np.asarray(g[self.m].sum())
        return np.where(self.m, 0, g).astype(g.dtype, copy=False), None, gv

    def backward_ops(self, g):
        m = _wrap(self.m)
        gv = g.where(m, 0.0).sum() if "vshape" in self.__dict__ else None
        return g.where(m.logical_not(), 0.0), None, gv


class MaskedFillT(MaskedFill):
    name = "MaskedFillBackward1"


def _fill_args(mask, value, fn):
    _check_bool_mask(mask, fn)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{fn} only supports a 0-dimensional value tensor, but got tensor "
                               f"with {value.ndim} dimension(s).")
        return MaskedFillT
    return MaskedFill


@tensor_method()
def masked_fill(input, mask, value) -> Tensor:
    """``input`` with ``value`` where ``mask`` (bool, broadcast) is True.

    Example:
        >>> torch.tensor([1., 2., 3.]).masked_fill(torch.tensor([True, False, True]), 0.)
        tensor([0., 2., 0.])
    """
    cls = _fill_args(mask, value, "masked_fill_")
    return apply(cls, input, mask, value)


@tensor_method()
def masked_fill_(self, mask, value) -> Tensor:
    """In-place ``masked_fill``: sets ``self`` to ``value`` where ``mask`` is True.

    Example:
        >>> torch.zeros(3).masked_fill_(torch.tensor([True, False, True]), 5.)
        tensor([5., 0., 5.])
    """
    cls = _fill_args(mask, value, "masked_fill_")
    if _bshape(self._data.shape, mask._data.shape) != self._data.shape:
        raise RuntimeError(f"masked_fill_: mask of shape {list(mask.shape)} is not broadcastable "
                           f"to self of shape {list(self.shape)}")
    return apply_(cls, self, mask, value)


class MaskedScatter(Op):
    name = "MaskedScatterBackward0"

    def forward(self, a, mask, src):
        shape = _bshape(a.shape, mask.shape)
        m = np.broadcast_to(mask, shape)
        n = int(m.sum())
        if n > src.size:
            raise RuntimeError("masked_scatter: expected source to have at least as many elements "
                               "as ones in mask")
        self.m, self.n, self.sshape = m, n, src.shape
        out = np.array(np.broadcast_to(a, shape), copy=True)
        out[m] = src.reshape(-1)[:n].astype(a.dtype, copy=False)
        return out

    def backward(self, g):
        gs = np.zeros(int(np.prod(self.sshape)), g.dtype)
        gs[:self.n] = g[self.m]
        return np.where(self.m, 0, g).astype(g.dtype, copy=False), None, gs.reshape(self.sshape)

    def backward_ops(self, g):
        from .joining import cat

        m = _wrap(self.m)
        picked = g[m]
        rest = int(np.prod(self.sshape)) - self.n
        gs = cat([picked, picked.new_zeros((rest,))]) if rest else picked
        return g.where(m.logical_not(), 0.0), None, gs.reshape(self.sshape)


@tensor_method()
def masked_scatter(input, mask, source) -> Tensor:
    """Copies ``source``'s elements, in order, into ``input`` where ``mask`` is True.

    Example:
        >>> torch.masked_scatter(torch.zeros(3), torch.tensor([True, False, True]), torch.tensor([1., 2.]))
        tensor([1., 0., 2.])
    """
    _check_bool_mask(mask, "masked_scatter_")
    return apply(MaskedScatter, input, mask, source)


@tensor_method()
def masked_scatter_(self, mask, source) -> Tensor:
    """In-place ``masked_scatter``.

    Example:
        >>> torch.zeros(3).masked_scatter_(torch.tensor([False, True, True]), torch.tensor([1., 2.]))
        tensor([0., 1., 2.])
    """
    _check_bool_mask(mask, "masked_scatter_")
    return apply_(MaskedScatter, self, mask, source)
