"""GELU (exact and tanh) and SiLU: the parallel kernels (ember/_kernels/activation.py), the
NumPy path and torch agree on values, gradients, double backward and special values; the
float32 erf behind exact GELU (ember.ops.special._erf32 and _kernels.vmath.erf) is within
1.3 ulp."""
import contextlib
import math

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import _kernels
from ember.ops._pointwise import _KMIN

PATHS = ["numba", "numpy"]
FNS = {
    "gelu": (lambda m, x: m.nn.functional.gelu(x)),
    "gelu_tanh": (lambda m, x: m.nn.functional.gelu(x, approximate="tanh")),
    "silu": (lambda m, x: m.nn.functional.silu(x)),
}
TOL = {"float32": dict(rtol=1e-5, atol=5e-6), "float64": dict(rtol=1e-12, atol=1e-13)}
SPECIAL = [0.0, -0.0, 1e-30, -1e-30, 0.5, -0.5, 3.5, -3.5, 9.0, -9.0, 30.0, -30.0, 1e20, -1e20,
           np.inf, -np.inf, np.nan]


def _path(path):
    if path == "numba":
        pytest.importorskip("numba")
    return _kernels.use(path)


def _input(dtype, n, fn, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * 3).astype(dtype)
    special = SPECIAL
    if fn == "gelu" and dtype == "float32":
        # torch's vectorized float32 GELU gives NaN at +inf (its scalar path and float64 give
        # inf, as ember does): checked on its own below
        special = [v for v in SPECIAL if v != np.inf]
    x[:len(special)] = special
    return x


def _run(m, fn, x, g):
    t = m.tensor(x, requires_grad=True)
    y = FNS[fn](m, t)
    y.backward(m.tensor(g))
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("n", [100, _KMIN + 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", list(FNS))
def test_values_and_grads_match_torch(fn, dtype, n, path):
    x = _input(dtype, n, fn)
    g = np.random.default_rng(1).standard_normal(n).astype(dtype)
    with _path(path):
        y, gx = _run(ember, fn, x, g)
    yt, gt = _run(torch, fn, x, g)
    assert y.dtype == x.dtype and gx.dtype == x.dtype
    np.testing.assert_allclose(y, yt, equal_nan=True, **TOL[dtype])
    np.testing.assert_allclose(gx, gt, equal_nan=True, **TOL[dtype])


@pytest.mark.parametrize("fn,dtype", [(f, d) for f in FNS for d in ("float32", "float64")
                                      if (f, d) != ("gelu_tanh", "float32")])
def test_kernel_and_numpy_paths_agree_closely(fn, dtype):
    """Tighter than against torch (whose float32 erf is an approximation). float32
    tanh-GELU: the kernel's x * sigmoid(2u) does not cancel where the NumPy path's (torch's)
    1 + tanh(u) does; test_float32_close_to_float64 checks both."""
    n = _KMIN * 2 + 1
    x = _input(dtype, n, "any", seed=2)
    g = np.random.default_rng(3).standard_normal(n).astype(dtype)
    with _path("numba"):
        yk, gk = _run(ember, fn, x, g)
    with _path("numpy"):
        yn, gn = _run(ember, fn, x, g)
    # atol: 1 + erf(x / sqrt 2) cancels for x < 0 (as torch's), a few 1e-8 times |x|
    tol = dict(rtol=4e-7, atol=5e-7) if dtype == "float32" else dict(rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(yk, yn, equal_nan=True, **tol)
    np.testing.assert_allclose(gk, gn, equal_nan=True, **tol)


# float32 against torch's float64 result on the same inputs: atol for what cancels in every
# float32 formula (1 + erf(x / sqrt 2) for x < 0; gelu' and silu' crossing zero); torch's own
# float32 tanh-GELU (the NumPy path's formula) cancels in 1 + tanh(u), 1 - tanh(u)**2
CLOSE = {"gelu": dict(rtol=5e-7, atol=3e-7), "gelu_tanh": dict(rtol=1e-6, atol=6e-7),
         "silu": dict(rtol=5e-7, atol=2e-7)}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("fn", list(FNS))
def test_float32_close_to_float64(fn, path):
    x = np.linspace(-8, 8, _KMIN * 2 + 1, dtype=np.float32)
    with _path(path):
        y, gx = _run(ember, fn, x, np.ones_like(x))
    y64, g64 = _run(torch, fn, x.astype(np.float64), np.ones(x.size))
    tol = dict(rtol=1e-4, atol=3e-6) if (fn, path) == ("gelu_tanh", "numpy") else CLOSE[fn]
    np.testing.assert_allclose(y, y64, **tol)
    np.testing.assert_allclose(gx, g64, **tol)


@pytest.mark.parametrize("path", PATHS)
def test_gelu_float32_plus_inf(path):
    x = np.full(_KMIN + 1, np.inf, np.float32)
    with _path(path):
        y, gx = _run(ember, "gelu", x, np.ones_like(x))
    assert np.all(y == np.inf) and np.all(np.isnan(gx))   # 1 + inf * pdf(inf)
    assert torch.nn.functional.gelu(torch.tensor([np.inf])).item() == np.inf


def _ulp_error(got, x):
    ref = np.vectorize(math.erf)(x.astype(np.float64))
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    return np.abs(got.astype(np.float64) - ref) / np.maximum(ulp, 1e-45)


def _erf_grid():
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-4.5, 4.5, 1 << 18), 10.0 ** rng.uniform(-40, 1, 1 << 14)])
    return x.astype(np.float32)


def test_erf32_numpy_within_1_3_ulp():
    x = _erf_grid()
    with _path("numpy"):
        y = ember.erf(ember.tensor(x)).numpy()
    assert y.dtype == np.float32 and _ulp_error(y, x).max() <= 1.35
    s = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 100, -100], np.float32)
    ys = ember.erf(ember.tensor(s)).numpy()
    np.testing.assert_array_equal(ys, torch.erf(torch.tensor(s)).numpy())
    assert np.signbit(ys[1]) and not np.signbit(ys[0])


def test_vmath_erf_float32_within_1_3_ulp_and_exp_stays_float32():
    pytest.importorskip("numba")
    import numba

    from ember._kernels.vmath import erf, exp

    @numba.njit   # not cached: numba's disk cache would not see an edit of vmath
    def k(a, out):
        for i in range(a.size):
            out[i] = erf(a[i])

    @numba.njit
    def e(x):
        return exp(x)

    x = _erf_grid()
    out = np.empty_like(x)
    k(x, out)
    assert _ulp_error(out, x).max() <= 1.35
    s = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 100, -100], np.float32)
    os_ = np.empty_like(s)
    k(s, os_)
    np.testing.assert_array_equal(os_, torch.erf(torch.tensor(s)).numpy())
    out64 = np.empty(x.size)
    k(x.astype(np.float64), out64)
    np.testing.assert_allclose(out64, np.vectorize(math.erf)(x.astype(np.float64)), rtol=1e-15)
    e(np.float32(1))   # float32 arithmetic throughout (exp(88.75) is inf, not 3.4e38 in float64)
    assert e.nopython_signatures[0].return_type == numba.float32


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("fn", list(FNS))
def test_double_backward(fn, path):
    x = _input("float64", _KMIN + 5, "any")[20:]
    x = np.concatenate([x, x[:25]])   # size stays above the threshold
    res = []
    for m in (ember, torch):
        t = m.tensor(x, requires_grad=True)
        with _path(path) if m is ember else contextlib.nullcontext():
            y = FNS[fn](m, t)
            (gx,) = m.autograd.grad(y.sum(), t, create_graph=True)
            (ggx,) = m.autograd.grad((gx * gx).sum(), t)
        res.append((gx.detach().numpy(), ggx.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("layer", ["functional", "module"])
def test_silu_inplace(layer, path):
    x = _input("float32", _KMIN + 7, "silu")
    res = []
    for m in (ember, torch):
        a = m.tensor(x, requires_grad=True)
        with _path(path) if m is ember else contextlib.nullcontext():
            b = a * 1.0
            y = m.nn.functional.silu(b, inplace=True) if layer == "functional" else m.nn.SiLU(inplace=True)(b)
            assert y is b
            y.backward(m.ones_like(y))
        res.append((y.detach().numpy(), a.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], equal_nan=True, **TOL["float32"])
    np.testing.assert_allclose(res[0][1], res[1][1], equal_nan=True, **TOL["float32"])


@pytest.mark.parametrize("fn", list(FNS))
@pytest.mark.parametrize("layout", ["strided", "permuted"])
def test_non_contiguous_and_permuted_inputs(fn, layout):
    """Strided views take the NumPy path, dense permuted ones the kernel; both as torch."""
    x = (np.random.default_rng(4).standard_normal((96, 64, 12)) * 3).astype(np.float32)
    res = []
    for m in (ember, torch):
        base = m.tensor(x, requires_grad=True)
        v = base[:, ::2] if layout == "strided" else base.permute(2, 0, 1)
        with _path("numba") if m is ember else contextlib.nullcontext():
            y = FNS[fn](m, v)
            y.backward(m.ones_like(y) * 0.5)
        res.append((y.detach().numpy(), base.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], **TOL["float32"])
    np.testing.assert_allclose(res[0][1], res[1][1], **TOL["float32"])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("fn", list(FNS))
def test_half_precision(fn, dtype):
    x = np.random.default_rng(5).standard_normal(1000).astype(np.float32) * 3
    res = []
    for m in (ember, torch):
        t = m.tensor(x).to(getattr(m, dtype)).requires_grad_()
        y = FNS[fn](m, t)
        y.backward(m.ones_like(y))
        res.append((y.detach().float().numpy(), t.grad.float().numpy()))
    tol = dict(rtol=4e-2, atol=4e-2) if dtype == "bfloat16" else dict(rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(res[0][0], res[1][0], **tol)
    np.testing.assert_allclose(res[0][1], res[1][1], **tol)


@pytest.mark.parametrize("fn", list(FNS))
def test_integer_input_raises(fn):
    for m in (ember, torch):
        with pytest.raises(RuntimeError):
            FNS[fn](m, m.arange(_KMIN + 1))


def test_gelu_bad_approximate():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(ember.ones(3), approximate="fast")


@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("fn", list(FNS))
def test_broadcast_grad_takes_the_kernel(fn, reduce, monkeypatch):
    """sum() and mean() pass a broadcast (stride-0) gradient: made dense for the kernel."""
    pytest.importorskip("numba")
    x = _input("float32", _KMIN + 29, fn)[20:]
    with _path("numba"):
        k = _kernels.load("activation")
        name = fn + "_bwd"
        calls = []
        kern = getattr(k, name)
        monkeypatch.setattr(k, name, lambda *a: (calls.append(1), kern(*a))[1])
        t = ember.tensor(x, requires_grad=True)
        getattr(FNS[fn](ember, t), reduce)().backward()
    assert calls
    tt = torch.tensor(x, requires_grad=True)
    getattr(FNS[fn](torch, tt), reduce)().backward()
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), **TOL["float32"])
