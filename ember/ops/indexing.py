"""Indexing: ``__getitem__`` / ``__setitem__``, ``where``, ``nonzero``, search ops
(searchsorted, bucketize, isin), unravel_index.

Basic indexing (ints, slices, ``...``, ``None``) returns a NumPy view of the input, so
the result shares storage and version counter (``view = True``). Advanced indexing
(integer / boolean arrays) copies; its backward accumulates with ``np.add.at`` so
duplicate indices add up, as in PyTorch."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ..autograd import grad_mode
from ._apply import SAME, Op, _make_view, _type_name, apply, apply_, linear_backward_ops

__all__ = ["where", "nonzero", "argwhere", "tril_indices", "triu_indices", "searchsorted",
           "bucketize", "isin", "unravel_index", "nonzero_static"]


_ndarray = np.ndarray


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
    if hasattr(k, "__index__"):   # an int subclass (a traced size read) stays itself
        return (k if isinstance(k, int) else k.__index__()), False
    if isinstance(k, str):
        raise TypeError("new(): invalid data type 'str'")
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return self.forward(u, self.idx)


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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        v, i = _sub(u, self.sp)
        return v[i]


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


@tensor_method()
def __getitem__(self, idx) -> Tensor:
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
            if self.adv and a.dtype in D._BAREBONES_NP:
                self._refuse_unsigned(a, av, idx, v)
            av[idx] = _value_array(v, a.dtype) if isinstance(v, _ndarray) else v
        except ValueError as e:
            if "broadcast" in str(e):
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be "
                                   f"broadcast to indexing result of shape {list(av[idx].shape)}") from None
            raise
        except IndexError as e:
            raise _fix_index_error(e) from None
        return a

    @staticmethod
    def _refuse_unsigned(a, av, idx, v):
        """PyTorch has no uint16/32/64 kernel for index_put (nor masked_fill, which a bool mask
        with a scalar value runs on); it checks the value's shape first."""
        if isinstance(v, _ndarray):
            np.broadcast_to(v, av[idx].shape)   # ValueError: the shape-mismatch error below
        keys = idx if isinstance(idx, tuple) else (idx,)
        mask = all(k.dtype == np.bool_ for k in keys if isinstance(k, _ndarray)) and np.ndim(v) == 0
        D.refuse_unsigned(a, "masked_fill" if mask else "index_put")

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


@tensor_method()
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


# ---- where / nonzero -------------------------------------------------------------------------

class Where(Op):
    name = "WhereBackward0"
    promote = SAME
    unsigned = True   # PyTorch has this kernel for uint16/32/64

    def forward(self, x, y, cond, npd):
        self.cond = cond
        return np.where(cond, x, y).astype(npd, copy=False)

    def backward(self, g):
        c = self.cond
        z = np.zeros((), g.dtype)
        return np.where(c, g, z), np.where(c, z, g)

    def backward_ops(self, g):
        c = _wrap(self.cond)
        return g.where(c, 0.0), g.where(c.logical_not(), 0.0)


def where(condition, input=None, other=None, *, out=None):
    """``where(cond, x, y)``: ``x`` where ``cond`` else ``y`` (broadcast, promoted);
    ``where(cond)``: ``nonzero(cond, as_tuple=True)``.

    Example:
        >>> x = torch.tensor([-1., 2.])
        <BLANKLINE>
        >>> torch.where(x > 0, x, 0.)
        tensor([0., 2.])
    """
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
    """Indices of the non-zero elements: int64 ``[n, ndim]``, or a tuple of 1-D tensors.

    Example:
        >>> torch.nonzero(torch.tensor([[0, 1], [2, 0]]))
        tensor([[0, 1],
                [1, 0]])
        >>> torch.nonzero(torch.tensor([0, 3, 5]), as_tuple=True)
        (tensor([1, 2]),)
    """
    D.refuse_unsigned(input, "nonzero_count_cpu")  # PyTorch has no uint16/32/64 kernel
    a = input._data
    if as_tuple:
        if a.ndim == 0:
            return (_wrap(np.zeros(int(a != 0), np.int64)),)
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(a))
    return _wrap(np.argwhere(a).astype(np.int64))


@tensor_method()
def nonzero_static(input, *, size, fill_value=-1) -> Tensor:
    """``nonzero`` with exactly ``size`` rows: truncated, or padded with ``fill_value``.

    Example:
        >>> torch.nonzero_static(torch.tensor([0, 3, 0, 5]), size=3)
        tensor([[ 1],
                [ 3],
                [-1]])
    """
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got {size}")
    idx = np.argwhere(input._data).astype(np.int64)[:size]
    pad = np.full((size - idx.shape[0], idx.shape[1]), fill_value, np.int64)
    return _wrap(np.concatenate([idx, pad]))


@tensor_method()
def argwhere(input) -> Tensor:
    """The indices of nonzero elements, one row per element (``nonzero`` as a tensor).

    Example:
        >>> torch.argwhere(torch.tensor([[0, 1], [2, 0]]))
        tensor([[0, 1],
                [1, 0]])
    """
    D.refuse_unsigned(input, "nonzero_count_cpu")  # PyTorch has no uint16/32/64 kernel
    return nonzero(input)


def _tri_indices(fn, row, col, offset, dtype):
    npd = D.to_dtype(dtype).np if dtype is not None else np.int64
    r, c = fn(row, offset, col)
    return _wrap(np.stack([r, c]).astype(npd).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The coordinates of the lower triangle of a ``row x col`` matrix, as a ``2 x N`` tensor.

    Example:
        >>> torch.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
    """
    return _tri_indices(np.tril_indices, row, col, offset, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The coordinates of the upper triangle of a ``row x col`` matrix (from diagonal ``offset``).

    Example:
        >>> torch.triu_indices(3, 3, 1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _tri_indices(np.triu_indices, row, col, offset, dtype)


# ---- searching -------------------------------------------------------------------------------

def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None,
                 out=None) -> Tensor:
    """Insertion points of ``input`` into the innermost dim of ``sorted_sequence``.

    Example:
        >>> torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6]))
        tensor([1, 3])
    """
    D.refuse_unsigned(sorted_sequence, "searchsorted_out_cpu")  # PyTorch has no uint16/32/64 kernel
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


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None) -> Tensor:
    """The bucket of each element of ``input`` among the sorted ``boundaries``.

    Example:
        >>> torch.bucketize(torch.tensor([1, 5, 9]), torch.tensor([2, 4, 6, 8]))
        tensor([0, 2, 4])
    """
    D.refuse_unsigned(input, "searchsorted_out_cpu")  # PyTorch has no uint16/32/64 kernel
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None) -> Tensor:
    """Tests each element of ``elements`` for membership in ``test_elements``.

    Example:
        >>> torch.isin(torch.tensor([1, 2, 3, 4]), torch.tensor([2, 4]))
        tensor([False,  True, False,  True])
    """
    D.refuse_unsigned(elements, "isin_default_cpu")  # PyTorch has no uint16/32/64 kernel
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.asarray(np.isin(e, t, assume_unique=assume_unique, invert=invert)))


def unravel_index(indices, shape):
    """Flat indices -> a tuple of coordinate tensors for ``shape`` (C order, wrapping as torch).

    Example:
        >>> torch.unravel_index(torch.tensor([5]), (2, 3))
        (tensor([1]), tensor([2]))
    """
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


@tensor_method("where")
def _m_where(self, condition, y) -> Tensor:
    """``torch.where(condition, self, y)``: ``self`` where ``condition``, else ``y``.

    Example:
        >>> torch.tensor([1., 2.]).where(torch.tensor([True, False]), 0.)
        tensor([1., 0.])
    """
    return where(condition, self, y)


@tensor_method("nonzero")
def _nonzero_m(self, *, as_tuple=False):
    """``torch.nonzero(self)``: the indices of the nonzero elements.

    Example:
        >>> torch.tensor([0, 3, 0, 5]).nonzero()
        tensor([[1],
                [3]])
    """
    return nonzero(self, as_tuple=as_tuple)
