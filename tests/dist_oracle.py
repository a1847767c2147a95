"""Compare an ember distribution with torch's on the same parameters (used by test_distributions_*).

A case is ``(name, make, params, points)``: ``make(D, **tensors)`` builds the distribution from
the module ``D`` (ember.distributions or torch.distributions); ``params`` maps names to arrays
(float arrays become leaf tensors requiring grad) or plain numbers; ``points`` are values in
the support at which ``log_prob`` (and ``cdf``) are compared.
"""
import numpy as np
import pytest
import torch
from oracle import assert_close, to_np

import ember

PROPS = ("mean", "mode", "variance", "stddev")


def build(mod, make, params, grad=True):
    ts = {}
    for k, v in params.items():
        if isinstance(v, np.ndarray):
            t = (ember if mod is ember else torch).tensor(v)
            if grad and v.dtype.kind == "f":
                t.requires_grad_()
            ts[k] = t
        else:
            ts[k] = v
    D = ember.distributions if mod is ember else torch.distributions
    return make(D, **ts), ts


def both(make, params, grad=True):
    (e, ep), (t, tp) = build(ember, make, params, grad), build(torch, make, params, grad)
    return e, t, ep, tp


def outcome(fn):
    """``fn()``'s value, or the exception class it raised."""
    try:
        return fn()
    except Exception as exc:   # noqa: BLE001  (the class is what we compare)
        return type(exc)


def same(e, t, rtol=1e-6, atol=1e-6):
    if isinstance(t, type):
        assert e is t or (isinstance(e, type) and issubclass(e, t)), f"ember {e} vs torch raised {t.__name__}"
        return
    assert not isinstance(e, type), f"ember raised {e.__name__}, torch returned {t}"
    assert_close(e, t, rtol=rtol, atol=atol)


def grads(e_out, t_out, ep, tp, rtol=1e-5, atol=1e-6):
    """Backpropagate the same cotangent through both outputs; compare the parameters' grads."""
    if not t_out.requires_grad:
        assert not e_out.requires_grad
        return
    w = np.random.RandomState(0).standard_normal(tuple(t_out.shape))
    tgs = torch.autograd.grad((t_out * torch.tensor(w, dtype=t_out.dtype)).sum(),
                              [v for v in tp.values() if isinstance(v, torch.Tensor) and v.requires_grad],
                              allow_unused=True, retain_graph=True)
    egs = ember.autograd.grad((e_out * ember.tensor(w, dtype=e_out.dtype)).sum(),
                              [v for v in ep.values() if isinstance(v, ember.Tensor) and v.requires_grad],
                              allow_unused=True, retain_graph=True)
    for eg, tg in zip(egs, tgs):
        if tg is None:
            assert eg is None or not np.any(to_np(eg))
        else:
            assert eg is not None
            np.testing.assert_allclose(to_np(eg), to_np(tg), rtol=rtol, atol=atol)


def check_case(make, params, points, rtol=1e-6, grad_rtol=1e-5):
    """Shapes, repr, support, log_prob (values and gradients), cdf, icdf, entropy, moments,
    perplexity, expand, sample shapes and (discrete) enumerate_support."""
    e, t, ep, tp = both(make, params)
    assert tuple(e.batch_shape) == tuple(t.batch_shape)
    assert tuple(e.event_shape) == tuple(t.event_shape)
    assert e.has_rsample == t.has_rsample
    assert e.has_enumerate_support == t.has_enumerate_support
    assert repr(outcome(lambda: e.support)) == repr(outcome(lambda: t.support))
    x = np.asarray(points)
    ex, tx = ember.tensor(x), torch.tensor(x)
    lp_e, lp_t = e.log_prob(ex), t.log_prob(tx)
    same(lp_e, lp_t, rtol)
    grads(lp_e, lp_t, ep, tp, grad_rtol)
    for name in ("cdf",):
        same(outcome(lambda: getattr(e, name)(ex)), outcome(lambda: getattr(t, name)(tx)), rtol)
    tc = outcome(lambda: t.cdf(tx))
    if not isinstance(tc, type):
        q = np.clip(to_np(tc), 0.05, 0.95)
        same(outcome(lambda: e.icdf(ember.tensor(q))), outcome(lambda: t.icdf(torch.tensor(q))), rtol)
    for name in PROPS:
        same(outcome(lambda: getattr(e, name)), outcome(lambda: getattr(t, name)), rtol)
    for name in ("entropy", "perplexity"):
        eo, to = outcome(lambda: getattr(e, name)()), outcome(lambda: getattr(t, name)())
        same(eo, to, rtol)
        if name == "entropy" and not isinstance(to, type):
            grads(eo, to, ep, tp, grad_rtol)
    bs = (2,) + tuple(t.batch_shape)
    ee, te = e.expand(bs), t.expand(bs)
    assert type(ee) is type(e) and tuple(ee.batch_shape) == tuple(te.batch_shape)
    same(ee.log_prob(ex), te.log_prob(tx), rtol)
    with torch.no_grad():
        s_t = t.sample((3,))
    s_e = e.sample((3,))
    assert tuple(s_e.shape) == tuple(s_t.shape) and str(s_e.dtype) == str(s_t.dtype)
    assert not s_e.requires_grad
    if t.has_enumerate_support:
        for expand in (True, False):
            same(outcome(lambda: e.enumerate_support(expand)), outcome(lambda: t.enumerate_support(expand)))
    return e, t


def check_draws(make, params, rsample=True, seed=0, rtol=1e-6, grad_rtol=1e-5, shape=(4,)):
    """After the same ``manual_seed``, ember draws torch's numbers; rsample gradients match."""
    e, t, ep, tp = both(make, params)
    torch.manual_seed(seed)
    ember.manual_seed(seed)
    s_t = t.rsample(shape) if rsample else t.sample(shape)
    s_e = e.rsample(shape) if rsample else e.sample(shape)
    same(s_e, s_t, rtol)
    if rsample and grad_rtol is not None:
        grads(s_e, s_t, ep, tp, grad_rtol)
    if rsample:   # sample() (no gradient) draws the same numbers
        torch.manual_seed(seed + 1)
        ember.manual_seed(seed + 1)
        same(e.sample(shape), t.sample(shape), rtol)
    return s_e, s_t


def check_validation(make, params):
    """Invalid parameters raise the exception torch raises, naming the parameter."""
    te = outcome(lambda: build(torch, make, params, grad=False))
    ee = outcome(lambda: build(ember, make, params, grad=False))
    assert isinstance(te, type), "torch accepted the parameters"
    assert ee is te, f"ember: {ee}, torch: {te.__name__}"
    with pytest.raises(te) as ei:
        build(ember, make, params, grad=False)
    return str(ei.value)



def _raised(fn):
    try:
        fn()
    except Exception as exc:   # noqa: BLE001
        return exc
    return None


def check_nan_params(make, params, skip=()):
    """Each float parameter set to NaN in turn: ember raises what torch raises (ValueError
    naming the parameter, its shape and constraint: the first line of the message is compared)."""
    for k, v in params.items():
        if not (isinstance(v, np.ndarray) and v.dtype.kind == "f") or k in skip:
            continue
        bad = dict(params, **{k: np.full_like(v, np.nan)})
        te = _raised(lambda: build(torch, make, bad, grad=False))
        ee = _raised(lambda: build(ember, make, bad, grad=False))
        assert type(ee) is type(te), f"{k}: ember {ee!r}, torch {te!r}"
        if te is not None:
            assert str(ee).splitlines()[0] == str(te).splitlines()[0]
