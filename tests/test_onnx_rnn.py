"""ember.onnx.export of nn.LSTM / GRU / RNN as ONNX's LSTM / GRU / RNN operators: ONNX Runtime
at a new batch size and sequence length matches eager ember and torch (same weights)."""
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
torch = pytest.importorskip("torch")

from oracle import _flat_tensors  # noqa: E402

import ember  # noqa: E402
import ember.onnx  # noqa: E402
from ember import nn  # noqa: E402

_KINDS = {"LSTM": ("LSTM", {}), "GRU": ("GRU", {}), "RNN_TANH": ("RNN", {"nonlinearity": "tanh"}),
          "RNN_RELU": ("RNN", {"nonlinearity": "relu"})}


def _torch_twin(m, tm):
    tm.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in m.state_dict().items()})
    return tm.eval()


def _export(model, args, tmp_path, names, outs, dyn):
    model.eval()
    path = str(tmp_path / "m.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proto = ember.onnx.export(model, args, path, input_names=names, output_names=outs,
                                  dynamic_axes=dyn)
    return proto, ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def _compare(sess, names, model, tmodel, args, tol=1e-5):
    feed = _flat_tensors(args)
    got = sess.run(None, {n: t.numpy() for n, t in zip(names, feed)})
    with ember.no_grad():
        want = _flat_tensors(model(*args))
    with torch.no_grad():
        twant = _flat_tensors(tmodel(*[_to_torch(a) for a in args]))
    assert len(got) == len(want) == len(twant)
    for g, w, t in zip(got, want, twant):
        assert g.shape == tuple(w.shape) == tuple(t.shape)
        np.testing.assert_allclose(g, w.numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(g, t.numpy(), rtol=tol, atol=tol)


def _to_torch(a):
    if isinstance(a, (tuple, list)):
        return type(a)(_to_torch(x) for x in a)
    return torch.from_numpy(a.numpy().copy())


@pytest.mark.parametrize("kind", list(_KINDS))
@pytest.mark.parametrize("layers,bidir", [(1, False), (2, True), (2, False)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_recurrent_operator_dynamic_batch_and_sequence(kind, layers, bidir, batch_first, with_state,
                                                      tmp_path):
    cls, extra = _KINDS[kind]
    ember.manual_seed(0)
    m = getattr(nn, cls)(4, 5, num_layers=layers, bidirectional=bidir, batch_first=batch_first, **extra)
    tm = _torch_twin(m, getattr(torch.nn, cls)(4, 5, num_layers=layers, bidirectional=bidir,
                                                batch_first=batch_first, **extra))
    lstm = cls == "LSTM"
    nd = 2 if bidir else 1
    bax, sax = (0, 1) if batch_first else (1, 0)

    def inputs(T, B):
        x = ember.randn(*((B, T, 4) if batch_first else (T, B, 4)))
        if not with_state:
            return (x,)
        h = ember.randn(layers * nd, B, 5)
        return (x, (h, ember.randn(layers * nd, B, 5)) if lstm else h)
    names = ["x"] + (["h0", "c0"] if lstm else ["h0"]) * with_state
    outs = ["y", "hn", "cn"] if lstm else ["y", "hn"]
    dyn = {"x": {bax: "batch", sax: "seq"}, "y": {bax: "batch", sax: "seq"}}
    for n in names[1:] + outs[1:]:
        dyn[n] = {1: "batch"}
    proto, sess = _export(m, inputs(3, 2), tmp_path, names, outs, dyn)
    ops = [n.op_type for n in proto.graph.node]
    onnx_op = "RNN" if cls == "RNN" else cls
    assert ops.count(onnx_op) == layers                     # one operator per layer, no unrolling
    assert not {"Tanh", "Sigmoid", "Relu", "MatMul", "Gemm"} & set(ops)
    for T, B in [(3, 2), (7, 5), (1, 1)]:
        _compare(sess, names, m, tm, inputs(T, B))


def test_attributes_follow_torch(tmp_path):
    """ONNX's gate orders and attributes, as torch writes them."""
    ember.manual_seed(0)
    for m, op, want in [(nn.GRU(3, 4, bidirectional=True), "GRU",
                         {"linear_before_reset": 1, "direction": b"bidirectional", "hidden_size": 4}),
                        (nn.RNN(3, 4, nonlinearity="relu"), "RNN", {"activations": [b"Relu"]}),
                        (nn.LSTM(3, 4), "LSTM", {"direction": b"forward", "hidden_size": 4})]:
        proto, _ = _export(m, (ember.randn(2, 1, 3),), tmp_path, ["x"], None, None)
        node = next(n for n in proto.graph.node if n.op_type == op)
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        for k, v in want.items():
            assert attrs[k] == v


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_unbatched_and_no_bias(cls, tmp_path):
    ember.manual_seed(0)
    m = getattr(nn, cls)(3, 4, num_layers=2, bias=False, bidirectional=True)
    tm = _torch_twin(m, getattr(torch.nn, cls)(3, 4, num_layers=2, bias=False, bidirectional=True))
    outs = ["y", "hn", "cn"] if cls == "LSTM" else ["y", "hn"]
    _, sess = _export(m, (ember.randn(5, 3),), tmp_path, ["x"], outs, {"x": {0: "seq"}, "y": {0: "seq"}})
    for T in (5, 2, 9):
        _compare(sess, ["x"], m, tm, (ember.randn(T, 3),))


def _word_lm(lib, ntoken=30, ninp=8, nhid=10, nlayers=2):
    """pytorch/examples word_language_model's RNNModel: Embedding -> LSTM -> Linear."""
    class RNNModel(lib.Module):
        def __init__(self):
            super().__init__()
            self.encoder = lib.Embedding(ntoken, ninp)
            self.rnn = lib.LSTM(ninp, nhid, nlayers, dropout=0.2)
            self.decoder = lib.Linear(nhid, ntoken)

        def forward(self, x, hidden):
            out, hidden = self.rnn(self.encoder(x), hidden)
            return self.decoder(out), hidden
    return RNNModel()


def test_word_language_model_dynamic_batch_and_sequence(tmp_path):
    ember.manual_seed(0)
    m = _word_lm(nn)
    tm = _torch_twin(m, _word_lm(torch.nn))

    def inputs(T, B):
        return (ember.randint(0, 30, (T, B)), (ember.randn(2, B, 10), ember.randn(2, B, 10)))
    names, outs = ["x", "h0", "c0"], ["logits", "hn", "cn"]
    dyn = {"x": {0: "seq", 1: "batch"}, "logits": {0: "seq", 1: "batch"},
           "h0": {1: "batch"}, "c0": {1: "batch"}, "hn": {1: "batch"}, "cn": {1: "batch"}}
    proto, sess = _export(m, inputs(35, 4), tmp_path, names, outs, dyn)
    assert [n.op_type for n in proto.graph.node].count("LSTM") == 2
    for T, B in [(35, 4), (11, 7), (50, 1)]:
        _compare(sess, names, m, tm, inputs(T, B))


def test_lstm_projections_refused(tmp_path):
    m = nn.LSTM(4, 5, proj_size=2)
    with pytest.raises(ember.onnx.UnsupportedOperatorError, match="LSTMs with projections"):
        ember.onnx.export(m, ember.randn(3, 2, 4), str(tmp_path / "p.onnx"))
    tm = torch.nn.LSTM(4, 5, proj_size=2)
    with pytest.raises(RuntimeError, match="LSTMs with projections"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(tm, (torch.randn(3, 2, 4),), str(tmp_path / "t.onnx"), dynamo=False)


def test_export_leaves_the_layer_unpatched(tmp_path):
    from ember.nn.modules.rnn import RNNBase

    before = RNNBase.__dict__["_forward"]
    ember.onnx.export(nn.GRU(3, 4), ember.randn(2, 1, 3), str(tmp_path / "g.onnx"))
    assert RNNBase.__dict__["_forward"] is before


def test_weights_folded_or_kept_as_inputs(tmp_path):
    """Default: W/R/B are re-ordered constants (torch's folded initializers, no weight_ih_l0
    left); keep_initializers_as_inputs / export_params=False: parameters stay graph inputs
    and the re-ordering runs in the graph."""
    ember.manual_seed(0)
    m = nn.LSTM(3, 4, num_layers=2, bidirectional=True).eval()
    tm = _torch_twin(m, torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True))
    x = ember.randn(5, 2, 3)
    path = str(tmp_path / "m.onnx")
    proto = ember.onnx.export(m, x, path, input_names=["x"])
    inits = {t.name for t in proto.graph.initializer}
    assert not any(n.startswith(("weight_", "bias_")) for n in inits)
    lstm = [n for n in proto.graph.node if n.op_type == "LSTM"]
    assert all(i in inits for n in lstm for i in n.input[1:4])
    _compare(ort.InferenceSession(path, providers=["CPUExecutionProvider"]), ["x"], m, tm, (x,))
    for kw in ({"keep_initializers_as_inputs": True}, {"export_params": False}):
        proto = ember.onnx.export(m, x, path, input_names=["x"], **kw)
        graph_inputs = [i.name for i in proto.graph.input]
        assert "weight_ih_l1_reverse" in graph_inputs
        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        feed = {"x": x.numpy()}
        feed.update({k: v.numpy() for k, v in m.state_dict().items() if k in graph_inputs})
        y, hn, cn = sess.run(None, feed)
        with torch.no_grad():
            ty, (thn, tcn) = tm(_to_torch(x))
        for a, b in ((y, ty), (hn, thn), (cn, tcn)):
            np.testing.assert_allclose(a, b.numpy(), rtol=1e-5, atol=1e-5)


def test_training_mode_dropout_between_layers_refused(tmp_path):
    m = nn.GRU(3, 4, num_layers=2, dropout=0.5)
    with pytest.raises(ember.onnx.UnsupportedOperatorError, match="dropout between layers"):
        ember.onnx.export(m, ember.randn(2, 1, 3), str(tmp_path / "g.onnx"),
                          training=ember.onnx.TrainingMode.TRAINING)
    assert m.training


@pytest.mark.parametrize("opset", [14, 17])
def test_older_opsets(opset, tmp_path):
    ember.manual_seed(0)
    m = nn.GRU(3, 4, batch_first=True)
    tm = _torch_twin(m, torch.nn.GRU(3, 4, batch_first=True))
    m.eval()
    path = str(tmp_path / "g.onnx")
    ember.onnx.export(m, ember.randn(2, 5, 3), path, input_names=["x"], opset_version=opset,
                      dynamic_axes={"x": {0: "b", 1: "t"}})
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    _compare(sess, ["x"], m, tm, (ember.randn(3, 8, 3),))


def test_outputs_follow_dynamic_inputs_without_being_named(tmp_path):
    """Only the input's axis is named: the outputs' sequence/batch axes are still symbolic
    (ONNX Runtime would otherwise rely on the traced sizes); unbatched input with states."""
    ember.manual_seed(0)
    m = nn.LSTM(3, 4, batch_first=True).eval()
    tm = _torch_twin(m, torch.nn.LSTM(3, 4, batch_first=True))
    h, c = ember.randn(1, 4), ember.randn(1, 4)
    path = str(tmp_path / "m.onnx")
    proto = ember.onnx.export(m, (ember.randn(5, 3), (h, c)), path, input_names=["x", "h", "c"],
                              dynamic_axes={"x": {0: "t"}})
    y = proto.graph.output[0].type.tensor_type.shape.dim
    assert y[0].dim_param and not y[0].dim_value and y[1].dim_value == 4
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for T in (5, 8, 1):
        _compare(sess, ["x", "h", "c"], m, tm, (ember.randn(T, 3), (h, c)))


@pytest.mark.parametrize("cls,extra", [("LSTM", {}), ("GRU", {}), ("RNN", {"nonlinearity": "relu"})])
def test_operators_equal_torchs_export(cls, extra, tmp_path):
    """torch.onnx.export of the same layer writes the same operators, attributes and
    re-ordered W/R/B (bit for bit)."""
    from onnx import numpy_helper

    ember.manual_seed(0)
    m = getattr(nn, cls)(3, 4, num_layers=2, bidirectional=True, **extra).eval()
    tm = _torch_twin(m, getattr(torch.nn, cls)(3, 4, num_layers=2, bidirectional=True, **extra))
    x = ember.randn(5, 2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(tm, (_to_torch(x),), str(tmp_path / "t.onnx"), dynamo=False)
    ours = ember.onnx.export(m, x, str(tmp_path / "e.onnx"))

    def layers(p):
        inits = {t.name: numpy_helper.to_array(t) for t in p.graph.initializer}
        return [({a.name: onnx.helper.get_attribute_value(a) for a in n.attribute},
                 [inits[i] for i in n.input[1:4]]) for n in p.graph.node if n.op_type == cls]
    theirs = layers(onnx.load(str(tmp_path / "t.onnx")))
    mine = layers(ours)
    assert len(mine) == len(theirs) == 2
    for (ta, tw), (ma, mw) in zip(theirs, mine):
        assert ta == ma
        for a, b in zip(tw, mw):
            np.testing.assert_array_equal(a, b)
