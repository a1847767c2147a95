"""``ember.linalg``: the ``torch.linalg`` namespace on NumPy's LAPACK.

Differentiable: norm, vector_norm, matrix_norm, inv, det, slogdet, solve, solve_triangular,
cholesky, eigh (values and vectors), svd, svdvals, qr, cond, multi_dot, vecdot, cross,
matmul, tensorinv, tensorsolve, pinv, eig, eigvals and the LU family. lstsq and matrix_rank
give values only.
"""
import numpy as np

from ._tensor import Tensor, _wrap
from .ops._apply import apply
from .ops.decomposition import Cholesky, Eig, Eigh, Pinv, Qr, Solve, SolveTriangular, Svd
from .ops.linalg import (  # noqa: F401
    Det,
    Inverse,
    LinAlgError,
    Slogdet,
    _LinAlgError,
    _square,
    _swap,
    matmul,
    matrix_exp,
    matrix_power,
)
from .ops.linalg import det as _det
from .ops.lu import householder_product, ldl_factor, ldl_factor_ex, ldl_solve, lu, lu_factor, lu_factor_ex, lu_solve  # noqa: F401
from .ops.matrices import cross as _cross
from .ops.norms import _matrix_norm, _vector_norm
from .ops.reduction import _rt

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "solve", "svd", "qr", "eigh",
           "eigvalsh", "cholesky", "cross", "matmul", "slogdet", "LinAlgError", "svdvals", "pinv",
           "matrix_power", "matrix_exp", "matrix_rank", "cond", "multi_dot", "vecdot", "diagonal",
           "vander", "solve_triangular", "inv_ex", "cholesky_ex", "solve_ex", "lstsq", "eig",
           "eigvals", "tensorinv", "tensorsolve", "lu_factor", "lu_factor_ex", "lu", "lu_solve",
           "householder_product", "ldl_factor", "ldl_factor_ex", "ldl_solve"]


_svd_t = _rt("linalg_svd", ("U", "S", "Vh"))
_qr_t = _rt("linalg_qr", ("Q", "R"))
_eigh_t = _rt("linalg_eigh", ("eigenvalues", "eigenvectors"))
_slogdet_t = _rt("linalg_slogdet", ("sign", "logabsdet"))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ``ord``-norm of ``x`` over ``dim`` (all elements when ``dim`` is None).

    Example:
        >>> torch.linalg.vector_norm(torch.tensor([3., 4.]))
        tensor(5.)
        >>> torch.linalg.vector_norm(torch.tensor([3., -4.]), ord=float("inf"))
        tensor(4.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    return _vector_norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The matrix norm of ``A`` over ``dim`` (Frobenius by default; ``"nuc"``, ±1, ±2, ±inf).

    Example:
        >>> torch.linalg.matrix_norm(torch.tensor([[1., 2.], [3., 4.]]), ord=1)
        tensor(6.)
    """
    return _matrix_norm(A, ord, dim, keepdim, dtype)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """``ord=None``: 2-norm of the flattened input (or of ``dim``); matrices for str ords.

    Example:
        >>> torch.linalg.norm(torch.tensor([[3., 0.], [0., 4.]]))
        tensor(5.)
        >>> torch.linalg.norm(torch.tensor([3., -4.]), ord=1)
        tensor(7.)
    """
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
    """The inverse of the square matrix (or batch of matrices) ``A``.

    Example:
        >>> torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return apply(Inverse, A)


def det(A, *, out=None):
    """The determinant of the square matrix (or batch of matrices) ``A``.

    Example:
        >>> torch.linalg.det(torch.tensor([[1., 2.], [3., 4.]]))
        tensor(-2.)
    """
    return _det(A)


def slogdet(A, *, out=None):
    """The sign and the log of the absolute value of the determinant, as ``(sign, logabsdet)``.

    Example:
        >>> torch.linalg.slogdet(torch.tensor([[1., 2.], [3., 4.]]))
        torch.return_types.linalg_slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(0.6931))
    """
    return _slogdet_t(*apply(Slogdet, A))


def solve(A, B, *, left=True, out=None):
    """X with A X = B (``left=False``: X A = B).

    Example:
        >>> torch.linalg.solve(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([2., 2.]))
        tensor([1.0000, 0.5000])
    """
    if not left:
        return apply(Solve, A.mT, B.mT).mT
    return apply(Solve, A, B)


def cholesky(A, *, upper=False, out=None):
    """The lower Cholesky factor ``L`` of a Hermitian positive-definite ``A = L L^H`` (``upper``: ``L^H``).

    Example:
        >>> torch.linalg.cholesky(torch.tensor([[4., 2.], [2., 5.]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    return apply(Cholesky, A, upper=upper)


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a Hermitian matrix, as ``(eigenvalues, eigenvectors)``.

    Example:
        >>> torch.linalg.eigh(torch.tensor([[2., 0.], [0., 1.]])).eigenvalues
        tensor([1., 2.])
    """
    return _eigh_t(*apply(Eigh, A, UPLO=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues of a Hermitian matrix, ascending.

    Example:
        >>> torch.linalg.eigvalsh(torch.tensor([[2., 1.], [1., 2.]]))
        tensor([1., 3.])
    """
    return eigh(A, UPLO)[0]


def _no_grad_outputs(A, what):
    if A._rg:
        from .autograd import grad_mode
        if grad_mode.enabled:
            raise NotImplementedError(f"ember.linalg.{what}: backward is not implemented; "
                                      "call it under no_grad or on a detached tensor")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """U (.., m, m or k), S (.., k), Vh (.., n or k, n) with k = min(m, n); differentiable.

    Example:
        >>> U, S, Vh = torch.linalg.svd(torch.tensor([[3., 0.], [0., -2.]]))
        <BLANKLINE>
        >>> S
        tensor([3., 2.])
    """
    return _svd_t(*apply(Svd, A, full_matrices=full_matrices))


def svdvals(A, *, driver=None, out=None):
    """The singular values of ``A``, descending.

    Example:
        >>> torch.linalg.svdvals(torch.tensor([[3., 0.], [0., -4.]]))
        tensor([4., 3.])
    """
    return apply(Svd, A, full_matrices=False)[1]


def qr(A, mode="reduced", *, out=None):
    """Q, R with A = QR; ``mode`` 'reduced', 'complete' or 'r' (Q empty); differentiable.

    Example:
        >>> Q, R = torch.linalg.qr(torch.tensor([[3., 1.], [4., 2.]]))
        <BLANKLINE>
        >>> torch.allclose(Q @ R, torch.tensor([[3., 1.], [4., 2.]]))
        True
    """
    return _qr_t(*apply(Qr, A, mode=mode))


def _rank_cutoff(s, atol, rtol, shape, dtype):
    """PyTorch's tolerance: max(atol, rtol * s_max), rtol defaulting to eps * max(m, n)."""
    smax = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    if rtol is None:
        rtol = 0.0 if (atol is not None and atol > 0) else np.finfo(dtype).eps * max(shape[-2:])
    return np.maximum(0.0 if atol is None else atol, rtol * smax)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Pseudo-inverse over the singular values (``hermitian``: eigenvalues) above
    max(atol, rtol * largest); differentiable. ``rcond`` (positional, the older spelling) is ``rtol``.

    Example:
        >>> torch.linalg.pinv(torch.tensor([[2., 0.], [0., 0.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    if rcond is not None:
        rtol = rcond.item() if isinstance(rcond, Tensor) else rcond
    shape, dt = A.shape, A._data.dtype
    return apply(Pinv, A, cutoff=lambda s: _rank_cutoff(s, atol, rtol, shape, dt), hermitian=hermitian)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The number of singular values above max(atol, rtol * s_max) (int64, no gradient).

    Example:
        >>> torch.linalg.matrix_rank(torch.tensor([[1., 2.], [2., 4.]]))
        tensor(1)
    """
    s = np.linalg.svd(A._data, compute_uv=False)
    return _wrap((s > _rank_cutoff(s, atol, rtol, A.shape, A._data.dtype)).sum(-1).astype(np.int64))


def cond(A, p=None, *, out=None):
    """Condition number: s_max / s_min for ``p`` None or 2 (-2: the inverse), else
    ``norm(A, p) * norm(inv(A), p)``.

    Example:
        >>> torch.linalg.cond(torch.tensor([[2., 0.], [0., 1.]]))
        tensor(2.)
    """
    if p in (None, 2, -2):
        S = svdvals(A)
        mx, mn = S.amax(-1), S.amin(-1)
        return mn / mx if p == -2 else mx / mn
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def multi_dot(tensors, *, out=None):
    """``A @ B @ ... @ Z`` in the cheapest association order (1-D ends as vectors).

    Example:
        >>> torch.linalg.multi_dot([torch.ones(2, 3), torch.ones(3, 4), torch.ones(4)])
        tensor([12., 12.])
    """
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
    """Sum over ``dim`` of conj(x) * y (broadcasting).

    Example:
        >>> torch.linalg.vecdot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
        tensor(11.)
    """
    return (x.conj() * y if x.is_complex() else x * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal of each matrix in ``A`` (``torch.diagonal`` over the last two dimensions).

    Example:
        >>> torch.linalg.diagonal(torch.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    return A.diagonal(offset, dim1, dim2)


def vander(x, *, N=None):
    """Columns x**0, x**1, ..., x**(N-1) over the last dim (batched; a 0-d x counts as one value).

    Example:
        >>> torch.linalg.vander(torch.tensor([1., 2., 3.]))
        tensor([[1., 1., 1.],
                [1., 2., 4.],
                [1., 3., 9.]])
    """
    if x.ndim == 0:
        x = x.reshape(1)
    n = x.shape[-1] if N is None else N
    if n <= 0:
        raise RuntimeError("N must be greater than 1.")
    from . import stack
    cols = [x ** 0] + [x ** i for i in range(1, n)]
    return stack(cols, -1)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """X with A X = B (``left=False``: X A = B) for triangular A; differentiable.

    Example:
        >>> torch.linalg.solve_triangular(torch.tensor([[2., 0.], [1., 1.]]), torch.tensor([[2.], [2.]]), upper=False)
        tensor([[1.],
                [1.]])
    """
    if not left:
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    return apply(SolveTriangular, A, B, upper=upper, unit=unitriangular)


_inv_ex_t = _rt("linalg_inv_ex", ("inverse", "info"))
_cholesky_ex_t = _rt("linalg_cholesky_ex", ("L", "info"))
_solve_ex_t = _rt("linalg_solve_ex", ("result", "info"))
_lstsq_t = _rt("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
_eig_t = _rt("linalg_eig", ("eigenvalues", "eigenvectors"))


def _ex(fn, A, check_errors, make, pivot=False):
    """``*_ex``: the result and an int32 ``info`` per matrix (0 = success); errors raise only
    with ``check_errors``, else the result is NaN and info is LAPACK's: the first zero pivot of
    the LU factorisation (``pivot``) or the order of the first leading minor that is not
    positive-definite (Cholesky), counted from 1."""
    batch = A.shape[:-2]
    try:
        r = fn()
        info = np.zeros(batch, np.int32)
    except LinAlgError:
        if check_errors:
            raise
        r = None
        a = A._data.reshape((-1,) + A._data.shape[-2:])
        info = np.array([_lu_info(m) if pivot else _cholesky_info(m) for m in a], np.int32).reshape(batch)
    return make(r, _wrap(info))


def _lu_info(a):
    """The first zero pivot (from 1) of ``a``'s LU factorisation with partial pivoting; 0 if none."""
    a = a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)
    for j in range(a.shape[0]):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            return j + 1
        a[[j, p]] = a[[p, j]]
        a[j + 1:] -= np.outer(a[j + 1:, j] / a[j, j], a[j])
    return 0


def _cholesky_info(a):
    """The order (from 1) of ``a``'s first leading minor that is not positive-definite; 0 if none."""
    for k in range(1, a.shape[0] + 1):
        try:
            np.linalg.cholesky(a[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


def inv_ex(A, *, check_errors=False, out=None):
    """``inv`` that reports a singular matrix in ``info`` instead of raising: ``(inverse, info)``.

    Example:
        >>> torch.linalg.inv_ex(torch.tensor([[2., 0.], [0., 0.]])).info
        tensor(2, dtype=torch.int32)
    """
    return _ex(lambda: inv(A), A, check_errors, lambda r, info: _inv_ex_t(
        r if r is not None else _wrap(np.full(A.shape, np.nan, A._data.dtype)), info), pivot=True)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``cholesky`` that reports failure in ``info`` instead of raising: ``(L, info)``.

    Example:
        >>> torch.linalg.cholesky_ex(torch.tensor([[1., 0.], [0., -1.]])).info
        tensor(2, dtype=torch.int32)
    """
    return _ex(lambda: cholesky(A, upper=upper), A, check_errors, lambda r, info: _cholesky_ex_t(
        r if r is not None else _wrap(np.full(A.shape, np.nan, A._data.dtype)), info))


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """``solve`` that reports a singular ``A`` in ``info`` instead of raising: ``(result, info)``.

    Example:
        >>> torch.linalg.solve_ex(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([2., 2.]))
        torch.return_types.linalg_solve_ex(
        result=tensor([1.0000, 0.5000]),
        info=tensor(0, dtype=torch.int32))
    """
    return _ex(lambda: solve(A, B, left=left), A, check_errors, lambda r, info: _solve_ex_t(
        r if r is not None else _wrap(np.full(B.shape, np.nan, B._data.dtype)), info), pivot=True)


def lstsq(A, B, rcond=None, *, driver=None, out=None):
    """Least squares ``min ||A X - B||``. ``solution`` and ``residuals`` are differentiable;
    ``rank`` for 'gelsy' (the default), 'gelsd', 'gelss'; ``residuals`` (tall A: always for 'gels',
    at full rank for 'gelsd' / 'gelss') and ``singular_values`` ('gelsd', 'gelss'), as torch's CPU drivers.

    Example:
        >>> A, B = torch.tensor([[1., 0.], [0., 1.], [1., 1.]]), torch.tensor([[1.], [2.], [3.]])
        >>> torch.allclose(torch.linalg.lstsq(A, B).solution, torch.tensor([[1.], [2.]]))
        True
    """
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"parameter `driver` should be one of (gels, gelsy, gelsd, gelss), "
                           f"got {driver}")
    vec = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vec else B
    X = pinv(A, rtol=rcond) @ Bm
    dt = A._data.dtype
    empty = _wrap(np.empty((0,), np.empty(0, dt).real.dtype))   # singular values are real
    rank = matrix_rank(A, rtol=rcond) if driver != "gels" else _wrap(np.empty((0,), np.int64))
    m, n = A.shape[-2], A.shape[-1]
    r = ((A @ X - Bm).abs() ** 2).sum(-2)   # differentiable, as torch's (zero slope in X at the optimum)
    full = driver == "gels" or driver != "gelsy" and bool((rank._data == n).all())
    resid, sv = (r if m > n and full else r.reshape(-1)[:0]), empty
    if driver in ("gelsd", "gelss"):
        sv = _wrap(np.linalg.svd(A._data, compute_uv=False))
    return _lstsq_t(X.squeeze(-1) if vec else X, resid, rank, sv)


def eig(A, *, out=None):
    """Eigenvalues and right eigenvectors (unit columns) of a general square matrix, complex;
    differentiable (a real A gets the real part of the gradient).

    Example:
        >>> torch.linalg.eig(torch.tensor([[2., 0.], [0., 3.]])).eigenvalues
        tensor([2.+0.j, 3.+0.j])
    """
    return _eig_t(*apply(Eig, A))


def eigvals(A, *, out=None):
    """The (complex) eigenvalues of a square matrix.

    Example:
        >>> torch.linalg.eigvals(torch.tensor([[2., 0.], [0., 3.]]))
        tensor([2.+0.j, 3.+0.j])
    """
    return eig(A)[0]


def tensorinv(A, ind=2, *, out=None):
    """The inverse for ``tensordot(A, ., ind)``: A reshaped to a square matrix, inverted.

    Example:
        >>> torch.linalg.tensorinv(torch.eye(4).reshape(4, 2, 2), ind=1).shape
        torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    lead, trail = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    n = int(np.prod(lead))
    if n != int(np.prod(trail)):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {int(np.prod(trail))} != {n}")
    return inv(A.reshape(n, n)).reshape(trail + lead)


def tensorsolve(A, B, dims=None, *, out=None):
    """X with ``tensordot(A, X, X.ndim) == B``.

    Example:
        >>> torch.linalg.tensorsolve(torch.eye(6).reshape(2, 3, 6), torch.ones(2, 3)).shape
        torch.Size([6])
    """
    if dims is not None:
        nd = A.ndim
        keep = [d for d in range(nd) if d not in [x % nd for x in dims]]
        A = A.permute(*(keep + [x % nd for x in dims]))
    xshape = tuple(A.shape[B.ndim:])
    n = int(np.prod(B.shape))
    return solve(A.reshape(n, -1), B.reshape(n)).reshape(xshape)


def cross(input, other, *, dim=-1, out=None):
    """The cross product of 3-vectors along ``dim``, with broadcasting.

    Example:
        >>> torch.linalg.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]))
        tensor([0., 0., 1.])
    """
    return _cross(input, other, dim=dim)


from .ops._out import install as _install_out  # noqa: E402

_install_out(globals(), __all__, exact=True)  # out= as torch.linalg: exact dtype (ops/_out.py)
