"""Norms and distances between vectors: ``normalize``, ``cosine_similarity``,
``pairwise_distance``, ``pdist``, ``cdist``, ``dist``."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from . import linalg_backward as _lb
from ._apply import SAME, Op, apply, composite_backward, wrap_dim
from .linalg import _same_dtype

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist", "cdist", "dist"]


class _Normalize(Op):
    name = "DivBackward0"
    saves = (0,)

    def forward(self, x, p, dim, eps):
        ax = np.abs(x)
        if p == 2:
            n = np.sqrt((x * x.conj()).real.sum(axis=dim, keepdims=True))
        elif p == float("inf"):
            n = ax.max(axis=dim, keepdims=True)
        elif p == 0:   # the count of nonzeros (a constant: no gradient through the norm)
            n = (x != 0).sum(axis=dim, keepdims=True).astype(ax.dtype)
        else:
            n = (ax ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        d = np.maximum(n, np.asarray(eps, ax.dtype))
        self.x, self.n, self.d, self.p, self.dim, self.eps = x, n, d, p, dim, eps
        return (x / d).astype(x.dtype, copy=False)

    def backward(self, g):
        x, n, d, p, dim = self.x, self.n, self.d, self.p, self.dim
        s = (g.conj() * x).real.sum(axis=dim, keepdims=True)   # Re<g, x>: complex x too
        with np.errstate(invalid="ignore", divide="ignore"):
            if p == 2:
                dn = x / np.where(n > 0, n, 1)
            elif p == float("inf"):
                ax = np.abs(x)
                dn = np.sign(x) * (ax == n) / np.maximum((ax == n).sum(axis=dim, keepdims=True), 1)
            elif p == 0:
                dn = np.zeros_like(x)
            else:
                dn = np.sign(x) * np.abs(x) ** (p - 1) / np.where(n > 0, n, 1) ** (p - 1)
        act = n > self.eps
        gx = g / d - np.where(act, s / (d * d) * dn, 0)
        return gx.astype(g.dtype, copy=False)

    def backward_ops(self, g):
        from ..linalg import vector_norm

        p, dim, eps = self.p, self.dim, self.eps
        if p == 0:   # the count of nonzeros: a constant divisor
            return g / _wrap(self.d)
        fn = lambda x: x / vector_norm(x, p, dim, keepdim=True).clamp(min=eps)   # noqa: E731
        return composite_backward(fn, (self.saved_input(0, self.x),), (g,))[0]


def _saved_unbroadcast(node, i, arr):
    """Input ``i`` of ``node`` on the graph, from ``arr`` (its value broadcast to a larger shape)."""
    shape = node._meta[i][0]
    if arr.shape != shape:
        arr = arr[(0,) * (arr.ndim - len(shape))][tuple(slice(0, 1) if n == 1 else slice(None) for n in shape)]
    return node.saved_input(i, arr)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """Divides ``input`` by its p-norm along ``dim``: ``x / max(||x||_p, eps)``.

    Args:
        input (Tensor): the input.
        p (float): the norm's degree. Default: ``2.0``.
        dim (int or tuple of int): the dimension(s) to normalise. Default: ``1``.
        eps (float): lower bound of the norm, to avoid dividing by zero. Default: ``1e-12``.
        out (Tensor, optional): the output tensor. Default: ``None``.

    Shape:
        Output: the shape of ``input``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.normalize(ember.tensor([[3., 4.], [0., 0.]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
        >>> F.normalize(ember.tensor([[3., 4.]]), p=1)
        tensor([[0.4286, 0.5714]])
    """
    dim = wrap_dim(dim, input.ndim)
    return apply(_Normalize, input, p=p, dim=dim, eps=eps)


class _CosSim(Op):
    """PyTorch's ``(x1 / N1 * x2 / N2).sum(dim)`` with ``Ni = max(||xi||, eps)`` where the
    clamp is taken without gradient: the gradient flows through the unclamped norm."""
    name = "SumBackward1"
    saves = (0, 1)

    def forward(self, x1, x2, dim, eps):
        x1, x2 = np.broadcast_arrays(x1, x2)
        r1 = np.sqrt((x1 * x1).sum(axis=dim, keepdims=True))
        r2 = np.sqrt((x2 * x2).sum(axis=dim, keepdims=True))
        n1, n2 = np.maximum(r1, eps), np.maximum(r2, eps)
        c = ((x1 / n1) * (x2 / n2)).sum(axis=dim, keepdims=True)
        self.s, self.eps = (x1, x2, n1, n2, c, dim, r1, r2), eps
        return np.squeeze(c, axis=dim).astype(x1.dtype, copy=False)

    def backward(self, g):
        x1, x2, n1, n2, c, dim, r1, r2 = self.s
        g = np.expand_dims(g, dim)
        # the norm's gradient x / ||x|| is 0 where ||x|| == 0 (as linalg.vector_norm's)
        inv1 = np.divide(1, r1, out=np.zeros_like(r1), where=r1 > 0)
        inv2 = np.divide(1, r2, out=np.zeros_like(r2), where=r2 > 0)
        g1 = g * (x2 / (n1 * n2) - c * x1 * inv1 / n1)
        g2 = g * (x1 / (n1 * n2) - c * x2 * inv2 / n2)
        return g1, g2

    def backward_ops(self, g):
        from ..linalg import vector_norm
        from .grids import broadcast_tensors
        x1, x2, dim, eps = self.s[0], self.s[1], self.s[5], self.eps

        def norm(t):
            r = vector_norm(t, 2, dim, True)
            return r + (r.clamp(min=eps) - r).detach()   # clamped value, unclamped gradient

        def fn(a, b):
            a, b = broadcast_tensors(a, b)
            return ((a / norm(a)) * (b / norm(b))).sum(dim)
        return composite_backward(fn, (_saved_unbroadcast(self, 0, x1), _saved_unbroadcast(self, 1, x2)), (g,))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``.

    Computed as ``x1 . x2 / (max(||x1||, eps) * max(||x2||, eps))``.

    Args:
        x1 (Tensor): first input.
        x2 (Tensor): second input, broadcastable with ``x1``.
        dim (int): the dimension of the vectors. Default: ``1``.
        eps (float): lower bound of each norm. Default: ``1e-8``.

    Shape:
        Output: the broadcast shape without ``dim``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.cosine_similarity(ember.tensor([[1., 0.], [1., 1.]]), ember.tensor([[0., 1.], [2., 2.]]))
        tensor([0.0000, 1.0000])
    """
    nd = max(x1.ndim, x2.ndim)
    return apply(_CosSim, x1, x2, dim=wrap_dim(dim, nd), eps=eps)


class _PDist(Op):
    name = "NormBackward1"
    saves = (0, 1)

    def forward(self, x1, x2, p, eps, keepdim):
        d = x1 - x2 + eps
        dim = -1 if d.ndim else None
        ad = np.abs(d)
        if p == 2:
            n = np.sqrt((d * d.conj()).real.sum(axis=dim, keepdims=True))
        elif p == float("inf"):
            n = ad.max(axis=dim, keepdims=True)
        elif p == 0:
            n = (ad != 0).sum(axis=dim, keepdims=True).astype(ad.dtype)
        else:
            n = (ad ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        self.d, self.n, self.p, self.keepdim = d, n, p, keepdim
        self.x1, self.x2, self.eps = x1, x2, eps
        return n if keepdim else np.squeeze(n, axis=-1) if n.ndim else n

    def backward(self, g):
        d, n, p = self.d, self.n, self.p
        if not self.keepdim and d.ndim:
            g = g[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            nz = np.where(n > 0, n, 1)
            if p == 2:
                gd = g * d / nz
            elif p == float("inf"):
                ad = np.abs(d)
                gd = g * np.sign(d) * (ad == n) / np.maximum((ad == n).sum(-1, keepdims=True), 1)
            elif p == 0:
                gd = np.zeros_like(d)
            else:
                gd = g * np.sign(d) * np.abs(d) ** (p - 1) / nz ** (p - 1)
        gd = np.where(n > 0, gd, 0)
        return gd, -gd

    def backward_ops(self, g):
        from ..linalg import vector_norm

        p, eps, keep = self.p, self.eps, self.keepdim
        if p == 0:
            return g * 0, g * 0
        dim = -1 if self.d.ndim else None
        fn = lambda a, b: vector_norm(a - b + eps, p, dim, keepdim=keep)   # noqa: E731
        return composite_backward(fn, (self.saved_input(0, self.x1), self.saved_input(1, self.x2)), (g,))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """p-norm distance between the rows of ``x1`` and ``x2``: ``||x1 - x2 + eps||_p`` along the last dim.

    Args:
        x1 (Tensor): ``(N, D)`` or ``(D)``.
        x2 (Tensor): broadcastable with ``x1``.
        p (float): the norm's degree. Default: ``2.0``.
        eps (float): added to the difference to avoid a zero norm. Default: ``1e-6``.
        keepdim (bool): keep the last dim with size 1. Default: ``False``.

    Shape:
        Input: ``(N, D)`` or ``(D)``. Output: ``(N)`` or ``()``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.pairwise_distance(ember.tensor([[0., 0.], [1., 1.]]), ember.tensor([[3., 4.], [1., 1.]]), eps=0.)
        tensor([5., 0.])
    """
    return apply(_PDist, x1, x2, p=p, eps=eps, keepdim=keepdim)


def pdist(input, p=2):
    """p-norm distances between all pairs of rows of ``input``: the upper triangle of the distance matrix, row by row.

    Args:
        input (Tensor): ``(N, M)``.
        p (float): the norm's degree. Default: ``2``.

    Shape:
        Output: ``(N * (N - 1) / 2,)``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.pdist(ember.tensor([[0., 0.], [3., 4.], [6., 8.]]))
        tensor([ 5., 10.,  5.])
    """
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from .. import triu_indices
    i, j = triu_indices(input.shape[0], input.shape[0], 1)
    return (input[i] - input[j]).norm(p, dim=1)


class Cdist(Op):
    name = "CdistBackward0"
    saves = (0, 1)

    def forward(self, a, b, p):
        from .norms import VectorNorm

        _same_dtype(a, b)
        if a.dtype.kind != "f":
            raise RuntimeError("cdist only supports floating-point dtypes, X1 got: "
                               f"{D.scalar_type_name(D.from_np[a.dtype])}")
        if a.ndim < 2 or b.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D")
        if a.shape[-1] != b.shape[-1]:
            raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                               f"X2: {b.shape[-1]}")
        if p < 0:
            raise RuntimeError("cdist only supports non-negative p values")
        diff = a[..., :, None, :] - b[..., None, :, :]
        vn = VectorNorm.__new__(VectorNorm)
        out = vn.forward(diff, float(p), (diff.ndim - 1,), False)
        self.vn = vn
        return out

    def backward(self, g):
        gd = self.vn.backward(g)
        return np.sum(gd, -2), -np.sum(gd, -3)

    backward_ops = _lb.cdist


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The ``p``-norm distance between each row of ``x1`` and each row of ``x2`` (batched).

    Example:
        >>> torch.cdist(torch.tensor([[0., 0.], [1., 1.]]), torch.tensor([[3., 4.]]))
        tensor([[5.0000],
                [3.6056]])
    """
    return apply(Cdist, x1, x2, p)


class Dist(Op):
    name = "DistBackward0"
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b, p):
        from .norms import VectorNorm

        if a.dtype.kind not in "fc":
            raise RuntimeError("dist(): input dtype should be either floating point or complex. "
                               f"Got {D.scalar_type_name(D.from_np[a.dtype])} instead.")
        diff = np.asarray(a - b)
        vn = VectorNorm.__new__(VectorNorm)
        out = vn.forward(diff, float(p), tuple(range(diff.ndim)), False)
        self.vn = vn
        return out

    def backward(self, g):
        gd = self.vn.backward(g)
        return gd, -gd

    backward_ops = _lb.dist


@tensor_method()
def dist(input, other, p=2) -> Tensor:
    """The ``p``-norm of ``input - other``.

    Example:
        >>> torch.dist(torch.tensor([0., 0.]), torch.tensor([3., 4.]))
        tensor(5.)
    """
    return apply(Dist, input, other, p)
