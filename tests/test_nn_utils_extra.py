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


# ---- extra modules and functionals ------------------------------------------------------------

def _both(fn, arrays, rtol=1e-9, atol=1e-11, grad=True):
    """Run fn(m, *tensors) for torch and ember; compare outputs and input gradients."""
    res = []
    for m in (torch, ember):
        ins = [m.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
        out = fn(m, *ins)
        outs = out if isinstance(out, tuple) else (out,)
        if grad:
            sum((o.double() * o.double()).sum() for o in outs if o.is_floating_point()).backward()
        res.append(([_np(o) for o in outs], [_np(t.grad) for t in ins if t.requires_grad]))
    for a, b in zip(res[0][0] + res[0][1], res[1][0] + res[1][1]):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)


X54 = R.randn(5, 4)
T5 = R.randint(0, 4, 5)
MLT = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [1, -1, 2, 2], [2, 2, -1, -1], [-1, 0, 0, 0]])


@pytest.mark.parametrize("kw", [{}, {"p": 2, "margin": 0.7}, {"weight": True, "reduction": "none"},
                                {"reduction": "sum"}])
def test_multi_margin_loss(kw):
    w = R.rand(4)

    def fn(m, x, t):
        k = dict(kw, weight=m.tensor(w)) if "weight" in kw else kw
        return m.nn.MultiMarginLoss(**k)(x, t), m.nn.functional.multi_margin_loss(x[0], t[0], **k)
    _both(fn, [X54, T5])


@pytest.mark.parametrize("red", ["mean", "none", "sum"])
def test_multilabel_margin_loss(red):
    _both(lambda m, x, t: (m.nn.MultiLabelMarginLoss(reduction=red)(x, t),
                           m.nn.functional.multilabel_margin_loss(x[1], t[1], reduction=red)),
          [X54, MLT])


def test_margin_loss_errors_and_repr():
    for m in (torch, ember):
        F = m.nn.functional
        with pytest.raises(ValueError, match="only p == 1 and p == 2"):
            m.nn.MultiMarginLoss(p=3)
        with pytest.raises(RuntimeError, match="target out of range"):
            F.multi_margin_loss(m.zeros(3, 4), m.tensor([1, 5, 0]))
        with pytest.raises(RuntimeError, match="Expected target size \\[3\\]"):
            F.multi_margin_loss(m.zeros(3, 4), m.tensor([1, 2]))
        with pytest.raises(RuntimeError, match="inconsistent target size"):
            F.multilabel_margin_loss(m.zeros(3, 4), m.tensor([1, 2, 0]))
        with pytest.raises(RuntimeError, match="Number of channels must be divisible"):
            F.channel_shuffle(m.zeros(2, 5, 3), 2)
        with pytest.raises(RuntimeError, match="must be positive"):
            F.channel_shuffle(m.zeros(2, 4, 3), 0)
    for expr in ["MultiMarginLoss(p=2)", "MultiLabelMarginLoss()", "CosineSimilarity(dim=0)",
                 "PairwiseDistance(p=1)", "ChannelShuffle(3)", "AdaptiveMaxPool3d((2, 3, 1))",
                 "MaxUnpool3d(2, stride=1)", "LPPool3d(2, 3, ceil_mode=True)"]:
        assert repr(eval("ember.nn." + expr)) == repr(eval("torch.nn." + expr))
    e = ember.nn.MultiMarginLoss(weight=ember.ones(3))
    assert list(e.state_dict()) == ["weight"]


def test_distance_and_channel_shuffle():
    a, b = R.randn(4, 6), R.randn(4, 6)
    _both(lambda m, x, y: (m.nn.CosineSimilarity()(x, y), m.nn.CosineSimilarity(0, 1e-3)(x, y),
                           m.nn.PairwiseDistance()(x, y), m.nn.PairwiseDistance(1.5, keepdim=True)(x, y)),
          [a, b])
    _both(lambda m, x: (m.nn.ChannelShuffle(3)(x), m.nn.functional.channel_shuffle(x[0:1], 2)),
          [R.randn(2, 6, 3, 2)])


def test_pooling_3d():
    x = R.randn(2, 3, 4, 6, 8)
    _both(lambda m, t: m.nn.functional.adaptive_max_pool3d(t, (2, 3, 5), return_indices=True)
          + (m.nn.AdaptiveMaxPool3d((None, 3, 2))(t), m.nn.AdaptiveMaxPool3d(2)(t[0])), [x])
    _both(lambda m, t: m.nn.functional.adaptive_max_pool3d_with_indices(t, 3), [x])
    _both(lambda m, t: (m.nn.LPPool3d(2, 2, stride=(1, 2, 3), ceil_mode=True)(t),
                        m.nn.functional.lp_pool3d(t.abs(), 1.5, (2, 3, 2))), [x])

    def unpool(m, t):
        y, i = m.nn.functional.max_pool3d(t, 2, return_indices=True)
        u = m.nn.MaxUnpool3d(2)(y, i)
        y2, i2 = m.nn.functional.max_pool3d(t[:, :, :3, :5, :7], 2, return_indices=True)
        return u, m.nn.functional.max_unpool3d(y2, i2, 2, output_size=(3, 5, 7))
    _both(unpool, [x])
    t = ember.tensor(x, requires_grad=True)
    assert type(ember.nn.MaxUnpool3d(2)(*ember.nn.functional.max_pool3d(
        t, 2, return_indices=True)).grad_fn).__name__ == "MaxUnpool3DBackward0"


def test_gumbel_softmax():
    ember.manual_seed(0)
    logits = ember.tensor(np.log([[0.1, 0.2, 0.7]] * 4000), requires_grad=True)
    y = ember.nn.functional.gumbel_softmax(logits, tau=0.5)
    assert tuple(y.shape) == (4000, 3)
    np.testing.assert_allclose(_np(y).sum(1), 1, rtol=1e-12)
    h = ember.nn.functional.gumbel_softmax(logits, hard=True)
    hn = _np(h)
    assert set(np.unique(hn)) <= {0.0, 1.0} and (hn.sum(1) == 1).all()
    np.testing.assert_allclose(hn.mean(0), [0.1, 0.2, 0.7], atol=0.03)   # Gumbel-max sampling
    (h * ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64)).sum().backward()
    assert logits.grad is not None and np.abs(_np(logits.grad)).sum() > 0     # straight-through
    y = ember.nn.functional.gumbel_softmax(ember.zeros(2, 5, 3), dim=1)
    np.testing.assert_allclose(_np(y).sum(1), 1, rtol=1e-6)


def test_rrelu_inplace():
    x = R.randn(3, 4)
    for m in (torch, ember):
        t = m.tensor(x)
        r = m.nn.functional.rrelu_(t)
        assert r is t
        np.testing.assert_allclose(_np(t), np.where(x >= 0, x, x * (1 / 8 + 1 / 3) / 2))
    t = ember.tensor(x)
    ember.nn.functional.rrelu_(t, 0.1, 0.3, training=True)
    ratio = _np(t)[x < 0] / x[x < 0]
    assert ((ratio >= 0.1) & (ratio <= 0.3)).all() and (_np(t)[x >= 0] == x[x >= 0]).all()
