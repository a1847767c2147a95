"""ember.onnx.export: graphs that onnx's checker accepts and ONNX Runtime runs to ember's numbers."""
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import ember  # noqa: E402
import ember.onnx  # noqa: E402
from ember import nn  # noqa: E402


def _run(path, feeds):
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return s, s.run(None, feeds)


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(a, b.detach().numpy(), rtol=tol, atol=tol)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.avg = nn.AvgPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)
        self.ln = nn.LayerNorm(5)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        y = self.avg(self.pool(ember.relu(self.bn(self.conv(x)))))
        y = ember.flatten(self.gap(y), 1)
        y = self.drop(nn.functional.gelu(self.ln(self.fc(y))))
        return ember.softmax(y.view(y.size(0), -1) * 2 - 1, dim=1), y[:, :2].permute(1, 0)


def test_nerf_note_tuple_eval_verbose(tmp_path, capsys):
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(90, 64), nn.ReLU(), nn.Linear(64, 4), nn.Sigmoid())
    model.train()
    path = tmp_path / "nerf-model.onnx"
    ember.onnx.export(model, (ember.randn(1, 90)), str(path), verbose=True,
                      training=ember.onnx.TrainingMode.EVAL)
    assert "Gemm" in capsys.readouterr().out
    assert model.training   # restored after export
    onnx.checker.check_model(onnx.load(str(path)))
    x = ember.randn(1, 90)
    s, (y,) = _run(path, {"input": x.numpy()})
    _close(y, model(x))
    assert [n.op_type for n in onnx.load(str(path)).graph.node][:4] == ["Gemm", "Relu", "Gemm", "Sigmoid"]


def test_dict_args_are_keyword_args(tmp_path):
    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, batch, scale=None):
            return self.fc(batch) * (1.0 if scale is None else scale)

    dec = Decoder().eval()
    batch = ember.randn(3, 4)
    path = tmp_path / "audio2pose_model_decoder.onnx"
    ember.onnx.export(dec, {"batch": batch}, str(path), verbose=False,
                      training=ember.onnx.TrainingMode.EVAL)
    s, (y,) = _run(path, {"batch": batch.numpy()})
    assert [i.name for i in s.get_inputs()] == ["batch"]
    _close(y, dec(batch))
    # (x, {kw}) : the trailing dict is keyword arguments
    ember.onnx.export(dec, (batch, {"scale": 3.0}), str(path))
    _close(_run(path, {"batch": batch.numpy()})[1][0], dec(batch, scale=3.0))


def test_cnn_names_dynamic_axes_and_torch_structure(tmp_path):
    ember.manual_seed(0)
    m = CNN()
    m(ember.randn(4, 3, 8, 8))   # move the running stats off their defaults
    m.eval()
    x = ember.randn(2, 3, 8, 8)
    path = tmp_path / "cnn.onnx"
    proto = ember.onnx.export(m, x, str(path), input_names=["img"], output_names=["p", "q"],
                              dynamic_axes={"img": {0: "batch"}, "p": [0]})
    onnx.checker.check_model(proto)
    g = proto.graph
    assert g.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert g.output[0].type.tensor_type.shape.dim[0].dim_param == "p_dynamic_axes_1"
    assert {"conv.weight", "bn.running_mean", "fc.bias"} <= {i.name for i in g.initializer}
    for xx in (x, ember.randn(5, 3, 8, 8)):    # another batch size through the dynamic axis
        s, (p, q) = _run(path, {"img": xx.numpy()})
        ep, eq = m(xx)
        _close(p, ep)
        _close(q, eq)
    ours = [n.op_type for n in g.node]
    for op in ("Conv", "BatchNormalization", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool",
               "Gemm", "LayerNormalization", "Gelu", "Softmax", "Transpose"):
        assert op in ours

    # torch's TorchScript-based exporter on the same model: the same core operators
    import io

    import torch

    class TCNN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8)
            self.fc = torch.nn.Linear(8, 5)

        def forward(self, x):
            y = torch.nn.functional.adaptive_avg_pool2d(torch.relu(self.bn(self.conv(x))), 1)
            return torch.softmax(self.fc(torch.flatten(y, 1)), dim=1)

    class ECNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
            self.fc = nn.Linear(8, 5)

        def forward(self, x):
            y = nn.functional.adaptive_avg_pool2d(ember.relu(self.bn(self.conv(x))), 1)
            return ember.softmax(self.fc(ember.flatten(y, 1)), dim=1)

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(TCNN().eval(), (torch.randn(2, 3, 8, 8),), buf, dynamo=False,
                          do_constant_folding=False, opset_version=17)
    theirs = [n.op_type for n in onnx.load_from_string(buf.getvalue()).graph.node]
    mine = [n.op_type for n in ember.onnx.export(ECNN().eval(), ember.randn(2, 3, 8, 8),
                                                  opset_version=17).graph.node]
    core = lambda ops: [o for o in ops if o in ("Conv", "BatchNormalization", "Relu",  # noqa: E731
                                                "GlobalAveragePool", "Gemm", "Softmax")]
    assert core(mine) == core(theirs)


def test_ops_and_opsets(tmp_path):
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(7, 4)
            self.w = nn.Parameter(ember.randn(4, 4))

        def forward(self, idx, x):
            e = self.emb(idx)                                  # (2, 3, 4)
            h = ember.cat([e, x.unsqueeze(1)], 1) @ self.w     # (2, 4, 4)
            h = ember.tanh(h) + ember.sigmoid(h).sqrt() - h.exp().log() / 2
            h = nn.functional.leaky_relu(h, 0.1).clamp(-1, 1) ** 2
            h = h.transpose(1, 2).reshape(2, -1)
            return nn.functional.log_softmax(h, dim=-1), h.mean(1), h.sum(0, keepdim=True)

    m = M().eval()
    idx, x = ember.tensor([[1, 2, 3], [4, 5, 6]]), ember.randn(2, 4)
    for opset in (17, 20):
        path = tmp_path / f"m{opset}.onnx"
        ember.onnx.export(m, (idx, x), str(path), opset_version=opset, input_names=["idx", "x"])
        assert onnx.load(str(path)).opset_import[0].version == opset
        outs = _run(path, {"idx": idx.numpy(), "x": x.numpy()})[1]
        for a, b in zip(outs, m(idx, x)):
            _close(a, b, 1e-4)


def test_gelu_decomposed_before_opset_20(tmp_path):
    m = nn.Sequential(nn.Linear(3, 3), nn.GELU())
    x = ember.randn(2, 3)
    proto = ember.onnx.export(m, x, str(tmp_path / "g.onnx"), opset_version=18)
    assert "Erf" in [n.op_type for n in proto.graph.node]
    _close(_run(tmp_path / "g.onnx", {"input": x.numpy()})[1][0], m(x))


def test_export_params_false_and_unsupported(tmp_path):
    m = nn.Linear(3, 2)
    proto = ember.onnx.export(m, ember.randn(1, 3), str(tmp_path / "np.onnx"), export_params=False)
    assert not proto.graph.initializer and {"weight", "bias"} <= {i.name for i in proto.graph.input}

    class Bad(nn.Module):
        def forward(self, x):
            return ember.cumsum(x, 0)
    with pytest.raises(ember.onnx.UnsupportedOperatorError, match="aten::cumsum"):
        ember.onnx.export(Bad(), ember.randn(3), str(tmp_path / "bad.onnx"))
