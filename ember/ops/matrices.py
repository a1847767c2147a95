"""Matrices from and to their parts: ``kron``, ``cross``, ``trace``, ``diag``, ``diag_embed``,
``diagflat``, ``tril``/``triu`` (and in place), ``vander``, ``fill_diagonal_``."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from . import linalg_backward as _lb
from ._apply import SAME, Op, apply, apply_, holomorphic, linear_backward_ops, wrap_dim

__all__ = ["kron", "cross", "trace", "diag", "tril", "triu", "diag_embed", "diagflat", "vander"]


@holomorphic
class Kron(Op):
    name = "KronBackward0"
    promote = SAME
    unsigned = True   # PyTorch has this kernel for uint16/32/64
    saves = (0, 1)

    def forward(self, a, b):
        n = max(a.ndim, b.ndim)
        a2 = a.reshape((1,) * (n - a.ndim) + a.shape)
        b2 = b.reshape((1,) * (n - b.ndim) + b.shape)
        self.a, self.b, self.a2, self.b2, self.n = a, b, a2, b2, n
        # interleave: out[i0, j0, i1, j1, ...] = a[i0, i1, ...] * b[j0, j1, ...]
        ai = a2.reshape(tuple(x for s in a2.shape for x in (s, 1)))
        bi = b2.reshape(tuple(x for s in b2.shape for x in (1, s)))
        p = ai * bi
        return p.reshape(tuple(x * y for x, y in zip(a2.shape, b2.shape)))

    def backward(self, g):
        a2, b2, n = self.a2, self.b2, self.n
        gi = g.reshape(tuple(x for pair in zip(a2.shape, b2.shape) for x in pair))
        ai = a2.reshape(tuple(x for s in a2.shape for x in (s, 1)))
        bi = b2.reshape(tuple(x for s in b2.shape for x in (1, s)))
        ga = np.sum(gi * bi, axis=tuple(range(1, 2 * n, 2))).reshape(self.a.shape)
        gb = np.sum(gi * ai, axis=tuple(range(0, 2 * n, 2))).reshape(self.b.shape)
        return ga, gb

    backward_ops = _lb.kron


@tensor_method()
def kron(input, other, *, out=None) -> Tensor:
    """The Kronecker product of ``input`` and ``other``.

    Example:
        >>> torch.kron(torch.eye(2), torch.tensor([[1, 2]]).float())
        tensor([[1., 2., 0., 0.],
                [0., 0., 1., 2.]])
    """
    return apply(Kron, input, other)


@holomorphic
class Cross(Op):
    name = "LinalgCrossBackward0"
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b, d):
        self.a, self.b, self.d = a, b, d
        return np.cross(a, b, axisa=d, axisb=d, axisc=d)

    def backward(self, g):
        d = self.d
        return (np.cross(self.b, g, axisa=d, axisb=d, axisc=d),
                np.cross(g, self.a, axisa=d, axisb=d, axisc=d))

    backward_ops = _lb.cross


@tensor_method()
def cross(input, other, dim=None, *, out=None) -> Tensor:
    """The cross product along ``dim`` (the first dimension of size 3 when not given; deprecated).

    Example:
        >>> torch.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]), dim=0)
        tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    if dim is None:
        for i, s in enumerate(shape):
            if s == 3:
                dim = i
                break
        else:
            raise RuntimeError("no dimension of size 3 in input")
    d = wrap_dim(dim, len(shape))
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[d]} and {other.shape[d]}")
    d = d - len(shape)  # negative: robust to broadcasting of leading dims
    return apply(Cross, input, other, d=d)   # d by keyword: never promoted to the inputs' dtype


class Trace(Op):
    name = "TraceBackward0"

    def forward(self, a):
        if a.ndim != 2:
            raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(a.ndim))
        self.shape = a.shape
        return np.asarray(np.trace(a, dtype=np.int64 if a.dtype.kind in "biu" else None))

    def backward(self, g):
        return np.eye(*self.shape, dtype=g.dtype) * g

    backward_ops, jvp = linear_backward_ops, lambda self, u: np.asarray(np.trace(u))


@tensor_method()
def trace(input) -> Tensor:
    """The sum of the diagonal of a 2-D tensor.

    Example:
        >>> torch.trace(torch.tensor([[1., 2.], [3., 4.]]))
        tensor(5.)
    """
    D.refuse_unsigned(input, "trace")  # PyTorch has no uint16/32/64 kernel
    return apply(Trace, input)


class Diag(Op):
    name = "DiagBackward0"

    def forward(self, a, k):
        if a.ndim not in (1, 2):
            raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + str(a.ndim) + "D")
        self.shape, self.k = a.shape, k
        return np.diag(a, k).copy()

    def backward(self, g):
        if len(self.shape) == 1:
            return np.diag(g, self.k).copy()
        z = np.zeros(self.shape, g.dtype)
        n = g.shape[0]
        if n:
            r = np.arange(n)
            k = self.k
            z[r + max(-k, 0), r + max(k, 0)] = g
        return z

    backward_ops, jvp = linear_backward_ops, lambda self, u: np.diag(u, self.k).copy()


@tensor_method()
def diag(input, diagonal=0, *, out=None) -> Tensor:
    """A 1-D input's diagonal matrix, or a 2-D input's ``diagonal``-th diagonal.

    Example:
        >>> torch.diag(torch.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
        >>> torch.diag(torch.tensor([[1, 2], [3, 4]]), 1)
        tensor([2])
    """
    return apply(Diag, input, diagonal)


class Tril(Op):
    name = "TrilBackward0"
    fn = staticmethod(np.tril)

    def forward(self, a, k):
        if a.ndim < 2:
            raise RuntimeError(f"{type(self).__name__[:4].lower()}: input tensor must have at least 2 dimensions")
        self.k = k
        return self.fn(a, k)

    def backward(self, g):
        return self.fn(g, self.k)

    backward_ops = _lb.tril


class Triu(Tril):
    name = "TriuBackward0"
    fn = staticmethod(np.triu)


@tensor_method()
def tril(input, diagonal=0, *, out=None) -> Tensor:
    """The lower triangle of each matrix (below and on diagonal ``diagonal``); the rest zeroed.

    Example:
        >>> torch.tril(torch.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
    """
    D.refuse_unsigned(input, "tril")  # PyTorch has no uint16/32/64 kernel
    return apply(Tril, input, diagonal)


@tensor_method()
def triu(input, diagonal=0, *, out=None) -> Tensor:
    """The upper triangle of each matrix (above and on diagonal ``diagonal``); the rest zeroed.

    Example:
        >>> torch.triu(torch.ones(3, 3), diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    D.refuse_unsigned(input, "triu")  # PyTorch has no uint16/32/64 kernel
    return apply(Triu, input, diagonal)


@tensor_method()
def tril_(self, diagonal=0) -> Tensor:
    """In-place ``tril``.

    Example:
        >>> torch.ones(2, 2).tril_()
        tensor([[1., 0.],
                [1., 1.]])
    """
    D.refuse_unsigned(self, "tril")  # PyTorch has no uint16/32/64 kernel
    return apply_(Tril, self, diagonal)


@tensor_method()
def triu_(self, diagonal=0) -> Tensor:
    """In-place ``triu``.

    Example:
        >>> torch.ones(2, 2).triu_()
        tensor([[1., 1.],
                [0., 1.]])
    """
    D.refuse_unsigned(self, "triu")  # PyTorch has no uint16/32/64 kernel
    return apply_(Triu, self, diagonal)


class DiagEmbed(Op):
    """The last dim of the input becomes the ``offset`` diagonal of planes ``(dim1, dim2)``."""
    name = "DiagEmbedBackward0"

    def forward(self, a, offset=0, dim1=-2, dim2=-1):
        nd = a.ndim + 1
        d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        n = a.shape[-1] if a.ndim else 1
        m = n + (offset if offset >= 0 else -offset)
        z = np.zeros(a.shape[:-1] + (m, m), a.dtype)
        r = np.arange(n)
        self.rows, self.cols = r + max(-offset, 0), r + max(offset, 0)
        z[..., self.rows, self.cols] = a
        self.dims = (d1, d2)
        return np.moveaxis(z, (-2, -1), (d1, d2))

    def backward(self, g):
        return np.moveaxis(g, self.dims, (-2, -1))[..., self.rows, self.cols]

    backward_ops = _lb.diag_embed


@tensor_method()
def diag_embed(input, offset=0, dim1=-2, dim2=-1) -> Tensor:
    """Matrices whose diagonals (``offset``, between ``dim1`` and ``dim2``) hold the last dimension of ``input``.

    Example:
        >>> torch.diag_embed(torch.tensor([[1, 2], [3, 4]])).shape
        torch.Size([2, 2, 2])
    """
    return apply(DiagEmbed, input, offset=offset, dim1=dim1, dim2=dim2)


@tensor_method()
def diagflat(input, offset=0) -> Tensor:
    """A 2-D tensor with the flattened ``input`` on diagonal ``offset``.

    Example:
        >>> torch.diagflat(torch.tensor([[1, 2]]))
        tensor([[1, 0],
                [0, 2]])
    """
    return diag_embed(input.reshape(-1), offset)


def vander(x, N=None, increasing=False) -> Tensor:
    """Columns ``x ** 0 ... x ** (N-1)`` (reversed unless ``increasing``), via cumprod as torch.

    Example:
        >>> torch.vander(torch.tensor([1, 2, 3]), N=3)
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    from .cumulative import cumprod
    from .joining import cat, flip

    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = x.dtype if x.dtype.is_floating_point or x.is_complex() else D.promote_types(x.dtype, D.int64)
    ones = _wrap(np.ones((x.shape[0], min(n, 1)), dt.np))
    if n > 1:
        xs = x.to(dt).unsqueeze(1).expand(x.shape[0], n - 1)
        ones = cat([ones, cumprod(xs, 1)], 1)
    return ones if increasing else flip(ones, (1,))


@tensor_method("fill_diagonal_")
def _fill_diagonal_(self, fill_value, wrap=False) -> Tensor:
    """Fill the main diagonal in place (all dims equal, or a tall 2-D matrix with ``wrap``).

    Example:
        >>> torch.zeros(2, 3).fill_diagonal_(5.)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
    a = self._data
    if a.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if a.ndim > 2 and len(set(a.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    from ..autograd import grad_mode
    from ._apply import _check_inplace

    if grad_mode.enabled:
        _check_inplace(self)
    np.fill_diagonal(a, fill_value, wrap=wrap)
    self._bump()
    return self
