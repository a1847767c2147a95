"""nn.RNN/LSTM/GRU, their cells and nn.utils.rnn (packing) against torch 2.13, with identical
weights in float64: outputs, final states and every gradient."""
import numpy as np
import pytest
import torch
from oracle import gradcheck

import ember

R = np.random.RandomState(0)
TOL = dict(rtol=1e-9, atol=1e-12)


def _np(t):
    return t.detach().numpy()


def _close(e, t):
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(e), _np(t), **TOL)


def _pair(cls, *args, **kw):
    tm = getattr(torch.nn, cls)(*args, **kw).double()
    em = getattr(ember.nn, cls)(*args, **kw).double()
    assert list(tm.state_dict()) == list(em.state_dict())
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return tm, em


def _flat(x):
    """Tensors of a (possibly nested) result, in order."""
    if isinstance(x, (tuple, list)):
        return [t for y in x for t in _flat(y)]
    return [x]


def _run_both(tm, em, arrays, call):
    """call(m, module, *tensors) -> result; compares results and grads of inputs + params."""
    res = []
    for m, mod in ((torch, tm), (ember, em)):
        ins = [None if a is None else m.tensor(a, requires_grad=True) for a in arrays]
        out = _flat(call(m, mod, *ins))
        sum(((o * o).sum() if i % 2 else o.sum()) for i, o in enumerate(out)).backward()
        res.append(out + [t.grad for t in ins if t is not None] + [p.grad for p in mod.parameters()])
    for e, t in zip(*res):
        _close(e, t)


def _state(shape, lstm, cshape=None):
    return [R.randn(*shape), R.randn(*(cshape or shape))] if lstm else [R.randn(*shape)]


CASES = [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "bias": False}),
    ("LSTM", {}), ("LSTM", {"proj_size": 3}), ("GRU", {}), ("GRU", {"bias": False}),
]


@pytest.mark.parametrize("cls,kw", CASES)
@pytest.mark.parametrize("layers,bidir,batch_first", [(1, False, False), (2, True, False), (2, False, True)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_rnn_layers(cls, kw, layers, bidir, batch_first, with_h0):
    tm, em = _pair(cls, 4, 5, layers, bidirectional=bidir, batch_first=batch_first, **kw)
    lstm = cls == "LSTM"
    nd = layers * (2 if bidir else 1)
    H = kw.get("proj_size", 5)
    x = R.randn(*((2, 3, 4) if batch_first else (3, 2, 4)))
    states = _state((nd, 2, H), lstm, (nd, 2, 5)) if with_h0 else []

    def call(m, mod, x, *s):
        if not s:
            return mod(x)
        return mod(x, tuple(s) if lstm else s[0])
    _run_both(tm, em, [x] + states, call)


@pytest.mark.parametrize("cls,kw", CASES[::2] + [("LSTM", {"proj_size": 2})])
def test_rnn_unbatched(cls, kw):
    tm, em = _pair(cls, 4, 5, 2, bidirectional=True, **kw)
    lstm = cls == "LSTM"
    states = _state((4, kw.get("proj_size", 5)), lstm, (4, 5))
    _run_both(tm, em, [R.randn(3, 4)] + states,
              lambda m, mod, x, *s: mod(x, tuple(s) if lstm else s[0]))
    _run_both(tm, em, [R.randn(3, 4)], lambda m, mod, x: mod(x))


@pytest.mark.parametrize("cls,kw", CASES[::2] + [("LSTM", {"proj_size": 2})])
@pytest.mark.parametrize("with_h0", [False, True])
def test_rnn_packed(cls, kw, with_h0):
    """Unsorted lengths (with a tie): PackedSequence in and out, h0 in the user's order."""
    tm, em = _pair(cls, 4, 5, 2, bidirectional=True, **kw)
    lstm = cls == "LSTM"
    lengths = [2, 5, 3, 5]
    states = _state((4, 4, kw.get("proj_size", 5)), lstm, (4, 4, 5)) if with_h0 else []

    def call(m, mod, x, *s):
        U = m.nn.utils.rnn
        p = U.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = mod(p, (tuple(s) if lstm else s[0]) if s else None)
        assert isinstance(out, U.PackedSequence)
        padded, lens = U.pad_packed_sequence(out, batch_first=True, total_length=6)
        return [out.data, padded, h]
    _run_both(tm, em, [R.randn(4, 5, 4)] + states, call)


def test_rnn_dropout_same_masks():
    """Dropout between layers (training) draws torch's masks given the seed."""
    for cls in ("LSTM", "GRU", "RNN"):
        tm, em = _pair(cls, 4, 6, 3, dropout=0.4, bidirectional=True)
        x = R.randn(5, 3, 4)
        torch.manual_seed(7)
        ember.manual_seed(7)
        _run_both(tm, em, [x], lambda m, mod, x: mod(x))
        tm.eval(), em.eval()
        _run_both(tm, em, [x], lambda m, mod, x: mod(x))


@pytest.mark.parametrize("cls,kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                    ("LSTMCell", {}), ("GRUCell", {}), ("GRUCell", {"bias": False})])
def test_cells(cls, kw):
    tm, em = _pair(cls, 4, 5, **kw)
    lstm = cls == "LSTMCell"
    for shape in ((3,), ()):
        x = R.randn(*shape, 4)
        states = _state(shape + (5,), lstm)
        _run_both(tm, em, [x] + states, lambda m, mod, x, *s: mod(x, tuple(s) if lstm else s[0]))
        _run_both(tm, em, [x], lambda m, mod, x: mod(x))


@pytest.mark.parametrize("cls,args,kw", [
    ("RNN", (3, 8), {}), ("RNN", (3, 8, 2), {"nonlinearity": "relu", "bias": False, "dropout": 0.5}),
    ("LSTM", (3, 8, 2), {"proj_size": 4, "bidirectional": True, "batch_first": True}),
    ("GRU", (3, 8, 3), {"bidirectional": True}),
    ("RNNCell", (3, 8), {"nonlinearity": "relu"}), ("LSTMCell", (3, 8), {"bias": False}),
    ("GRUCell", (3, 8), {}),
])
def test_init_repr_state_dict(cls, args, kw):
    """After manual_seed the initial weights are torch's, bit for bit."""
    torch.manual_seed(3)
    t = getattr(torch.nn, cls)(*args, **kw)
    ember.manual_seed(3)
    e = getattr(ember.nn, cls)(*args, **kw)
    assert repr(e) == repr(t)
    ts, es = t.state_dict(), e.state_dict()
    assert list(ts) == list(es)
    for k in ts:
        assert str(es[k].dtype) == str(ts[k].dtype)
        np.testing.assert_array_equal(es[k].numpy(), ts[k].numpy())


def _raises(fn):
    """fn(m) raises the same exception class and message under torch and ember."""
    err = []
    for m in (torch, ember):
        with pytest.raises(Exception) as ei:
            fn(m)
        err.append(ei)
    assert err[0].type is err[1].type, (err[0].value, err[1].value)
    assert str(err[1].value) == str(err[0].value)


@pytest.mark.parametrize("fn", [
    lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 6)),                               # input size
    lambda m: m.nn.GRU(4, 5)(m.randn(2, 3, 2, 4)),                            # 4-D input
    lambda m: m.nn.RNN(4, 5)(m.randn(2, 3, 2, 4)),
    lambda m: m.nn.LSTM(4, 5)(m.randn(3)),
    lambda m: m.nn.RNN(4, 5)(m.randn(3, 2, 4), m.randn(1, 3, 5)),             # hidden shape
    lambda m: m.nn.GRU(4, 5, 2)(m.randn(3, 2, 4), m.randn(1, 2, 5)),
    lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 4), (m.randn(1, 2, 5), m.randn(1, 2, 4))),
    lambda m: m.nn.LSTM(4, 5, proj_size=2)(m.randn(3, 2, 4), (m.randn(1, 2, 5), m.randn(1, 2, 5))),
    lambda m: m.nn.LSTM(4, 5)(m.randn(3, 2, 4), (m.randn(2, 5), m.randn(2, 5))),   # hidden dims
    lambda m: m.nn.LSTM(4, 5)(m.randn(3, 4), (m.randn(1, 1, 5), m.randn(1, 1, 5))),
    lambda m: m.nn.RNN(4, 5)(m.randn(3, 4), m.randn(1, 1, 5)),
    lambda m: m.nn.GRU(4, 5)(m.randn(3, 2, 4), m.randn(2, 5)),
    lambda m: m.nn.RNN(4, 5)(m.randn(3, 2, 4).double()),                      # dtype
    lambda m: m.nn.RNN(4, 5, nonlinearity="gelu"),
    lambda m: m.nn.GRU(4, 5, proj_size=2),
    lambda m: m.nn.LSTM(4, 5, proj_size=5),
    lambda m: m.nn.LSTM(4, 5, dropout=1.5),
    lambda m: m.nn.LSTM(4, 0),
    lambda m: m.nn.LSTM(4, 5, num_layers=0),
    lambda m: m.nn.LSTM(4.0, 5),
    lambda m: m.nn.LSTM(4, 5, bias=1),
    lambda m: m.nn.LSTMCell(4, 5)(m.randn(2, 3)),
    lambda m: m.nn.LSTMCell(4, 5)(m.randn(2, 2, 4)),
    lambda m: m.nn.GRUCell(4, 5)(m.randn(2, 4), m.randn(3, 5)),
    lambda m: m.nn.RNNCell(4, 5)(m.randn(2, 4), m.randn(2, 6)),
    lambda m: m.nn.RNNCell(4, 5)(m.randn(2, 4), m.randn(1, 2, 6)),
    lambda m: m.nn.LSTMCell(4, 5)(m.randn(2, 4), (m.randn(2, 5), m.randn(2, 2, 5))),
    lambda m: m.nn.utils.rnn.pack_padded_sequence(m.randn(5, 3, 2), [2, 4, 1]),
    lambda m: m.nn.utils.rnn.pack_padded_sequence(m.randn(5, 3, 2), [4, 2, 0]),
    lambda m: m.nn.utils.rnn.pack_padded_sequence(m.randn(5, 3, 2), [4, 2]),
    lambda m: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_sequence([m.randn(3), m.randn(2)]), total_length=2),
    lambda m: m.nn.utils.rnn.pad_sequence(5),
])
def test_bad_input(fn):
    _raises(fn)


def test_warning_dropout_one_layer():
    for m in (torch, ember):
        with pytest.warns(UserWarning, match="dropout option adds dropout"):
            m.nn.GRU(4, 5, dropout=0.2)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence(batch_first, side):
    seqs = [R.randn(3, 2), R.randn(5, 2), R.randn(1, 2)]

    def call(m, mod, *xs):
        return m.nn.utils.rnn.pad_sequence(xs, batch_first=batch_first, padding_value=-1.5,
                                           padding_side=side)
    _run_both(torch.nn.Identity(), ember.nn.Identity(), seqs, call)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("sort", [True, False])
def test_pack_pad_roundtrip(batch_first, sort):
    lengths = [5, 3, 3, 1] if sort else [3, 5, 1, 3]
    x = R.randn(*((4, 5, 2) if batch_first else (5, 4, 2)))
    got = []
    for m in (torch, ember):
        U = m.nn.utils.rnn
        xt = m.tensor(x, requires_grad=True)
        p = U.pack_padded_sequence(xt, m.tensor(lengths), batch_first, enforce_sorted=sort)
        assert type(p).__name__ == "PackedSequence" and p._fields == (
            "data", "batch_sizes", "sorted_indices", "unsorted_indices")
        pad, lens = U.pad_packed_sequence(p, batch_first, padding_value=2.0, total_length=7)
        (pad * pad).sum().backward()
        got.append([p.data, p.batch_sizes, pad, lens, xt.grad]
                   + ([p.sorted_indices, p.unsorted_indices] if not sort else []))
        if sort:
            assert p.sorted_indices is None and p.unsorted_indices is None
    for e, t in zip(*got):
        assert str(e.dtype) == str(t.dtype)
        _close(e, t)


def test_pack_unpack_sequence_and_conversions():
    seqs = [R.randn(2, 3), R.randn(4, 3), R.randn(3, 3)]
    got = []
    for m in (torch, ember):
        U = m.nn.utils.rnn
        ts = [m.tensor(s) for s in seqs]
        p = U.pack_sequence(ts, enforce_sorted=False)
        f = p.float()
        assert str(f.data.dtype) == str(m.float32) and f.batch_sizes is p.batch_sizes
        assert p.to(m.float64) is p and str(p.to(m.float32).data.dtype) == str(m.float32)
        un = U.unpack_sequence(p)
        padded = U.pad_sequence(ts, batch_first=True)
        unpad = U.unpad_sequence(padded, m.tensor([2, 4, 3]), batch_first=True)
        got.append([p.data, p.batch_sizes, *un, *unpad])
    for e, t in zip(*got):
        _close(e, t)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        ember.nn.utils.rnn.pack_sequence([ember.tensor(s) for s in seqs])


def test_lstm_gradcheck():
    """ember's gradcheck through a 2-layer bidirectional LSTM with projections, w.r.t. the
    input, (h0, c0) and two parameters fed in as differentiable tensors."""
    m = ember.nn.LSTM(2, 3, 2, bidirectional=True, proj_size=2).double()
    names = ("weight_hh_l1_reverse", "bias_ih_l0")
    ws = [m._parameters[n].detach().numpy().copy() for n in names]

    def fn(em, x, h0, c0, w, b):
        old = [m._parameters[n] for n in names]
        m._parameters.update(zip(names, (w, b)))
        try:
            return m(x, (h0, c0))[0]
        finally:
            m._parameters.update(zip(names, old))
    gradcheck(fn, R.randn(3, 2, 2), R.randn(4, 2, 2), R.randn(4, 2, 3), *ws)


def test_float32_and_weight_lists():
    """float32 (torch's oneDNN path on CPU) with inter-layer dropout: same values and masks;
    all_weights / _flat_weights list the parameters in torch's order."""
    torch.manual_seed(0)
    t = torch.nn.LSTM(4, 6, 3, dropout=0.5, bidirectional=True)
    ember.manual_seed(0)
    e = ember.nn.LSTM(4, 6, 3, dropout=0.5, bidirectional=True)
    assert [[tuple(p.shape) for p in ps] for ps in e.all_weights] == \
        [[tuple(p.shape) for p in ps] for ps in t.all_weights]
    assert [tuple(p.shape) for p in e._flat_weights] == [tuple(p.shape) for p in t._flat_weights]
    x = R.randn(5, 3, 4).astype(np.float32)
    torch.manual_seed(1)
    ember.manual_seed(1)
    (a, (ha, ca)), (b, (hb, cb)) = t(torch.tensor(x)), e(ember.tensor(x))
    for u, v in ((b, a), (hb, ha), (cb, ca)):
        assert str(u.dtype) == str(v.dtype)
        np.testing.assert_allclose(_np(u), _np(v), rtol=1e-5, atol=1e-6)
