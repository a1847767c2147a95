"""ember.linalg against torch.linalg: svd/qr gradients and the rest of the namespace."""
import numpy as np
import pytest
import torch
from oracle import check, check_raises, gradcheck

import ember

R = np.random.RandomState(0)


def rnd(*shape):
    return R.randn(*shape)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 5, 3)])
def test_svd_values_and_gradients(shape):
    """U, S, Vh match up to each singular pair's sign, and so do the gradients of a loss
    that uses all three (sign-invariantly, as any well-posed loss must)."""
    a = rnd(*shape)
    k = min(shape[-2:])
    cu, cv = rnd(shape[-2], k), rnd(k, shape[-1])
    res = []
    for m in (torch, ember):
        A = m.tensor(a, requires_grad=True)
        U, S, Vh = m.linalg.svd(A, full_matrices=False)
        loss = ((U ** 2 * m.tensor(cu)).sum() + (S ** 3).sum() + (Vh ** 2 * m.tensor(cv)).sum()
                + (U @ m.diag_embed(S) @ Vh).sin().sum())
        loss.backward()
        res.append([t.detach().numpy() for t in (U, S, Vh, A.grad)])
    (tu, ts, tv, tg), (eu, es, ev, eg) = res
    sign = np.sign((tu * eu).sum(-2, keepdims=True))
    np.testing.assert_allclose(eu * sign, tu, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ev * np.swapaxes(sign, -1, -2), tv, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(es, ts, rtol=1e-12)
    np.testing.assert_allclose(eg, tg, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_svd_full_matrices_and_svdvals(shape):
    a = rnd(*shape)
    check(lambda m, x: m.linalg.svd(x, full_matrices=True)[1], [a])
    check(lambda m, x: m.linalg.svdvals(x), [a])
    gradcheck(lambda m, x: m.linalg.svdvals(x), a)
    check(lambda m, x: (m.linalg.svd(x)[0][..., :min(shape)] ** 2), [a], grad=False)


@pytest.mark.parametrize("shape,mode", [((5, 3), "reduced"), ((3, 5), "reduced"), ((4, 4), "reduced"),
                                        ((3, 5), "complete"), ((2, 5, 3), "reduced")])
def test_qr_values_and_gradients(shape, mode):
    a = rnd(*shape)
    check(lambda m, x: m.cat([t.reshape(-1) for t in m.linalg.qr(x, mode=mode)]), [a])
    gradcheck(lambda m, x: m.linalg.qr(x, mode=mode)[0].sin().sum() + (m.linalg.qr(x, mode=mode)[1] ** 2).sum(), a)


def test_qr_errors():
    for m in (torch, ember):
        A = m.tensor(rnd(5, 3), requires_grad=True)
        with pytest.raises(RuntimeError):   # complete Q of a tall matrix is not differentiable
            m.linalg.qr(A, mode="complete")[0].sum().backward()
        with pytest.raises(RuntimeError):
            m.linalg.qr(A, mode="r")[1].sum().backward()
    check_raises(lambda m, x: m.linalg.qr(x, mode="bad"), rnd(3, 3))


def test_pinv_lstsq_rank_cond():
    a, b = rnd(6, 4), rnd(6, 2)
    check(lambda m, x: m.linalg.pinv(x), [a])
    gradcheck(lambda m, x: m.linalg.pinv(x), a)
    check(lambda m, x: m.linalg.pinv(x, rtol=0.5), [a], grad=False)
    check(lambda m, x, y: m.linalg.lstsq(x, y).solution, [a, b])
    for drv in ("gelsd", "gelss"):
        for k in ("solution", "residuals", "rank", "singular_values"):
            check(lambda m, x, y: getattr(m.linalg.lstsq(x, y, driver=drv), k), [a, b], grad=False)
    low = rnd(5, 2) @ rnd(2, 4)
    check(lambda m, x: m.linalg.matrix_rank(x), [low], grad=False)
    check(lambda m, x: m.linalg.matrix_rank(x, atol=1.0, rtol=0.0), [a], grad=False)
    for p in (None, 2, -2):
        check(lambda m, x: m.linalg.cond(x, p), [rnd(4, 4)])
    for p in ("fro", "nuc", 1, float("inf")):   # torch 2.13's own backward fails its version check here
        check(lambda m, x: m.linalg.cond(x, p), [rnd(4, 4)], grad=False)
    gradcheck(lambda m, x: m.linalg.cond(x, "fro"), rnd(4, 4))


def test_solves():
    a, b = rnd(4, 4) + 4 * np.eye(4), rnd(4, 3)
    check(lambda m, x, y: m.linalg.solve(x, y, left=False), [a, rnd(3, 4)])
    for upper in (True, False):
        for unit in (True, False):
            check(lambda m, x, y: m.linalg.solve_triangular(x, y, upper=upper, unitriangular=unit),
                  [a, b])
        check(lambda m, x, y: m.linalg.solve_triangular(x, y, upper=upper, left=False), [a, rnd(3, 4)])
    gradcheck(lambda m, x, y: m.linalg.solve_triangular(x, y, upper=True), a, b)
    for name, args in (("inv_ex", (a,)), ("cholesky_ex", (a @ a.T,)), ("solve_ex", (a, b))):
        check(lambda m, *xs: getattr(m.linalg, name)(*xs)[0], list(args))
        check(lambda m, *xs: getattr(m.linalg, name)(*xs)[1], list(args), grad=False)
    # info is LAPACK's, per matrix: the first zero pivot of LU, the first leading minor that is
    # not positive-definite for Cholesky
    sing = np.array([[[2., 0., 0.], [0., 0., 0.], [0., 0., 1.]], np.eye(3),
                     [[0., 1., 0.], [0., 2., 0.], [1., 0., 1.]], np.zeros((3, 3))])
    check(lambda m, x: m.linalg.inv_ex(x).info, [sing], grad=False)
    check(lambda m, x: m.linalg.solve_ex(x, x[..., :1]).info, [sing], grad=False)
    check(lambda m, x: m.linalg.cholesky_ex(x).info, [sing - 2 * np.eye(3) * (np.arange(4) % 2)[:, None, None]],
          grad=False)
    sing = np.zeros((3, 3))
    check_raises(lambda m, x: m.linalg.inv_ex(x, check_errors=True), sing)


def test_products_and_shapes():
    mats = [rnd(3, 5), rnd(5, 2), rnd(2, 6), rnd(6)]
    check(lambda m, *xs: m.linalg.multi_dot(xs), mats)
    check(lambda m, *xs: m.linalg.multi_dot(xs), [rnd(4), rnd(4, 3), rnd(3)])
    check_raises(lambda m, x: m.linalg.multi_dot([x]), rnd(3, 3))
    check(lambda m, x, y: m.linalg.vecdot(x, y), [rnd(3, 4), rnd(4)])
    check(lambda m, x, y: m.linalg.vecdot(x, y, dim=0), [rnd(3, 4), rnd(3, 4)])
    check(lambda m, x: m.linalg.diagonal(x, offset=1), [rnd(2, 4, 4)])
    check(lambda m, x: m.linalg.vander(x), [rnd(2, 3)])
    check(lambda m, x: m.linalg.vander(x, N=5), [rnd(3)])
    t = rnd(6, 2, 3, 4) + 0
    t4 = rnd(4, 6, 8, 3).reshape(4, 6, 24)[..., :4 * 6].reshape(4, 6, 4, 6) + 5 * np.eye(24).reshape(4, 6, 4, 6)
    check(lambda m, x: m.linalg.tensorinv(x, ind=2), [t4])
    check(lambda m, x, y: m.linalg.tensorsolve(x, y), [t4, rnd(4, 6)])
    check_raises(lambda m, x: m.linalg.tensorinv(x, ind=1), t)


def test_eig():
    a = rnd(4, 4)
    res = [m.linalg.eigvals(m.tensor(a)).numpy() for m in (torch, ember)]
    np.testing.assert_allclose(np.sort_complex(res[1]), np.sort_complex(res[0]), rtol=1e-10)
    w, v = ember.linalg.eig(ember.tensor(a))
    assert w.dtype == ember.complex128 and v.dtype == ember.complex128
    np.testing.assert_allclose(a @ v.numpy(), v.numpy() * w.numpy(), atol=1e-10)
