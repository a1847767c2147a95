"""softmax, log_softmax and cross_entropy: the numba row kernels (ember/_kernels/softmax.py),
the NumPy path (``_kernels.use("numpy")``) and torch give the same values and gradients."""
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import _kernels

PATHS = ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    not _kernels.available(), reason="numba not installed or EMBER_KERNELS=numpy"))]
DTYPES = ["float32", "float64"]


def _tol(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-11, atol=1e-13)


def _close(a, b, dtype):
    np.testing.assert_allclose(a, b, equal_nan=True, **_tol(dtype))


def _softmax_run(m, fn, x, dim, g, transpose=False):
    xx = m.tensor(x, requires_grad=True)
    inp = xx.transpose(0, -1) if transpose else xx
    y = getattr(m.nn.functional, fn)(inp, dim)
    y.backward(m.tensor(g))
    return y.detach().numpy(), xx.grad.numpy()


def _check_softmax(fn, x, dim, path, transpose=False, seed=1):
    dtype = str(x.dtype)
    shape = x.T.shape if transpose else x.shape
    g = np.random.default_rng(seed).standard_normal(shape).astype(x.dtype)
    ty, tg = _softmax_run(torch, fn, x, dim, g, transpose)
    with _kernels.use(path):
        ey, eg = _softmax_run(ember, fn, x, dim, g, transpose)
    assert ey.dtype == ty.dtype and ey.shape == ty.shape
    _close(ey, ty, dtype)
    _close(eg, tg, dtype)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((3, 1), -1), ((4, 65), -1), ((2, 3, 1000), -1), ((3, 4097), 1),
                                       ((5, 65), 0), ((2, 7, 3), 1), ((3, 5, 300), 1), ((4, 1), 0),
                                       ((9,), 0)])
def test_softmax_values_and_grads(path, dtype, fn, shape, dim):
    x = (np.random.default_rng(0).standard_normal(shape) * 4).astype(dtype)
    _check_softmax(fn, x, dim, path)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_non_contiguous_input(path, fn):
    x = np.random.default_rng(0).standard_normal((65, 6)).astype(np.float32)
    _check_softmax(fn, x, -1, path, transpose=True)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [-1, 0])
def test_softmax_special_values(path, dtype, fn, dim):
    """Rows of -inf (NaN, as torch), some -inf entries (0 / -inf there), a NaN (the row's NaN),
    +inf, and huge logits (no overflow); along the last dim and along dim 0 (the columns)."""
    x = np.random.default_rng(0).standard_normal((6, 70)).astype(dtype)
    x[0] = -np.inf
    x[1, ::3] = -np.inf
    x[2, 5] = np.nan
    x[3, 7] = np.inf
    x[4] *= 1e30 if dtype == "float32" else 1e300
    x[5, -1] = 3e38 if dtype == "float32" else 1e308
    if dim == 0:
        x = np.ascontiguousarray(x.T)
    tx = torch.tensor(x)
    ty = getattr(torch, fn)(tx, dim).numpy()
    with _kernels.use(path):
        ey = getattr(F, fn)(ember.tensor(x), dim).numpy()
    _close(ey, ty, dtype)


@pytest.mark.parametrize("path", PATHS)
def test_softmax_grad_of_a_broadcast_gradient(path):
    """``y.sum().backward()`` hands backward a zero-strided gradient."""
    x = np.random.default_rng(0).standard_normal((4, 300))
    for m in (torch, ember):
        xx = m.tensor(x, requires_grad=True)
        (m.nn.functional.softmax(xx, -1) * m.tensor(x)).sum().backward()
        if m is torch:
            ref = xx.grad.numpy()
    with _kernels.use(path):
        xx = ember.tensor(x, requires_grad=True)
        (F.log_softmax(xx, -1).sum() + (F.softmax(xx, -1) * ember.tensor(x)).sum()).backward()
    tx = torch.tensor(x, requires_grad=True)
    (torch.log_softmax(tx, -1).sum() + (torch.softmax(tx, -1) * torch.tensor(x)).sum()).backward()
    _close(xx.grad.numpy(), tx.grad.numpy(), "float64")
    assert ref.shape == xx.grad.shape


@pytest.mark.parametrize("path", PATHS)
def test_softmax_double_backward(path):
    x = ember.tensor(np.random.default_rng(0).standard_normal((3, 65)), requires_grad=True)
    with _kernels.use(path):
        assert ember.autograd.gradgradcheck(lambda t: F.softmax(t, -1) * t, (x,))
        assert ember.autograd.gradgradcheck(lambda t: F.log_softmax(t, -1) * t, (x,))


def _ce_run(m, x, t, kw, gseed, transpose=False):
    xx = m.tensor(x, requires_grad=True)
    inp = xx.t() if transpose else xx
    if "weight" in kw:
        kw = dict(kw, weight=m.tensor(kw["weight"]))
    loss = m.nn.functional.cross_entropy(inp, m.tensor(t), **kw)
    g = np.random.default_rng(gseed).standard_normal(tuple(loss.shape)).astype(x.dtype)
    loss.backward(m.tensor(g))
    return loss.detach().numpy(), xx.grad.numpy()


def _check_ce(x, t, path, transpose=False, **kw):
    dtype = str(x.dtype)
    tl, tg = _ce_run(torch, x, t, kw, 3, transpose)
    with _kernels.use(path):
        el, eg = _ce_run(ember, x, t, kw, 3, transpose)
    assert el.dtype == tl.dtype and el.shape == tl.shape
    _close(el, tl, dtype)
    _close(eg, tg, dtype)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5, 1), (2048, 65), (64, 1000), (3, 4097)])
def test_cross_entropy_values_and_grads(path, dtype, reduction, shape):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    t = rng.integers(0, shape[1], shape[0])
    _check_ce(x, t, path, reduction=reduction)
    t[::3] = -100                                   # ignored rows
    w = rng.random(shape[1]).astype(dtype)
    _check_ce(x, t, path, reduction=reduction, weight=w)
    t = rng.integers(0, shape[1], shape[0])
    _check_ce(x, t, path, reduction=reduction, weight=w, ignore_index=int(t[1]))


@pytest.mark.parametrize("path", PATHS)
def test_cross_entropy_more_layouts(path):
    """A transposed (non-contiguous) input, classes along dim 1 of (N, C, d), one sample (C,)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((65, 9)).astype(np.float32)
    _check_ce(x, rng.integers(0, 65, 9), path, transpose=True)
    x3 = rng.standard_normal((4, 11, 6)).astype(np.float32)
    _check_ce(x3, rng.integers(0, 11, (4, 6)), path, reduction="none")
    _check_ce(x3[0, :, 0].copy(), np.array(3), path)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_special_values(path, dtype):
    """Huge logits (no overflow), -inf logits away from the target, a NaN row; every target
    ignored under 'mean' (NaN loss, zero gradient)."""
    x = np.random.default_rng(0).standard_normal((4, 70)).astype(dtype)
    x[0] *= 1e30 if dtype == "float32" else 1e300
    x[1, ::2] = -np.inf
    x[2, 3] = np.nan
    t = np.array([5, 1, 0, 2])
    _check_ce(x, t, path, reduction="none")
    _check_ce(x[[0, 1, 3]], t[[0, 1, 3]], path)
    _check_ce(x, np.full(4, -100), path)


@pytest.mark.parametrize("path", PATHS)
def test_cross_entropy_errors_and_double_backward(path):
    x = ember.tensor(np.random.default_rng(0).standard_normal((3, 65)), requires_grad=True)
    t = ember.tensor([1, 64, 0])
    with _kernels.use(path):
        with pytest.raises(IndexError, match="Target 65 is out of bounds"):
            F.cross_entropy(x, ember.tensor([1, 65, 0]))
        assert ember.autograd.gradgradcheck(lambda a: F.cross_entropy(a, t, reduction="sum"), (x,))
        loss = F.cross_entropy(x, t)
        loss.backward(retain_graph=True)
        g1 = x.grad.clone()
        loss.backward()
        _close(x.grad.numpy(), 2 * g1.numpy(), "float64")
