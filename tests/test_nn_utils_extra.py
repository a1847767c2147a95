"""Lazy modules, extra nn modules/functionals and nn.utils pieces against torch 2.13."""
import pickle

import numpy as np
import pytest
import torch

import ember

R = np.random.RandomState(0)


def _np(t):
    return t.detach().numpy()


# ---- lazy modules -----------------------------------------------------------------------------

LAZY = [("LazyLinear(4)", (2, 5)), ("LazyLinear(4, bias=False)", (3, 2, 5)),
        ("LazyConv1d(4, 3, groups=2)", (4, 5)), ("LazyConv2d(4, 3, padding=1)", (2, 3, 6, 6)),
        ("LazyConv3d(2, 2, bias=False)", (1, 3, 3, 3, 3)),
        ("LazyConvTranspose1d(4, 3, groups=2)", (2, 4, 5)),
        ("LazyConvTranspose2d(2, 3, stride=2)", (2, 3, 4, 4)),
        ("LazyConvTranspose3d(2, 2)", (1, 3, 3, 3, 3)),
        ("LazyBatchNorm1d()", (4, 3)), ("LazyBatchNorm2d(momentum=0.3)", (2, 3, 4, 4)),
        ("LazyBatchNorm3d(affine=False)", (2, 3, 2, 2, 2)),
        ("LazyInstanceNorm1d()", (2, 3, 4)), ("LazyInstanceNorm2d()", (2, 3, 4, 4)),
        ("LazyInstanceNorm3d(track_running_stats=False)", (2, 3, 2, 2, 2))]


@pytest.mark.parametrize("expr,shape", LAZY)
def test_lazy_modules(expr, shape):
    """repr and state_dict before/after, torch's init after manual_seed, class change,
    outputs and gradients."""
    ember.manual_seed(0)
    torch.manual_seed(0)
    e, t = eval("ember.nn." + expr), eval("torch.nn." + expr)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.has_uninitialized_params() == t.has_uninitialized_params()
    x = R.randn(*shape)
    xe, xt = ember.tensor(x, dtype=ember.float32, requires_grad=True), \
        torch.tensor(x, dtype=torch.float32, requires_grad=True)
    oe, ot = e(xe), t(xt)
    assert type(e).__name__ == type(t).__name__ and not hasattr(e, "has_uninitialized_params")
    assert type(e) is getattr(ember.nn, type(t).__name__)
    assert repr(e) == repr(t) and not hasattr(e, "_initialize_hook")
    for (ke, ve), (kt, vt) in zip(e.state_dict().items(), t.state_dict().items()):
        assert ke == kt and type(ve) is ember.Tensor
        np.testing.assert_allclose(_np(ve), vt.detach().numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(_np(oe), _np(ot), rtol=1e-5, atol=1e-5)
    oe.sum().backward()
    ot.sum().backward()
    np.testing.assert_allclose(_np(xe.grad), _np(xt.grad), rtol=1e-5, atol=1e-5)
    for pe, pt in zip(e.parameters(), t.parameters()):
        assert type(pe) is ember.nn.Parameter
        np.testing.assert_allclose(_np(pe.grad), _np(pt.grad), rtol=1e-5, atol=1e-4)


def test_lazy_dtype_optimizer_and_load_state_dict():
    m = ember.nn.LazyLinear(3).double()
    w = m.weight
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    m(ember.ones(2, 4, dtype=ember.float64)).sum().backward()
    assert m.weight is w and w.dtype == ember.float64 and tuple(w.shape) == (3, 4)
    opt.step()                                                       # same objects
    src = ember.nn.Linear(6, 3)
    m2 = ember.nn.LazyLinear(3)
    m2.load_state_dict(src.state_dict())
    assert tuple(m2.weight.shape) == (3, 6)
    np.testing.assert_array_equal(_np(m2.weight), _np(src.weight))
    m2(ember.ones(1, 6))
    assert type(m2) is ember.nn.Linear and m2.in_features == 6
    sd = ember.nn.LazyConv2d(2, 3).state_dict()
    assert isinstance(sd["weight"], ember.nn.UninitializedParameter)


def test_uninitialized_parameter_and_buffer():
    for m in (torch, ember):
        p = m.nn.UninitializedParameter()
        assert repr(p) == "<UninitializedParameter>" and p.requires_grad
        assert p.dtype == m.float32
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            p.numel()
        with pytest.raises(ValueError, match="uninitialized parameter"):
            p + 1
        with pytest.raises(RuntimeError, match="Can't access the shape"):
            p.shape
        p.materialize((2, 3))
        assert type(p) is m.nn.Parameter and tuple(p.shape) == (2, 3)
        b = m.nn.UninitializedBuffer()
        assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad
        b.materialize(4, dtype=m.float64)
        assert type(b) is m.Tensor and tuple(b.shape) == (4,) and b.dtype == m.float64
        assert m.nn.parameter.is_lazy(m.nn.UninitializedParameter())
        q = m.nn.UninitializedParameter(requires_grad=False, dtype=m.float64)
        assert q.dtype == m.float64 and not q.requires_grad


def test_lazy_errors():
    for m in (torch, ember):
        with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
            m.nn.LazyConv2d(4, 3, groups=2)(m.ones(1, 3, 5, 5))
        with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\)"):
            m.nn.LazyConv2d(4, 3)(m.ones(5, 5))
