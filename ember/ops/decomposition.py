"""Decompositions and solvers: the ops behind ``ember.linalg`` (solve, solve_triangular,
cholesky, eigh, svd, qr: forward on NumPy's LAPACK, backward from the standard
matrix-calculus formulas) and torch's older top-level forms (``torch.svd``, ``torch.qr``,
``torch.cholesky``, ``cholesky_solve``, ``cholesky_inverse``, ``pinverse``)."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, apply, holomorphic
from .linalg import Inverse, _LinAlgError, _square, _swap, matmul

__all__ = ["pinverse", "cholesky", "qr", "svd", "cholesky_solve", "cholesky_inverse"]


@holomorphic
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

    def backward_ops(self, g):
        from ..linalg import solve

        a = self.saved_input(0, self.a)
        x = self.saved_output(self.x[..., 0] if self.vec else self.x)
        if self.vec:
            g, x = g.unsqueeze(-1), x.unsqueeze(-1)
        gb = solve(a.mT, g)
        return -matmul(gb, x.mT), (gb.squeeze(-1) if self.vec else gb)


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
        gL = _swap(g).conj() if self.upper else g
        # L^-H X L^-1 with X = (P + tril(P, -1)^H) / 2, P = tril(L^H gL) (PyTorch's formula)
        P = np.tril(np.matmul(_swap(L).conj(), gL))
        X = 0.5 * (P + _swap(np.tril(P, -1)).conj())
        Linv = np.linalg.inv(L)
        return np.matmul(np.matmul(_swap(Linv).conj(), X), Linv)

    def backward_ops(self, g):
        from ..linalg import inv

        out = self.saved_output(_swap(self.L).conj() if self.upper else self.L)
        L, gL = (out.mH, g.mT) if self.upper else (out, g)
        P = matmul(L.mT, gL)
        P = P.tril() - 0.5 * P.diagonal(0, -2, -1).diag_embed()
        Linv = inv(L)
        S = matmul(matmul(Linv.mT, P), Linv)
        return 0.5 * (S + S.mT)


class Eigh(Op):
    name = "LinalgEighBackward0"

    def forward(self, a, UPLO="L"):
        _square(a, "linalg.eigh")
        w, v = np.linalg.eigh(a, UPLO=UPLO)
        self.w, self.v = w, v
        return w, v

    def backward(self, gw, gv):
        return _eig_backward(gw, gv, self.w, self.v, True)

    def backward_ops(self, gw, gv):
        return _eig_backward_ops(gw, gv, self.saved_output(self.w, 0), self.saved_output(self.v, 1), True)


def _eig_backward(gw, gv, w, v, hermitian):
    """A V = V diag(w): the gradient of A (PyTorch's formula; V^-H when not Hermitian)."""
    vh = np.conj(_swap(v))
    inner = np.matmul(vh, gv)
    if hermitian:
        inner = (inner - np.conj(_swap(inner))) * 0.5
    else:   # V's columns have unit norm: remove the part of gV along them
        inner = inner - np.matmul(vh, v * np.real(np.diagonal(inner, 0, -2, -1))[..., None, :])
    wc = np.conj(w)
    E = wc[..., None, :] - wc[..., :, None]
    n = w.shape[-1]
    i = np.arange(n)
    E[..., i, i] = 1
    gA = inner / E
    gA[..., i, i] = gw
    if hermitian:
        return np.matmul(np.matmul(v, gA), vh)
    return np.linalg.solve(vh, np.matmul(gA, vh))


def _eig_backward_ops(gw, gv, w, v, hermitian):
    """``_eig_backward`` written with ember ops (tensors)."""
    from ..linalg import solve
    from .complex import real
    from .indexing import where

    vh = v.mH
    inner = matmul(vh, gv)
    if hermitian:
        inner = (inner - inner.mH) * 0.5
    else:
        inner = inner - matmul(vh, v * real(inner.diagonal(0, -2, -1)).unsqueeze(-2))
    wc = w.conj()
    eye = _wrap(np.eye(w.shape[-1], dtype=bool))
    E = wc.unsqueeze(-2) - wc.unsqueeze(-1) + eye.to(w.dtype)
    gA = where(eye, gw.to(inner.dtype).diag_embed(), inner / E)
    if hermitian:
        return matmul(matmul(v, gA), vh)
    return solve(vh, matmul(gA, vh))


class Eig(Op):
    name = "LinalgEigBackward0"

    def forward(self, a):
        _square(a, "linalg.eig")
        w, v = np.linalg.eig(a)
        ct = np.complex128 if a.dtype in (np.float64, np.complex128) else np.complex64
        self.w, self.v, self.real = w.astype(ct, copy=False), v.astype(ct, copy=False), a.dtype.kind != "c"
        return self.w, self.v

    def backward(self, gw, gv):
        gA = _eig_backward(gw, gv, self.w, self.v, False)
        return gA.real if self.real else gA

    def backward_ops(self, gw, gv):
        from .complex import real

        gA = _eig_backward_ops(gw, gv, self.saved_output(self.w, 0), self.saved_output(self.v, 1), False)
        return real(gA) if self.real else gA


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

    def backward_ops(self, gu, gs, gvh):
        s = self.saved_output(self.s, 1)
        k = s.shape[-1]
        u, vh = self.saved_output(self.u, 0)[..., :k], self.saved_output(self.vh, 2)[..., :k, :]
        gu, gvh = gu[..., :k], gvh[..., :k, :]
        v, gv = vh.mT, gvh.mT
        m, n = u.shape[-2], v.shape[-2]
        d = s.unsqueeze(-2) ** 2 - s.unsqueeze(-1) ** 2
        same = _wrap((d._data == 0).astype(d._data.dtype))        # where s_i = s_j: F is 0
        F = (1 - same) / (d + same)
        ut_gu, vt_gv = matmul(u.mT, gu), matmul(v.mT, gv)
        inner = (F * (ut_gu - ut_gu.mT)) * s.unsqueeze(-2) + s.unsqueeze(-1) * (F * (vt_gv - vt_gv.mT))
        ga = matmul(matmul(u, inner + gs.diag_embed()), vh)
        zero = _wrap((self.s == 0).astype(self.s.dtype))
        sinv = ((1 - zero) / (s + zero)).unsqueeze(-2)
        if m > k:   # the part of gU outside U's span
            ga = ga + matmul((gu - matmul(u, ut_gu)) * sinv, vh)
        if n > k:   # the part of gV outside V's span
            ga = ga + matmul(u * sinv, (gv - matmul(v, vt_gv)).mT)
        return ga


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
        gx = _qr_tall_backward(q, r1, gq + np.matmul(y, _swap(gr2).conj()), gr1)
        gy = np.matmul(q, gr2)
        return np.concatenate([gx, gy], axis=-1)

    def backward_ops(self, gq, gr):
        from .joining import cat

        if self.mode == "r" or self.mode == "complete" and self.q.shape[-2] > self.r.shape[-1]:
            return self.no_double_backward(gq, gr)   # backward raises torch's error
        q, r = self.saved_output(self.q, 0), self.saved_output(self.r, 1)
        m, n = q.shape[-2], r.shape[-1]
        if m >= n:
            return _qr_tall_backward_ops(q, r, gq, gr)
        r1, r2, gr1, gr2 = r[..., :m], r[..., m:], gr[..., :m], gr[..., m:]
        gx = _qr_tall_backward_ops(q, r1, gq + matmul(matmul(q, r2), gr2.mT), gr1)
        return cat([gx, matmul(q, gr2)], -1)


def _qr_tall_backward(q, r, gq, gr):
    """dA for A = QR with A (m, n), m >= n, Q (m, n), R (n, n) upper (complex: ^T is ^H)."""
    M = np.matmul(r, _swap(gr).conj()) - np.matmul(_swap(gq).conj(), q)
    low = np.tril(M, -1)
    M = low + _swap(low).conj() + M.real * np.eye(M.shape[-1], dtype=M.dtype)   # copyltu
    b = gq + np.matmul(q, M)
    # X = b @ R^{-H}: solve R X^H = b^H
    return _swap(np.linalg.solve(r, _swap(b).conj())).conj()


def _qr_tall_backward_ops(q, r, gq, gr):
    """``_qr_tall_backward`` written with ember ops (tensors)."""
    from ..linalg import solve

    M = matmul(r, gr.mT) - matmul(gq.mT, q)
    low = M.tril(-1)
    M = low + low.mT + M.diagonal(0, -2, -1).diag_embed()
    return solve(r, (gq + matmul(q, M)).mT).mT


@holomorphic
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

    def backward_ops(self, g):
        from ..linalg import solve_triangular

        # input 0 at the value of the triangle forward read: solve_triangular reads no other entry
        t, x = self.saved_input(0, self.t), self.saved_output(self.x)
        gb = solve_triangular(t.mT, g, upper=not self.upper, unitriangular=self.unit)
        ga = -matmul(gb, x.mT)
        return (ga.triu(1 if self.unit else 0) if self.upper else ga.tril(-1 if self.unit else 0)), gb


def _from_factor(L, upper):
    """A = L L^H (or U^H U) from its Cholesky factor (composed, so gradients reach the factor)."""
    if L.ndim < 2 or L.shape[-1] != L.shape[-2]:
        raise RuntimeError("cholesky: A must be batches of square matrices")
    return matmul(L.mH, L) if upper else matmul(L, L.mH)


@tensor_method()
def cholesky_solve(B, L, upper=False, *, out=None) -> Tensor:
    """Solve ``A X = B`` given the Cholesky factor of ``A``.

    Example:
        >>> L = torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
        <BLANKLINE>
        >>> torch.cholesky_solve(torch.tensor([[6.], [7.]]), L)
        tensor([[1.],
                [1.]])
    """
    from ..linalg import solve

    if B.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {B.ndim} dimensions instead")
    return solve(_from_factor(L, upper), B)


@tensor_method()
def cholesky_inverse(L, upper=False, *, out=None) -> Tensor:
    """The inverse of ``A = L L^H`` from its Cholesky factor ``L`` (``U^H U`` when ``upper``).

    Example:
        >>> torch.cholesky_inverse(torch.tensor([[2., 0.], [1., 1.]]))
        tensor([[ 0.5000, -0.5000],
                [-0.5000,  1.0000]])
    """
    return apply(Inverse, _from_factor(L, upper), what="cholesky_inverse")


@tensor_method()
def pinverse(input, rcond=1e-15) -> Tensor:
    """The Moore-Penrose pseudo-inverse (``linalg.pinv`` with ``rtol=rcond``).

    Example:
        >>> torch.pinverse(torch.tensor([[1., 0.], [0., 2.], [0., 0.]]))
        tensor([[1.0000, 0.0000, 0.0000],
                [0.0000, 0.5000, 0.0000]])
    """
    from ..linalg import pinv

    return pinv(input, rtol=rcond)


@tensor_method()
def cholesky(input, upper=False, *, out=None) -> Tensor:
    """Deprecated form of ``linalg.cholesky``: the lower (or ``upper``) Cholesky factor.

    Example:
        >>> torch.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    from ..linalg import cholesky as _chol

    return _chol(input, upper=upper)


@tensor_method()
def qr(input, some=True, *, out=None):
    """Deprecated form of ``linalg.qr``: ``(Q, R)``, reduced when ``some`` (the default).

    Example:
        >>> Q, R = torch.qr(torch.tensor([[3., 0.], [4., 1.]]))
        >>> torch.allclose(Q @ R, torch.tensor([[3., 0.], [4., 1.]]))
        True
    """
    from ..linalg import qr as _qr
    from .reduction import return_types

    return return_types.qr(*_qr(input, "reduced" if some else "complete"))


@tensor_method()
def svd(input, some=True, compute_uv=True, *, out=None):
    """``(U, S, V)`` with ``V`` (not ``Vh``); ``compute_uv=False`` gives zero U and V, as torch.

    Example:
        >>> U, S, V = torch.svd(torch.tensor([[3., 0.], [0., -2.]]))
        <BLANKLINE>
        >>> S
        tensor([3., 2.])
    """
    from ..linalg import svd as _svd
    from ..linalg import svdvals
    from .reduction import return_types

    a = input._data
    if not compute_uv:
        m, n = a.shape[-2], a.shape[-1]
        return return_types.svd(_wrap(np.zeros(a.shape[:-2] + (m, m), a.dtype)), svdvals(input),
                                _wrap(np.zeros(a.shape[:-2] + (n, n), a.dtype)))
    u, s, vh = _svd(input, full_matrices=not some)
    return return_types.svd(u, s, vh.mH)


class Pinv(Op):
    """Moore-Penrose pseudo-inverse; ``cutoff(s)`` gives the singular-value threshold."""
    name = "LinalgPinvBackward0"
    saves = (0,)

    def forward(self, a, cutoff, hermitian):
        if hermitian:
            w, v = np.linalg.eigh(a)
            keep = np.abs(w) > cutoff(np.abs(w))
            inv = np.where(keep, 1 / np.where(keep, w, 1), 0).astype(w.dtype)
            p = np.matmul(v * inv[..., None, :], np.conj(_swap(v)))
        else:
            u, s, vh = np.linalg.svd(a, full_matrices=False)
            keep = s > cutoff(s)
            inv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(s.dtype)
            p = np.matmul(np.conj(_swap(vh)) * inv[..., None, :], np.conj(_swap(u)))
        self.a, self.p = a, p.astype(a.dtype, copy=False)
        return self.p

    def backward(self, g):
        A, P = self.a, self.p
        h = lambda x: np.conj(_swap(x))  # noqa: E731
        Ph, gh = h(P), h(g)
        if A.shape[-2] <= A.shape[-1]:
            K = gh @ P
            KPh = K @ Ph
            return -h(P @ K) + KPh - (A @ P) @ KPh + (Ph @ P) @ (gh - K @ A)
        K = P @ gh
        PhK = Ph @ K
        return -h(K @ P) + ((gh - A @ K) @ P) @ Ph + PhK - (PhK @ P) @ A

    def backward_ops(self, g):
        A, P = self.saved_input(0, self.a), self.saved_output(self.p)
        Ph, gh = P.mH, g.mH
        if A.shape[-2] <= A.shape[-1]:
            K = gh @ P
            KPh = K @ Ph
            return -(P @ K).mH + KPh - (A @ P) @ KPh + (Ph @ P) @ (gh - K @ A)
        K = P @ gh
        PhK = Ph @ K
        return -(K @ P).mH + ((gh - A @ K) @ P) @ Ph + PhK - (PhK @ P) @ A
