"""Randomized low-rank SVD and PCA (Halko, Martinsson & Tropp, 2009, Algorithm 4.4), as
``torch.svd_lowrank`` / ``torch.pca_lowrank``; differentiable through qr, svd and matmul.
The random test matrix comes from ember's generator (seed it for repeatable results)."""
from .._tensor import Tensor

__all__ = ["svd_lowrank", "pca_lowrank"]


def _mh(A):
    return A.t() if A._sparse else A.mH


def _basis(A, q, niter, M):
    """Q with orthonormal columns such that Q Q^H (A - M) approximates A - M."""
    from ..linalg import qr
    from .creation import randn

    dtype = A.dtype if A.dtype.is_floating_point or A.is_complex() else None
    R = randn(A.shape[-1], q, dtype=dtype)
    X = A @ R if M is None else A @ R - M @ R
    Q = qr(X).Q
    for _ in range(niter):
        X = _mh(A) @ Q if M is None else _mh(A) @ Q - M.mH @ Q
        Q = qr(X).Q
        X = A @ Q if M is None else A @ Q - M @ Q
        Q = qr(X).Q
    return Q


def _svd_lowrank(A, q, niter, M):
    from ..linalg import svd

    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(tuple(A.shape))
    if m < n:
        A = _mh(A)
        M = None if M is None else M.mH
    Q = _basis(A, q, niter, M)
    B = Q.mH @ A if not A._sparse else (A.t() @ Q.conj()).mH
    if M is not None:
        B = B - Q.mH @ M
    U, S, Vh = svd(B, full_matrices=False)
    V, U = Vh.mH, Q @ U
    return (V, S, U) if m < n else (U, S, V)


def svd_lowrank(A, q=6, niter=2, M=None):
    """An approximate rank-``q`` SVD ``(U, S, V)`` with A ~ U diag(S) V^H (V, not V^H).

    Args:
        A: (*, m, n) tensor (or a sparse matrix).
        q: the rank to find (a slight overestimate of A's).
        niter: subspace iterations (2 suffices in most cases).
        M: a tensor broadcastable to A, subtracted from it first.

    Example::

        >>> A = ember.randn(20, 3) @ ember.randn(3, 15)
        >>> U, S, V = ember.svd_lowrank(A, q=4)
        >>> S.shape
        torch.Size([4])
    """
    return _svd_lowrank(A, 6 if q is None else q, 2 if niter is None else niter, M)


def pca_lowrank(A, q=None, center=True, niter=2):
    """Principal components of the rows of ``A``: ``(U, S, V)`` of the (centered) matrix;
    V's columns are the principal directions, S**2 / (m - 1) the variances.

    Example::

        >>> U, S, V = ember.pca_lowrank(ember.randn(50, 5), q=3)
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    if isinstance(A, Tensor) and A._sparse:
        if A.ndim != 2:
            raise ValueError("pca_lowrank input is expected to be 2-dimensional tensor")
        C = A.to_dense().mean(dim=-2, keepdim=True)
        return _svd_lowrank(A, q, niter, C.expand(m, n))
    return _svd_lowrank(A - A.mean(dim=-2, keepdim=True), q, niter, None)
