"""The compiled layer-norm and batch-norm training kernels (ember/_kernels/norm.py): on the
numba path and on the NumPy path, values, input/weight/bias gradients and running statistics
agree with torch, over float32 and float64, odd sizes, 2-D batch-norm input, layer and RMS
norm over two trailing dims, optional weight and bias, non-contiguous inputs and the double
backward."""
import numpy as np
import pytest
import torch

import ember
from ember import _kernels

pytest.importorskip("numba")

PATHS = ("numba", "numpy")
TOL = {np.float32: dict(rtol=3e-5, atol=3e-5), np.float64: dict(rtol=1e-11, atol=1e-11)}


def _arr(shape, dt, seed=0, loc=0.0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale + loc).astype(dt)


def _run(fw, path, fn, x, params, layout=None):
    """fn(F, x, *params, *buffers) on ``fw`` (ember on ``path``): the output, the gradients of
    x and of the params that are not None, then the buffers after the call."""
    m = torch if fw == "torch" else ember
    ctx = _kernels.use(path) if fw == "ember" else torch.enable_grad()
    with ctx:
        xt = m.tensor(x)
        if layout is not None:
            xt = layout(xt)
        xt.requires_grad_(True)
        ps = [None if p is None else m.tensor(p).requires_grad_(True) for p in params["grad"]]
        bufs = [None if b is None else m.tensor(b) for b in params.get("buffers", ())]
        y = fn(m.nn.functional, xt, *ps, *bufs)
        g = np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(x.dtype)
        kind = getattr(y.grad_fn, "fast", None)   # (the walk clears what the node saved)
        y.backward(m.tensor(g))
    out = [y.detach().numpy(), xt.grad.numpy()]
    out += [p.grad.numpy() for p in ps if p is not None]
    out += [b.numpy() for b in bufs if b is not None]
    return out, kind


def _check(fn, x, params, layout=None, kind=None):
    """``kind``: the fast path the numba path takes ("ln_k", "bn_k"; the NumPy path then
    takes "ln", "bn"), or a pair (numba's, NumPy's)."""
    if isinstance(kind, str):
        kind = (kind, kind[:2])
    dt = x.dtype.type
    ref, _ = _run("torch", None, fn, x, params, layout)
    for path in PATHS:
        got, ran = _run("ember", path, fn, x, params, layout)
        assert len(got) == len(ref)
        for i, (a, b) in enumerate(zip(got, ref)):
            assert a.dtype == b.dtype and a.shape == b.shape, (path, i)
            np.testing.assert_allclose(a, b, err_msg=f"{path} result {i}", **TOL[dt])
        if kind is not None:   # the path really ran
            assert ran == kind[PATHS.index(path)]


def _ln(ns):
    return lambda F, x, w, b: F.layer_norm(x, ns, w, b)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape,ns", [((6, 7, 13), (13,)), ((3, 5, 7, 11), (7, 11)), ((2, 1000), (1000,)),
                                      ((130, 3), (3,)), ((5,), (5,))])
def test_layer_norm(dt, shape, ns):
    w = _arr(ns, dt, 1, 1.0, 0.5)
    b = _arr(ns, dt, 2)
    _check(_ln(ns), _arr(shape, dt, 0, 2.0, 3.0), {"grad": [w, b]}, kind="ln_k")


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("affine", ["none", "weight", "bias"])
def test_layer_norm_optional_affine(dt, affine):
    w = _arr(9, dt, 1, 1.0, 0.5) if affine == "weight" else None
    b = _arr(9, dt, 2) if affine == "bias" else None
    _check(_ln((9,)), _arr((4, 3, 9), dt), {"grad": [w, b]}, kind="ln_k")


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape,ns,affine", [((6, 7, 13), (13,), True), ((3, 5, 7, 11), (7, 11), False),
                                             ((130, 3), (3,), True)])
def test_rms_norm(dt, shape, ns, affine):
    w = _arr(ns, dt, 1, 1.0, 0.5) if affine else None
    _check(lambda F, x, w: F.rms_norm(x, ns, w, eps=1e-6), _arr(shape, dt, 0, 0.5, 2.0), {"grad": [w]},
           kind="ln_k")


def test_layer_norm_many_rows_and_non_contiguous():
    """More rows than ln_bwd's 64 blocks (uneven shares), and a transposed input."""
    dt = np.float32
    w, b = _arr(24, dt, 1, 1.0, 0.5), _arr(24, dt, 2)
    _check(_ln((24,)), _arr((24, 301), dt), {"grad": [w, b]}, layout=lambda t: t.t(), kind="ln_k")


def test_layer_norm_large_offset_stats():
    """Rows with a mean 1e4 times their spread: the float64 sums keep the variance."""
    x = _arr((16, 256), np.float32, 0, 1e4, 1.0)
    ref = torch.nn.functional.layer_norm(torch.tensor(x, dtype=torch.float64), (256,))
    for path in PATHS:
        with _kernels.use(path):
            y = ember.nn.functional.layer_norm(ember.tensor(x), (256,))
        np.testing.assert_allclose(y.numpy(), ref.numpy(), rtol=0, atol=2e-3)


def _bn(F, x, w, b, rm, rv):
    return F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(16, 8, 7, 9), (33, 5), (9, 4, 10), (2, 3, 2, 3, 5), (2, 1, 1)])
def test_batch_norm_train(dt, shape):
    C = shape[1]
    params = {"grad": [_arr(C, dt, 1, 1.0, 0.5), _arr(C, dt, 2)],
              "buffers": [_arr(C, dt, 3), _arr(C, dt, 4, 2.0, 0.1)]}
    _check(_bn, _arr(shape, dt, 0, -1.5, 2.0), params, kind="bn_k" if len(shape) > 2 and shape[2] > 1 else ("bn", "bn"))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("affine", ["none", "weight", "bias"])
def test_batch_norm_train_optional_affine_and_buffers(dt, affine):
    w = _arr(6, dt, 1, 1.0, 0.5) if affine == "weight" else None
    b = _arr(6, dt, 2) if affine == "bias" else None
    bufs = [None, None] if affine == "none" else [_arr(6, dt, 3), _arr(6, dt, 4, 2.0, 0.1)]
    _check(_bn, _arr((5, 6, 11), dt), {"grad": [w, b], "buffers": bufs}, kind="bn_k")


def test_batch_norm_train_channels_last():
    dt = np.float32
    params = {"grad": [_arr(8, dt, 1, 1.0, 0.5), _arr(8, dt, 2)], "buffers": [np.zeros(8, dt), np.ones(8, dt)]}
    _check(_bn, _arr((4, 5, 6, 8), dt), params, kind="bn_k",
           layout=lambda t: t.permute(0, 3, 1, 2))


def test_batch_norm_large_offset_stats():
    x = _arr((32, 3, 50), np.float32, 0, 1e4, 1.0)
    ref = torch.nn.functional.batch_norm(torch.tensor(x, dtype=torch.float64), None, None, training=True)
    for path in PATHS:
        with _kernels.use(path):
            y = ember.nn.functional.batch_norm(ember.tensor(x), None, None, training=True)
        np.testing.assert_allclose(y.numpy(), ref.numpy(), rtol=0, atol=3e-3)


@pytest.mark.parametrize("which", ["ln", "rms", "bn"])
def test_double_backward_after_kernel(which):
    """create_graph through the kernels' forward: the composite double backward."""
    x = _arr((4, 3, 5), np.float64, 0, 1.0, 2.0)
    n = 3 if which == "bn" else 5
    w, b = _arr(n, np.float64, 1, 1.0, 0.5), _arr(n, np.float64, 2)
    res = {}
    for fw in ("torch", "numba", "numpy"):
        m = torch if fw == "torch" else ember
        with _kernels.use("numba" if fw == "torch" else fw):
            xt, wt, bt = (m.tensor(a).requires_grad_(True) for a in (x, w, b))
            F = m.nn.functional
            y = {"ln": lambda: F.layer_norm(xt, (5,), wt, bt), "rms": lambda: F.rms_norm(xt, (5,), wt, 1e-6) + bt,
                 "bn": lambda: F.batch_norm(xt, None, None, wt, bt, True)}[which]()
            gx, gw = m.autograd.grad((y * m.tensor(np.sin(np.arange(60.0)).reshape(4, 3, 5))).sum(), (xt, wt),
                                     create_graph=True)
            (gx.pow(2).sum() + gw.pow(3).sum()).backward()
            res[fw] = [gx.detach().numpy(), gw.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()]
    for fw in ("numba", "numpy"):
        for a, r in zip(res[fw], res["torch"]):
            np.testing.assert_allclose(a, r, rtol=1e-10, atol=1e-10)


def test_kernel_forward_under_no_grad_and_empty_inputs():
    x = _arr((3, 4, 6), np.float32)
    with ember.no_grad():
        y = ember.nn.functional.layer_norm(ember.tensor(x), (6,))
    np.testing.assert_allclose(y.numpy(), torch.nn.functional.layer_norm(torch.tensor(x), (6,)).numpy(),
                               **TOL[np.float32])
    for shape in ((0, 6), (3, 0)):
        e = torch.nn.functional.layer_norm(torch.zeros(shape), shape[1:])
        assert tuple(ember.nn.functional.layer_norm(ember.zeros(shape), shape[1:]).shape) == tuple(e.shape)


def test_empty_normalized_shape_raises_as_torch():
    for fn in ("layer_norm", "rms_norm"):
        msgs = []
        for m in (torch, ember):
            with pytest.raises(RuntimeError) as e:
                getattr(m.nn.functional, fn)(m.ones(3, 2), ())
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]
