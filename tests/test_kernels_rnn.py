"""The fused recurrent layers, embedding backward and optimizer kernels: the numba path, the
NumPy path (``_kernels.use("numpy")``) and torch give the same numbers."""
import contextlib

import numpy as np
import pytest
import torch

import ember
from ember import _kernels
from ember.autograd import gradgradcheck
from ember.nn.utils.rnn import pack_padded_sequence

PATHS = ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    not _kernels.available(), reason="numba not installed or EMBER_KERNELS=numpy"))]


def _layer(m, cls, kw, dtype):
    m.manual_seed(0)
    layer = getattr(m.nn, cls)(5, 6, **kw)
    return layer.to(getattr(m, dtype))


def _run(m, cls, kw, x, lengths, dtype):
    """Outputs, final states and every gradient of a layer (torch's weights copied in)."""
    layer = _layer(m, cls, kw, dtype)
    if m is ember:
        ref = _layer(torch, cls, kw, dtype)
        layer.load_state_dict({k: ember.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    xx = m.tensor(x, dtype=getattr(m, dtype), requires_grad=True)
    pack = pack_padded_sequence if m is ember else torch.nn.utils.rnn.pack_padded_sequence
    bf = kw.get("batch_first", False)
    inp = xx if lengths is None else pack(xx, lengths, batch_first=bf, enforce_sorted=False)
    out, hid = layer(inp)
    out = out if lengths is None else out.data
    hid = hid if isinstance(hid, tuple) else (hid,)
    w = m.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)), dtype=out.dtype)
    ((out * w).sum() + sum((s * s).sum() for s in hid)).backward()
    return [t.detach().numpy() for t in (out, *hid, xx.grad, *[p.grad for p in layer.parameters()])]


CASES = [("LSTM", {}), ("LSTM", dict(num_layers=2, bidirectional=True)), ("LSTM", dict(proj_size=3)),
         ("LSTM", dict(batch_first=True, bias=False)), ("GRU", {}), ("GRU", dict(bidirectional=True, bias=False)),
         ("RNN", {}), ("RNN", dict(nonlinearity="relu", num_layers=2))]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("cls,kw", CASES)
@pytest.mark.parametrize("packed", [False, True])
def test_layers_match_torch(path, cls, kw, packed):
    x = np.random.RandomState(1).randn(4, 3, 5)
    lengths = [4, 2, 3] if packed else None
    if packed and kw.get("batch_first"):
        x = x.transpose(1, 0, 2)
    for dtype, tol in (("float64", 1e-12), ("float32", 2e-5)):
        want = _run(torch, cls, kw, x, lengths, dtype)
        with _kernels.use(path):
            got = _run(ember, cls, kw, x, lengths, dtype)
        for g, t in zip(got, want):
            assert g.dtype == t.dtype and g.shape == t.shape
            np.testing.assert_allclose(g, t, rtol=tol, atol=tol)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kw", [dict(bidirectional=True), dict(proj_size=3, bidirectional=True)])
def test_lstm_longer_than_a_backward_chunk(path, kw):
    """19 steps: the LSTM backward takes its gate gradients in chunks of ops.rnn._CHUNK steps."""
    x = np.random.RandomState(3).randn(19, 3, 5)
    for lengths in (None, [19, 11, 17]):
        want = _run(torch, "LSTM", kw, x, lengths, "float64")
        with _kernels.use(path):
            got = _run(ember, "LSTM", kw, x, lengths, "float64")
        for g, t in zip(got, want):
            np.testing.assert_allclose(g, t, rtol=1e-12, atol=1e-12)


@pytest.mark.skipif(not _kernels.available(), reason="numba not installed or EMBER_KERNELS=numpy")
@pytest.mark.parametrize("cls,kw", CASES[:2] + CASES[4:6])
def test_numba_and_numpy_paths_agree_in_float32(cls, kw):
    x = np.random.RandomState(2).randn(7, 4, 5)
    with _kernels.use("numpy"):
        a = _run(ember, cls, kw, x, None, "float32")
    with _kernels.use("numba"):
        b = _run(ember, cls, kw, x, None, "float32")
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_double_backward_through_the_fused_layer(path, cls):
    ember.manual_seed(0)
    layer = getattr(ember.nn, cls)(3, 2, bidirectional=True).double()
    x = ember.randn(3, 2, 3, dtype=ember.float64, requires_grad=True)
    with _kernels.use(path):
        out, _ = layer(x)
        assert out.grad_fn is not None
        assert gradgradcheck(lambda x: layer(x)[0], (x,))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_given_states_are_not_written_with_a_batch_of_one(path, cls):
    layer = getattr(ember.nn, cls)(3, 4)
    h = ember.randn(1, 1, 4)
    hx = (h, ember.randn(1, 1, 4)) if cls == "LSTM" else h
    before = [s.numpy().copy() for s in (hx if cls == "LSTM" else (hx,))]
    with _kernels.use(path), ember.no_grad():
        layer(ember.randn(2, 1, 3), hx)
    for s, b in zip(hx if cls == "LSTM" else (hx,), before):
        np.testing.assert_array_equal(s.numpy(), b)


def test_one_node_per_layer_and_direction():
    lstm = ember.nn.LSTM(3, 4, num_layers=2)
    out, (h, c) = lstm(ember.randn(5, 2, 3))
    nodes, seen, todo = [], set(), [out.grad_fn]
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        nodes.append(type(n).__name__)
        todo.extend(f for f, _ in n.next_functions)
    assert nodes.count("MkldnnRnnLayerBackward0") == 2
    assert len(nodes) < 20


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_backward(path, dtype):
    idx = np.random.RandomState(3).randint(0, 7, (6, 5))
    res = []
    for m in (torch, ember):
        w = m.tensor(np.random.RandomState(4).randn(7, 3), dtype=getattr(m, dtype), requires_grad=True)
        g = m.tensor(np.random.RandomState(5).randn(6, 5, 3), dtype=getattr(m, dtype))
        with _kernels.use(path) if m is ember else contextlib.nullcontext():
            (m.nn.functional.embedding(m.tensor(idx), w, padding_idx=2) * g).sum().backward()
        res.append(w.grad.numpy())
    assert res[0].dtype == res[1].dtype
    np.testing.assert_allclose(res[1], res[0], rtol=1e-6, atol=1e-6)
    assert not res[1][2].any()


OPTIMS = [("Adam", dict(lr=0.1)), ("Adam", dict(lr=0.1, amsgrad=True, weight_decay=0.1, maximize=True)),
          ("AdamW", dict(lr=0.1, betas=(0.3, 0.9))), ("SGD", dict(lr=0.1, momentum=0.9)),
          ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
          ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.3))]


def _optimize(m, cls, kw, dtype):
    rng = np.random.default_rng(0)
    ps = [m.nn.Parameter(m.tensor(rng.standard_normal(s).astype(dtype))) for s in [(5, 3), (7,), ()]]
    opt = getattr(m.optim, cls)(ps, **kw)
    for _ in range(4):
        for p in ps:
            p.grad = m.tensor(rng.standard_normal(tuple(p.shape)).astype(dtype))
        opt.step()
    state = [v.numpy().copy() for s in opt.state_dict()["state"].values() for v in s.values()
             if isinstance(v, m.Tensor) and v.dim()]
    return [p.detach().numpy().copy() for p in ps], state


@pytest.mark.parametrize("cls,kw", OPTIMS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_optimizer_kernels_bitwise_numpy_and_close_to_torch(cls, kw, dtype):
    want, wstate = _optimize(torch, cls, kw, dtype)
    with _kernels.use("numpy"):
        ref, rstate = _optimize(ember, cls, kw, dtype)
    got, gstate = ref, rstate
    if _kernels.available():
        with _kernels.use("numba"):
            got, gstate = _optimize(ember, cls, kw, dtype)
    for g, r in zip(got + gstate, ref + rstate):
        np.testing.assert_array_equal(g, r)     # the same float sequence on both paths
    tol = 1e-6 if dtype == "float32" else 1e-14
    for g, t in zip(got + gstate, want + wstate):
        assert g.dtype == t.dtype
        np.testing.assert_allclose(g, t, rtol=tol, atol=tol)


def test_lstm_step_kernels_see_c_ordered_arrays():
    # an unused final state (gradient None -> zeros) or a batch_first output feeding a Linear
    # gives transposed gradients; the step kernels must still get C-ordered arrays, or numba
    # compiles a strided variant that does not vectorize (about 10x slower a step)
    pytest.importorskip("numba")
    with _kernels.use("numba"):
        k = _kernels.load("rnn")
        lstm, fc = ember.nn.LSTM(8, 16, batch_first=True), ember.nn.Linear(16, 5)
        for b in (3, 1):
            h, _ = lstm(ember.randn(b, 6, 8, requires_grad=True))
            fc(h).sum().backward()
    for name in ("lstm_bwd_step", "lstm_fwd_pre", "lstm_fwd_cell"):
        sigs = getattr(k, name).signatures
        assert sigs and all(a.layout == "C" for sig in sigs for a in sig if hasattr(a, "layout")), (name, sigs)
