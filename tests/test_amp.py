"""Autocast (CPU, bfloat16 / float16) and GradScaler against torch 2.13."""
import warnings

import numpy as np
import pytest
import torch
from oracle import assert_close

import ember

rs = np.random.RandomState(0)
X, W, B = (rs.randn(4, 8).astype(np.float32), rs.randn(6, 8).astype(np.float32),
           rs.randn(6).astype(np.float32))
IMG, CW = rs.randn(2, 3, 8, 8).astype(np.float32), rs.randn(4, 3, 3, 3).astype(np.float32)
SEQ = rs.randn(2, 5, 8).astype(np.float32)
TGT = np.array([1, 0, 3, 5])

# (name, fn(m, F, tensors...)): ops with float32 inputs inside autocast
OPS = [
    ("linear", lambda m, F, x, w, b: F.linear(x, w, b), (X, W, B)),
    ("matmul", lambda m, F, x, w: x @ w.t(), (X, W)),
    ("mm", lambda m, F, x, w: m.mm(x, w.t()), (X, W)),
    ("bmm", lambda m, F, s: m.bmm(s, s.transpose(1, 2)), (SEQ,)),
    ("addmm", lambda m, F, x, w, b: m.addmm(b, x, w.t()), (X, W, B)),
    ("baddbmm", lambda m, F, s: m.baddbmm(m.zeros(2, 5, 5), s, s.transpose(1, 2)), (SEQ,)),
    ("einsum", lambda m, F, x, w: m.einsum("ij,kj->ik", x, w), (X, W)),
    ("tensordot", lambda m, F, x, w: m.tensordot(x, w, dims=([1], [1])), (X, W)),
    ("mv", lambda m, F, x: m.mv(x, x[0]), (X[:, :4].copy(),)),
    ("dot", lambda m, F, b: m.dot(b, b), (B,)),
    ("conv2d", lambda m, F, i, c: F.conv2d(i, c), (IMG, CW)),
    ("conv_transpose2d", lambda m, F, i: F.conv_transpose2d(i, i[:, :, :3, :3].transpose(0, 1)), (IMG,)),
    ("prelu", lambda m, F, x: F.prelu(x, m.ones(1) * 0.25), (X,)),
    ("sdpa", lambda m, F, s: F.scaled_dot_product_attention(s, s, s), (SEQ,)),
    ("relu", lambda m, F, x: F.relu(x), (X,)),
    ("softmax", lambda m, F, x: F.softmax(x, -1), (X,)),
    ("mse_loss", lambda m, F, x: F.mse_loss(x @ x.t(), m.ones(4, 4)), (X,)),
    ("cross_entropy", lambda m, F, x, w: F.cross_entropy(F.linear(x, w), m.tensor(TGT)), (X, W)),
    ("nll_loss", lambda m, F, x, w: F.nll_loss(F.log_softmax(F.linear(x, w), 1), m.tensor(TGT)), (X, W)),
    ("bce_with_logits", lambda m, F, x: F.binary_cross_entropy_with_logits(x @ x.t(), m.ones(4, 4)), (X,)),
    ("l1_loss", lambda m, F, x: F.l1_loss(x @ x.t(), m.ones(4, 4)), (X,)),
    ("prod", lambda m, F, x: (x @ x.t()).prod(), (X * 0.5,)),
    ("cdist", lambda m, F, x: m.cdist(x @ x.t(), x @ x.t()), (X,)),
    ("cat", lambda m, F, x: m.cat([x @ x.t(), x[:, :4]]), (X,)),
]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name,fn,arrays", OPS, ids=[o[0] for o in OPS])
def test_autocast_op_dtypes_and_values(name, fn, arrays, dtype):
    res = []
    for m, F in ((ember, ember.nn.functional), (torch, torch.nn.functional)):
        xs = [m.tensor(a.copy()) for a in arrays]
        with m.autocast("cpu", dtype=getattr(m, dtype)):
            res.append(fn(m, F, *xs))
    e, t = res
    assert str(e.dtype) == str(t.dtype), name
    tol = 2e-2 if dtype == "bfloat16" else 4e-3
    np.testing.assert_allclose(e.detach().float().numpy(), t.detach().float().numpy(), rtol=tol, atol=tol)


def test_autocast_training_matches_torch():
    def run(m):
        r = np.random.RandomState(1)
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Conv2d(1, 4, 3), m.nn.ReLU(), m.nn.Flatten(), m.nn.Linear(144, 10))
        with m.no_grad():
            for p in net.parameters():
                p.copy_(m.tensor(r.randn(*p.shape).astype(np.float32) * 0.1))
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        scaler = m.amp.GradScaler("cpu")
        x, y = m.tensor(r.randn(8, 1, 8, 8).astype(np.float32)), m.tensor(r.randint(0, 10, 8))
        out = []
        for _ in range(3):
            opt.zero_grad()
            with m.autocast("cpu", dtype=m.bfloat16):
                logits = net(x)
                loss = m.nn.functional.cross_entropy(logits, y)
            scaler.scale(loss).backward()
            out.append((str(logits.dtype), str(loss.dtype), loss.item(), str(net[3].weight.grad.dtype),
                        net[0].weight.grad.clone()))
            scaler.step(opt)
            scaler.update()
        return out, [p.detach().clone() for p in net.parameters()]

    (e, ep), (t, tp) = run(ember), run(torch)
    for a, b in zip(e, t):
        assert a[:2] == b[:2] and a[3] == b[3]
        assert abs(a[2] - b[2]) < 1e-5
        assert_close(a[4], b[4], rtol=1e-2, atol=1e-2)
    for a, b in zip(ep, tp):
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_autocast_state_functions_and_nesting():
    for m in (ember, torch):
        assert not m.is_autocast_enabled("cpu")
        with m.autocast("cpu"):
            assert m.is_autocast_enabled("cpu") and m.get_autocast_dtype("cpu") == m.bfloat16
            with m.autocast("cpu", enabled=False):
                assert not m.is_autocast_enabled("cpu")
                assert m.mm(m.ones(2, 2), m.ones(2, 2)).dtype == m.float32
            with m.autocast("cpu", dtype=m.float16):
                assert m.mm(m.ones(2, 2), m.ones(2, 2)).dtype == m.float16
        assert not m.is_autocast_enabled("cpu")
        assert m.mm(m.ones(2, 2), m.ones(2, 2)).dtype == m.float32


def test_autocast_decorator_and_float64_untouched():
    for m in (ember, torch):
        @m.autocast("cpu")
        def f(a):
            return a @ a
        assert f(m.ones(2, 2)).dtype == m.bfloat16
        assert f(m.ones(2, 2, dtype=m.float64)).dtype == m.float64


def test_autocast_gradients_reach_float32_params():
    r = []
    for m in (ember, torch):
        w = m.tensor(W.copy(), requires_grad=True)
        with m.autocast("cpu"):
            y = m.nn.functional.linear(m.tensor(X.copy()), w)
        y.float().pow(2).sum().backward()
        r.append(w.grad)
    assert str(r[0].dtype) == str(r[1].dtype) == "torch.float32"
    assert_close(r[0], r[1], rtol=1e-2, atol=1e-1)


def test_cuda_autocast_and_bad_dtype_warn_and_disable():
    for m in (ember, torch):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            with m.autocast("cuda"):
                assert m.mm(m.ones(2, 2), m.ones(2, 2)).dtype == m.float32
        with pytest.warns(UserWarning, match="CPU Autocast only supports dtype"):
            with m.autocast("cpu", dtype=m.float64):
                assert not m.is_autocast_enabled("cpu")
        with pytest.warns(FutureWarning, match=r"torch.cuda.amp.autocast\(args...\)` is deprecated"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                m.cuda.amp.autocast()
        with pytest.raises(RuntimeError):
            m.autocast("gpu")


def _scaler_run(m, scaler_fn, inf_at=None):
    p = m.nn.Parameter(m.tensor([1.0, 2.0]))
    opt = m.optim.SGD([p], lr=0.1)
    scaler = scaler_fn(m)
    seen = []
    for i in range(4):
        opt.zero_grad()
        loss = (p * p).sum()
        scaled = scaler.scale(loss)
        scaled.backward()
        if i == inf_at:
            p.grad.data[0] = float("inf")
        seen.append((scaled.item(), scaler.step(opt), scaler.get_scale(), p.detach().tolist()))
        scaler.update()
        seen.append((scaler.get_scale(), scaler._get_growth_tracker(), scaler.state_dict()))
    return seen


@pytest.mark.parametrize("inf_at", [None, 1])
def test_grad_scaler_cpu_matches_torch(inf_at):
    def make(m):
        return m.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
    assert _scaler_run(ember, make, inf_at) == _scaler_run(torch, make, inf_at)


def test_grad_scaler_disabled_passes_through():
    for m in (ember, torch):
        with pytest.warns(UserWarning, match="GradScaler is enabled, but CUDA is not available"):
            s = m.amp.GradScaler()
        assert not s.is_enabled() and s.get_scale() == 1.0 and s.state_dict() == {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _scaler_run(ember, lambda m: m.cuda.amp.GradScaler()) == \
            _scaler_run(torch, lambda m: m.cuda.amp.GradScaler())
    assert _scaler_run(ember, lambda m: m.amp.GradScaler("cpu", enabled=False)) == \
        _scaler_run(torch, lambda m: m.amp.GradScaler("cpu", enabled=False))


def test_grad_scaler_errors():
    for m in (ember, torch):
        s = m.amp.GradScaler("cpu")
        p = m.nn.Parameter(m.ones(2))
        opt = m.optim.SGD([p], lr=0.1)
        with pytest.raises(AssertionError, match="but _scale is None"):
            s.step(opt)
        s.scale((p * 2).sum()).backward()
        s.unscale_(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
            s.unscale_(opt)
        s.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            s.step(opt)
        with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable"):
            s.scale(3.0)
        with pytest.raises(RuntimeError, match="source state dict is empty"):
            s.load_state_dict({})


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
def test_recurrent_layers_under_autocast(cls):
    res = []
    for m in (ember, torch):
        m.manual_seed(1)
        layer = getattr(m.nn, cls)(8, 4)
        x = m.tensor(SEQ.transpose(1, 0, 2).copy())
        with m.autocast("cpu"):
            out = layer(x if "Cell" not in cls else x[0])
        out = out[0] if isinstance(out, tuple) else out
        res.append(out)
    assert str(res[0].dtype) == str(res[1].dtype)
    np.testing.assert_allclose(res[0].detach().float().numpy(), res[1].detach().float().numpy(),
                               rtol=3e-2, atol=3e-2)
