"""kl_divergence for every pair torch registers, against torch (values and gradients)."""
import numpy as np
import pytest
import torch
from dist_oracle import build, grads, outcome, same

import ember

A = lambda *v: np.array(v, dtype=np.float64)  # noqa: E731
r = np.random.RandomState(0)
M = r.standard_normal((3, 3))
COV = M @ M.T + 3 * np.eye(3)

# one or two parameter sets per family: p uses the first, q the last
FACTORIES = {
    "Bernoulli": (lambda D, p: D.Bernoulli(p), [dict(p=A(0.2, 0.7)), dict(p=A(0.5, 0.4))]),
    "Beta": (lambda D, a, b: D.Beta(a, b),
        [dict(a=A(0.7, 2.0), b=A(1.5, 3.0)), dict(a=A(2.0, 1.2), b=A(2.5, 0.9))]),
    "Binomial": (lambda D, p: D.Binomial(8, p), [dict(p=A(0.2, 0.7)), dict(p=A(0.5, 0.4))]),
    "Categorical": (lambda D, p: D.Categorical(p), [dict(p=A(0.2, 0.3, 0.5)), dict(p=A(0.6, 0.1, 0.3))]),
    "Cauchy": (lambda D, l, s: D.Cauchy(l, s),
        [dict(l=A(0.1, -1.0), s=A(1.0, 2.0)), dict(l=A(1.0, 0.5), s=A(0.5, 1.5))]),
    "ContinuousBernoulli": (lambda D, p: D.ContinuousBernoulli(p),
        [dict(p=A(0.2, 0.7)), dict(p=A(0.55, 0.3))]),
    "Dirichlet": (lambda D, c: D.Dirichlet(c), [dict(c=A(0.5, 1.5, 3.0)), dict(c=A(2.0, 2.0, 0.7))]),
    "Exponential": (lambda D, r: D.Exponential(r), [dict(r=A(0.5, 2.0)), dict(r=A(1.5, 0.7))]),
    "Gamma": (lambda D, c, r: D.Gamma(c, r),
        [dict(c=A(0.7, 3.0), r=A(1.5, 0.5)), dict(c=A(2.0, 1.3), r=A(0.8, 1.1))]),
    "Gumbel": (lambda D, l, s: D.Gumbel(l, s),
        [dict(l=A(0.1, -1.0), s=A(1.0, 2.0)), dict(l=A(1.0, 0.5), s=A(0.5, 1.5))]),
    "Geometric": (lambda D, p: D.Geometric(p), [dict(p=A(0.2, 0.7)), dict(p=A(0.5, 0.4))]),
    "HalfNormal": (lambda D, s: D.HalfNormal(s), [dict(s=A(1.0, 2.0)), dict(s=A(0.5, 1.5))]),
    "Laplace": (lambda D, l, s: D.Laplace(l, s),
        [dict(l=A(0.1, -1.0), s=A(1.0, 2.0)), dict(l=A(1.0, 0.5), s=A(0.5, 1.5))]),
    "LowRankMultivariateNormal": (lambda D, l, w, d: D.LowRankMultivariateNormal(l, w, d),
                                  [dict(l=A(0.1, -1.0, 2.0), w=r.standard_normal((3, 2)), d=A(0.5, 1.0, 2.0)),
                                   dict(l=A(1.0, 0.0, 0.5), w=r.standard_normal((3, 1)), d=A(1.5, 0.7, 1.0))]),
    "MultivariateNormal": (lambda D, l, c: D.MultivariateNormal(l, covariance_matrix=c),
                           [dict(l=A(0.1, -1.0, 2.0), c=COV), dict(l=A(1.0, 0.0, 0.5), c=COV + np.eye(3))]),
    "Normal": (lambda D, l, s: D.Normal(l, s),
        [dict(l=A(0.1, -1.0), s=A(1.0, 2.0)), dict(l=A(1.0, 0.5), s=A(0.5, 1.5))]),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(p),
        [dict(p=A(0.2, 0.3, 0.5)), dict(p=A(0.6, 0.1, 0.3))]),
    "Pareto": (lambda D, s, a: D.Pareto(s, a),
        [dict(s=A(1.0, 2.0), a=A(2.5, 3.5)), dict(s=A(0.5, 1.5), a=A(1.5, 3.0))]),
    "Poisson": (lambda D, r: D.Poisson(r), [dict(r=A(0.5, 2.0)), dict(r=A(1.5, 0.7))]),
    "Uniform": (lambda D, lo, hi: D.Uniform(lo, hi),
        [dict(lo=A(0.2, 0.1), hi=A(0.6, 0.9)), dict(lo=A(0.0, -0.5), hi=A(1.0, 1.5))]),
    "TransformedDistribution": (lambda D, l, s: D.LogNormal(l, s), [dict(l=A(0.1, -1.0), s=A(1.0, 2.0)),
                                                                    dict(l=A(1.0, 0.5), s=A(0.5, 1.5))]),
    "Independent": (lambda D, l, s: D.Independent(D.Normal(l, s), 1), [dict(l=A(0.1, -1.0), s=A(1.0, 2.0)),
                                                                      dict(l=A(1.0, 0.5), s=A(0.5, 1.5))]),
    "ExponentialFamily": (lambda D, df: D.Wishart(df, covariance_matrix=ember.tensor(COV) if D is ember.distributions
                                                  else torch.tensor(COV)),
                          [dict(df=A(4.0, 5.0)), dict(df=A(6.0, 3.5))]),
}


def _pairs():
    return sorted((p.__name__, q.__name__) for p, q in torch.distributions.kl._KL_REGISTRY)


def test_same_registered_pairs():
    from ember.distributions import kl
    assert sorted((p.__name__, q.__name__) for p, q in kl._KL_REGISTRY) == _pairs()


@pytest.mark.parametrize("pair", _pairs(), ids=["-".join(p) for p in _pairs()])
def test_kl_pair(pair):
    (mp, pp), (mq, pq) = FACTORIES[pair[0]], FACTORIES[pair[1]]
    ep, epar = build(ember, mp, pp[0])
    tp, tpar = build(torch, mp, pp[0])
    eq, eqpar = build(ember, mq, pq[-1])
    tq, tqpar = build(torch, mq, pq[-1])
    tk = None
    try:
        tk = torch.distributions.kl_divergence(tp, tq)
    except Exception as exc:   # noqa: BLE001
        with pytest.raises(type(exc)):
            ember.distributions.kl_divergence(ep, eq)
        return
    ek = ember.distributions.kl_divergence(ep, eq)
    same(ek, tk, 1e-6)
    if np.all(np.isfinite(tk.detach().numpy())):
        # gradients reach both p's and q's parameters
        grads(ek, tk, {**{"p" + k: v for k, v in epar.items()}, **{"q" + k: v for k, v in eqpar.items()}},
              {**{"p" + k: v for k, v in tpar.items()}, **{"q" + k: v for k, v in tqpar.items()}}, 1e-5)


def test_unregistered_pair_raises():
    D = ember.distributions
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.VonMises(0.0, 1.0), D.Normal(0.0, 1.0))


def test_register_kl_and_dispatch():
    D = ember.distributions

    class MyNormal(D.Normal):
        pass

    e = D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))   # falls back to (Normal, Normal)
    assert abs(e.item() - 0.5) < 1e-6

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return ember.tensor(42.0)

    try:
        assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == 42.0
    finally:
        del D.kl._KL_REGISTRY[MyNormal, D.Normal]
        D.kl._KL_MEMOIZE.clear()


def test_kl_docstring_lists_pairs():
    assert "Normal` and :class:`~ember.distributions.Normal" in ember.distributions.kl_divergence.__doc__


@pytest.mark.parametrize("name", ["Normal", "Gamma", "Beta", "Exponential", "Poisson", "Bernoulli", "Dirichlet"])
def test_exponential_family_bregman_entropy(name):
    # the base-class entropy (Bregman divergence of the log normalizer) against torch's
    make, params = FACTORIES[name]
    e, _ = build(ember, make, params[0])
    t, _ = build(torch, make, params[0])
    same(outcome(lambda: ember.distributions.ExponentialFamily.entropy(e)),
         outcome(lambda: torch.distributions.ExponentialFamily.entropy(t)), 1e-6)
