"""Indexing: ``__getitem__`` / ``__setitem__``, gather/scatter, masked ops, index_* ops,
``where``, ``nonzero``, search ops.

Basic indexing (ints, slices, ``...``, ``None``) returns a NumPy view of the input, so
the result shares storage and version counter (``view = True``). Advanced indexing
(integer / boolean arrays) copies; its backward accumulates with ``np.add.at`` so
duplicate indices add up, as in PyTorch.
"""
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd import grad_mode
from ._apply import Op, apply, apply_, SAME, wrap_dim, _make_view

__all__ = ["index_select", "masked_select", "masked_fill", "masked_scatter", "take",
           "take_along_dim", "gather", "scatter", "scatter_add", "scatter_reduce", "index_add",
           "index_copy", "index_fill", "index_put", "index_put_", "put", "where", "nonzero",
           "argwhere", "tril_indices", "triu_indices", "searchsorted", "bucketize", "isin",
           "narrow_copy", "select_scatter", "slice_scatter", "diagonal_scatter", "unravel_index",
           "nonzero_static", "index_reduce", "as_strided_scatter"]

_ndarray = np.ndarray


def _type_name(npd):
    return D.scalar_type_name(D.from_np[np.dtype(npd)])


# ---- index normalisation ------------------------------------------------------------

def _fix_index_error(e):
    msg = str(e)
    if "out of bounds for axis" in msg:
        return IndexError(msg.replace("for axis", "for dimension"))
    if "boolean index did not match" in msg:
        return IndexError(f"The shape of the mask does not match the shape of the indexed tensor: {msg}")
    if "too many indices" in msg:
        return IndexError(msg.replace("array", "tensor"))
    return IndexError(msg)


def _conv_item(k):
    """One index element -> (numpy index element, is_advanced)."""
    t = type(k)
    if t is int or t is slice or k is None or k is Ellipsis:
        if t is slice and k.step is not None:
            st = k.step.__index__() if not isinstance(k.step, int) else k.step
            if st <= 0:
                raise ValueError("step must be greater than zero")
        return k, False
    if t is bool:
        return k, True
    if isinstance(k, Tensor):
        a = k._data
        kind = a.dtype.kind
        if kind == "b":
            return a, True
        if kind not in "iu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if a.ndim == 0:
            return int(a), False
        return a.astype(np.intp, copy=False), True
    if isinstance(k, slice):
        s = slice(*(None if v is None else v.__index__() for v in (k.start, k.stop, k.step)))
        return _conv_item(s)
    if isinstance(k, (np.integer,)):
        return int(k), False
    if isinstance(k, (np.bool_,)):
        return bool(k), True
    if isinstance(k, (list, tuple, np.ndarray, range)):
        a = np.asarray(k._data if isinstance(k, Tensor) else k) if not isinstance(k, np.ndarray) else k
        if a.dtype == object:
            a = np.asarray([x._data if isinstance(x, Tensor) else x for x in k])
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(np.intp)
        kind = a.dtype.kind
        if kind == "b":
            return a, True
        if kind not in "iu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return a.astype(np.intp, copy=False), True
    if hasattr(k, "__index__"):
        return k.__index__(), False
    if isinstance(k, str):
        raise TypeError(f"new(): invalid data type 'str'")
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
        "valid indices (got " + type(k).__name__ + ")")


def _convert(idx):
    """A user index -> (numpy index tuple, any advanced)."""
    if type(idx) is not tuple:
        idx = (idx,)
    out = []
    adv = False
    for k in idx:
        c, a = _conv_item(k)
        out.append(c)
        adv = adv or a
    return tuple(out), adv


def _adv_split(idx):
    """PyTorch applies integer indices as selects before advanced indexing (NumPy instead
    broadcasts them with the index arrays): split into (basic view index, advanced index)."""
    if not any(type(k) is int for k in idx):
        return None, idx
    s1, s2 = [], []
    for k in idx:
        if type(k) is int:
            s1.append(k)
        elif k is None:
            s1.append(None)
            s2.append(slice(None))
        elif k is Ellipsis or type(k) is slice:
            s1.append(k)
            s2.append(slice(None) if k is not Ellipsis else k)
        elif isinstance(k, _ndarray) and k.dtype == np.bool_:
            s1.extend([slice(None)] * max(k.ndim, 1) if k.ndim else [None])
            s2.append(k)
        else:
            s1.append(slice(None))
            s2.append(k)
    return tuple(s1), tuple(s2)


def _sub(a, sp):
    s1, s2 = sp
    return (a if s1 is None else a[s1]), s2


def _view_name(idx):
    """PyTorch's node name for a basic index: named after the last op applied."""
    for k in reversed(idx):
        if type(k) is int:
            return Select
        if k is None:
            return Unsqueeze
        if type(k) is slice:
            return Slice
    return Alias


# ---- __getitem__ ----------------------------------------------------------------------

class _Basic(Op):
    view = True

    def forward(self, a, idx):
        self.shape, self.dtype, self.idx = a.shape, a.dtype, idx
        out = a[idx]
        if type(out) is not _ndarray:
            out = a[idx + (Ellipsis,)]
        return out

    def backward(self, g):
        z = np.zeros(self.shape, self.dtype)
        z[self.idx] = g
        return z


class Select(_Basic):
    name = "SelectBackward0"


class Slice(_Basic):
    name = "SliceBackward0"


class Unsqueeze(_Basic):
    name = "UnsqueezeBackward0"


class Alias(_Basic):
    name = "AliasBackward0"


class Index(Op):
    name = "IndexBackward0"

    def forward(self, a, idx):
        self.shape, self.dtype, self.sp = a.shape, a.dtype, _adv_split(idx)
        v, i = _sub(a, self.sp)
        return v[i]

    def backward(self, g):
        z = np.zeros(self.shape, self.dtype)
        v, i = _sub(z, self.sp)
        np.add.at(v, i, g)
        return z


def _getitem_fast(self, idx, cls):
    a = self._data
    try:
        out = a[idx]
    except IndexError as e:
        raise _fix_index_error(e) from None
    if type(out) is not _ndarray:
        out = a[(idx, Ellipsis) if type(idx) is not tuple else idx + (Ellipsis,)]
    r = _wrap(out)
    _make_view(r, self)
    if self._rg and grad_mode.enabled:
        op = cls.__new__(cls)
        op.shape, op.dtype = a.shape, a.dtype
        op.idx = idx if type(idx) is tuple else (idx,)
        gf = self.grad_fn
        op.next_functions = ((gf, self._out_idx) if gf is not None else (self._accumulator(), 0),)
        op._meta = [(a.shape, a.dtype)]
        op._vers = None
        r.grad_fn = op
        r._rg = True
    return r


def __getitem__(self, idx):
    t = type(idx)
    if t is int:
        return _getitem_fast(self, idx, Select)
    if t is slice:
        st = idx.step
        if st is None or (type(st) is int and st > 0):
            if type(idx.start) in _SLICE_OK and type(idx.stop) in _SLICE_OK:
                return _getitem_fast(self, idx, Slice)
    elif t is tuple:
        fast = True
        last = None
        for k in idx:
            tk = type(k)
            if tk is int:
                last = Select
            elif tk is slice:
                st = k.step
                if not (st is None or (type(st) is int and st > 0)) or \
                        type(k.start) not in _SLICE_OK or type(k.stop) not in _SLICE_OK:
                    fast = False
                    break
                last = Slice
            else:
                fast = False
                break
        if fast:
            return _getitem_fast(self, idx, last or Alias)
    nidx, adv = _convert(idx)
    try:
        if adv:
            return apply(Index, self, idx=nidx)
        return apply(_view_name(nidx), self, idx=nidx)
    except IndexError as e:
        raise _fix_index_error(e) from None


_SLICE_OK = (int, type(None))


# ---- __setitem__ ------------------------------------------------------------------------

def _value_array(v, npd):
    if isinstance(v, Tensor):
        v = v._data
    elif not isinstance(v, np.ndarray):
        v = np.asarray(v)
    return v if v.dtype == npd else v.astype(npd)


class CopySlices(Op):
    name = "CopySlices"
    adv = False

    def forward(self, a, v, idx):
        self.sp = sp = _adv_split(idx) if self.adv else (None, idx)
        if isinstance(v, _ndarray):
            self.vshape = v.shape
        try:
            av, idx = _sub(a, sp)
            av[idx] = _value_array(v, a.dtype) if isinstance(v, _ndarray) else v
        except ValueError as e:
            if "broadcast" in str(e):
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
                                   f"broadcast to indexing result of shape {list(av[idx].shape)}") from None
            raise
        except IndexError as e:
            raise _fix_index_error(e) from None
        return a

    def backward(self, g):
        gs = np.array(g, copy=True)
        v, i = _sub(gs, self.sp)
        v[i] = 0
        gv = None
        vs = self.__dict__.get("vshape")
        if vs is not None:
            v, i = _sub(g, self.sp)
            gv = v[i]
            if len(vs) > gv.ndim:
                gv = gv.reshape((1,) * (len(vs) - gv.ndim) + gv.shape)
        return gs, gv


class IndexPut(CopySlices):
    name = "IndexPutBackward0"
    adv = True


def __setitem__(self, idx, value):
    nidx, adv = _convert(idx)
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        value = _wrap(value)
    if isinstance(value, Tensor):
        vd, sd = value._data.dtype, self._data.dtype
        if vd.kind == "c" and sd.kind != "c":
            raise RuntimeError("value cannot be converted to type without overflow")
        if adv and vd != sd and not (value._data.size == 1 and all(
                k.dtype == np.bool_ for k in nidx if isinstance(k, _ndarray))):
            raise RuntimeError("Index put requires the source and destination dtypes match, got "
                               f"{_type_name(sd)} for the destination and {_type_name(vd)} for the source.")
    apply_(IndexPut if adv else CopySlices, self, value, idx=nidx)


# ---- helpers for dim-wise gather / scatter -------------------------------------------------

def _check_index(idx, fn, allow32=True):
    if not isinstance(idx, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(idx).__name__}")
    k = idx._data.dtype
    if k != np.int64 and not (allow32 and k == np.int32):
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


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """``out[i][j] = input[index[i][j]][j]`` (dim=0): picks along ``dim``."""
    _check_index(index, "gather")
    dim = wrap_dim(dim, input.ndim)
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


def take_along_dim(input, indices, dim=None, *, out=None):
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


def take(input, index):
    """Index ``input`` as if it were flat; the result has ``index``'s shape."""
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


def _check_index_dtype(index, fn):
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fn}(): Expected dtype int32 or int64 for index")


def index_select(input, dim, index, *, out=None):
    """Rows (along ``dim``) of ``input`` at positions ``index`` (a 1-D int tensor)."""
    _check_index_dtype(index, "index_select")
    return apply(IndexSelect, input, index, dim=wrap_dim(dim, input.ndim))


def narrow_copy(input, dim, start, length):
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


def masked_select(input, mask, *, out=None):
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


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` (bool, broadcast) is True."""
    cls = _fill_args(mask, value, "masked_fill_")
    return apply(cls, input, mask, value)


def masked_fill_(self, mask, value):
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


def masked_scatter(input, mask, source):
    _check_bool_mask(mask, "masked_scatter_")
    return apply(MaskedScatter, input, mask, source)


def masked_scatter_(self, mask, source):
    _check_bool_mask(mask, "masked_scatter_")
    return apply_(MaskedScatter, self, mask, source)


# ---- scatter family --------------------------------------------------------------------------

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


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """Write ``src`` (tensor or number) into a copy of ``input`` at ``index`` along ``dim``."""
    _check_index(index, "scatter", allow32=False)
    cls, s = _scatter_cls(src, value, "scatter")
    return apply(cls, input, index, s, dim=wrap_dim(dim, input.ndim), reduce=reduce)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    _check_index(index, "scatter_", allow32=False)
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


def scatter_add(input, dim, index, src):
    _check_index(index, "scatter_add", allow32=False)
    return apply(ScatterAdd, input, index, src, dim=wrap_dim(dim, input.ndim))


def scatter_add_(self, dim, index, src):
    _check_index(index, "scatter_add_", allow32=False)
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
        self.shape = a.shape
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

    def _prod_grads(self, g):
        a, s, idx, out = self.a, self.s, self.idx, self.out
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = g * out / a
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


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce ``src`` into a copy of ``input`` at ``index``: sum, prod, mean, amax, amin."""
    _check_index(index, "scatter_reduce", allow32=False)
    return apply(ScatterReduce, input, index, src, dim=wrap_dim(dim, input.ndim), reduce=reduce,
                 include_self=include_self)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    _check_index(index, "scatter_reduce_", allow32=False)
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


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    d, idx = _index_reduce_args(input, dim, index, source, reduce, "index_reduce")
    return scatter_reduce(input, d, idx, source, reduce, include_self=include_self)


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
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


def index_add(input, dim, index, source, *, alpha=1):
    _check_index_dtype(index, "index_add")
    d = wrap_dim(dim, input.ndim)
    if alpha != 1:
        return apply(IndexAdd, input, index, source, dim=d, alpha=alpha)
    return apply(IndexAdd, input, index, source, dim=d)


def index_add_(self, dim, index, source, *, alpha=1):
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


def index_copy(input, dim, index, source):
    _check_index(index, "index_copy", allow32=False)
    return apply(IndexCopy, input, index, source, dim=wrap_dim(dim, input.ndim))


def index_copy_(self, dim, index, source):
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


class IndexFillT(IndexFill):
    name = "IndexFillBackward1"


def _ifill_cls(value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        return IndexFillT
    return IndexFill


def index_fill(input, dim, index, value):
    _check_index(index, "index_fill", allow32=False)
    return apply(_ifill_cls(value), input, index, value, dim=wrap_dim(dim, input.ndim))


def index_fill_(self, dim, index, value):
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
        except ValueError as e:
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


def index_put(input, indices, values, accumulate=False):
    return apply(IndexPutOp, input, values, idx=_put_indices(indices), accumulate=accumulate)


def index_put_(input, indices, values, accumulate=False):
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


def put(input, index, source, accumulate=False):
    _check_index(index, "put", allow32=False)
    return apply(Put, input, index, source, accumulate=accumulate)


def put_(self, index, source, accumulate=False):
    _check_index(index, "put_", allow32=False)
    return apply_(Put, self, index, source, accumulate=accumulate)


# ---- where / nonzero -------------------------------------------------------------------------

class Where(Op):
    name = "WhereBackward0"
    promote = SAME

    def forward(self, x, y, cond, npd):
        self.cond = cond
        return np.where(cond, x, y).astype(npd, copy=False)

    def backward(self, g):
        c = self.cond
        z = np.zeros((), g.dtype)
        return np.where(c, g, z), np.where(c, z, g)


def where(condition, input=None, other=None, *, out=None):
    """``where(cond, x, y)``: ``x`` where ``cond`` else ``y`` (broadcast, promoted);
    ``where(cond)``: ``nonzero(cond, as_tuple=True)``."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {_type_name(condition._data.dtype)}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        res = D.result_type(input, other)
        input = _wrap(np.asarray(input, res.np))
        other = _wrap(np.asarray(other, res.np))
    res = D.result_type(input, other)
    return apply(Where, input, other, cond=condition._data, npd=res.np)


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the non-zero elements: int64 ``[n, ndim]``, or a tuple of 1-D tensors."""
    a = input._data
    if as_tuple:
        if a.ndim == 0:
            return (_wrap(np.zeros(int(a != 0), np.int64)),)
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(a))
    return _wrap(np.argwhere(a).astype(np.int64))


def nonzero_static(input, *, size, fill_value=-1):
    """``nonzero`` with exactly ``size`` rows: truncated, or padded with ``fill_value``."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got {size}")
    idx = np.argwhere(input._data).astype(np.int64)[:size]
    pad = np.full((size - idx.shape[0], idx.shape[1]), fill_value, np.int64)
    return _wrap(np.concatenate([idx, pad]))


def argwhere(input):
    return nonzero(input)


def _tri_indices(fn, row, col, offset, dtype):
    npd = D.to_dtype(dtype).np if dtype is not None else np.int64
    r, c = fn(row, offset, col)
    return _wrap(np.stack([r, c]).astype(npd).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(np.tril_indices, row, col, offset, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(np.triu_indices, row, col, offset, dtype)


# ---- searching -------------------------------------------------------------------------------

def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None,
                 out=None):
    """Insertion points of ``input`` into the innermost dim of ``sorted_sequence``."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got "
                               "side of left while right was True")
        right = side == "right"
    sd = "right" if right else "left"
    s = sorted_sequence._data
    if sorter is not None:
        s = np.take_along_axis(s, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    v = np.asarray(input) if scalar else input._data
    npd = np.int32 if out_int32 else np.int64
    if s.ndim <= 1:
        r = np.searchsorted(s, v, side=sd)
    else:
        if scalar or v.shape[:-1] != s.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(s.shape)} and input value tensor {list(v.shape)}")
        s2, v2 = s.reshape(-1, s.shape[-1]), v.reshape(-1, v.shape[-1])
        r = np.stack([np.searchsorted(s2[i], v2[i], side=sd) for i in range(s2.shape[0])]) \
            .reshape(v.shape) if s2.shape[0] else np.zeros(v.shape, npd)
    return _wrap(np.asarray(r).astype(npd))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.asarray(np.isin(e, t, assume_unique=assume_unique, invert=invert)))


# ---- Tensor methods ---------------------------------------------------------------------------

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


class SelectScatter(_RegionScatter):
    name = "SelectScatterBackward0"

    @staticmethod
    def region(a, d, i):
        return a[(slice(None),) * d + (i,)][...]


class SliceScatter(_RegionScatter):
    name = "SliceScatterBackward0"

    @staticmethod
    def region(a, d, s):
        return a[(slice(None),) * d + (s,)]


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


class AsStridedScatter(_RegionScatter):
    name = "AsStridedScatterBackward0"

    @staticmethod
    def region(a, size, stride, offset):
        it = a.itemsize
        return np.lib.stride_tricks.as_strided(a.reshape(-1)[offset:], size,
                                               tuple(s * it for s in stride))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of ``input`` with ``src`` written into its ``as_strided(size, stride, offset)`` view."""
    size, stride = tuple(size), tuple(stride)
    off = storage_offset or 0
    need = off + (1 + sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0)
    if need > input.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                           f"{off} is out of bounds for storage of size {input.numel()}")
    return apply(AsStridedScatter, input.contiguous(), src, size, stride, off)


def select_scatter(input, src, dim, index):
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return apply(SelectScatter, input, src, d, index % n)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return apply(SliceScatter, input, src, wrap_dim(dim, input.ndim), slice(start, end, step))


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(DiagonalScatter, input, src, offset, d1, d2)


def unravel_index(indices, shape):
    """Flat indices -> a tuple of coordinate tensors for ``shape`` (C order, wrapping as torch)."""
    if not isinstance(indices, Tensor):
        indices = _wrap(np.asarray(indices, np.int64))
    a = indices._data
    if a.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(shape))
    a = a.astype(np.int64)
    out, stride = [], 1
    for s in reversed(shape):
        out.append(_wrap((a // stride) % s if s else np.zeros_like(a)))
        stride *= s
    return tuple(reversed(out))


def _m_where(self, condition, y):
    return where(condition, self, y)


def _index_put_m(self, indices, values, accumulate=False):
    return index_put(self, indices, values, accumulate)


def _put_m(self, index, source, accumulate=False):
    return put(self, index, source, accumulate)


def _nonzero_m(self, *, as_tuple=False):
    return nonzero(self, as_tuple=as_tuple)


Tensor.__getitem__ = __getitem__
Tensor.__setitem__ = __setitem__
Tensor.index_select = index_select
Tensor.masked_select = masked_select
Tensor.masked_fill = masked_fill
Tensor.masked_fill_ = masked_fill_
Tensor.masked_scatter = masked_scatter
Tensor.masked_scatter_ = masked_scatter_
Tensor.take = take
Tensor.take_along_dim = take_along_dim
Tensor.gather = gather
Tensor.scatter = scatter
Tensor.scatter_ = scatter_
Tensor.scatter_add = scatter_add
Tensor.scatter_add_ = scatter_add_
Tensor.scatter_reduce = scatter_reduce
Tensor.scatter_reduce_ = scatter_reduce_
Tensor.index_add = index_add
Tensor.index_add_ = index_add_
Tensor.index_copy = index_copy
Tensor.index_copy_ = index_copy_
Tensor.index_fill = index_fill
Tensor.index_fill_ = index_fill_
Tensor.index_put = _index_put_m
Tensor.index_put_ = index_put_
Tensor.put = _put_m
Tensor.put_ = put_
Tensor.where = _m_where
Tensor.nonzero = _nonzero_m
Tensor.argwhere = argwhere
Tensor.narrow_copy = narrow_copy
Tensor.select_scatter = select_scatter
Tensor.slice_scatter = slice_scatter
Tensor.diagonal_scatter = diagonal_scatter
Tensor.nonzero_static = nonzero_static
Tensor.index_reduce = index_reduce
Tensor.index_reduce_ = index_reduce_
Tensor.as_strided_scatter = as_strided_scatter
