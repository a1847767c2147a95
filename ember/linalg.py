"""``ember.linalg``: the ``torch.linalg`` namespace on NumPy's LAPACK.

Differentiable: norm, vector_norm, matrix_norm, inv, det, slogdet, solve, solve_triangular,
cholesky, eigh (values and vectors), svd, svdvals, qr, cond, multi_dot, vecdot, cross,
matmul, tensorinv, tensorsolve. pinv, lstsq, matrix_rank and eig/eigvals give values only.
"""
import numpy as np

from ._tensor import _wrap
from .ops._apply import Op, apply, wrap_dim
from .ops.linalg import (LinAlgError, _LinAlgError, Det, Inverse, Slogdet, _square, _swap,  # noqa: F401
                         matmul, cross as _cross, det as _det, matrix_power, matrix_exp)
from .ops.reduction import _vector_norm, _matrix_norm, _rt

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "solve", "svd", "qr", "eigh",
           "eigvalsh", "cholesky", "cross", "matmul", "slogdet", "LinAlgError", "svdvals", "pinv",
           "matrix_power", "matrix_exp", "matrix_rank", "cond", "multi_dot", "vecdot", "diagonal",
           "vander", "solve_triangular", "inv_ex", "cholesky_ex", "solve_ex", "lstsq", "eig",
           "eigvals", "tensorinv", "tensorsolve"]


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
    """X with A X = B (``left=False``: X A = B)."""
    if not left:
        return apply(Solve, A.mT, B.mT).mT
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


class Svd(Op):
    """Reduced or full SVD; the gradient uses the first min(m, n) singular vectors (as PyTorch,
    which ignores the extra columns of a full U or rows of a full Vh)."""
    name = "LinalgSvdBackward0"

    def forward(self, a, full_matrices=True):
        if a.ndim < 2:
            raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        self.u, self.s, self.vh = u, s, vh
        return u, s, vh

    def backward(self, gu, gs, gvh):
        s = self.s
        k = s.shape[-1]
        u, vh = self.u[..., :k], self.vh[..., :k, :]
        gu, gvh = gu[..., :k], gvh[..., :k, :]
        v, gv = _swap(vh), _swap(gvh)
        m, n = u.shape[-2], v.shape[-2]
        d = s[..., None, :] ** 2 - s[..., :, None] ** 2          # s_j^2 - s_i^2
        with np.errstate(divide="ignore"):
            F = np.where(d == 0, 0, 1.0 / np.where(d == 0, 1, d)).astype(s.dtype)
        ut_gu = np.matmul(_swap(u), gu)
        vt_gv = np.matmul(_swap(v), gv)
        J = F * (ut_gu - _swap(ut_gu))
        K = F * (vt_gv - _swap(vt_gv))
        inner = J * s[..., None, :] + s[..., :, None] * K
        i = np.arange(k)
        inner[..., i, i] += gs
        ga = np.matmul(np.matmul(u, inner), vh)
        with np.errstate(divide="ignore", invalid="ignore"):
            sinv = np.where(s == 0, 0, 1.0 / np.where(s == 0, 1, s)).astype(s.dtype)
        if m > k:   # the part of gU outside U's span
            proj = gu - np.matmul(u, ut_gu)
            ga = ga + np.matmul(proj * sinv[..., None, :], vh)
        if n > k:   # the part of gV outside V's span
            proj = gv - np.matmul(v, vt_gv)
            ga = ga + np.matmul(u * sinv[..., None, :], _swap(proj))
        return ga


def svd(A, full_matrices=True, *, driver=None, out=None):
    """U (.., m, m or k), S (.., k), Vh (.., n or k, n) with k = min(m, n); differentiable."""
    return _svd_t(*apply(Svd, A, full_matrices=full_matrices))


def svdvals(A, *, driver=None, out=None):
    return apply(Svd, A, full_matrices=False)[1]


class Qr(Op):
    """Householder QR (NumPy's LAPACK); gradient as PyTorch's ``linalg_qr_backward``."""
    name = "LinalgQrBackward0"

    def forward(self, a, mode="reduced"):
        if a.ndim < 2:
            raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
        if mode not in ("reduced", "complete", "r"):
            raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                               "'reduced' (default), 'r', or 'complete'")
        if mode == "r":
            self.mode = mode
            return np.empty((0,), a.dtype), np.linalg.qr(a, mode="r")
        q, r = np.linalg.qr(a, mode=mode)
        self.q, self.r, self.mode = q, r, mode
        return q, r

    def backward(self, gq, gr):
        if self.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                               "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                               "to differentiate through linalg.qr.")
        q, r = self.q, self.r
        m, n = q.shape[-2], r.shape[-1]
        if self.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_tall_backward(q, r, gq, gr)
        # wide: A = [X | Y] with X = Q R1 square, Y = Q R2
        r1, r2 = r[..., :m], r[..., m:]
        gr1, gr2 = gr[..., :m], gr[..., m:]
        y = np.matmul(q, r2)
        gx = _qr_tall_backward(q, r1, gq + np.matmul(y, _swap(gr2)), gr1)
        gy = np.matmul(q, gr2)
        return np.concatenate([gx, gy], axis=-1)


def _qr_tall_backward(q, r, gq, gr):
    """dA for A = QR with A (m, n), m >= n, Q (m, n), R (n, n) upper."""
    M = np.matmul(r, _swap(gr)) - np.matmul(_swap(gq), q)
    low = np.tril(M, -1)
    M = low + _swap(low) + M * np.eye(M.shape[-1], dtype=M.dtype)   # copyltu
    b = gq + np.matmul(q, M)
    # b @ R^{-T}: solve R X^T = b^T
    return _swap(np.linalg.solve(r, _swap(b)))


def qr(A, mode="reduced", *, out=None):
    """Q, R with A = QR; ``mode`` 'reduced', 'complete' or 'r' (Q empty); differentiable."""
    return _qr_t(*apply(Qr, A, mode=mode))


def _rank_cutoff(s, atol, rtol, shape, dtype):
    """PyTorch's tolerance: max(atol, rtol * s_max), rtol defaulting to eps * max(m, n)."""
    smax = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    if rtol is None:
        rtol = 0.0 if (atol is not None and atol > 0) else np.finfo(dtype).eps * max(shape[-2:])
    return np.maximum(0.0 if atol is None else atol, rtol * smax)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Pseudo-inverse V diag(1/s) U^T over the singular values above the tolerance;
    differentiable through ``svd`` (for a constant rank)."""
    U, S, Vh = svd(A, full_matrices=False)
    keep = S._data > _rank_cutoff(S._data, atol, rtol, A.shape, A._data.dtype)
    drop = _wrap(~keep)
    inv_s = S.masked_fill(drop, 1.0).reciprocal().masked_fill(drop, 0.0)
    return (Vh.mT * inv_s.unsqueeze(-2)) @ U.mT


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol * s_max) (int64, no gradient)."""
    s = np.linalg.svd(A._data, compute_uv=False)
    return _wrap((s > _rank_cutoff(s, atol, rtol, A.shape, A._data.dtype)).sum(-1).astype(np.int64))


def cond(A, p=None, *, out=None):
    """Condition number: s_max / s_min for ``p`` None or 2 (-2: the inverse), else
    ``norm(A, p) * norm(inv(A), p)``."""
    if p in (None, 2, -2):
        S = svdvals(A)
        mx, mn = S.amax(-1), S.amin(-1)
        return mn / mx if p == -2 else mx / mn
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def multi_dot(tensors, *, out=None):
    """``A @ B @ ... @ Z`` in the cheapest association order (1-D ends as vectors)."""
    ts = list(tensors)
    if len(ts) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(ts)}")
    first, last = ts[0].ndim == 1, ts[-1].ndim == 1
    if first:
        ts[0] = ts[0].unsqueeze(0)
    if last:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    dims = [ts[0].shape[0]] + [t.shape[1] for t in ts]
    n = len(ts)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):          # matrix-chain order
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k

    def prod(i, j):
        if i == j:
            return ts[i]
        k = split[i][j]
        return prod(i, k) @ prod(k + 1, j)
    r = prod(0, n - 1)
    if first:
        r = r.squeeze(0)
    if last:
        r = r.squeeze(-1)
    return r


def vecdot(x, y, *, dim=-1, out=None):
    """Sum over ``dim`` of conj(x) * y (broadcasting)."""
    return (x.conj() * y if x.is_complex() else x * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset, dim1, dim2)


def vander(x, *, N=None):
    """Columns x**0, x**1, ..., x**(N-1) over the last dim (batched)."""
    n = x.shape[-1] if N is None else N
    if n <= 0:
        raise RuntimeError("N must be greater than 1.")
    from . import stack
    cols = [x ** 0] + [x ** i for i in range(1, n)]
    return stack(cols, -1)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with A X = B (``left=False``: X A = B) for triangular A; differentiable."""
    if not left:
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    return apply(SolveTriangular, A, B, upper=upper, unit=unitriangular)


class SolveTriangular(Op):
    name = "LinalgSolveTriangularBackward0"
    saves = (0, 1)

    def forward(self, a, b, upper, unit):
        t = np.triu(a) if upper else np.tril(a)
        if unit:
            n = t.shape[-1]
            t = t.copy()
            t[..., np.arange(n), np.arange(n)] = 1
        self.t, self.upper, self.unit = t, upper, unit
        self.x = np.linalg.solve(t, b)
        return self.x

    def backward(self, g):
        gb = np.linalg.solve(_swap(self.t), g)
        ga = -np.matmul(gb, _swap(self.x))
        ga = np.triu(ga, 1 if self.unit else 0) if self.upper else np.tril(ga, -1 if self.unit else 0)
        return ga, gb


_inv_ex_t = _rt("linalg_inv_ex", ("inverse", "info"))
_cholesky_ex_t = _rt("linalg_cholesky_ex", ("L", "info"))
_solve_ex_t = _rt("linalg_solve_ex", ("result", "info"))
_lstsq_t = _rt("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
_eig_t = _rt("linalg_eig", ("eigenvalues", "eigenvectors"))


def _ex(fn, A, check_errors, make):
    """``*_ex``: the result and an int32 ``info`` (0 = success); errors raise only with
    ``check_errors``, else info is 1 and the result is NaN."""
    batch = A.shape[:-2]
    try:
        r = fn()
        info = np.zeros(batch, np.int32)
    except LinAlgError:
        if check_errors:
            raise
        r = None
        info = np.ones(batch, np.int32)
    return make(r, _wrap(info))


def inv_ex(A, *, check_errors=False, out=None):
    return _ex(lambda: inv(A), A, check_errors, lambda r, info: _inv_ex_t(
        r if r is not None else _wrap(np.full(A.shape, np.nan, A._data.dtype)), info))


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    return _ex(lambda: cholesky(A, upper=upper), A, check_errors, lambda r, info: _cholesky_ex_t(
        r if r is not None else _wrap(np.full(A.shape, np.nan, A._data.dtype)), info))


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    return _ex(lambda: solve(A, B, left=left), A, check_errors, lambda r, info: _solve_ex_t(
        r if r is not None else _wrap(np.full(B.shape, np.nan, B._data.dtype)), info))


def lstsq(A, B, rcond=None, *, driver=None, out=None):
    """Least squares ``min ||A X - B||``. ``solution`` is differentiable (through ``pinv``);
    ``rank`` for 'gelsy' (the default), 'gelsd', 'gelss'; ``residuals`` and
    ``singular_values`` for 'gelsd' and 'gelss', as PyTorch's CPU drivers return them."""
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"parameter `driver` should be one of (gels, gelsy, gelsd, gelss), "
                           f"got {driver}")
    vec = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vec else B
    X = pinv(A, rtol=rcond) @ Bm
    dt = A._data.dtype
    empty = _wrap(np.empty((0,), dt))
    rank = matrix_rank(A, rtol=rcond) if driver != "gels" else _wrap(np.empty((0,), np.int64))
    resid, sv = empty, empty
    if driver in ("gelsd", "gelss"):
        sv = _wrap(np.linalg.svd(A._data, compute_uv=False))
        m, n = A.shape[-2], A.shape[-1]
        if m > n and bool((rank._data == n).all()):
            r = (A.detach() @ X.detach() - Bm.detach())
            resid = _wrap((r._data ** 2).sum(-2))
    return _lstsq_t(X.squeeze(-1) if vec else X, resid, rank, sv)


def eig(A, *, out=None):
    """Eigenvalues and right eigenvectors of a general square matrix (complex); no gradient."""
    _square(A._data, "linalg.eig")
    _no_grad_outputs(A, "eig")
    w, v = np.linalg.eig(A._data)
    ct = np.complex128 if A._data.dtype == np.float64 else np.complex64
    return _eig_t(_wrap(w.astype(ct, copy=False)), _wrap(v.astype(ct, copy=False)))


def eigvals(A, *, out=None):
    return eig(A)[0]


def tensorinv(A, ind=2, *, out=None):
    """The inverse for ``tensordot(A, ., ind)``: A reshaped to a square matrix, inverted."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    lead, trail = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    n = int(np.prod(lead))
    if n != int(np.prod(trail)):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {int(np.prod(trail))} != {n}")
    return inv(A.reshape(n, n)).reshape(trail + lead)


def tensorsolve(A, B, dims=None, *, out=None):
    """X with ``tensordot(A, X, X.ndim) == B``."""
    if dims is not None:
        nd = A.ndim
        keep = [d for d in range(nd) if d not in [x % nd for x in dims]]
        A = A.permute(*(keep + [x % nd for x in dims]))
    xshape = tuple(A.shape[B.ndim:])
    n = int(np.prod(B.shape))
    return solve(A.reshape(n, -1), B.reshape(n)).reshape(xshape)


def cross(input, other, *, dim=-1, out=None):
    return _cross(input, other, dim=dim)
