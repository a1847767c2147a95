"""Discrete distributions against torch.distributions."""
import numpy as np
import pytest
import torch
from dist_oracle import check_case, check_draws, check_nan_params, check_validation, same

import ember

A = lambda *v: np.array(v, dtype=np.float64)  # noqa: E731
UNIT = A(0.1, 0.45, 0.9)
LOGITS = A(-1.5, 0.2, 2.0)
PROBS2 = np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
LOGITS2 = np.log(PROBS2) + 0.3

# name, make, params, points (sample() draws equal torch's after manual_seed for every case)
CASES = [
    ("Bernoulli", lambda D, p: D.Bernoulli(p), dict(p=UNIT), A(0.0, 1.0, 1.0)),
    ("Bernoulli-logits", lambda D, lg: D.Bernoulli(logits=lg), dict(lg=LOGITS), A(1.0, 0.0, 1.0)),
    ("Bernoulli-num", lambda D, p: D.Bernoulli(p), dict(p=0.3), A(0.0, 1.0)),
    ("Binomial", lambda D, p: D.Binomial(10, p), dict(p=UNIT), A(0.0, 4.0, 10.0)),
    ("Binomial-counts", lambda D, n, lg: D.Binomial(n, logits=lg), dict(n=A(5.0, 12.0, 30.0), lg=LOGITS),
     A(2.0, 7.0, 30.0)),
    ("Geometric", lambda D, p: D.Geometric(p), dict(p=UNIT), A(0.0, 3.0, 1.0)),
    ("Geometric-logits", lambda D, lg: D.Geometric(logits=lg), dict(lg=LOGITS), A(0.0, 3.0, 1.0)),
    ("Poisson", lambda D, rate: D.Poisson(rate), dict(rate=A(0.5, 4.0, 25.0)), A(0.0, 3.0, 27.0)),
    ("NegativeBinomial", lambda D, n, p: D.NegativeBinomial(n, p), dict(n=A(2.0, 5.5, 1.0), p=UNIT),
     A(0.0, 3.0, 12.0)),
    ("NegativeBinomial-logits", lambda D, lg: D.NegativeBinomial(3.0, logits=lg), dict(lg=LOGITS),
     A(1.0, 3.0, 2.0)),
    ("Categorical", lambda D, p: D.Categorical(p), dict(p=PROBS2), A(0.0, 2.0)),
    ("Categorical-logits", lambda D, lg: D.Categorical(logits=lg), dict(lg=LOGITS2), A(1.0, 2.0)),
    ("OneHotCategorical", lambda D, p: D.OneHotCategorical(p), dict(p=PROBS2),
     np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])),
    ("OneHotCategoricalStraightThrough", lambda D, lg: D.OneHotCategoricalStraightThrough(logits=lg),
     dict(lg=LOGITS2), np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])),
    ("Multinomial", lambda D, p: D.Multinomial(6, p), dict(p=PROBS2), np.array([[1.0, 2.0, 3.0], [6.0, 0.0, 0.0]])),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_against_torch(case):
    _, make, params, points = case
    check_case(make, params, points)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_draws(case):
    _, make, params, _ = case
    check_draws(make, params, rsample=False, shape=(50,))


def test_sample_frequencies():
    # the draws' frequencies match the probabilities
    e = ember.distributions.Categorical(ember.tensor(PROBS2))
    s = e.sample((4000,))
    freq = ember.stack([(s == k).double().mean(0) for k in range(3)], -1)
    np.testing.assert_allclose(freq.numpy(), PROBS2, atol=0.04)


def test_straight_through_gradient():
    res = []
    for mod in (ember, torch):
        mod.manual_seed(0)
        lg = mod.tensor(LOGITS2, requires_grad=True)
        s = mod.distributions.OneHotCategoricalStraightThrough(logits=lg).rsample()
        (s * mod.tensor([1.0, 2.0, 3.0], dtype=mod.float64)).sum().backward()
        res.append(lg.grad.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-6)


def test_binomial_inhomogeneous_entropy_raises():
    for mod in (ember, torch):
        d = mod.distributions.Binomial(mod.tensor([2.0, 3.0]), mod.tensor([0.5, 0.5]))
        with pytest.raises(NotImplementedError):
            d.entropy()


@pytest.mark.parametrize("make,params", [
    (lambda D, p: D.Bernoulli(p), dict(p=A(0.5, 1.2))),
    (lambda D, p: D.Bernoulli(p, logits=p), dict(p=A(0.5))),
    (lambda D, p: D.Binomial(-1, p), dict(p=A(0.5))),
    (lambda D, p: D.Binomial(2.5, p), dict(p=A(0.5))),
    (lambda D, p: D.Geometric(p), dict(p=A(0.0))),
    (lambda D, rate: D.Poisson(rate), dict(rate=A(-1.0))),
    (lambda D, p: D.Categorical(p), dict(p=A(-0.1, 0.5))),
    (lambda D, p: D.Categorical(p), dict(p=np.float64(1.0) * np.ones(()))),
    (lambda D, p: D.NegativeBinomial(2.0, p), dict(p=A(1.0))),
])
def test_invalid_parameters(make, params):
    check_validation(make, params)


def test_categorical_log_prob_broadcast_and_support_errors():
    e = ember.distributions.Categorical(ember.tensor(PROBS2))
    t = torch.distributions.Categorical(torch.tensor(PROBS2))
    v = np.array([[0.0], [2.0]])
    same(e.log_prob(ember.tensor(v)), t.log_prob(torch.tensor(v)))
    for mod, d in ((ember, e), (torch, t)):
        with pytest.raises(ValueError):
            d.log_prob(mod.tensor([3.0, 0.0]))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_nan_parameters(case):
    check_nan_params(case[1], case[2])
