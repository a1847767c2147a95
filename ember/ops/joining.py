"""Joining, splitting, repeating, flipping, rolling: cat, stack, split, chunk, unbind, repeat,
tile, flip, roll, and the ``*_copy`` forms (broadcasting and grids live in grids.py)."""

from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import SAME, Op, apply, linear_backward_ops, norm_size, wrap_dim, wrap_dims
from ._strides import _sl
from .complex import view_as_complex, view_as_real
from .shape import (
    _expand,
    _unfold,
    _view,
    as_strided,
    diagonal,
    permute,
    reshape,
    select,
    squeeze,
    t,
    transpose,
    unsqueeze,
)

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
           "row_stack", "split", "tensor_split", "chunk", "unbind", "hsplit", "vsplit", "dsplit",
           "repeat_interleave", "tile", "flip", "fliplr", "flipud", "roll", "rot90",
           "atleast_1d", "atleast_2d", "atleast_3d", "split_with_sizes", "channel_shuffle",
           "constant_pad_nd", "unsafe_split", "unsafe_split_with_sizes", "unsafe_chunk"]


# ---- joining --------------------------------------------------------------------------

class Cat(Op):
    name = "CatBackward0"
    promote = SAME
    unsigned = True   # PyTorch has this kernel for uint16/32/64

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

    def backward_ops(self, g):
        out, i, pre = [], 0, (slice(None),) * self.dim
        for n in self.sizes:
            out.append(None if n is None else g[pre + (slice(i, i + n),)])
            i += n or 0
        return tuple(out)


def cat(tensors, dim=0, *, out=None) -> Tensor:
    """Concatenate along ``dim``; dtypes promote; legacy empty 1-D tensors are skipped.

    Example:
        >>> torch.cat([torch.zeros(2, 1), torch.ones(2, 2)], dim=1)
        tensor([[0., 1., 1.],
                [0., 1., 1.]])
    """
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
    unsigned = True   # PyTorch has this kernel for uint16/32/64

    def forward(self, *arrays, dim):
        self.dim = dim
        return np.stack(arrays, axis=dim)

    def backward(self, g):
        return tuple(np.moveaxis(g, self.dim, 0))

    def backward_ops(self, g):
        return tuple(g.unbind(self.dim))


def stack(tensors, dim=0, *, out=None) -> Tensor:
    """Join same-shaped tensors along a new dim ``dim``.

    Example:
        >>> torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """
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
    """Each input as a tensor of at least 1 dimension (zero-dim tensors become size 1).

    Example:
        >>> torch.atleast_1d(torch.tensor(3.))
        tensor([3.])
    """
    many = _each(atleast_1d, tensors)
    if many is not None:
        return many
    x = tensors[0]
    return reshape(x, (1,)) if x._data.ndim == 0 else x


def atleast_2d(*tensors):
    """Each input as a tensor of at least 2 dimensions.

    Example:
        >>> torch.atleast_2d(torch.tensor([1, 2]))
        tensor([[1, 2]])
    """
    many = _each(atleast_2d, tensors)
    if many is not None:
        return many
    x = tensors[0]
    nd = x._data.ndim
    if nd == 0:
        return reshape(x, (1, 1))
    return unsqueeze(x, 0) if nd == 1 else x


def atleast_3d(*tensors):
    """0-d -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1), as PyTorch.

    Example:
        >>> torch.atleast_3d(torch.tensor([1, 2])).shape
        torch.Size([1, 2, 1])
    """
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


def hstack(tensors, *, out=None) -> Tensor:
    """Stacks tensors horizontally: ``cat`` along dim 1 (dim 0 for 1-D tensors).

    Example:
        >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
        tensor([1, 2, 3])
    """
    ts = atleast_1d(tuple(tensors))
    r = cat(ts, 0 if ts and ts[0]._data.ndim == 1 else 1)
    return _into(out, r) if out is not None else r


def vstack(tensors, *, out=None) -> Tensor:
    """Stacks tensors vertically: ``cat`` along dim 0 after ``atleast_2d`` (``row_stack`` is an alias).

    Example:
        >>> torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    r = cat(atleast_2d(tuple(tensors)), 0)
    return _into(out, r) if out is not None else r


row_stack = vstack


def dstack(tensors, *, out=None) -> Tensor:
    """Stacks tensors depthwise: ``cat`` along dim 2 after ``atleast_3d``.

    Example:
        >>> torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).shape
        torch.Size([1, 2, 2])
    """
    r = cat(atleast_3d(tuple(tensors)), 2)
    return _into(out, r) if out is not None else r


def column_stack(tensors, *, out=None) -> Tensor:
    """Stacks 1-D tensors as columns (and 2-D tensors side by side).

    Example:
        >>> torch.column_stack([torch.tensor([1, 2]), torch.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
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

    def backward_ops(self, *gs):
        b = self.bounds
        if b[0][0] != 0 or b[-1][1] != self.shape[self.dim] or any(
                e != s for (_, e), (s, _) in zip(b, b[1:])):
            return self.no_double_backward(*gs)
        return apply(Cat, *gs, dim=self.dim)


class SplitWithSizes(Split):
    name = "SplitWithSizesBackward0"


class TensorSplit(Split):
    name = "SliceBackward0"


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (last may be smaller), or of the listed sizes; views.

    Example:
        >>> torch.split(torch.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
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


@tensor_method("split")
def _split_method(self, split_size, dim=0):
    """``torch.split(self, split_size, dim)``: chunks of ``split_size`` (or the listed sizes).

    Example:
        >>> torch.arange(5).split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    return split(self, split_size, dim)


@tensor_method()
def chunk(input, chunks, dim=0):
    """Up to ``chunks`` equal pieces along ``dim`` (views).

    Example:
        >>> torch.arange(5).chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = shape[wrap_dim(dim, len(shape))]
    if n == 0:  # torch gives ``chunks`` empty pieces
        return tuple(input.narrow(dim, 0, 0) for _ in range(chunks))
    return split(input, (n + chunks - 1) // chunks, dim)


@tensor_method()
def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``sections`` near-equal parts or at ``indices`` along ``dim`` (views).

    Example:
        >>> torch.tensor_split(torch.arange(7), 3)
        (tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
    """
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


@tensor_method()
def hsplit(input, indices_or_sections):
    """Splits along dim 1 (dim 0 for 1-D tensors) into sections or at indices.

    Example:
        >>> torch.hsplit(torch.arange(4).view(1, 4), 2)
        (tensor([[0, 1]]), tensor([[2, 3]]))
    """
    return _axis_split(input, indices_or_sections, 1 if input._data.ndim > 1 else 0, "hsplit", 1)


@tensor_method()
def vsplit(input, indices_or_sections):
    """Splits along dim 0 into sections or at indices.

    Example:
        >>> torch.vsplit(torch.arange(4).view(4, 1), [1])
        (tensor([[0]]), tensor([[1],
                [2],
                [3]]))
    """
    return _axis_split(input, indices_or_sections, 0, "vsplit", 2)


@tensor_method()
def dsplit(input, indices_or_sections):
    """Splits along dim 2 into sections or at indices.

    Example:
        >>> [t.shape for t in torch.dsplit(torch.zeros(1, 1, 4), 2)]
        [torch.Size([1, 1, 2]), torch.Size([1, 1, 2])]
    """
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

    def backward_ops(self, *gs):
        return apply(Stack, *gs, dim=self.dim)


@tensor_method()
def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple of views.

    Example:
        >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]))
        (tensor([1, 2]), tensor([3, 4]))
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.tile(u.reshape(self.full), self.reps)


@tensor_method("repeat")
def _repeat(self, *sizes) -> Tensor:
    """Tile the tensor ``sizes`` times along each dim (copies).

    Example:
        >>> torch.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    sizes = norm_size(sizes)
    if len(sizes) < self._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: {list(sizes)}")
    return apply(Repeat, self, sizes)


def tile(input, dims) -> Tensor:
    """Repeats ``input`` ``dims`` times along each dimension (leading 1s added as needed).

    Example:
        >>> torch.tile(torch.tensor([1, 2]), (2,))
        tensor([1, 2, 1, 2])
    """
    dims = norm_size((dims,)) if not isinstance(dims, int) else (dims,)
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + tuple(dims)
    return apply(Repeat, input, tuple(dims))


@tensor_method("tile")
def _tile_method(self, *dims) -> Tensor:
    """``torch.tile(self, dims)``.

    Example:
        >>> torch.tensor([1, 2]).tile(2, 1)
        tensor([[1, 2],
                [1, 2]])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.repeat(u, self.reps, axis=self.dim)


@tensor_method()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Repeat each element ``repeats`` times (int or per-element tensor) along ``dim``.

    Example:
        >>> torch.repeat_interleave(torch.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> torch.tensor([1, 2]).repeat_interleave(torch.tensor([1, 3]))
        tensor([1, 2, 2, 2])
    """
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

    def backward_ops(self, g):
        return g.flip(self.dims) if self.dims else g


def _flip_kernel(input, dims):
    """PyTorch flips uint16/32/64 only by its byte-copy path: when the innermost dimension it
    iterates (the smallest stride of a dense input, else the last) is not flipped and has
    stride 1; otherwise its typed ``flip_cpu`` kernel refuses them."""
    a = input._data
    if a.dtype not in D._BAREBONES_NP:
        return
    shape, strides = a.shape, tuple(s // a.itemsize for s in a.strides)
    flipped = [d for d in dims if shape[d] > 1]
    big = [d for d in range(a.ndim) if shape[d] > 1]
    if not flipped:
        return
    order, n = sorted(big, key=lambda d: strides[d]), 1
    for d in order:
        if strides[d] != n:
            order = big[::-1]   # not dense: the output is C-contiguous and sets the order
            break
        n *= shape[d]
    if order[0] in flipped or strides[order[0]] != 1:
        D.refuse_unsigned(a, "flip_cpu")


def flip(input, *dims_, dims=None) -> Tensor:
    """Reverse the order along ``dims`` (a copy, as PyTorch).

    Example:
        >>> torch.flip(torch.tensor([[1, 2], [3, 4]]), [1])
        tensor([[2, 1],
                [4, 3]])
    """
    dims = dims_ if dims is None else (dims,)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    dims = wrap_dims(dims, input._data.ndim)
    _flip_kernel(input, dims)
    return apply(Flip, input, dims)


@tensor_method()
def fliplr(input) -> Tensor:
    """Reverses the order of columns (dim 1).

    Example:
        >>> torch.fliplr(torch.tensor([[1, 2], [3, 4]]))
        tensor([[2, 1],
                [4, 3]])
    """
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    _flip_kernel(input, (1,))
    return apply(Flip, input, (1,))


@tensor_method()
def flipud(input) -> Tensor:
    """Reverses the order of rows (dim 0).

    Example:
        >>> torch.flipud(torch.tensor([[1, 2], [3, 4]]))
        tensor([[3, 4],
                [1, 2]])
    """
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    _flip_kernel(input, (0,))
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

    def backward_ops(self, g):
        neg = tuple(-s for s in self.shifts)
        if self.dims is None:
            return g.reshape(-1).roll(neg[0]).reshape(g.shape)
        return g.roll(neg, self.dims)


@tensor_method()
def roll(input, shifts, dims=None) -> Tensor:
    """Rotate elements by ``shifts`` along ``dims`` (the flattened tensor when None).

    Example:
        >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.ascontiguousarray(np.rot90(u, self.k, self.dims))


@tensor_method()
def rot90(input, k=1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane ``dims`` (from dims[0] towards dims[1]).

    Example:
        >>> torch.rot90(torch.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    _flip_kernel(input, ((), (d1,), (d0, d1), (d0,))[k % 4])   # PyTorch's rot90 flips, then transposes
    return apply(Rot90, input, k % 4, (d0, d1))


# ---- more joins and regroupings ---------------------------------------------------------

@tensor_method()
def split_with_sizes(input, split_sizes, dim=0):
    """Splits ``input`` along ``dim`` into pieces of the given sizes (which must sum to its length).

    Example:
        >>> torch.split_with_sizes(torch.arange(5), [2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """
    return split(input, list(split_sizes), dim)


def channel_shuffle(input, groups) -> Tensor:
    """Splits the channels (dim 1) into ``groups`` groups and interleaves them.

    Args:
        input (Tensor): ``(N, C, *)``, ``C`` divisible by ``groups``.
        groups (int): number of groups.

    Shape:
        Output: the shape of ``input``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.channel_shuffle(ember.arange(6.).view(1, 6, 1), 2).flatten()
        tensor([0., 3., 1., 4., 2., 5.])
    """
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                           f"{list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{groups} groups.")
    shape = tuple(input.shape)
    x = input.reshape((shape[0], groups, c // groups) + shape[2:])
    return x.transpose(1, 2).reshape(shape)


def constant_pad_nd(input, pad, value=0) -> Tensor:
    """Pads ``input`` with ``value``: ``pad`` lists (before, after) pairs from the last dimension back.

    Example:
        >>> torch.constant_pad_nd(torch.tensor([1, 2]), (1, 2), 9)
        tensor([9, 1, 2, 9, 9])
    """
    from .sampling import pad as _pad

    return _pad(input, pad, "constant", value)


# ---- unsafe_* aliases and *_copy forms ---------------------------------------------------

@tensor_method()
def unsafe_split(input, split_size, dim=0):
    """``split`` for callers that promise not to modify the results in place.

    Example:
        >>> torch.unsafe_split(torch.arange(4), 2)
        (tensor([0, 1]), tensor([2, 3]))
    """
    return split(input, split_size, dim)


@tensor_method()
def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """``split_with_sizes`` for callers that promise not to modify the results in place.

    Example:
        >>> torch.unsafe_split_with_sizes(torch.arange(4), [1, 3])
        (tensor([0]), tensor([1, 2, 3]))
    """
    return split_with_sizes(input, split_sizes, dim)


@tensor_method()
def unsafe_chunk(input, chunks, dim=0):
    """``chunk`` for callers that promise not to modify the results in place.

    Example:
        >>> torch.unsafe_chunk(torch.arange(4), 2)
        (tensor([0, 1]), tensor([2, 3]))
    """
    return chunk(input, chunks, dim)


def _slice(input, dim=0, start=None, end=None, step=1):
    return input[(_sl,) * wrap_dim(dim, input.ndim) + (slice(start, end, step),)]


def _copying(fn, name):
    """``name(...)``: ``fn(...)`` as a new tensor (or tuple of them) that shares no storage."""
    def f(*args, out=None, **kwargs):  # out= is written by ops/_out.py
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
__all__ += list(_COPIES)   # alias_copy, detach_copy, ... view_as_complex_copy


@tensor_method("flip")
def _flip_method(self, *dims_, dims=None) -> Tensor:
    """``torch.flip(self, dims)``: reverses the order along the given dimensions.

    Example:
        >>> torch.tensor([[1, 2], [3, 4]]).flip(0, 1)
        tensor([[4, 3],
                [2, 1]])
    """
    return flip(self, *dims_, dims=dims)
