"""ember.onnx.export of common layers: ONNX Runtime's output matches eager ember (atol 1e-5)."""
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import ember  # noqa: E402
import ember.onnx  # noqa: E402
from ember import nn  # noqa: E402


def _check(model, args, tmp_path, names=None, dynamic_axes=None, others=(), tol=1e-5):
    """Export ``model`` on ``args``; run it in ONNX Runtime on ``args`` and ``others``."""
    model.eval()
    args = args if isinstance(args, tuple) else (args,)
    names = names or [f"in{i}" for i in range(len(args))]
    path = str(tmp_path / "m.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proto = ember.onnx.export(model, args, path, input_names=names, dynamic_axes=dynamic_axes)
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for a in (args,) + tuple(others):
        a = a if isinstance(a, tuple) else (a,)
        feed = []
        _flat(a, feed)
        got = s.run(None, {n: t.numpy() for n, t in zip(names, feed)})
        with ember.no_grad():
            want = model(*a)
        flat = []
        _flat(want, flat)
        assert len(got) == len(flat)
        for g, w in zip(got, flat):
            np.testing.assert_allclose(g, w.numpy(), rtol=tol, atol=tol)
    return [n.op_type for n in proto.graph.node]


def _flat(x, out):
    if isinstance(x, (tuple, list)):
        for y in x:
            _flat(y, out)
    else:
        out.append(x)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_recurrent(cls, tmp_path):
    ember.manual_seed(0)
    m = cls(4, 5, num_layers=2, bidirectional=True)
    _check(m, ember.randn(3, 2, 4), tmp_path)


def test_recurrent_batch_first_with_state(tmp_path):
    ember.manual_seed(0)
    m = nn.LSTM(3, 4, batch_first=True)
    x, h, c = ember.randn(2, 5, 3), ember.randn(1, 2, 4), ember.randn(1, 2, 4)
    _check(m, (x, (h, c)), tmp_path, names=["x", "h", "c"])
    g = nn.GRU(3, 4, batch_first=True, bias=False)
    _check(g, (x, h), tmp_path, names=["x", "h"])


def test_word_language_model_shape(tmp_path):
    """pytorch/examples word_language_model's RNNModel (embedding, LSTM, decoder)."""
    class RNNModel(nn.Module):
        def __init__(self, ntoken=20, ninp=6, nhid=8):
            super().__init__()
            self.encoder, self.rnn = nn.Embedding(ntoken, ninp), nn.LSTM(ninp, nhid, 2)
            self.decoder = nn.Linear(nhid, ntoken)

        def forward(self, x, hidden):
            out, hidden = self.rnn(self.encoder(x), hidden)
            return nn.functional.log_softmax(self.decoder(out), dim=-1), hidden

    ember.manual_seed(0)
    m = RNNModel()
    x = ember.randint(0, 20, (7, 3))
    hid = (ember.zeros(2, 3, 8), ember.zeros(2, 3, 8))
    _check(m, (x, hid), tmp_path, names=["x", "h", "c"], tol=1e-4)


@pytest.mark.parametrize("mod", [nn.ReflectionPad2d((1, 2, 2, 0)), nn.ReplicationPad2d(2),
                                 nn.ReflectionPad1d(2), nn.ReplicationPad3d(1), nn.CircularPad2d(1),
                                 nn.ZeroPad2d((1, -1, 2, 0)), nn.ConstantPad1d(2, 3.5)])
def test_pads(mod, tmp_path):
    x = ember.randn(2, 3, 4, 5, 6) if "3d" in type(mod).__name__ else (
        ember.randn(2, 3, 5) if "1d" in type(mod).__name__ else ember.randn(2, 3, 4, 5))
    y = ember.randn(5, *x.shape[1:])
    _check(mod, x, tmp_path, names=["x"], dynamic_axes={"x": {0: "b"}}, others=[y])
