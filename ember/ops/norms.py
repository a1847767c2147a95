"""Norms: ``norm`` (torch's old all-in-one form, whose vector and matrix kernels
``ember.linalg`` shares) and ``renorm``."""

from __future__ import annotations

import builtins as _b
import math

import numpy as np

from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, apply, composite_backward, wrap_dim, wrap_dims
from .reduction import _dims, _need_float

__all__ = ["norm", "renorm"]

# ---- norms ---------------------------------------------------------------------------

class VectorNorm(Op):
    name = "LinalgVectorNormBackward0"
    saves = (0,)

    def forward(self, a, p, dims, keepdim):
        _need_float(a, "linalg.vector_norm")
        self.a, self.p, self.dims, self.keepdim = a, p, dims, keepdim
        ax = np.abs(a)
        if p == 2:
            out = np.sqrt(np.sum(ax * ax, axis=dims, keepdims=keepdim))
        elif p == 1:
            out = np.sum(ax, axis=dims, keepdims=keepdim)
        elif p == math.inf:
            if a.size == 0:
                raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty tensor "
                                   "because the operation does not have an identity")
            out = np.max(ax, axis=dims, keepdims=keepdim)
        elif p == -math.inf:
            if a.size == 0:
                raise RuntimeError("linalg.vector_norm cannot compute the -inf norm on an empty tensor "
                                   "because the operation does not have an identity")
            out = np.min(ax, axis=dims, keepdims=keepdim)
        elif p == 0:
            out = np.sum(ax != 0, axis=dims, keepdims=keepdim).astype(ax.dtype)
        else:  # in |a|'s dtype: a complex input has a real norm
            with np.errstate(divide="ignore"):
                out = np.sum(ax ** ax.dtype.type(p), axis=dims, keepdims=keepdim) ** ax.dtype.type(1.0 / p)
        out = np.asarray(out).astype(ax.dtype, copy=False)
        self.out = out
        return out

    def backward(self, g):
        a, p, dims = self.a, self.p, self.dims
        dt = a.dtype
        o = self.out
        if not self.keepdim and dims:
            g = np.expand_dims(g, dims)
            o = np.expand_dims(o, dims)
        zero = np.zeros((), dt)
        with np.errstate(invalid="ignore", divide="ignore"):
            if p == 0:
                return np.zeros(a.shape, dt)
            if p == 1:
                return g * np.sign(a)
            if p == 2:
                return np.where(o == 0, zero, g * a / o).astype(dt, copy=False)
            if p in (math.inf, -math.inf):
                ax = np.abs(a)
                mask = ax == o
                cnt = np.sum(mask, axis=dims, keepdims=True).astype(dt)
                return np.where(mask, g * np.sign(a) / cnt, zero).astype(dt, copy=False)
            ax = np.abs(a)
            r = g * np.sign(a) * ax ** dt.type(p - 1) / o ** dt.type(p - 1)
            return np.where(o == 0, zero, r).astype(dt, copy=False)

    def backward_ops(self, g):
        a, p, dims = self.a, self.p, self.dims
        x, o = self.saved_input(0, a), self.saved_output(self.out)
        oa = self.out
        if not self.keepdim and dims:
            kept = tuple(1 if i in dims else n for i, n in enumerate(a.shape))
            g, o, oa = g.reshape(kept), o.reshape(kept), oa.reshape(kept)
        if p == 0:
            return _wrap(np.zeros(a.shape, a.dtype))
        sign = np.sign(a)
        if p in (math.inf, -math.inf):   # the winners' share is constant in the input
            mask = np.abs(a) == oa
            return g * _wrap(np.where(mask, sign / np.sum(mask, axis=dims, keepdims=True), 0).astype(a.dtype))
        if p == 1:
            return g * _wrap(sign)
        nz = _wrap(oa != 0)
        o = o + _wrap((oa == 0).astype(oa.dtype))   # 1 where the norm is 0: no 0/0 in the discarded branch
        if p == 2:
            return (g * x / o).where(nz, 0.0)
        return (g * _wrap(sign) * x.abs() ** (p - 1) / o ** (p - 1)).where(nz, 0.0)


class NucNorm(Op):
    name = "LinalgMatrixNormBackward0"
    saves = (0,)

    def forward(self, a, dims, keepdim):
        _need_float(a, "linalg.matrix_norm")
        m = np.moveaxis(a, dims, (-2, -1))
        u, s, vh = np.linalg.svd(m, full_matrices=False)
        self.a, self.uv, self.dims, self.keepdim = a, u @ vh, dims, keepdim
        out = np.sum(s, -1)
        if keepdim:
            out = np.expand_dims(out, tuple(sorted(dims)))
        return out.astype(a.real.dtype, copy=False)

    def backward(self, g):
        dims = tuple(sorted(self.dims))
        if self.keepdim:
            g = np.squeeze(g, dims)
        r = g[..., None, None] * self.uv
        return np.moveaxis(r, (-2, -1), self.dims)

    def backward_ops(self, g):
        from ..linalg import svdvals

        dims, keep = self.dims, self.keepdim
        fn = lambda x: svdvals(x.movedim(dims, (-2, -1))).sum(-1, keepdim=False)   # noqa: E731
        if keep:
            g = g.squeeze(tuple(sorted(dims)))
        return composite_backward(fn, (self.saved_input(0, self.a),), (g,))[0]


class MatrixNormOrd(Op):
    """Matrix norms of order 1, -1, inf, -inf, 2, -2 (subgradients shared evenly among ties)."""
    name = "LinalgMatrixNormBackward0"
    saves = (0,)

    def forward(self, a, ord, dims, keepdim):
        _need_float(a, "linalg.matrix_norm")
        self.a, self.ord, self.dims, self.keepdim = a, ord, dims, keepdim
        m = np.moveaxis(a, dims, (-2, -1))
        if ord in (2, -2):
            u, s, vh = np.linalg.svd(m, full_matrices=False)
            k = 0 if ord == 2 else -1
            out = s[..., k]
            self.uv = u[..., :, k:k + 1 if k == 0 else None] * vh[..., k:k + 1 if k == 0 else None, :]
        else:
            ax = 0 if ord in (1, -1) else 1  # 1: max abs column sum; inf: max abs row sum
            s = np.sum(np.abs(m), axis=-2 + ax)
            out = np.max(s, -1) if ord > 0 else np.min(s, -1)
            mask = s == out[..., None]
            self.w = mask / np.sum(mask, -1, keepdims=True)
            self.ax = ax
        if keepdim:
            out = np.expand_dims(out, tuple(sorted(dims)))
        return np.asarray(out).astype(a.real.dtype, copy=False)

    def backward(self, g):
        if self.keepdim:
            g = np.squeeze(g, tuple(sorted(self.dims)))
        m = np.moveaxis(self.a, self.dims, (-2, -1))
        if self.ord in (2, -2):
            r = g[..., None, None] * self.uv
        else:
            w = self.w[..., None, :] if self.ax == 0 else self.w[..., :, None]
            r = g[..., None, None] * np.sign(m) * w
        return np.moveaxis(r.astype(self.a.dtype, copy=False), (-2, -1), self.dims)

    def backward_ops(self, g):
        from ..linalg import svdvals

        if self.keepdim:
            g = g.squeeze(tuple(sorted(self.dims)))
        if self.ord in (2, -2):
            k = 0 if self.ord == 2 else -1
            fn = lambda x: svdvals(x.movedim(self.dims, (-2, -1)))[..., k]   # noqa: E731
            return composite_backward(fn, (self.saved_input(0, self.a),), (g,))[0]
        m = np.moveaxis(self.a, self.dims, (-2, -1))
        w = self.w[..., None, :] if self.ax == 0 else self.w[..., :, None]
        r = g[..., None, None] * _wrap((np.sign(m) * w).astype(self.a.dtype, copy=False))
        return r.movedim((-2, -1), self.dims)


def _vector_norm(input, p, dim, keepdim, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    dims = _dims(dim, input.ndim)
    return apply(VectorNorm, input, float(p), dims, keepdim)


def _matrix_norm(input, p, dim, keepdim, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = wrap_dims(dim, input.ndim)
    if len(dims) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + str(dim))
    if p == "fro":
        return apply(VectorNorm, input, 2.0, dims, keepdim)
    if p == "nuc":
        return apply(NucNorm, input, dims, keepdim)
    if p in (1, -1, math.inf, -math.inf, 2, -2):
        return apply(MatrixNormOrd, input, p, dims, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")


@tensor_method()
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: vector norms for numeric ``p``, 'fro' and 'nuc' for matrices.

    Example:
        >>> torch.norm(torch.tensor([3., 4.]))
        tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return _vector_norm(input, 2, dim, keepdim, dtype)
        if dim is None:
            dim = tuple(range(input.ndim))
        return _matrix_norm(input, p, dim, keepdim, dtype)
    return _vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype)


# ---- renorm ----------------------------------------------------------------------------

def _renorm_factor(input, p, dim, maxnorm):
    from .indexing import where

    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = wrap_dim(dim, input.ndim)
    norm = _vector_norm(input, p, tuple(i for i in _b.range(input.ndim) if i != d), True)
    one = _wrap(np.ones((), norm._data.dtype))
    return where(norm > maxnorm, maxnorm / (norm + 1e-7), one)


@tensor_method()
def renorm(input, p, dim, maxnorm, *, out=None) -> Tensor:
    """Scale each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` down to ``maxnorm``
    (the gradient flows through the norm too, as torch's).

    Example:
        >>> torch.renorm(torch.tensor([[3., 4.], [0.3, 0.4]]), 2, 0, 1.)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    return input * _renorm_factor(input, p, dim, maxnorm)


@tensor_method()
def renorm_(self, p, dim, maxnorm) -> Tensor:
    """In-place ``renorm``: rescales each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm``.

    Example:
        >>> torch.tensor([[3., 4.], [0.3, 0.4]]).renorm_(2, 0, 1.)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    return self.mul_(_renorm_factor(self, p, dim, maxnorm))
