"""Norms and distances between vectors: ``normalize``, ``cosine_similarity``,
``pairwise_distance``, ``pdist``."""
import numpy as np

from ._apply import Op, apply, wrap_dim

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]


class _Normalize(Op):
    name = "DivBackward0"
    saves = (0,)

    def forward(self, x, p, dim, eps):
        ax = np.abs(x)
        if p == 2:
            n = np.sqrt((x * x).sum(axis=dim, keepdims=True))
        elif p == float("inf"):
            n = ax.max(axis=dim, keepdims=True)
        elif p == 0:   # the count of nonzeros (a constant: no gradient through the norm)
            n = (x != 0).sum(axis=dim, keepdims=True).astype(x.dtype)
        else:
            n = (ax ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        d = np.maximum(n, np.asarray(eps, x.dtype))
        self.x, self.n, self.d, self.p, self.dim, self.eps = x, n, d, p, dim, eps
        return (x / d).astype(x.dtype, copy=False)

    def backward(self, g):
        x, n, d, p, dim = self.x, self.n, self.d, self.p, self.dim
        s = (g * x).sum(axis=dim, keepdims=True)
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


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    dim = wrap_dim(dim, input.ndim)
    return apply(_Normalize, input, p=p, dim=dim, eps=eps)


class _CosSim(Op):
    name = "SumBackward1"
    saves = (0, 1)

    def forward(self, x1, x2, dim, eps):
        x1, x2 = np.broadcast_arrays(x1, x2)
        n1 = np.maximum(np.sqrt((x1 * x1).sum(axis=dim, keepdims=True)), eps)
        n2 = np.maximum(np.sqrt((x2 * x2).sum(axis=dim, keepdims=True)), eps)
        c = ((x1 / n1) * (x2 / n2)).sum(axis=dim, keepdims=True)
        self.s = (x1, x2, n1, n2, c, dim)
        return np.squeeze(c, axis=dim).astype(x1.dtype, copy=False)

    def backward(self, g):
        x1, x2, n1, n2, c, dim = self.s
        g = np.expand_dims(g, dim)
        g1 = g * (x2 / (n1 * n2) - c * x1 / (n1 * n1))
        g2 = g * (x1 / (n1 * n2) - c * x2 / (n2 * n2))
        return g1, g2


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
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
            n = np.sqrt((d * d).sum(axis=dim, keepdims=True))
        elif p == float("inf"):
            n = ad.max(axis=dim, keepdims=True)
        elif p == 0:
            n = (ad != 0).sum(axis=dim, keepdims=True).astype(d.dtype)
        else:
            n = (ad ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        self.d, self.n, self.p, self.keepdim = d, n, p, keepdim
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


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return apply(_PDist, x1, x2, p=p, eps=eps, keepdim=keepdim)


def pdist(input, p=2):
    """Distances between the rows of ``input`` (N, M): the upper triangle, (N*(N-1)/2,)."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from .. import triu_indices
    i, j = triu_indices(input.shape[0], input.shape[0], 1)
    return (input[i] - input[j]).norm(p, dim=1)
