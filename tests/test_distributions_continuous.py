"""Univariate continuous distributions against torch.distributions."""
import numpy as np
import pytest
import torch
from dist_oracle import check_case, check_draws, check_nan_params, check_validation

import ember

r = np.random.RandomState(0)
A = lambda *v: np.array(v, dtype=np.float64)  # noqa: E731
F = lambda *v: np.array(v, dtype=np.float32)  # noqa: E731
POS = A(0.5, 1.3, 2.0)
REAL = A(-1.2, 0.3, 2.5)
UNIT = A(0.1, 0.45, 0.9)

# name, make, params, points, rsample gradient tolerance (None: no rsample; sample() draws
# are compared). The gamma family's reparameterized gradient is exact here (implicit
# differentiation of the regularized incomplete gamma/beta), torch's a rational approximation:
# the tolerances cover torch's approximation error.
GAMMA_RTOL, BETA_RTOL = 2e-3, 2e-3
CASES = [
    ("Normal", lambda D, loc, scale: D.Normal(loc, scale), dict(loc=REAL, scale=POS), REAL * 0.7, 1e-5),
    ("Normal-num", lambda D, loc, scale: D.Normal(loc, scale), dict(loc=0.5, scale=2.0), A(0.1, -3.0), 1e-5),
    ("LogNormal", lambda D, loc, scale: D.LogNormal(loc, scale), dict(loc=REAL, scale=POS), POS, 1e-5),
    ("HalfNormal", lambda D, scale: D.HalfNormal(scale), dict(scale=POS), POS, 1e-5),
    ("Cauchy", lambda D, loc, scale: D.Cauchy(loc, scale), dict(loc=REAL, scale=POS), REAL * 0.3, 1e-5),
    ("HalfCauchy", lambda D, scale: D.HalfCauchy(scale), dict(scale=POS), POS, 1e-5),
    ("Laplace", lambda D, loc, scale: D.Laplace(loc, scale), dict(loc=REAL, scale=POS), A(0.2, -1., 3.), 1e-5),
    ("StudentT", lambda D, df, loc, scale: D.StudentT(df, loc, scale),
     dict(df=A(0.8, 1.5, 5.0), loc=REAL, scale=POS), REAL * 0.5, GAMMA_RTOL),
    ("Chi2", lambda D, df: D.Chi2(df), dict(df=A(0.7, 2.0, 6.0)), POS, GAMMA_RTOL),
    ("Gamma", lambda D, c, r: D.Gamma(c, r), dict(c=A(0.4, 1.0, 3.5), r=POS), POS, GAMMA_RTOL),
    ("InverseGamma", lambda D, c, r: D.InverseGamma(c, r), dict(c=A(0.4, 2.5, 3.5), r=POS), POS, GAMMA_RTOL),
    ("Beta", lambda D, a, b: D.Beta(a, b), dict(a=A(0.5, 2.0, 3.0), b=A(1.5, 0.7, 3.0)), UNIT, BETA_RTOL),
    ("Beta-num", lambda D, a, b: D.Beta(a, b), dict(a=2.0, b=3.0), A(0.2, 0.6), BETA_RTOL),
    ("Exponential", lambda D, rate: D.Exponential(rate), dict(rate=POS), POS, 1e-5),
    ("Uniform", lambda D, low, high: D.Uniform(low, high), dict(low=REAL, high=REAL + POS), REAL + 0.2, 1e-5),
    ("Weibull", lambda D, s, c: D.Weibull(s, c), dict(s=POS, c=A(0.8, 1.5, 3.0)), POS, 1e-5),
    ("Gumbel", lambda D, loc, scale: D.Gumbel(loc, scale), dict(loc=REAL, scale=POS), REAL * 0.5, 1e-5),
    ("Pareto", lambda D, scale, alpha: D.Pareto(scale, alpha), dict(scale=POS, alpha=A(0.8, 1.5, 3.0)),
     POS + 0.5, 1e-5),
    ("FisherSnedecor", lambda D, d1, d2: D.FisherSnedecor(d1, d2),
     dict(d1=A(1.5, 3.0, 6.0), d2=A(1.5, 4.5, 8.0)), POS, GAMMA_RTOL),
    ("VonMises", lambda D, loc, k: D.VonMises(loc, k), dict(loc=REAL, k=A(0.5, 2.0, 5.0)), A(0.1, -2., 3.), None),
    ("Kumaraswamy", lambda D, a, b: D.Kumaraswamy(a, b), dict(a=A(0.5, 2.0, 3.0), b=A(1.5, 0.7, 3.0)),
     UNIT, 1e-5),
    ("GeneralizedPareto", lambda D, loc, s, c: D.GeneralizedPareto(loc, s, c),
     # float32: torch's GeneralizedPareto.log_prob fails on float64 (isclose with a float32 zero)
     dict(loc=F(0.0, 0.5, -1.0), s=F(0.5, 1.3, 2.0), c=F(0.3, 0.0, -0.2)), F(0.4, 1.0, 0.0), 1e-5),
    ("ContinuousBernoulli", lambda D, p: D.ContinuousBernoulli(p), dict(p=A(0.2, 0.5, 0.8)), UNIT, 1e-5),
    ("ContinuousBernoulli-logits", lambda D, lg: D.ContinuousBernoulli(logits=lg), dict(lg=REAL), UNIT, 1e-5),
    ("RelaxedBernoulli", lambda D, t, p: D.RelaxedBernoulli(t, p), dict(t=A(0.5), p=UNIT), UNIT, 1e-5),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_against_torch(case):
    _, make, params, points, _ = case
    check_case(make, params, points)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_draws_and_rsample_grads(case):
    _, make, params, _, draws = case
    check_draws(make, params, rsample=draws is not None, grad_rtol=draws)


def test_float32_stays_float32():
    e = ember.distributions.Normal(ember.zeros(3), ember.ones(3))
    assert e.sample().dtype == ember.float32 and e.log_prob(ember.zeros(3)).dtype == ember.float32
    g = ember.distributions.Gamma(ember.ones(2), ember.ones(2))
    assert g.rsample().dtype == ember.float32


@pytest.mark.parametrize("make,params", [
    (lambda D, loc, scale: D.Normal(loc, scale), dict(loc=0.0, scale=-1.0)),
    (lambda D, loc, scale: D.Normal(loc, scale), dict(loc=A(0.0, np.nan), scale=A(1.0, 1.0))),
    (lambda D, c, r: D.Gamma(c, r), dict(c=A(1.0, -2.0), r=A(1.0, 1.0))),
    (lambda D, a, b: D.Beta(a, b), dict(a=A(0.0), b=A(1.0))),
    (lambda D, rate: D.Exponential(rate), dict(rate=A(-1.0))),
    (lambda D, df: D.StudentT(df), dict(df=A(0.0))),
    (lambda D, p: D.ContinuousBernoulli(p, validate_args=True), dict(p=A(1.5))),
])
def test_invalid_parameters(make, params):
    msg = check_validation(make, params)
    assert "Expected parameter" in msg or "invalid values" in msg


def test_validation_message_names_constraint():
    with pytest.raises(ValueError) as ei:
        ember.distributions.Normal(0.0, -1.0)
    with pytest.raises(ValueError) as ti:
        torch.distributions.Normal(0.0, -1.0)
    assert str(ei.value).splitlines()[0] == str(ti.value).splitlines()[0]
    assert "GreaterThan(lower_bound=0.0)" in str(ei.value)


def test_invalid_sample_and_shapes():
    e = ember.distributions.Exponential(ember.ones(3))
    t = torch.distributions.Exponential(torch.ones(3))
    for bad in ([-1.0, 1.0, 1.0], [[1.0, 1.0]]):
        with pytest.raises(ValueError) as ei:
            e.log_prob(ember.tensor(bad))
        with pytest.raises(ValueError) as ti:
            t.log_prob(torch.tensor(bad))
        assert str(ei.value).splitlines()[0] == str(ti.value).splitlines()[0]
    with pytest.raises(ValueError):
        e.log_prob([1.0])   # not a tensor


def test_set_default_validate_args():
    D = ember.distributions
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(0.0, -1.0)   # accepted
        with pytest.raises(ValueError):
            D.Normal(0.0, -1.0, validate_args=True)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(3)


def test_sample_n_and_perplexity():
    e = ember.distributions.Normal(ember.zeros(2), ember.ones(2))
    with pytest.warns(UserWarning):
        assert tuple(e.sample_n(5).shape) == (5, 2)


def test_reinforce_score_function_gradient():
    # the REINFORCE estimator of d E[x] / d loc with Normal samples
    for mod in (ember, torch):
        mod.manual_seed(1)
    res = []
    for mod in (ember, torch):
        loc = mod.tensor([0.5], requires_grad=True)
        m = mod.distributions.Normal(loc, mod.tensor([1.0]))
        x = m.sample((200,))
        (-(m.log_prob(x) * x).mean()).backward()
        res.append(loc.grad.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-5)


def test_gamma_and_beta_rsample_gradients_are_exact():
    # d sample / d parameter at a fixed CDF level, against scipy's inverse CDFs
    special = pytest.importorskip("scipy.special")
    h = 1e-6
    a = ember.tensor([0.3, 1.7, 6.0], dtype=ember.float64, requires_grad=True)
    x = ember.distributions.Gamma(a, 1.0).rsample()
    x.sum().backward()
    an, xn = a.detach().numpy(), x.detach().numpy()
    u = special.gammainc(an, xn)
    fd = (special.gammaincinv(an + h, u) - special.gammaincinv(an - h, u)) / (2 * h)
    np.testing.assert_allclose(a.grad.numpy(), fd, rtol=1e-5)
    c1 = ember.tensor([0.6, 2.0, 5.0], dtype=ember.float64, requires_grad=True)
    c0 = ember.tensor([1.5, 0.8, 4.0], dtype=ember.float64)
    x = ember.distributions.Beta(c1, c0).rsample()
    x.sum().backward()
    a1, a0, xn = c1.detach().numpy(), c0.numpy(), x.detach().numpy()
    # d/dc1 of the Beta(c1, c0) quantile at the sample's level, c0 fixed
    u = special.betainc(a1, a0, xn)
    fd = (special.betaincinv(a1 + h, a0, u) - special.betaincinv(a1 - h, a0, u)) / (2 * h)
    np.testing.assert_allclose(c1.grad.numpy(), fd, rtol=1e-4)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_float32_draws(case):
    _, make, params, _, _ = case
    p32 = {k: (v.astype(np.float32) if isinstance(v, np.ndarray) else v) for k, v in params.items()}
    check_draws(make, p32, rsample=False, shape=(20,), rtol=1e-5)


def test_parameter_broadcast_errors():
    msgs = []
    for mod in (ember, torch):
        with pytest.raises(RuntimeError) as ei:
            mod.distributions.Normal(mod.zeros(2), mod.ones(3))
        with pytest.raises(ValueError) as vi:
            mod.distributions.Normal("a", 1.0)
        msgs.append((str(ei.value), str(vi.value)))
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_nan_parameters(case):
    check_nan_params(case[1], case[2])
