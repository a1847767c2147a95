"""Writing by index: scatter, scatter_add, scatter_reduce, index_add/copy/fill/put/reduce,
put, and select/slice/diagonal/as_strided_scatter."""

from __future__ import annotations

import functools

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, _type_name, apply, apply_, wrap_dim
from .gather import _check_gather_shapes, _check_index, _check_index_dtype, _gidx, _src_part
from .indexing import Index, _conv_item, _fix_index_error, _ndarray, where

__all__ = ["scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
           "index_put", "index_put_", "put", "select_scatter", "slice_scatter", "diagonal_scatter",
           "index_reduce", "as_strided_scatter"]


# ---- scatter family --------------------------------------------------------------------------

# double backward: the writes' gradients are picks (recorded ``g[idx]``) and constant masks

def _pick(g, idx):
    """``g[idx]`` (a NumPy index) as a recorded op."""
    return apply(Index, g, idx)


def _zero_at(g, idx):
    """``g`` with the entries at ``idx`` zeroed (times a constant mask)."""
    m = np.ones(g.shape, g._data.dtype)
    m[idx] = 0
    return g * _wrap(m)


def _into(part, shape):
    """``part`` zero-padded at the end of each dim up to ``shape`` (a source larger than its index)."""
    if tuple(part.shape) == tuple(shape):
        return part
    from .sampling import pad

    pads = []
    for p, n in zip(reversed(part.shape), reversed(shape)):
        pads += [0, n - p]
    return pad(part, pads)


class Scatter(Op):
    name = "ScatterBackward0"

    def forward(self, a, index, src, dim, reduce=None):
        srca = src if isinstance(src, _ndarray) else None
        _check_gather_shapes(a, index, dim, "scatter", srca)
        out = a.copy()
        if a.ndim == 0:
            out, index = out.reshape(1), index.reshape(-1)
            srca = srca.reshape(-1) if srca is not None and srca.ndim else srca
        idx = _gidx(index, dim if a.ndim else 0)
        val = _src_part(srca, index).astype(a.dtype, copy=False) if srca is not None else \
            np.asarray(src).astype(a.dtype)
        if reduce is None:
            out[idx] = val
        elif reduce == "add":
            np.add.at(out, idx, np.broadcast_to(val, index.shape))
        elif reduce == "multiply":
            np.multiply.at(out, idx, np.broadcast_to(val, index.shape))
        else:
            raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
        self.idx, self.reduce = idx, reduce
        if srca is not None:
            self.sshape = src.shape
        return out.reshape(a.shape)

    def backward(self, g):
        if self.reduce is not None:
            raise RuntimeError("the derivative for 'scatter' with reduce is not implemented")
        shape = g.shape
        g1 = g.reshape(-1) if g.ndim == 0 else g
        gi = np.array(g1, copy=True)
        gi[self.idx] = 0
        gs = None
        if "sshape" in self.__dict__:
            gs = np.zeros(self.sshape, g.dtype)
            gs1 = gs.reshape(-1) if gs.ndim == 0 else gs
            part = g1[self.idx]
            gs1[tuple(slice(0, s) for s in part.shape)] = part
        return gi.reshape(shape), None, gs

    def backward_ops(self, g):
        if self.reduce is not None:
            return self.no_double_backward(g)
        g1 = g.reshape(-1) if g.ndim == 0 else g
        gs = _into(_pick(g1, self.idx), self.sshape) if "sshape" in self.__dict__ else None
        return _zero_at(g1, self.idx).reshape(g.shape), None, gs


class ScatterValue(Scatter):
    name = "ScatterBackward1"


def _scatter_cls(src, value, fn):
    if src is None:
        if value is None:
            raise TypeError(f"{fn}() missing required argument 'src' or 'value'")
        return ScatterValue, value
    if isinstance(src, Tensor):
        return Scatter, src
    return ScatterValue, src


@tensor_method()
def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None) -> Tensor:
    """Write ``src`` (tensor or number) into a copy of ``input`` at ``index`` along ``dim``.

    Example:
        >>> torch.scatter(torch.zeros(2, 3), 1, torch.tensor([[2], [0]]), 1.)
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    D.refuse_unsigned(input, f"scatter_gather_{'tensor' if isinstance(src, Tensor) else 'scalar'}_cpu")
    _check_index(index, "scatter")
    cls, s = _scatter_cls(src, value, "scatter")
    return apply(cls, input, index, s, dim=wrap_dim(dim, input.ndim), reduce=reduce)


@tensor_method()
def scatter_(self, dim, index, src=None, value=None, *, reduce=None) -> Tensor:
    """Writes ``src`` (or ``value``) into ``self`` at ``index`` along ``dim``, in place.

    Example:
        >>> torch.zeros(3).scatter_(0, torch.tensor([2, 0]), torch.tensor([5., 6.]))
        tensor([6., 0., 5.])
    """
    D.refuse_unsigned(self, f"scatter_gather_{'tensor' if isinstance(src, Tensor) else 'scalar'}_cpu")
    _check_index(index, "scatter_")
    cls, s = _scatter_cls(src, value, "scatter_")
    return apply_(cls, self, index, s, dim=wrap_dim(dim, self.ndim), reduce=reduce)


class ScatterAdd(Op):
    name = "ScatterAddBackward0"

    def forward(self, a, index, src, dim):
        _check_gather_shapes(a, index, dim, "scatter_add", src)
        self.shape = a.shape
        if a.ndim == 0:
            a, index, src = a.reshape(1), index.reshape(-1), src.reshape(-1)
        out = a.copy()
        idx = _gidx(index, dim)
        np.add.at(out, idx, _src_part(src, index).astype(a.dtype, copy=False))
        self.idx, self.sshape = idx, src.shape
        return out.reshape(self.shape)

    def backward(self, g):
        g1 = g.reshape(-1) if g.ndim == 0 else g
        gs = np.zeros(self.sshape, g.dtype)
        part = g1[self.idx]
        gs[tuple(slice(0, s) for s in part.shape)] = part
        return g, None, gs

    def backward_ops(self, g):
        return g, None, _into(_pick(g.reshape(-1) if g.ndim == 0 else g, self.idx), self.sshape)


@tensor_method()
def scatter_add(input, dim, index, src, *, out=None) -> Tensor:
    """Adds ``src`` into a copy of ``input`` at ``index`` along ``dim`` (repeated indices accumulate).

    Example:
        >>> torch.scatter_add(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.tensor([1., 2., 3.]))
        tensor([3., 0., 3.])
    """
    D.refuse_unsigned(input, "scatter_gather_tensor_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "scatter_add")
    return apply(ScatterAdd, input, index, src, dim=wrap_dim(dim, input.ndim))


@tensor_method()
def scatter_add_(self, dim, index, src) -> Tensor:
    """In-place ``scatter_add``.

    Example:
        >>> torch.zeros(3).scatter_add_(0, torch.tensor([1, 1]), torch.tensor([1., 2.]))
        tensor([0., 3., 0.])
    """
    D.refuse_unsigned(self, "scatter_gather_tensor_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "scatter_add_")
    return apply_(ScatterAdd, self, index, src, dim=wrap_dim(dim, self.ndim))


_UFUNC = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum,
          "mean": np.add}


class ScatterReduce(Op):
    name = "ScatterReduceBackward0"
    saves = (0, 2)   # backward reads input and src (prod / amax / amin); the in-place form copies

    def forward(self, a, index, src, dim, reduce, include_self):
        if reduce not in _UFUNC:
            raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                               + str(reduce))
        _check_gather_shapes(a, index, dim, "scatter_reduce", src)
        self.shape, self.index, self.dim = a.shape, index, dim
        if a.ndim == 0:
            a, index, src = a.reshape(1), index.reshape(-1), src.reshape(-1)
        idx = _gidx(index, dim)
        s = _src_part(src, index).astype(a.dtype, copy=False)
        hit = np.zeros(a.shape, bool)
        hit[idx] = True
        out = a.copy()
        if not include_self:
            if reduce in ("sum", "mean"):
                ident = 0
            elif reduce == "prod":
                ident = 1
            elif a.dtype.kind == "f":
                ident = -np.inf if reduce == "amax" else np.inf
            else:
                info = np.iinfo(a.dtype) if a.dtype.kind in "iu" else None
                ident = (info.min if reduce == "amax" else info.max) if info else reduce == "amin"
            out[hit] = ident
        _UFUNC[reduce].at(out, idx, s)
        cnt = None
        if reduce == "mean":
            cnt = np.zeros(a.shape, np.int64)
            np.add.at(cnt, idx, 1)
            if include_self:
                cnt += 1
            c = np.maximum(cnt, 1)
            out = out / c if a.dtype.kind in "fc" else np.floor_divide(out, c)
            out = out.astype(a.dtype, copy=False)
            cnt = c
        self.a, self.s, self.idx, self.hit, self.out = a, s, idx, hit, out
        self.reduce, self.include_self, self.cnt, self.sshape = reduce, include_self, cnt, src.shape
        return out.reshape(self.shape)

    def backward(self, g):
        g = g.reshape(self.out.shape)
        red, a, s, idx, out, hit = self.reduce, self.a, self.s, self.idx, self.out, self.hit
        if red == "sum":
            ga, gsp = g.copy(), g[idx]
        elif red == "mean":
            gm = g / self.cnt
            ga, gsp = gm.astype(g.dtype), gm[idx].astype(g.dtype)
        elif red == "prod":
            ga, gsp = self._prod_grads(g)
        else:
            ties = np.zeros(a.shape, g.dtype)
            selfeq = (a == out) | ~hit
            ties += selfeq
            srceq = s == out[idx]
            np.add.at(ties, idx, srceq.astype(g.dtype))
            share = g / np.maximum(ties, 1)
            ga = np.where(selfeq, share, 0).astype(g.dtype)
            gsp = np.where(srceq, share[idx], 0).astype(g.dtype)
        if not self.include_self:
            ga = np.where(hit, 0, g if red != "amax" and red != "amin" else ga).astype(g.dtype)
        gs = np.zeros(self.sshape, g.dtype)
        gs1 = gs.reshape(-1) if gs.ndim == 0 else gs
        gs1[tuple(slice(0, k) for k in gsp.shape)] = gsp
        return ga.reshape(self.shape), None, gs

    def backward_ops(self, g):
        g = g.reshape(self.out.shape)
        red, a, s, idx, out, hit = self.reduce, self.a, self.s, self.idx, self.out, self.hit
        if red == "sum":
            ga, gsp = g, _pick(g, idx)
        elif red == "mean":
            gm = g / _wrap(self.cnt.astype(g._data.dtype))
            ga, gsp = gm, _pick(gm, idx)
        elif red == "prod":
            if s.shape != self.sshape:
                return self.no_double_backward(g)
            if not (np.all(a != 0) and np.all(s != 0)):
                return self._prod_zeros_ops(g)
            go = g * self.saved_output(out.reshape(self.shape)).reshape(out.shape)
            ga, gsp = go / self.saved_input(0, a.reshape(self.shape)).reshape(a.shape), \
                _pick(go, idx) / self.saved_input(2, s)
        else:   # amax / amin: the gradient is shared among the ties (constant coefficients)
            selfeq = (a == out) | ~hit
            srceq = s == out[idx]
            ties = selfeq.astype(g._data.dtype)
            np.add.at(ties, idx, srceq.astype(g._data.dtype))
            share = g / _wrap(np.maximum(ties, 1))
            ga, gsp = share * _wrap(selfeq), _pick(share, idx) * _wrap(srceq)
        if not self.include_self:
            ga = (ga if red in ("amax", "amin") else g) * _wrap(~hit)
        gs = _into(gsp.reshape(-1) if len(self.sshape) == 0 else gsp, self.sshape)
        return ga.reshape(self.shape), None, gs.reshape(self.sshape)

    def _prod_zeros_ops(self, g):
        """The prod gradients with zeros, with ops (PyTorch's ``scatter_reduce_backward``):
        ``self`` by the reduction over ``self`` with its zeros set to 1, a source that is the one
        zero at its position by the reduction with it set to 1, the others by ``result / source``.
        As PyTorch, no double backward for several zeros of ``src`` at one position."""
        a, s, idx = self.a, self.s, self.idx
        if len(self.shape) == 0:
            return self.no_double_backward(g)
        szero = s == 0
        nz = np.zeros(a.shape, np.int64)
        np.add.at(nz, idx, szero)
        if (nz > 1).any():
            return self.no_double_backward(g)
        single = _wrap(szero & (nz[idx] == 1))
        x, src, index = self.saved_input(0, a), self.saved_input(2, s), _wrap(self.index)
        out = self.saved_output(self.out)
        red = functools.partial(scatter_reduce, dim=self.dim, index=index, reduce="prod",
                                include_self=self.include_self)
        xz = _wrap(a == 0)
        ga = g * red(x.masked_fill(xz, 1), src=src) / x.masked_fill(xz, 1)
        gsp = where(single, _pick(g * red(x, src=src.masked_fill(single, 1)), idx),
                    _pick(g * out, idx) / src.masked_fill(_wrap(szero), 1))
        if not self.include_self:
            ga = g * _wrap(~self.hit)
        return ga, None, gsp

    def _prod_grads(self, g):
        a, s, idx, out = self.a, self.s, self.idx, self.out
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = np.where(self.hit, g * out / a, g)   # untouched entries (a zero too) pass g
            gsp = (g * out)[idx] / s
        if not (np.all(a != 0) and np.all(s != 0)):  # exclusive products by hand where zeros
            flat_pos = np.ravel_multi_index(np.broadcast_arrays(*idx), a.shape)
            groups = {}
            for j, p in enumerate(flat_pos.reshape(-1)):
                groups.setdefault(int(p), []).append(j)
            sf, gf, af = s.reshape(-1), g.reshape(-1), a.reshape(-1)
            gaf, gsf = ga.reshape(-1), gsp.reshape(-1)
            for p, js in groups.items():
                vals = [af[p]] if self.include_self else []
                vals += [sf[j] for j in js]
                if not np.any(np.asarray(vals) == 0):
                    continue
                base = 1 if self.include_self else 0
                if self.include_self:
                    gaf[p] = gf[p] * np.prod(vals[1:])
                for k, j in enumerate(js):
                    gsf[j] = gf[p] * np.prod(vals[:base + k] + vals[base + k + 1:])
            ga, gsp = gaf.reshape(a.shape), gsf.reshape(s.shape)
        return ga, gsp


@tensor_method()
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None) -> Tensor:
    """Reduce ``src`` into a copy of ``input`` at ``index``: sum, prod, mean, amax, amin.

    Example:
        >>> torch.scatter_reduce(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.tensor([1., 2., 3.]), "sum")
        tensor([3., 0., 3.])
    """
    D.refuse_unsigned(input, f"scatter_gather_tensor_cpu_reduce_{reduce}")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "scatter_reduce")
    return apply(ScatterReduce, input, index, src, dim=wrap_dim(dim, input.ndim), reduce=reduce,
                 include_self=include_self)


@tensor_method()
def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True) -> Tensor:
    """In-place ``scatter_reduce`` with ``reduce`` one of "sum", "prod", "mean", "amax", "amin".

    Example:
        >>> torch.zeros(2).scatter_reduce_(0, torch.tensor([0, 0, 1]), torch.tensor([1., 5., 2.]), "amax")
        tensor([5., 2.])
    """
    D.refuse_unsigned(self, f"scatter_gather_tensor_cpu_reduce_{reduce}")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "scatter_reduce_")
    return apply_(ScatterReduce, self, index, src, dim=wrap_dim(dim, self.ndim), reduce=reduce,
                  include_self=include_self)


def _index_reduce_args(self, dim, index, source, reduce, fname):
    """index_reduce is scatter_reduce with the 1-D ``index`` spread along ``dim`` of ``source``."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"{fname}(): Expected reduce to be one of prod, mean, amax or amin but "
                           f"got {reduce}.")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{_type_name(index._data.dtype)}")
    d = wrap_dim(dim, self.ndim)
    idx = index._data.astype(np.int64).reshape(-1)
    n = self.shape[d] if self.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError("index out of range in self")
    if source.ndim and idx.size != source.shape[d]:
        raise RuntimeError(f"{fname}_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim) ({source.shape[d]})")
    shape = [1] * source.ndim
    if shape:
        shape[d] = -1
    return d, _wrap(np.broadcast_to(idx.reshape(shape) % n, source._data.shape).copy())


@tensor_method()
def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None) -> Tensor:
    """Reduces rows of ``source`` into a copy of ``input`` at ``index`` along ``dim`` ("prod", "mean", "amax", "amin").

    Example:
        >>> torch.index_reduce(torch.ones(2), 0, torch.tensor([0, 0]), torch.tensor([2., 3.]), "prod")
        tensor([6., 1.])
    """
    d, idx = _index_reduce_args(input, dim, index, source, reduce, "index_reduce")
    return scatter_reduce(input, d, idx, source, reduce, include_self=include_self)


@tensor_method()
def index_reduce_(self, dim, index, source, reduce, *, include_self=True) -> Tensor:
    """In-place ``index_reduce``.

    Example:
        >>> torch.ones(2).index_reduce_(0, torch.tensor([1, 1]), torch.tensor([2., 3.]), "amax")
        tensor([1., 3.])
    """
    d, idx = _index_reduce_args(self, dim, index, source, reduce, "index_reduce")
    return scatter_reduce_(self, d, idx, source, reduce, include_self=include_self)


# ---- index_* along a dim ---------------------------------------------------------------------

def _rows(index, n, fn):
    index = index.reshape(-1)
    if index.size and (index.max() >= n or index.min() < -n):
        raise IndexError(f"{fn}(): index {index.max() if index.max() >= n else index.min()} "
                         f"is out of bounds for dimension with size {n}")
    return index


class IndexAdd(Op):
    name = "IndexAddBackward0"

    def forward(self, a, index, src, dim, alpha=1):
        n = a.shape[dim] if a.ndim else 1
        index = _rows(index, n, "index_add")
        out = a.copy()
        o = np.moveaxis(out, dim, 0) if a.ndim else out.reshape(1)
        sv = np.moveaxis(src, dim, 0) if src.ndim else src.reshape(1)
        if sv.shape[0] != index.size:
            raise RuntimeError(f"index_add_(): Number of indices ({index.size}) should be equal to "
                               f"source.size(dim) ({sv.shape[0]})")
        np.add.at(o, index, (sv * alpha if alpha != 1 else sv).astype(a.dtype, copy=False))
        self.index, self.dim, self.alpha, self.sshape = index, dim, alpha, src.shape
        return out

    def backward(self, g):
        gv = np.moveaxis(g, self.dim, 0) if g.ndim else g.reshape(1)
        gs = np.moveaxis(gv[self.index], 0, self.dim) if g.ndim else gv[self.index]
        if self.alpha != 1:
            gs = gs * self.alpha
        return g, None, gs.reshape(self.sshape)

    def backward_ops(self, g):
        gv = g.movedim(self.dim, 0) if g.ndim else g.reshape(1)
        gs = _pick(gv, (self.index,))
        gs = gs.movedim(0, self.dim) if g.ndim else gs
        return g, None, (gs * self.alpha if self.alpha != 1 else gs).reshape(self.sshape)


@tensor_method()
def index_add(input, dim, index, source, *, alpha=1, out=None) -> Tensor:
    """Adds ``alpha * source`` into a copy of ``input`` at the positions ``index`` along ``dim``.

    Example:
        >>> torch.index_add(torch.zeros(3), 0, torch.tensor([0, 2]), torch.tensor([1., 2.]))
        tensor([1., 0., 2.])
    """
    D.refuse_unsigned(input, "index_add_")  # PyTorch has no uint16/32/64 kernel
    _check_index_dtype(index, "index_add")
    d = wrap_dim(dim, input.ndim)
    if alpha != 1:
        return apply(IndexAdd, input, index, source, dim=d, alpha=alpha)
    return apply(IndexAdd, input, index, source, dim=d)


@tensor_method()
def index_add_(self, dim, index, source, *, alpha=1) -> Tensor:
    """In-place ``index_add``.

    Example:
        >>> torch.zeros(3).index_add_(0, torch.tensor([1, 1]), torch.tensor([1., 2.]))
        tensor([0., 3., 0.])
    """
    D.refuse_unsigned(self, "index_add_")  # PyTorch has no uint16/32/64 kernel
    _check_index_dtype(index, "index_add_")
    return apply_(IndexAdd, self, index, source, dim=wrap_dim(dim, self.ndim), alpha=alpha)


class IndexCopy(Op):
    name = "IndexCopyBackward0"

    def forward(self, a, index, src, dim):
        n = a.shape[dim] if a.ndim else 1
        index = _rows(index, n, "index_copy")
        out = a.copy()
        o = np.moveaxis(out, dim, 0) if a.ndim else out.reshape(1)
        sv = np.moveaxis(src, dim, 0) if src.ndim else src.reshape(1)
        if sv.shape[0] != index.size:
            raise IndexError(f"index_copy_(): Number of indices ({index.size}) should be equal to "
                               f"source.size(dim) ({sv.shape[0]})")
        o[index] = sv.astype(a.dtype, copy=False)
        self.index, self.dim, self.sshape = index, dim, src.shape
        return out

    def backward(self, g):
        gi = np.array(g, copy=True)
        gv = np.moveaxis(g, self.dim, 0) if g.ndim else g.reshape(1)
        (np.moveaxis(gi, self.dim, 0) if g.ndim else gi.reshape(1))[self.index] = 0
        gs = np.moveaxis(gv[self.index], 0, self.dim) if g.ndim else gv[self.index]
        return gi, None, gs.reshape(self.sshape)

    def backward_ops(self, g):
        gv = g.movedim(self.dim, 0) if g.ndim else g.reshape(1)
        gi = _zero_at(gv, (self.index,))
        gi = gi.movedim(0, self.dim) if g.ndim else gi.reshape(g.shape)
        gs = _pick(gv, (self.index,))
        return gi, None, (gs.movedim(0, self.dim) if g.ndim else gs).reshape(self.sshape)


@tensor_method()
def index_copy(input, dim, index, source, *, out=None) -> Tensor:
    """Copies ``source``'s slices into a copy of ``input`` at ``index`` along ``dim``.

    Example:
        >>> torch.index_copy(torch.zeros(3), 0, torch.tensor([2, 0]), torch.tensor([1., 2.]))
        tensor([2., 0., 1.])
    """
    D.refuse_unsigned(input, "index_copy_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "index_copy", allow32=False)
    return apply(IndexCopy, input, index, source, dim=wrap_dim(dim, input.ndim))


@tensor_method()
def index_copy_(self, dim, index, source) -> Tensor:
    """In-place ``index_copy``.

    Example:
        >>> torch.zeros(3).index_copy_(0, torch.tensor([1]), torch.tensor([5.]))
        tensor([0., 5., 0.])
    """
    D.refuse_unsigned(self, "index_copy_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "index_copy_", allow32=False)
    return apply_(IndexCopy, self, index, source, dim=wrap_dim(dim, self.ndim))


class IndexFill(Op):
    name = "IndexFillBackward0"

    def forward(self, a, index, value, dim):
        n = a.shape[dim] if a.ndim else 1
        index = _rows(index, n, "index_fill")
        out = a.copy()
        o = np.moveaxis(out, dim, 0) if a.ndim else out.reshape(1)
        o[index] = np.asarray(value).astype(a.dtype)
        self.index, self.dim, self.tv = index, dim, isinstance(value, _ndarray)
        return out

    def backward(self, g):
        gi = np.array(g, copy=True)
        gv = np.moveaxis(gi, self.dim, 0) if g.ndim else gi.reshape(1)
        gval = None
        if self.tv:
            gval = np.asarray((np.moveaxis(g, self.dim, 0) if g.ndim else g.reshape(1))[
                np.unique(self.index % gv.shape[0])].sum())
        gv[self.index] = 0
        return gi, None, gval

    def backward_ops(self, g):
        gv = g.movedim(self.dim, 0) if g.ndim else g.reshape(1)
        gi = _zero_at(gv, (self.index,))
        gi = gi.movedim(0, self.dim) if g.ndim else gi.reshape(g.shape)
        gval = _pick(gv, (np.unique(self.index % gv.shape[0]),)).sum() if self.tv else None
        return gi, None, gval


class IndexFillT(IndexFill):
    name = "IndexFillBackward1"


def _ifill_cls(value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        return IndexFillT
    return IndexFill


@tensor_method()
def index_fill(input, dim, index, value) -> Tensor:
    """A copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    Example:
        >>> torch.index_fill(torch.zeros(2, 2), 1, torch.tensor([1]), 7.)
        tensor([[0., 7.],
                [0., 7.]])
    """
    D.refuse_unsigned(input, "index_fill_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "index_fill", allow32=False)
    return apply(_ifill_cls(value), input, index, value, dim=wrap_dim(dim, input.ndim))


@tensor_method()
def index_fill_(self, dim, index, value) -> Tensor:
    """In-place ``index_fill``.

    Example:
        >>> torch.zeros(3).index_fill_(0, torch.tensor([0, 2]), 1.)
        tensor([1., 0., 1.])
    """
    D.refuse_unsigned(self, "index_fill_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "index_fill_", allow32=False)
    return apply_(_ifill_cls(value), self, index, value, dim=wrap_dim(dim, self.ndim))


class IndexPutOp(Op):
    name = "IndexPutBackward0"

    def forward(self, a, values, idx, accumulate):
        out = a.copy()
        v = values.astype(a.dtype, copy=False)
        try:
            if accumulate:
                np.add.at(out, idx, np.broadcast_to(v, out[idx].shape))
            else:
                out[idx] = v
        except IndexError as e:
            raise _fix_index_error(e) from None
        except ValueError:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be "
                               f"broadcast to indexing result of shape {list(out[idx].shape)}") from None
        self.idx, self.accumulate, self.vshape = idx, accumulate, values.shape
        return out

    def backward(self, g):
        gi = g
        if not self.accumulate:
            gi = np.array(g, copy=True)
            gi[self.idx] = 0
        gv = g[self.idx]
        if len(self.vshape) > gv.ndim:
            gv = gv.reshape((1,) * (len(self.vshape) - gv.ndim) + gv.shape)
        return gi, gv

    def backward_ops(self, g):
        gi = g if self.accumulate else _zero_at(g, self.idx)
        gv = _pick(g, self.idx)
        if len(self.vshape) > gv.ndim:
            gv = gv.reshape((1,) * (len(self.vshape) - gv.ndim) + tuple(gv.shape))
        return gi, gv


def _put_indices(indices):
    if not isinstance(indices, (tuple, list)):
        raise TypeError("index_put(): argument 'indices' must be tuple of Tensors")
    out = []
    for t in indices:
        if t is None:
            out.append(slice(None))
            continue
        c, _ = _conv_item(t)
        if type(c) is int:
            c = np.asarray(c, np.intp)
        out.append(c)
    return tuple(out)


def index_put(input, indices, values, accumulate=False) -> Tensor:
    """``input`` with ``values`` written at the positions given by the tuple of index tensors ``indices``.

    Example:
        >>> torch.index_put(torch.zeros(3), (torch.tensor([0, 0]),), torch.tensor([1., 2.]), accumulate=True)
        tensor([3., 0., 0.])
    """
    D.refuse_unsigned(input, "index_put")  # PyTorch has no uint16/32/64 kernel
    return apply(IndexPutOp, input, values, idx=_put_indices(indices), accumulate=accumulate)


@tensor_method()
def index_put_(input, indices, values, accumulate=False) -> Tensor:
    """In-place ``index_put``: ``input[indices] = values`` (``+=`` when ``accumulate``).

    Example:
        >>> torch.zeros(2, 2).index_put_((torch.tensor([0, 1]), torch.tensor([1, 0])), torch.tensor(5.))
        tensor([[0., 5.],
                [5., 0.]])
    """
    D.refuse_unsigned(input, "index_put")  # PyTorch has no uint16/32/64 kernel
    return apply_(IndexPutOp, input, values, idx=_put_indices(indices), accumulate=accumulate)


class Put(Op):
    name = "PutBackward0"

    def forward(self, a, index, src, accumulate):
        n = a.size
        index = index.reshape(-1)
        if index.size and (index.max() >= n or index.min() < -n):
            bad = index.max() if index.max() >= n else index.min()
            raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
        if src.size != index.size:
            raise RuntimeError(f"put_(): Expected source and index to have the same number of "
                               f"elements, but got source.numel() = {src.size}, index.numel() = {index.size}")
        out = a.copy()
        flat = out.reshape(-1)
        s = src.reshape(-1).astype(a.dtype, copy=False)
        if accumulate:
            np.add.at(flat, index, s)
        else:
            flat[index] = s
        self.index, self.accumulate, self.sshape = index, accumulate, src.shape
        return out

    def backward(self, g):
        gi = g
        if not self.accumulate:
            gi = np.array(g, copy=True)
            gi.reshape(-1)[self.index] = 0
        return gi, None, g.reshape(-1)[self.index].reshape(self.sshape)

    def backward_ops(self, g):
        gi = g if self.accumulate else _zero_at(g.reshape(-1), (self.index,)).reshape(g.shape)
        return gi, None, _pick(g.reshape(-1), (self.index,)).reshape(self.sshape)


def put(input, index, source, accumulate=False) -> Tensor:
    """``input`` with ``source`` written at ``index`` into its flattened view.

    Example:
        >>> torch.put(torch.zeros(2, 2), torch.tensor([3]), torch.tensor([9.]))
        tensor([[0., 0.],
                [0., 9.]])
    """
    D.refuse_unsigned(input, "take_put_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "put", allow32=False)
    return apply(Put, input, index, source, accumulate=accumulate)


@tensor_method()
def put_(self, index, source, accumulate=False) -> Tensor:
    """In-place ``put``.

    Example:
        >>> torch.zeros(3).put_(torch.tensor([0, 0]), torch.tensor([1., 2.]), accumulate=True)
        tensor([3., 0., 0.])
    """
    D.refuse_unsigned(self, "take_put_cpu")  # PyTorch has no uint16/32/64 kernel
    _check_index(index, "put_", allow32=False)
    return apply_(Put, self, index, source, accumulate=accumulate)


# ---- scatter a source into a region (select / slice / diagonal of a copy) -------------------

def _src_size_check(src, region):
    if src.shape != region.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(region.shape)}")


class _RegionScatter(Op):
    """``out = a.copy(); region(out)[...] = src``; subclasses give ``region(array)``."""
    promote = None

    def forward(self, a, src, *args):
        self.args = args
        out = a.copy()
        reg = self.region(out, *args)
        _src_size_check(src, reg)
        reg[...] = src
        return out

    def backward(self, g):
        ga = g.copy()
        self.region(ga, *self.args)[...] = 0
        return ga, self.region(g, *self.args).copy()

    def backward_ops(self, g):
        m = np.ones(g.shape, g._data.dtype)
        self.region(m, *self.args)[...] = 0
        return g * _wrap(m), self.region_ops(g, *self.args)


class SelectScatter(_RegionScatter):
    name = "SelectScatterBackward0"

    @staticmethod
    def region(a, d, i):
        return a[(slice(None),) * d + (i, Ellipsis)]   # a view even when 0-d

    @staticmethod
    def region_ops(g, d, i):
        return g.select(d, i)


class SliceScatter(_RegionScatter):
    name = "SliceScatterBackward0"

    @staticmethod
    def region(a, d, s):
        return a[(slice(None),) * d + (s,)]

    @staticmethod
    def region_ops(g, d, s):
        return g[(slice(None),) * d + (s,)]


class _DiagRegion:
    """A writable handle on the ``offset`` diagonal of dims (d1, d2), moved last (torch's layout)."""

    def __init__(self, a, off, d1, d2):
        self.m = np.moveaxis(a, (d1, d2), (-2, -1))
        n1, n2 = self.m.shape[-2], self.m.shape[-1]
        k = max(0, min(n1 + min(off, 0), n2 - max(off, 0)))
        r = np.arange(k)
        self.key = (Ellipsis, r + max(-off, 0), r + max(off, 0))
        self.shape = self.m.shape[:-2] + (k,)

    def __setitem__(self, _, v):
        self.m[self.key] = v

    def copy(self):
        return self.m[self.key]


class DiagonalScatter(_RegionScatter):
    name = "DiagonalScatterBackward0"
    region = _DiagRegion

    @staticmethod
    def region_ops(g, off, d1, d2):
        return g.diagonal(off, d1, d2)


class AsStridedScatter(_RegionScatter):
    name = "AsStridedScatterBackward0"

    @staticmethod
    def region(a, size, stride, offset):
        it = a.itemsize
        return np.lib.stride_tricks.as_strided(a.reshape(-1)[offset:], size,
                                               tuple(s * it for s in stride))

    @staticmethod
    def region_ops(g, size, stride, offset):
        return g.contiguous().as_strided(size, stride, offset)


@tensor_method()
def as_strided_scatter(input, src, size, stride, storage_offset=None) -> Tensor:
    """A copy of ``input`` with ``src`` written into its ``as_strided(size, stride, offset)`` view.

    Example:
        >>> torch.as_strided_scatter(torch.zeros(4), torch.ones(2), (2,), (2,))
        tensor([1., 0., 1., 0.])
    """
    size, stride = tuple(size), tuple(stride)
    off = storage_offset or 0
    need = off + (1 + sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0)
    if need > input.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                           f"{off} is out of bounds for storage of size {input.numel()}")
    return apply(AsStridedScatter, input.contiguous(), src, size, stride, off)


@tensor_method()
def select_scatter(input, src, dim, index) -> Tensor:
    """``input`` with ``src`` written into the slice ``input.select(dim, index)``.

    Example:
        >>> torch.select_scatter(torch.zeros(2, 2), torch.ones(2), 0, 1)
        tensor([[0., 0.],
                [1., 1.]])
    """
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return apply(SelectScatter, input, src, d, index % n)


@tensor_method()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1, *, out=None) -> Tensor:
    """``input`` with ``src`` written into the slice ``start:end:step`` along ``dim``.

    Example:
        >>> torch.slice_scatter(torch.zeros(4), torch.ones(2), start=0, step=2)
        tensor([1., 0., 1., 0.])
    """
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return apply(SliceScatter, input, src, wrap_dim(dim, input.ndim), slice(start, end, step))


@tensor_method()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1) -> Tensor:
    """``input`` with ``src`` written into its diagonal ``offset`` (between ``dim1`` and ``dim2``).

    Example:
        >>> torch.diagonal_scatter(torch.zeros(2, 2), torch.ones(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(DiagonalScatter, input, src, offset, d1, d2)


@tensor_method("index_put")
def _index_put_m(self, indices, values, accumulate=False) -> Tensor:
    """``torch.index_put(self, indices, values, accumulate)``.

    Example:
        >>> torch.zeros(3).index_put((torch.tensor([1]),), torch.tensor(4.))
        tensor([0., 4., 0.])
    """
    return index_put(self, indices, values, accumulate)


@tensor_method("put")
def _put_m(self, index, source, accumulate=False) -> Tensor:
    """``torch.put(self, index, source, accumulate)``.

    Example:
        >>> torch.zeros(3).put(torch.tensor([2]), torch.tensor([4.]))
        tensor([0., 0., 4.])
    """
    return put(self, index, source, accumulate)
