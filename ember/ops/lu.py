"""The LU family and Householder products: ``linalg.lu_factor(_ex)``, ``linalg.lu``,
``linalg.lu_solve``, ``torch.lu`` / ``lu_unpack`` / ``lu_solve``, ``triangular_solve``,
``geqrf``, ``linalg.householder_product`` and ``ormqr``.

The factorizations run on NumPy (partial pivoting and Householder reflections written
here, LAPACK's conventions: 1-based int32 pivots, ``tau`` scalars). ``lu_factor``'s backward
is the matrix-calculus formula for A = P L U; everything built on the factors (unpacking,
solves, Householder products) is composed from differentiable ember ops.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, apply
from .linalg import _LinAlgError
from .reduction import _rt

__all__ = ["lu_unpack", "triangular_solve", "geqrf", "ormqr"]   # ember.lu / lu_solve: the *_legacy forms

_lu_factor_t = _rt("linalg_lu_factor", ("LU", "pivots"))
_lu_factor_ex_t = _rt("linalg_lu_factor_ex", ("LU", "pivots", "info"))
_lu_t = _rt("linalg_lu", ("P", "L", "U"))
_lu_unpack_t = _rt("lu_unpack", ("P", "L", "U"))
_tri_t = _rt("triangular_solve", ("solution", "cloned_coefficient"))
_geqrf_t = _rt("geqrf", ("a", "tau"))


def _h(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _check_matrix(a, what):
    if a.ndim < 2:
        raise RuntimeError(f"{what}: The input tensor A must have at least 2 dimensions.")
    if a.dtype.kind not in "fc":
        raise NotImplementedError(f'"{what}" not implemented for \'{D.scalar_type_name(D.from_np[a.dtype])}\'')


# ---- LU with partial pivoting ----------------------------------------------------------------

def _lu_np(a, pivot=True):
    """Packed LU (L below the unit diagonal, U on and above), 1-based pivots, info (first
    zero pivot, 1-based; 0 when none), batched over leading dims."""
    *batch, m, n = a.shape
    k = min(m, n)
    lu = a.reshape((int(np.prod(batch, dtype=np.int64)), m, n)).copy()
    B = lu.shape[0]
    piv = np.tile(np.arange(1, k + 1, dtype=np.int32), (B, 1))
    info = np.zeros(B, np.int32)
    rows = np.arange(B)
    for j in range(k):
        if pivot:
            col = lu[:, j:, j]
            mag = np.abs(col.real) + np.abs(col.imag) if lu.dtype.kind == "c" else np.abs(col)
            p = j + np.argmax(mag, axis=1)
            piv[:, j] = p + 1
            swap = p != j
            if swap.any():
                r, pp = rows[swap], p[swap]
                lu[r, j], lu[r, pp] = lu[r, pp].copy(), lu[r, j].copy()
        d = lu[:, j, j]
        zero = d == 0
        info[(info == 0) & zero] = j + 1
        dd = np.where(zero, 1, d)
        lu[:, j + 1:, j] = np.where(zero[:, None], lu[:, j + 1:, j], lu[:, j + 1:, j] / dd[:, None])
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), piv.reshape(tuple(batch) + (k,)), info.reshape(tuple(batch))


def _perm(piv, m):
    """Row order ``perm`` with P^T A = A[perm] for LAPACK pivots (batched)."""
    *batch, k = piv.shape
    p = np.tile(np.arange(m), (int(np.prod(batch, dtype=np.int64)), 1))
    pv = piv.reshape(-1, k).astype(np.int64) - 1
    rows = np.arange(p.shape[0])
    for j in range(k):
        t = pv[:, j]
        p[rows, j], p[rows, t] = p[rows, t], p[rows, j].copy()
    return p.reshape(tuple(batch) + (m,))


def _unpack_np(lu, piv, m, n):
    k = min(m, n)
    L = np.tril(lu[..., :, :k], -1)
    idx = np.arange(k)
    L[..., idx, idx] = 1
    U = np.triu(lu[..., :k, :])
    perm = _perm(piv, m)
    P = np.swapaxes(np.eye(m, dtype=lu.dtype)[perm], -1, -2)
    return P, L, U


def _tri_solve(t, b, upper, unit=False, left=True):
    """Solve with a triangular ``t`` (NumPy's general solver on the masked triangle)."""
    t = np.triu(t) if upper else np.tril(t)
    if unit:
        t = t.copy()
        i = np.arange(t.shape[-1])
        t[..., i, i] = 1
    if left:
        return np.linalg.solve(t, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


def _lu_backward(gL, gU, P, L, U, pivot):
    """Gradient of A = P L U from the factors' gradients (either may be None)."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m == n:
        gA = 0
        if gL is not None:
            gA = np.tril(_h(L) @ gL, -1)
        if gU is not None:
            gA = gA + np.triu(gU @ _h(U))
        gA = _tri_solve(_h(U), gA, upper=False, left=False)
        gA = _tri_solve(_h(L), gA, upper=True, unit=True)
    elif m < n:
        U1 = U[..., :k]
        gA = 0
        if gL is not None:
            gA = _h(L) @ gL
        if gU is not None:
            gA = gA - np.triu(gU) @ _h(U)
        gA = _tri_solve(_h(U1), np.tril(np.broadcast_to(gA, L.shape[:-2] + (k, k)), -1), upper=False,
                        left=False)
        if gU is not None:
            gA = np.concatenate([gA + np.triu(gU[..., :k]), gU[..., k:]], -1)
        gA = _tri_solve(_h(L), gA, upper=True, unit=True)
        if gU is None:
            gA = np.concatenate([gA, np.zeros(U.shape[:-2] + (k, n - k), gA.dtype)], -1)
    else:
        L1 = L[..., :k, :]
        gA = 0
        if gU is not None:
            gA = gU @ _h(U)
        if gL is not None:
            gA = gA - _h(L) @ np.tril(gL, -1)
        gA = _tri_solve(_h(L1), np.triu(np.broadcast_to(gA, U.shape[:-2] + (k, k))), upper=True, unit=True)
        if gL is not None:
            gA = np.concatenate([gA + np.tril(gL[..., :k, :], -1), gL[..., k:, :]], -2)
        gA = _tri_solve(_h(U), gA, upper=False, left=False)
        if gL is None:
            gA = np.concatenate([gA, np.zeros(L.shape[:-2] + (m - k, k), gA.dtype)], -2)
    return P @ gA if pivot else gA


class LuFactor(Op):
    name = "LinalgLuFactorExBackward0"
    nondiff = (1, 2)

    def forward(self, a, pivot):
        lu, piv, info = _lu_np(a, pivot)
        self.lu, self.piv, self.pivot = lu, piv, pivot
        return lu, piv, info

    def backward(self, g, gp=None, gi=None):
        m, n = self.lu.shape[-2:]
        k = min(m, n)
        P, L, U = _unpack_np(self.lu, self.piv, m, n)
        return _lu_backward(g[..., :, :k], g[..., :k, :], P, L, U, self.pivot)

    def backward_ops(self, g, gp=None, gi=None):
        from ..linalg import solve_triangular as tri
        from .joining import cat

        m, n = self.lu.shape[-2:]
        k = min(m, n)
        P = _wrap(_unpack_np(self.lu, self.piv, m, n)[0])
        lu = self.saved_output(self.lu)
        L = lu[..., :, :k].tril(-1) + _wrap(np.eye(m, k, dtype=self.lu.dtype))
        U = lu[..., :k, :].triu()
        gL, gU = g[..., :, :k], g[..., :k, :]
        if m == n:
            gA = (L.mH @ gL).tril(-1) + (gU @ U.mH).triu()
            gA = tri(U.mH, gA, upper=False, left=False)
        elif m < n:
            gA = tri(U[..., :k].mH, (L.mH @ gL - gU.triu() @ U.mH).tril(-1), upper=False, left=False)
            gA = cat([gA + gU[..., :k].triu(), gU[..., k:]], -1)
        else:
            gA = tri(L[..., :k, :].mH, (gU @ U.mH - L.mH @ gL.tril(-1)).triu(), upper=True, unitriangular=True)
            gA = cat([gA + gL[..., :k, :].tril(-1), gL[..., k:, :]], -2)
        gA = tri(U.mH, gA, upper=False, left=False) if m > n else tri(L.mH, gA, upper=True, unitriangular=True)
        return P @ gA if self.pivot else gA


def _factor(A, pivot, what):
    if not isinstance(A, Tensor):
        raise TypeError(f"{what}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    _check_matrix(A._data, what)
    if not pivot:
        raise RuntimeError(f"{what}: LU without pivoting is not implemented on the CPU")
    return apply(LuFactor, A, pivot=pivot)


def _raise_info(info, what):
    bad = np.asarray(info._data).reshape(-1)
    if (bad > 0).any():
        i = int(bad[bad > 0][0])
        raise _LinAlgError(f"{what}: U[{i},{i}] is zero and using it on lu_solve would result in a "
                           "division by zero. If you still want to perform the factorization, consider "
                           "calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """``(LU, pivots, info)``: the packed LU factorization with partial pivoting.

    Args:
        A: (*, m, n) float or complex tensor.
        pivot: must be True on the CPU.
        check_errors: raise when a pivot is exactly zero (info > 0).

    Example::

        >>> LU, piv, info = ember.linalg.lu_factor_ex(ember.randn(3, 3))
    """
    lu, piv, info = _factor(A, pivot, "linalg.lu_factor_ex")
    if check_errors:
        _raise_info(info, "torch.linalg.lu_factor_ex")
    return _lu_factor_ex_t(lu, piv, info)


def lu_factor(A, *, pivot=True, out=None):
    """``(LU, pivots)``: the packed LU factorization (raises on a singular matrix).

    Example::

        >>> A = ember.randn(3, 3)
        >>> LU, piv = ember.linalg.lu_factor(A)
        >>> ember.linalg.lu_solve(LU, piv, A).shape
        torch.Size([3, 3])
    """
    lu, piv, info = _factor(A, pivot, "linalg.lu_factor")
    _raise_info(info, "torch.linalg.lu_factor")
    return _lu_factor_t(lu, piv)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """``(P, L, U)`` from a packed factorization; differentiable in ``LU_data``."""
    if LU_pivots.dtype is not D.int32:
        raise RuntimeError("lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                           "dtype. Note: this function is intended to be used with the output produced "
                           "by torch.linalg.lu_factor")
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    empty = _wrap(np.empty((0,), LU_data._data.dtype))
    L = U = empty
    if unpack_data:
        L = LU_data[..., :, :k].tril(-1) + _wrap(np.eye(m, k, dtype=LU_data._data.dtype))
        U = LU_data[..., :k, :].triu()
    P = empty
    if unpack_pivots:
        perm = _perm(LU_pivots._data, m)
        P = _wrap(np.swapaxes(np.eye(m, dtype=LU_data._data.dtype)[perm], -1, -2))
    return _lu_unpack_t(P, L, U)


def lu(A, *, pivot=True, out=None):
    """``(P, L, U)`` with A = P L U; differentiable (through ``lu_factor``)."""
    lu_, piv, _ = _factor(A, pivot, "linalg.lu")
    return _lu_t(*lu_unpack(lu_, piv))


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """X with A X = B (``left=False``: X A = B; ``adjoint``: with A^H) from ``lu_factor``'s output."""
    from ..linalg import solve_triangular

    m, n = LU.shape[-2:]
    if m != n:
        raise RuntimeError(f"linalg.lu_solve: Expected LU to be square, got {m} x {n}")
    if B.ndim < 2 or (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {'x'.join(map(str, B.shape[-2:]))})")
    P, L, U = lu_unpack(LU, pivots)
    Ph = P.mT
    if left and not adjoint:       # X = U^-1 L^-1 P^T B
        y = solve_triangular(L, Ph @ B, upper=False, unitriangular=True)
        return solve_triangular(U, y, upper=True)
    if left:                        # A^H X = B: X = P L^-H U^-H B
        y = solve_triangular(U.mH, B, upper=False)
        return P @ solve_triangular(L.mH, y, upper=True, unitriangular=True)
    if not adjoint:                 # X A = B: X = B U^-1 L^-1 P^T
        y = solve_triangular(U, B, upper=True, left=False)
        return solve_triangular(L, y, upper=False, left=False, unitriangular=True) @ Ph
    # X A^H = B: X = B P L^-H U^-H
    y = solve_triangular(L.mH, B @ P, upper=True, left=False, unitriangular=True)
    return solve_triangular(U.mH, y, upper=False, left=False)


def lu_legacy(A, pivot=True, get_infos=False, out=None):
    """``torch.lu``: ``(LU, pivots)`` or, with ``get_infos``, ``(LU, pivots, infos)``."""
    lu_, piv, info = _factor(A, pivot, "torch.lu")
    if get_infos:
        return lu_, piv, info
    _raise_info(info, "torch.lu")
    return lu_, piv


def lu_solve_legacy(b, LU_data, LU_pivots, *, out=None) -> Tensor:
    """``torch.lu_solve(b, LU_data, LU_pivots)``: ``linalg.lu_solve`` with the old argument order."""
    return lu_solve(LU_data, LU_pivots, b)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """``(solution, cloned_coefficient)`` of A X = b (A^T X = b with ``transpose``)."""
    from ..linalg import solve_triangular

    if A.ndim < 2 or b.ndim < 2:
        raise RuntimeError(f"triangular_solve: Expected b and A to have at least 2 dimensions, but they "
                           f"have {b.ndim} and {A.ndim}")
    M = A.mT if transpose else A
    x = solve_triangular(M, b, upper=upper != transpose, unitriangular=unitriangular)
    return _tri_t(x, A.clone())


# ---- Householder --------------------------------------------------------------------------------

def _geqrf_np(a):
    """LAPACK geqrf: R on and above the diagonal, reflectors v (v[0] = 1 implicit) below, tau."""
    *batch, m, n = a.shape
    k = min(m, n)
    r = a.reshape((int(np.prod(batch, dtype=np.int64)), m, n)).copy()
    tau = np.zeros((r.shape[0], k), r.dtype)
    for j in range(k):
        x = r[:, j:, j]
        alpha = x[:, 0].copy()
        xnorm = np.linalg.norm(x[:, 1:], axis=1)
        done = (xnorm == 0) & (alpha.imag == 0 if r.dtype.kind == "c" else True)
        beta = -np.copysign(np.sqrt(np.abs(alpha) ** 2 + xnorm ** 2), alpha.real)
        beta = np.where(done, alpha.real, beta)
        safe = np.where(done, 1, beta)
        t = np.where(done, 0, (beta - alpha) / safe)
        scale = np.where(done, 0, 1 / np.where(done, 1, alpha - beta))
        v = x[:, 1:] * scale[:, None]
        r[:, j + 1:, j] = np.where(done[:, None], r[:, j + 1:, j], v)
        r[:, j, j] = np.where(done, alpha, beta)
        tau[:, j] = t
        # apply H = I - tau v v^H to the trailing columns (v[0] = 1)
        vv = np.concatenate([np.ones((r.shape[0], 1), r.dtype), r[:, j + 1:, j]], 1)
        w = np.einsum("bi,bij->bj", vv.conj(), r[:, j:, j + 1:])
        r[:, j:, j + 1:] -= np.conj(t)[:, None, None] * vv[:, :, None] * w[:, None, :]
    return r.reshape(a.shape), tau.reshape(tuple(batch) + (k,))


def geqrf(input, *, out=None):
    """``(a, tau)``: LAPACK's QR form (R above the diagonal, Householder vectors below).
    Not differentiable, as in torch."""
    _check_matrix(input._data, "geqrf")
    if input.requires_grad:
        from ..autograd import grad_mode
        if grad_mode.enabled:
            raise RuntimeError("the derivative for 'geqrf' is not implemented.")
    a, tau = _geqrf_np(input._data)
    return _geqrf_t(_wrap(a), _wrap(tau))


def _reflector(A, tau, i):
    """(v, tau_i) of the i-th Householder reflector stored in column i of A."""
    from .joining import cat

    m = A.shape[-2]
    lead = tuple(A.shape[:-2])
    one = _wrap(np.ones(lead + (1,), A._data.dtype))
    zeros = _wrap(np.zeros(lead + (i,), A._data.dtype))
    v = cat([zeros, one, A[..., i + 1:m, i]], -1)
    return v, tau[..., i]


def _apply_reflectors(A, tau, C, left, transpose):
    """Q C (or C Q, with Q^H when ``transpose``) for Q = H_0 H_1 ... H_{k-1}."""
    k = tau.shape[-1]
    order = range(k)
    # Q C = H_0 (H_1 (... C)): apply the last reflector first; Q^H C applies H_0^H first
    if left != transpose:
        order = reversed(order)
    for i in order:
        v, t = _reflector(A, tau, i)
        t = t.conj() if transpose else t
        if left:   # H C = C - t v (v^H C)
            C = C - (t[..., None, None] * v.unsqueeze(-1)) @ (v.conj().unsqueeze(-2) @ C)
        else:      # C H = C - t (C v) v^H
            C = C - (C @ v.unsqueeze(-1)) @ (t[..., None, None] * v.conj().unsqueeze(-2))
    return C


def householder_product(A, tau, *, out=None):
    """The first n columns of H_0 ... H_{k-1}, H_i = I - tau_i v_i v_i^H (v_i in A's column i).

    Example::

        >>> a, tau = ember.geqrf(ember.randn(4, 3))
        >>> Q = ember.linalg.householder_product(a, tau)   # Q of the QR factorization
    """
    m, n = A.shape[-2:]
    if A.ndim < 2 or m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or "
                           "equal to input.shape[-1]")
    if tau.shape[-1] > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or "
                           "equal to tau.shape[-1]")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"torch.linalg.householder_product: Expected batch dimensions of tau to be "
                           f"equal to input.shape[:-2], but got {list(tau.shape[:-1])}")
    eye = _wrap(np.broadcast_to(np.eye(m, n, dtype=A._data.dtype), tuple(A.shape)).copy())
    if tau.shape[-1] == 0:
        return eye + A * 0   # no reflectors: the identity, still part of the graph (zero gradient)
    return _apply_reflectors(A, tau, eye, True, False)


def ormqr(input, tau, other, left=True, transpose=False, *, out=None) -> Tensor:
    """Q C, C Q, Q^H C or C Q^H with Q from ``geqrf``'s (input, tau); differentiable."""
    k = tau.shape[-1]
    mn = other.shape[-2] if left else other.shape[-1]
    if k != min(mn, input.shape[-1]):
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be equal to min(other.shape[-2], "
                           "input.shape[-1])" if left else "torch.ormqr: tau.shape[-1] must be less "
                           "than or equal to min(other.shape[-1], input.shape[-1])")
    if input.shape[-2] != mn:
        raise RuntimeError(f"torch.ormqr: input.shape[-2] must be equal to other.shape"
                           f"[{-2 if left else -1}]")
    return _apply_reflectors(input, tau, other, left, transpose)


tensor_method("lu")(lu_legacy)
tensor_method("lu_solve")(lu_solve_legacy)
tensor_method("triangular_solve")(triangular_solve)
tensor_method("geqrf")(geqrf)
tensor_method("ormqr")(ormqr)


# ---- LDL^T with Bunch-Kaufman pivoting (LAPACK sytf2, lower) --------------------------------------

_ldl_t = _rt("linalg_ldl_factor", ("LD", "pivots"))
_ldl_ex_t = _rt("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
_BK_ALPHA = (1 + 17 ** 0.5) / 8   # Bunch-Kaufman threshold


def _ldl_np(a, hermitian):
    """(LD, pivots, info) of one symmetric (Hermitian) matrix from its lower triangle."""
    n = a.shape[-1]
    cj = np.conj if hermitian else (lambda x: x)
    A = np.tril(a) + cj(np.tril(a, -1)).T          # the full matrix the lower triangle stands for
    if hermitian:
        A[np.arange(n), np.arange(n)] = A.diagonal().real
    piv = np.zeros(n, np.int32)
    info, k = 0, 0
    mag = (lambda x: np.abs(x.real) + np.abs(x.imag)) if A.dtype.kind == "c" else np.abs
    while k < n:
        kstep = 1
        absakk = abs(A[k, k].real) if hermitian else mag(A[k, k])
        imax, colmax = k, 0.0
        if k < n - 1:
            col = mag(A[k + 1:, k])
            imax = k + 1 + int(np.argmax(col))
            colmax = col[imax - k - 1]
        if max(absakk, colmax) == 0 or np.isnan(absakk):
            info = info or k + 1
            kp = k
        else:
            if absakk >= _BK_ALPHA * colmax:
                kp = k
            else:
                rowmax = float(mag(A[imax, k:imax]).max())
                if imax < n - 1:
                    rowmax = max(rowmax, float(mag(A[imax + 1:, imax]).max()))
                aii = abs(A[imax, imax].real) if hermitian else mag(A[imax, imax])
                if absakk >= _BK_ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif aii >= _BK_ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:   # symmetric interchange of kk and kp in the trailing matrix
                A[[kk, kp], k:] = A[[kp, kk], k:]
                A[k:, [kk, kp]] = A[k:, [kp, kk]]
            if kstep == 1:
                if k < n - 1:
                    c = A[k + 1:, k].copy()
                    A[k + 1:, k + 1:] -= np.outer(c / A[k, k], cj(c))
                    A[k + 1:, k] = c / A[k, k]
                    A[k, k + 1:] = cj(A[k + 1:, k])
            elif k < n - 2:
                D = A[k:k + 2, k:k + 2]
                C = A[k + 2:, k:k + 2].copy()
                W = C @ np.linalg.inv(D)
                A[k + 2:, k + 2:] -= W @ cj(C).T
                A[k + 2:, k:k + 2] = W
                A[k:k + 2, k + 2:] = cj(W).T
        if kstep == 1:
            piv[k] = kp + 1
        else:
            piv[k] = piv[k + 1] = -(kp + 1)
        k += kstep
    return np.tril(A), piv, info


def _ldl_batched(A, hermitian, what):
    a = A._data
    _check_matrix(a, what)
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{what}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    flat = a.reshape((int(np.prod(a.shape[:-2], dtype=np.int64)),) + a.shape[-2:])
    res = [_ldl_np(m, hermitian and a.dtype.kind == "c") for m in flat]
    n = a.shape[-1]
    LD = np.stack([r[0] for r in res]).reshape(a.shape) if res else np.zeros(a.shape, a.dtype)
    piv = np.stack([r[1] for r in res]).reshape(a.shape[:-1]) if res else np.zeros(a.shape[:-1], np.int32)
    info = np.array([r[2] for r in res], np.int32).reshape(a.shape[:-2])
    return _wrap(LD.astype(a.dtype, copy=False)), _wrap(piv), _wrap(info), n


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """``(LD, pivots, info)``: A = L D L^T (L^H with ``hermitian``) with Bunch-Kaufman pivoting,
    in LAPACK's compact form (L below the diagonal, 1x1 and 2x2 blocks of D on it). Not
    differentiable, as torch."""
    LD, piv, info, _ = _ldl_batched(A, hermitian, "torch.linalg.ldl_factor_ex")
    if check_errors and (info._data > 0).any():
        raise _LinAlgError("torch.linalg.ldl_factor_ex: The factorization could not be completed because "
                           f"the input is not invertible (D[{int(info._data.max())}] is zero).")
    return _ldl_ex_t(LD, piv, info)


def ldl_factor(A, *, hermitian=False, out=None):
    """``(LD, pivots)`` of :func:`ldl_factor_ex` (raises when D is singular)."""
    LD, piv, info = ldl_factor_ex(A, hermitian=hermitian, check_errors=True)
    return _ldl_t(LD, piv)


def _ldl_rebuild(LD, piv, hermitian):
    """The symmetric matrix P L D L^T P^T the compact factorization stands for."""
    n = LD.shape[-1]
    cj = np.conj if hermitian else (lambda x: x)
    D = np.zeros((n, n), LD.dtype)
    blocks, k = [], 0
    while k < n:
        s = 1 if piv[k] > 0 else 2
        D[k:k + s, k:k + s] = LD[k:k + s, k:k + s]
        if s == 2:
            D[k, k + 1] = cj(LD[k + 1, k])
        blocks.append((k, s, abs(int(piv[k])) - 1))
        k += s
    M = D
    for k, s, kp in reversed(blocks):   # A = P1 L1 P2 L2 ... D ... L2^T P2 L1^T P1 (lower form)
        Lk = np.eye(n, dtype=LD.dtype)
        Lk[k + s:, k:k + s] = LD[k + s:, k:k + s]
        M = Lk @ M @ cj(Lk).T
        kk = k + s - 1
        if kp != kk:
            M[[kk, kp]] = M[[kp, kk]]
            M[:, [kk, kp]] = M[:, [kp, kk]]
    return M


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """X with A X = B for A given by :func:`ldl_factor`'s (LD, pivots)."""
    ld, pv, b = LD._data, pivots._data, B._data
    if ld.ndim < 2 or b.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: LD and B must have at least 2 dimensions")
    if pv.dtype != np.int32:
        raise RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got Long")
    herm = hermitian and ld.dtype.kind == "c"
    lead = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
    nb = int(np.prod(lead, dtype=np.int64))
    ldb = np.broadcast_to(ld, lead + ld.shape[-2:]).reshape((nb,) + ld.shape[-2:])
    pvb = np.broadcast_to(pv, lead + pv.shape[-1:]).reshape((nb, pv.shape[-1]))
    bb = np.broadcast_to(b, lead + b.shape[-2:]).reshape((nb,) + b.shape[-2:])
    xs = [np.linalg.solve(_ldl_rebuild(l, p, herm), r) for l, p, r in zip(ldb, pvb, bb)]
    x = np.stack(xs).reshape(lead + b.shape[-2:]) if xs else np.zeros(lead + b.shape[-2:], b.dtype)
    return _wrap(x.astype(np.result_type(ld, b), copy=False))
