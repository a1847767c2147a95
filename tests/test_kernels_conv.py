"""The compiled convolution, pooling, relu and batch-norm kernels (ember/_kernels/{conv,pool,
pointwise,norm}.py): each op on the numba path and on the NumPy path agrees with the other and
with torch, values and gradients, over dtypes, strides, padding, dilation, groups, odd shapes,
non-contiguous and channels_last inputs."""
import numpy as np
import pytest
import torch

import ember
from ember import _kernels

pytest.importorskip("numba")

PATHS = ("numba", "numpy")
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def _arr(shape, dt, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dt)


def _run(fw, path, fn, arrays, grad_idx, layout=None):
    """fn(module, *tensors) on ``fw`` (ember on ``path``); returns (output, grads of grad_idx)."""
    m = torch if fw == "torch" else ember
    ts = []
    for i, a in enumerate(arrays):
        t = m.tensor(a)
        if layout is not None and i == 0:
            t = layout(t)
        if i in grad_idx:
            t.requires_grad_(True)
        ts.append(t)
    if fw == "torch":
        y = fn(torch.nn.functional, *ts)
    else:
        with _kernels.use(path):
            y = fn(ember.nn.functional, *ts)
    g = np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(arrays[0].dtype)
    if fw == "torch":
        y.backward(torch.tensor(g))
    else:
        with _kernels.use(path):
            y.backward(ember.tensor(g))
    return [y.detach().numpy()] + [ts[i].grad.numpy() for i in grad_idx]


def _check(fn, arrays, grad_idx, layout=None):
    dt = arrays[0].dtype.type
    ref = _run("torch", None, fn, arrays, grad_idx, layout)
    got = {p: _run("ember", p, fn, arrays, grad_idx, layout) for p in PATHS}
    scale = [max(1.0, float(np.abs(r).max())) for r in ref]
    for p in PATHS:
        for r, e, s in zip(ref, got[p], scale):
            assert e.shape == r.shape and e.dtype == r.dtype
            np.testing.assert_allclose(e / s, r / s, **TOL[dt], err_msg=p)
    for a, b, s in zip(got["numba"], got["numpy"], scale):
        np.testing.assert_allclose(a / s, b / s, **TOL[dt])


CONV2D = [  # x shape, w shape, kwargs
    ((3, 1, 9, 8), (4, 1, 3, 3), dict(padding=1)),                       # thin K: per-sample columns
    ((3, 2, 9, 8), (4, 2, 3, 3), dict(padding=1, bias=True)),            # thin K, bias folded into the GEMM
    ((4, 9, 7, 6), (5, 9, 3, 3), dict(padding=1, bias=True)),             # K > 64: one big GEMM
    ((2, 6, 9, 11), (4, 3, 3, 2), dict(padding=(1, 2), stride=(2, 1), dilation=(2, 1), groups=2)),
    ((2, 8, 7, 7), (6, 8, 1, 1), dict(bias=True)),                       # 1x1: the input is the columns
    ((1, 8, 7, 7), (5, 8, 1, 1), dict(stride=2)),
    ((1, 3, 17, 15), (8, 3, 7, 7), dict(stride=2, padding=3)),           # resnet's stem, batch 1
    ((8, 7, 7), (5, 8, 3, 3), dict(padding=1, bias=True)),               # unbatched
    ((2, 4, 5, 5), (8, 1, 3, 3), dict(padding="same", groups=4)),        # depthwise
    ((2, 12, 6, 5), (10, 12, 3, 3), dict(stride=3, padding=2, dilation=2, bias=True)),
]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("xs,ws,kw", CONV2D)
def test_conv2d(dt, xs, ws, kw):
    kw = dict(kw)
    bias = kw.pop("bias", False)
    arrays = [_arr(xs, dt), _arr(ws, dt, 1)] + ([_arr(ws[0], dt, 2)] if bias else [])
    _check(lambda F, *t: F.conv2d(*t, **kw), arrays, tuple(range(len(arrays))))


@pytest.mark.parametrize("needs", [(0, 2), (1,), (2,), (1, 2), (0,)])
@pytest.mark.parametrize("xs,ws", [((3, 2, 9, 8), (4, 2, 3, 3)), ((1, 5, 6, 7), (3, 5, 3, 3))])
def test_conv2d_bias_folded_partial_grads(needs, xs, ws):
    """The per-sample layout with a bias (the bias a column of the GEMM): any subset of
    input, weight and bias needing its grad."""
    arrays = [_arr(xs, np.float64), _arr(ws, np.float64, 1), _arr(ws[0], np.float64, 2)]
    _check(lambda F, *t: F.conv2d(*t, padding=1, stride=(1, 2)), arrays, needs)


LAYOUTS = {"channels_last": lambda t: t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
           "transposed": lambda t: t.transpose(2, 3),
           "sliced": lambda t: t[:, :, ::2]}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_conv2d_non_contiguous_input(layout):
    arrays = [_arr((3, 9, 10, 8), np.float32), _arr((6, 9, 3, 3), np.float32, 1)]
    _check(lambda F, x, w: F.conv2d(x, w, padding=1), arrays, (0, 1), layout=LAYOUTS[layout])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=2, dilation=2, groups=2)])
def test_conv1d(dt, kw):
    arrays = [_arr((3, 4, 13), dt), _arr((6, 4 // kw.get("groups", 1), 3), dt, 1), _arr(6, dt, 2)]
    _check(lambda F, *t: F.conv1d(*t, **kw), arrays, (0, 1, 2))


def test_conv_double_backward_on_kernel_path():
    x = ember.tensor(_arr((2, 3, 5, 5), np.float64), requires_grad=True)
    w = ember.tensor(_arr((4, 3, 3, 3), np.float64, 1), requires_grad=True)
    xt, wt = (torch.tensor(t.detach().numpy(), requires_grad=True) for t in (x, w))
    with _kernels.use("numba"):
        y = ember.nn.functional.conv2d(x, w, padding=1)
        gx, = ember.autograd.grad((y ** 2).sum(), x, create_graph=True)
        (gx ** 2).sum().backward()
    yt = torch.nn.functional.conv2d(xt, wt, padding=1)
    gxt, = torch.autograd.grad((yt ** 2).sum(), xt, create_graph=True)
    (gxt ** 2).sum().backward()
    np.testing.assert_allclose(gx.detach().numpy(), gxt.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy(), rtol=1e-10)


POOL = [
    ((2, 3, 8, 8), dict(kernel_size=2)),
    ((2, 3, 9, 7), dict(kernel_size=3, stride=2, padding=1)),
    ((3, 9, 7), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0), dilation=(2, 1), ceil_mode=True)),
    ((1, 2, 11, 10), dict(kernel_size=3, stride=3, ceil_mode=True)),
]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("xs,kw", POOL)
def test_max_pool2d(dt, xs, kw):
    x = _arr(xs, dt)
    x.flat[::5] = x.flat[1::5][:x.flat[::5].size]     # ties: the first maximum wins
    _check(lambda F, t: F.max_pool2d(t, **kw), [x], (0,))
    for p in PATHS:   # the indices too
        with _kernels.use(p):
            _, i = ember.nn.functional.max_pool2d(ember.tensor(x), return_indices=True, **kw)
        _, it = torch.nn.functional.max_pool2d(torch.tensor(x), return_indices=True, **kw)
        assert i.dtype == ember.int64
        np.testing.assert_array_equal(i.numpy(), it.numpy())


def test_max_pool_nan_and_1d():
    x = _arr((2, 3, 6, 6), np.float32)
    x[0, 0, 1, 1] = x[0, 0, 0, 1] = np.nan
    x[1, 2] = -np.inf
    for p in PATHS:
        with _kernels.use(p):
            y, i = ember.nn.functional.max_pool2d(ember.tensor(x), 2, return_indices=True)
        yt, it = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
        np.testing.assert_array_equal(y.numpy(), yt.numpy())
        np.testing.assert_array_equal(i.numpy(), it.numpy())
    _check(lambda F, t: F.max_pool1d(t, 3, stride=2, padding=1), [_arr((2, 3, 11), np.float64)], (0,))


def test_max_pool_channels_last_and_double_backward():
    x = _arr((2, 4, 6, 6), np.float64)
    _check(lambda F, t: F.max_pool2d(t, 2), [x], (0,), layout=LAYOUTS["channels_last"])
    res = []
    for m, path in ((torch, None), (ember, "numba"), (ember, "numpy")):
        t = m.tensor(x, requires_grad=True)
        with _kernels.use(path or "numpy"):
            y = m.nn.functional.max_pool2d(t * t, 3, stride=2, padding=1)
            gx, = m.autograd.grad((y.sin()).sum(), t, create_graph=True)
            (gx ** 2).sum().backward()   # through the pooling backward's own derivative
        res.append((gx.detach().numpy(), t.grad.numpy()))
    for r in res[1:]:
        for a, b in zip(r, res[0]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 8, 64, 65), (3, 5)])
def test_relu(shape):
    x = _arr(shape, np.float32)
    x.flat[::7] = 0.0
    x.flat[3] = np.nan
    _check(lambda F, t: F.relu(t), [x], (0,))
    _check(lambda F, t: F.relu(t), [_arr((2, 64, 32, 33), np.float64)], (0,), layout=LAYOUTS["channels_last"])


@pytest.mark.parametrize("shape", [(4, 8, 64, 65), (3, 5)])
@pytest.mark.parametrize("layout", [None, "channels_last", "sliced"])
def test_relu_inplace(shape, layout):
    """relu(inplace=True) writes into the input's own array: values and grads through it (NaN,
    zeros), a view's base updated, the version counter guarding the saved output."""
    x = _arr(shape, np.float32)
    x.flat[::7] = 0.0
    x.flat[3] = np.nan
    if layout and len(shape) < 4:
        return
    lay = LAYOUTS[layout] if layout else None
    _check(lambda F, t: F.relu(t * 1, inplace=True), [x], (0,), layout=lay)
    _check(lambda F, t: F.relu_(t * 1), [x], (0,), layout=lay)
    for p in PATHS:
        with _kernels.use(p), ember.no_grad():
            base = ember.tensor(x)
            v = base[:, 1] if len(shape) == 4 else base
            r = ember.nn.functional.relu(v, inplace=True)
        ref = torch.tensor(x)
        torch.nn.functional.relu(ref[:, 1] if len(shape) == 4 else ref, inplace=True)
        assert r is v
        np.testing.assert_array_equal(base.numpy(), ref.numpy())
        with _kernels.use(p):
            t = ember.tensor(x, requires_grad=True)
            y = ember.nn.functional.relu(t * 2, inplace=True)
            y.mul_(3)   # modifies the output relu saved for its backward
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                y.sum().backward()
            with pytest.raises(RuntimeError):   # a leaf that requires grad
                ember.nn.functional.relu(t, inplace=True)


def test_relu_backward_with_inf_gradient_and_other_layout():
    x = _arr((4, 8, 64, 64), np.float32)
    for p in PATHS:
        with _kernels.use(p):
            t = ember.tensor(x, requires_grad=True)
            y = ember.relu(t)
            g = np.full(x.shape, np.inf, np.float32)
            y.backward(ember.tensor(g).transpose(2, 3).contiguous().transpose(2, 3))
        np.testing.assert_array_equal(t.grad.numpy(), np.where(x > 0, np.inf, 0).astype(np.float32))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_eval_no_grad(dt, affine):
    x = _arr((3, 5, 6, 7), dt)
    rm, rv = _arr(5, dt, 1), np.abs(_arr(5, dt, 2)) + 0.5
    w, b = (_arr(5, dt, 3), _arr(5, dt, 4)) if affine else (None, None)
    ref = torch.nn.functional.batch_norm(*(torch.tensor(a) if a is not None else None for a in (x, rm, rv, w, b)))
    outs = []
    for p in PATHS:
        with _kernels.use(p), ember.no_grad():
            outs.append(ember.nn.functional.batch_norm(
                *(ember.tensor(a) if a is not None else None for a in (x, rm, rv, w, b))).numpy())
        np.testing.assert_allclose(outs[-1], ref.numpy(), **TOL[dt])
    np.testing.assert_array_equal(outs[0], outs[1])   # the same operations in the same order


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("xs,kw", [((2, 3, 9, 7), dict()), ((3, 6, 8), dict()), ((1, 2, 5, 5), dict(ceil_mode=True)),
                                   ((2, 2, 6, 6), dict(padding=1)), ((2, 2, 7, 6), dict(stride=2))])
def test_max_pool2d_2x2_fast_path(dt, xs, kw):
    """2x2 windows, stride 2 (the specialised kernel; odd sizes drop the last row or column,
    ceil_mode and padding fall back to the generic kernel): NaN at each of the four
    positions, two NaNs, all -inf and tied windows, values, indices and gradients."""
    x = _arr(xs, dt)
    v = x.reshape(-1, xs[-2], xs[-1])
    v[0, 0, 0] = np.nan
    v[0, 0, 3] = np.nan
    v[0, 1, 4] = np.nan
    v[0, 3, 0] = np.nan
    v[0, 3, 3] = v[0, 2, 2] = np.nan          # two NaNs: the last one wins
    v[-1, 0:2, 0:2] = -np.inf                 # an all -inf window
    v[-1, 2:4, 2:4] = 1.5                     # ties: the first one wins
    v[-1, -1, :] = 9.0                        # an odd height's last row is in no window
    _check(lambda F, t: F.max_pool2d(t, 2, **kw), [x], (0,))
    for p in PATHS:
        with _kernels.use(p):
            y, i = ember.nn.functional.max_pool2d(ember.tensor(x), 2, return_indices=True, **kw)
        yt, it = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True, **kw)
        np.testing.assert_array_equal(y.numpy(), yt.numpy(), err_msg=p)
        np.testing.assert_array_equal(i.numpy(), it.numpy(), err_msg=p)


_OPS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}


@pytest.mark.parametrize("op", list(_OPS))
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_binary_arithmetic(op, dt):
    """Large float +, -, *, / run on every thread when both operands share shape, dtype and
    layout (else NumPy): values bit for bit as NumPy's (zeros, inf, NaN, division by zero),
    and against torch with gradients."""
    from ember.ops._pointwise import _parallel
    a, b = _arr((256, 300), dt, 1), _arr((256, 300), dt, 2)
    a.flat[::11], b.flat[::13] = 0.0, 0.0
    a.flat[5], b.flat[6], a.flat[7], a.flat[8] = np.inf, -np.inf, np.nan, 0.0
    b.flat[8] = 0.0
    with _kernels.use("numba"), np.errstate(all="ignore"):
        for x, y in ((a, b), (a.T, b.T)):
            got = _parallel(op, x, y)
            np.testing.assert_array_equal(got, _OPS[op](x, y))
            assert got.strides == x.strides
        for x, y in ((a, np.asfortranarray(b)), (a, b[:1]), (a[:4], b[:4]), (a.astype(int), b.astype(int)),
                     (a[:, ::-1], b[:, ::-1])):
            assert _parallel(op, x, y) is None   # NumPy's expression then
    f = {"add": lambda F, x, y: x + y, "sub": lambda F, x, y: x - y,
         "mul": lambda F, x, y: x * y, "div": lambda F, x, y: x / y}[op]
    a[~np.isfinite(a)], b[~np.isfinite(b)] = 1.0, 2.0
    b[b == 0] = 0.5
    _check(f, [a, b], (0, 1))
    _check(f, [a, b[:1]], (0, 1))
