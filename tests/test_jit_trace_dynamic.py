"""ember.jit.trace on new input sizes: shape reads are recorded, not baked (issue #15 §1)."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.jit
from ember import nn


def _close(a, b, tol=1e-5):
    a = a.detach().numpy() if isinstance(a, ember.Tensor) else a
    b = b.detach().numpy() if isinstance(b, (ember.Tensor, torch.Tensor)) else b
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_resnet18_traced_at_batch_1_runs_at_batch_2_and_3(tmp_path):
    from ember.vision.models import resnet18

    ember.manual_seed(0)
    m = resnet18(num_classes=10).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)
        t = ember.jit.trace(m, ember.randn(1, 3, 32, 32))
    path = str(tmp_path / "r18.pt")
    t.save(path)
    t2 = ember.jit.load(path)
    for b in (2, 3):
        x = ember.randn(b, 3, 32, 32)
        with ember.no_grad():
            want = m(x)
        assert t(x).shape == (b, 10)
        _close(t(x), want, 1e-4)
        _close(t2(x), want, 1e-4)


class Views(nn.Module):
    def forward(self, x):
        a = x.view(x.size(0), -1)
        b = ember.flatten(x, 1)
        c = x.reshape(x.shape[0], x.numel() // x.size(0))
        d = x.flatten(0, 1).view(-1, x.size(1) * x.size(2)) if x.dim() == 3 else x
        return a * 2 + b + c, d, (x.sum() + 1).expand(x.size(0), 2)


class TorchViews(torch.nn.Module):
    def forward(self, x):
        a = x.view(x.size(0), -1)
        b = torch.flatten(x, 1)
        c = x.reshape(x.shape[0], x.numel() // x.size(0))
        d = x.flatten(0, 1).view(-1, x.size(1) * x.size(2)) if x.dim() == 3 else x
        return a * 2 + b + c, d, (x.sum() + 1).expand(x.size(0), 2)


def test_view_size_and_flatten_follow_the_batch(tmp_path):
    m = Views()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)   # nothing baked
        t = ember.jit.trace(m, ember.randn(2, 3, 4))
    assert "x.size(0)" in t.code
    assert "aten::size(%x, 0)" in str(t.graph)
    path = str(tmp_path / "v.pt")
    t.save(path)
    t2 = ember.jit.load(path)
    tt = torch.jit.trace(TorchViews(), torch.randn(2, 3, 4), check_trace=False)
    for n in (1, 5):
        x = ember.randn(n, 3, 4)
        want = m(x)
        for got in (t(x), t2(x)):
            for g, w in zip(got, want):
                assert g.shape == w.shape
                _close(g, w)
        tw = tt(torch.from_numpy(x.numpy()))
        _close(got[0], tw[0])
        _close(got[1], tw[1])
        _close(got[2], tw[2])


def _wide_deep(lib):
    class WideDeepBag(lib.Module):
        def __init__(self):
            super().__init__()
            self.dense = lib.Linear(4, 3)
            self.bag = lib.EmbeddingBag(50, 3, mode="mean")

        def forward(self, x_dense, x_sparse):
            return self.dense(x_dense) + self.bag(x_sparse)
    return WideDeepBag()


def test_embedding_bag_wide_deep_follows_new_inputs(tmp_path):
    ember.manual_seed(0)
    m = _wide_deep(nn)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)   # nothing baked
        t = ember.jit.trace(m, (ember.randn(2, 4), ember.randint(0, 50, (2, 6))))
    path = str(tmp_path / "wd.pt")
    t.save(path)
    t2 = ember.jit.load(path)
    tm = _wide_deep(torch.nn)
    tm.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in m.state_dict().items()})
    tt = torch.jit.trace(tm, (torch.randn(2, 4), torch.randint(0, 50, (2, 6))), check_trace=False)
    for n, L in ((2, 6), (3, 6), (5, 2)):
        xd, xs = ember.randn(n, 4), ember.randint(0, 50, (n, L))
        want = m(xd, xs)
        _close(t(xd, xs), want)
        _close(t2(xd, xs), want)
        _close(t(xd, xs), tt(torch.from_numpy(xd.numpy()), torch.from_numpy(xs.numpy())))


def test_values_read_from_tensors_warn_and_stay_baked():
    def f(x):
        return x * x.sum().item()

    with pytest.warns(ember.jit.TracerWarning, match="Converting a tensor to a Python number might "
                      "cause the trace to be incorrect"):
        t = ember.jit.trace(f, ember.ones(3))
    x = ember.arange(3.0)
    _close(t(x), x * 3.0)   # baked, as torch's trace: the warning says so

    def g(x):
        return x * int(x.sum())
    with pytest.warns(ember.jit.TracerWarning, match="Python integer"):
        ember.jit.trace(g, ember.ones(3))

    def h(x):   # a size that leaves the integers (Python float math, control flow) is baked
        return x * (x.size(0) / 2) if x.size(0) > 1 else x
    with pytest.warns(ember.jit.TracerWarning) as rec:
        ember.jit.trace(h, ember.ones(4))
    with pytest.warns(ember.jit.TracerWarning, match="Using len to get tensor shape"):
        ember.jit.trace(lambda x: x.expand(len(x), 2, 3), ember.ones(2, 3))
    assert {"Python float", "Python boolean"} <= {m for r in rec for m in ("Python float", "Python boolean")
                                                    if m in str(r.message)}


def test_no_shape_recording_outside_a_trace():
    x = ember.randn(2, 3)
    assert type(x.size(0)) is int and type(x.shape[0]) is int and type(x.numel()) is int
    ember.jit.trace(lambda a: a.view(a.size(0), -1), x)
    assert type(x.size(0)) is int and type(x.shape[1]) is int and type(len(x)) is int
    assert ember.Tensor.size is not None and "size" in ember.Tensor.__dict__


@pytest.mark.parametrize("f", [
    lambda x: x[: x.size(0) - 1],
    lambda x: x[x.size(0) - 1],
    lambda x: x[:, : x.size(1) - 1, x.size(2) - 2],
    lambda x: x.narrow(1, 0, x.size(1) - 1),
    lambda x: x.view(x.size(0), x.size(1), 2, -1).transpose(1, 2).reshape(x.shape[0], -1),
    lambda x: x[:, :1].expand(x.size(0), -1, -1) + x[:, :1].expand_as(x),
], ids=["slice", "select", "tuple", "narrow", "transpose_reshape", "expand"])
def test_indexing_and_views_by_size_follow_new_inputs(f, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ember.jit.TracerWarning)
        t = ember.jit.trace(f, ember.randn(2, 3, 4))
    path = str(tmp_path / "f.pt")
    t.save(path)
    t2 = ember.jit.load(path)
    tf = torch.jit.trace(f, torch.randn(2, 3, 4), check_trace=False)
    x = ember.randn(5, 4, 6)
    want = f(x)
    for got in (t(x), t2(x), tf(torch.from_numpy(x.numpy()))):
        assert tuple(got.shape) == tuple(want.shape)
        _close(got, want)


def test_reshape_decides_view_or_copy_on_the_new_input():
    # at batch 1 the transpose is contiguous (a view); at batch 3 reshape must copy, as aten::reshape
    def f(x):
        return x.transpose(0, 1).reshape(x.size(1), -1)
    t = ember.jit.trace(f, ember.randn(1, 3, 4))
    x = ember.randn(3, 3, 4)
    _close(t(x), f(x))
    _close(t(x), torch.jit.trace(f, torch.randn(1, 3, 4), check_trace=False)(torch.from_numpy(x.numpy())))


def test_embedding_bag_offsets_tensor_is_baked_with_a_warning():
    bag = nn.EmbeddingBag(10, 3, mode="sum")
    with pytest.warns(ember.jit.TracerWarning, match="Python list"):
        ember.jit.trace(bag, (ember.tensor([1, 2, 3, 4]), ember.tensor([0, 2])))
