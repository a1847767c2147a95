"""Samplers of the gamma family, Poisson and binomial, drawing PyTorch's CPU stream.

Each follows PyTorch's CPU kernel element by element (its serial loop, its double-precision
uniform and normal draws, its rejection steps), so after ``manual_seed`` the draws equal
torch's. ``_standard_gamma`` is differentiable by implicit reparameterization
(``_standard_gamma_grad``); ``_dirichlet_grad`` gives the same for a Beta marginal.
"""
import math

import numpy as np

from .. import _dtype as D
from .. import _random
from .._tensor import _wrap
from ._apply import Op, apply
from .special import igamma, igammac, lgamma

__all__ = ["_standard_gamma", "_standard_gamma_grad", "_sample_dirichlet", "_dirichlet_grad",
           "poisson", "binomial"]


def _uniform(g):
    return float(_random._unit(g, 1, np.float64)[0])


def _normal(g):
    return float(_random.normal((), np.float64, generator=g))


_F32_THIRD = float(np.float32(1.0) / np.float32(3.0))
_F32_0331 = float(np.float32(0.0331))


def _gamma_one(alpha, g, f32):
    """One Marsaglia-Tsang draw of Gamma(alpha, 1), as PyTorch's ``sample_gamma``."""
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        inv = float(np.float32(1.0) / np.float32(alpha)) if f32 else 1.0 / alpha
        scale *= (1.0 - _uniform(g)) ** inv
        alpha = float(np.float32(alpha) + np.float32(1.0)) if f32 else alpha + 1.0
    d = float(np.float32(alpha) - np.float32(_F32_THIRD)) if f32 else alpha - _F32_THIRD
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        while True:
            x = _normal(g)
            y = 1.0 + c * x
            if y > 0:
                break
        v = y * y * y
        u = 1.0 - _uniform(g)
        xx = x * x
        if u < 1.0 - _F32_0331 * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def _gamma_array(a, generator, f32):
    g = _random.gen(generator)
    flat = a.reshape(-1).tolist()
    return np.array([_gamma_one(al, g, f32) for al in flat], np.float64).reshape(a.shape)


def _float_only(a, kernel, tname):
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{tname}'")


def _igamma_grad_alpha(a, x):
    """d x / d alpha at fixed P(alpha, x): -(dP/dalpha) / density, in float64."""
    a = a.astype(np.float64)
    x = x.astype(np.float64)
    h = 1e-5 * np.maximum(a, 1.0)
    upper = x > a                     # difference the smaller tail: no cancellation
    ta, tx = _wrap(a + h), _wrap(x)
    tb = _wrap(np.maximum(a - h, a * 0.5))
    hl = a - tb._data
    fp = np.where(upper, -igammac(ta, tx)._data, igamma(ta, tx)._data)
    fm = np.where(upper, -igammac(tb, tx)._data, igamma(tb, tx)._data)
    dP = (fp - fm) / (h + hl)
    with np.errstate(all="ignore"):
        logpdf = (a - 1) * np.log(x) - x - lgamma(_wrap(a))._data
        out = -dP / np.exp(logpdf)
    return np.where(x > 0, out, 0.0)


class StandardGamma(Op):
    name = "StandardGammaBackward0"
    saves = (0, "out")

    def forward(self, a, generator=None):
        out = _gamma_array(a, generator, a.dtype != np.float64).astype(a.dtype)
        out = np.maximum(out, np.finfo(a.dtype).tiny).astype(a.dtype, copy=False)
        self.a, self.out = a, out
        return out

    def backward(self, g):
        return g * _igamma_grad_alpha(self.a, self.out).astype(g.dtype)


def _standard_gamma(input, generator=None):
    """Draws of Gamma(``input``, 1), differentiable in ``input`` (implicit reparameterization).

    Example:
        >>> ember._standard_gamma(ember.tensor([0.5, 2.0]))
        tensor([0.0008, 0.6315])
    """
    _float_only(input._data, "gamma_cpu", D.scalar_type_name(input.dtype))
    return apply(StandardGamma, input, generator=generator)


def _standard_gamma_grad(self, output):
    """``d output / d self`` for ``output = _standard_gamma(self)``."""
    return _wrap(_igamma_grad_alpha(self._data, output._data).astype(self._data.dtype))


def _sample_dirichlet(input, generator=None):
    """Draws of Dirichlet(``input``) over the last dim: normalised double-precision gammas."""
    a = input._data
    _float_only(a, "dirichlet", D.scalar_type_name(input.dtype))
    gam = np.maximum(_gamma_array(a.astype(np.float64), generator, False), np.finfo(np.float64).tiny)
    ret = (gam / gam.sum(-1, keepdims=True)).astype(a.dtype)
    top = np.nextafter(a.dtype.type(1), a.dtype.type(0))
    return _wrap(np.clip(ret, np.finfo(a.dtype).tiny, top))


def _betacf(a, b, x, iters=300):
    """Continued fraction of the regularized incomplete beta (modified Lentz), vectorised."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, iters + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1.0) < 1e-15):
            break
    return h


def _lbeta(a, b):
    lg = np.vectorize(math.lgamma, otypes=[np.float64])
    return lg(a) + lg(b) - lg(a + b)


def _betainc_lower(a, b, x, flip):
    """I_x(a, b), or its complement 1 - I_x(a, b) = I_{1-x}(b, a) where ``flip``."""
    aa, bb, xx = np.where(flip, b, a), np.where(flip, a, b), np.where(flip, 1 - x, x)
    front = np.exp(aa * np.log(xx) + bb * np.log1p(-xx) - _lbeta(aa, bb)) / aa
    return front * _betacf(aa, bb, xx)


def _dirichlet_grad(x, alpha, total):
    """The Dirichlet reparameterization's factor for coordinate ``x ~ Beta(alpha, beta)``,
    ``beta = total - alpha``: ``(d x / d alpha at fixed beta) / (1 - x)``, where
    ``d x / d alpha = -(d/dalpha I_x(alpha, beta)) / pdf(x)`` (computed to ~1e-8).
    ``Dirichlet.rsample``'s backward is ``grad * (g - (x * g).sum(-1))``."""
    xa, a = x._data.astype(np.float64), alpha._data.astype(np.float64)
    b = total._data.astype(np.float64) - a
    xa, a, b = np.broadcast_arrays(xa, a, b)
    flip = xa > (a + 1.0) / (a + b + 2.0)   # the continued fraction converges fast this side
    h = 1e-5 * np.maximum(a, 1.0)
    lo = np.maximum(a - h, a * 0.5)
    with np.errstate(all="ignore"):
        fp = _betainc_lower(a + h, b, xa, flip)
        fm = _betainc_lower(lo, b, xa, flip)
        dI = np.where(flip, -(fp - fm), fp - fm) / (a + h - lo)
        logpdf = (a - 1) * np.log(xa) + (b - 1) * np.log1p(-xa) - _lbeta(a, b)
        out = -dI / np.exp(logpdf) / (1.0 - xa)
    return _wrap(out.astype(x._data.dtype))


# ---- Poisson and binomial, as PyTorch's CPU kernels ---------------------------------------

def _poisson_one(lam, g):
    if lam >= 10:   # transformed rejection (Hoermann, 1993)
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            U = _uniform(g) - 0.5
            V = _uniform(g)
            us = 0.5 - abs(U)
            k = math.floor((2 * a / us + b) * U + lam + 0.43)
            if us >= 0.07 and V <= vr:
                return k
            if k < 0 or (us < 0.013 and V > us):
                continue
            if (math.log(V) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam, X, prod = math.exp(-lam), 0, 1.0   # multiply uniforms until below exp(-lambda)
    while True:
        prod *= _uniform(g)
        if prod > enlam:
            X += 1
        else:
            return X


def poisson(input, generator=None):
    """Draws of Poisson(rate = ``input``), elementwise, in ``input``'s dtype.

    Example:
        >>> poisson(ember.tensor([1.0, 20.0]))
        tensor([ 2., 28.])
    """
    a = input._data
    _float_only(a, "poisson_cpu", D.scalar_type_name(input.dtype))
    if (a < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    g = _random.gen(generator)
    out = [_poisson_one(v, g) for v in a.astype(np.float64).reshape(-1).tolist()]
    return _wrap(np.array(out, np.float64).astype(a.dtype).reshape(a.shape))


_STIRLING_TAIL = (0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
                  0.02079067210376509, 0.0166446911898211, 0.01387612882307075,
                  0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
                  0.008330563433362871)


def _stirling_tail(k):
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _btrs(n, p, g):
    """Transformed rejection with squeeze (Hoermann, 1993) for n * p >= 10."""
    stddev = math.sqrt(n * p * (1 - p))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1 - p)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor((n + 1) * p)
    while True:
        U = _uniform(g) - 0.5
        V = _uniform(g)
        us = 0.5 - abs(U)
        k = math.floor((2 * a / us + b) * U + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and V <= v_r:
            return k
        V = math.log(V * alpha / (a / (us * us) + b))
        upper = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
                 + (n + 1) * math.log((n - m + 1) / (n - k + 1))
                 + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(n - m) - _stirling_tail(k) - _stirling_tail(n - k))
        if V <= upper:
            return k


def _inversion(n, p, g):
    geom_sum, num_geom = 0.0, 0
    logprob = math.log1p(-p)
    while True:
        geom_sum += math.ceil(math.log(_uniform(g)) / logprob)
        if geom_sum > n:
            return num_geom
        num_geom += 1


def _binomial_one(n, p, g):
    if n <= 0.0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return n
    if p <= 0.5:
        return _btrs(n, p, g) if n * p >= 10.0 else _inversion(n, p, g)
    if p > 0.5:
        q = 1.0 - p
        return n - (_btrs(n, q, g) if n * q >= 10.0 else _inversion(n, q, g))
    return math.nan


def binomial(count, prob, generator=None):
    """Draws of Binomial(``count``, ``prob``), elementwise, in ``count``'s dtype.

    Example:
        >>> binomial(ember.tensor([10.0, 50.0]), ember.tensor([0.3, 0.6]))
        tensor([ 6., 32.])
    """
    c, p = count._data, prob._data
    _float_only(c, "binomial_cpu", D.scalar_type_name(count.dtype))
    c, p = np.broadcast_arrays(c, p)
    f32 = c.dtype != np.float64
    g = _random.gen(generator)
    cast = (lambda v: float(np.float32(v))) if f32 else float
    out = [_binomial_one(cast(n), cast(q), g) for n, q in zip(c.reshape(-1).tolist(), p.reshape(-1).tolist())]
    return _wrap(np.array(out, np.float64).astype(count._data.dtype).reshape(c.shape))

