"""Shape ops: views (view, reshape, permute, transpose, expand, narrow, ...), joins and splits.

Views set ``view = True`` and return a NumPy view of input 0, so writes through the
view reach the base and the two share a version counter. Forward and backward side
by side on raw arrays; broadcast-shaped grads are summed back by the backward walk.
"""
import builtins
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, _root
from ._apply import Op, apply, SAME, wrap_dim, wrap_dims, norm_size, _make_view

__all__ = [
    "reshape", "view_as_real", "permute", "transpose", "swapaxes", "swapdims", "t",
    "unsqueeze", "squeeze", "flatten", "unflatten", "broadcast_to", "narrow", "select",
    "diagonal", "as_strided", "movedim", "moveaxis", "clone", "ravel",
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
    "row_stack", "split", "tensor_split", "chunk", "unbind", "hsplit", "vsplit", "dsplit",
    "repeat_interleave", "tile", "flip", "fliplr", "flipud", "roll", "rot90", "meshgrid",
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_tensors", "broadcast_shapes",
    "block_diag", "narrow_copy", "split_with_sizes", "cartesian_prod", "combinations",
    "channel_shuffle", "constant_pad_nd", "adjoint", "view_as_complex", "unsafe_split",
    "unsafe_split_with_sizes", "unsafe_chunk", "alias_copy", "detach_copy", "diagonal_copy",
    "expand_copy", "permute_copy", "select_copy", "slice_copy", "split_copy",
    "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy",
    "unfold_copy", "unsqueeze_copy", "view_copy", "as_strided_copy", "view_as_real_copy",
    "view_as_complex_copy",
]

_sl = slice(None)


# ---- stride helpers -----------------------------------------------------------------

def _elem_strides(a):
    """PyTorch-style strides in elements (size-1 dims get the contiguous stride)."""
    it = a.itemsize
    st = [s // it for s in a.strides]
    acc = 1
    for i in range(a.ndim - 1, -1, -1):
        n = a.shape[i]
        if n == 1:
            st[i] = acc
        acc *= n if n > 1 else 1
    return st


def _compute_stride(oldshape, oldstride, newshape):
    """PyTorch's ``computeStride``: strides for viewing, or None if not viewable."""
    if not oldshape:
        return [1] * len(newshape)
    numel = math.prod(oldshape)
    if numel == 0:
        if tuple(oldshape) == tuple(newshape):
            return list(oldstride)
        st = [0] * len(newshape)
        acc = 1
        for i in range(len(newshape) - 1, -1, -1):
            st[i] = acc
            acc *= max(newshape[i], 1)
        return st
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base = oldstride[-1]
    tensor_numel = 1
    view_numel = 1
    for td in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[td]
        if td == 0 or (oldshape[td - 1] != 1 and oldstride[td - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if td > 0:
                chunk_base = oldstride[td - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return newstride


def _strided(a, shape, strides, offset=0):
    """A view of ``a``'s storage with element ``strides`` and element ``offset`` from ``a``.

    Built on the root array as buffer so ``storage_offset`` stays right; falls back
    to ``as_strided`` when the root exposes no buffer.
    """
    it = a.itemsize
    bst = tuple(int(s) * it for s in strides)
    root = _root(a)
    try:
        if not (root.flags.c_contiguous or root.flags.f_contiguous):
            raise ValueError
        off = a.__array_interface__["data"][0] - root.__array_interface__["data"][0] + offset * it
        out = np.ndarray(tuple(shape), a.dtype, buffer=root, offset=off, strides=bst)
    except (ValueError, TypeError, BufferError):
        out = np.asarray(_Interface(a, tuple(shape), bst, offset * it))
    if not a.flags.writeable and out.flags.writeable:
        out.flags.writeable = False
    return out


class _Interface:
    """Array-interface holder: ``a``'s memory at a byte offset with given shape and strides."""

    def __init__(self, a, shape, strides, off):
        self.base = a
        self.__array_interface__ = {
            "data": (a.__array_interface__["data"][0] + off, not a.flags.writeable),
            "shape": shape, "strides": strides, "typestr": a.dtype.str,
            "descr": a.dtype.descr, "version": 3}


def _infer_size(shape, numel):
    """Resolve one ``-1`` in ``shape``; RuntimeError as PyTorch's for a bad shape."""
    infer = -1
    prod = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer >= 0:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            prod *= s
    if infer >= 0:
        if prod == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous")
        elif numel % prod == 0:
            shape = tuple(shape)
            return shape[:infer] + (numel // prod,) + shape[infer + 1:]
    elif prod == numel:
        return tuple(shape)
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")


_VIEW_MSG = ("view size is not compatible with input tensor's size and stride (at least one "
             "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


def _view_array(a, shape):
    """``a`` viewed as ``shape`` (a NumPy view), or None when PyTorch could not view it."""
    st = _compute_stride(a.shape, _elem_strides(a), shape)
    if st is None:
        return None
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        return _strided(a, shape, st)


# ---- views ----------------------------------------------------------------------------

class View(Op):
    name = "ViewBackward0"
    view = True

    def forward(self, a, shape):
        self.shape = a.shape
        if a.flags.c_contiguous:
            try:
                return a.reshape(shape)
            except ValueError:
                shape = _infer_size(shape, a.size)
                return a.reshape(shape)
        shape = _infer_size(shape, a.size)
        out = _view_array(a, shape)
        if out is None:
            raise RuntimeError(_VIEW_MSG)
        return out

    def backward(self, g):
        return g.reshape(self.shape)


class UnsafeView(Op):
    name = "UnsafeViewBackward0"

    def forward(self, a, shape):
        self.shape = a.shape
        return np.ascontiguousarray(a).reshape(shape)

    def backward(self, g):
        return g.reshape(self.shape)


def _shape_of(shape):
    if len(shape) == 1:
        s = shape[0]
        if type(s) is tuple:
            return s
        if not isinstance(s, int):
            return norm_size(shape)
    return shape


def _view(self, *shape, dtype=None):
    """View the same storage with another shape (``-1`` inferred) or as another ``dtype``."""
    if dtype is None and len(shape) == 1 and isinstance(shape[0], (D.dtype, type, np.dtype)):
        dtype = shape[0]
    if dtype is not None:
        return _view_dtype(self, dtype)
    return apply(View, self, _shape_of(shape))


def _view_dtype(self, dtype):
    nd = D.to_dtype(dtype).np
    a = self._data
    if nd.itemsize != a.itemsize:
        if a.ndim == 0:
            raise RuntimeError(
                "self.dim() cannot be 0 to view " f"{self.dtype} as {D.to_dtype(dtype)} (different element sizes)")
        if a.strides[-1] != a.itemsize and a.shape[-1] != 1:
            raise RuntimeError("self.stride(-1) must be 1 to view " f"{self.dtype} as {D.to_dtype(dtype)} "
                               "(different element sizes)")
        if (a.shape[-1] * a.itemsize) % nd.itemsize:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {nd.itemsize // a.itemsize if nd.itemsize > a.itemsize else 1}"
                f" to view {self.dtype} as {D.to_dtype(dtype)} (different element sizes), but got {a.shape[-1]}")
    out = _wrap(a.view(nd))
    if self._vc is None:
        self._vc = [0]
    out._vc = self._vc
    return out


def reshape(input, *shape):
    """A view when the strides allow it (as ``view``), else a contiguous copy."""
    shape = _shape_of(shape)
    a = input._data
    if a.flags.c_contiguous:
        return apply(View, input, shape)
    shape = _infer_size(shape, a.size)
    if _compute_stride(a.shape, _elem_strides(a), shape) is not None:
        return apply(View, input, shape)
    return apply(UnsafeView, input, shape)


def _view_as(self, other):
    return apply(View, self, other._data.shape)


def _reshape_as(self, other):
    return reshape(self, other._data.shape)


class Permute(Op):
    name = "PermuteBackward0"
    view = True

    def forward(self, a, dims):
        self.dims = dims
        return a.transpose(dims)

    def backward(self, g):
        return g.transpose(np.argsort(self.dims))


def permute(input, *dims):
    """Reorder the dimensions (a view)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{nd} is not equal to len(dims) = {len(dims)}")
    w = tuple(d + nd if d < 0 else d for d in dims)
    for d in w:
        if not 0 <= d < nd:
            w = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(w)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(Permute, input, w)


class Transpose(Op):
    name = "TransposeBackward0"
    view = True

    def forward(self, a, d0, d1):
        self.d = (d0, d1)
        return a.swapaxes(d0, d1)

    def backward(self, g):
        return g.swapaxes(*self.d)


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view)."""
    nd = input._data.ndim
    if not (0 <= dim0 < nd and 0 <= dim1 < nd):
        dim0, dim1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    return apply(Transpose, input, dim0, dim1)


swapaxes = swapdims = transpose


class TOp(Transpose):
    name = "TBackward0"

    def forward(self, a, d0, d1):
        self.d = (d0, d1)
        return a.swapaxes(d0, d1) if a.ndim == 2 else a[...]

    def backward(self, g):
        return g.swapaxes(*self.d) if g.ndim == 2 else g


def t(input):
    """Transpose a <= 2-D tensor (0-D and 1-D come back as they are)."""
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return apply(TOp, input, 0, 1)


def _T(self):
    nd = self._data.ndim
    if nd != 2:
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return apply(Permute, self, tuple(range(nd - 1, -1, -1)))


def _mT(self):
    nd = self._data.ndim
    if nd < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {nd}-D tensor.")
    return apply(Transpose, self, nd - 2, nd - 1)


class Conj(Op):
    name = "ConjBackward0"

    def forward(self, a):
        return np.conj(a)

    def backward(self, g):
        return np.conj(g)


def _mH(self):
    nd = self._data.ndim
    if nd < 2:
        raise RuntimeError(
            f"tensor.mH is only supported on matrices or batches of matrices. Got {nd}-D tensor.")
    x = apply(Conj, self) if self._data.dtype.kind == "c" else self
    return apply(Transpose, x, nd - 2, nd - 1)


def _H(self):
    nd = self._data.ndim
    if nd != 2 and nd != 0:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor.")
    x = apply(Conj, self) if self._data.dtype.kind == "c" else self
    return apply(Permute, x, tuple(range(nd - 1, -1, -1)))


class Unsqueeze(Op):
    name = "UnsqueezeBackward0"
    view = True

    def forward(self, a, d):
        self.d = d
        return a[(_sl,) * d + (None,)]

    def backward(self, g):
        return g.squeeze(self.d)


def unsqueeze(input, dim):
    """Insert a size-1 dimension at ``dim`` (a view)."""
    nd = input._data.ndim + 1
    if not -nd <= dim < nd:
        wrap_dim(dim, nd)
    return apply(Unsqueeze, input, dim + nd if dim < 0 else dim)


class Squeeze(Op):
    name = "SqueezeBackward0"
    view = True

    def forward(self, a, dims):
        self.shape = a.shape
        return a.squeeze(dims)

    def backward(self, g):
        return g.reshape(self.shape)


class Squeeze1(Squeeze):
    name = "SqueezeBackward1"


class Squeeze2(Squeeze):
    name = "SqueezeBackward2"


def squeeze(input, dim=None):
    """Drop size-1 dims (all, one, or a tuple of them); non-1 dims are left alone."""
    shape = input._data.shape
    if dim is None:
        return apply(Squeeze, input, tuple(i for i, s in enumerate(shape) if s == 1))
    nd = len(shape)
    if isinstance(dim, int):
        d = wrap_dim(dim, nd)
        return apply(Squeeze1, input, (d,) if nd and shape[d] == 1 else ())
    dims = wrap_dims(dim, nd)
    return apply(Squeeze2, input, tuple(d for d in dims if nd and shape[d] == 1))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one (a view when possible); 0-d -> 1-D."""
    shape = input._data.shape
    nd = len(shape)
    if nd == 0:
        return reshape(input, (1,))
    s = wrap_dim(start_dim, nd)
    e = wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one ``-1`` allowed)."""
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    sizes = tuple(norm_size((sizes,)))
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = _infer_size(sizes, shape[d])
    except RuntimeError:
        if sizes.count(-1) > 1:
            raise
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({shape[d]}) in the input tensor") from None
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def ravel(input):
    """A flat 1-D tensor (a view when contiguous)."""
    return reshape(input, (-1,))


class Expand(Op):
    name = "ExpandBackward0"
    view = True

    def forward(self, a, shape):
        if math.prod(shape) == a.size:  # only size-1 dims added: a writable view
            return a.reshape(shape)
        return np.broadcast_to(a, shape)

    def backward(self, g):
        return g  # the walk sums the broadcast dims back


def _expand_shape(shape, sizes, x=None):
    nd = len(shape)
    n = len(sizes)
    if n < nd:
        try:
            dt = x.type().split(".")[-1]
        except Exception:
            dt = "Tensor"
        raise RuntimeError(
            f"expand(torch.{dt}{{{list(shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({n}) must be greater or equal to the number of dimensions in the tensor ({nd})")
    out = list(sizes)
    lead = n - nd
    for i in range(n):
        s = sizes[i]
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    f"non-existing dimension {i}")
            continue
        cur = shape[i - lead]
        if s == -1:
            out[i] = cur
        elif cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
        elif s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(sizes)}")
    return tuple(out)


def _expand(self, *sizes):
    """Broadcast size-1 dims to ``sizes`` (``-1`` keeps a dim) without copying: stride 0."""
    sizes = norm_size(sizes)
    shape = self._data.shape
    if sizes == shape:
        return apply(Expand, self, shape)
    return apply(Expand, self, _expand_shape(shape, sizes, self))


def _expand_as(self, other):
    return _expand(self, other._data.shape)


def broadcast_to(input, size):
    return _expand(input, size)


class Slice(Op):
    name = "SliceBackward0"
    view = True

    def forward(self, a, dim, start, stop, step=1):
        self.shape, self.dim, self.idx = a.shape, dim, (_sl,) * dim + (slice(start, stop, step),)
        return a[self.idx]

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        out[self.idx] = g
        return out


def narrow(input, dim, start, length):
    """Elements ``start .. start+length`` of ``dim`` (a view)."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    n = shape[d]
    start = int(start)
    length = int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return apply(Slice, input, d, start, start + length)


def narrow_copy(input, dim, start, length):
    return clone(narrow(input, dim, start, length), memory_format="contiguous_format")


class Select(Op):
    name = "SelectBackward0"
    view = True

    def forward(self, a, dim, index):
        self.shape, self.idx = a.shape, (_sl,) * dim + (index, Ellipsis)
        return a[self.idx]

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        out[self.idx] = g
        return out


def select(input, dim, index):
    """The slice at ``index`` along ``dim``, with that dim removed (a view)."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    index = int(index)
    n = shape[d]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(shape)} at dimension {dim}")
    return apply(Select, input, d, index + n if index < 0 else index)


class Unfold(Op):
    name = "UnfoldBackward0"
    view = True

    def forward(self, a, dim, size, step):
        self.shape, self.dim, self.size, self.step = a.shape, dim, size, step
        st = _elem_strides(a) if a.ndim else [1]
        shape = list(a.shape) if a.ndim else [1]
        n = (shape[dim] - size) // step + 1
        self.n = n
        oshape = shape[:dim] + [n] + shape[dim + 1:] + [size]
        ost = st[:dim] + [st[dim] * step] + st[dim + 1:] + [st[dim]]
        if a.ndim == 0:
            oshape, ost = [size], [1]
        return _strided(a, oshape, ost)

    def backward(self, g):
        if not self.shape:
            return g.reshape(())
        out = np.zeros(self.shape, g.dtype)
        d, n, step = self.dim, self.n, self.step
        for k in range(self.size):
            idx = (_sl,) * d + (slice(k, k + step * (n - 1) + 1, step),)
            out[idx] += g[..., k]
        return out


def _unfold(self, dimension, size, step):
    """Sliding windows of ``size`` every ``step`` along ``dimension``, as a new last dim (a view)."""
    shape = self._data.shape
    d = wrap_dim(dimension, len(shape))
    n = shape[d] if shape else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(Unfold, self, d, size, step)


class Diagonal(Op):
    name = "DiagonalBackward0"
    view = True

    def forward(self, a, offset, d1, d2):
        self.shape = a.shape
        self.geo = _diag_geometry(a.shape, _elem_strides(a), offset, d1, d2)
        return _strided(a, *self.geo[:3])

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        shape, st, off = _diag_geometry(self.shape, _elem_strides(out), *self.geo[3:])[:3]
        if out.size:
            np.ndarray(shape, out.dtype, buffer=out, offset=off * out.itemsize,
                       strides=tuple(s * out.itemsize for s in st))[...] = g
        return out


def _diag_geometry(shape, st, offset, d1, d2):
    n1, n2 = shape[d1], shape[d2]
    if offset >= 0:
        ln = max(min(n1, n2 - offset), 0)
        off = offset * st[d2]
    else:
        ln = max(min(n1 + offset, n2), 0)
        off = -offset * st[d1]
    if ln == 0:
        off = 0
    keep = [i for i in range(len(shape)) if i != d1 and i != d2]
    return ([shape[i] for i in keep] + [ln], [st[i] for i in keep] + [st[d1] + st[d2]], off,
            offset, d1, d2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a new last dim (a view)."""
    nd = input._data.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(Diagonal, input, int(offset), d1, d2)


class AsStrided(Op):
    name = "AsStridedBackward0"
    view = True

    def forward(self, a, size, stride, offset):
        root = _root(a)
        base_off = (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize
        self.ain = (a.shape, _elem_strides(a), base_off)
        self.aout = (size, stride, offset)
        self.n = root.nbytes // a.itemsize
        return _strided(a, size, stride, offset - base_off)

    def backward(self, g):
        store = np.zeros(self.n, g.dtype)
        np.add.at(store, _flat_index(*self.aout), g)
        return store[_flat_index(*self.ain)]


def _flat_index(shape, strides, offset):
    idx = np.full((), offset, np.int64)
    for i, (n, s) in enumerate(zip(shape, strides)):
        idx = idx[..., None] + np.arange(n, dtype=np.int64) * s
    return idx.reshape(tuple(shape))


def as_strided(input, size, stride, storage_offset=None):
    """A view of the storage with explicit ``size``, ``stride`` (elements) and offset."""
    size, stride = tuple(norm_size((size,))), tuple(norm_size((stride,)))
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError("as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{list(stride)}")
    off = input.storage_offset() if storage_offset is None else int(storage_offset)
    a = input._data
    n = _root(a).nbytes // max(a.itemsize, 1)
    need = off + 1 + builtins.sum((sz - 1) * st for sz, st in zip(size, stride)) if all(size) else 0
    if need > n:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, and "
            f"itemsize {a.itemsize} requiring a storage size of {need * a.itemsize} are out of "
            f"bounds for storage of size {n * a.itemsize}")
    return apply(AsStrided, input, size, stride, off)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (ints or sequences); a view."""
    nd = input._data.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)")
    src = tuple(wrap_dim(d, nd) for d in src)
    dst = tuple(wrap_dim(d, nd) for d in dst)
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [None] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(nd) if i not in src)
    order = tuple(o if o is not None else next(rest) for o in order)
    return apply(Permute, input, order)


moveaxis = movedim


class Clone(Op):
    name = "CloneBackward0"

    def forward(self, a, order):
        return np.array(a, copy=True, order=order)

    def backward(self, g):
        return g


def clone(input, *, memory_format=None):
    """A copy with its own storage (layout kept for dense tensors, like preserve_format)."""
    a = input._data
    order = "K"
    if memory_format is not None and "contiguous" in str(memory_format) and "channels" not in str(memory_format):
        order = "C"
    elif 0 in a.strides and a.size > 1:
        order = "C"
    return apply(Clone, input, order)


def _contiguous(self, memory_format=None):
    if self._data.flags.c_contiguous:
        return self
    return apply(Clone, self, "C")


def view_as_real(input):
    """A complex tensor as a real one with a trailing dim of 2 (a view)."""
    a = input._data
    if a.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(ViewAsReal, input)


class ViewAsReal(Op):
    name = "ViewAsRealBackward0"
    view = True

    def forward(self, a):
        r = a[..., None].view(np.float32 if a.dtype == np.complex64 else np.float64)
        return r

    def backward(self, g):
        return g[..., 0] + 1j * g[..., 1]


# ---- joining --------------------------------------------------------------------------

class Cat(Op):
    name = "CatBackward0"
    promote = SAME

    def forward(self, *arrays, dim):
        self.dim = dim
        skip = [a.ndim == 1 and a.shape[0] == 0 for a in arrays]
        if all(skip):
            self.sizes = [0] * len(arrays)
            return np.concatenate(arrays, axis=dim)
        self.sizes = [None if k else a.shape[dim] for a, k in zip(arrays, skip)]
        return np.concatenate([a for a, k in zip(arrays, skip) if not k], axis=dim)

    def backward(self, g):
        out = []
        i = 0
        d = self.dim
        for n in self.sizes:
            if n is None:
                out.append(np.zeros((0,), g.dtype))
                continue
            out.append(g[(_sl,) * d + (slice(i, i + n),)])
            i += n
        return tuple(out)


def cat(tensors, dim=0, *, out=None):
    """Concatenate along ``dim``; dtypes promote; legacy empty 1-D tensors are skipped."""
    if isinstance(tensors, Tensor):
        raise TypeError("cat() received an invalid combination of arguments - got (Tensor), "
                        "expected a tuple or list of Tensors")
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = None
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
        s = x._data.shape
        if not s:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if ref is None and not (len(s) == 1 and s[0] == 0):
            ref = s
    if ref is None:
        ref = tensors[0]._data.shape
    d = wrap_dim(dim, len(ref))
    for i, x in enumerate(tensors):
        s = x._data.shape
        if len(s) == 1 and s[0] == 0:
            continue
        if len(s) != len(ref):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for k in range(len(ref)):
            if k != d and s[k] != ref[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref[k]} "
                    f"but got size {s[k]} for tensor number {i} in the list.")
    r = apply(Cat, *tensors, dim=d)
    if out is not None:
        return _into(out, r)
    return r


def _into(out, r):
    out._data = np.array(r._data, copy=True) if out._data.shape != r._data.shape else out._data
    out._data[...] = r._data
    out._bump()
    return out


concat = concatenate = cat


class Stack(Op):
    name = "StackBackward0"
    promote = SAME

    def forward(self, *arrays, dim):
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.moveaxis(g, self.dim, 0))


def stack(tensors, dim=0, *, out=None):
    """Join same-shaped tensors along a new dim ``dim``."""
    tensors = tuple(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != ref:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref)} at entry 0 and "
                f"{list(x._data.shape)} at entry {i}")
    r = apply(Stack, *tensors, dim=wrap_dim(dim, len(ref) + 1))
    return _into(out, r) if out is not None else r


def _each(fn, tensors):
    """``atleast_Nd(a, b)`` / ``atleast_Nd([a, b])``: ``fn`` on each, as a tuple; None for one tensor."""
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        return tuple(fn(x) for x in tensors[0])
    if len(tensors) > 1:
        return tuple(fn(x) for x in tensors)
    return None


def atleast_1d(*tensors):
    many = _each(atleast_1d, tensors)
    if many is not None:
        return many
    x = tensors[0]
    return reshape(x, (1,)) if x._data.ndim == 0 else x


def atleast_2d(*tensors):
    many = _each(atleast_2d, tensors)
    if many is not None:
        return many
    x = tensors[0]
    nd = x._data.ndim
    if nd == 0:
        return reshape(x, (1, 1))
    return unsqueeze(x, 0) if nd == 1 else x


def atleast_3d(*tensors):
    """0-d -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1), as PyTorch."""
    many = _each(atleast_3d, tensors)
    if many is not None:
        return many
    x = tensors[0]
    nd = x._data.ndim
    if nd == 0:
        return reshape(x, (1, 1, 1))
    if nd == 1:
        return unsqueeze(unsqueeze(x, 0), -1)
    return unsqueeze(x, -1) if nd == 2 else x


def hstack(tensors, *, out=None):
    ts = atleast_1d(tuple(tensors))
    r = cat(ts, 0 if ts and ts[0]._data.ndim == 1 else 1)
    return _into(out, r) if out is not None else r


def vstack(tensors, *, out=None):
    r = cat(atleast_2d(tuple(tensors)), 0)
    return _into(out, r) if out is not None else r


row_stack = vstack


def dstack(tensors, *, out=None):
    r = cat(atleast_3d(tuple(tensors)), 2)
    return _into(out, r) if out is not None else r


def column_stack(tensors, *, out=None):
    ts = tuple(reshape(x, (x._data.size, 1)) if x._data.ndim <= 1 else x for x in tensors)
    r = cat(ts, 1)
    return _into(out, r) if out is not None else r


# ---- splitting ------------------------------------------------------------------------

class Split(Op):
    name = "SplitBackward0"
    view = True

    def forward(self, a, dim, bounds):
        self.shape, self.dim, self.bounds = a.shape, dim, bounds
        pre = (_sl,) * dim
        return tuple(a[pre + (slice(s, e),)] for s, e in bounds)

    def backward(self, *gs):
        out = np.zeros(self.shape, gs[0].dtype)
        pre = (_sl,) * self.dim
        for (s, e), g in zip(self.bounds, gs):
            out[pre + (slice(s, e),)] += g
        return out


class SplitWithSizes(Split):
    name = "SplitWithSizesBackward0"


class TensorSplit(Split):
    name = "SliceBackward0"


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (last may be smaller), or of the listed sizes; views."""
    shape = tensor._data.shape
    d = wrap_dim(dim, len(shape))
    n = shape[d] if shape else 0
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if isinstance(split_size_or_sections, Tensor) and split_size_or_sections.ndim == 0:
        split_size_or_sections = int(split_size_or_sections.item())
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and n != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        k = builtins.max((n + s - 1) // s, 1) if s else 1
        bounds = tuple((i * s, builtins.min((i + 1) * s, n)) for i in range(k))
        return apply(Split, tensor, d, bounds)
    sizes = [int(x) for x in split_size_or_sections]
    if builtins.sum(sizes) != n or any(x < 0 for x in sizes):
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
            f"dimension {d}), but got split_sizes={sizes}")
    bounds = []
    i = 0
    for x in sizes:
        bounds.append((i, i + x))
        i += x
    return apply(SplitWithSizes, tensor, d, tuple(bounds))


def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


def chunk(input, chunks, dim=0):
    """Up to ``chunks`` equal pieces along ``dim`` (views)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = shape[wrap_dim(dim, len(shape))]
    return split(input, (n + chunks - 1) // chunks, dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``sections`` near-equal parts or at ``indices`` along ``dim`` (views)."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = wrap_dim(dim, len(shape))
    n = shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.dtype is not D.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have Long dtype, "
                               f"but got {ios.dtype}")
        if ios.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional "
                               f"or one-dimensional tensor, but got a tensor with {ios.ndim} dims")
        ios = int(ios.item()) if ios.ndim == 0 else ios.tolist()
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(n, ios)
        bounds = []
        i = 0
        for k in range(ios):
            sz = q + (1 if k < r else 0)
            bounds.append((i, i + sz))
            i += sz
    else:
        idx = [int(x) for x in ios]
        bounds = []
        prev = 0
        for x in idx + [n]:
            x = x + n if x < 0 else x
            x = builtins.min(builtins.max(x, 0), n)
            bounds.append((builtins.min(prev, n), builtins.max(x, builtins.min(prev, n))))
            prev = x
    return apply(TensorSplit, input, d, tuple(bounds))


def _axis_split(input, ios, dim, name, need):
    nd = input._data.ndim
    if nd < need:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {need} dimension, but got a tensor with "
            f"{nd} dimensions!")
    if isinstance(ios, int):
        n = input._data.shape[dim]
        if ios == 0 or n % ios:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {n} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections):
    return _axis_split(input, indices_or_sections, 1 if input._data.ndim > 1 else 0, "hsplit", 1)


def vsplit(input, indices_or_sections):
    return _axis_split(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    return _axis_split(input, indices_or_sections, 2, "dsplit", 3)


class Unbind(Op):
    name = "UnbindBackward0"
    view = True

    def forward(self, a, dim):
        self.dim = dim
        if dim:
            a = np.moveaxis(a, dim, 0)
        if a.ndim == 1:
            return tuple(a[i, ...] for i in range(a.shape[0]))
        return tuple(a)

    def backward(self, *gs):
        return np.stack(gs, axis=self.dim)


def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple of views."""
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return apply(Unbind, input, dim if dim == 0 else wrap_dim(dim, nd))


# ---- repeating, flipping, rolling ----------------------------------------------------

class Repeat(Op):
    name = "RepeatBackward0"

    def forward(self, a, reps):
        self.shape, self.reps = a.shape, reps
        lead = len(reps) - a.ndim
        self.full = (1,) * lead + a.shape
        return np.tile(a.reshape(self.full), reps)

    def backward(self, g):
        inter = []
        for r, s in zip(self.reps, self.full):
            inter += [r, s]
        g = g.reshape(inter).sum(axis=tuple(range(0, len(inter), 2)))
        return g.reshape(self.shape)


def _repeat(self, *sizes):
    """Tile the tensor ``sizes`` times along each dim (copies)."""
    sizes = norm_size(sizes)
    if len(sizes) < self._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {list(sizes)}")
    return apply(Repeat, self, sizes)


def tile(input, dims):
    dims = norm_size((dims,)) if not isinstance(dims, int) else (dims,)
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + tuple(dims)
    return apply(Repeat, input, tuple(dims))


def _tile_method(self, *dims):
    return tile(self, norm_size(dims))


class RepeatInterleave(Op):
    name = "IndexSelectBackward0"

    def forward(self, a, reps, dim):
        self.shape, self.reps, self.dim = a.shape, reps, dim
        return np.repeat(a, reps, axis=dim)

    def backward(self, g):
        idx = np.repeat(np.arange(self.shape[self.dim]), self.reps)
        out = np.zeros(self.shape, g.dtype)
        np.add.at(np.moveaxis(out, self.dim, 0), idx, np.moveaxis(g, self.dim, 0))
        return out


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (int or per-element tensor) along ``dim``."""
    if repeats is None:  # repeat_interleave(repeats): indices repeated
        r = input._data
        if r.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        return _wrap(np.repeat(np.arange(r.shape[0] if r.ndim else 1, dtype=np.int64), r.reshape(-1)))
    if dim is None:
        input = reshape(input, (-1,))
        d = 0
    else:
        d = wrap_dim(dim, input._data.ndim)
        if input._data.ndim == 0:
            input = reshape(input, (1,))
    n = input._data.shape[d]
    if isinstance(repeats, Tensor):
        r = repeats._data
        if r.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if r.dtype.kind not in "iu":
            raise RuntimeError("repeats has to be Long or Int tensor")
        if r.size == 1:
            r = int(r.reshape(-1)[0])
        elif r.shape[0] != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {r.shape[0]} and input.size({d}) = {n}")
        else:
            r = r.astype(np.int64)
    else:
        r = int(repeats)
    if np.any(np.asarray(r) < 0):
        raise RuntimeError("repeats can not be negative")
    return apply(RepeatInterleave, input, r, d)


class Flip(Op):
    name = "FlipBackward0"

    def forward(self, a, dims):
        self.dims = dims
        return np.flip(a, dims).copy() if dims else a.copy()

    def backward(self, g):
        return np.flip(g, self.dims) if self.dims else g


def flip(input, *dims):
    """Reverse the order along ``dims`` (a copy, as PyTorch)."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return apply(Flip, input, wrap_dims(dims, input._data.ndim))


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return apply(Flip, input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return apply(Flip, input, (0,))


class Roll(Op):
    name = "RollBackward0"

    def forward(self, a, shifts, dims):
        self.shifts, self.dims = shifts, dims
        if dims is None:
            return np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return np.roll(a, shifts, dims)

    def backward(self, g):
        neg = tuple(-s for s in self.shifts)
        if self.dims is None:
            return np.roll(g.reshape(-1), neg[0]).reshape(g.shape)
        return np.roll(g, neg, self.dims)


def roll(input, shifts, dims=None):
    """Rotate elements by ``shifts`` along ``dims`` (the flattened tensor when None)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return apply(Roll, input, shifts, None)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    nd = input._data.ndim
    return apply(Roll, input, shifts, tuple(wrap_dim(d, nd) for d in dims))


class Rot90(Op):
    name = "Rot90Backward0"

    def forward(self, a, k, dims):
        self.k, self.dims = k, dims
        return np.ascontiguousarray(np.rot90(a, k, dims))

    def backward(self, g):
        return np.rot90(g, -self.k, self.dims)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane ``dims`` (from dims[0] towards dims[1])."""
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return apply(Rot90, input, k % 4, (d0, d1))


# ---- broadcasting and grids -----------------------------------------------------------

def broadcast_shapes(*shapes):
    """The broadcast shape of ``shapes``; RuntimeError on a mismatch."""
    out = []
    for s in shapes:
        s = (s,) if isinstance(s, int) else tuple(s)
        if len(s) > len(out):
            out = [1] * (len(s) - len(out)) + out
        off = len(out) - len(s)
        for i, n in enumerate(s):
            m = out[off + i]
            if m == 1:
                out[off + i] = n
            elif n != 1 and n != m:
                raise RuntimeError(
                    f"Shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                    f"between arg 0 and arg 1.")
    from .._tensor import Size

    return Size(out)


def broadcast_tensors(*tensors):
    """Expand tensors to their common shape (views)."""
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    out = ()
    for i, x in enumerate(tensors):
        s = x._data.shape
        if len(s) > len(out):
            out = (1,) * (len(s) - len(out)) + out
        off = len(out) - len(s)
        o = list(out)
        for k, n in enumerate(s):
            m = o[off + k]
            if m == 1:
                o[off + k] = n
            elif n != 1 and n != m:
                raise RuntimeError(
                    f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                    f"non-singleton dimension {off + k}")
        out = tuple(o)
    return tuple(apply(Expand, x, out) for x in tensors)


_meshgrid_warned = False


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors; ``indexing`` 'ij' (default) or 'xy'. Views."""
    global _meshgrid_warned
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    if indexing is None:
        if not _meshgrid_warned:
            _meshgrid_warned = True
            warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                          "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for x in tensors:
        if x._data.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {x}")
        if x.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    n = len(tensors)
    swap = indexing == "xy" and n >= 2
    ts = list(tensors)
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    sizes = tuple(x._data.size for x in ts)
    outs = []
    for i, x in enumerate(ts):
        shape = [1] * n
        shape[i] = sizes[i]
        outs.append(apply(Expand, apply(View, x, tuple(shape)), sizes))
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return tuple(outs)


class BlockDiag(Op):
    name = "BlockDiagBackward0"
    promote = SAME

    def forward(self, *arrays):
        mats = [a.reshape(1, 1) if a.ndim == 0 else a.reshape(1, -1) if a.ndim == 1 else a for a in arrays]
        self.shapes = [a.shape for a in arrays]
        r = builtins.sum(m.shape[0] for m in mats)
        c = builtins.sum(m.shape[1] for m in mats)
        out = np.zeros((r, c), mats[0].dtype if mats else np.float32)
        self.spans = []
        i = j = 0
        for m in mats:
            out[i:i + m.shape[0], j:j + m.shape[1]] = m
            self.spans.append((i, j, m.shape[0], m.shape[1]))
            i += m.shape[0]
            j += m.shape[1]
        return out

    def backward(self, g):
        return tuple(g[i:i + a, j:j + b].reshape(s) for (i, j, a, b), s in zip(self.spans, self.shapes))


def block_diag(*tensors):
    """A block-diagonal matrix from 0-D, 1-D and 2-D tensors."""
    for i, x in enumerate(tensors):
        if x._data.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                f"{x._data.ndim} dimensions")
    if not tensors:
        return _wrap(np.zeros((1, 0), np.float32))
    return apply(BlockDiag, *tensors)


# ---- Tensor methods -------------------------------------------------------------------

# ---- more joins and regroupings ---------------------------------------------------------

def split_with_sizes(input, split_sizes, dim=0):
    return split(input, list(split_sizes), dim)


def cartesian_prod(*tensors):
    """All tuples from 1-D tensors, one per row (a single tensor comes back as it is)."""
    for x in tensors:
        if x.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """Length-``r`` combinations of a 1-D tensor's elements, one per row (as itertools)."""
    import itertools

    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(np.empty((0,), input._data.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return stack([input[_wrap(idx[:, j].copy())] for j in range(r)], 1)


def channel_shuffle(input, groups):
    """Interleave the channels of ``groups`` groups: (N, g*k, ...) -> groups transposed."""
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with sizes {list(input.shape)}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{groups} groups.")
    shape = tuple(input.shape)
    x = input.reshape((shape[0], groups, c // groups) + shape[2:])
    return x.transpose(1, 2).reshape(shape)


def constant_pad_nd(input, pad, value=0):
    from .sampling import pad as _pad

    return _pad(input, pad, "constant", value)


# ---- adjoint, complex views, unsafe_* aliases, *_copy forms ------------------------------

def adjoint(input):
    return _mH(input)


class ViewAsComplex(Op):
    name = "ViewAsComplexBackward0"
    view = True

    def forward(self, a):
        return a.view(np.complex64 if a.dtype == np.float32 else np.complex128)[..., 0]

    def backward(self, g):
        return np.stack((g.real, g.imag), -1)


def view_as_complex(input):
    """A float tensor with a trailing dim of 2 as a complex one (a view)."""
    a = input._data
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but got "
                           f"a tensor of scalar type: {D.scalar_type_name(input.dtype)}")
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    return apply(ViewAsComplex, input)


def unsafe_split(input, split_size, dim=0):
    return split(input, split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return split_with_sizes(input, split_sizes, dim)


def unsafe_chunk(input, chunks, dim=0):
    return chunk(input, chunks, dim)


def _slice(input, dim=0, start=None, end=None, step=1):
    return input[(_sl,) * wrap_dim(dim, input.ndim) + (slice(start, end, step),)]


def _copying(fn, name):
    """``name(...)``: ``fn(...)`` as a new tensor (or tuple of them) that shares no storage."""
    def f(*args, **kwargs):
        r = fn(*args, **kwargs)
        return tuple(t.clone() for t in r) if isinstance(r, tuple) else r.clone()
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Like ``{fn.__name__}`` but returns a copy, not a view."
    return f


_COPIES = {
    "alias_copy": lambda input: input, "detach_copy": lambda input: input.detach(),
    "diagonal_copy": diagonal, "expand_copy": lambda input, size, *, implicit=False: _expand(input, size),
    "permute_copy": permute, "select_copy": select, "slice_copy": _slice, "split_copy": split,
    "split_with_sizes_copy": split_with_sizes, "squeeze_copy": squeeze, "t_copy": t,
    "transpose_copy": transpose, "unbind_copy": unbind, "unfold_copy": _unfold,
    "unsqueeze_copy": unsqueeze, "view_copy": _view, "as_strided_copy": as_strided,
    "view_as_real_copy": view_as_real, "view_as_complex_copy": view_as_complex,
}
globals().update({n: _copying(f, n) for n, f in _COPIES.items()})


def _flip_method(self, *dims):
    return flip(self, *dims)


def _permute_method(self, *dims):
    return permute(self, *dims)


Tensor.view = _view
Tensor.view_as = _view_as
Tensor.reshape = reshape
Tensor.reshape_as = _reshape_as
Tensor.permute = _permute_method
Tensor.transpose = transpose
Tensor.swapaxes = Tensor.swapdims = transpose
Tensor.t = t
Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.mH = property(_mH)
Tensor.H = property(_H)
Tensor.unsqueeze = unsqueeze
Tensor.squeeze = squeeze
Tensor.flatten = flatten
Tensor.unflatten = unflatten
Tensor.ravel = ravel
Tensor.expand = _expand
Tensor.expand_as = _expand_as
Tensor.broadcast_to = broadcast_to
Tensor.narrow = narrow
Tensor.narrow_copy = narrow_copy
Tensor.select = select
Tensor.unfold = _unfold
Tensor.diagonal = diagonal
Tensor.as_strided = as_strided
Tensor.movedim = Tensor.moveaxis = movedim
Tensor.contiguous = _contiguous
Tensor.clone = clone
Tensor.split = _split_method
Tensor.tensor_split = tensor_split
Tensor.hsplit = hsplit
Tensor.vsplit = vsplit
Tensor.dsplit = dsplit
Tensor.chunk = chunk
Tensor.unbind = unbind
Tensor.repeat = _repeat
Tensor.repeat_interleave = repeat_interleave
Tensor.tile = _tile_method
Tensor.flip = _flip_method
Tensor.fliplr = fliplr
Tensor.flipud = flipud
Tensor.roll = roll
Tensor.rot90 = rot90


# ---- in-place shape changes: x.unsqueeze_(0), x.t_(), x.resize_(...) -----------------------

def _inplace_shape(name):
    out_of_place = getattr(Tensor, name)

    def method(self, *args, **kwargs):
        from ..autograd import grad_mode

        if grad_mode.enabled and self._rg and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        r = out_of_place(self, *args, **kwargs)
        self._data = r._data
        if r.grad_fn is not None:
            self.grad_fn, self._out_idx = r.grad_fn, r._out_idx
        return self
    method.__name__ = name + "_"
    return method


for _name in ("squeeze", "unsqueeze", "t", "transpose", "swapaxes", "swapdims"):
    setattr(Tensor, _name + "_", _inplace_shape(_name))


def _resize_(self, *sizes, memory_format=None):
    """Change the shape in place, keeping the leading elements (new ones uninitialised)."""
    if self._rg:
        raise RuntimeError("cannot resize variables that require grad")
    shape = norm_size(sizes)
    n = 1
    for s in shape:
        n *= s
    flat = np.ascontiguousarray(self._data).reshape(-1)
    if n <= flat.size:
        self._data = flat[:n].reshape(shape)
    else:
        new = np.empty(n, self._data.dtype)
        new[:flat.size] = flat
        self._data = new.reshape(shape)
    self._bump()
    return self


def _resize_as_(self, other, memory_format=None):
    return _resize_(self, tuple(other.shape))


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal in place (all dims equal, or a tall 2-D matrix with ``wrap``)."""
    a = self._data
    if a.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if a.ndim > 2 and len(set(a.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    from ._apply import _check_inplace
    from ..autograd import grad_mode

    if grad_mode.enabled:
        _check_inplace(self)
    np.fill_diagonal(a, fill_value, wrap=wrap)
    self._bump()
    return self


Tensor.resize_ = _resize_
Tensor.resize_as_ = _resize_as_
Tensor.fill_diagonal_ = _fill_diagonal_
Tensor.split_with_sizes = split_with_sizes
Tensor.adjoint = adjoint
Tensor.unsafe_split = unsafe_split
Tensor.unsafe_split_with_sizes = unsafe_split_with_sizes
Tensor.unsafe_chunk = unsafe_chunk
