"""Broadcasting and grids: ``broadcast_shapes``, ``broadcast_tensors``, ``meshgrid``,
``cartesian_prod``, ``combinations``, ``block_diag``."""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from .._tensor import Tensor, _wrap
from ._apply import SAME, Op, apply
from .joining import stack
from .shape import Expand, View

__all__ = ["meshgrid", "broadcast_tensors", "broadcast_shapes", "block_diag", "cartesian_prod", "combinations"]


def broadcast_shapes(*shapes):
    """The broadcast shape of ``shapes``; RuntimeError on a mismatch.

    Example:
        >>> torch.broadcast_shapes((2, 1), (1, 3))
        torch.Size([2, 3])
    """
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
                    "Shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                    "between arg 0 and arg 1.")
    from .._tensor import Size

    return Size(out)


def broadcast_tensors(*tensors):
    """Expand tensors to their common shape (views).

    Example:
        >>> a, b = torch.broadcast_tensors(torch.tensor([[1], [2]]), torch.tensor([3, 4, 5]))
        <BLANKLINE>
        >>> a.shape, b.shape
        (torch.Size([2, 3]), torch.Size([2, 3]))
    """
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        tensors = tuple(tensors[0])
    out = ()
    for _i, x in enumerate(tensors):
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
    """Coordinate grids from 1-D tensors; ``indexing`` 'ij' (default) or 'xy'. Views.

    Example:
        >>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
        <BLANKLINE>
        >>> xs
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
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
    unsigned = True   # PyTorch has this kernel for uint16/32/64

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

    backward_ops = backward   # slices of g: the same formula runs on tensors


def block_diag(*tensors):
    """A block-diagonal matrix from 0-D, 1-D and 2-D tensors.

    Example:
        >>> torch.block_diag(torch.tensor([[1, 2]]), torch.tensor([[3], [4]]))
        tensor([[1, 2, 0],
                [0, 0, 3],
                [0, 0, 4]])
    """
    for i, x in enumerate(tensors):
        if x._data.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                f"{x._data.ndim} dimensions")
    if not tensors:
        return _wrap(np.zeros((1, 0), np.float32))
    return apply(BlockDiag, *tensors)


def cartesian_prod(*tensors):
    """All tuples from 1-D tensors, one per row (a single tensor comes back as it is).

    Example:
        >>> torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    for x in tensors:
        if x.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False) -> Tensor:
    """Length-``r`` combinations of a 1-D tensor's elements, one per row (as itertools).

    Example:
        >>> torch.combinations(torch.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """
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
