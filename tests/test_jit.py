"""ember.jit: trace, save/load without the model's class, script's honest errors."""
import subprocess
import sys

import numpy as np
import pytest

import ember
import ember.jit
from ember import nn


class WideDeep(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.bn = nn.BatchNorm1d(11)
        self.fc = nn.Linear(11, 1)

    def forward(self, x_dense, x_sparse):
        e = self.emb(x_sparse).reshape(x_sparse.shape[0], -1)
        h = ember.cat([x_dense, e], 1)
        return ember.sigmoid(self.fc(ember.relu(self.bn(h)))), h[:, 0]


def _data(n=5):
    return ember.randn(n, 3), ember.randint(0, 10, (n, 2))


def test_trace_matches_eager_and_prints():
    ember.manual_seed(0)
    m = WideDeep().eval()
    xd, xs = _data()
    mod = ember.jit.trace(m, (xd, xs))
    assert isinstance(mod, ember.jit.ScriptModule) and isinstance(mod, ember.jit.TracedModule)
    for a, b in zip(mod(xd, xs), m(xd, xs)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
    xd2, xs2 = _data()   # same shapes, new values: the graph is not the example's numbers
    np.testing.assert_allclose(mod.forward(xd2, xs2)[0].detach().numpy(),
                               m(xd2, xs2)[0].detach().numpy(), rtol=1e-6)
    g = str(mod.graph)
    assert "aten::embedding" in g and "aten::linear" in g and "aten::batch_norm" in g
    assert "def forward(self, x_dense, x_sparse)" in mod.code
    assert set(mod.state_dict()) == set(m.state_dict())


def test_save_load_runs_without_the_class(tmp_path):
    ember.manual_seed(0)
    m = WideDeep().eval()
    xd, xs = _data()
    path = str(tmp_path / "wide_deep.pt")
    mod = ember.jit.trace(m, (xd, xs))
    mod.save(path)
    expect = m(xd, xs)[0].detach().numpy()
    np.save(tmp_path / "xd.npy", xd.numpy())
    np.save(tmp_path / "xs.npy", xs.numpy())
    np.save(tmp_path / "y.npy", expect)
    # a fresh interpreter that never defines WideDeep
    code = (f"import numpy as np, ember as torch, ember.jit\n"
            f"m = torch.jit.load({path!r})\n"
            f"xd = torch.from_numpy(np.load({str(tmp_path / 'xd.npy')!r}))\n"
            f"xs = torch.from_numpy(np.load({str(tmp_path / 'xs.npy')!r}))\n"
            f"out = m.forward(xd, xs)\n"
            f"np.testing.assert_allclose(out[0].detach().numpy(), np.load({str(tmp_path / 'y.npy')!r}), rtol=1e-6)\n"
            f"print('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "ok", r.stderr
    m2 = ember.jit.load(path)
    assert list(m2.state_dict()) == list(mod.state_dict())
    ember.jit.save(m2, str(tmp_path / "again.pt"))
    np.testing.assert_allclose(ember.jit.load(str(tmp_path / "again.pt"))(xd, xs)[1].detach().numpy(),
                               xd.numpy()[:, 0])


def test_trace_function_conv_and_inplace(tmp_path):
    ember.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 3), nn.Dropout(0.5),
                        nn.LayerNorm(3), nn.GELU(), nn.Softmax(dim=1)).eval()
    x = ember.randn(2, 3, 8, 8)
    mod = ember.jit.trace(net, x)
    np.testing.assert_allclose(mod(x).detach().numpy(), net(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    mod.save(tmp_path / "net.pt")
    x2 = ember.randn(2, 3, 8, 8)
    np.testing.assert_allclose(ember.jit.load(tmp_path / "net.pt")(x2).detach().numpy(),
                               net(x2).detach().numpy(), rtol=1e-5, atol=1e-6)

    def f(a, b):
        return (a @ b).tanh() * 2 + a.mean(0, keepdim=True)
    a, b = ember.randn(3, 3), ember.randn(3, 3)
    tf = ember.jit.trace(f, (a, b))
    np.testing.assert_allclose(tf(b, a).numpy(), f(b, a).numpy(), rtol=1e-6)


def test_tracing_flags_and_markers():
    seen = []

    class M(nn.Module):
        def forward(self, x):
            seen.append((ember.jit.is_tracing(), ember.jit.is_scripting()))
            return x * 2

    ember.jit.trace(M(), ember.ones(2))
    assert seen == [(True, False)] and not ember.jit.is_tracing()

    @ember.jit.ignore
    def g(x):
        return x

    @ember.jit.unused
    def h(x):
        return x
    assert g(1) == 1 and h(2) == 2 and ember.jit.export(g) is g
    assert ember.jit.ignore(drop=True)(g) is g


def test_script_errors():
    dp = nn.DataParallel(nn.Linear(2, 2))
    with pytest.raises(ember.jit.frontend.NotSupportedError,
                       match="Compiled functions can't take variable number of arguments"):
        ember.jit.script(dp)
    with pytest.raises(ember.jit.frontend.NotSupportedError, match="ember.jit.trace"):
        ember.jit.script(nn.Linear(2, 2))
    traced = ember.jit.trace(nn.Linear(2, 2), ember.ones(1, 2))
    assert ember.jit.script(traced) is traced


def test_load_reads_torchscript(tmp_path):
    import torch

    p = str(tmp_path / "ts.pt")
    lin = torch.nn.Linear(2, 2)
    torch.jit.save(torch.jit.trace(lin, torch.ones(1, 2)), p)
    m = ember.jit.load(p)
    x = np.array([[1.0, -2.0]], np.float32)
    np.testing.assert_allclose(m(ember.from_numpy(x)).detach().numpy(),
                               lin(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_unrecorded_values_warn_as_constants():
    """A tensor made inside forward is baked in, with a TracerWarning, as torch warns for
    ``torch.tensor`` inside forward; argmax is recorded (torch's aten::argmax) and follows
    new inputs; parameters and recorded ops don't warn."""
    import warnings

    class Pick(ember.nn.Module):
        def forward(self, x):
            return x * (x.argmax() + 1)

    class Const(ember.nn.Module):
        def forward(self, x):
            return x * ember.tensor([1.0, 2.0, 3.0]).exp()

    with pytest.warns(ember.jit.TracerWarning, match="constant in the trace"):
        ember.jit.trace(Const(), (ember.tensor([0.0, 3.0, 1.0]),))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)
        t = ember.jit.trace(Pick(), (ember.tensor([0.0, 3.0, 1.0]),))
    x = ember.tensor([5.0, 3.0, 1.0])
    np.testing.assert_array_equal(t(x).detach().numpy(), [5.0, 3.0, 1.0])
    assert "aten::argmax" in str(t.graph)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)
        ember.jit.trace(ember.nn.Linear(3, 2), (ember.ones(1, 3),))
