"""Unary maths: exp, log, sqrt, trigonometric and hyperbolic functions, rounding, relu, ..."""

from __future__ import annotations

import math as _math

import numpy as np

from .. import _kernels
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import FLOAT, Op, apply, holomorphic, scaled_backward_ops
from ._pointwise import _KDTYPES, _KMIN, _c, _float_only, _inplace, _not_impl, _out, _parallel, _unary, _zeros

__all__ = ["exp", "log", "reciprocal", "square", "abs", "absolute", "sign", "sgn", "sqrt", "rsqrt",
           "exp2", "expm1", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos", "atan",
           "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan",
           "arcsinh", "arccosh", "arctanh", "sigmoid", "logit", "floor", "ceil", "round", "trunc",
           "fix", "frac", "nan_to_num", "relu", "deg2rad", "rad2deg", "abs_", "acos_", "acosh_",
           "asin_", "asinh_", "atan_", "atanh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_",
           "arctan_", "arctanh_", "ceil_", "cos_", "cosh_", "deg2rad_", "exp2_", "exp_", "expm1_",
           "fix_", "floor_", "frac_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_",
           "rad2deg_", "reciprocal_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinh_", "sqrt_",
           "square_", "tan_", "tanh_", "trunc_"]

_LN2 = _math.log(2.0)
_LN10 = _math.log(10.0)


@holomorphic
class Exp(Op):
    name = "ExpBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        self.y = np.exp(a)
        return self.y

    def backward(self, g):
        return g * self.y

    def backward_ops(self, g):
        return g * self.saved_output(self.y)


@holomorphic
class Log(Op):
    name = "LogBackward0"
    promote = FLOAT
    saves = (0,)

    def forward(self, a):
        self.a = a
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a)

    def backward(self, g):
        return g / self.a

    def backward_ops(self, g):
        return g / self.saved_input(0, self.a)

exp, exp_ = _unary(Exp, "exp")
log, log_ = _unary(Log, "log")


# ---- unary maths ---------------------------------------------------------------------

class _Unary(Op):
    """A float unary op ``y = f(a)``; subclasses give ``f`` and ``grad(g)``."""
    promote = FLOAT
    saves = (0,)

    def forward(self, a):
        self.a = a
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self.f(a)


@holomorphic
class Reciprocal(Op):
    name = "ReciprocalBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        with np.errstate(divide="ignore"):
            self.y = np.reciprocal(a)
        return self.y

    def backward(self, g):
        y = self.y
        return -g * (y * y)

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return -g * (y * y)


@holomorphic
class Square(Op):
    name = "PowBackward0"
    unsigned, kernel = False, "pow"
    saves = (0,)

    def forward(self, a):
        if a.dtype.kind == "b":
            a = a.astype(np.int64)
        self.a = a
        return a * a

    def backward(self, g):
        a = self.a
        return g * (a + a)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g * (a + a)


class Abs(Op):
    name = "AbsBackward0"
    unsigned, kernel = False, "abs_cpu"
    saves = (0,)

    def forward(self, a):
        if a.dtype.kind == "b":
            _not_impl(a, "abs_cpu")
        self.a = a
        return np.abs(a)

    def backward(self, g):
        return g * np.sign(self.a)

    def backward_ops(self, g):
        return g * _wrap(np.sign(self.a))


class Sign(Op):
    name = "SignBackward0"
    unsigned, kernel = False, "sign_cpu"

    def forward(self, a):
        if a.dtype.kind == "b":
            return a.copy()
        r = np.sign(a)
        if a.dtype.kind == "f":
            return np.where(r == r, r, 0)   # sign(nan) = 0, as PyTorch
        return r

    def backward(self, g):
        return _zeros(g)

    def backward_ops(self, g):
        return g * 0


class Sgn(Sign):
    """x / |x| (0 at 0); for complex inputs its gradient is (g - y Re(conj(y) g)) / |x|."""
    name = "SgnBackward0"
    saves = (0,)

    def forward(self, a):
        self.a = a
        return Sign.forward(self, a)

    def backward(self, g):
        a = self.a
        if a.dtype.kind != "c":
            return _zeros(g)
        r = np.abs(a)
        r1 = np.where(r == 0, 1, r).astype(r.dtype, copy=False)
        y = a / r1
        return np.where(r == 0, 0, (g - y * (y.conj() * g).real) / r1)

    def backward_ops(self, g):
        if self.a.dtype.kind != "c":
            return g * 0
        x = self.saved_input(0, self.a)
        nz = _wrap(self.a != 0)
        r = x.abs().where(nz, 1.0)
        y = x / r
        return ((g - y * (y.conj() * g).real) / r).where(nz, 0.0)


@holomorphic
class Sqrt(Op):
    name = "SqrtBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        with np.errstate(invalid="ignore"):
            self.y = np.sqrt(a)
        return self.y

    def backward(self, g):
        with np.errstate(divide="ignore"):
            return g / (self.y + self.y)

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return g / (y + y)


@holomorphic
class Rsqrt(Op):
    name = "RsqrtBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        with np.errstate(invalid="ignore", divide="ignore"):
            self.y = np.reciprocal(np.sqrt(a))
        return self.y

    def backward(self, g):
        y = self.y
        return g * (y * y * y) * _c(-0.5, y)

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return g * (y * y * y) * -0.5


@holomorphic
class Exp2(Op):
    name = "Exp2Backward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        with np.errstate(over="ignore"):
            self.y = np.exp2(a)
        return self.y

    def backward(self, g):
        return g * self.y * _c(_LN2, self.y)

    def backward_ops(self, g):
        return g * self.saved_output(self.y) * 0.6931471805599453   # ln 2


@holomorphic
class Expm1(Op):
    name = "Expm1Backward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        with np.errstate(over="ignore"):
            self.y = np.expm1(a)
        return self.y

    def backward(self, g):
        return g * (self.y + 1)

    def backward_ops(self, g):
        return g * (self.saved_output(self.y) + 1)


@holomorphic
class Log2(_Unary):
    name = "Log2Backward0"
    f = staticmethod(np.log2)

    def backward(self, g):
        return g / (self.a * _c(_LN2, self.a))

    def backward_ops(self, g):
        return g / (self.saved_input(0, self.a) * 0.6931471805599453)   # ln 2


def _log10(a):
    """NumPy's float32 log10 is an ulp off torch's for most inputs (log10(1000) is 3.0000002):
    half and single precision go through float64, which rounds as torch does."""
    if a.dtype == np.float32 or a.dtype == np.float16:
        return np.log10(a, dtype=np.float64).astype(a.dtype)
    return np.log10(a)


@holomorphic
class Log10(_Unary):
    name = "Log10Backward0"
    f = staticmethod(_log10)

    def backward(self, g):
        return g / (self.a * _c(_LN10, self.a))

    def backward_ops(self, g):
        return g / (self.saved_input(0, self.a) * 2.302585092994046)   # ln 10


@holomorphic
class Log1p(_Unary):
    name = "Log1PBackward0"
    f = staticmethod(np.log1p)

    def backward(self, g):
        return g / (self.a + 1)

    def backward_ops(self, g):
        return g / (self.saved_input(0, self.a) + 1)


@holomorphic
class Sin(_Unary):
    name = "SinBackward0"
    f = staticmethod(np.sin)

    def backward(self, g):
        return g * np.cos(self.a)

    def backward_ops(self, g):
        return g * self.saved_input(0, self.a).cos()


@holomorphic
class Cos(_Unary):
    name = "CosBackward0"
    f = staticmethod(np.cos)

    def backward(self, g):
        return -g * np.sin(self.a)

    def backward_ops(self, g):
        return -g * self.saved_input(0, self.a).sin()


@holomorphic
class Tan(Op):
    name = "TanBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        self.y = np.tan(a)
        return self.y

    def backward(self, g):
        y = self.y
        return g * (1 + y * y)

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return g * (1 + y * y)


@holomorphic
class Asin(_Unary):
    name = "AsinBackward0"
    f = staticmethod(np.arcsin)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.sqrt(1 - a * a)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g / (1 - a * a).sqrt()


@holomorphic
class Acos(_Unary):
    name = "AcosBackward0"
    f = staticmethod(np.arccos)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            return -g / np.sqrt(1 - a * a)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return -g / (1 - a * a).sqrt()


@holomorphic
class Atan(_Unary):
    name = "AtanBackward0"
    f = staticmethod(np.arctan)

    def backward(self, g):
        a = self.a
        return g / (1 + a * a)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g / (1 + a * a)


@holomorphic
class Sinh(_Unary):
    name = "SinhBackward0"
    f = staticmethod(np.sinh)

    def backward(self, g):
        return g * np.cosh(self.a)

    def backward_ops(self, g):
        return g * self.saved_input(0, self.a).cosh()


@holomorphic
class Cosh(_Unary):
    name = "CoshBackward0"
    f = staticmethod(np.cosh)

    def backward(self, g):
        return g * np.sinh(self.a)

    def backward_ops(self, g):
        return g * self.saved_input(0, self.a).sinh()


@holomorphic
class Tanh(Op):
    name = "TanhBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        self.y = np.tanh(a)
        return self.y

    def backward(self, g):
        y = self.y
        return g * (1 - y * y)

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return g * (1 - y * y)


@holomorphic
class Asinh(_Unary):
    name = "AsinhBackward0"
    f = staticmethod(np.arcsinh)

    def backward(self, g):
        a = self.a
        return g / np.sqrt(a * a + 1)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g / (a * a + 1).sqrt()


@holomorphic
class Acosh(_Unary):
    name = "AcoshBackward0"
    f = staticmethod(np.arccosh)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.sqrt((a - 1) * (a + 1))

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g / ((a - 1) * (a + 1)).sqrt()


@holomorphic
class Atanh(_Unary):
    name = "AtanhBackward0"
    f = staticmethod(np.arctanh)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore"):
            return g / (1 - a * a)

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return g / (1 - a * a)


@holomorphic
class Sigmoid(Op):
    name = "SigmoidBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        if a.dtype.kind == "c":  # no tails to guard: the plain formula, in complex
            self.y = 1 / (1 + np.exp(-a))
            return self.y
        # stable on both tails: e = exp(-|a|) never overflows
        e = np.exp(-np.abs(a))
        r = 1 / (1 + e)
        self.y = np.where(a >= 0, r, e * r)
        return self.y

    def backward(self, g):
        y = self.y
        return g * (y * (1 - y))

    def backward_ops(self, g):
        y = self.saved_output(self.y)
        return g * (y * (1 - y))


class Logit(Op):
    name = "LogitBackward0"
    promote = FLOAT
    saves = (0,)

    def forward(self, a, eps=None):
        self.a, self.eps = a, eps
        if eps is not None:
            a = np.clip(a, _c(eps, a), _c(1 - eps, a))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a / (1 - a))

    def backward(self, g):
        a, eps = self.a, self.eps
        with np.errstate(divide="ignore", invalid="ignore"):
            d = g / (a * (1 - a))
        if eps is None:
            return np.where((a < 0) | (a > 1), _c(_math.nan, d), d)
        return np.where((a < eps) | (a > 1 - eps), 0, d)

    def backward_ops(self, g):
        a, eps = self.a, self.eps
        x = self.saved_input(0, a)
        d = g / (x * (1 - x))
        if eps is None:
            return d.where(_wrap((a >= 0) & (a <= 1)), _math.nan)
        return d.where(_wrap((a >= eps) & (a <= 1 - eps)), 0.0)


class _Rounding(Op):
    """floor / ceil / trunc: identity on integers, zero gradient."""

    def forward(self, a):
        if a.dtype.kind in "iu":
            return a.copy()
        if a.dtype.kind == "b":
            _not_impl(a, self.kernel)
        return self.f(a)

    def backward(self, g):
        return _zeros(g)

    def backward_ops(self, g):
        return g * 0


class Floor(_Rounding):
    name = "FloorBackward0"
    kernel = "floor_cpu"
    f = staticmethod(np.floor)


class Ceil(_Rounding):
    name = "CeilBackward0"
    kernel = "ceil_vml_cpu"
    f = staticmethod(np.ceil)


class Trunc(_Rounding):
    name = "TruncBackward0"
    kernel = "trunc_vml_cpu"
    f = staticmethod(np.trunc)


class Round(_Rounding):
    name = "RoundBackward0"

    def forward(self, a, decimals=0):
        if decimals:
            if a.dtype.kind not in "fc":
                _not_impl(a, "round_cpu")
            name = "RoundBackward1"  # noqa: F841 (PyTorch's node name for decimals=)
            ten = _c(10.0 ** (decimals if decimals > 0 else -decimals), a)
            if decimals > 0:
                return np.round(a * ten) / ten
            return np.round(a / ten) * ten
        if a.dtype.kind in "iu":
            return a.copy()
        if a.dtype.kind == "b":
            _not_impl(a, "round_cpu")
        return np.round(a)     # half to even, as PyTorch


class Frac(Op):
    name = "FracBackward0"

    def forward(self, a):
        _float_only(a, "frac_cpu")
        return a - np.trunc(a)

    def backward(self, g):
        return g

    backward_ops = backward   # g times constants: the same formula runs on tensors


class NanToNum(Op):
    name = "NanToNumBackward0"
    saves = (0,)

    def forward(self, a, nan=0.0, posinf=None, neginf=None):
        self.a = a
        if a.dtype.kind not in "fc":
            return a.copy()
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, g):
        return np.where(np.isfinite(self.a), g, 0)

    backward_ops = scaled_backward_ops   # a mask




class Relu(Op):
    name = "ReluBackward0"
    unsigned, kernel = False, "clamp_min_scalar_cpu"
    saves = ("out",)

    def forward(self, a):
        if a.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        y = _parallel("relu_fwd", a)
        if y is not None:
            self.y = y
            return y
        if a.size >= 4096 and a.dtype.kind == "f":
            # maximum against a zero array is SIMD; against a scalar it is not (~2.5x slower)
            y = np.zeros_like(a)  # keeps a channels-last input's layout: one linear pass
            self.y = np.maximum(a, y, out=y)
        else:
            self.y = np.maximum(a, _c(0, a))
        return self.y

    def forward_(self, a):   # relu_: the compiled kernel writes into a itself
        kp = _kernels.load("pointwise") if a.size >= _KMIN and a.dtype in _KDTYPES else None
        fa = kp.flat(a) if kp is not None else None
        if fa is None:
            return self.forward(a)
        kp.relu_fwd(fa, fa)
        self.y = a
        return a

    def backward(self, g):
        y = self.y
        out = _parallel("relu_bwd", y, g)
        if out is not None:
            return out
        if y.size >= 4096 and g.dtype.kind == "f" and g.shape == y.shape:
            # float mask times g: branch-free, ~10x faster than np.where on mixed signs
            out = np.empty_like(y, dtype=g.dtype)
            np.logical_not(y <= 0, out=out)   # 1 where y > 0 or NaN: torch passes g through NaN
            with np.errstate(invalid="ignore"):
                np.multiply(g, out, out=out)
            flat = out.ravel(order="K")  # a view: out has y's (dense) layout
            if not np.isfinite(np.dot(flat, flat)):  # inf * 0 would give NaN where PyTorch gives 0
                # (a BLAS dot reads the cache-hot result at once; an overflow only costs the slow path)
                return np.where(y <= 0, 0, g)
            return out
        return np.where(y <= 0, 0, g)

    def backward_ops(self, g):
        return g.where(_wrap(self.y > 0), 0.0)


class Deg2Rad(Op):
    name = "Deg2RadBackward0"
    promote = FLOAT

    def forward(self, a):
        self.k = _c(_math.pi / 180.0, a)
        return a * self.k

    def backward(self, g):
        return g * self.k

    backward_ops = backward   # g times constants: the same formula runs on tensors


class Rad2Deg(Deg2Rad):
    name = "Rad2DegBackward0"

    def forward(self, a):
        self.k = _c(180.0 / _math.pi, a)
        return a * self.k


reciprocal, reciprocal_ = _unary(Reciprocal, "reciprocal")
square, square_ = _unary(Square, "square")
abs, abs_ = _unary(Abs, "abs")
tensor_method("__abs__")(abs)
sign, sign_ = _unary(Sign, "sign")
sgn, sgn_ = _unary(Sgn, "sgn")
sqrt, sqrt_ = _unary(Sqrt, "sqrt")
rsqrt, rsqrt_ = _unary(Rsqrt, "rsqrt")
exp2, exp2_ = _unary(Exp2, "exp2")
expm1, expm1_ = _unary(Expm1, "expm1")
log2, log2_ = _unary(Log2, "log2")
log10, log10_ = _unary(Log10, "log10")
log1p, log1p_ = _unary(Log1p, "log1p")
sin, sin_ = _unary(Sin, "sin")
cos, cos_ = _unary(Cos, "cos")
tan, tan_ = _unary(Tan, "tan")
asin, asin_ = _unary(Asin, "asin")
acos, acos_ = _unary(Acos, "acos")
atan, atan_ = _unary(Atan, "atan")
sinh, sinh_ = _unary(Sinh, "sinh")
cosh, cosh_ = _unary(Cosh, "cosh")
tanh, tanh_ = _unary(Tanh, "tanh")
asinh, asinh_ = _unary(Asinh, "asinh")
acosh, acosh_ = _unary(Acosh, "acosh")
atanh, atanh_ = _unary(Atanh, "atanh")
sigmoid, sigmoid_ = _unary(Sigmoid, "sigmoid")
floor, floor_ = _unary(Floor, "floor")
ceil, ceil_ = _unary(Ceil, "ceil")
trunc, trunc_ = _unary(Trunc, "trunc")
frac, frac_ = _unary(Frac, "frac")
relu, relu_ = _unary(Relu, "relu")
deg2rad, deg2rad_ = _unary(Deg2Rad, "deg2rad")
rad2deg, rad2deg_ = _unary(Rad2Deg, "rad2deg")
absolute = tensor_method("absolute")(abs)
absolute_ = tensor_method("absolute_")(abs_)
fix = tensor_method("fix")(trunc)
fix_ = tensor_method("fix_")(trunc_)
arcsin = tensor_method("arcsin")(asin)
arccos = tensor_method("arccos")(acos)
arctan = tensor_method("arctan")(atan)
arcsinh = tensor_method("arcsinh")(asinh)
arccosh = tensor_method("arccosh")(acosh)
arctanh = tensor_method("arctanh")(atanh)


@tensor_method()
def logit(input, eps=None, *, out=None) -> Tensor:
    """``log(p / (1 - p))``, with ``input`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    Example:
        >>> torch.logit(torch.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
    """
    return _out(apply(Logit, input, eps=eps), out)


@tensor_method()
def round(input, *, decimals=0, out=None) -> Tensor:
    """Rounds to the nearest integer (half to even), or to ``decimals`` decimal places.

    Example:
        >>> torch.round(torch.tensor([0.5, 1.5, 2.567]))
        tensor([0., 2., 3.])
        >>> torch.round(torch.tensor([2.567]), decimals=2)
        tensor([2.5700])
    """
    if decimals:
        return _out(apply(Round, input, decimals=decimals), out)
    return _out(apply(Round, input), out)


@tensor_method()
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None) -> Tensor:
    """Replaces NaN with ``nan``, +inf and -inf with ``posinf``/``neginf`` (the dtype's extremes by default).

    Example:
        >>> torch.nan_to_num(torch.tensor([float("nan"), float("inf"), 1.]), posinf=9.)
        tensor([0., 9., 1.])
    """
    return _out(apply(NanToNum, input, nan=nan, posinf=posinf, neginf=neginf), out)


@tensor_method()
def logit_(self, eps=None) -> Tensor:
    """In-place ``logit``.

    Example:
        >>> torch.tensor([0.5]).logit_()
        tensor([0.])
    """
    return _inplace(Logit, self, eps=eps)


@tensor_method()
def round_(self, *, decimals=0) -> Tensor:
    """In-place ``round``.

    Example:
        >>> torch.tensor([1.26]).round_(decimals=1)
        tensor([1.3000])
    """
    if decimals:
        return _inplace(Round, self, decimals=decimals)
    return _inplace(Round, self)


@tensor_method()
def nan_to_num_(self, nan=0.0, posinf=None, neginf=None) -> Tensor:
    """In-place ``nan_to_num``.

    Example:
        >>> torch.tensor([float("nan"), 2.]).nan_to_num_()
        tensor([0., 2.])
    """
    return _inplace(NanToNum, self, nan=nan, posinf=posinf, neginf=neginf)


arcsin_ = tensor_method("arcsin_")(asin_)
arccos_ = tensor_method("arccos_")(acos_)
arctan_ = tensor_method("arctan_")(atan_)
arcsinh_ = tensor_method("arcsinh_")(asinh_)
arccosh_ = tensor_method("arccosh_")(acosh_)
arctanh_ = tensor_method("arctanh_")(atanh_)
