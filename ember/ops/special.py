"""Special functions without scipy: erf, erfc, erfinv, lgamma, digamma, polygamma, mvlgamma,
igamma, sinc, i0 (series, continued fractions and asymptotic expansions); logaddexp,
heaviside, and the float-bit ops ldexp, frexp, nextafter."""

from __future__ import annotations

import math as _math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import FLOAT, SAME, Op, apply, apply_, holomorphic
from ._pointwise import _broadcast_error, _c, _guard, _inplace, _not_impl, _out, _unary
from .arithmetic import mul
from .unary import _Unary

__all__ = ["erf", "erfc", "erfinv", "logaddexp", "logaddexp2", "heaviside", "ldexp", "ldexp_",
           "frexp", "nextafter", "lgamma", "digamma", "polygamma", "mvlgamma", "sinc", "sinc_",
           "i0", "i0_", "igamma", "igammac", "erf_", "erfc_"]

_2_SQRTPI = 2.0 / _math.sqrt(_math.pi)
_SQRTPI_2 = _math.sqrt(_math.pi) / 2.0


# ---- erf, erfc, erfinv -------------------------------------------------------------------

# erf without scipy. float64: math.erf/erfc elementwise (correctly rounded-ish, ~1e-16).
# Other floats: erf by _erf32 below (float16/bfloat16 through float32); erfc by Numerical
# Recipes' Chebyshev fit (relative error < 1.2e-7 for all x >= 0), computed in float64, and
# for |x| < 0.5 by 1 - erf's Taylor series. Accurate to float32 rounding.
_verf = np.frompyfunc(_math.erf, 1, 1)
_verfc = np.frompyfunc(_math.erfc, 1, 1)


def _erfc_nr(z):
    """erfc(z) for z >= 0 (float64 array), relative error < 1.2e-7."""
    t = 1.0 / (1.0 + 0.5 * z)
    p = 0.17087277
    for c in (-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418,
              0.37409196, 1.00002368, -1.26551223):
        p = c + t * p
    return t * np.exp(-z * z + p)


def _erf_small(x):
    x2 = x * x
    term = x
    s = x
    for n in range(1, 10):
        term = -term * x2 / n
        s = s + term / (2 * n + 1)
    return s * _2_SQRTPI


# float32 erf in float32 arithmetic, within 1.3 ulp (the same formula in the numba kernels,
# ember._kernels.vmath.erf): for |x| < 0.9, x + x * P(x * x) (P's constant term is
# 2 / sqrt(pi) - 1, so the last addition keeps the final bit); else
# sign(x) * (1 - exp(Q(min(|x|, 4) - 0.9))) with Q ~ log(erfc) (erf rounds to 1 from 3.92).
# Coefficients: minimax fits in float64 (relative for P, absolute on erf for Q), rounded to float32.
_ERF32_T, _ERF32_HI = np.float32(0.9), np.float32(4.0)
_ERF32_P = tuple(np.float32(c) for c in (0.12837915, -0.37612525, 0.11282141, -0.026778908,
                                         0.0050119627, -0.0006090358))
_ERF32_Q = tuple(np.float32(c) for c in (-1.5940973, -2.4716332, -0.83002883, -0.045715302,
                                         0.010922504, -0.0019907416, 0.00019715905))
_CHUNK = 1 << 15   # elements per block: the passes over a block stay in cache


def _erf32(x):
    """erf of a float32 array (see above), block by block."""
    out = np.empty(x.shape, np.float32)
    xf, of = x.reshape(-1), out.reshape(-1)
    for i in range(0, xf.size, _CHUNK):
        v = xf[i:i + _CHUNK]
        u = v * v
        p = _ERF32_P[-1] * u
        for c in _ERF32_P[-2:0:-1]:
            p += c
            p *= u
        p += _ERF32_P[0]
        p *= v
        p += v                                             # |x| < 0.9
        w = np.abs(v)
        small = w < _ERF32_T
        np.minimum(w, _ERF32_HI, out=w)
        w -= _ERF32_T
        q = _ERF32_Q[-1] * w
        for c in _ERF32_Q[-2:0:-1]:
            q += c
            q *= w
        q += _ERF32_Q[0]
        np.exp(q, out=q)
        np.subtract(np.float32(1), q, out=q)
        np.copysign(q, v, out=q)                           # |x| >= 0.9 (NaN stays NaN)
        np.copyto(of[i:i + _CHUNK], np.where(small, p, q))
    return out


def _erf(a):
    if a.dtype == np.float64:
        return np.asarray(_verf(a), dtype=np.float64) if a.size else a.copy()
    return _erf32(a.astype(np.float32, copy=False)).astype(a.dtype, copy=False)


def _erfc(a):
    if a.dtype == np.float64:
        return np.asarray(_verfc(a), dtype=np.float64) if a.size else a.copy()
    x = a.astype(np.float64)
    z = np.abs(x)
    with np.errstate(over="ignore", under="ignore"):
        r = _erfc_nr(z)
    r = np.where(x < 0, 2.0 - r, r)
    r = np.where(z < 0.5, 1.0 - _erf_small(x), r)
    return r.astype(a.dtype)


def _erfinv(a):
    """Giles' single-precision approximation, then Newton steps on erf (in float64)."""
    y = a.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - y) * (1.0 + y))
        w1 = w - 2.5
        p1 = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p1 = c + p1 * w1
        w2 = np.sqrt(w) - 3.0
        p2 = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            p2 = c + p2 * w2
        x = np.where(w < 5.0, p1, p2) * y
        fin = np.isfinite(x)
        for _ in range(2):
            xs = np.where(fin, x, 0.0)
            err = (np.asarray(_verf(xs), dtype=np.float64) if xs.size else xs) - y
            x = np.where(fin, x - err / (_2_SQRTPI * np.exp(-xs * xs)), x)
        x = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, x))
        x = np.where(np.abs(y) > 1, np.nan, x)
    return x.astype(a.dtype)


class Erf(_Unary):
    name = "ErfBackward0"
    f = staticmethod(_erf)

    def backward(self, g):
        a = self.a
        return g * (np.exp(-a * a) * _c(_2_SQRTPI, a))

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * ((-a * a).exp() * 1.1283791670955126)   # 2 / sqrt(pi)


class Erfc(_Unary):
    name = "ErfcBackward0"
    f = staticmethod(_erfc)

    def backward(self, g):
        a = self.a
        return g * (np.exp(-a * a) * _c(-_2_SQRTPI, a))

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * ((-a * a).exp() * -_2_SQRTPI)


class Erfinv(Op):
    name = "ErfinvBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        self.y = _erfinv(a)
        return self.y

    def backward(self, g):
        y = self.y
        with np.errstate(over="ignore"):
            return g * (np.exp(y * y) * _c(_SQRTPI_2, y))

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return g * ((y * y).exp() * _SQRTPI_2)


erf, erf_ = _unary(Erf, "erf")
erfc, erfc_ = _unary(Erfc, "erfc")
erfinv, erfinv_ = _unary(Erfinv, "erfinv")


# ---- logaddexp, heaviside and the float-bit ops (ldexp, frexp, nextafter) -----------------

def _tensor_other(fname, other, arg="other"):
    if not isinstance(other, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


def _logaddexp_complex(a, b):
    """log(exp(a) + exp(b)) for complex numbers, as torch: the operand with the larger real
    part plus log1p(exp(difference)) (which fixes the imaginary part's branch)."""
    swap = np.real(a) < np.real(b)
    hi, lo = np.where(swap, b, a), np.where(swap, a, b)
    with np.errstate(over="ignore", invalid="ignore"):
        return hi + np.log1p(np.exp(lo - hi))


@holomorphic
@_guard
class LogAddExp(Op):
    name = "LogaddexpBackward0"
    promote = SAME
    saves = (0, 1, "out")
    ufunc = staticmethod(np.logaddexp)
    kernel = "logaddexp_cpu"
    scale = 1.0

    def forward(self, a, b):
        if a.dtype.kind not in "fc":
            _not_impl(a, self.kernel)
        self.a, self.b = a, b
        if np.result_type(a, b).kind == "c" and self.ufunc is np.logaddexp:
            self.y = _logaddexp_complex(a, b)
        else:
            self.y = self.ufunc(a, b)
        return self.y

    def backward(self, g):
        with np.errstate(over="ignore", invalid="ignore"):
            ga = g / (1 + self.ufunc_exp(self.b - self.a))
            gb = g / (1 + self.ufunc_exp(self.a - self.b))
        return ga, gb

    ufunc_exp = staticmethod(np.exp)

    def backward_ops(self, g):
        if self.ufunc is not np.logaddexp:
            return self.no_double_backward(g)
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
        return g * (b - a).sigmoid().neg().add(1), g * (b - a).sigmoid()


@_guard
class LogAddExp2(LogAddExp):
    name = "Logaddexp2Backward0"
    ufunc = staticmethod(np.logaddexp2)
    ufunc_exp = staticmethod(np.exp2)
    kernel = "logaddexp2_cpu"

    def backward_ops(self, g):
        d = (self.saved_input(1, self.b) - self.saved_input(0, self.a)) * _math.log(2.0)
        return g * (-d).sigmoid(), g * d.sigmoid()


@tensor_method()
def logaddexp(input, other, *, out=None) -> Tensor:
    """``log(exp(input) + exp(other))``, computed without overflow.

    Example:
        >>> torch.logaddexp(torch.tensor([0.]), torch.tensor([0.]))
        tensor([0.6931])
    """
    _tensor_other("logaddexp", other)
    return _out(apply(LogAddExp, input, other), out)


@tensor_method()
def logaddexp2(input, other, *, out=None) -> Tensor:
    """``log2(2**input + 2**other)``, computed without overflow.

    Example:
        >>> torch.logaddexp2(torch.tensor([1.]), torch.tensor([1.]))
        tensor([2.])
    """
    _tensor_other("logaddexp2", other)
    return _out(apply(LogAddExp2, input, other), out)


class Heaviside(Op):
    name = "HeavisideBackward0"   # not differentiable in PyTorch

    def forward(self, a, v):
        if a.dtype != v.dtype:
            raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
        try:
            return np.heaviside(a, v).astype(a.dtype, copy=False) if a.dtype.kind != "b" else \
                np.where(a, True, v) & np.ones(np.broadcast_shapes(a.shape, v.shape), bool)
        except ValueError:
            raise _broadcast_error(a, v) from None

    def backward(self, g):
        raise RuntimeError("the derivative for 'heaviside' is not implemented.")


@tensor_method()
def heaviside(input, values, *, out=None) -> Tensor:
    """The Heaviside step: 0 for negative ``input``, 1 for positive, ``values`` where ``input`` is 0.

    Example:
        >>> torch.heaviside(torch.tensor([-2., 0., 3.]), torch.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    D.refuse_unsigned(input, "heaviside_cpu")  # PyTorch has no uint16/32/64 kernel
    _tensor_other("heaviside", values, "values")
    return _out(apply(Heaviside, input, values), out)


@tensor_method()
def heaviside_(self, values) -> Tensor:
    """In-place ``heaviside``.

    Example:
        >>> torch.tensor([-2., 0., 3.]).heaviside_(torch.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    _tensor_other("heaviside_", values, "values")
    return apply_(Heaviside, self, values)


def _pow2(other):
    if isinstance(other, Tensor):
        return pow(2.0, other if other.is_floating_point() or other.is_complex() else other.to(D.get_default_dtype()))
    return 2.0 ** other


@tensor_method()
def ldexp(input, other, *, out=None) -> Tensor:
    """``input * 2 ** other``, composed as PyTorch does (so both inputs get gradients).

    Example:
        >>> torch.ldexp(torch.tensor([1., 3.]), torch.tensor([2, 1]))
        tensor([4., 6.])
    """
    return mul(input, _pow2(other), out=out)


@tensor_method()
def ldexp_(self, other) -> Tensor:
    """In-place ``ldexp``: ``self * 2 ** other``.

    Example:
        >>> torch.tensor([1., 3.]).ldexp_(torch.tensor([2, 1]))
        tensor([4., 6.])
    """
    return self.mul_(_pow2(other))


class Frexp(Op):
    name = "FrexpBackward0"
    nondiff = (1,)

    def forward(self, a):
        if a.dtype.kind != "f":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        m, ex = np.frexp(a)
        self.scale = np.ldexp(np.ones((), a.dtype), -ex)
        return m.astype(a.dtype, copy=False), ex.astype(np.int32)

    def backward(self, g, ge):
        return g * self.scale

    def backward_ops(self, g, ge):
        return g * _wrap(self.scale)


@tensor_method()
def frexp(input, *, out=None):
    """Splits ``input`` into mantissa in [0.5, 1) and integer exponent: ``input = mantissa * 2 ** exponent``.

    Example:
        >>> torch.frexp(torch.tensor([8., 3.]))
        torch.return_types.frexp(
        mantissa=tensor([0.5000, 0.7500]),
        exponent=tensor([4, 2], dtype=torch.int32))
    """
    from .reduction import return_types

    return return_types.frexp(*apply(Frexp, input))


class NextAfter(Op):
    name = "NextafterBackward0"
    promote = SAME

    def forward(self, a, b):
        if a.dtype.kind != "f":
            _not_impl(a, "nextafter_cpu")
        try:
            return np.nextafter(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):   # torch: the identity for input, zero for other
        return g, np.zeros_like(g)

    def backward_ops(self, g):
        return g, g.new_zeros(g.shape)


@tensor_method()
def nextafter(input, other, *, out=None) -> Tensor:
    """The next representable floating-point value after ``input`` towards ``other``.

    Example:
        >>> torch.nextafter(torch.tensor([1.0]), torch.tensor([2.0])) - 1
        tensor([1.1921e-07])
    """
    return _out(apply(NextAfter, input, other), out)


@tensor_method()
def nextafter_(self, other) -> Tensor:
    """In-place ``nextafter``.

    Example:
        >>> torch.tensor([0.]).nextafter_(torch.tensor([1.])) > 0
        tensor([True])
    """
    return apply_(NextAfter, self, other)


# ---- special functions (no scipy: math.lgamma, series and asymptotic expansions) ---------

_vlgamma = np.frompyfunc(_math.lgamma, 1, 1)


def _lgamma(a):
    x = a.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        pole = (x <= 0) & (x == np.floor(x))
        xs = np.where(pole | ~np.isfinite(x), 1.0, x)
        r = np.asarray(_vlgamma(xs), dtype=np.float64) if x.size else x.copy()
    r = np.where(pole | np.isinf(x), np.inf, np.where(np.isnan(x), np.nan, r))
    return r.astype(a.dtype, copy=False)


# Bernoulli numbers B2k / (2k) for digamma's asymptotic series, and B2k / (2k)! for zeta's.
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _digamma(a):
    """psi(x): reflection below 0, recurrence up to x >= 10, then the asymptotic series."""
    x = a.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        neg = x < 0
        refl = np.where(neg, _math.pi / np.tan(_math.pi * x), 0.0)
        z = np.where(neg, 1.0 - x, x)
        acc = np.zeros_like(z)
        for _ in range(10):
            small = z < 10
            if not small.any():
                break
            acc = acc - np.where(small, 1.0 / z, 0.0)
            z = np.where(small, z + 1.0, z)
        z2 = 1.0 / (z * z)
        s = 0.0
        for k in range(len(_B2K) - 1, -1, -1):
            s = s * z2 + _B2K[k] / (2 * k + 2)
        r = acc + np.log(z) - 0.5 / z - s * z2
        r = r - refl
        r = np.where(x == 0, np.where(np.signbit(x), np.inf, -np.inf), r)
        r = np.where(neg & (x == np.floor(x)), np.nan, r)
        r = np.where(np.isposinf(x), np.inf, r)
    return r.astype(a.dtype, copy=False)


def _zeta(s, q):
    """Hurwitz zeta(s, q) for integer s >= 2, by Euler-Maclaurin summation (Cephes' method)."""
    fin = q[np.isfinite(q)]
    n = 9 + int(max(0.0, np.ceil(-fin.min()))) if fin.size else 9
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        acc = np.zeros_like(q)
        for k in range(n):
            acc = acc + np.power(q + k, -s)
        w = q + n
        acc = acc + np.power(w, 1.0 - s) / (s - 1) + 0.5 * np.power(w, -s)
        fact, term = 1.0, s * np.power(w, -s - 1.0)
        for j in range(len(_B2K)):
            b2j = _B2K[j]
            fact *= (2 * j + 2) * (2 * j + 1) if j else 2
            acc = acc + b2j / fact * term
            term = term * (s + 2 * j + 1) * (s + 2 * j + 2) / (w * w)
        acc = np.where((q <= 0) & (q == np.floor(q)), np.inf, acc)
        acc = np.where(np.isneginf(q), np.nan, acc)
    return acc


def _polygamma(n, a):
    if n == 0:
        return _digamma(a)
    x = a.astype(np.float64)
    sign = 1.0 if n % 2 else -1.0
    r = sign * _math.factorial(n) * _zeta(float(n + 1), x)
    if n == 1:  # reflection keeps trigamma accurate for negative x
        with np.errstate(divide="ignore", invalid="ignore"):
            neg = x < 0
            refl = (_math.pi / np.sin(_math.pi * x)) ** 2 - _math.factorial(1) * _zeta(2.0, 1.0 - x)
            r = np.where(neg & (x != np.floor(x)), refl, r)
    return r.astype(a.dtype, copy=False)


class Lgamma(_Unary):
    name = "LgammaBackward0"
    f = staticmethod(_lgamma)

    def backward(self, g):
        return g * _digamma(self.a)

    def backward_ops(self, g):
        return g * digamma(self.saved_input(0, self.a))


class Digamma(_Unary):
    name = "DigammaBackward0"
    f = staticmethod(_digamma)

    def backward(self, g):
        return g * _polygamma(1, self.a)

    def backward_ops(self, g):
        return g * polygamma(1, self.saved_input(0, self.a))


class _OrderedSpecial(Op):
    """A special function of ``a`` with an integer order ``n`` (polygamma's n, mvlgamma's p);
    subclasses give ``check(n)``, ``value(n, a)`` and its derivative ``deriv(n, a)``."""
    promote = FLOAT
    saves = (0,)

    def forward(self, a, n):
        self.check(n)
        self.a, self.n = a, n
        return self.value(n, a)

    def backward(self, g):
        return g * self.deriv(self.n, self.a)

    def backward_ops(self, g):
        return g * self.deriv_ops(self.n, self.saved_input(0, self.a))


def _mvlgamma_terms(f, p, a):
    """``sum_i f(a - i/2)`` for i < p: the multivariate log-gamma's lgamma (or digamma) sum."""
    return f(a[..., None] + np.arange(p, dtype=a.dtype) * _c(-0.5, a)).sum(-1)


def _check_polygamma(n):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")


def _check_mvlgamma(p):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


class Polygamma(_OrderedSpecial):
    name = "PolygammaBackward0"
    check = staticmethod(_check_polygamma)
    value = staticmethod(_polygamma)
    deriv = staticmethod(lambda n, a: _polygamma(n + 1, a))
    deriv_ops = staticmethod(lambda n, a: polygamma(n + 1, a))


class Mvlgamma(_OrderedSpecial):
    name = "MvlgammaBackward0"
    check = staticmethod(_check_mvlgamma)
    value = staticmethod(lambda p, a: (_mvlgamma_terms(_lgamma, p, a) + _c(
        p * (p - 1) / 4 * _math.log(_math.pi), a)).astype(a.dtype, copy=False))
    deriv = staticmethod(lambda p, a: _mvlgamma_terms(_digamma, p, a))
    deriv_ops = staticmethod(lambda p, a: sum(digamma(a - i / 2) for i in range(p)))


lgamma, lgamma_ = _unary(Lgamma, "lgamma")
digamma, digamma_ = _unary(Digamma, "digamma")


def polygamma(n, input, *, out=None) -> Tensor:
    """The ``n``-th derivative of the digamma function.

    Example:
        >>> torch.polygamma(1, torch.tensor([1., 2.]))
        tensor([1.6449, 0.6449])
    """
    return _out(apply(Polygamma, input, n=n), out)


@tensor_method()
def polygamma_(self, n) -> Tensor:
    """In-place ``polygamma(n, self)``.

    Example:
        >>> torch.tensor([1.]).polygamma_(1)
        tensor([1.6449])
    """
    return _inplace(Polygamma, self, n=n)


@tensor_method()
def mvlgamma(input, p, *, out=None) -> Tensor:
    """The log of the multivariate gamma function of dimension ``p`` (``special.multigammaln``).

    Example:
        >>> torch.mvlgamma(torch.tensor([2.5]), 2)
        tensor([0.8570])
    """
    return _out(apply(Mvlgamma, input, n=p), out)


@tensor_method()
def mvlgamma_(self, p) -> Tensor:
    """In-place ``mvlgamma``.

    Example:
        >>> torch.tensor([2.5]).mvlgamma_(1)
        tensor([0.2847])
    """
    return _inplace(Mvlgamma, self, n=p)


def _igamma_pq(a, x):
    """Regularized incomplete gamma (P, Q) in float64: the series where x < a + 1, else the
    continued fraction (Lentz), as Numerical Recipes' gser / gcf; edge values as torch."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    with np.errstate(all="ignore"):
        ok = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
        aa, xx = np.where(ok, a, 1.0), np.where(ok, x, 1.0)
        pre = np.exp(-xx + aa * np.log(xx) - _lgamma(aa))
        ser = xx < aa + 1
        # series: P = pre * sum_n x^n / (a (a+1) ... (a+n))
        term = 1.0 / aa
        s = term.copy()
        ap = aa.copy()
        for _ in range(10000):
            ap = ap + 1
            term = term * xx / ap
            s = s + term
            if not (ser & (np.abs(term) > np.abs(s) * 1e-17)).any():
                break
        p_ser = s * pre
        # continued fraction: Q = pre * h
        tiny = 1e-300
        b = xx + 1 - aa
        c = np.full_like(b, 1 / tiny)
        d = 1 / np.where(b == 0, tiny, b)
        h = d.copy()
        for i in range(1, 10000):
            an = -i * (i - aa)
            b = b + 2
            d = an * d + b
            d = 1 / np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / np.where(np.abs(c) < tiny, tiny, c)
            step = d * c
            h = h * step
            if not (~ser & (np.abs(step - 1) > 1e-16)).any():
                break
        q_cf = pre * h
        p = np.where(ser, p_ser, 1 - q_cf)
        q = np.where(ser, 1 - p_ser, q_cf)
        # edges: x = 0 -> P = 0; a = 0 (x > 0) or x = inf -> P = 1; a = inf -> P = 0; else NaN
        edge_p = np.where(a < 0, np.nan, np.where(x < 0, np.nan, np.where(
            (a == 0) & (x == 0), np.nan, np.where(np.isposinf(a), np.where(np.isposinf(x), np.nan, 0.0),
                                                  np.where((a == 0) | np.isposinf(x), 1.0, 0.0)))))
        edge_p = np.where(np.isnan(a) | np.isnan(x), np.nan, edge_p)
        p = np.where(ok, p, edge_p)
        q = np.where(ok, q, 1 - edge_p)
    return p, q


@_guard
class Igamma(Op):
    """Regularized lower (``upper=False``) or upper incomplete gamma; differentiable in x only."""
    name = "IgammaBackward0"
    promote = SAME
    saves = (0, 1)
    upper = False

    def forward(self, a, x):
        for v in (a, x):
            if v.dtype.kind != "f":
                _not_impl(v, "igammac_cpu" if self.upper else "igamma_cpu")
        self.a, self.x = a, x
        p, q = _igamma_pq(a, x)
        return (q if self.upper else p).astype(np.result_type(a, x), copy=False)

    def backward(self, g):
        if self.next_functions[0][0] is not None:
            raise NotImplementedError(
                f"the derivative for '{'igammac' if self.upper else 'igamma'}: input' is not implemented.")
        a, x = self.a.astype(np.float64), self.x.astype(np.float64)
        with np.errstate(all="ignore"):
            d = np.exp(-x + (a - 1) * np.log(x) - _lgamma(a))
        d = (-d if self.upper else d).astype(g.dtype)
        return None, g * d


class Igammac(Igamma):
    name = "IgammacBackward0"
    upper = True


@tensor_method()
def igamma(input, other, *, out=None) -> Tensor:
    """The regularized lower incomplete gamma function P(``input``, ``other``) (``special.gammainc``).

    Example:
        >>> torch.igamma(torch.tensor([1.]), torch.tensor([1.]))
        tensor([0.6321])
    """
    _tensor_other("igamma", other)
    return _out(apply(Igamma, input, other), out)


@tensor_method()
def igammac(input, other, *, out=None) -> Tensor:
    """The regularized upper incomplete gamma function Q(``input``, ``other``) (``special.gammaincc``).

    Example:
        >>> torch.igammac(torch.tensor([1.]), torch.tensor([1.]))
        tensor([0.3679])
    """
    _tensor_other("igammac", other)
    return _out(apply(Igammac, input, other), out)


@tensor_method()
def igamma_(self, other) -> Tensor:
    """In-place ``igamma``.

    Example:
        >>> torch.tensor([1.]).igamma_(torch.tensor([1.]))
        tensor([0.6321])
    """
    return _inplace(Igamma, self, other)


@tensor_method()
def igammac_(self, other) -> Tensor:
    """In-place ``igammac``.

    Example:
        >>> torch.tensor([1.]).igammac_(torch.tensor([1.]))
        tensor([0.3679])
    """
    return _inplace(Igammac, self, other)


@holomorphic
class Sinc(_Unary):
    name = "SincBackward0"

    @staticmethod
    def f(a):
        return np.sinc(a).astype(a.dtype, copy=False)

    def backward(self, g):
        a = self.a
        px = a * _c(_math.pi, a)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = (np.cos(px) * px - np.sin(px)) / (px * a)
        return g * np.where(a == 0, 0, d)

    def backward_ops(self, g):
        zero = _wrap((self.a == 0).astype(self.a.dtype))
        a = self.saved_input(0, self.a) + zero   # 1 where a == 0, where the derivative is taken as 0
        px = a * _math.pi
        return g * ((px.cos() * px - px.sin()) / (px * a) * (1 - zero))


def _i1(x):
    """Modified Bessel function I1 (float64) by its power series (all terms positive)."""
    h = x / 2.0
    h2 = h * h
    m = float(np.nanmax(np.abs(x))) if x.size else 0.0
    m = m if np.isfinite(m) else 0.0
    term = h.copy()
    s = h.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(0.5 * m + 10 * _math.sqrt(m) + 30)):
            term = term * h2 / (k * (k + 1))
            s = s + term
    return s


class I0(_Unary):
    name = "I0Backward0"

    @staticmethod
    def f(a):
        return np.i0(a.astype(np.float64)).astype(a.dtype, copy=False) if a.size else a.copy()

    def backward(self, g):
        return g * _i1(self.a.astype(np.float64)).astype(g.dtype, copy=False)

    def backward_ops(self, g):
        from .special_fns import i1

        return g * i1(self.saved_input(0, self.a))


sinc, sinc_ = _unary(Sinc, "sinc")
i0, i0_ = _unary(I0, "i0")


@tensor_method("polygamma")
def _polygamma_m(self, n) -> Tensor:
    """``torch.polygamma(n, self)``.

    Example:
        >>> torch.tensor([1.]).polygamma(0)
        tensor([-0.5772])
    """
    return polygamma(n, self)
