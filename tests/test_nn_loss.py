import numpy as np
import pytest
import torch
from oracle import check, check_raises, gradcheck, rand

import ember
import ember.nn as enn
import ember.nn.functional as EF

TF = torch.nn.functional


def F(m):
    return m.nn.functional


X = rand(4, 5, seed=1)
T = np.array([0, 4, 2, 1])


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2}, {"ignore_index": 2},
                                {"weight": "w"}, {"weight": "w", "label_smoothing": 0.1},
                                {"weight": "w", "ignore_index": 1}])
def test_cross_entropy_indices(red, kw):
    w = rand(5, seed=3, low=0.1, high=2)
    def fn(m, x, kw=kw):
        k = dict(kw)
        if "weight" in k:
            k["weight"] = m.tensor(w)
        return F(m).cross_entropy(x, m.tensor(T), reduction=red, **k)
    check(fn, [X])


def test_cross_entropy_nd_and_probs():
    x = rand(2, 3, 4, 5, seed=2)
    t = np.random.RandomState(0).randint(0, 3, (2, 4, 5))
    check(lambda m, x: F(m).cross_entropy(x, m.tensor(t)), [x])
    check(lambda m, x: F(m).cross_entropy(x, m.tensor(t), reduction="none", label_smoothing=0.3), [x])
    p = np.abs(rand(4, 5, seed=5)); p /= p.sum(1, keepdims=True)
    check(lambda m, x, p: F(m).cross_entropy(x, p), [X, p])
    check(lambda m, x, p: F(m).cross_entropy(x, p, label_smoothing=0.2, reduction="sum"), [X, p], grad=False)
    check(lambda m, x: F(m).cross_entropy(x, m.tensor(3)), [rand(5, seed=1)])
    # module form, noncontiguous input
    xt = rand(5, 4, seed=7)
    check(lambda m, x: m.nn.CrossEntropyLoss()(x.t(), m.tensor(T)), [xt])


def test_cross_entropy_errors():
    check_raises(lambda m, x: F(m).cross_entropy(x, m.tensor([0.0, 1.0, 1.0, 0.0])), X)
    e = check_raises(lambda m, x: F(m).cross_entropy(x, m.tensor([0.0, 1.0, 1.0, 0.0])), X)
    assert "expected scalar type Long but found Float" in str(e)
    check_raises(lambda m, x: F(m).cross_entropy(x, m.tensor([0, 9, 1, 0])), X)
    check_raises(lambda m, x: F(m).cross_entropy(x, m.tensor([0, 1, 1])), X)


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
def test_nll(red):
    check(lambda m, x: F(m).nll_loss(F(m).log_softmax(x, 1), m.tensor(T), reduction=red), [X])
    w = rand(5, seed=3, low=0.1, high=2)
    check(lambda m, x: m.nn.NLLLoss(weight=m.tensor(w), ignore_index=0, reduction=red)(x, m.tensor(T)), [X])


Y = rand(4, 5, seed=9)
P = np.clip(np.abs(rand(4, 5, seed=10)), 0.05, 0.95).astype(np.float32)


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,args", [
    ("mse_loss", {}), ("l1_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.3}),
    ("huber_loss", {"delta": 0.4}), ("binary_cross_entropy_with_logits", {}),
    ])
def test_pointwise_losses(red, name, args):
    y = Y if "logits" not in name else (Y > 0).astype(np.float32)
    check(lambda m, x, y: getattr(F(m), name)(x, y, reduction=red, **args), [X, y])


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
def test_soft_margin(red):
    check(lambda m, x: F(m).soft_margin_loss(x, m.tensor(np.sign(Y)), reduction=red), [X])


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
def test_bce(red):
    check(lambda m, x, y: F(m).binary_cross_entropy(x, y, reduction=red), [P, (Y > 0).astype(np.float32)])
    w = rand(5, seed=3, low=0.1, high=2)
    check(lambda m, x, y: m.nn.BCELoss(weight=m.tensor(w), reduction=red)(x, y), [P, P[::-1].copy()])
    pw = rand(5, seed=4, low=0.5, high=3)
    check(lambda m, x, y: m.nn.BCEWithLogitsLoss(pos_weight=m.tensor(pw), weight=m.tensor(w), reduction=red)(x, y),
          [X, P])


def test_bce_errors():
    check_raises(lambda m, x, y: F(m).binary_cross_entropy(x, y), P, P[:, :1].copy())
    check_raises(lambda m, x, y: F(m).binary_cross_entropy_with_logits(x, y), P, P[:, :1].copy())
    check_raises(lambda m, x, y: F(m).binary_cross_entropy(x, y), X * 3, P)


@pytest.mark.parametrize("red", ["batchmean", "sum", "none"])
def test_kl_div(red):
    lp = np.log(P / P.sum(1, keepdims=True))
    q = P[::-1] / P[::-1].sum(1, keepdims=True)
    check(lambda m, x, y: F(m).kl_div(x, y, reduction=red), [lp, q.astype(np.float32)])
    check(lambda m, x, y: m.nn.KLDivLoss(reduction=red, log_target=True)(x, y), [lp, np.log(q).astype(np.float32)])


def test_margin_losses():
    y = np.array([1, -1, 1, -1], np.float32)
    check(lambda m, a, b: F(m).cosine_embedding_loss(a, b, m.tensor(y), margin=0.1), [X, Y])
    check(lambda m, a, b: m.nn.CosineEmbeddingLoss(reduction="none")(a, b, m.tensor(y)), [X, Y])
    check(lambda m, a, b: F(m).margin_ranking_loss(a, b, m.tensor(y), margin=0.2), [X[:, 0].copy(), Y[:, 0].copy()])
    check(lambda m, a, p, n: F(m).triplet_margin_loss(a, p, n), [X, Y, rand(4, 5, seed=11)])
    check(lambda m, a, p, n: F(m).triplet_margin_loss(a, p, n, swap=True, reduction="none"), [X, Y, rand(4, 5, seed=11)])
    check(lambda m, x: F(m).hinge_embedding_loss(x, m.tensor(np.sign(Y))), [X])
    check(lambda m, x, y: F(m).poisson_nll_loss(x, y), [X, np.abs(Y)])
    check(lambda m, x, y: F(m).multilabel_soft_margin_loss(x, y), [X, (Y > 0).astype(np.float32)])


def test_mse_broadcast_warns():
    with pytest.warns(UserWarning):
        EF.mse_loss(ember.tensor(X), ember.tensor(Y[:1]))


def test_loss_dtype_float64_gradcheck():
    t = ember.tensor(T)
    gradcheck(lambda m, x: m.nn.functional.cross_entropy(x, t), X)
    gradcheck(lambda m, x: m.nn.functional.cross_entropy(x, t, weight=m.tensor(np.arange(1.0, 6.0))), X)
    gradcheck(lambda m, x, y: m.nn.functional.binary_cross_entropy_with_logits(x, y), X, P)
    gradcheck(lambda m, x, y: m.nn.functional.smooth_l1_loss(x, y), X, Y)


def test_module_reprs():
    for mk in [lambda m: m.CrossEntropyLoss(), lambda m: m.MSELoss(), lambda m: m.BCEWithLogitsLoss()]:
        assert repr(mk(enn)) == repr(mk(torch.nn))
    assert list(enn.CrossEntropyLoss().state_dict()) == list(torch.nn.CrossEntropyLoss().state_dict())
