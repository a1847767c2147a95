"""The LU family and Householder products against torch: values, pivots, gradients (square,
wide and tall), every lu_solve mode, legacy spellings, and bad input."""
import numpy as np
import pytest
from oracle import check, check_raises, gradcheck, rand

import ember

pytestmark = pytest.mark.filterwarnings("ignore:torch.(lu|triangular_solve) is deprecated")


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (3, 5), (5, 3)])
def test_lu_factor_and_lu(shape):
    check(lambda m, a: m.linalg.lu_factor(a).LU, [rand(*shape)])
    check(lambda m, a: m.linalg.lu_factor(a).pivots, [rand(*shape)], grad=False)
    check(lambda m, a: tuple(m.linalg.lu(a)), [rand(*shape, dtype=np.float64)])
    check(lambda m, a: tuple(m.linalg.lu_factor_ex(a)), [rand(*shape, dtype=np.float64)])
    check(lambda m, a: tuple(m.lu_unpack(*m.linalg.lu_factor(a))), [rand(*shape, dtype=np.float64)])
    gradcheck(lambda m, a: m.linalg.lu_factor(a).LU, rand(*shape, dtype=np.float64))
    gradcheck(lambda m, a: m.linalg.lu(a).L * 2 + m.linalg.lu(a).U.sum(), rand(*shape, dtype=np.float64))


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve(left, adjoint):
    b = rand(3, 2, dtype=np.float64) if left else rand(2, 3, dtype=np.float64)
    f = lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b, left=left, adjoint=adjoint)  # noqa: E731
    check(f, [rand(3, 3, dtype=np.float64), b])
    gradcheck(f, rand(3, 3, dtype=np.float64), b)


def test_legacy_spellings():
    a, b = rand(2, 3, 3, dtype=np.float64), rand(2, 3, 2, dtype=np.float64)
    check(lambda m, a: tuple(m.lu(a)), [a])
    check(lambda m, a: tuple(m.lu(a, get_infos=True)), [a])
    check(lambda m, a, b: m.lu_solve(b, *m.lu(a)), [a, b])
    check(lambda m, a, b: b.lu_solve(*a.lu()), [a, b])
    for kw in [{}, {"upper": False}, {"transpose": True}, {"unitriangular": True}]:
        check(lambda m, a, b: tuple(m.triangular_solve(b, a, **kw)), [a, b])
    assert type(ember.triangular_solve(ember.ones(2, 1), ember.eye(2))).__name__ == "triangular_solve"


def test_singular_info():
    s = np.array([[1., 2.], [2., 4.]])
    check(lambda m, a: m.linalg.lu_factor_ex(a).info, [s], grad=False)
    check_raises(lambda m, a: m.linalg.lu_factor(a), s)
    check_raises(lambda m, a: m.linalg.lu_factor_ex(a, check_errors=True), s)


@pytest.mark.parametrize("shape", [(5, 3), (3, 3), (2, 4, 2)])
def test_householder(shape):
    check(lambda m, a: tuple(m.geqrf(a)), [rand(*shape, dtype=np.float64)], grad=False)
    a = rand(*shape, dtype=np.float64)
    tau = rand(*shape[:-2], shape[-1], dtype=np.float64)
    check(lambda m, a, t: m.linalg.householder_product(a, t), [a, tau])
    gradcheck(lambda m, a, t: m.linalg.householder_product(a, t), a, tau)
    qr = check(lambda m, a: m.linalg.householder_product(*m.geqrf(a)), [a], grad=False)[0]
    np.testing.assert_allclose((qr.mT @ qr).numpy(), np.broadcast_to(np.eye(shape[-1]), qr.shape[:-2] + (shape[-1],) * 2),
                               atol=1e-10)   # Q has orthonormal columns


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
def test_ormqr(left, transpose):
    a, tau = rand(4, 3, dtype=np.float64), rand(3, dtype=np.float64)
    c = rand(4, 2, dtype=np.float64) if left else rand(2, 4, dtype=np.float64)
    f = lambda m, a, t, c: m.ormqr(a, t, c, left=left, transpose=transpose)  # noqa: E731
    check(f, [a, tau, c])
    gradcheck(f, a, tau, c)


def test_bad_input():
    check_raises(lambda m, a: m.linalg.lu_factor(a), rand(3))
    check_raises(lambda m, a: m.linalg.lu_factor(a.long()), rand(3, 3))
    check_raises(lambda m, a: m.linalg.lu_solve(*m.linalg.lu_factor(a), m.ones(2, 1)), rand(3, 3))
    check_raises(lambda m, a: m.linalg.householder_product(a, m.ones(2)), rand(2, 3))
    check_raises(lambda m, a: m.geqrf(a).a.sum().backward(), rand(3, 3))


def _sym(n, seed, dtype=np.float64, zero_diag=False, batch=()):
    rs = np.random.RandomState(seed)
    a = rs.standard_normal(batch + (n, n))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rs.standard_normal(batch + (n, n))
    if zero_diag:
        a[..., np.arange(n), np.arange(n)] = 0
    return a.astype(dtype)


@pytest.mark.parametrize("n,seed,zero_diag", [(1, 0, False), (3, 1, False), (5, 2, True), (8, 3, False),
                                              (8, 4, True), (6, 5, False)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ldl(n, seed, zero_diag, dtype):
    a = _sym(n, seed, dtype, zero_diag, batch=(2,))
    check(lambda m, a: tuple(m.linalg.ldl_factor_ex(a)), [a], grad=False)
    b = rand(2, n, 3, dtype=dtype)
    check(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a), b), [a, b], grad=False,
          rtol=1e-3 if dtype == np.float32 else 1e-7)


@pytest.mark.parametrize("hermitian", [True, False])
def test_ldl_complex(hermitian):
    a = _sym(5, 7, np.complex128)
    check(lambda m, a: tuple(m.linalg.ldl_factor(a, hermitian=hermitian)), [a], grad=False)
    b = _sym(5, 8, np.complex128)[:, :2]
    check(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a, hermitian=hermitian), b, hermitian=hermitian),
          [a, b], grad=False)
    check_raises(lambda m, a: m.linalg.ldl_factor(a), np.zeros((3, 3)))
