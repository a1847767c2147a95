"""``ember.linalg``: the ``torch.linalg`` namespace on NumPy's LAPACK.

Differentiable: norm, vector_norm, matrix_norm, inv, det, solve, cholesky, eigh (values
and vectors), cross, matmul. svd and qr give values without gradient support.
"""
import collections

import numpy as np

from ._tensor import _wrap
from .ops._apply import Op, apply, wrap_dim
from .ops.linalg import (LinAlgError, _LinAlgError, Det, Inverse, Slogdet, _square, _swap,  # noqa: F401
                         matmul, cross as _cross, det as _det, matrix_power, matrix_exp)
from .ops.reduction import _vector_norm, _matrix_norm

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "solve", "svd", "qr", "eigh",
           "eigvalsh", "cholesky", "cross", "matmul", "slogdet", "LinAlgError", "svdvals", "pinv",
           "matrix_power", "matrix_exp"]


def _rt(name, fields):
    cls = collections.namedtuple(name, fields)
    cls.__module__ = "torch.return_types"
    return cls


_svd_t = _rt("linalg_svd", ("U", "S", "Vh"))
_qr_t = _rt("linalg_qr", ("Q", "R"))
_eigh_t = _rt("linalg_eigh", ("eigenvalues", "eigenvectors"))
_slogdet_t = _rt("linalg_slogdet", ("sign", "logabsdet"))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(dim, int):
        dim = (dim,)
    return _vector_norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    return _matrix_norm(A, ord, dim, keepdim, dtype)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """``ord=None``: 2-norm of the flattened input (or of ``dim``); matrices for str ords."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return _vector_norm(A, 2, dim, keepdim, dtype)
    if dim is None:
        if A.ndim == 2:
            dim = (-2, -1)
        elif A.ndim == 1 and not isinstance(ord, str):
            dim = (0,)
        else:
            raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be "
                               f"1D or 2D. Got {A.ndim}D.")
    if len(dim) == 2:
        return _matrix_norm(A, ord, dim, keepdim, dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Order {ord} not supported.")
    return _vector_norm(A, ord, dim, keepdim, dtype)


def inv(A, *, out=None):
    return apply(Inverse, A)


def det(A, *, out=None):
    return _det(A)


def slogdet(A, *, out=None):
    return _slogdet_t(*apply(Slogdet, A))


class Solve(Op):
    name = "LinalgSolveExBackward0"
    saves = (0, 1)

    def forward(self, a, b, left=True):
        _square(a, "linalg.solve")
        if a.dtype != b.dtype:
            raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                               f"A of type {a.dtype} and B of type {b.dtype} instead")
        vec = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
        bb = b[..., None] if vec else b
        try:
            x = np.linalg.solve(a, bb)
        except np.linalg.LinAlgError:
            raise _LinAlgError("linalg.solve: The solver failed because the input matrix is "
                               "singular.") from None
        self.a, self.x, self.vec = a, x, vec
        return x[..., 0] if vec else x

    def backward(self, g):
        gg = g[..., None] if self.vec else g
        gb = np.linalg.solve(_swap(self.a), gg)
        ga = -np.matmul(gb, _swap(self.x))
        return ga, (gb[..., 0] if self.vec else gb)


def solve(A, B, *, left=True, out=None):
    if not left:
        raise NotImplementedError("linalg.solve(left=False) is not supported")
    return apply(Solve, A, B)


class Cholesky(Op):
    name = "LinalgCholeskyExBackward0"

    def forward(self, a, upper=False):
        _square(a, "linalg.cholesky")
        try:
            L = np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise _LinAlgError("linalg.cholesky: The factorization could not be completed because "
                               "the input is not positive-definite.") from None
        self.L, self.upper = L, upper
        return _swap(L).conj() if upper else L

    def backward(self, g):
        L = self.L
        gL = _swap(g) if self.upper else g
        # Phi(L^T gL) with Phi taking the lower triangle and halving the diagonal
        P = np.matmul(_swap(L), gL)
        P = np.tril(P) - 0.5 * np.tril(np.triu(P))
        Linv = np.linalg.inv(L)
        S = np.matmul(np.matmul(_swap(Linv), P), Linv)
        return 0.5 * (S + _swap(S))


def cholesky(A, *, upper=False, out=None):
    return apply(Cholesky, A, upper=upper)


class Eigh(Op):
    name = "LinalgEighBackward0"

    def forward(self, a, UPLO="L"):
        _square(a, "linalg.eigh")
        w, v = np.linalg.eigh(a, UPLO=UPLO)
        self.w, self.v = w, v
        return w, v

    def backward(self, gw, gv):
        w, v = self.w, self.v
        d = w[..., None, :] - w[..., :, None]
        with np.errstate(divide="ignore"):
            F = np.where(d == 0, 0, 1.0 / np.where(d == 0, 1, d)).astype(w.dtype)
        inner = np.matmul(_swap(v), gv)
        mid = F * inner
        n = w.shape[-1]
        mid[..., np.arange(n), np.arange(n)] += gw
        return np.matmul(np.matmul(v, mid), _swap(v))  # as PyTorch: not symmetrised


def eigh(A, UPLO="L", *, out=None):
    return _eigh_t(*apply(Eigh, A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    return eigh(A, UPLO)[0]


def _no_grad_outputs(A, what):
    if A._rg:
        from .autograd import grad_mode
        if grad_mode.enabled:
            raise NotImplementedError(f"ember.linalg.{what}: backward is not implemented; "
                                      "call it under no_grad or on a detached tensor")


def svd(A, full_matrices=True, *, driver=None, out=None):
    _no_grad_outputs(A, "svd")
    u, s, vh = np.linalg.svd(A._data, full_matrices=full_matrices)
    return _svd_t(_wrap(u), _wrap(s), _wrap(vh))


def svdvals(A, *, driver=None, out=None):
    _no_grad_outputs(A, "svdvals")
    return _wrap(np.linalg.svd(A._data, compute_uv=False))


def qr(A, mode="reduced", *, out=None):
    _no_grad_outputs(A, "qr")
    q, r = np.linalg.qr(A._data, mode=mode if mode != "r" else "r") if mode != "r" else \
        (np.empty((0,), A._data.dtype), np.linalg.qr(A._data, mode="r"))
    return _qr_t(_wrap(q), _wrap(r))


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    _no_grad_outputs(A, "pinv")
    kw = {} if rtol is None else {"rtol": rtol}
    return _wrap(np.linalg.pinv(A._data, hermitian=hermitian, **kw).astype(A._data.dtype, copy=False))


def cross(input, other, *, dim=-1, out=None):
    return _cross(input, other, dim=dim)
