"""Elementwise ops: arithmetic, unary maths, comparisons, logical and bitwise.

Forward and backward side by side on raw arrays; broadcasting gradients are
reduced to each input's shape by the backward walk (see ``_apply``).
"""
import numpy as np

from .._tensor import Tensor
from ._apply import Op, apply, apply_, SAME, FLOAT
from ..autograd import grad_mode as _gm


def _broadcast_error(*arrays):
    """PyTorch's message for shapes that do not broadcast."""
    acc = ()
    for x in arrays:
        if x is None:
            continue
        sb = np.shape(x)
        n = len(acc) if len(acc) > len(sb) else len(sb)
        pa, pb = (1,) * (n - len(acc)) + tuple(acc), (1,) * (n - len(sb)) + sb
        for i in range(n - 1, -1, -1):
            if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
                return RuntimeError(
                    f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                    f"at non-singleton dimension {i}")
        acc = tuple(pa[i] if pb[i] == 1 else pb[i] for i in range(n))
    return RuntimeError("shapes " + ", ".join(str(np.shape(x)) for x in arrays) +
                        " cannot be broadcast together")


def _guard(cls):
    """Class decorator: NumPy's broadcast ValueError -> PyTorch's RuntimeError."""
    fwd = cls.forward

    def forward(self, *args, **kw):
        try:
            return fwd(self, *args, **kw)
        except ValueError:
            raise _broadcast_error(*args) from None
    cls.forward = forward
    return cls


_IP = {}


def _inplace(cls, self, *args, **kw):
    """``apply_`` for ops whose backward reads their inputs: under grad mode the input
    array is copied first, so the in-place write does not clobber the saved value
    (PyTorch saves the original ``self`` the same way)."""
    if not (_gm.enabled and cls.saves and cls.saves != ("out",)):
        return apply_(cls, self, *args, **kw)
    c = _IP.get(cls)
    if c is None:
        fwd = cls.forward

        def forward(op, a, *rest, **k):
            a2 = a.copy()
            return fwd(op, a2, *(a2 if r is a else r for r in rest), **k)
        c = _IP[cls] = type(cls.__name__, (cls,), {"forward": forward, "name": cls.name})
    return apply_(c, self, *args, **kw)


# ---- wrapper factories: one per signature shape ------------------------------------------

def _named(f, name, doc):
    """Give a factory-made function its public name and a one-line docstring."""
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _unary(cls, name):
    """``name(input, *, out=None)`` and its in-place method ``name_(self)``."""
    def fn(input, *, out=None):
        return _out(apply(cls, input), out)

    def fn_(self):
        return _inplace(cls, self)
    return (_named(fn, name, f"Elementwise ``{name}`` of ``input``."),
            _named(fn_, name + "_", f"In-place :func:`{name}`."))


def _binary(cls, name):
    """``name(input, other, *, out=None)``: a broadcasting two-input op."""
    def fn(input, other, *, out=None):
        return _out(apply(cls, input, other), out)
    return _named(fn, name, f"Elementwise ``{name}`` of ``input`` and ``other`` (broadcasting).")


def _binary_(cls, name):
    """In-place method ``name(self, other)`` of a two-input op."""
    def fn_(self, other):
        return _inplace(cls, self, other)
    return _named(fn_, name, f"In-place :func:`{name[:-1]}`.")


__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
           "neg", "negative", "exp", "log"]


# ---- binary arithmetic --------------------------------------------------------------

class Add(Op):
    name = "AddBackward0"
    promote = SAME

    def forward(self, a, b, alpha=1):
        try:
            if alpha != 1:
                self.alpha = alpha
                return a + b * alpha
            return a + b
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        alpha = self.__dict__.get("alpha", 1)
        return g, (g * alpha if alpha != 1 else g)


class Sub(Op):
    name = "SubBackward0"
    promote = SAME

    def forward(self, a, b, alpha=1):
        if a.dtype == np.bool_:
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. "
                "Use the `^` or `logical_xor()` operator instead.")
        try:
            if alpha != 1:
                self.alpha = alpha
                return a - b * alpha
            return a - b
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        alpha = self.__dict__.get("alpha", 1)
        return g, -g * alpha


class RSub(Op):
    name = "RsubBackward1"
    promote = SAME

    def forward(self, a, b):
        return b - a

    def backward(self, g):
        return -g, g


class Mul(Op):
    name = "MulBackward0"
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        try:
            return a * b
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        return g * self.b, g * self.a


class Div(Op):
    name = "DivBackward0"
    promote = FLOAT
    saves = (0, 1)

    def forward(self, a, b, rounding_mode=None):
        if rounding_mode is not None:
            return _rounding_div(a, b, rounding_mode)
        self.a, self.b = a, b
        try:
            return a / b
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        b = self.b
        return g / b, -g * self.a / (b * b)


def _rounding_div(a, b, mode):
    if mode == "floor":
        return np.floor_divide(a, b)
    if mode == "trunc":
        q = np.true_divide(a, b)
        return np.trunc(q).astype(np.result_type(a, b)) if q.dtype.kind == "f" and np.result_type(a, b).kind != "f" else np.trunc(q)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")


class RDiv(Op):
    name = "DivBackward0"
    promote = FLOAT
    saves = (0,)

    def forward(self, a, b):
        self.a, self.b = a, b
        return b / a

    def backward(self, g):
        a = self.a
        return -g * self.b / (a * a), None


class Neg(Op):
    name = "NegBackward0"

    def forward(self, a):
        if a.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -a

    def backward(self, g):
        return -g


class Exp(Op):
    name = "ExpBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        self.y = np.exp(a)
        return self.y

    def backward(self, g):
        return g * self.y


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


# ---- public functions ----------------------------------------------------------------

def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and PyTorch's type promotion."""
    return _out(apply(Add, input, other, alpha=alpha) if alpha != 1 else apply(Add, input, other), out)


def sub(input, other, *, alpha=1, out=None):
    return _out(apply(Sub, input, other, alpha=alpha) if alpha != 1 else apply(Sub, input, other), out)


def mul(input, other, *, out=None):
    return _out(apply(Mul, input, other), out)


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _out(apply(Div, input, other), out)
    return _out(apply(Div, input, other, rounding_mode=rounding_mode), out)


neg, neg_ = _unary(Neg, "neg")
exp, exp_ = _unary(Exp, "exp")
log, log_ = _unary(Log, "log")
subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg


def _out(result, out):
    """Honour ``out=``: copy into the given tensor (no autograd through it, as PyTorch)."""
    if out is None:
        return result
    if out._rg and out.grad_fn is None:
        raise RuntimeError("out=... arguments don't support automatic differentiation, but one of the arguments requires grad.")
    if out._data.shape != result._data.shape:
        out._data = np.empty(result._data.shape, out._data.dtype)
    out._data[...] = result._data
    out._bump()
    return out


# ---- Tensor methods and operators ----------------------------------------------------

def _radd(self, other):
    return apply(Add, self, other)


def _rsub(self, other):
    return apply(RSub, self, other)


def _rdiv(self, other):
    return apply(RDiv, self, other)


def _iadd(self, other):
    return apply_(Add, self, other)


def _isub(self, other):
    return apply_(Sub, self, other)


def _imul(self, other):
    return _inplace(Mul, self, other)


def _idiv(self, other):
    return _inplace(Div, self, other)


def add_(self, other, *, alpha=1):
    return apply_(Add, self, other, alpha=alpha) if alpha != 1 else apply_(Add, self, other)


def sub_(self, other, *, alpha=1):
    return apply_(Sub, self, other, alpha=alpha) if alpha != 1 else apply_(Sub, self, other)


def mul_(self, other):
    return _inplace(Mul, self, other)


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _inplace(Div, self, other)
    return _inplace(Div, self, other, rounding_mode=rounding_mode)


Tensor.__add__ = Tensor.add = add
Tensor.__radd__ = _radd
Tensor.__iadd__ = _iadd
Tensor.add_ = add_
Tensor.__sub__ = Tensor.sub = Tensor.subtract = sub
Tensor.__rsub__ = _rsub
Tensor.__isub__ = _isub
Tensor.sub_ = sub_
Tensor.__mul__ = Tensor.mul = Tensor.multiply = mul
Tensor.__rmul__ = mul
Tensor.__imul__ = _imul
Tensor.mul_ = mul_
Tensor.__truediv__ = Tensor.div = Tensor.divide = Tensor.true_divide = div
Tensor.__rtruediv__ = _rdiv
Tensor.__itruediv__ = _idiv
Tensor.div_ = div_
Tensor.__neg__ = Tensor.neg = Tensor.negative = neg
Tensor.neg_ = neg_
Tensor.exp = exp
Tensor.exp_ = exp_
Tensor.log = log
Tensor.log_ = log_


# ======================================================================================
# The rest of the family: more arithmetic, unary maths, comparisons, logical/bitwise,
# in-place fillers. Same pattern: one Op class (forward + backward) per op.
# ======================================================================================

import math as _math

from .. import _dtype as D
from .._tensor import _wrap
from .. import _random
from ..autograd import grad_mode as _gm
from ._apply import _arrays, _type_name

__all__ += [
    "rsub", "floor_divide", "remainder", "fmod", "pow", "float_power", "reciprocal", "square",
    "abs", "absolute", "sign", "sgn", "sqrt", "rsqrt", "exp2", "expm1", "log2", "log10", "log1p",
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh",
    "acosh", "atanh", "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh", "arctanh",
    "sigmoid", "logit", "erf", "erfc", "erfinv", "lerp", "addcmul", "addcdiv", "hypot", "xlogy",
    "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin",
    "floor", "ceil", "round", "trunc", "fix", "frac", "nan_to_num", "relu", "copysign",
    "positive", "deg2rad", "rad2deg",
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "equal", "allclose", "isclose", "isnan", "isinf", "isfinite", "isposinf",
    "isneginf", "isreal", "signbit",
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
    "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    "logaddexp", "logaddexp2", "heaviside", "gcd", "gcd_", "lcm", "lcm_", "ldexp", "ldexp_",
    "frexp", "nextafter", "lgamma", "digamma", "polygamma", "mvlgamma", "sinc", "sinc_", "i0",
    "i0_", "real", "imag", "angle", "conj", "conj_physical", "conj_physical_", "resolve_conj",
    "resolve_neg", "polar", "igamma", "igammac",
    # in-place forms PyTorch also has at module level (ember.exp_(x) is x.exp_())
    "abs_", "acos_", "acosh_", "asin_", "asinh_", "atan_", "atanh_", "arccos_", "arccosh_",
    "arcsin_", "arcsinh_", "arctan_", "arctanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_",
    "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fix_",
    "floor_", "frac_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_",
    "negative_", "rad2deg_", "reciprocal_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinh_",
    "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_",
]

_LN2 = _math.log(2.0)
_LN10 = _math.log(10.0)
_2_SQRTPI = 2.0 / _math.sqrt(_math.pi)
_SQRTPI_2 = _math.sqrt(_math.pi) / 2.0


def _not_impl(a, kernel):
    """PyTorch's error for a dtype its CPU kernel does not cover."""
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(a.dtype)}'")


def _float_only(a, kernel):
    if a.dtype.kind not in "fc":
        _not_impl(a, kernel)


def _zeros(g):
    return np.zeros_like(g)


def _c(x, a):
    """A Python-number constant as an array scalar of ``a``'s dtype (no float64 upcast)."""
    return a.dtype.type(x)


def _int_zero_check(b):
    if isinstance(b, np.ndarray):
        if b.dtype.kind in "iub" and not b.all():
            raise RuntimeError("ZeroDivisionError")
    elif isinstance(b, (int, np.integer)) and b == 0:
        raise RuntimeError("ZeroDivisionError")


# ---- binary arithmetic (continued) ---------------------------------------------------

@_guard
class FloorDivide(Op):
    name = "FloorDivideBackward0"   # not differentiable in PyTorch (NotImplemented node)
    promote = SAME

    def forward(self, a, b):
        if np.result_type(a, b).kind in "iu":
            _int_zero_check(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.floor_divide(a, b)

    def backward(self, g):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented.")


class _Mod(Op):
    """a mod b (``ufunc``); d/db = -round_q(a / b) with the matching quotient rounding."""

    promote = SAME
    saves = (0, 1)

    def forward(self, a, b):
        if np.result_type(a, b).kind in "iu":
            _int_zero_check(b)
        self.a, self.b = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.ufunc(a, b)

    def backward(self, g):
        b = self.b
        if not isinstance(b, np.ndarray):
            return g, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return g, -g * self.quotient(self.a, b)


@_guard
class Remainder(_Mod):
    name = "RemainderBackward0"
    ufunc = staticmethod(np.remainder)
    quotient = staticmethod(np.floor_divide)


class _RIntOp(Op):
    """number (op) tensor for remainder / floor_divide: no gradient flows to the tensor."""

    promote = SAME

    def forward(self, a, s):
        if a.dtype.kind in "iu":
            _int_zero_check(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.ufunc(s, a)


class RRemainder(_RIntOp):            # number % tensor
    name = "RemainderBackward1"
    ufunc = staticmethod(np.remainder)

    def backward(self, g):
        return _zeros(g), None


class RFloorDivide(_RIntOp):          # number // tensor
    name = "FloorDivideBackward0"
    ufunc = staticmethod(np.floor_divide)

    def backward(self, g):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented.")


@_guard
class Fmod(_Mod):
    name = "FmodBackward0"
    ufunc = staticmethod(np.fmod)
    quotient = staticmethod(lambda a, b: np.trunc(a / b))


def _int_pow(a, b):
    """Integer power where negative exponents give PyTorch's values (1, +-1 or 0)."""
    neg = b < 0
    if not np.any(neg):
        return np.power(a, b)
    out = np.power(a, np.where(neg, 0, b))
    inv = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0)).astype(out.dtype)
    return np.where(neg, inv, out)


@_guard
class Pow(Op):
    """``a ** b``: tensor ** number and tensor ** tensor."""
    name = "PowBackward0"
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b):
        tb = isinstance(b, np.ndarray)
        kind = a.dtype.kind if not tb else np.result_type(a, b).kind
        if kind in "iub":
            if not tb:
                if b < 0:
                    raise RuntimeError("Integers to negative integer powers are not allowed.")
                if a.dtype.kind == "b":
                    return np.power(a.astype(np.int64), b)
                return np.power(a, b)
            return _int_pow(a, b)
        self.a, self.b = a, b
        if not tb:
            if b == 2:
                return a * a
            if b == 0.5:
                return np.sqrt(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.power(a, b)
        if tb:
            self.y = out
        return out

    def backward(self, g):
        a, b = self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            if not isinstance(b, np.ndarray):
                if b == 0:
                    return _zeros(g), None
                if b == 2:
                    return g * (a + a), None
                return g * (b * np.power(a, b - 1)), None
            ga = np.where(b == 0, 0, g * b * np.power(a, b - 1))
            gb = np.where((a == 0) & (b >= 0), 0, g * self.y * np.log(a))
        return ga, gb


class RPow(Op):
    """``number ** tensor``."""
    name = "PowBackward1"
    promote = SAME
    saves = ("out",)

    def forward(self, a, s):
        if a.dtype.kind in "iub":
            if a.dtype.kind == "b":
                a = a.astype(np.int64)
            return _int_pow(np.asarray(s, a.dtype), a)
        self.s = s
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            self.y = np.power(_c(s, a), a)
        return self.y

    def backward(self, g):
        s = self.s
        if s == 0:
            return np.where(False, g, 0).astype(g.dtype) * 0, None
        return g * self.y * _c(_math.log(s) if s > 0 else _math.nan, g), None


@_guard
class Atan2(Op):
    name = "Atan2Backward0"
    promote = FLOAT
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.arctan2(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        d = g / (a * a + b * b)
        return d * b, -d * a


@_guard
class Hypot(Op):
    name = "HypotBackward0"
    promote = SAME
    saves = (0, 1, "out")

    def forward(self, a, b):
        _float_only(np.asarray(a) if isinstance(a, np.ndarray) else np.asarray(b), "hypot_cpu")
        self.a, self.b = a, b
        self.y = np.hypot(a, b)
        return self.y

    def backward(self, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            d = g / self.y
        return d * self.a, (d * self.b if isinstance(self.b, np.ndarray) else None)


@_guard
class Xlogy(Op):
    name = "XlogyBackward0"
    promote = FLOAT
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(a == 0, 0, a * np.log(b))
            out = np.where(np.isnan(b), b, out) if isinstance(b, np.ndarray) or b != b else out
        dt = a.dtype if isinstance(a, np.ndarray) else b.dtype
        return out.astype(dt, copy=False)

    def backward(self, g):
        a, b = self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = g * np.where(a != 0, np.log(b), 0) if isinstance(a, np.ndarray) else None
            gb = g * a / b if isinstance(b, np.ndarray) else None
        return ga, gb


@_guard
class Copysign(Op):
    name = "CopysignBackward0"
    promote = FLOAT
    saves = (0,)

    def forward(self, a, b):
        self.y = np.copysign(a, b)
        self.a, self.tb = a, isinstance(b, np.ndarray)
        return self.y

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(a == 0, 0, self.y / a)
        return g * r, (_zeros(g) if self.tb else None)


@_guard
class Maximum(Op):
    name = "MaximumBackward0"
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.maximum(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        h = g * _c(0.5, g)
        ga = np.where(a > b, g, np.where(a == b, h, 0))
        gb = np.where(b > a, g, np.where(a == b, h, 0))
        return ga, gb


@_guard
class Minimum(Maximum):
    name = "MinimumBackward0"

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.minimum(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        h = g * _c(0.5, g)
        ga = np.where(a < b, g, np.where(a == b, h, 0))
        gb = np.where(b < a, g, np.where(a == b, h, 0))
        return ga, gb


@_guard
class Fmax(Op):
    name = "FmaxBackward0"
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.fmax(a, b)

    def backward(self, g):
        m = (self.a >= self.b) | np.isnan(self.b)
        return np.where(m, g, 0), np.where(m, 0, g)


@_guard
class Fmin(Fmax):
    name = "FminBackward0"

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.fmin(a, b)

    def backward(self, g):
        m = (self.a <= self.b) | np.isnan(self.b)
        return np.where(m, g, 0), np.where(m, 0, g)


@_guard
class Lerp(Op):
    name = "LerpBackward0"
    promote = SAME
    saves = (0, 1, 2)

    def forward(self, a, b, w):
        _float_only(a, "lerp_kernel_scalar" if not isinstance(w, np.ndarray) else "lerp_kernel_tensor")
        self.a, self.b, self.w = a, b, w
        d = b - a
        if isinstance(w, np.ndarray):
            return np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w))
        return a + w * d if -0.5 < w < 0.5 else b - d * (1 - w)

    def backward(self, g):
        w = self.w
        gw = g * (self.b - self.a) if isinstance(w, np.ndarray) else None
        return g * (1 - w), g * w, gw


@_guard
class Addcmul(Op):
    name = "AddcmulBackward0"
    promote = SAME
    saves = (1, 2)

    def forward(self, a, t1, t2, value=1):
        self.t1, self.t2, self.v = t1, t2, value
        p = t1 * t2
        return a + (p * value if value != 1 else p)

    def backward(self, g):
        v = self.v
        gv = g * v if v != 1 else g
        return g, gv * self.t2, gv * self.t1


@_guard
class Addcdiv(Op):
    name = "AddcdivBackward0"
    promote = SAME
    saves = (1, 2)

    def forward(self, a, t1, t2, value=1):
        if np.asarray(t1).dtype.kind in "iub" and np.asarray(t2).dtype.kind in "iub":
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future release "
                "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        self.t1, self.t2, self.v = t1, t2, value
        q = t1 / t2
        return a + (q * value if value != 1 else q)

    def backward(self, g):
        v, t2 = self.v, self.t2
        gv = g * v if v != 1 else g
        gq = gv / t2
        return g, gq, -gq * self.t1 / t2


# ---- unary maths ---------------------------------------------------------------------

class _Unary(Op):
    """A float unary op ``y = f(a)``; subclasses give ``f`` and ``grad(g)``."""
    promote = FLOAT
    saves = (0,)

    def forward(self, a):
        self.a = a
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self.f(a)


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


class Square(Op):
    name = "PowBackward0"
    saves = (0,)

    def forward(self, a):
        if a.dtype.kind == "b":
            a = a.astype(np.int64)
        self.a = a
        return a * a

    def backward(self, g):
        a = self.a
        return g * (a + a)


class Abs(Op):
    name = "AbsBackward0"
    saves = (0,)

    def forward(self, a):
        if a.dtype.kind == "b":
            _not_impl(a, "abs_cpu")
        self.a = a
        return np.abs(a)

    def backward(self, g):
        return g * np.sign(self.a)


class Sign(Op):
    name = "SignBackward0"

    def forward(self, a):
        if a.dtype.kind == "b":
            return a.copy()
        r = np.sign(a)
        if a.dtype.kind == "f":
            return np.where(r == r, r, 0)   # sign(nan) = 0, as PyTorch
        return r

    def backward(self, g):
        return _zeros(g)


class Sgn(Sign):
    name = "SgnBackward0"


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


class Log2(_Unary):
    name = "Log2Backward0"
    f = staticmethod(np.log2)

    def backward(self, g):
        return g / (self.a * _c(_LN2, self.a))


class Log10(_Unary):
    name = "Log10Backward0"
    f = staticmethod(np.log10)

    def backward(self, g):
        return g / (self.a * _c(_LN10, self.a))


class Log1p(_Unary):
    name = "Log1PBackward0"
    f = staticmethod(np.log1p)

    def backward(self, g):
        return g / (self.a + 1)


class Sin(_Unary):
    name = "SinBackward0"
    f = staticmethod(np.sin)

    def backward(self, g):
        return g * np.cos(self.a)


class Cos(_Unary):
    name = "CosBackward0"
    f = staticmethod(np.cos)

    def backward(self, g):
        return -g * np.sin(self.a)


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


class Asin(_Unary):
    name = "AsinBackward0"
    f = staticmethod(np.arcsin)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.sqrt(1 - a * a)


class Acos(_Unary):
    name = "AcosBackward0"
    f = staticmethod(np.arccos)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            return -g / np.sqrt(1 - a * a)


class Atan(_Unary):
    name = "AtanBackward0"
    f = staticmethod(np.arctan)

    def backward(self, g):
        a = self.a
        return g / (1 + a * a)


class Sinh(_Unary):
    name = "SinhBackward0"
    f = staticmethod(np.sinh)

    def backward(self, g):
        return g * np.cosh(self.a)


class Cosh(_Unary):
    name = "CoshBackward0"
    f = staticmethod(np.cosh)

    def backward(self, g):
        return g * np.sinh(self.a)


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


class Asinh(_Unary):
    name = "AsinhBackward0"
    f = staticmethod(np.arcsinh)

    def backward(self, g):
        a = self.a
        return g / np.sqrt(a * a + 1)


class Acosh(_Unary):
    name = "AcoshBackward0"
    f = staticmethod(np.arccosh)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / np.sqrt((a - 1) * (a + 1))


class Atanh(_Unary):
    name = "AtanhBackward0"
    f = staticmethod(np.arctanh)

    def backward(self, g):
        a = self.a
        with np.errstate(divide="ignore"):
            return g / (1 - a * a)


class Sigmoid(Op):
    name = "SigmoidBackward0"
    promote = FLOAT
    saves = ("out",)

    def forward(self, a):
        # stable on both tails: e = exp(-|a|) never overflows
        e = np.exp(-np.abs(a))
        r = 1 / (1 + e)
        self.y = np.where(a >= 0, r, e * r)
        return self.y

    def backward(self, g):
        y = self.y
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


# erf without scipy. float64: math.erf/erfc elementwise (correctly rounded-ish, ~1e-16).
# Other floats: Numerical Recipes' Chebyshev fit of erfc (relative error < 1.2e-7 for all
# x >= 0), computed in float64; erf for |x| < 0.5 from its Taylor series (so small inputs
# keep full relative precision), else 1 - erfc. Accurate to float32 rounding.
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


def _erf(a):
    if a.dtype == np.float64:
        return np.asarray(_verf(a), dtype=np.float64) if a.size else a.copy()
    x = a.astype(np.float64)
    z = np.abs(x)
    with np.errstate(over="ignore", under="ignore"):
        big = np.sign(x) * (1.0 - _erfc_nr(z))
    return np.where(z < 0.5, _erf_small(x), big).astype(a.dtype)


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


class Erfc(_Unary):
    name = "ErfcBackward0"
    f = staticmethod(_erfc)

    def backward(self, g):
        a = self.a
        return g * (np.exp(-a * a) * _c(-_2_SQRTPI, a))


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


@_guard
class Clamp(Op):
    name = "ClampBackward1"
    promote = SAME
    saves = (0, 1, 2)

    def forward(self, a, lo=None, hi=None):
        self.a, self.lo, self.hi = a, lo, hi
        out = a
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        if out is a:
            out = a.copy()
        return out

    def backward(self, g):
        a, lo, hi = self.a, self.lo, self.hi
        m = None
        if lo is not None:
            m = a >= lo
        if hi is not None:
            m = (a <= hi) if m is None else (m & (a <= hi))
        ga = np.where(m, g, 0)
        glo = ghi = None
        if isinstance(lo, np.ndarray):
            ml = a < lo
            if hi is not None:
                ml = ml & (lo <= hi)
            glo = np.where(ml, g, 0)
        if isinstance(hi, np.ndarray):
            mh = a > hi
            if lo is not None:
                mh = mh | (lo > hi)
            ghi = np.where(mh, g, 0)
        return ga, glo, ghi


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


class Relu(Op):
    name = "ReluBackward0"
    saves = ("out",)

    def forward(self, a):
        if a.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        if a.size >= 4096 and a.dtype.kind == "f":
            # maximum against a zero array is SIMD; against a scalar it is not (~2.5x slower)
            y = np.zeros_like(a)  # keeps a channels-last input's layout: one linear pass
            self.y = np.maximum(a, y, out=y)
        else:
            self.y = np.maximum(a, _c(0, a))
        return self.y

    def backward(self, g):
        y = self.y
        if y.size >= 4096 and g.dtype.kind == "f" and g.shape == y.shape:
            # float mask times g: branch-free, ~10x faster than np.where on mixed signs
            out = np.empty_like(y, dtype=g.dtype)
            np.greater(y, _c(0, y), out=out)
            with np.errstate(invalid="ignore"):
                np.multiply(g, out, out=out)
            flat = out.ravel(order="K")  # a view: out has y's (dense) layout
            if not np.isfinite(np.dot(flat, flat)):  # inf * 0 would give NaN where PyTorch gives 0
                # (a BLAS dot reads the cache-hot result at once; an overflow only costs the slow path)
                return np.where(y > 0, g, 0)
            return out
        return np.where(y > 0, g, 0)


class Deg2Rad(Op):
    name = "Deg2RadBackward0"
    promote = FLOAT

    def forward(self, a):
        self.k = _c(_math.pi / 180.0, a)
        return a * self.k

    def backward(self, g):
        return g * self.k


class Rad2Deg(Deg2Rad):
    name = "Rad2DegBackward0"

    def forward(self, a):
        self.k = _c(180.0 / _math.pi, a)
        return a * self.k


# ---- public functions (continued) ---------------------------------------------------

def _check_number_or_tensor(x, fname, arg):
    if not isinstance(x, (Tensor, int, float, bool, complex, np.generic)):
        raise TypeError(f"{fname}(): argument '{arg}' must be Tensor or Number, not {type(x).__name__}")


def rsub(input, other, *, alpha=1):
    return sub(other, input, alpha=alpha) if isinstance(other, Tensor) else \
        apply(RSub, input, other * alpha if alpha != 1 else other)


def floor_divide(input, other, *, out=None):
    if not isinstance(input, Tensor):
        return _out(apply(RFloorDivide, other, input), out)
    return _out(apply(FloorDivide, input, other), out)


def remainder(input, other, *, out=None):
    if not isinstance(input, Tensor):
        return _out(apply(RRemainder, other, input), out)
    return _out(apply(Remainder, input, other), out)


def pow(input, exponent, *, out=None):
    """``input ** exponent``: either may be a number (not both)."""
    if not isinstance(input, Tensor):
        return _out(apply(RPow, exponent, input), out)
    return _out(apply(Pow, input, exponent), out)


def float_power(input, exponent, *, out=None):
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b, out=out)


fmod, fmod_ = _binary(Fmod, "fmod"), _binary_(Fmod, "fmod_")
atan2, atan2_ = _binary(Atan2, "atan2"), _binary_(Atan2, "atan2_")
hypot, hypot_ = _binary(Hypot, "hypot"), _binary_(Hypot, "hypot_")
xlogy, xlogy_ = _binary(Xlogy, "xlogy"), _binary_(Xlogy, "xlogy_")
copysign, copysign_ = _binary(Copysign, "copysign"), _binary_(Copysign, "copysign_")
maximum, minimum = _binary(Maximum, "maximum"), _binary(Minimum, "minimum")
fmax, fmin = _binary(Fmax, "fmax"), _binary(Fmin, "fmin")
floor_divide_ = _binary_(FloorDivide, "floor_divide_")
remainder_ = _binary_(Remainder, "remainder_")


def lerp(input, end, weight, *, out=None):
    return _out(apply(Lerp, input, end, weight), out)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    return _out(apply(Addcmul, input, tensor1, tensor2, value=value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    return _out(apply(Addcdiv, input, tensor1, tensor2, value=value), out)


def _clamp_args(min, max, fname="clamp"):
    if min is None and max is None:
        raise RuntimeError(f"torch.{fname}: At least one of 'min' or 'max' must not be None")


def clamp(input, min=None, max=None, *, out=None):
    """Limit ``input`` to ``[min, max]`` (numbers or tensors; either may be None)."""
    _clamp_args(min, max)
    return _out(apply(Clamp, input, min, max), out)


def clamp_min(input, min, *, out=None):
    return _out(apply(Clamp, input, min, None), out)


def clamp_max(input, max, *, out=None):
    return _out(apply(Clamp, input, None, max), out)


clip = clamp


reciprocal, reciprocal_ = _unary(Reciprocal, "reciprocal")
square, square_ = _unary(Square, "square")
abs, abs_ = _unary(Abs, "abs")
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
erf, erf_ = _unary(Erf, "erf")
erfc, erfc_ = _unary(Erfc, "erfc")
erfinv, erfinv_ = _unary(Erfinv, "erfinv")
floor, floor_ = _unary(Floor, "floor")
ceil, ceil_ = _unary(Ceil, "ceil")
trunc, trunc_ = _unary(Trunc, "trunc")
frac, frac_ = _unary(Frac, "frac")
relu, relu_ = _unary(Relu, "relu")
deg2rad, deg2rad_ = _unary(Deg2Rad, "deg2rad")
rad2deg, rad2deg_ = _unary(Rad2Deg, "rad2deg")
absolute, absolute_ = abs, abs_
fix, fix_ = trunc, trunc_
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
arctan2 = atan2


def logit(input, eps=None, *, out=None):
    return _out(apply(Logit, input, eps=eps), out)


def round(input, *, decimals=0, out=None):
    if decimals:
        return _out(apply(Round, input, decimals=decimals), out)
    return _out(apply(Round, input), out)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    return _out(apply(NanToNum, input, nan=nan, posinf=posinf, neginf=neginf), out)


def positive(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# ---- comparisons and predicates (bool results, never differentiable) -----------------

def _nograd(cls, *inputs, **kw):
    """Run a non-differentiable op: no graph node, result never requires grad."""
    op = cls.__new__(cls)
    return _wrap(op.forward(*_arrays(inputs, cls.promote), **kw))


def _cmp_arg(x, fname):
    if x is None or not isinstance(x, (Tensor, int, float, bool, complex, np.generic)):
        raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                        f"(Tensor, {type(x).__name__})")


class _Cmp(Op):
    promote = SAME

    def forward(self, a, b):
        try:
            return self.f(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


def _cmp_class(ufunc, nm):
    return type(nm, (_Cmp,), {"f": staticmethod(ufunc)})


_Eq, _Ne, _Lt, _Le, _Gt, _Ge = (_cmp_class(u, n) for u, n in (
    (np.equal, "Eq"), (np.not_equal, "Ne"), (np.less, "Lt"), (np.less_equal, "Le"),
    (np.greater, "Gt"), (np.greater_equal, "Ge")))


def _cmp_fn(cls, fname):
    def fn(input, other, *, out=None):
        _cmp_arg(other, fname)
        if not isinstance(input, Tensor):
            raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(input).__name__}")
        return _out(_nograd(cls, input, other), out)

    def fn_(self, other):
        self._data[...] = _nograd(cls, self, other)._data
        self._bump()
        return self

    def op(self, other):
        if other is None or not isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
            return NotImplemented
        return _nograd(cls, self, other)
    fn.__name__ = fname
    return fn, fn_, op


eq, eq_, _op_eq = _cmp_fn(_Eq, "eq")
ne, ne_, _op_ne = _cmp_fn(_Ne, "ne")
lt, lt_, _op_lt = _cmp_fn(_Lt, "lt")
le, le_, _op_le = _cmp_fn(_Le, "le")
gt, gt_, _op_gt = _cmp_fn(_Gt, "gt")
ge, ge_, _op_ge = _cmp_fn(_Ge, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input, other):
    """True when both tensors have the same shape and elements."""
    a, b = input._data, other._data
    return a.shape == b.shape and bool(np.array_equal(a, b))


class _IsClose(Op):
    promote = SAME

    def forward(self, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        try:
            return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise _broadcast_error(a, b) from None


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype} did not match {other.dtype}")
    return _nograd(_IsClose, input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def _pred(f_float, int_value):
    def fn(input):
        a = input._data
        if a.dtype.kind in "fc":
            return _wrap(f_float(a))
        return _wrap(np.full(a.shape, int_value, dtype=np.bool_))
    return fn


isnan = _pred(np.isnan, False)
isinf = _pred(np.isinf, False)
isfinite = _pred(np.isfinite, True)
isposinf = _pred(np.isposinf, False)
isneginf = _pred(np.isneginf, False)


def isreal(input):
    a = input._data
    if a.dtype.kind == "c":
        return _wrap(a.imag == 0)
    return _wrap(np.ones(a.shape, dtype=np.bool_))


def signbit(input):
    a = input._data
    return _wrap(np.signbit(a) if a.dtype.kind != "b" else np.zeros(a.shape, np.bool_))


# ---- logical and bitwise --------------------------------------------------------------

class _Logical(Op):
    promote = None

    def forward(self, a, b):
        try:
            return self.f(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


class _Bitwise(Op):
    promote = SAME
    kinds = "iub"   # the dtype kinds the kernel takes

    def forward(self, a, b):
        for x in (a, b):
            if isinstance(x, np.ndarray) and x.dtype.kind not in self.kinds:
                _not_impl(x, self.kernel)
            if isinstance(x, float):
                _not_impl(np.zeros(0, np.float32), self.kernel)
        try:
            return self.f(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


_LAnd, _LOr, _LXor = (type(n, (_Logical,), {"f": staticmethod(u)}) for n, u in (
    ("LogicalAnd", np.logical_and), ("LogicalOr", np.logical_or), ("LogicalXor", np.logical_xor)))
_BAnd, _BOr, _BXor, _BShl, _BShr = (
    type(n, (_Bitwise,), {"f": staticmethod(u), "kernel": k}) for n, u, k in (
        ("BitwiseAnd", np.bitwise_and, "bitwise_and_cpu"),
        ("BitwiseOr", np.bitwise_or, "bitwise_or_cpu"),
        ("BitwiseXor", np.bitwise_xor, "bitwise_xor_cpu"),
        ("LShift", np.left_shift, "lshift_cpu"),
        ("RShift", np.right_shift, "rshift_cpu")))


def _binfn(cls):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            return _out(_rbin(cls, other, input), out)
        return _out(_nograd(cls, input, other), out)

    def fn_(self, other):
        r = _nograd(cls, self, other)._data
        if not D.can_cast(D.from_np[r.dtype], D.from_np[self._data.dtype]):
            raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired "
                               f"output type {_type_name(self._data.dtype)}")
        self._data[...] = r
        self._bump()
        return self

    def op(self, other):
        if not isinstance(other, (Tensor, int, float, bool, np.generic)):
            return NotImplemented
        return _nograd(cls, self, other)

    def rop(self, other):
        if not isinstance(other, (int, float, bool, np.generic)):
            return NotImplemented
        return _rbin(cls, self, other)

    def iop(self, other):
        return fn_(self, other)
    return fn, fn_, op, rop, iop


def _rbin(cls, tensor, number):
    """``number <op> tensor``: promote as PyTorch, then swap the operands."""
    op = cls.__new__(cls)
    t, n = _arrays((tensor, number), cls.promote)
    return _wrap(op.forward(n, t))


logical_and, logical_and_, _op_land, _rop_land, _ = _binfn(_LAnd)
logical_or, logical_or_, _, _, _ = _binfn(_LOr)
logical_xor, logical_xor_, _, _, _ = _binfn(_LXor)
bitwise_and, bitwise_and_, _op_and, _rop_and, _iop_and = _binfn(_BAnd)
bitwise_or, bitwise_or_, _op_or, _rop_or, _iop_or = _binfn(_BOr)
bitwise_xor, bitwise_xor_, _op_xor, _rop_xor, _iop_xor = _binfn(_BXor)
bitwise_left_shift, bitwise_left_shift_, _op_shl, _rop_shl, _iop_shl = _binfn(_BShl)
bitwise_right_shift, bitwise_right_shift_, _op_shr, _rop_shr, _iop_shr = _binfn(_BShr)


def logical_not(input, *, out=None):
    return _out(_wrap(np.logical_not(input._data)), out)


def logical_not_(self):
    self._data[...] = np.logical_not(self._data)
    self._bump()
    return self


def bitwise_not(input, *, out=None):
    a = input._data
    if a.dtype.kind not in "iub":
        _not_impl(a, "bitwise_not_cpu")
    return _out(_wrap(np.invert(a)), out)


def bitwise_not_(self):
    self._data[...] = bitwise_not(self)._data
    self._bump()
    return self


def _invert(self):
    if self._data.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(self._data))


# ---- in-place fillers -----------------------------------------------------------------

class Fill(Op):
    name = "FillBackward0"

    def forward(self, a, value):
        if isinstance(value, np.ndarray):
            if value.ndim:
                raise RuntimeError(
                    f"fill_ only supports 0-dimension value tensor but got tensor with "
                    f"{value.ndim} dimensions.")
            self.tv = True
        return np.full(a.shape, value, dtype=a.dtype)

    def backward(self, g):
        return _zeros(g), (g.sum() if self.__dict__.get("tv") else None)


class Zero(Op):
    name = "ZeroBackward0"

    def forward(self, a):
        return np.zeros(a.shape, a.dtype)

    def backward(self, g):
        return _zeros(g)


class Copy(Op):
    name = "CopyBackwards"

    def forward(self, a, src):
        try:
            out = np.broadcast_to(src, a.shape)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({a.shape[-1] if a.ndim else 1}) must match the size of "
                f"tensor b ({np.shape(src)[-1] if np.ndim(src) else 1}): src of shape "
                f"{tuple(np.shape(src))} can't be copied into a tensor of shape {a.shape}") from None
        return out.astype(a.dtype, copy=True)

    def backward(self, g):
        return _zeros(g), g


def zero_(self):
    return apply_(Zero, self)


def fill_(self, value):
    return apply_(Fill, self, value)


def copy_(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' must be Tensor, not {type(src).__name__}")
    return apply_(Copy, self, src)


class _Random(Op):
    """An in-place random fill: the value does not depend on the input (zero gradient)."""

    def forward(self, a, arr):
        if arr.shape != a.shape:
            return np.broadcast_to(arr, a.shape).astype(a.dtype)
        return _random.in_memory_order(a, arr.astype(a.dtype, copy=False))

    def backward(self, g):
        return _zeros(g)


def _random_cls(nm):
    return type(nm, (_Random,), {"name": nm})


_NormalB, _UniformB, _RandomB, _BernoulliB, _ExponentialB, _LogNormalB, _CauchyB, _GeometricB = (
    _random_cls(n) for n in ("NormalBackward0", "UniformBackward0", "RandomBackward0",
                             "BernoulliBackward0", "ExponentialBackward0", "LogNormalBackward0",
                             "CauchyBackward0", "GeometricBackward0"))


def _float_dt(a):
    return a.dtype if a.dtype.kind == "f" else np.float64


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    a = self._data
    arr = _random.normal(a.shape, _float_dt(a), mean, std, generator, a.flags.c_contiguous)
    return apply_(_NormalB, self, arr)


def uniform_(self, a=0.0, b=1.0, *, generator=None, from_=None, to=None):
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    d = self._data
    arr = _random.uniform(d.shape, _float_dt(d), a, b, generator)
    return apply_(_UniformB, self, arr)


def random_(self, from_=0, to=None, *, generator=None):
    d = self._data
    if to is None:
        if from_ == 0:   # [0, 2**mantissa] for floats, [0, max] for integers
            return apply_(_RandomB, self, _random.random_full(d.shape, d.dtype, generator))
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return apply_(_RandomB, self, _random.randint(from_, to, d.shape, generator))


def bernoulli_(self, p=0.5, *, generator=None):
    d = self._data
    pa = p._data if isinstance(p, Tensor) else p
    if np.any((np.asarray(pa) < 0) | (np.asarray(pa) > 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return apply_(_BernoulliB, self, _random.bernoulli(pa, d.shape, generator))


def exponential_(self, lambd=1.0, *, generator=None):
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    d = self._data
    arr = _random.exponential(d.shape, _float_dt(d), lambd, generator)
    return apply_(_ExponentialB, self, arr)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    arr = _random.log_normal(self._data.shape, _float_dt(self._data), mean, std, generator)
    return apply_(_LogNormalB, self, arr)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    arr = _random.cauchy(self._data.shape, _float_dt(self._data), median, sigma, generator)
    return apply_(_CauchyB, self, arr)


def geometric_(self, p, *, generator=None):
    arr = _random.geometric(self._data.shape, self._data.dtype, p, generator)
    return apply_(_GeometricB, self, arr)


# ---- log-sum, step, integer and float-bit ops ------------------------------------------

def _tensor_other(fname, other, arg="other"):
    if not isinstance(other, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


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
        self.y = self.ufunc(a, b)
        return self.y

    def backward(self, g):
        with np.errstate(over="ignore", invalid="ignore"):
            ga = g / (1 + self.ufunc_exp(self.b - self.a))
            gb = g / (1 + self.ufunc_exp(self.a - self.b))
        return ga, gb

    ufunc_exp = staticmethod(np.exp)


@_guard
class LogAddExp2(LogAddExp):
    name = "Logaddexp2Backward0"
    ufunc = staticmethod(np.logaddexp2)
    ufunc_exp = staticmethod(np.exp2)
    kernel = "logaddexp2_cpu"


def logaddexp(input, other, *, out=None):
    _tensor_other("logaddexp", other)
    return _out(apply(LogAddExp, input, other), out)


def logaddexp2(input, other, *, out=None):
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


def heaviside(input, values, *, out=None):
    _tensor_other("heaviside", values, "values")
    return _out(apply(Heaviside, input, values), out)


def heaviside_(self, values):
    _tensor_other("heaviside_", values, "values")
    return apply_(Heaviside, self, values)


# gcd / lcm: the bitwise ops' checks with integer dtypes only (never differentiable)
_Gcd = type("Gcd", (_Bitwise,), {"f": staticmethod(np.gcd), "kernel": "gcd_cpu", "kinds": "iu"})
_Lcm = type("Lcm", (_Bitwise,), {"f": staticmethod(np.lcm), "kernel": "lcm_cpu", "kinds": "iu"})


def _int_inplace(self, result):
    """Write a non-differentiable ``result`` into ``self`` (PyTorch's cast rule and version bump)."""
    r = result._data
    if not D.can_cast(D.from_np[r.dtype], D.from_np[self._data.dtype]):
        raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired "
                           f"output type {_type_name(self._data.dtype)}")
    self._data[...] = r
    self._bump()
    return self


def gcd(input, other, *, out=None):
    return _out(_nograd(_Gcd, input, other), out)


def lcm(input, other, *, out=None):
    return _out(_nograd(_Lcm, input, other), out)


def gcd_(self, other):
    return _int_inplace(self, gcd(self, other))


def lcm_(self, other):
    return _int_inplace(self, lcm(self, other))


def _pow2(other):
    if isinstance(other, Tensor):
        return pow(2.0, other if other.is_floating_point() else other.to(D.get_default_dtype()))
    return 2.0 ** other


def ldexp(input, other, *, out=None):
    """``input * 2 ** other``, composed as PyTorch does (so both inputs get gradients)."""
    return mul(input, _pow2(other), out=out)


def ldexp_(self, other):
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


def frexp(input, *, out=None):
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

    def backward(self, g):
        raise RuntimeError("the derivative for 'nextafter' is not implemented.")


def nextafter(input, other, *, out=None):
    return _out(apply(NextAfter, input, other), out)


def nextafter_(self, other):
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


class Digamma(_Unary):
    name = "DigammaBackward0"
    f = staticmethod(_digamma)

    def backward(self, g):
        return g * _polygamma(1, self.a)


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


class Mvlgamma(_OrderedSpecial):
    name = "MvlgammaBackward0"
    check = staticmethod(_check_mvlgamma)
    value = staticmethod(lambda p, a: (_mvlgamma_terms(_lgamma, p, a) + _c(
        p * (p - 1) / 4 * _math.log(_math.pi), a)).astype(a.dtype, copy=False))
    deriv = staticmethod(lambda p, a: _mvlgamma_terms(_digamma, p, a))


lgamma, lgamma_ = _unary(Lgamma, "lgamma")
digamma, digamma_ = _unary(Digamma, "digamma")


def polygamma(n, input, *, out=None):
    return _out(apply(Polygamma, input, n=n), out)


def polygamma_(self, n):
    return _inplace(Polygamma, self, n=n)


def mvlgamma(input, p, *, out=None):
    return _out(apply(Mvlgamma, input, n=p), out)


def mvlgamma_(self, p):
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


def igamma(input, other, *, out=None):
    _tensor_other("igamma", other)
    return _out(apply(Igamma, input, other), out)


def igammac(input, other, *, out=None):
    _tensor_other("igammac", other)
    return _out(apply(Igammac, input, other), out)


def igamma_(self, other):
    return _inplace(Igamma, self, other)


def igammac_(self, other):
    return _inplace(Igammac, self, other)


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


sinc, sinc_ = _unary(Sinc, "sinc")
i0, i0_ = _unary(I0, "i0")


# ---- complex parts -------------------------------------------------------------------

class Real(Op):
    name = "RealBackward0"
    view = True

    def forward(self, a):
        return a.real

    def backward(self, g):
        return g.astype(np.result_type(g.dtype, np.complex64))


class Imag(Op):
    name = "ImagBackward0"
    view = True

    def forward(self, a):
        if a.dtype.kind != "c":
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return a.imag

    def backward(self, g):
        return g * 1j


def real(input):
    return input if input._data.dtype.kind != "c" else apply(Real, input)


def imag(input):
    return apply(Imag, input)


class Angle(Op):
    name = "AngleBackward0"
    promote = FLOAT
    saves = (0,)

    def forward(self, a):
        self.a = a
        if a.dtype.kind == "c":
            return np.angle(a)
        return np.where(np.isnan(a), a, np.where(a < 0, _c(_math.pi, a), _c(0, a)))

    def backward(self, g):
        a = self.a
        if a.dtype.kind != "c":
            return _zeros(g)
        return g * (1j * a / (a * np.conj(a)))  # as PyTorch's angle_backward: grad * z / |z|^2 * i


def angle(input, *, out=None):
    return _out(apply(Angle, input), out)


class ConjPhysical(Op):
    name = "ConjPhysicalBackward0"

    def forward(self, a):
        return np.conj(a) if a.dtype.kind == "c" else a.copy()

    def backward(self, g):
        return np.conj(g)


def conj(input):
    """The complex conjugate (a copy: ember has no lazy conjugate bit); ``input`` if real."""
    return input if input._data.dtype.kind != "c" else apply(ConjPhysical, input)


def conj_physical(input, *, out=None):
    return _out(apply(ConjPhysical, input), out)


def conj_physical_(self):
    return apply_(ConjPhysical, self)


def resolve_conj(input):
    return input


def resolve_neg(input):
    return input


def _complex_parts(a, b):
    if not (a.is_floating_point() and b.is_floating_point()):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{D.scalar_type_name(a.dtype)} and {D.scalar_type_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {D.scalar_type_name(a.dtype)} but got "
                           f"scalar type {D.scalar_type_name(b.dtype)} for second argument")


class Complex(Op):
    name = "ComplexBackward0"

    def forward(self, re, im):
        try:
            return re + im * np.array(1j, np.result_type(re.dtype, np.complex64))
        except ValueError:
            raise _broadcast_error(re, im) from None

    def backward(self, g):
        return np.real(g), np.imag(g)


class Polar(Op):
    name = "PolarBackward0"

    def forward(self, r, th):
        try:
            self.y = r * (np.cos(th) + 1j * np.sin(th)).astype(np.result_type(r.dtype, np.complex64))
        except ValueError:
            raise _broadcast_error(r, th) from None
        return self.y

    def backward(self, g):
        y = self.y
        gc = np.conj(g)
        with np.errstate(invalid="ignore", divide="ignore"):
            sg = np.where(y == 0, 0, y / np.abs(y))
        return np.real(gc * sg), np.real(gc * y * 1j)


def complex_(real, imag, *, out=None):
    """``ember.complex`` (named ``complex_`` here so this module keeps the builtin)."""
    _complex_parts(real, imag)
    return _out(apply(Complex, real, imag), out)


def polar(abs, angle, *, out=None):
    _complex_parts(abs, angle)
    return _out(apply(Polar, abs, angle), out)


# ---- Tensor methods and operators (continued) ------------------------------------------

def _r(cls, name):
    """Reflected operator ``number <op> tensor`` via a swapped-argument op."""
    def f(self, other):
        if not isinstance(other, (int, float, bool, np.generic)):
            return NotImplemented
        return apply(cls, self, other)
    return _named(f, name, f"``number {name[3:-2]} tensor``.")


_rmod, _rfloordiv = _r(RRemainder, "__rmod__"), _r(RFloorDivide, "__rfloordiv__")


def _rpow(self, other):
    if not isinstance(other, (int, float, bool, complex, np.generic)):
        return NotImplemented
    return apply(RPow, self, other)


def _pos(self):
    return positive(self)


def pow_(self, exponent):
    return _inplace(Pow, self, exponent)


def lerp_(self, end, weight):
    return _inplace(Lerp, self, end, weight)


def addcmul_(self, tensor1, tensor2, *, value=1):
    return _inplace(Addcmul, self, tensor1, tensor2, value=value)


def addcdiv_(self, tensor1, tensor2, *, value=1):
    return _inplace(Addcdiv, self, tensor1, tensor2, value=value)


def clamp_(self, min=None, max=None):
    _clamp_args(min, max, "clamp_")
    return _inplace(Clamp, self, min, max)


def clamp_min_(self, min):
    return _inplace(Clamp, self, min, None)


def clamp_max_(self, max):
    return _inplace(Clamp, self, None, max)


def logit_(self, eps=None):
    return _inplace(Logit, self, eps=eps)


def round_(self, *, decimals=0):
    if decimals:
        return _inplace(Round, self, decimals=decimals)
    return _inplace(Round, self)


def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    return _inplace(NanToNum, self, nan=nan, posinf=posinf, neginf=neginf)


def float_power_(self, exponent):
    if self._data.dtype != np.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {_type_name(self._data.dtype)} "
                           "but the operation's result requires dtype Double")
    return pow_(self, exponent.double() if isinstance(exponent, Tensor) else float(exponent))


def _polygamma_m(self, n):
    return polygamma(n, self)


arcsin_, arccos_, arctan_, arcsinh_, arccosh_, arctanh_ = asin_, acos_, atan_, asinh_, acosh_, atanh_
clip_, negative_ = clamp_, neg_

_T = Tensor
_T.float_power_ = float_power_
_T.polygamma = _polygamma_m
_T.real = property(real, lambda self, v: real(self).copy_(v if isinstance(v, Tensor) else
                                                              _wrap(np.asarray(v))))
_T.imag = property(imag, lambda self, v: imag(self).copy_(v if isinstance(v, Tensor) else
                                                              _wrap(np.asarray(v))))
_UNARY = ("reciprocal", "square", "abs", "absolute", "sign", "sgn", "sqrt", "rsqrt", "exp2",
          "expm1", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
          "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid", "erf", "erfc", "erfinv",
          "floor", "ceil", "trunc", "fix", "frac", "relu", "deg2rad", "rad2deg")
# Tensor methods that are the module function of the same name (``x_`` is the in-place form).
for _n in _UNARY + tuple(n + "_" for n in _UNARY) + (
        "rsub", "floor_divide", "floor_divide_", "remainder", "remainder_", "fmod", "fmod_",
        "pow", "pow_", "float_power", "atan2", "atan2_", "hypot", "hypot_", "xlogy", "xlogy_",
        "copysign", "copysign_", "maximum", "minimum", "fmax", "fmin", "lerp", "lerp_",
        "addcmul", "addcmul_", "addcdiv", "addcdiv_", "clamp", "clamp_", "clamp_min",
        "clamp_min_", "clamp_max", "clamp_max_", "logit", "logit_", "round", "round_",
        "nan_to_num", "nan_to_num_", "positive",
        "eq", "ne", "lt", "le", "gt", "ge", "eq_", "ne_", "lt_", "le_", "gt_", "ge_",
        "greater", "greater_equal", "less", "less_equal", "not_equal",
        "equal", "allclose", "isclose", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
        "isreal", "signbit",
        "logical_and", "logical_and_", "logical_or", "logical_or_", "logical_xor", "logical_xor_",
        "logical_not", "logical_not_", "bitwise_and", "bitwise_and_", "bitwise_or", "bitwise_or_",
        "bitwise_xor", "bitwise_xor_", "bitwise_not", "bitwise_not_", "bitwise_left_shift",
        "bitwise_left_shift_", "bitwise_right_shift", "bitwise_right_shift_",
        "zero_", "fill_", "copy_", "normal_",
        "logaddexp", "logaddexp2", "heaviside", "heaviside_", "gcd", "gcd_", "lcm", "lcm_",
        "ldexp", "ldexp_", "frexp", "nextafter", "nextafter_", "lgamma", "lgamma_", "digamma",
        "digamma_", "igamma", "igamma_", "igammac", "igammac_", "polygamma_", "mvlgamma", "mvlgamma_", "sinc", "sinc_", "i0",
        "i0_", "angle", "conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg", "uniform_", "random_", "bernoulli_",
        "exponential_", "log_normal_", "cauchy_", "geometric_"):
    setattr(_T, _n, globals()[_n])
# Tensor methods under another name: method -> module function.
for _a, _n in (("arctan2", "atan2"), ("arctan2_", "atan2_"), ("clip", "clamp"), ("clip_", "clamp_"),
               ("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"), ("arcsinh", "asinh"),
               ("arccosh", "acosh"), ("arctanh", "atanh"), ("arcsin_", "asin_"),
               ("arccos_", "acos_"), ("arctan_", "atan_"), ("arcsinh_", "asinh_"),
               ("arccosh_", "acosh_"), ("arctanh_", "atanh_"), ("greater_", "gt_"),
               ("greater_equal_", "ge_"), ("less_", "lt_"), ("less_equal_", "le_"),
               ("not_equal_", "ne_"), ("negative_", "neg_"), ("multiply_", "mul_"),
               ("subtract_", "sub_"), ("divide_", "div_"), ("true_divide_", "div_")):
    setattr(_T, _a, globals()[_n])

# Operators.
_T.__floordiv__, _T.__rfloordiv__, _T.__ifloordiv__ = floor_divide, _rfloordiv, floor_divide_
_T.__mod__, _T.__rmod__, _T.__imod__ = remainder, _rmod, remainder_
_T.__pow__, _T.__rpow__, _T.__ipow__ = pow, _rpow, pow_
_T.__pos__, _T.__abs__, _T.__invert__ = _pos, abs, _invert
_T.__eq__, _T.__ne__, _T.__lt__, _T.__le__, _T.__gt__, _T.__ge__ = (
    _op_eq, _op_ne, _op_lt, _op_le, _op_gt, _op_ge)
_T.__hash__ = object.__hash__
_T.__and__, _T.__rand__, _T.__iand__ = _op_and, _rop_and, _iop_and
_T.__or__, _T.__ror__, _T.__ior__ = _op_or, _rop_or, _iop_or
_T.__xor__, _T.__rxor__, _T.__ixor__ = _op_xor, _rop_xor, _iop_xor
_T.__lshift__, _T.__rlshift__, _T.__ilshift__ = _op_shl, _rop_shl, _iop_shl
_T.__rshift__, _T.__rrshift__, _T.__irshift__ = _op_shr, _rop_shr, _iop_shr
del _T, _n, _a
