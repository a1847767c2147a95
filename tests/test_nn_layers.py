import numpy as np
import pytest
import torch
from oracle import assert_close, gradcheck, rand

import ember
import ember.nn as enn
import ember.nn.functional as EF


def load_from(emod, tmod):
    emod.load_state_dict({k: ember.tensor(v.detach().numpy().copy()) for k, v in tmod.state_dict().items()})


def compare(emod, tmod, x, train=True, rtol=1e-4, noncontig=False):
    load_from(emod, tmod)
    emod.train(train)
    tmod.train(train)
    xa = x if not noncontig else np.asfortranarray(x)
    tx = torch.tensor(xa, requires_grad=x.dtype.kind == "f")
    ex = ember.tensor(xa).requires_grad_(x.dtype.kind == "f")
    if noncontig:
        tx = torch.tensor(x.T.copy(), requires_grad=True).T if x.ndim == 2 else tx
        ex = ember.tensor(x.T.copy()).requires_grad_().T if x.ndim == 2 else ex
        if x.ndim == 2:
            tx.retain_grad(); ex.retain_grad()
    to = tmod(tx)
    eo = emod(ex)
    assert_close(eo, to, rtol=rtol, atol=rtol)
    w = np.random.RandomState(0).standard_normal(tuple(to.shape)).astype(to.detach().numpy().dtype)
    (to * torch.tensor(w)).sum().backward()
    (eo * ember.tensor(w)).sum().backward()
    if tx.requires_grad:
        assert_close(ex.grad, tx.grad, rtol=rtol, atol=rtol)
    tp = dict(tmod.named_parameters())
    for n, p in emod.named_parameters():
        if tp[n].grad is None:
            assert p.grad is None
        else:
            assert_close(p.grad, tp[n].grad, rtol=rtol, atol=rtol)
    for (n, b), (tn, tb) in zip(emod.named_buffers(), tmod.named_buffers()):
        assert n == tn
        assert_close(b, tb, rtol=rtol, atol=rtol)


LAYERS = [
    (lambda m: m.Linear(5, 4), (3, 5)),
    (lambda m: m.Linear(5, 4, bias=False), (2, 3, 5)),
    (lambda m: m.Linear(5, 4), (5,)),
    (lambda m: m.BatchNorm1d(4), (6, 4)),
    (lambda m: m.BatchNorm1d(4, momentum=None), (6, 4, 3)),
    (lambda m: m.BatchNorm1d(4, affine=False), (6, 4)),
    (lambda m: m.BatchNorm2d(3), (2, 3, 4, 4)),
    (lambda m: m.BatchNorm3d(2), (2, 2, 3, 2, 2)),
    (lambda m: m.LayerNorm(5), (3, 5)),
    (lambda m: m.LayerNorm([3, 5]), (2, 3, 5)),
    (lambda m: m.LayerNorm(5, elementwise_affine=False), (3, 5)),
    (lambda m: m.GroupNorm(2, 4), (3, 4, 5)),
    (lambda m: m.InstanceNorm1d(3), (2, 3, 6)),
    (lambda m: m.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 4, 4)),
    (lambda m: m.LocalResponseNorm(3), (2, 5, 4)),
    (lambda m: m.PReLU(), (3, 4)),
    (lambda m: m.PReLU(4), (3, 4, 2)),
    (lambda m: m.Flatten(), (2, 3, 4)),
    (lambda m: m.Unflatten(1, (2, 2)), (3, 4)),
    (lambda m: m.Identity(), (3, 4)),
    (lambda m: m.Sequential(m.Linear(4, 8), m.ReLU(), m.Linear(8, 3)), (5, 4)),
    (lambda m: m.RMSNorm(4), (3, 4)),
]


@pytest.mark.parametrize("i", range(len(LAYERS)))
@pytest.mark.parametrize("train", [True, False])
def test_layer_vs_torch(i, train):
    make, shape = LAYERS[i]
    torch.manual_seed(i)
    tmod = make(torch.nn)
    if any(isinstance(b, torch.Tensor) and b.is_floating_point() for b in tmod.buffers()):
        for b in tmod.buffers():
            if b.is_floating_point():
                b.uniform_(0.5, 1.5)
    emod = make(enn)
    compare(emod, tmod, rand(*shape, seed=i), train)


@pytest.mark.parametrize("i", [0, 3, 8, 11])
def test_layer_noncontiguous(i):
    make, shape = LAYERS[i]
    tmod, emod = make(torch.nn), make(enn)
    compare(emod, tmod, rand(*shape, seed=i), True, noncontig=True)


@pytest.mark.parametrize("shape,perm,bias", [((6, 4, 16), (1, 0, 2), True), ((3, 4, 5, 16), (2, 0, 1, 3), False),
                                            ((4, 6, 3), (1, 0, 2), True)])
def test_linear_permuted_input(shape, perm, bias):
    """A permuted input (a batch_first RNN's output) takes one GEMM over its rows in memory
    order when the output is no wider; values, grads and a C-contiguous output as torch's."""
    x = np.random.RandomState(1).standard_normal(shape).astype(np.float32)
    tl, el = torch.nn.Linear(shape[-1], 5, bias=bias), enn.Linear(shape[-1], 5, bias=bias)
    load_from(el, tl)
    tx = torch.tensor(x).permute(*perm).requires_grad_()
    ex = ember.tensor(x).permute(*perm).requires_grad_()
    to, eo = tl(tx), el(ex)
    assert_close(eo, to)
    assert eo.is_contiguous() and eo.view(-1, 5).shape == to.view(-1, 5).shape
    w = np.random.RandomState(2).standard_normal(tuple(to.shape)).astype(np.float32)
    (to * torch.tensor(w)).sum().backward()
    (eo * ember.tensor(w)).sum().backward()
    assert_close(ex.grad, tx.grad)
    for n, p in el.named_parameters():
        assert_close(p.grad, dict(tl.named_parameters())[n].grad, rtol=1e-4, atol=1e-4)


def test_bilinear():
    tmod, emod = torch.nn.Bilinear(3, 4, 5), enn.Bilinear(3, 4, 5)
    load_from(emod, tmod)
    a, b = rand(2, 3, seed=1), rand(2, 4, seed=2)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ea, eb = ember.tensor(a).requires_grad_(), ember.tensor(b).requires_grad_()
    to, eo = tmod(ta, tb), emod(ea, eb)
    assert_close(eo, to)
    to.sum().backward(); eo.sum().backward()
    assert_close(ea.grad, ta.grad); assert_close(eb.grad, tb.grad)
    assert_close(emod.weight.grad, tmod.weight.grad)


ACTS = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid",
        "Tanh", "Hardtanh", "Hardsigmoid", "Hardswish", "Softplus", "Softsign", "Tanhshrink",
        "LogSigmoid", "Softshrink", "Hardshrink"]


@pytest.mark.parametrize("name", ACTS)
def test_activation(name):
    x = rand(4, 5, seed=3, low=-4, high=4)
    compare(getattr(enn, name)(), getattr(torch.nn, name)(), x)


@pytest.mark.parametrize("mk", [lambda m: m.GELU(approximate="tanh"), lambda m: m.Threshold(0.1, 20),
                                lambda m: m.Softmax(dim=1), lambda m: m.LogSoftmax(dim=0),
                                lambda m: m.Softmin(dim=-1), lambda m: m.GLU(), lambda m: m.ELU(0.5),
                                lambda m: m.Softplus(2.0, 1.0), lambda m: m.CELU(2.0)])
def test_activation_args(mk):
    compare(mk(enn), mk(torch.nn), rand(4, 6, seed=4, low=-3, high=3))


def test_inplace_activation():
    for name in ["ReLU", "LeakyReLU", "ELU", "Hardtanh", "SiLU"]:
        x = rand(3, 4, seed=5)
        tx = torch.tensor(x, requires_grad=True); ex = ember.tensor(x).requires_grad_()
        to = getattr(torch.nn, name)(inplace=True)(tx * 2)
        eo = getattr(enn, name)(inplace=True)(ex * 2)
        assert_close(eo, to)
        to.sum().backward(); eo.sum().backward()
        assert_close(ex.grad, tx.grad)


def test_gelu_float64_accuracy():
    x = np.linspace(-8, 8, 1001)
    assert_close(EF.gelu(ember.tensor(x)), torch.nn.functional.gelu(torch.tensor(x)), rtol=1e-12, atol=1e-14)


def test_embedding():
    tmod = torch.nn.Embedding(10, 4, padding_idx=2)
    emod = enn.Embedding(10, 4, padding_idx=2)
    load_from(emod, tmod)
    idx = np.array([[1, 2, 3], [3, 3, 9]])
    to, eo = tmod(torch.tensor(idx)), emod(ember.tensor(idx))
    assert_close(eo, to)
    to.sum().backward(); eo.sum().backward()
    assert_close(emod.weight.grad, tmod.weight.grad)
    assert (emod.weight._data[2] == 0).all()
    w = rand(5, 3, seed=9)
    e = enn.Embedding.from_pretrained(ember.tensor(w))
    assert not e.weight.requires_grad
    t = torch.nn.Embedding.from_pretrained(torch.tensor(w), max_norm=0.5)
    e = enn.Embedding.from_pretrained(ember.tensor(w), max_norm=0.5)
    assert_close(e(ember.tensor([0, 1])), t(torch.tensor([0, 1])))
    with pytest.raises(IndexError):
        emod(ember.tensor([10]))
    with pytest.raises(RuntimeError):
        emod(ember.tensor([1.0]))


def test_embedding_bag():
    tmod = torch.nn.EmbeddingBag(10, 3, mode="sum")
    emod = enn.EmbeddingBag(10, 3, mode="sum")
    load_from(emod, tmod)
    idx, offs = np.array([1, 2, 4, 5, 4, 3]), np.array([0, 2])
    to, eo = tmod(torch.tensor(idx), torch.tensor(offs)), emod(ember.tensor(idx), ember.tensor(offs))
    assert_close(eo, to)
    to.sum().backward(); eo.sum().backward()
    assert_close(emod.weight.grad, tmod.weight.grad)


def test_dropout():
    ember.manual_seed(0)
    x = ember.ones(1000, 10, requires_grad=True)
    d = enn.Dropout(0.3)
    y = d(x)
    frac = float((y._data == 0).mean())
    assert 0.25 < frac < 0.35
    assert np.allclose(y._data[y._data != 0], 1 / 0.7)
    y.sum().backward()
    assert np.allclose(x.grad._data, y._data)
    d.eval()
    assert d(x) is x
    y2 = enn.Dropout2d(0.5)(ember.ones(4, 6, 3, 3))
    assert ((y2._data == 0).all(axis=(2, 3)) | (y2._data != 0).all(axis=(2, 3))).all()
    y3 = enn.AlphaDropout(0.2)(ember.randn(2000))
    assert abs(float(y3._data.mean())) < 0.15
    with pytest.raises(ValueError):
        enn.Dropout(1.5)
    assert repr(enn.Dropout(0.1)) == repr(torch.nn.Dropout(0.1))


def test_bad_inputs_same_exception():
    for mk, x in [(lambda m: m.Linear(3, 4), np.zeros((2, 5), np.float32)),
                  (lambda m: m.BatchNorm1d(3), np.zeros((2, 3, 4, 4), np.float32)),
                  (lambda m: m.BatchNorm2d(3), np.zeros((2, 3), np.float32)),
                  (lambda m: m.LayerNorm(4), np.zeros((2, 3), np.float32)),
                  (lambda m: m.GroupNorm(2, 4), np.zeros((2, 3, 5), np.float32)),
                  ]:
        with pytest.raises(Exception) as te:
            mk(torch.nn)(torch.tensor(x))
        with pytest.raises(Exception) as ee:
            mk(enn)(ember.tensor(x))
        assert ee.type.__name__ == te.type.__name__, (te.value, ee.value)
    with pytest.raises(ValueError):
        enn.BatchNorm1d(3)(ember.zeros(1, 3))


def test_default_init_bounds():
    ember.manual_seed(0)
    lin = enn.Linear(100, 50)
    b = 1 / np.sqrt(100)
    assert np.abs(lin.weight._data).max() <= b and np.abs(lin.weight._data).max() > 0.9 * b
    assert np.abs(lin.bias._data).max() <= b
    assert lin.weight.dtype == ember.float32
    e = enn.Embedding(1000, 10)
    assert abs(e.weight._data.std() - 1) < 0.05
    bn = enn.BatchNorm1d(3)
    assert (bn.weight._data == 1).all() and (bn.bias._data == 0).all()
    assert bn.num_batches_tracked.dtype == ember.int64
    assert (enn.PReLU()).weight._data[0] == np.float32(0.25)


def test_init_functions():
    w = ember.empty(200, 300)
    enn.init.xavier_uniform_(w)
    a = np.sqrt(6 / 500)
    assert np.abs(w._data).max() <= a
    enn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(w._data.std() - np.sqrt(2 / 200)) < 0.005
    enn.init.trunc_normal_(w, std=1.0, a=-1, b=1)
    assert np.abs(w._data).max() <= 1
    enn.init.orthogonal_(w)
    assert np.allclose(w._data @ w._data.T, np.eye(200), atol=1e-4)
    enn.init.eye_(w)
    assert (w._data[:, :200] == np.eye(200)).all()
    enn.init.constant_(w, 0.3)
    assert np.allclose(w._data, 0.3)
    d = ember.empty(4, 2, 3)
    enn.init.dirac_(d)
    t = torch.empty(4, 2, 3); torch.nn.init.dirac_(t)
    assert_close(d, t)
    enn.init.sparse_(w, 0.5)
    assert ((w._data == 0).sum(0) >= 100).all()
    assert enn.init.calculate_gain("leaky_relu", 0.2) == torch.nn.init.calculate_gain("leaky_relu", 0.2)
    for nl in ["relu", "tanh", "selu", "linear", "sigmoid"]:
        assert enn.init.calculate_gain(nl) == torch.nn.init.calculate_gain(nl)
    assert enn.init._calculate_fan_in_and_fan_out(ember.empty(3, 4, 5)) == (20, 15)
    p = enn.Parameter(ember.randn(3))
    enn.init.uniform_(p)
    assert p.grad_fn is None and p.requires_grad


def test_gradcheck_fused():
    x, w, b = rand(3, 4, seed=1), rand(2, 4, seed=2), rand(2, seed=3)
    gradcheck(lambda m, x, w, b: m.nn.functional.linear(x, w, b), x, w, b)
    gradcheck(lambda m, x, w, b: m.nn.functional.layer_norm(x, (4,), w, b), x, rand(4, seed=4), rand(4, seed=5))
    gradcheck(lambda m, x, w, b: m.nn.functional.batch_norm(x, None, None, w, b, True), x, rand(4, seed=4), rand(4, seed=5))
    gradcheck(lambda m, x, w, b: m.nn.functional.group_norm(x, 2, w, b), rand(2, 4, 3, seed=6), rand(4, seed=4), rand(4, seed=5))
    gradcheck(lambda m, x: m.nn.functional.log_softmax(x, 1), x)
    gradcheck(lambda m, x: m.nn.functional.softmax(x, 0), x)
    gradcheck(lambda m, x: m.nn.functional.gelu(x), x)
    gradcheck(lambda m, x: m.nn.functional.normalize(x), x)
    gradcheck(lambda m, x, y: m.nn.functional.cosine_similarity(x, y), x, rand(3, 4, seed=9))
    gradcheck(lambda m, x, y: m.nn.functional.pairwise_distance(x, y), x, rand(3, 4, seed=9))
    t = ember.tensor([0, 3, 1])
    gradcheck(lambda m, x: m.nn.functional.cross_entropy(x, t, label_smoothing=0.1), x)


def test_functional_misc():
    x = rand(3, 4, seed=1)
    F, TF = EF, torch.nn.functional
    assert_close(F.one_hot(ember.tensor([0, 2, 1])), TF.one_hot(torch.tensor([0, 2, 1])))
    assert_close(F.one_hot(ember.tensor([0, 2]), 5), TF.one_hot(torch.tensor([0, 2]), 5))
    with pytest.raises(RuntimeError):
        F.one_hot(ember.tensor([0.0]))
    assert_close(F.normalize(ember.tensor(x), dim=0), TF.normalize(torch.tensor(x), dim=0))
    assert_close(F.normalize(ember.tensor(x), p=1), TF.normalize(torch.tensor(x), p=1))
    y = rand(3, 4, seed=2)
    assert_close(F.cosine_similarity(ember.tensor(x), ember.tensor(y)),
                 TF.cosine_similarity(torch.tensor(x), torch.tensor(y)))
    assert_close(F.pairwise_distance(ember.tensor(x), ember.tensor(y)),
                 TF.pairwise_distance(torch.tensor(x), torch.tensor(y)))
    assert_close(ember.tensor(x).softmax(-1), torch.tensor(x).softmax(-1))
    assert_close(ember.tensor(x).log_softmax(0), torch.tensor(x).log_softmax(0))
    assert_close(F.softmax(ember.tensor(x), 1, dtype=ember.float64), TF.softmax(torch.tensor(x), 1, dtype=torch.float64))


def test_utils_clip():
    ps = [enn.Parameter(ember.ones(3)), enn.Parameter(ember.ones(2, 2))]
    tps = [torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(2, 2))]
    for p, tp in zip(ps, tps):
        g = rand(*p.shape, seed=p.ndim) * 5
        p.grad = ember.tensor(g); tp.grad = torch.tensor(g)
    n = enn.utils.clip_grad_norm_(ps, 1.0)
    tn = torch.nn.utils.clip_grad_norm_(tps, 1.0)
    assert_close(n, tn)
    for p, tp in zip(ps, tps):
        assert_close(p.grad, tp.grad)
    n = enn.utils.clip_grad_norm_(ps, 0.5, norm_type="inf")
    tn = torch.nn.utils.clip_grad_norm_(tps, 0.5, norm_type="inf")
    assert_close(n, tn)
    enn.utils.clip_grad_value_(ps, 0.1); torch.nn.utils.clip_grad_value_(tps, 0.1)
    for p, tp in zip(ps, tps):
        assert_close(p.grad, tp.grad)
    v = enn.utils.parameters_to_vector(ps)
    assert v.shape == (7,)
    enn.utils.vector_to_parameters(ember.arange(7.0), ps)
    assert ps[1]._data.tolist() == [[3, 4], [5, 6]]
