"""``torch.special``'s remaining functions, on NumPy in float64 (cast back to the input's
dtype): the normal distribution (ndtr, log_ndtr, ndtri), erfcx, entr, xlog1py, zeta,
exponentially scaled and modified Bessel functions, Bessel functions of the first and
second kind, and the classical orthogonal polynomials (by their three-term recurrences).

Series are used where they converge without cancellation trouble, asymptotic (Hankel)
expansions for large arguments; float32 results agree with torch's to its rounding.
"""
import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _new_tensor, _wrap
from ._apply import FLOAT, Op, apply
from .special import _erfc_nr, _erfinv, _i1, _zeta
from .unary import _Unary

__all__ = ["airy_ai", "ndtr", "log_ndtr", "ndtri", "erfcx", "entr", "xlog1py", "zeta", "i0e", "i1", "i1e",
           "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
           "scaled_modified_bessel_k1", "spherical_bessel_j0", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
           "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "hermite_polynomial_h",
           "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p"]

_SQRT2 = math.sqrt(2.0)
_INV_SQRT2PI = 1.0 / math.sqrt(2.0 * math.pi)
_EULER = 0.5772156649015329


def _f64(fn):
    """Evaluate ``fn`` on a float64 copy; errors of NumPy's edge cases (inf, nan) silenced."""
    def run(a):
        with np.errstate(all="ignore"):
            return np.asarray(fn(a.astype(np.float64))).astype(a.dtype, copy=False)
    return run


def _erfcx64(x):
    """exp(x^2) erfc(x) without overflow for large x (the Chebyshev fit carries exp(-x^2))."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    p = 0.17087277
    for c in (-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418,
              0.37409196, 1.00002368, -1.26551223):
        p = c + t * p
    pos = t * np.exp(p)
    if x.dtype == np.float64:   # full precision where exp(x^2) * erfc(x) is representable
        small = z < 26.0
        exact = np.exp(np.where(small, z * z, 0)) * np.asarray(
            np.frompyfunc(math.erfc, 1, 1)(np.where(small, z, 0)), np.float64)
        pos = np.where(small, exact, pos)
        big = z >= 26.0   # asymptotic series: 1/(z sqrt(pi)) (1 - 1/(2z^2) + 3/(4z^4) - ...)
        zz = np.where(big, z, 1.0)
        asym = (1 - 1 / (2 * zz * zz) + 3 / (4 * zz ** 4) - 15 / (8 * zz ** 6)) / (zz * math.sqrt(math.pi))
        pos = np.where(big, asym, pos)
    return np.where(x < 0, 2 * np.exp(x * x) - pos, pos)


def _ndtr64(x):
    z = np.abs(x) / _SQRT2
    if x.dtype == np.float64:
        e = np.asarray(np.frompyfunc(math.erfc, 1, 1)(z), np.float64) if z.size else z
    else:
        e = _erfc_nr(z)
    half = 0.5 * e
    return np.where(x < 0, half, 1 - half)


def _log_ndtr64(x):
    # log(ndtr(x)); for x < -1 from erfcx (no underflow): ndtr(x) = erfcx(-x/sqrt2) exp(-x^2/2) / 2
    neg = x < -1
    xn = np.where(neg, x, -2.0)
    tail = np.log(_erfcx64(-xn / _SQRT2) / 2) - xn * xn / 2
    return np.where(neg, tail, np.log1p(-_ndtr64(-np.where(neg, 0, x))))


class Ndtr(_Unary):
    name = "SpecialNdtrBackward0"
    f = staticmethod(_f64(_ndtr64))

    def backward(self, g):
        a = self.a.astype(np.float64)
        return g * (_INV_SQRT2PI * np.exp(-a * a / 2)).astype(g.dtype)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * ((-a * a / 2).exp() * _INV_SQRT2PI)


class LogNdtr(_Unary):
    name = "SpecialLogNdtrBackward0"
    f = staticmethod(_f64(_log_ndtr64))

    def backward(self, g):
        a = self.a.astype(np.float64)
        with np.errstate(all="ignore"):
            r = _INV_SQRT2PI * np.exp(-a * a / 2 - _log_ndtr64(a))
        return g * r.astype(g.dtype)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * ((-a * a / 2 - log_ndtr(a)).exp() * _INV_SQRT2PI)


def _ndtri64(p):
    with np.errstate(all="ignore"):
        x = _SQRT2 * _erfinv(2 * p - 1)
        for _ in range(2):   # Newton on ndtr, in the tails where erfinv(2p - 1) loses digits
            x = x - (_ndtr64(x) - p) / (_INV_SQRT2PI * np.exp(-x * x / 2))
    x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
    return np.where((p < 0) | (p > 1), np.nan, x)


class Ndtri(_Unary):
    name = "SpecialNdtriBackward0"
    f = staticmethod(_f64(_ndtri64))

    def backward(self, g):
        x = _ndtri64(self.a.astype(np.float64))
        return g * (np.exp(x * x / 2) / _INV_SQRT2PI).astype(g.dtype)

    def backward_ops(self, g):
        x = ndtri(self.saved_input(0, self.a))
        return g * ((x * x / 2).exp() / _INV_SQRT2PI)


class Erfcx(_Unary):
    name = "SpecialErfcxBackward0"
    f = staticmethod(_f64(_erfcx64))

    def backward(self, g):
        a = self.a.astype(np.float64)
        with np.errstate(all="ignore"):
            return g * (2 * a * _erfcx64(a) - 2 / math.sqrt(math.pi)).astype(g.dtype)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * (2 * a * erfcx(a) - 2 / math.sqrt(math.pi))


class Entr(_Unary):
    name = "SpecialEntrBackward0"
    f = staticmethod(_f64(lambda x: np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)),
                                             np.where(x == 0, 0.0, np.where(x < 0, -np.inf, x)))))

    def backward(self, g):
        with np.errstate(all="ignore"):
            return g * (-(np.log(self.a) + 1)).astype(g.dtype)

    def backward_ops(self, g):
        return g * -(self.saved_input(0, self.a).log() + 1)


class Xlog1py(Op):
    name = "SpecialXlog1PyBackward0"
    promote = FLOAT
    saves = (0, 1)

    def forward(self, x, y):
        self.x, self.y = x, y
        with np.errstate(all="ignore"):
            out = x * np.log1p(y)
        return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)

    def backward(self, g):
        x, y = self.x, self.y
        with np.errstate(all="ignore"):
            gx = np.where((x == 0) & ~np.isnan(y), 0, g * np.log1p(y))
            gy = g * x / (1 + y)
        return gx, gy

    def backward_ops(self, g):
        from .indexing import where

        m = _wrap((self.x == 0) & ~np.isnan(self.y))
        x, y = self.saved_input(0, self.x), self.saved_input(1, self.y)
        return where(m, g.new_zeros(()), g * y.log1p()), g * x / (1 + y)


class Zeta(Op):
    name = "SpecialZetaBackward0"
    promote = FLOAT
    saves = (0, 1)

    def forward(self, s, q):
        self.s, self.q = s, q
        dt = np.result_type(s, q)
        with np.errstate(all="ignore"):
            s64 = np.asarray(s, np.float64)
            z = np.asarray(_zeta(s64, np.asarray(q, np.float64)))
        return np.where(s64 < 1, np.nan, z).astype(dt)   # Cephes' domain, as torch: NaN below s = 1

    def backward(self, g):
        raise RuntimeError("the derivative for 'special_zeta' is not implemented.")


# ---- Bessel functions ---------------------------------------------------------------------------

def _series(x2, terms, n):
    """sum_k terms(k) for k < n (terms returns the k-th term from the previous one)."""
    t = np.ones_like(x2)
    s = t.copy()
    for k in range(1, n):
        t = terms(t, k)
        s = s + t
    return s


def _nterms(x):
    m = float(np.nanmax(np.abs(x))) if x.size else 0.0
    m = min(m if np.isfinite(m) else 0.0, 60.0)
    return int(m + 10 * math.sqrt(m) + 25)


def _hankel(nu, x):
    """J and Y of order nu for large x from the Hankel asymptotic expansion."""
    mu = 4.0 * nu * nu
    z8 = 8.0 * x
    P, Q = np.ones_like(x), (mu - 1) / z8
    tP, tQ = np.ones_like(x), (mu - 1) / z8
    for k in range(1, 12):
        tP = -tP * (mu - (4 * k - 3) ** 2) * (mu - (4 * k - 1) ** 2) / ((2 * k - 1) * (2 * k) * z8 * z8)
        tQ = -tQ * (mu - (4 * k - 1) ** 2) * (mu - (4 * k + 1) ** 2) / ((2 * k) * (2 * k + 1) * z8 * z8)
        P, Q = P + tP, Q + tQ
    w = x - (0.5 * nu + 0.25) * math.pi
    amp = np.sqrt(2.0 / (math.pi * x))
    return amp * (P * np.cos(w) - Q * np.sin(w)), amp * (P * np.sin(w) + Q * np.cos(w))


_BIG = 20.0


def _j0_64(x):
    x = np.abs(x)
    small = x < _BIG
    xs = np.where(small, x, 0.0)
    q = xs * xs / 4
    ser = _series(q, lambda t, k: -t * q / (k * k), _nterms(xs) + 10)
    xb = np.where(small, _BIG, x)
    return np.where(small, ser, _hankel(0, xb)[0])


def _j1_64(x):
    sgn = np.sign(x)
    x = np.abs(x)
    small = x < _BIG
    xs = np.where(small, x, 0.0)
    q = xs * xs / 4
    ser = xs / 2 * _series(q, lambda t, k: -t * q / (k * (k + 1)), _nterms(xs) + 10)
    xb = np.where(small, _BIG, x)
    return sgn * np.where(small, ser, _hankel(1, xb)[0])


def _y0_64(x):
    small = x < _BIG
    xs = np.where(small & (x > 0), x, 1.0)
    q = xs * xs / 4
    n = _nterms(xs) + 10
    t, s, H = np.ones_like(q), np.zeros_like(q), 0.0
    for k in range(1, n):
        t = -t * q / (k * k)
        H += 1.0 / k
        s = s - t * H
    ser = (2 / math.pi) * ((np.log(xs / 2) + _EULER) * _j0_64(xs) + s)
    xb = np.where(small, _BIG, x)
    out = np.where(small, ser, _hankel(0, xb)[1])
    return np.where(x == 0, -np.inf, np.where(x < 0, np.nan, out))


def _y1_64(x):
    small = x < _BIG
    xs = np.where(small & (x > 0), x, 1.0)
    h = xs / 2
    q = h * h
    n = _nterms(xs) + 10
    t = h.copy()                      # (-1)^k (x/2)^(2k+1) / (k! (k+1)!)
    Hk, Hk1 = 0.0, 1.0                # H_k, H_{k+1}
    s = t * (-2 * _EULER + Hk + Hk1)  # psi(k+1) + psi(k+2) = -2 gamma + H_k + H_{k+1}
    for k in range(1, n):
        t = -t * q / (k * (k + 1))
        Hk, Hk1 = Hk + 1.0 / k, Hk1 + 1.0 / (k + 1)
        s = s + t * (-2 * _EULER + Hk + Hk1)
    ser = -2 / (math.pi * xs) + (2 / math.pi) * np.log(h) * _j1_64(xs) - s / math.pi
    xb = np.where(small, _BIG, x)
    out = np.where(small, ser, _hankel(1, xb)[1])
    return np.where(x == 0, -np.inf, np.where(x < 0, np.nan, out))


_AI_C1, _AI_C2 = 0.355028053887817239, 0.258819403792806798


def _airy_u(n):
    u = [1.0]
    for k in range(1, n):
        u.append(u[-1] * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k))
    return u


def _airy_ai_64(x):
    """Ai(x): Maclaurin series for -8 <= x <= 6, asymptotic expansions beyond."""
    mid = (x >= -8) & (x <= 6)
    xm = np.where(mid, x, 0.0)
    x3 = xm ** 3
    f, g = np.ones_like(xm), xm.copy()
    tf, tg = np.ones_like(xm), xm.copy()
    for k in range(1, 80):   # f: x^3k 1*4*...(3k-2)/(3k)!, g: x^(3k+1) 2*5*...(3k-1)/(3k+1)!
        tf = tf * x3 / ((3 * k - 1) * (3 * k))
        tg = tg * x3 / ((3 * k) * (3 * k + 1))
        f, g = f + tf, g + tg
    out = _AI_C1 * f - _AI_C2 * g
    u = _airy_u(24)
    xp = np.where(x > 6, x, 7.0)                   # decaying side
    z = 2.0 / 3.0 * xp ** 1.5
    ser = sum((-1) ** k * u[k] / z ** k for k in range(12))
    out = np.where(x > 6, np.exp(-z) / (2 * math.sqrt(math.pi) * xp ** 0.25) * ser, out)
    xn = np.where(x < -8, -x, 9.0)                 # oscillating side
    z = 2.0 / 3.0 * xn ** 1.5
    p = sum((-1) ** k * u[2 * k] / z ** (2 * k) for k in range(10))
    q = sum((-1) ** k * u[2 * k + 1] / z ** (2 * k + 1) for k in range(10))
    th = z + math.pi / 4
    out = np.where(x < -8, (np.sin(th) * p - np.cos(th) * q) / (math.sqrt(math.pi) * xn ** 0.25), out)
    return np.where(np.isnan(x), np.nan, np.where(x == np.inf, 0.0, out))


def _i0_64(x):
    return np.i0(x)


def _i0e_64(x):
    z = np.abs(x)
    small = z < 700
    out = np.exp(-np.where(small, z, 0)) * np.i0(np.where(small, z, 0))
    zb = np.where(small, 700.0, z)
    asym = (1 + 1 / (8 * zb) + 9 / (128 * zb * zb)) / np.sqrt(2 * math.pi * zb)
    return np.where(small, out, asym)


def _i1e_64(x):
    z = np.abs(x)
    small = z < 700
    zs = np.where(small, z, 0)
    out = np.sign(x) * np.exp(-zs) * _i1(zs)
    zb = np.where(small, 700.0, z)
    asym = np.sign(x) * (1 - 3 / (8 * zb) - 15 / (128 * zb * zb)) / np.sqrt(2 * math.pi * zb)
    return np.where(small, out, asym)


def _k_asym(nu, x):
    """sqrt(pi / 2x) (1 + (mu-1)/8x + (mu-1)(mu-9)/(2! (8x)^2) + ...): e^x K_nu(x), large x."""
    mu = 4.0 * nu * nu
    t, s = np.ones_like(x), np.ones_like(x)
    for k in range(1, 16):
        t = t * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        s = s + t
    return np.sqrt(math.pi / (2 * x)) * s


_KBIG = 9.0


def _k0e_64(x):
    small = x < _KBIG
    xs = np.where(small & (x > 0), x, 1.0)
    q = xs * xs / 4
    t, s, H = np.ones_like(q), np.zeros_like(q), 0.0
    for k in range(1, _nterms(xs) + 10):
        t = t * q / (k * k)
        H += 1.0 / k
        s = s + t * H
    ser = (-(np.log(xs / 2) + _EULER) * np.i0(xs) + s) * np.exp(xs)
    out = np.where(small, ser, _k_asym(0, np.where(small, _KBIG, x)))
    return np.where(x == 0, np.inf, np.where(x < 0, np.nan, out))


def _k1e_64(x):
    small = x < _KBIG
    xs = np.where(small & (x > 0), x, 1.0)
    h = xs / 2
    q = h * h
    t = h.copy()
    Hk, Hk1 = 0.0, 1.0
    s = t * (-2 * _EULER + Hk + Hk1)
    for k in range(1, _nterms(xs) + 10):
        t = t * q / (k * (k + 1))
        Hk, Hk1 = Hk + 1.0 / k, Hk1 + 1.0 / (k + 1)
        s = s + t * (-2 * _EULER + Hk + Hk1)
    # K1(x) = 1/x + ln(x/2) I1(x) - (1/2) sum (x/2)^(2k+1) (psi(k+1) + psi(k+2)) / (k! (k+1)!)
    ser = (1 / xs + np.log(h) * _i1(xs) - s / 2) * np.exp(xs)
    out = np.where(small, ser, _k_asym(1, np.where(small, _KBIG, x)))
    return np.where(x == 0, np.inf, np.where(x < 0, np.nan, out))


def _valued(fn):
    """A forward-only special function (torch gives these no derivative)."""
    cls = type(fn.__name__, (Op,), {
        "name": f"Special{fn.__name__}Backward0", "promote": FLOAT,
        "forward": lambda self, a: _f64(fn)(a),
        "backward": lambda self, g: (_ for _ in ()).throw(
            RuntimeError(f"the derivative for '{fn.__name__}' is not implemented."))})
    return cls


class I0e(_Unary):
    name = "SpecialI0EBackward0"
    f = staticmethod(_f64(_i0e_64))

    def backward(self, g):
        a = self.a.astype(np.float64)
        return g * (_i1e_64(a) - np.sign(a) * _i0e_64(a)).astype(g.dtype)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * (i1e(a) - a.sign() * i0e(a))


class I1(_Unary):
    name = "SpecialI1Backward0"
    f = staticmethod(_f64(_i1))

    def backward(self, g):
        a = self.a.astype(np.float64)
        with np.errstate(all="ignore"):
            d = np.where(a == 0, 0.5, np.i0(a) - _i1(a) / np.where(a == 0, 1, a))
        return g * d.astype(g.dtype)

    def backward_ops(self, g):
        from .special import i0

        zero = _wrap((self.a == 0).astype(self.a.dtype))
        a = self.saved_input(0, self.a) + zero   # 1 where a == 0: the derivative there is 1/2
        return g * ((i0(a) - i1(a) / a) * (1 - zero) + zero * 0.5)


class I1e(_Unary):
    name = "SpecialI1EBackward0"
    f = staticmethod(_f64(_i1e_64))

    def backward(self, g):
        a = self.a.astype(np.float64)
        with np.errstate(all="ignore"):
            d = np.where(a == 0, 0.5, _i0e_64(a) - _i1e_64(a) * (np.sign(a) + 1 / np.where(a == 0, 1, a)))
        return g * d.astype(g.dtype)

    def backward_ops(self, g):
        zero = _wrap((self.a == 0).astype(self.a.dtype))
        a0 = self.saved_input(0, self.a)
        a = a0 + zero   # 1 where a == 0: the derivative there is 1/2
        return g * ((i0e(a) - i1e(a) * (a0.sign() + 1 / a)) * (1 - zero) + zero * 0.5)


_J0, _J1, _Y0, _Y1 = (_valued(f) for f in (_j0_64, _j1_64, _y0_64, _y1_64))
_K0, _K1 = _valued(lambda x: _k0e_64(x) * np.exp(-x)), _valued(lambda x: _k1e_64(x) * np.exp(-x))
_K0e, _K1e = _valued(_k0e_64), _valued(_k1e_64)
_MI0, _MI1 = _valued(_i0_64), _valued(_i1)
_AIRY = _valued(_airy_ai_64)
_SJ0 = _valued(lambda x: np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1, x)))


def _t(x):
    return x if isinstance(x, Tensor) else _new_tensor(x)


def _unary_fn(cls, name, doc):
    def f(input, *, out=None):
        return apply(cls, _t(input))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


ndtr = _unary_fn(Ndtr, "ndtr", "The standard normal CDF, ``(1 + erf(x / sqrt(2))) / 2``.")
log_ndtr = _unary_fn(LogNdtr, "log_ndtr", "``log(ndtr(x))``, accurate far into the left tail.")
ndtri = _unary_fn(Ndtri, "ndtri", "The inverse of :func:`ndtr` (the standard normal quantile).")
erfcx = _unary_fn(Erfcx, "erfcx", "The scaled complementary error function ``exp(x^2) erfc(x)``.")
entr = _unary_fn(Entr, "entr", "Elementwise entropy ``-x log(x)`` (0 at 0, -inf below).")
i0e = _unary_fn(I0e, "i0e", "``exp(-|x|) I0(x)``.")
i1 = _unary_fn(I1, "i1", "The modified Bessel function of the first kind, order 1.")
i1e = _unary_fn(I1e, "i1e", "``exp(-|x|) I1(x)``.")
bessel_j0 = _unary_fn(_J0, "bessel_j0", "Bessel function of the first kind, order 0.")
bessel_j1 = _unary_fn(_J1, "bessel_j1", "Bessel function of the first kind, order 1.")
bessel_y0 = _unary_fn(_Y0, "bessel_y0", "Bessel function of the second kind, order 0.")
bessel_y1 = _unary_fn(_Y1, "bessel_y1", "Bessel function of the second kind, order 1.")
modified_bessel_i0 = _unary_fn(_MI0, "modified_bessel_i0", "Modified Bessel function I0.")
modified_bessel_i1 = _unary_fn(_MI1, "modified_bessel_i1", "Modified Bessel function I1.")
modified_bessel_k0 = _unary_fn(_K0, "modified_bessel_k0", "Modified Bessel function K0.")
modified_bessel_k1 = _unary_fn(_K1, "modified_bessel_k1", "Modified Bessel function K1.")
scaled_modified_bessel_k0 = _unary_fn(_K0e, "scaled_modified_bessel_k0", "``exp(x) K0(x)``.")
scaled_modified_bessel_k1 = _unary_fn(_K1e, "scaled_modified_bessel_k1", "``exp(x) K1(x)``.")
airy_ai = _unary_fn(_AIRY, "airy_ai", "The Airy function Ai.")
spherical_bessel_j0 = _unary_fn(_SJ0, "spherical_bessel_j0", "``sin(x) / x`` (1 at 0).")


def xlog1py(input, other, *, out=None):
    """``input * log1p(other)``, 0 where input is 0 (unless other is NaN)."""
    return apply(Xlog1py, input, other)


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function ``sum_k (k + other) ** -input``."""
    return apply(Zeta, input, other)


# ---- orthogonal polynomials (three-term recurrences; no derivative, as torch) ----------------

def _recur(first, step):
    """p_n(x) from p_0 = 1, p_1 = first(x), p_{k+1} = step(k, x, p_k, p_{k-1}); 0 for n < 0."""
    def evaluate(x, n):
        n = np.broadcast_to(n, np.broadcast_shapes(x.shape, np.shape(n))).astype(np.int64)
        x = np.broadcast_to(x, n.shape)
        top = int(n.max()) if n.size else 0
        prev, cur = np.ones_like(x), first(x)
        out = np.where(n == 0, prev, np.where(n == 1, cur, 0.0))
        for k in range(1, top):
            prev, cur = cur, step(k, x, cur, prev)
            out = np.where(n == k + 1, cur, out)
        return out
    return evaluate


_POLYS = {
    "chebyshev_polynomial_t": _recur(lambda x: x, lambda k, x, p, q: 2 * x * p - q),
    "chebyshev_polynomial_u": _recur(lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - q),
    "chebyshev_polynomial_v": _recur(lambda x: 2 * x - 1, lambda k, x, p, q: 2 * x * p - q),
    "chebyshev_polynomial_w": _recur(lambda x: 2 * x + 1, lambda k, x, p, q: 2 * x * p - q),
    "hermite_polynomial_h": _recur(lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - 2 * k * q),
    "hermite_polynomial_he": _recur(lambda x: x, lambda k, x, p, q: x * p - k * q),
    "laguerre_polynomial_l": _recur(lambda x: 1 - x, lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)),
    "legendre_polynomial_p": _recur(lambda x: x, lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1)),
}


class _Poly(Op):
    promote = FLOAT

    def forward(self, x, n, kind, shifted):
        dt = np.result_type(x, n) if isinstance(n, np.ndarray) else x.dtype
        xx = np.asarray(x, np.float64)
        if shifted:
            xx = 2 * xx - 1
        with np.errstate(all="ignore"):
            out = _POLYS[kind](xx, np.nan_to_num(np.asarray(n, np.float64)))
        return np.asarray(out).astype(dt)

    def backward(self, g):
        raise RuntimeError("the derivative for this orthogonal polynomial is not implemented.")


def _poly_fn(kind, shifted=False):
    name = ("shifted_" if shifted else "") + kind

    def f(input, n, *, out=None):
        x = _t(input)
        if not isinstance(n, Tensor):
            n = _new_tensor(n, dtype=x.dtype if x.dtype.category >= D._FLOAT else None)
        return apply(_Poly, x, n, kind=kind, shifted=shifted)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"The {'shifted ' if shifted else ''}{kind.replace('_', ' ')} of degree ``n`` at ``input``."
    return f


chebyshev_polynomial_t, chebyshev_polynomial_u = _poly_fn("chebyshev_polynomial_t"), _poly_fn("chebyshev_polynomial_u")
chebyshev_polynomial_v, chebyshev_polynomial_w = _poly_fn("chebyshev_polynomial_v"), _poly_fn("chebyshev_polynomial_w")
shifted_chebyshev_polynomial_t = _poly_fn("chebyshev_polynomial_t", True)
shifted_chebyshev_polynomial_u = _poly_fn("chebyshev_polynomial_u", True)
shifted_chebyshev_polynomial_v = _poly_fn("chebyshev_polynomial_v", True)
shifted_chebyshev_polynomial_w = _poly_fn("chebyshev_polynomial_w", True)
hermite_polynomial_h, hermite_polynomial_he = _poly_fn("hermite_polynomial_h"), _poly_fn("hermite_polynomial_he")
laguerre_polynomial_l, legendre_polynomial_p = _poly_fn("laguerre_polynomial_l"), _poly_fn("legendre_polynomial_p")
