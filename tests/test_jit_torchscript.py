"""TorchScript both ways (issue #15 §2): ember.jit.save writes archives real torch.jit.load
runs; ember.jit.load runs archives torch.jit.trace(...).save(...) wrote; both with the
same outputs as eager. Control flow and unknown ops fail naming them; a crafted
data.pkl cannot run code."""
import io
import os
import pickle
import re
import warnings
import zipfile

import numpy as np
import pytest
import torch

import ember
import ember.jit
from ember import nn


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(_np(a), _np(b), rtol=tol, atol=tol)


def _tt(x):
    return torch.from_numpy(x.numpy().copy())


# ---- the models, written once for either library ------------------------------------------

def _mlp(T):
    lib, F = T.nn, T.nn.functional
    class MLP(lib.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = lib.Linear(4, 8), lib.Linear(8, 3)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))
    return MLP()


def _cnn(T):
    lib, F = T.nn, T.nn.functional
    class CNN(lib.Module):
        def __init__(self):
            super().__init__()
            self.conv = lib.Conv2d(3, 4, 3, padding=1)
            self.bn = lib.BatchNorm2d(4)
            self.fc = lib.Linear(4 * 4 * 4, 2)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
            return F.log_softmax(self.fc(x.view(x.size(0), -1)), 1)
    return CNN().eval()


def _resnet(T, layers=(2, 2, 2, 2), width=8, classes=5):
    """resnet18's layout (BasicBlocks, strided downsamples) at a small width."""
    lib = T.nn
    class Block(lib.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = lib.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = lib.BatchNorm2d(cout)
            self.relu = lib.ReLU(inplace=True)
            self.conv2 = lib.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = lib.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = lib.Sequential(lib.Conv2d(cin, cout, 1, stride, bias=False),
                                                 lib.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            idt = x if self.downsample is None else self.downsample(x)
            return self.relu(out + idt)

    class ResNet(lib.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = lib.Conv2d(3, width, 7, 2, 3, bias=False)
            self.bn1 = lib.BatchNorm2d(width)
            self.relu = lib.ReLU(inplace=True)
            self.maxpool = lib.MaxPool2d(3, 2, 1)
            cin, stages = width, []
            for i, n in enumerate(layers):
                cout = width * 2 ** i
                stages.append(lib.Sequential(*[Block(cin if j == 0 else cout, cout,
                                                     2 if i and j == 0 else 1) for j in range(n)]))
                cin = cout
            self.layer1, self.layer2, self.layer3, self.layer4 = stages
            self.avgpool = lib.AdaptiveAvgPool2d((1, 1))
            self.fc = lib.Linear(cin, classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(T.flatten(self.avgpool(x), 1))
    return ResNet().eval()


def _lstm(T):
    lib = T.nn
    class Tagger(lib.Module):
        def __init__(self):
            super().__init__()
            self.emb = lib.Embedding(20, 6)
            self.lstm = lib.LSTM(6, 5, batch_first=True)
            self.fc = lib.Linear(5, 3)

        def forward(self, tokens):
            out, _ = self.lstm(self.emb(tokens))
            return self.fc(out[:, -1])
    return Tagger()


def _dict_in(T):
    lib = T.nn
    class Fuse(lib.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = lib.Linear(3, 2), lib.Linear(4, 2)

        def forward(self, d):
            return T.sigmoid(self.a(d["x"]) + self.b(d["y"])), d["x"].sum(1)
    return Fuse()


MODELS = {
    "mlp": (_mlp, lambda lib, n: (lib.randn(n, 4),)),
    "cnn": (_cnn, lambda lib, n: (lib.randn(n, 3, 8, 8),)),
    "resnet18": (_resnet, lambda lib, n: (lib.randn(n, 3, 32, 32),)),
    "lstm": (_lstm, lambda lib, n: (lib.randint(0, 20, (n, 7)),)),
    "dict": (_dict_in, lambda lib, n: ({"x": lib.randn(n, 3), "y": lib.randn(n, 4)},)),
}


def _ember(name):
    ember.manual_seed(0)
    return MODELS[name][0](ember)


def _torch(name):
    torch.manual_seed(0)
    return MODELS[name][0](torch)


def _to_torch(args):
    if isinstance(args, ember.Tensor):
        return _tt(args)
    if isinstance(args, dict):
        return {k: _to_torch(v) for k, v in args.items()}
    return type(args)(_to_torch(a) for a in args)


def _to_ember(args):
    if isinstance(args, torch.Tensor):
        return ember.from_numpy(args.numpy().copy())
    if isinstance(args, dict):
        return {k: _to_ember(v) for k, v in args.items()}
    return type(args)(_to_ember(a) for a in args)


def _outs(o):
    return list(o) if isinstance(o, (tuple, list)) else [o]


# ---- ember writes, torch reads --------------------------------------------------------------

@pytest.mark.parametrize("name", list(MODELS))
def test_ember_save_runs_in_torch_jit_load(name, tmp_path):
    m = _ember(name)
    n_trace = 1 if name == "resnet18" else 2
    ember.manual_seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ember.jit.TracerWarning)
        t = ember.jit.trace(m, MODELS[name][1](ember, n_trace))
    path = str(tmp_path / f"{name}.pt")
    ember.jit.save(t, path)
    tm = torch.jit.load(path)
    assert isinstance(tm, torch.jit.ScriptModule)
    assert set(tm.state_dict()) == set(m.state_dict())
    for k, v in m.state_dict().items():
        _close(tm.state_dict()[k], v, 0)
    sizes = (n_trace, 3)
    for n in sizes:
        args = MODELS[name][1](ember, n)
        with ember.no_grad():
            want = _outs(m(*args))
        got = _outs(tm(*_to_torch(args)))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _close(g, w, 1e-4)
    assert "def forward(self" in tm.code


def test_ember_vision_resnet18_runs_in_torch(tmp_path):
    from ember.vision.models import resnet18

    ember.manual_seed(0)
    m = resnet18(num_classes=10).eval()
    t = ember.jit.trace(m, ember.randn(1, 3, 32, 32))
    t.save(tmp_path / "r18.pt")
    tm = torch.jit.load(str(tmp_path / "r18.pt"))
    x = ember.randn(2, 3, 32, 32)
    with ember.no_grad():
        _close(tm(_tt(x)), m(x), 1e-4)
    assert "torch._convolution" in (tmp_path / "r18.pt").read_bytes().decode("latin1")


def test_ember_trace_of_function_and_extra_files(tmp_path):
    def f(a, b):
        return (a @ b).tanh() * 2 + a.mean(0, keepdim=True) - a[1:, :2].sum()
    a, b = ember.randn(3, 3), ember.randn(3, 3)
    t = ember.jit.trace(f, (a, b))
    buf = io.BytesIO()
    ember.jit.save(t, buf, _extra_files={"meta.txt": "hello"})
    buf.seek(0)
    extra = {"meta.txt": ""}
    tm = torch.jit.load(buf, _extra_files=extra)
    assert extra["meta.txt"] == b"hello"
    _close(tm(_tt(b), _tt(a)), f(b, a))


# ---- torch writes, ember reads --------------------------------------------------------------

@pytest.mark.parametrize("name", list(MODELS))
def test_torch_jit_trace_save_runs_in_ember(name, tmp_path):
    tmod = _torch(name)
    torch.manual_seed(1)
    path = str(tmp_path / f"{name}.pt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt = torch.jit.trace(tmod, MODELS[name][1](torch, 2), strict=name != "dict", check_trace=False)
    tt.save(path)
    em = ember.jit.load(path)
    assert isinstance(em, ember.jit.ScriptModule) and isinstance(em, ember.nn.Module)
    assert list(em.state_dict()) == list(tmod.state_dict())
    assert {k for k, _ in em.named_parameters()} == {k for k, _ in tmod.named_parameters()}
    assert [k for k, _ in em.named_modules()] == [k for k, _ in tmod.named_modules()]
    assert type(em).__name__ == "RecursiveScriptModule" and em.original_name == type(tmod).__name__
    for n in (2, 3):
        args = MODELS[name][1](torch, n)
        with torch.no_grad():
            want = _outs(tmod(*args))
        got = _outs(em(*_to_ember(args)))
        for g, w in zip(got, want):
            _close(g, w, 1e-4)
    assert "def forward(self" in em.code and "aten::" in str(em.graph)


def test_loaded_module_is_an_ember_module(tmp_path):
    tmod = _torch("cnn")
    torch.jit.trace(tmod, torch.randn(2, 3, 8, 8)).save(str(tmp_path / "c.pt"))
    em = ember.jit.load(tmp_path / "c.pt")
    assert not em.training and not em.bn.training
    em.train()
    assert em.training and em.bn.training
    em.eval()
    assert isinstance(em.conv.weight, ember.nn.Parameter) and em.conv.weight.requires_grad
    assert isinstance(em.bn.running_mean, ember.Tensor)
    assert em.bn.running_mean.shape == (4,) and "bn.num_batches_tracked" in em.state_dict()
    x = ember.randn(2, 3, 8, 8)
    _close(em.conv(x), tmod.conv(_tt(x)))          # submodules run their own forward
    em(x).sum().backward()                          # gradients flow into the loaded weights
    assert em.fc.weight.grad is not None and em.fc.weight.grad.shape == (2, 64)
    sd = {k: torch.from_numpy(np.ones_like(v.detach().numpy())) for k, v in em.state_dict().items()}
    em.load_state_dict({k: ember.from_numpy(v.numpy()) for k, v in sd.items()})
    tmod.load_state_dict(sd)
    _close(em(x), tmod(_tt(x)))


# ---- more layers, both ways ------------------------------------------------------------------

def _layers(T):
    lib, F = T.nn, T.nn.functional

    class Layers(lib.Module):
        def __init__(self):
            super().__init__()
            self.up = lib.ConvTranspose2d(3, 2, 3, stride=2)
            self.gn = lib.GroupNorm(1, 2)
            self.pool = lib.AvgPool2d(2)
            self.same = lib.Conv2d(2, 2, 2, padding="same")
            self.gru = lib.GRU(4, 3, num_layers=2, bidirectional=True)
            self.enc = lib.TransformerEncoderLayer(6, 2, 8, dropout=0.0, batch_first=True)

        def forward(self, img, seq):
            y = self.same(F.pad(self.pool(self.gn(self.up(img))), (1, 1, 1, 1)))
            y = T.cat([y.permute(0, 1, 3, 2).contiguous(), y], 1).mean((2, 3))
            acts = [F.silu(seq), F.softplus(seq, 2.0), F.hardswish(seq), F.leaky_relu(seq, 0.2),
                    F.elu(seq), F.gelu(seq, approximate="tanh"), seq.exp().log1p(), 1 - seq,
                    seq.std(1), seq.amax(1), seq.max(1)[0], seq.flip(1), seq.chunk(2, 2)[1],
                    (seq.softmax(-1) @ seq.transpose(1, 2)).clamp(min=0.1) ** 2 / 3]
            return y, self.enc(self.gru(seq)[0]), acts
    return Layers().eval()


def _layer_args(T):
    return T.randn(2, 3, 5, 5), T.randn(4, 2, 4)


def _flat(o):
    if isinstance(o, (tuple, list)):
        return [a for b in o for a in _flat(b)]
    return [o]


def test_more_layers_ember_to_torch(tmp_path):
    ember.manual_seed(0)
    m = _layers(ember)
    args = _layer_args(ember)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ember.jit.TracerWarning)   # the GRU's zero h0
        ember.jit.trace(m, args).save(tmp_path / "l.pt")
    tm, em = torch.jit.load(str(tmp_path / "l.pt")), ember.jit.load(tmp_path / "l.pt")
    with ember.no_grad():
        want = _flat(m(*args))
    for got in (_flat(tm(*_to_torch(args))), _flat(em(*args))):
        assert len(got) == len(want) == 16
        for g, w in zip(got, want):
            _close(g, w, 1e-4)


def test_more_layers_torch_to_ember(tmp_path):
    torch.manual_seed(0)
    tmod = _layers(torch)

    class Views(torch.nn.Module):
        def forward(self, x):
            a = x.view(x.size(0), -1)
            b = torch.nn.functional.interpolate(x.unsqueeze(1), scale_factor=2.0)
            c = torch.nn.functional.interpolate(x.unsqueeze(1), size=(5, 7), mode="bilinear")
            return a * 2 + x.reshape(x.shape[0], x.numel() // x.size(0)), b, c, x[:, 1:, ::2][..., 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.trace(tmod, _layer_args(torch), check_trace=False).save(str(tmp_path / "l.pt"))
        torch.jit.trace(Views(), torch.randn(2, 3, 4)).save(str(tmp_path / "v.pt"))
    em = ember.jit.load(tmp_path / "l.pt")
    args = _layer_args(torch)
    with torch.no_grad():
        want = _flat(tmod(*args))
    got = _flat(em(*_to_ember(args)))
    assert len(got) == len(want) == 16
    for g, w in zip(got, want):
        _close(g, w, 1e-4)
    ev = ember.jit.load(tmp_path / "v.pt")
    x = torch.randn(5, 4, 6)                         # a new size: the traced size reads follow it
    for g, w in zip(ev(_to_ember(x)), Views()(x)):
        assert tuple(g.shape) == tuple(w.shape)
        _close(g, w)


# ---- round trips ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(MODELS))
def test_round_trip_ember_torch_ember(name, tmp_path):
    m = _ember(name)
    args = MODELS[name][1](ember, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)    # nothing is baked in
        t = ember.jit.trace(m, args)
    t.save(tmp_path / "a.pt")
    torch.jit.load(str(tmp_path / "a.pt")).save(str(tmp_path / "b.pt"))    # torch re-writes it
    back = ember.jit.load(tmp_path / "b.pt")
    ember.jit.save(back, tmp_path / "c.pt")                                # and ember again
    again = torch.jit.load(str(tmp_path / "c.pt"))
    args = MODELS[name][1](ember, 3)       # a new batch size
    with ember.no_grad():
        want = _outs(m(*args))
    for got in (_outs(back(*args)), _outs(ember.jit.load(tmp_path / "a.pt")(*args)),
                _outs(again(*_to_torch(args)))):
        for g, w in zip(got, want):
            _close(g, w, 1e-4)


# ---- what cannot be expressed -----------------------------------------------------------------

def test_scripted_control_flow_is_refused_naming_it(tmp_path):
    class Loop(torch.nn.Module):
        def forward(self, x):
            for _ in range(3):
                x = x * 2
            return x

    class Branch(torch.nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x
    torch.jit.script(Loop()).save(str(tmp_path / "loop.pt"))
    torch.jit.script(Branch()).save(str(tmp_path / "branch.pt"))
    with pytest.raises(NotImplementedError, match=r"a (for|while) loop in 'forward'.*torch\.jit\.script"):
        ember.jit.load(tmp_path / "loop.pt")
    with pytest.raises(NotImplementedError, match=r"an if statement in 'forward'"):
        ember.jit.load(tmp_path / "branch.pt")


def test_unknown_operator_is_refused_naming_it(tmp_path):
    src = tmp_path / "m.pt"
    torch.jit.trace(torch.nn.ReLU(), torch.randn(2)).save(str(src))
    dst = tmp_path / "bad.pt"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".py"):
                data = data.replace(b"torch.relu(", b"torch.frobnicate(")
            zout.writestr(info, data)
    with pytest.raises(NotImplementedError, match="aten::frobnicate"):
        ember.jit.load(dst)


def test_ember_op_without_torchscript_spelling_is_refused(tmp_path):
    t = ember.jit.trace(lambda x: ember.special.ndtr(x), ember.randn(3))
    with pytest.raises(NotImplementedError, match=r"aten::.*ndtr.*no TorchScript spelling"):
        ember.jit.save(t, tmp_path / "c.pt")
    assert not os.path.exists(tmp_path / "c.pt")


def test_training_mode_instance_norm_with_running_stats_is_refused(tmp_path):
    # (training-mode BatchNorm saves: tests/test_jit_trace_values.py)
    m = nn.Sequential(nn.Conv2d(3, 4, 1), nn.InstanceNorm2d(4, track_running_stats=True))
    t = ember.jit.trace(m, ember.randn(2, 3, 4, 4))
    with pytest.raises(NotImplementedError, match="model.eval"):
        t.save(tmp_path / "in.pt")


def test_not_an_archive():
    with pytest.raises(RuntimeError, match="not a TorchScript archive"):
        ember.jit.load(io.BytesIO(b"not a zip file at all"))
    with pytest.raises(ValueError, match="does not exist"):
        ember.jit.load("/nonexistent/model.pt")


# ---- hostile archives ---------------------------------------------------------------------------

def _archive_with(tmp_path, data_pkl, extra=None):
    src = tmp_path / "ok.pt"
    torch.jit.trace(torch.nn.Linear(2, 2), torch.randn(1, 2)).save(str(src))
    dst = tmp_path / "evil.pt"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("/data.pkl"):
                data = data_pkl
            zout.writestr(info, data)
        for k, v in (extra or {}).items():
            zout.writestr(k, v)
    return dst


def test_hostile_global_is_refused(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    dst = _archive_with(tmp_path, pickle.dumps(Evil(), protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"data\.pkl.*(os\.system|posix\.system).*refused|"
                       r"data\.pkl.*refused.*(os|posix)"):
        ember.jit.load(dst)
    assert not marker.exists()


def test_hostile_storage_path_is_refused(tmp_path):
    # a storage key that walks out of data/ must not read another record
    pkl = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
           b"X\x0c\x00\x00\x00../constantsX\x03\x00\x00\x00cpuK\x01tQK\x00K\x01\x85K\x01\x85\x89"
           b"ccollections\nOrderedDict\n)Rtr.")
    dst = _archive_with(tmp_path, pkl)
    with pytest.raises(pickle.UnpicklingError, match="bad storage reference"):
        ember.jit.load(dst)


def test_hostile_code_cannot_reach_python(tmp_path):
    src = tmp_path / "m.pt"
    torch.jit.trace(torch.nn.ReLU(), torch.randn(2)).save(str(src))
    for evil, what in ((b"input.__class__.__init__", "attribute '__class__'"),
                       (b"torch.__import__", "aten::__import__"),
                       (b"getattr(input, \"__class__\").mro", "attribute '__class__'")):
        dst = tmp_path / "bad.pt"
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename.endswith(".py"):
                    data = data.replace(b"torch.relu(input)", evil + b"(input)")
                zout.writestr(info, data)
        with pytest.raises(NotImplementedError, match=re.escape(what)):
            ember.jit.load(dst)(ember.ones(2))


def test_load_from_a_buffer(tmp_path):
    buf = io.BytesIO()
    torch.jit.save(torch.jit.trace(torch.nn.Linear(3, 2), torch.randn(1, 3)), buf)
    buf.seek(0)
    m = ember.jit.load(buf)
    assert m(ember.ones(4, 3)).shape == (4, 2)
    out = io.BytesIO()
    m.save(out)                      # a loaded module saves back with its own code
    out.seek(0)
    tm = torch.jit.load(out)
    _close(tm(torch.ones(4, 3)), m(ember.ones(4, 3)))


def test_advanced_indexing_both_ways(tmp_path):
    def f(x):
        return x[ember.tensor([0, 2])] + x[:, [2, 0, 1]][[1, 3]]
    x = ember.randn(4, 3)
    with pytest.warns(ember.jit.TracerWarning, match="registered as a constant"):   # as torch warns
        ember.jit.trace(f, x).save(tmp_path / "e.pt")
    _close(torch.jit.load(str(tmp_path / "e.pt"))(_tt(x)), f(x))

    def g(x, i):
        return x[i] + x[:, [0, 1, 2]][i]
    torch.jit.trace(g, (torch.randn(4, 3), torch.tensor([0, 2]))).save(str(tmp_path / "t.pt"))
    xt, it = torch.randn(5, 3), torch.tensor([4, 1, 1])      # the index is an input: it follows
    _close(ember.jit.load(tmp_path / "t.pt")(_to_ember(xt), _to_ember(it)), g(xt, it))
