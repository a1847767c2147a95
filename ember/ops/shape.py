"""Shape ops that are views: view, reshape, permute, transpose, expand, squeeze, narrow,
select, diagonal, as_strided, ...; and the in-place shape changes (``unsqueeze_``, ``resize_``).

Views set ``view = True`` and return a NumPy view of input 0, so writes through the
view reach the base and the two share a version counter. Forward and backward side
by side on raw arrays; broadcast-shaped grads are summed back by the backward walk."""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _root, _wrap, tensor_method, tensor_property
from . import _apply
from ._apply import Op, apply, linear_backward_ops, norm_size, wrap_dim, wrap_dims
from ._strides import _VIEW_MSG, _compute_stride, _elem_strides, _infer_size, _sl, _strided, _view_array

__all__ = ["reshape", "permute", "transpose", "swapaxes", "swapdims", "t",
           "unsqueeze", "squeeze", "flatten", "unflatten", "broadcast_to", "narrow", "select",
           "diagonal", "as_strided", "movedim", "moveaxis", "clone", "ravel", "narrow_copy"]


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

    def backward_ops(self, g):
        return g.reshape(self.shape)


class UnsafeView(Op):
    name = "UnsafeViewBackward0"

    def forward(self, a, shape):
        self.shape = a.shape
        return np.ascontiguousarray(a).reshape(_infer_size(shape, a.size))

    def backward(self, g):
        return g.reshape(self.shape)

    def backward_ops(self, g):
        return g.reshape(self.shape)


class Reshape(View):
    """``reshape`` as a trace records it (``aten::reshape``): a view when the strides of the
    input it runs on allow one, else a contiguous copy; eager ``reshape`` picks View or
    UnsafeView itself."""

    def forward(self, a, shape):
        try:
            return View.forward(self, a, shape)
        except RuntimeError as e:
            if str(e) != _VIEW_MSG:
                raise
            self.shape = a.shape
            return np.ascontiguousarray(a).reshape(_infer_size(shape, a.size))


def _shape(t):
    """``t``'s shape; while a trace records, the sizes it reads are recorded (``jit._sym``)."""
    return tuple(t.shape) if _apply._observers else t._data.shape


def _shape_of(shape):
    if len(shape) == 1:
        s = shape[0]
        if type(s) is tuple:
            return s
        if not isinstance(s, int):
            return norm_size(shape)
    return shape


@tensor_method("view")
def _view(self, *shape, dtype=None) -> Tensor:
    """View the same storage with another shape (``-1`` inferred) or as another ``dtype``.

    Example:
        >>> torch.arange(6).view(3, 2)
        tensor([[0, 1],
                [2, 3],
                [4, 5]])
        >>> torch.tensor([1.]).view(torch.int32)
        tensor([1065353216], dtype=torch.int32)
    """
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


@tensor_method()
def reshape(input, *shape) -> Tensor:
    """A view when the strides allow it (as ``view``), else a contiguous copy.

    Example:
        >>> torch.arange(6).reshape(2, -1)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    shape = _shape_of(shape)
    if _apply._observers:   # recording: the replay decides on each new input's strides
        return apply(Reshape, input, shape)
    a = input._data
    if a.flags.c_contiguous:
        return apply(View, input, shape)
    # the op keeps ``-1``: a traced reshape infers it again from the new input's size
    if _compute_stride(a.shape, _elem_strides(a), _infer_size(shape, a.size)) is not None:
        return apply(View, input, shape)
    return apply(UnsafeView, input, shape)


@tensor_method("view_as")
def _view_as(self, other) -> Tensor:
    """``self.view(other.size())``.

    Example:
        >>> torch.arange(6).view_as(torch.zeros(2, 3))
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    return apply(View, self, _shape(other))


@tensor_method("reshape_as")
def _reshape_as(self, other) -> Tensor:
    """``self.reshape(other.size())``.

    Example:
        >>> torch.arange(4).reshape_as(torch.zeros(2, 2))
        tensor([[0, 1],
                [2, 3]])
    """
    return reshape(self, _shape(other))


class Permute(Op):
    name = "PermuteBackward0"
    view = True

    def forward(self, a, dims):
        self.dims = dims
        return a.transpose(dims)

    def backward(self, g):
        return g.transpose(np.argsort(self.dims))

    def backward_ops(self, g):
        return g.permute(tuple(int(i) for i in np.argsort(self.dims)))


def permute(input, *dims) -> Tensor:
    """Reorder the dimensions (a view).

    Example:
        >>> torch.permute(torch.zeros(2, 3, 4), (2, 0, 1)).shape
        torch.Size([4, 2, 3])
    """
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
        return a.swapaxes(d0, d1) if a.ndim else a[...]

    def backward(self, g):
        return g.swapaxes(*self.d) if g.ndim else g

    def backward_ops(self, g):
        return g.transpose(*self.d) if g.ndim > 1 else g   # t() of a 0-d or 1-d tensor is itself


@tensor_method()
def transpose(input, dim0, dim1) -> Tensor:
    """Swap two dimensions (a view).

    Example:
        >>> torch.zeros(2, 3, 4).transpose(0, 2).shape
        torch.Size([4, 3, 2])
    """
    nd = input._data.ndim
    if not (0 <= dim0 < nd and 0 <= dim1 < nd):
        dim0, dim1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    return apply(Transpose, input, dim0, dim1)


swapaxes = swapdims = transpose
tensor_method("swapaxes")(swapaxes)
tensor_method("swapdims")(swapdims)


class TOp(Transpose):
    name = "TBackward0"

    def forward(self, a, d0, d1):
        self.d = (d0, d1)
        return a.swapaxes(d0, d1) if a.ndim == 2 else a[...]

    def backward(self, g):
        return g.swapaxes(*self.d) if g.ndim == 2 else g


@tensor_method()
def t(input) -> Tensor:
    """Transpose a <= 2-D tensor (0-D and 1-D come back as they are).

    Example:
        >>> torch.tensor([[1, 2, 3]]).t()
        tensor([[1],
                [2],
                [3]])
    """
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return apply(TOp, input, 0, 1)


@tensor_property("T")
def _T(self):
    """The tensor with its dimensions reversed (a 2-D tensor's transpose).

    Example:
        >>> torch.tensor([[1, 2], [3, 4]]).T
        tensor([[1, 3],
                [2, 4]])
    """
    nd = self._data.ndim
    if nd != 2:
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return apply(Permute, self, tuple(range(nd - 1, -1, -1)))


@tensor_property("mT")
def _mT(self):
    """The transpose of the last two dimensions (batches of matrices).

    Example:
        >>> torch.zeros(5, 2, 3).mT.shape
        torch.Size([5, 3, 2])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.conj(u)


@tensor_property("mH")
def _mH(self):
    """The conjugate transpose of the last two dimensions.

    Example:
        >>> torch.tensor([[1 + 1j, 2]]).mH
        tensor([[1.-1.j],
                [2.-0.j]])
    """
    nd = self._data.ndim
    if nd < 2:
        raise RuntimeError(
            f"tensor.mH is only supported on matrices or batches of matrices. Got {nd}-D tensor.")
    x = apply(Conj, self) if self._data.dtype.kind == "c" else self
    return apply(Transpose, x, nd - 2, nd - 1)


@tensor_property("H")
def _H(self):
    """The conjugate transpose of a 2-D tensor.

    Example:
        >>> torch.tensor([[1j, 2]]).H
        tensor([[0.-1.j],
                [2.-0.j]])
    """
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

    def backward_ops(self, g):
        return g.squeeze(self.d)


@tensor_method()
def unsqueeze(input, dim) -> Tensor:
    """Insert a size-1 dimension at ``dim`` (a view).

    Example:
        >>> torch.tensor([1, 2]).unsqueeze(1)
        tensor([[1],
                [2]])
    """
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

    def backward_ops(self, g):
        return g.reshape(self.shape)


class Squeeze1(Squeeze):
    name = "SqueezeBackward1"


class Squeeze2(Squeeze):
    name = "SqueezeBackward2"


@tensor_method()
def squeeze(input, dim=None) -> Tensor:
    """Drop size-1 dims (all, one, or a tuple of them); non-1 dims are left alone.

    Example:
        >>> torch.zeros(2, 1, 3, 1).squeeze().shape, torch.zeros(2, 1, 3, 1).squeeze(1).shape
        (torch.Size([2, 3]), torch.Size([2, 3, 1]))
    """
    shape = input._data.shape
    if dim is None:
        return apply(Squeeze, input, tuple(i for i, s in enumerate(shape) if s == 1))
    nd = len(shape)
    if isinstance(dim, int):
        d = wrap_dim(dim, nd)
        return apply(Squeeze1, input, (d,) if nd and shape[d] == 1 else ())
    dims = wrap_dims(dim, nd)
    return apply(Squeeze2, input, tuple(d for d in dims if nd and shape[d] == 1))


@tensor_method()
def flatten(input, start_dim=0, end_dim=-1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a view when possible); 0-d -> 1-D.

    Example:
        >>> torch.zeros(2, 3, 4).flatten(1).shape
        torch.Size([2, 12])
    """
    shape = _shape(input)
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


@tensor_method()
def unflatten(input, dim, sizes) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one ``-1`` allowed).

    Example:
        >>> torch.zeros(2, 12).unflatten(1, (3, 4)).shape
        torch.Size([2, 3, 4])
    """
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


@tensor_method()
def ravel(input) -> Tensor:
    """A flat 1-D tensor (a view when contiguous).

    Example:
        >>> torch.tensor([[1, 2], [3, 4]]).ravel()
        tensor([1, 2, 3, 4])
    """
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

    backward_ops = backward   # g times constants: the same formula runs on tensors


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


@tensor_method("expand")
def _expand(self, *sizes) -> Tensor:
    """Broadcast size-1 dims to ``sizes`` (``-1`` keeps a dim) without copying: stride 0.

    Example:
        >>> torch.tensor([[1], [2]]).expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    sizes = norm_size(sizes)
    shape = _shape(self)    # a traced -1 keeps reading the input's size
    if sizes == shape:
        return apply(Expand, self, shape)
    return apply(Expand, self, _expand_shape(shape, sizes, self))


@tensor_method("expand_as")
def _expand_as(self, other) -> Tensor:
    """``self.expand(other.size())``.

    Example:
        >>> torch.tensor([1, 2]).expand_as(torch.zeros(2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return _expand(self, _shape(other))


@tensor_method()
def broadcast_to(input, size) -> Tensor:
    """``input`` broadcast to ``size`` as a view (``expand``).

    Example:
        >>> torch.broadcast_to(torch.tensor([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return u[self.idx]


@tensor_method()
def narrow(input, dim, start, length) -> Tensor:
    """Elements ``start .. start+length`` of ``dim`` (a view).

    Example:
        >>> torch.arange(10).narrow(0, 2, 3)
        tensor([2, 3, 4])
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, len(shape))
    n = shape[d]
    start = start if isinstance(start, int) else int(start)     # keeps a traced size read
    length = length if isinstance(length, int) else int(length)
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return u[self.idx]


@tensor_method()
def select(input, dim, index) -> Tensor:
    """The slice at ``index`` along ``dim``, with that dim removed (a view).

    Example:
        >>> torch.arange(6).view(2, 3).select(1, 0)
        tensor([0, 3])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        if not self.shape:
            return u.reshape(1)[:self.size].copy()
        w = np.lib.stride_tricks.sliding_window_view(u, self.size, axis=self.dim)
        return w[(_sl,) * self.dim + (slice(None, None, self.step),)].copy()


@tensor_method("unfold")
def _unfold(self, dimension, size, step) -> Tensor:
    """Sliding windows of ``size`` every ``step`` along ``dimension``, as a new last dim (a view).

    Example:
        >>> torch.arange(6.).unfold(0, 2, 2)
        tensor([[0., 1.],
                [2., 3.],
                [4., 5.]])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.diagonal(u, *self.geo[3:]).copy()


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


@tensor_method()
def diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor:
    """The diagonal of the (dim1, dim2) planes, as a new last dim (a view).

    Example:
        >>> torch.arange(9).view(3, 3).diagonal(offset=1)
        tensor([1, 5])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        store = np.zeros(self.n, u.dtype)
        store[_flat_index(*self.ain)] = u
        return store[_flat_index(*self.aout)]


def _flat_index(shape, strides, offset):
    idx = np.full((), offset, np.int64)
    for _i, (n, s) in enumerate(zip(shape, strides)):
        idx = idx[..., None] + np.arange(n, dtype=np.int64) * s
    return idx.reshape(tuple(shape))


@tensor_method()
def as_strided(input, size, stride, storage_offset=None) -> Tensor:
    """A view of the storage with explicit ``size``, ``stride`` (elements) and offset.

    Example:
        >>> torch.arange(6.).as_strided((2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    size, stride = tuple(norm_size((size,))), tuple(norm_size((stride,)))
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
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


@tensor_method()
def movedim(input, source, destination) -> Tensor:
    """Move dims ``source`` to positions ``destination`` (ints or sequences); a view.

    Example:
        >>> torch.zeros(2, 3, 4).movedim(0, -1).shape
        torch.Size([3, 4, 2])
    """
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


moveaxis = tensor_method("moveaxis")(movedim)


class Clone(Op):
    name = "CloneBackward0"

    def forward(self, a, order):
        return np.array(a, copy=True, order=order)

    def backward(self, g):
        return g

    backward_ops = backward   # g times constants: the same formula runs on tensors


@tensor_method()
def clone(input, *, memory_format=None) -> Tensor:
    """A copy with its own storage (layout kept for dense tensors, like preserve_format).

    Example:
        >>> x = torch.tensor([1., 2.]); y = x.clone(); y[0] = 5.; x
        tensor([1., 2.])
    """
    a = input._data
    order = "K"
    if memory_format is not None and "contiguous" in str(memory_format) and "channels" not in str(memory_format):
        order = "C"
    elif 0 in a.strides and a.size > 1:
        order = "C"
    return apply(Clone, input, order)


@tensor_method("contiguous")
def _contiguous(self, memory_format=None) -> Tensor:
    """A tensor with the same values laid out in row-major order (``self`` when it already is).

    Example:
        >>> x = torch.zeros(2, 3).t()
        >>> x.is_contiguous(), x.contiguous().is_contiguous()
        (False, True)
    """
    if self._data.flags.c_contiguous:
        return self
    return apply(Clone, self, "C")


@tensor_method("permute")
def _permute_method(self, *dims) -> Tensor:
    """``torch.permute(self, dims)``: the dimensions reordered, as a view.

    Example:
        >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
    """
    return permute(self, *dims)


# ---- in-place shape changes: x.unsqueeze_(0), x.t_(), x.resize_(...) -----------------------

def _inplace_shape(name):
    out_of_place = getattr(Tensor, name)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        from ..autograd import grad_mode

        if grad_mode.enabled and self._rg and self.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        r = out_of_place(self, *args, **kwargs)
        self._data = r._data
        if r.grad_fn is not None:
            self.grad_fn, self._out_idx = r.grad_fn, r._out_idx
        return self
    method.__name__ = name + "_"
    method.__doc__ = f"In-place :meth:`{name}`: ``self`` takes the new shape (and strides) and is returned."
    return method


@tensor_method("resize_")
def _resize_(self, *sizes, memory_format=None) -> Tensor:
    """Change the shape in place, keeping the leading elements (new ones uninitialised).

    Example:
        >>> torch.arange(6.).resize_(2, 2)
        tensor([[0., 1.],
                [2., 3.]])
    """
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


@tensor_method("resize_as_")
def _resize_as_(self, other, memory_format=None) -> Tensor:
    """Resizes ``self`` in place to ``other``'s size.

    Example:
        >>> torch.zeros(4).resize_as_(torch.zeros(2, 2)).shape
        torch.Size([2, 2])
    """
    return _resize_(self, tuple(other.shape))


for _name in ("squeeze", "unsqueeze", "t", "transpose", "swapaxes", "swapdims"):
    tensor_method(_name + "_")(_inplace_shape(_name))
del _name
