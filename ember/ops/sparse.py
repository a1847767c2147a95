"""Sparse tensors: COO (``sparse_coo_tensor``, ``to_sparse``) and CSR (``to_sparse_csr``).

A sparse tensor is an ``ember.Tensor`` whose elements are not stored densely: it keeps
its indices as an integer array and its values as an ordinary dense ``Tensor``
(``_vals``). Autograd runs through those values, so gradients reach the tensor the
values came from (``sparse_coo_tensor(i, v)``, ``dense.to_sparse()``) and the dense
operand of a product. A dense op handed a sparse tensor raises ``NotImplementedError``,
as torch's sparse backend does for ops it lacks.

    >>> i = ember.tensor([[0, 1, 1], [2, 0, 2]])
    >>> s = ember.sparse_coo_tensor(i, ember.tensor([3., 4., 5.]), (2, 3))
    >>> (s @ ember.ones(3, 2)).shape
    torch.Size([2, 2])
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .. import _layout as L
from .._tensor import Size, Tensor, _new_tensor, tensor_method
from ._apply import Op, apply, wrap_dim

__all__ = ["sparse_coo_tensor", "sparse_csr_tensor", "spmm"]


def _backend_error(what="this operation"):
    return NotImplementedError(
        f"Could not run {what} with arguments from the 'SparseCPU' backend: ember's sparse tensors "
        "support construction, coalesce, to_dense, sums, products with dense matrices and "
        "zero-preserving elementwise ops; call .to_dense() first")


# ---- differentiable pieces (all on the values array) ------------------------------

def _segment_sum(keys, rows, n):
    """out[k] = sum of rows[j] with keys[j] == k, for k < n (a sorted reduceat, not add.at)."""
    out = np.zeros((n,) + rows.shape[1:], rows.dtype)
    if keys.size:
        if np.any(keys[1:] < keys[:-1]):
            order = np.argsort(keys, kind="stable")
            keys, rows = keys[order], rows[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        out[keys[starts]] = np.add.reduceat(rows, starts, axis=0)
    return out


class SparseCooTensorWithDimsAndTensors(Op):
    """The values as given (the sparse tensor's node in the graph)."""
    name = "SparseCooTensorWithDimsAndTensorsBackward0"

    def forward(self, v):
        return v

    def backward(self, g):
        return g


class Values(SparseCooTensorWithDimsAndTensors):
    name = "ValuesBackward0"


class Coalesce(Op):
    """Sum the values of repeated indices: ``out[inv[j]] += v[j]``."""
    name = "CoalesceBackward0"

    def forward(self, v, inv, n):
        self.inv = inv
        out = np.zeros((n,) + v.shape[1:], v.dtype)
        np.add.at(out, inv, v)
        return out

    def backward(self, g):
        return g[self.inv]


class ToDense(Op):
    name = "ToDenseBackward0"

    def forward(self, v, idx, shape):
        self.idx = tuple(idx)
        out = np.zeros(shape, v.dtype)
        np.add.at(out, self.idx, v)
        return out

    def backward(self, g):
        return g[self.idx]


class ToSparse(Op):
    """Values of a dense tensor at (unique) indices."""
    name = "ToSparseBackward1"

    def forward(self, a, idx):
        self.idx, self.shape = tuple(idx), a.shape
        return a[self.idx]

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        out[self.idx] = g
        return out


class ToSparseCsr(ToSparse):
    name = "ToSparseCsrBackward0"


class SparseAddmm(Op):
    """``S @ d`` with ``S`` given by (rows, cols, values v) and dense ``d`` (2-D)."""
    name = "SparseAddmmBackward0"

    def forward(self, v, d, rows, cols, n):
        self.v, self.d, self.rows, self.cols = v, d, rows, cols
        return _segment_sum(rows, v[:, None] * d[cols], n)

    def backward(self, g):
        gr = g[self.rows]
        gv = np.einsum("ij,ij->i", gr, self.d[self.cols])
        gd = _segment_sum(self.cols, self.v[:, None] * gr, self.d.shape[0])
        return gv, gd


class Mm(SparseAddmm):
    name = "MmBackward0"


class SparseMmReduce(Op):
    """Row-wise ``mean`` / ``amax`` / ``amin`` of ``v[j] * d[cols[j]]`` over each CSR row's
    entries (rows without entries give 0); ``amax`` / ``amin`` pass the gradient to the first
    extreme entry."""
    name = "SparseMmReduceImplBackward0"

    def forward(self, v, d, rows, cols, n, reduce):
        contrib = v[:, None] * d[cols]
        out = np.zeros((n, d.shape[1]), contrib.dtype)
        self.v, self.d, self.rows, self.cols, self.reduce = v, d, rows, cols, reduce
        if not rows.size:
            return out
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        r = rows[starts]
        if reduce == "mean":
            self.count = np.bincount(rows, minlength=n).astype(contrib.dtype)
            out[r] = np.add.reduceat(contrib, starts, axis=0) / self.count[r, None]
            return out
        ufunc = np.maximum if reduce == "amax" else np.minimum
        out[r] = ufunc.reduceat(contrib, starts, axis=0)
        hit = contrib == out[rows]                      # the extreme entries of each (row, column)
        seg = np.cumsum(hit, axis=0)
        before = np.concatenate([np.zeros((1, hit.shape[1]), seg.dtype), seg[starts[1:] - 1]])
        first_count = seg - np.repeat(before, np.diff(np.append(starts, len(rows))), axis=0)
        self.pick = (hit & (first_count == 1)).astype(contrib.dtype)
        return out

    def backward(self, g):
        gr = g[self.rows] / self.count[self.rows, None] if self.reduce == "mean" else g[self.rows] * self.pick
        gv = np.einsum("ij,ij->i", gr, self.d[self.cols])
        gd = _segment_sum(self.cols, self.v[:, None] * gr, self.d.shape[0])
        return gv, gd


# ---- the tensor ---------------------------------------------------------------------

class _SparseTensor(Tensor):
    """A COO or CSR tensor: ``_layout``, ``_size``, ``_vals`` (dense Tensor) and the
    indices (``_idx`` (sparse_dim, nnz) for COO; ``_crow``, ``_col`` for CSR)."""

    _sparse = True

    @property
    def _data(self):
        raise _backend_error()

    @property
    def _rg(self):
        return self._vals._rg

    @_rg.setter
    def _rg(self, value):
        self._vals._rg = value

    @property
    def grad_fn(self):
        return self._vals.grad_fn

    def _accumulator(self):   # the graph holds the values: a sparse leaf accumulates through them
        return self._vals._accumulator()

    @property
    def _out_idx(self):
        return self._vals._out_idx

    @property
    def grad(self):
        g = self._vals.grad
        return None if g is None else self._with_values(g)

    @grad.setter
    def grad(self, value):
        self._vals.grad = None if value is None else value._vals if isinstance(value, _SparseTensor) \
            else value

    # metadata
    @property
    def layout(self):
        return self._layout

    @property
    def is_sparse(self):
        return self._layout is L.sparse_coo

    @property
    def is_sparse_csr(self):
        return self._layout is L.sparse_csr

    @property
    def dtype(self):
        return self._vals.dtype

    @property
    def shape(self):
        return Size(self._size)

    @property
    def ndim(self):
        return len(self._size)

    def dim(self):
        return len(self._size)

    def size(self, dim=None):
        return Size(self._size) if dim is None else self._size[wrap_dim(dim, len(self._size))]

    def numel(self):
        return int(np.prod(self._size, dtype=np.int64))

    nelement = numel

    def __len__(self):
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]

    def element_size(self):
        return self._vals.element_size()

    def is_floating_point(self):
        return self._vals.is_floating_point()

    def is_complex(self):
        return self._vals.is_complex()

    def is_contiguous(self, memory_format=None):
        return False

    def numpy(self, *, force=False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def _nnz(self):
        return self._vals.shape[0]

    def sparse_dim(self):
        return self._idx.shape[0] if self.is_sparse else 2

    def dense_dim(self):
        return self._vals.ndim - 1

    def is_coalesced(self):
        if not self.is_sparse:
            raise RuntimeError("is_coalesced expected sparse coordinate tensor layout but got Sparse")
        return self._coal

    # indices and values
    def _indices(self):
        return _new_tensor(self._idx, copy=False)

    def _values(self):
        return self._vals

    def indices(self):
        self._need_coalesced("indices")
        return self._indices()

    def values(self):
        if self.is_sparse:
            self._need_coalesced("values")
        return apply(Values, self._vals)

    def crow_indices(self):
        self._need_csr("crow_indices")
        return _new_tensor(self._crow, copy=False)

    def col_indices(self):
        self._need_csr("col_indices")
        return _new_tensor(self._col, copy=False)

    def _need_coalesced(self, what):
        if not self.is_sparse:
            raise RuntimeError(f"{what} expected sparse coordinate tensor layout but got {self._layout}")
        if not self._coal:
            raise RuntimeError(f"Cannot get {what} on an uncoalesced tensor, please call .coalesce() first")

    def _need_csr(self, what):
        if self._layout is not L.sparse_csr:
            raise RuntimeError(f"{what} expected sparse row compressed tensor layout but got {self._layout}")

    def _coo_rows(self):
        """(row, col) index arrays of a 2-D tensor in either layout."""
        if self.is_sparse:
            return self._idx[0], self._idx[1]
        return np.repeat(np.arange(self._size[0]), np.diff(self._crow)), self._col

    def _with_values(self, vals):
        """The same sparsity pattern holding ``vals``."""
        if self.is_sparse:
            return _coo(self._idx, vals, self._size, self._coal)
        return _csr(self._crow, self._col, vals, self._size)

    # conversions
    def coalesce(self):
        if not self.is_sparse:
            raise RuntimeError(f"coalesce expected sparse coordinate tensor layout but got {self._layout}")
        if self._coal:
            return self
        sd = self._size[:self._idx.shape[0]]
        if self._idx.shape[1] == 0:
            return _coo(self._idx, self._vals, self._size, True)
        lin = np.ravel_multi_index(tuple(self._idx), sd)
        uniq, inv = np.unique(lin, return_inverse=True)
        idx = np.array(np.unravel_index(uniq, sd), dtype=np.int64).reshape(len(sd), -1)
        return _coo(idx, apply(Coalesce, self._vals, inv=inv.reshape(-1), n=len(uniq)), self._size, True)

    def to_dense(self, dtype=None, *, masked_grad=None):
        if self.is_sparse:
            idx = self._idx
        else:
            idx = np.stack(self._coo_rows())
        out = apply(ToDense, self._vals, idx=idx, shape=self._size)
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, *args, layout=None, blocksize=None, dense_dim=None):
        if args and not isinstance(args[0], L.layout):
            raise RuntimeError("to_sparse: sparse_dim argument must be None for a sparse input")
        layout = args[0] if args else layout
        if layout is None or layout is L.sparse_coo:
            if self.is_sparse:
                return self
            r, c = self._coo_rows()
            return _coo(np.stack([r, c]).astype(np.int64), self._vals, self._size, True)
        if layout is L.sparse_csr:
            return self.to_sparse_csr()
        raise NotImplementedError(f"to_sparse: conversion to {layout} is not supported")

    def to_sparse_coo(self):
        return self.to_sparse()

    def to_sparse_csr(self, dense_dim=None):
        if self._layout is L.sparse_csr:
            return self
        if len(self._size) != 2 or self.dense_dim():
            raise RuntimeError(f"to_sparse_csr: expected a 2-D sparse tensor without dense dims, "
                               f"got size {tuple(self._size)}")
        c = self.coalesce()
        crow = np.concatenate(([0], np.cumsum(np.bincount(c._idx[0], minlength=self._size[0])))).astype(np.int64)
        return _csr(crow, c._idx[1].copy(), c._vals, self._size)

    def to(self, *args, **kwargs):
        from .._device import check_device

        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, str) or a is None or hasattr(a, "type"):
                check_device(a)
        check_device(kwargs.get("device"))
        if dtype is None or dtype is self.dtype:
            return self._with_values(self._vals.clone()) if kwargs.get("copy") else self
        return self._with_values(self._vals.to(dtype))

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return "torch.sparse." + self._vals.type().split(".")[-1]
        return self.to(D.to_dtype(dtype))

    def float(self):
        return self.to(D.float32)

    def double(self):
        return self.to(D.float64)

    def half(self):
        return self.to(D.float16)

    def int(self):
        return self.to(D.int32)

    def long(self):
        return self.to(D.int64)

    def bool(self):
        return self.to(D.bool)

    def cpu(self):
        return self

    def clone(self, *, memory_format=None):
        if self.is_sparse:
            return _coo(self._idx.copy(), self._vals.clone(), self._size, self._coal)
        return _csr(self._crow.copy(), self._col.copy(), self._vals.clone(), self._size)

    def detach(self):
        return self._with_values(self._vals.detach())

    def requires_grad_(self, requires_grad=True):
        self._vals.requires_grad_(requires_grad)
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        raise RuntimeError("backward from a sparse tensor: reduce it to a dense scalar first "
                           "(e.g. torch.sparse.sum(s))")

    # shape
    def t(self):
        if len(self._size) != 2 or self._layout is not L.sparse_coo:
            raise RuntimeError(f"t() expects a 2-D sparse COO tensor, got size {tuple(self._size)}")
        return self.transpose(0, 1)

    def transpose(self, dim0, dim1):
        if not self.is_sparse:
            raise _backend_error("transpose")
        n = len(self._size)
        d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
        sd = self._idx.shape[0]
        if (d0 < sd) != (d1 < sd):
            raise RuntimeError("transpose(): can't transpose a sparse dim with a dense dim")
        size = list(self._size)
        size[d0], size[d1] = size[d1], size[d0]
        if d0 < sd:
            idx = self._idx.copy()
            idx[[d0, d1]] = idx[[d1, d0]]
            return _coo(idx, self._vals, tuple(size), False)
        return _coo(self._idx, self._vals.transpose(d0 - sd + 1, d1 - sd + 1), tuple(size), self._coal)

    # reductions
    def sum(self, dim=None, keepdim=False, dtype=None):
        return _sparse_sum(self, dim, dtype)

    # elementwise
    def _unary(self, fn, linear=False):
        s = self if linear or not self.is_sparse else self.coalesce()
        return s._with_values(fn(s._vals))

    def __neg__(self):
        return self._unary(lambda v: -v, True)

    neg = __neg__

    def __mul__(self, other):
        if isinstance(other, _SparseTensor):
            if tuple(other._size) != tuple(self._size):
                raise RuntimeError(f"mul: expected sizes of 'self' and 'other' to match, but "
                                   f"{list(self._size)} != {list(other._size)}")
            return _sparse_mul_dense(self.coalesce(), other.to_dense())
        if isinstance(other, Tensor) and other.ndim:
            return _sparse_mul_dense(self.coalesce(), other)
        return self._unary(lambda v: v * other, True)

    __rmul__ = mul = __mul__

    def __truediv__(self, other):
        if isinstance(other, Tensor) and other.ndim:
            raise _backend_error("div by a non-scalar tensor")
        return self._unary(lambda v: v / other, True)

    div = __truediv__

    def __pow__(self, p):
        if isinstance(p, Tensor) and p.ndim:
            raise _backend_error("pow with a tensor exponent")
        return self._unary(lambda v: v ** p)

    pow = __pow__

    def __add__(self, other, alpha=1):
        if not isinstance(other, _SparseTensor):
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
        return _sparse_add(self, other, alpha)

    def add(self, other, *, alpha=1):
        return self.__add__(other, alpha)

    def __sub__(self, other):
        return self.__add__(other, -1)

    def sub(self, other, *, alpha=1):
        return self.__add__(other, -alpha)

    def __radd__(self, other):
        if isinstance(other, Tensor):
            return other + self.to_dense()
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")

    def __rsub__(self, other):
        if isinstance(other, Tensor):
            return other - self.to_dense()
        raise RuntimeError("sub(sparse, dense) is not supported. Use sub(dense, sparse) instead.")

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    mm = matmul = __matmul__

    def __repr__(self, *, tensor_contents=None):
        return _sparse_repr(self)

    __str__ = __repr__


for _n in ("abs", "relu", "sqrt", "sin", "sinh", "tan", "tanh", "asin", "asinh", "atan", "atanh",
           "sign", "sgn", "square", "trunc", "floor", "ceil", "round", "expm1", "log1p", "deg2rad",
           "rad2deg", "erf", "erfinv", "signbit", "isnan", "isinf", "nan_to_num", "frac"):
    def _m(self, *args, _n=_n, **kwargs):
        return self._unary(lambda v: getattr(v, _n)(*args, **kwargs))
    _m.__name__ = _n
    setattr(_SparseTensor, _n, _m)
del _n, _m


def _coo(idx, vals, size, coalesced):
    t = object.__new__(_SparseTensor)
    t._vc = None
    d = t.__dict__
    d["_layout"], d["_idx"], d["_vals"], d["_size"], d["_coal"] = L.sparse_coo, idx, vals, tuple(size), coalesced
    return t


def _csr(crow, col, vals, size):
    t = object.__new__(_SparseTensor)
    t._vc = None
    d = t.__dict__
    d["_layout"], d["_crow"], d["_col"], d["_vals"], d["_size"] = L.sparse_csr, crow, col, vals, tuple(size)
    return t


# ---- construction -------------------------------------------------------------------

def _index_array(x, what):
    a = x._data if isinstance(x, Tensor) else np.asarray(x)
    if a.dtype.kind not in "iu" and a.size:
        raise RuntimeError(f"{what} must be an int64 tensor")
    return a.astype(np.int64)


def _values_tensor(values, dtype, requires_grad):
    v = values if isinstance(values, Tensor) else _new_tensor(values)
    if isinstance(v, _SparseTensor):
        raise RuntimeError("values must be a dense tensor")
    if dtype is not None:
        v = v.to(D.to_dtype(dtype))
    if requires_grad:
        return v.detach().requires_grad_()   # a sparse leaf: its grad is its values' grad
    return apply(SparseCooTensorWithDimsAndTensors, v) if v._rg else v


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None) -> Tensor:
    """A COO sparse tensor with ``values[j]`` at ``indices[:, j]``.

    Args:
        indices: integer (sparse_dim, nnz) indices.
        values: (nnz, *dense_dims) values.
        size: the full shape; inferred from the largest indices when omitted.

    Example::

        >>> ember.sparse_coo_tensor([[0, 1], [1, 0]], [2., 3.], (2, 2)).to_dense()
        tensor([[0., 2.],
                [3., 0.]])
    """
    from .._device import check_device

    check_device(device)
    idx = _index_array(indices, "indices")
    v = _values_tensor(values, dtype, requires_grad)
    if idx.ndim != 2:
        if idx.ndim == 1 and idx.size == 0:
            idx = idx.reshape(1, 0)
        else:
            raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(idx.shape)}")
    sd, nnz = idx.shape
    if v.ndim == 0 or v.shape[0] != nnz:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {nnz}, "
                           f"nnz from values: {v.shape[0] if v.ndim else 0}")
    if nnz and idx.min() < 0:
        raise RuntimeError(f"found negative index {int(idx.min())} for sparse_coo_tensor indices")
    if size is None:
        size = tuple(int(m) + 1 if nnz else 0 for m in (idx.max(1) if nnz else [0] * sd)) + tuple(v.shape[1:])
    else:
        size = tuple(int(s) for s in size)
        if len(size) != sd + v.ndim - 1:
            raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                               f"sparse_dim = {sd}, dense_dim = {v.ndim - 1}")
        if nnz:
            for d in range(sd):
                if idx[d].max() >= size[d]:
                    raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} "
                                       f"but found index {int(idx[d].max())}")
        if tuple(v.shape[1:]) != size[sd:]:
            raise RuntimeError(f"values has incorrect size, expected {list((nnz,) + size[sd:])}, "
                               f"got {list(v.shape)}")
    return _coo(idx, v, size, bool(is_coalesced) or nnz <= 1)


def sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None) -> Tensor:
    """A CSR sparse matrix: row ``i`` holds ``values[crow[i]:crow[i+1]]`` at columns ``col_indices``.

    Example::

        >>> ember.sparse_csr_tensor([0, 1, 2], [1, 0], [2., 3.], (2, 2)).to_dense()
        tensor([[0., 2.],
                [3., 0.]])
    """
    from .._device import check_device

    check_device(device)
    crow, col = _index_array(crow_indices, "crow_indices"), _index_array(col_indices, "col_indices")
    v = _values_tensor(values, dtype, requires_grad)
    if crow.ndim != 1 or col.ndim != 1 or v.ndim != 1:
        raise RuntimeError("sparse_csr_tensor: expected 1-D crow_indices, col_indices and values "
                           f"(batched and block CSR are not supported), got {list(crow.shape)}, "
                           f"{list(col.shape)}, {list(v.shape)}")
    if col.shape[0] != v.shape[0]:
        raise RuntimeError(f"col_indices and values must have the same number of elements, but got "
                           f"col_indices.numel(): {col.shape[0]}, values.numel(): {v.shape[0]}")
    if crow.size == 0 or crow[0] != 0 or crow[-1] != col.shape[0] or np.any(np.diff(crow) < 0):
        raise RuntimeError("`crow_indices[..., 0] == 0` and `crow_indices[..., -1] == nnz` must hold "
                           "and crow_indices must be non-decreasing")
    ncols = int(col.max()) + 1 if col.size else 0
    size = (crow.shape[0] - 1, ncols) if size is None else tuple(int(s) for s in size)
    if len(size) != 2 or size[0] != crow.shape[0] - 1 or ncols > size[1]:
        raise RuntimeError(f"sparse_csr_tensor: size {size} is inconsistent with crow_indices of length "
                           f"{crow.shape[0]} and column indices up to {ncols - 1}")
    return _csr(crow, col, v, size)


def _dense_to_sparse(self, *args, layout=None, blocksize=None, dense_dim=None):
    """``Tensor.to_sparse(sparse_dim=None, *, layout=None)``: the nonzero entries as COO (or CSR).

    Example:
        >>> torch.tensor([[0., 1.], [2., 0.]]).to_sparse().indices()
        tensor([[0, 1],
                [1, 0]])
    """
    sparse_dim = None
    if args:
        if isinstance(args[0], L.layout):
            layout = args[0]
        else:
            sparse_dim = args[0]
    if layout is L.sparse_csr:
        return _dense_to_csr(self)
    if layout not in (None, L.sparse_coo):
        raise NotImplementedError(f"to_sparse: conversion to {layout} is not supported")
    a = self._data
    n = a.ndim
    sd = n - (dense_dim or 0) if sparse_dim is None else int(sparse_dim)
    if not 0 <= sd <= n:
        raise RuntimeError(f"sparse_dim must be in [0, {n}], but got {sd}")
    mask = a != 0
    if sd < n:
        mask = mask.any(axis=tuple(range(sd, n)))
    idx = np.array(np.nonzero(mask), dtype=np.int64).reshape(sd, -1)
    return _coo(idx, apply(ToSparse, self, idx=idx), a.shape, True)


def _dense_to_csr(self, dense_dim=None) -> Tensor:
    """The tensor in sparse CSR layout (compressed rows).

    Example:
        >>> torch.tensor([[0., 1.], [2., 0.]]).to_sparse_csr().values()
        tensor([1., 2.])
    """
    a = self._data
    if a.ndim != 2:
        raise RuntimeError(f"to_sparse_csr: expected a 2-D tensor (batched CSR is not supported), "
                           f"got {a.ndim}-D")
    r, c = np.nonzero(a)
    crow = np.concatenate(([0], np.cumsum(np.bincount(r, minlength=a.shape[0])))).astype(np.int64)
    idx = np.stack([r, c]).astype(np.int64)
    return _csr(crow, idx[1], apply(ToSparseCsr, self, idx=idx), a.shape)


# ---- arithmetic -----------------------------------------------------------------------

def _sparse_add(a, b, alpha):
    if tuple(a._size) != tuple(b._size):
        raise RuntimeError(f"add: expected sizes of 'self' and 'other' to match, but "
                           f"{list(a._size)} != {list(b._size)}")
    layout = a._layout
    a, b = a.to_sparse(), b.to_sparse()
    from .joining import cat

    vb = b._vals if alpha == 1 else b._vals * alpha
    out = _coo(np.concatenate([a._idx, b._idx], 1), cat([a._vals, vb]), a._size, False).coalesce()
    return out.to_sparse_csr() if layout is L.sparse_csr else out


def _sparse_mul_dense(s, d):
    """``s * d`` for a coalesced COO ``s`` and a dense ``d`` of the same shape: sparse."""
    if tuple(d.shape) != tuple(s._size):
        raise RuntimeError(f"mul: expected sizes of 'self' and 'other' to match, but "
                           f"{list(s._size)} != {list(d.shape)}")
    if s.dense_dim():
        raise _backend_error("mul of a hybrid sparse tensor by a dense tensor")
    return s._with_values(s._vals * apply(ToSparse, d, idx=s._idx))


def _sparse_sum(s, dim=None, dtype=None):
    """``torch.sparse.sum``: a dense tensor when every sparse dim is reduced, else sparse."""
    vals = s._vals if dtype is None else s._vals.to(dtype)
    if dim is None:
        return vals.sum()
    s = s.to_sparse()
    n = len(s._size)
    dims = sorted({wrap_dim(d, n) for d in ((dim,) if isinstance(dim, int) else dim)})
    sd = s._idx.shape[0]
    sparse_red = [d for d in dims if d < sd]
    dense_red = tuple(d - sd + 1 for d in dims if d >= sd)
    if dense_red:
        vals = vals.sum(dense_red)
    keep = [d for d in range(sd) if d not in sparse_red]
    size = tuple(s._size[d] for d in keep) + tuple(s._size[d] for d in range(sd, n) if d not in dims)
    if not keep:
        return vals.sum(0)
    if not sparse_red:
        return _coo(s._idx, vals, size, s._coal)
    return _coo(s._idx[keep], vals, size, False).coalesce()


def _mm_check(a, b):
    if a.ndim != 2 or (b.ndim not in (1, 2)):
        raise RuntimeError(f"sparse matmul: expected a 2-D sparse matrix and a 1-D or 2-D dense operand, "
                           f"got {a.ndim}-D and {b.ndim}-D")
    if a.dense_dim():
        raise _backend_error("matmul of a hybrid sparse tensor")
    if a._size[1] != b.shape[0]:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {a._size[1]}, got {b.shape[0]}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {D.scalar_type_name(b.dtype)} but found "
                           f"{D.scalar_type_name(a.dtype)}")


def _sparse_dense_mm(a, b, cls=Mm, reduce="sum"):
    """Sparse ``a`` @ dense ``b``: dense (rows reduced by ``reduce``: sum, mean, amax, amin)."""
    _mm_check(a, b)
    rows, cols = a._coo_rows()
    if reduce != "sum":
        if reduce not in ("mean", "amax", "amin"):
            raise RuntimeError(f"sparse_mm_reduce: reduce type of {reduce} has not been enabled.")
        if a.layout is not L.sparse_csr or b.ndim != 2:
            raise _backend_error("aten::_sparse_mm_reduce_impl (a CSR matrix and a dense matrix are needed)")
        return apply(SparseMmReduce, a._vals, b, rows=rows, cols=cols, n=a._size[0], reduce=reduce)
    if b.ndim == 1:
        return apply(cls, a._vals, b.unsqueeze(1), rows=rows, cols=cols, n=a._size[0]).squeeze(1)
    return apply(cls, a._vals, b, rows=rows, cols=cols, n=a._size[0])


def matmul(a, b):
    """``a @ b`` where at least one side is sparse (2-D): dense when one side is dense."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(b).__name__}")
    sa, sb = isinstance(a, _SparseTensor), isinstance(b, _SparseTensor)
    if sa and sb:
        out = _sparse_dense_mm(a, b.to_dense())
        return out.to_sparse() if a.is_sparse else out.to_sparse_csr()
    if sa:
        return _sparse_dense_mm(a, b)
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError("dense @ sparse: both operands must be matrices")
    if b.dense_dim() or not b.is_sparse:
        b = b.to_sparse()
    return _sparse_dense_mm(b.t(), a.t()).t()


def spmm(input, mat2) -> Tensor:
    """``torch.spmm``: sparse matrix ``input`` times dense ``mat2`` (dense result).

    Example:
        >>> torch.spmm(torch.eye(2).to_sparse(), torch.tensor([[1., 2.], [3., 4.]]))
        tensor([[1., 2.],
                [3., 4.]])
    """
    return matmul(input, mat2)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` with a sparse ``mat1``: dense."""
    prod = _sparse_dense_mm(mat1, mat2, SparseAddmm) if isinstance(mat1, _SparseTensor) else matmul(mat1, mat2)
    if isinstance(input, _SparseTensor):
        input = input.to_dense()
    prod = prod if alpha == 1 else prod * alpha
    return prod if beta == 0 else prod + (input if beta == 1 else input * beta)


# ---- printing -------------------------------------------------------------------------

def _sparse_repr(t):
    from .._tensor_str import _add_suffixes, body_str

    indent = len("tensor(")
    dtype = t.dtype
    default = dtype in (D.get_default_dtype(), D.int64, D.bool)
    suffixes = ["size=" + str(tuple(t._size)), "nnz=" + str(t._nnz())]
    if not default:
        suffixes.append("dtype=" + str(dtype))

    def part(prefix, arr, lead):
        s = prefix + body_str(arr, indent + len(prefix), prefix) + ")"
        if arr.size == 0:
            s = s[:-1] + ", size=" + str(tuple(arr.shape)) + ")"
        return (" " * indent if lead else "") + s

    vals = t._vals.detach()
    v = vals._data if vals.dtype is not D.bfloat16 else vals.float()._data
    if t.is_sparse:
        body = part("indices=tensor(", t._idx, False) + ",\n" + part("values=tensor(", v, True)
    else:
        body = part("crow_indices=tensor(", t._crow, False) + ",\n" + \
            part("col_indices=tensor(", t._col, True) + ",\n" + part("values=tensor(", v, True)
    suffixes.append("layout=" + str(t._layout))
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes("tensor(" + body, suffixes, indent, force_newline=t.is_sparse)


Tensor._sparse = False
Tensor.layout = L.strided
Tensor.is_sparse_csr = False
tensor_method("to_sparse", "to_sparse_coo")(_dense_to_sparse)
tensor_method("to_sparse_csr")(_dense_to_csr)


@tensor_method()
def to_dense(self, dtype=None, *, masked_grad=None) -> Tensor:
    """A strided tensor of the same values: a dense tensor returns itself (cast to ``dtype`` if given).

    Example:
        >>> torch.tensor([[0., 1.], [2., 0.]]).to_sparse().to_dense()
        tensor([[0., 1.],
                [2., 0.]])
        >>> torch.tensor([1, 2]).to_dense(torch.float32)
        tensor([1., 2.])
    """
    return self if dtype is None else self.to(dtype)


@tensor_method()
def sparse_dim(self):
    """The number of sparse dimensions: 0 for a dense tensor.

    Example:
        >>> torch.zeros(2, 3).sparse_dim(), torch.zeros(2, 3).to_sparse().sparse_dim()
        (0, 2)
    """
    return 0


@tensor_method()
def dense_dim(self):
    """The number of dense dimensions: ``ndim`` for a dense tensor.

    Example:
        >>> torch.zeros(2, 3).dense_dim(), torch.zeros(2, 3).to_sparse().dense_dim()
        (2, 0)
    """
    return self.ndim
