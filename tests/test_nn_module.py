import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from oracle import assert_close

import ember
import ember.nn as enn


def arch(torch):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 6, padding_idx=0)
            self.body = nn.Sequential(OrderedDict([
                ("fc1", nn.Linear(6, 8)), ("bn", nn.BatchNorm1d(8)), ("act", nn.ReLU()),
                ("drop", nn.Dropout(0.1)), ("ln", nn.LayerNorm(8))]))
            self.heads = nn.ModuleList([nn.Linear(8, 3), nn.Linear(8, 3)])
            self.d = nn.ModuleDict({"a": nn.GELU(), "b": nn.Tanh()})
            self.pos = nn.Parameter(torch.randn(1, 5, 8))
            self.register_buffer("steps", torch.zeros(1))
            self.register_buffer("tmp", torch.zeros(2), persistent=False)
            self.fc = nn.Linear(8, 4)

        def forward(self, idx):
            h = self.body(self.emb(idx).mean(1))
            return self.fc(self.d["a"](h)) + self.heads[0](h).sum() * 0

    return Net


def test_state_dict_keys_and_repr():
    torch.manual_seed(0)
    tm = arch(torch)()
    em = arch(ember)()
    assert list(em.state_dict().keys()) == list(tm.state_dict().keys())
    assert repr(em) == repr(tm)
    assert str(em) == str(tm)
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in em.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in em.named_children()] == [n for n, _ in tm.named_children()]
    em.load_state_dict({k: ember.tensor(v.numpy().copy()) for k, v in tm.state_dict().items()})
    tm.eval(); em.eval()
    idx = np.array([[1, 2, 3], [4, 5, 0]])
    assert_close(em(ember.tensor(idx)), tm(torch.tensor(idx)))
    sd = em.state_dict()
    assert type(sd) is OrderedDict
    assert not sd["fc.weight"].requires_grad
    assert not isinstance(sd["fc.weight"], enn.Parameter)
    assert isinstance(em.state_dict(keep_vars=True)["fc.weight"], enn.Parameter)


def test_load_state_dict_errors():
    m = enn.Sequential(OrderedDict([("fc", enn.Linear(3, 4))]))
    t = torch.nn.Sequential(OrderedDict([("fc", torch.nn.Linear(3, 4))]))
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict({"fc.weight": torch.zeros(4, 2), "extra": torch.zeros(1)})
    with pytest.raises(RuntimeError) as ee:
        m.load_state_dict({"fc.weight": ember.zeros(4, 2), "extra": ember.zeros(1)})
    assert str(ee.value) == str(te.value)
    r = m.load_state_dict({"fc.weight": ember.ones(4, 3), "x.y": ember.zeros(1)}, strict=False)
    tr = t.load_state_dict({"fc.weight": torch.ones(4, 3), "x.y": torch.zeros(1)}, strict=False)
    assert r.missing_keys == tr.missing_keys and r.unexpected_keys == tr.unexpected_keys
    assert (m.fc.weight._data == 1).all()
    assert repr(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"
    w = m.fc.weight
    m.load_state_dict({"fc.weight": ember.full((4, 3), 2.0), "fc.bias": ember.zeros(4)})
    assert m.fc.weight is w and (w._data == 2).all()
    m.load_state_dict({"fc.weight": ember.full((4, 3), 3.0), "fc.bias": ember.zeros(4)}, assign=True)
    assert isinstance(m.fc.weight, enn.Parameter) and (m.fc.weight._data == 3).all()


def test_registration_and_attrs():
    class M(enn.Module):
        def __init__(self):
            super().__init__()
            self.p = enn.Parameter(ember.randn(1, 5, 8))
            self.lin = enn.Linear(2, 2)
            self.register_buffer("b", ember.zeros(3))
            self.plain = 3

    m = M()
    assert "p" in m._parameters and "lin" in m._modules and "b" in m._buffers
    assert "p" in dir(m) and "lin" in dir(m)
    m.b = ember.ones(3)
    assert "b" in m._buffers and m.b._data.sum() == 3
    with pytest.raises(TypeError):
        m.p = ember.zeros(3)
    del m.p
    assert "p" not in m._parameters
    with pytest.raises(AttributeError):
        _ = m.p
    with pytest.raises(AttributeError):
        _ = m.nothing
    with pytest.raises(KeyError):
        m.register_buffer("a.b", ember.zeros(1))
    with pytest.raises(TypeError):
        m.register_parameter("q", ember.zeros(1))
    m.register_parameter("q", None)
    assert m.q is None and "q" not in dict(m.named_parameters())
    m.add_module("sub", enn.ReLU())
    m.register_module("sub2", enn.ReLU())
    assert m.get_submodule("lin") is m.lin
    assert m.get_parameter("lin.weight") is m.lin.weight
    with pytest.raises(AttributeError):
        m.get_submodule("nope")
    # shared modules deduplicated
    s = enn.Sequential(m.lin, m.lin)
    assert len(list(s.parameters())) == 2
    assert len(list(s.named_parameters(remove_duplicate=False))) == 4
    assert len(list(s.modules())) == 2
    assert [n for n, _ in s.named_parameters(prefix="x")] == ["x.0.weight", "x.0.bias"]
    assert len(list(m.parameters(recurse=False))) == 0


def test_parameter():
    p = enn.Parameter(ember.tensor([1.0, 2.0]))
    tp = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(tp)
    assert p.requires_grad and p.is_leaf and isinstance(p, ember.Tensor)
    q = enn.Parameter(ember.tensor([1.0]), requires_grad=False)
    assert not q.requires_grad
    assert enn.Parameter().shape == (0,)
    p2 = copy.deepcopy(p)
    assert isinstance(p2, enn.Parameter) and p2.requires_grad
    p3 = pickle.loads(pickle.dumps(p))
    assert isinstance(p3, enn.Parameter) and p3.tolist() == [1.0, 2.0]


def test_sequential_ops():
    mods = [enn.Linear(2, 3), enn.ReLU(), enn.Linear(3, 1)]
    s = enn.Sequential(*mods)
    ts = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    assert len(s) == 3 and s[0] is mods[0] and s[-1] is mods[2]
    assert isinstance(s[1:], enn.Sequential) and len(s[1:]) == 2
    assert repr(s[1:]) == repr(ts[1:])
    assert list(s) == mods
    s.append(enn.Sigmoid()); ts.append(torch.nn.Sigmoid())
    s.insert(1, enn.Tanh()); ts.insert(1, torch.nn.Tanh())
    s.extend([enn.Identity()]); ts.extend([torch.nn.Identity()])
    del s[0]; del ts[0]
    assert repr(s) == repr(ts)
    assert list(s.state_dict()) == list(ts.state_dict())
    ml = enn.ModuleList([enn.ReLU()])
    ml.append(enn.Tanh()); ml += [enn.ReLU()]
    tml = torch.nn.ModuleList([torch.nn.ReLU()]); tml.append(torch.nn.Tanh()); tml += [torch.nn.ReLU()]
    assert repr(ml) == repr(tml) and len(ml) == 3
    md = enn.ModuleDict({"b": enn.ReLU(), "a": enn.Linear(1, 1)})
    tmd = torch.nn.ModuleDict({"b": torch.nn.ReLU(), "a": torch.nn.Linear(1, 1)})
    assert list(md.keys()) == list(tmd.keys()) and repr(md) == repr(tmd)
    pl = enn.ParameterList([enn.Parameter(ember.ones(2)), ember.zeros(3)])
    tpl = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.zeros(3)])
    assert repr(pl) == repr(tpl) and list(pl.state_dict()) == list(tpl.state_dict())
    pd = enn.ParameterDict({"x": enn.Parameter(ember.ones(2))})
    tpd = torch.nn.ParameterDict({"x": torch.nn.Parameter(torch.ones(2))})
    assert repr(pd) == repr(tpd) and list(pd.state_dict()) == list(tpd.state_dict())


def test_train_eval_apply_freeze():
    m = arch(ember)()
    m.eval()
    assert not m.training and not m.body.bn.training
    m.train()
    assert m.body.drop.training

    def init_fn(mod):
        if isinstance(mod, enn.Linear):
            enn.init.zeros_(mod.weight)
            enn.init.constant_(mod.bias, 0.5)
    assert m.apply(init_fn) is m
    assert (m.fc.weight._data == 0).all() and (m.heads[1].bias._data == 0.5).all()
    for n, p in m.named_parameters():
        if n.startswith("body."):
            p.requires_grad = False
    assert not m.body.fc1.weight.requires_grad and m.fc.weight.requires_grad
    m.requires_grad_(True)
    assert all(p.requires_grad for p in m.parameters())


def test_zero_grad_and_training_step():
    m = arch(ember)()
    out = m(ember.tensor([[1, 2], [3, 4]]))
    out.sum().backward()
    assert m.fc.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert (m.fc.weight.grad._data == 0).all()
    m.zero_grad()
    assert m.fc.weight.grad is None


def test_dtype_conversion_and_cuda():
    m = enn.Sequential(enn.Linear(2, 2), enn.BatchNorm1d(2))
    w = m[0].weight
    m.double()
    assert m[0].weight.dtype == ember.float64 and m[0].weight is w
    assert m[1].num_batches_tracked.dtype == ember.int64
    m.float()
    assert m[1].running_mean.dtype == ember.float32
    m.to(ember.float64)
    assert m[0].bias.dtype == ember.float64
    m.half(); m.to("cpu"); m.cpu()
    with pytest.raises(Exception) as te:
        torch.nn.Linear(1, 1).cuda()
    with pytest.raises(Exception) as ee:
        enn.Linear(1, 1).cuda()
    assert ee.type.__name__ == te.type.__name__


def test_deepcopy_pickle():
    m = arch(ember)()
    m2 = copy.deepcopy(m)
    assert m2.fc.weight is not m.fc.weight
    assert np.array_equal(m2.fc.weight._data, m.fc.weight._data)
    m2.fc.weight._data[...] = 0
    assert not (m.fc.weight._data == 0).all()
    m = enn.Sequential(OrderedDict([("a", enn.Linear(2, 3)), ("bn", enn.BatchNorm1d(3))]))
    m3 = pickle.loads(pickle.dumps(m))
    assert list(m3.state_dict()) == list(m.state_dict())
    assert repr(m3) == repr(m)


def test_hooks():
    m = enn.Linear(3, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: calls.append("pre"))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 2)
    h3 = m.register_forward_hook(lambda mod, args, kwargs, out: calls.append(("kw", kwargs)), with_kwargs=True)
    x = ember.ones(1, 3)
    y = m(x)
    assert calls[0] == "pre" and calls[1][0] == "kw"
    assert np.allclose(y._data, 2 * m.forward(x)._data)
    h1.remove(); h2.remove(); h3.remove()
    assert np.allclose(m(x)._data, m.forward(x)._data)
    grads = []
    m.register_full_backward_hook(lambda mod, gin, gout: grads.append((gin, gout)))
    x = ember.ones(1, 3, requires_grad=True)
    m(x).sum().backward()
    assert len(grads) == 1
    tm = torch.nn.Linear(3, 2)
    tm.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in m.state_dict().items()})
    assert_close(grads[0][0][0], torch.ones(1, 2) @ tm.weight)


def test_data_parallel():
    m = enn.Sequential(enn.Linear(3, 2))
    dp = enn.DataParallel(m)
    t = torch.nn.DataParallel(torch.nn.Sequential(torch.nn.Linear(3, 2)))
    assert list(dp.state_dict()) == list(t.state_dict()) == ["module.0.weight", "module.0.bias"]
    assert dp.module is m
    x = ember.randn(4, 3)
    assert np.allclose(dp(x)._data, m(x)._data)
    assert repr(dp) == repr(t)
    from ember.nn.parallel import DataParallel
    assert DataParallel is enn.DataParallel
