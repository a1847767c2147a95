"""Lazy modules, extra nn modules/functionals and nn.utils pieces against torch 2.13."""

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
            _ = p.shape
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


# ---- nn.utils: weight_norm, spectral_norm, parametrize, fusion, functional_call -------------

def _sd_equal(t, e, rtol=1e-9, atol=1e-12):
    assert list(t.state_dict()) == list(e.state_dict())
    for (k, a), b in zip(t.state_dict().items(), e.state_dict().values()):
        np.testing.assert_allclose(_np(b), a.detach().numpy(), rtol=rtol, atol=atol, err_msg=k)


def _run_both(build, x, steps=2):
    """Build each module after manual_seed(0) (same init and u/v draws), train forward twice
    then eval, compare outputs, input and parameter gradients and the state_dict."""
    mods = []
    for m in (torch, ember):
        m.manual_seed(0)
        mods.append(build(m))
    _sd_equal(*mods)
    res = []
    for m, mod in zip((torch, ember), mods):
        xt = m.tensor(x, requires_grad=True)
        outs = [mod(xt) for _ in range(steps)]
        mod.eval()
        outs.append(mod(xt))
        sum((o * o).sum() for o in outs).backward()
        res.append([_np(o) for o in outs] + [_np(xt.grad)] +
                   [_np(p.grad) for p in mod.parameters()])
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=1e-8, atol=1e-10)
    _sd_equal(*mods)
    return mods


pytestmark = pytest.mark.filterwarnings("ignore:`torch.nn.utils.weight_norm` is deprecated")


@pytest.mark.parametrize("kind", ["old", "param"])
@pytest.mark.parametrize("ctor,dim,shape", [("Linear(5, 4)", 0, (3, 5)), ("Linear(5, 4)", None, (3, 5)),
                                            ("Conv2d(3, 4, 3)", 1, (2, 3, 5, 5))])
def test_weight_norm(kind, ctor, dim, shape):
    def build(m):
        mod = eval("m.nn." + ctor).double()
        wn = m.nn.utils.weight_norm if kind == "old" else m.nn.utils.parametrizations.weight_norm
        return wn(mod, dim=dim)
    t, e = _run_both(build, R.randn(*shape))
    if kind == "old":
        assert [n for n, _ in e.named_parameters()] == ["bias", "weight_g", "weight_v"]
        ember.nn.utils.remove_weight_norm(e)
        torch.nn.utils.remove_weight_norm(t)
        assert type(e.weight) is ember.nn.Parameter
    else:
        assert type(e).__name__ == "Parametrized" + ctor.split("(")[0]
        ember.nn.utils.parametrize.remove_parametrizations(e, "weight")
        torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
        assert type(e) is getattr(ember.nn, ctor.split("(")[0])
    _sd_equal(t, e)


def test_weight_norm_old_checkpoint_loads_into_parametrized_and_errors():
    old = ember.nn.utils.weight_norm(ember.nn.Linear(4, 3))
    new = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(4, 3))
    new.load_state_dict(old.state_dict())
    np.testing.assert_allclose(_np(new.weight), _np(old.weight), rtol=1e-6)
    for m in (torch, ember):
        lin = m.nn.utils.weight_norm(m.nn.Linear(4, 3))
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            m.nn.utils.weight_norm(lin)
        with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
            m.nn.utils.remove_weight_norm(lin, "bias")
        with pytest.raises(ValueError, match="uninitialized parameters"):
            m.nn.utils.weight_norm(m.nn.LazyLinear(3))


@pytest.mark.parametrize("kind", ["old", "param"])
@pytest.mark.parametrize("ctor,kw,shape", [("Linear(5, 4)", {}, (3, 5)),
                                           ("Conv2d(3, 4, 3)", {"n_power_iterations": 3}, (2, 3, 5, 5)),
                                           ("ConvTranspose2d(3, 4, 3)", {}, (2, 3, 4, 4)),
                                           ("Linear(6, 4)", {"dim": 1, "eps": 1e-6}, (3, 6))])
def test_spectral_norm(kind, ctor, kw, shape):
    """u/v drawn with normal_ after manual_seed match torch; power iteration in train mode."""
    def build(m):
        mod = eval("m.nn." + ctor).double()
        sn = m.nn.utils.spectral_norm if kind == "old" else m.nn.utils.parametrizations.spectral_norm
        return sn(mod, **kw)
    t, e = _run_both(build, R.randn(*shape))
    if kind == "old":
        assert [n for n, _ in e.named_buffers()] == ["weight_u", "weight_v"]
        ember.nn.utils.remove_spectral_norm(e)
        torch.nn.utils.remove_spectral_norm(t)
    else:
        ember.nn.utils.parametrize.remove_parametrizations(e, "weight")
        torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    _sd_equal(t, e)


def test_spectral_norm_errors():
    for m in (torch, ember):
        lin = m.nn.utils.spectral_norm(m.nn.Linear(4, 3))
        with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
            m.nn.utils.spectral_norm(lin)
        with pytest.raises(ValueError, match="spectral_norm of 'bias' not found"):
            m.nn.utils.remove_spectral_norm(lin, "bias")
        with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
            m.nn.utils.spectral_norm(m.nn.Linear(4, 3), n_power_iterations=0)
        with pytest.raises(ValueError, match="has no parameter or buffer with name 'w'"):
            m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(4, 3), "w")


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("omap", [None, "matrix_exp", "cayley", "householder", "householder-notriv"])
def test_orthogonal(shape, omap):
    W, x = R.randn(*shape), R.randn(2, shape[1])
    Q2 = np.linalg.qr(R.randn(max(shape), min(shape)))[0]
    Q2 = Q2 if shape[0] >= shape[1] else Q2.T
    res = []
    for m in (torch, ember):
        m.manual_seed(0)
        lin = m.nn.Linear(shape[1], shape[0], bias=False).double()
        lin.weight.data = m.tensor(W)
        m.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=omap and omap.split("-")[0],
                                                use_trivialization=omap != "householder-notriv")
        out = lin(m.tensor(x))
        (out ** 3).sum().backward()
        Q = _np(lin.weight)
        res.append([_np(out), Q, _np(lin.parametrizations.weight.original.grad),
                    _np(lin.parametrizations.weight.original)])
        if omap != "householder-notriv":                   # assigning goes through right_inverse
            with m.no_grad():
                lin.weight = m.tensor(Q2)
            res[-1].append(_np(lin.weight))
        k = min(shape)
        QQ = Q.T @ Q if shape[0] >= shape[1] else Q @ Q.T
        np.testing.assert_allclose(QQ, np.eye(k), atol=1e-12)
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=1e-8, atol=1e-12)


def test_parametrize_api():
    P = ember.nn.utils.parametrize

    class Sym(ember.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    class Scale(ember.nn.Module):
        def forward(self, X):
            return X * 2

    lin = ember.nn.Linear(3, 3)
    assert not P.is_parametrized(lin)
    P.register_parametrization(lin, "weight", Sym())
    assert P.is_parametrized(lin) and P.is_parametrized(lin, "weight")
    assert not P.is_parametrized(lin, "bias")
    assert P.type_before_parametrizations(lin) is ember.nn.Linear
    w = _np(lin.weight)
    np.testing.assert_allclose(w, w.T)
    P.register_parametrization(lin, "weight", Scale())
    np.testing.assert_allclose(_np(lin.weight), 2 * w)
    assert list(lin.state_dict()) == ["bias", "parametrizations.weight.original"]
    with P.cached():
        assert lin.weight is lin.weight
    assert lin.weight is not lin.weight
    lin2 = ember.nn.Linear(3, 3)
    P.register_parametrization(lin2, "weight", Sym())
    lin2.weight = ember.tensor(np.arange(9.0).reshape(3, 3), dtype=ember.float32)  # right_inverse
    np.testing.assert_allclose(_np(lin2.parametrizations.weight.original),
                               np.triu(np.arange(9.0).reshape(3, 3)))
    P.remove_parametrizations(lin, "weight", leave_parametrized=False)
    assert type(lin) is ember.nn.Linear and not hasattr(lin, "parametrizations")
    for m in (torch, ember):
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            m.nn.utils.parametrize.remove_parametrizations(m.nn.Linear(2, 2), "weight")
        with pytest.raises(ValueError, match="may not change the shape"):
            m.nn.utils.parametrize.register_parametrization(
                m.nn.Linear(2, 3), "weight", type("T", (m.nn.Module,), {
                    "forward": lambda self, X: X.t()})())
        with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
            m.nn.utils.parametrize.register_parametrization(m.nn.Linear(2, 2), "w", Sym()
                                                            if m is ember else m.nn.Identity())


@pytest.mark.parametrize("conv,bn,transpose", [
    ("Conv2d(3, 4, 3)", "BatchNorm2d(4)", False), ("Conv1d(3, 4, 3, bias=False)", "BatchNorm1d(4, affine=False)", False),
    ("ConvTranspose2d(3, 4, 3)", "BatchNorm2d(4)", True)])
def test_fuse_conv_bn(conv, bn, transpose):
    x = R.randn(2, 3, 6, 6) if "2d" in conv else R.randn(2, 3, 6)
    res = []
    for m in (torch, ember):
        m.manual_seed(0)
        c, b = eval("m.nn." + conv).double(), eval("m.nn." + bn).double()
        b.running_mean.data = m.tensor(R.randn(4) if m is torch else res[0][2])
        b.running_var.data = m.tensor(R.rand(4) + 0.5 if m is torch else res[0][3])
        c.eval(), b.eval()
        f = m.nn.utils.fuse_conv_bn_eval(c, b, transpose=transpose)
        res.append([_np(f(m.tensor(x))), _np(b(c(m.tensor(x)))), _np(b.running_mean),
                    _np(b.running_var), _np(f.weight), _np(f.bias)])
        assert type(f) is type(c) and f is not c and f.weight.requires_grad
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res[1][0], res[1][1], rtol=1e-9, atol=1e-12)


def test_fuse_linear_bn():
    x = R.randn(3, 5)
    res = []
    for m in (torch, ember):
        m.manual_seed(0)
        lin, bn = m.nn.Linear(5, 4).double().eval(), m.nn.BatchNorm1d(4).double().eval()
        bn.running_mean.data = m.tensor(np.arange(4.0))
        f = m.nn.utils.fuse_linear_bn_eval(lin, bn)
        res.append([_np(f(m.tensor(x))), _np(bn(lin(m.tensor(x))))])
        w, b = m.nn.utils.fuse_linear_bn_weights(lin.weight, None, bn.running_mean, bn.running_var,
                                                  1e-3, bn.weight, bn.bias)
        res[-1] += [_np(w), _np(b)]
        with pytest.raises(AssertionError, match="Fusion only for eval"):
            m.nn.utils.fuse_linear_bn_eval(lin.train(), bn)
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_skip_init():
    ember.manual_seed(0)
    a = ember.rand(3)
    ember.manual_seed(0)
    m = ember.nn.utils.skip_init(ember.nn.Linear, 5, 4, bias=False)
    assert type(m) is ember.nn.Linear and tuple(m.weight.shape) == (4, 5) and m.bias is None
    np.testing.assert_array_equal(_np(ember.rand(3)), _np(a))        # no random draws consumed
    for mm in (torch, ember):
        with pytest.raises(RuntimeError, match="Expected a Module"):
            mm.nn.utils.skip_init(int)
        with pytest.raises(RuntimeError, match="must support a 'device' arg"):
            mm.nn.utils.skip_init(mm.nn.ReLU)


def test_functional_call():
    import ember.func
    res = []
    for m in (torch, ember):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(4, 3), m.nn.BatchNorm1d(3), m.nn.Linear(3, 2)).double()
        x = m.tensor(R.randn(5, 4) if m is torch else res[0][0])
        W = m.tensor(np.arange(12.0).reshape(3, 4) / 10, requires_grad=True)
        rm = m.zeros(3, dtype=m.float64)
        fc = m.func.functional_call
        out = fc(net, ({"0.weight": W}, {"1.running_mean": rm}), (x,))
        out.sum().backward()
        assert net[0].weight.grad is None and net[0].weight is not W
        assert type(net[0].weight).__name__ == "Parameter"
        with pytest.warns(FutureWarning, match="stateless.functional_call` is deprecated"):
            out2 = m.nn.utils.stateless.functional_call(
                net.eval(), {"2.bias": m.ones(2, dtype=m.float64)}, x, strict=False)
        res.append([_np(x), _np(out), _np(W.grad), _np(rm), _np(out2), _np(net[1].running_mean)])
        with pytest.raises(RuntimeError, match="Missing key"):
            fc(net, {"0.weight": W}, (x,), strict=True)
        with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
            fc(net, ({"0.weight": W}, {"0.weight": W}), (x,))
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12)


def test_functional_call_tied_weights():
    for m in (torch, ember):
        net = m.nn.Sequential(m.nn.Linear(3, 3, bias=False), m.nn.Linear(3, 3, bias=False))
        net[1].weight = net[0].weight
        W = m.eye(3) * 2
        out = m.func.functional_call(net, {"0.weight": W}, (m.ones(1, 3),))
        np.testing.assert_allclose(_np(out), [[4.0, 4.0, 4.0]])
        out = m.func.functional_call(net, {"0.weight": W}, (m.ones(1, 3),), tie_weights=False)
        assert not np.allclose(_np(out), [[4.0, 4.0, 4.0]])
