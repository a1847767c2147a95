"""Elementwise arithmetic: add, sub, mul, div, pow, remainder, maximum, ... (lerp, addcmul,
addcdiv and clamp live in ternary.py).

Forward and backward side by side on raw arrays; broadcasting gradients are
reduced to each input's shape by the backward walk (see ``_apply``)."""

from __future__ import annotations

import math as _math

import numpy as np

from .._tensor import Tensor, _wrap, tensor_method
from ._apply import FLOAT, SAME, Op, _type_name, apply, apply_, holomorphic, scaled_backward_ops
from ._deprecated import scalar_first
from ._pointwise import (
    _binary,
    _binary_,
    _broadcast_error,
    _c,
    _float_only,
    _guard,
    _inplace,
    _int_zero_check,
    _named,
    _out,
    _parallel,
    _unary,
    _zeros,
)

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg",
           "negative", "rsub", "floor_divide", "remainder", "fmod", "pow", "float_power", "atan2",
           "arctan2", "hypot", "xlogy", "maximum", "minimum", "fmax", "fmin", "copysign", "positive",
           "neg_", "negative_", "xlogy_"]


# ---- binary arithmetic --------------------------------------------------------------

class Add(Op):
    name = "AddBackward0"
    kernel = "add_stub"   # PyTorch's kernel, named when it refuses uint16/32/64
    promote = SAME

    def forward(self, a, b, alpha=1):
        try:
            if alpha != 1:
                self.alpha = alpha
                return a + b * alpha
            r = _parallel("add", a, b)
            return a + b if r is None else r
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        alpha = self.__dict__.get("alpha", 1)
        return g, (g * alpha if alpha != 1 else g)

    backward_ops = backward   # g times constants: the same formula runs on tensors


def _is_bool(x):
    return x is True or x is False or (isinstance(x, Tensor) and x._data.dtype == np.bool_)


def _no_bool_sub(a, b):
    """PyTorch refuses ``-`` when either operand (a tensor or a Python scalar) is bool."""
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


class Sub(Op):
    name = "SubBackward0"
    kernel = "add_stub"   # PyTorch's kernel, named when it refuses uint16/32/64
    promote = SAME

    def forward(self, a, b, alpha=1):
        try:
            if alpha != 1:
                self.alpha = alpha
                return a - b * alpha
            r = _parallel("sub", a, b)
            return a - b if r is None else r
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        alpha = self.__dict__.get("alpha", 1)
        return g, -g * alpha

    backward_ops = backward   # g times constants: the same formula runs on tensors


class RSub(Op):
    name = "RsubBackward1"
    kernel = "add_stub"   # PyTorch's kernel, named when it refuses uint16/32/64
    promote = SAME

    def forward(self, a, b):
        return b - a

    def backward(self, g):
        return -g, g

    backward_ops = backward   # g times constants: the same formula runs on tensors


@holomorphic
class Mul(Op):
    name = "MulBackward0"
    promote = SAME
    unsigned = True   # PyTorch has this kernel for uint16/32/64
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        try:
            r = _parallel("mul", a, b)
            return a * b if r is None else r
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        return g * self.b, g * self.a

    def backward_ops(self, g):
        return g * self.saved_input(1, self.b), g * self.saved_input(0, self.a)


@holomorphic
class Div(Op):
    name = "DivBackward0"
    promote = FLOAT
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        try:
            r = _parallel("div", a, b)
            return a / b if r is None else r
        except ValueError:
            raise _broadcast_error(a, b) from None

    def backward(self, g):
        b = self.b
        return g / b, -g * self.a / (b * b)

    def backward_ops(self, g):
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
        return g / b, -g * a / (b * b)


class DivRounding(Op):
    """``div(a, b, rounding_mode="floor" | "trunc")``: integer dtypes stay integer; the gradient
    is zero almost everywhere, as torch's."""
    name = "DivBackward2"
    promote = SAME

    def forward(self, a, b, rounding_mode):
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                               f"found '{rounding_mode}'")
        dt = np.result_type(a, b)
        if dt.kind == "b":
            raise NotImplementedError(f'"div_{rounding_mode}_cpu" not implemented for \'Bool\'')
        if dt.kind in "iu":
            _int_zero_check(b)
            q = np.floor_divide(a, b)
            if rounding_mode == "trunc":   # round towards zero: floor, plus one where it went below
                q = q + ((q < 0) & (q * b != a))
            return q
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.floor_divide(a, b) if rounding_mode == "floor" else np.trunc(np.true_divide(a, b))

    def backward(self, g):
        return _zeros(g), _zeros(g)


@holomorphic
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

    def backward_ops(self, g):
        a = self.saved_input(0, self.a)
        return -g * self.b / (a * a), None


class Neg(Op):
    name = "NegBackward0"
    kernel = "neg_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
    unsigned = False

    def forward(self, a):
        if a.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -a

    def backward(self, g):
        return -g

    backward_ops = backward   # g times constants: the same formula runs on tensors


# ---- public functions ----------------------------------------------------------------

@tensor_method("add", "__add__")
def add(input, other, *args, alpha=1, out=None) -> Tensor:
    """``input + alpha * other`` with broadcasting and PyTorch's type promotion.

    Example:
        >>> torch.add(torch.tensor([1., 2.]), torch.tensor([10., 20.]), alpha=2)
        tensor([21., 42.])
        >>> torch.tensor([1, 2]) + 0.5
        tensor([1.5000, 2.5000])
    """
    if args:
        (other,), alpha = scalar_first("add", other, args, "alpha", 1)
    return _out(apply(Add, input, other, alpha=alpha) if alpha != 1 else apply(Add, input, other), out)


@tensor_method("sub", "__sub__")
def sub(input, other, *args, alpha=1, out=None) -> Tensor:
    """``input - alpha * other``, with broadcasting and type promotion (``subtract`` is an alias).

    Example:
        >>> torch.sub(torch.tensor([3., 4.]), torch.tensor([1., 1.]), alpha=2)
        tensor([1., 2.])
    """
    if args:
        (other,), alpha = scalar_first("sub", other, args, "alpha", 1)
    _no_bool_sub(input, other)
    return _out(apply(Sub, input, other, alpha=alpha) if alpha != 1 else apply(Sub, input, other), out)


@tensor_method("mul", "__mul__", "__rmul__")
def mul(input, other, *, out=None) -> Tensor:
    """``input * other`` elementwise, with broadcasting and type promotion (``multiply`` is an alias).

    Example:
        >>> torch.mul(torch.tensor([1., 2.]), torch.tensor([[3.], [4.]]))
        tensor([[3., 6.],
                [4., 8.]])
    """
    return _out(apply(Mul, input, other), out)


@tensor_method("div", "__truediv__")
def div(input, other, *, rounding_mode=None, out=None) -> Tensor:
    """``input / other`` elementwise (``divide``, ``true_divide`` are aliases).

    Args:
        rounding_mode (str, optional): ``None`` (true division), ``"trunc"`` or ``"floor"``.

    Example:
        >>> torch.div(torch.tensor([7., -7.]), 2)
        tensor([ 3.5000, -3.5000])
        >>> torch.div(torch.tensor([7., -7.]), 2, rounding_mode="floor")
        tensor([ 3., -4.])
    """
    if rounding_mode is None:
        return _out(apply(Div, input, other), out)
    return _out(apply(DivRounding, input, other, rounding_mode=rounding_mode), out)


neg, neg_ = _unary(Neg, "neg")
tensor_method("__neg__")(neg)
subtract = tensor_method("subtract")(sub)
multiply = tensor_method("multiply")(mul)
divide = tensor_method("divide")(div)
true_divide = tensor_method("true_divide")(div)
negative = tensor_method("negative")(neg)


# ---- Tensor methods and operators ----------------------------------------------------

@tensor_method("__radd__")
def _radd(self, other) -> Tensor:
    return apply(Add, self, other)


@tensor_method("__rsub__")
def _rsub(self, other) -> Tensor:
    _no_bool_sub(other, self)
    return apply(RSub, self, other)


@tensor_method("__rtruediv__", "__rdiv__")
def _rdiv(self, other):
    return div(other, self) if isinstance(other, Tensor) else apply(RDiv, self, other)


@tensor_method("__iadd__")
def _iadd(self, other) -> Tensor:
    return apply_(Add, self, other)


@tensor_method("__isub__")
def _isub(self, other) -> Tensor:
    _no_bool_sub(self, other)
    return apply_(Sub, self, other)


@tensor_method("__imul__")
def _imul(self, other) -> Tensor:
    return _inplace(Mul, self, other)


@tensor_method("__itruediv__")
def _idiv(self, other):
    return _inplace(Div, self, other)


@tensor_method()
def add_(self, other, *args, alpha=1) -> Tensor:
    """In-place ``self += alpha * other``; returns ``self``.

    Example:
        >>> torch.ones(2).add_(torch.tensor([1., 2.]), alpha=10)
        tensor([11., 21.])
    """
    if args:
        (other,), alpha = scalar_first("add_", other, args, "alpha", 1)
    return apply_(Add, self, other, alpha=alpha) if alpha != 1 else apply_(Add, self, other)


@tensor_method("sub_", "subtract_")
def sub_(self, other, *args, alpha=1) -> Tensor:
    """In-place ``self -= alpha * other``; returns ``self``.

    Example:
        >>> torch.ones(2).sub_(torch.tensor([1., 2.]))
        tensor([ 0., -1.])
    """
    if args:
        (other,), alpha = scalar_first("sub_", other, args, "alpha", 1)
    _no_bool_sub(self, other)
    return apply_(Sub, self, other, alpha=alpha) if alpha != 1 else apply_(Sub, self, other)


@tensor_method("mul_", "multiply_")
def mul_(self, other) -> Tensor:
    """In-place ``self *= other``; returns ``self``.

    Example:
        >>> torch.ones(2).mul_(3)
        tensor([3., 3.])
    """
    return _inplace(Mul, self, other)


@tensor_method("div_", "divide_", "true_divide_")
def div_(self, other, *, rounding_mode=None) -> Tensor:
    """In-place ``self /= other`` (with ``rounding_mode`` as ``div``); returns ``self``.

    Example:
        >>> torch.tensor([3., 5.]).div_(2, rounding_mode="trunc")
        tensor([1., 2.])
    """
    if rounding_mode is None:
        return _inplace(Div, self, other)
    return _inplace(DivRounding, self, other, rounding_mode=rounding_mode)


# ---- floor division, remainder, pow, atan2, hypot, maximum ... -------------------------

@_guard
class FloorDivide(Op):
    name = "FloorDivideBackward0"   # not differentiable in PyTorch (NotImplemented node)
    kernel = "div_floor_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
    promote = SAME

    def forward(self, a, b):
        if np.result_type(a, b).kind in "iu":
            _int_zero_check(b, a)
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
            _int_zero_check(b, a)
        self.a, self.b = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.ufunc(a, b)

    def backward(self, g):
        b = self.b
        if not isinstance(b, np.ndarray):
            return g, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return g, -g * self.quotient(self.a, b)

    backward_ops = scaled_backward_ops   # the rounded quotient is piecewise constant


@_guard
class Remainder(_Mod):
    name = "RemainderBackward0"
    kernel = "remainder_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
    ufunc = staticmethod(np.remainder)
    quotient = staticmethod(np.floor_divide)


class _RIntOp(Op):
    """number (op) tensor for remainder / floor_divide: no gradient flows to the tensor."""

    promote = SAME

    def forward(self, a, s):
        if a.dtype.kind in "iu":
            _int_zero_check(a, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.ufunc(s, a)


class RRemainder(_RIntOp):            # number % tensor
    name = "RemainderBackward1"
    kernel = "remainder_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
    ufunc = staticmethod(np.remainder)

    def backward(self, g):
        return _zeros(g), None

    backward_ops = scaled_backward_ops


class RFloorDivide(_RIntOp):          # number // tensor
    name = "FloorDivideBackward0"
    kernel = "div_floor_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
    ufunc = staticmethod(np.floor_divide)

    def backward(self, g):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented.")


@_guard
class Fmod(_Mod):
    name = "FmodBackward0"
    kernel = "fmod_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
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


@holomorphic
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

    def backward_ops(self, g):
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
        if not isinstance(self.b, np.ndarray):
            return (g * 0 if self.b == 0 else g * (self.b * a ** (self.b - 1))), None
        ga = (g * b * a ** (b - 1)).where(_wrap(self.b != 0), 0.0)
        gb = (g * self.saved_output(self.y) * a.log()).where(
            _wrap(~((self.a == 0) & (self.b >= 0))), 0.0)
        return ga, gb


@holomorphic
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

    def backward_ops(self, g):
        s = self.s
        if s == 0:
            return g * 0, None
        return g * self.saved_output(self.y) * (_math.log(s) if s > 0 else _math.nan), None


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

    def backward_ops(self, g):
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
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

    def backward_ops(self, g):
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
        d = g / self.saved_output(self.y)
        return d * a, (d * b if isinstance(self.b, np.ndarray) else None)


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
            # torch: d/da = log(b), except 0 where a == 0 and b <= 0
            ga = g * np.where((a == 0) & (b <= 0), 0, np.log(b)) if isinstance(a, np.ndarray) else None
            gb = g * a / b if isinstance(b, np.ndarray) else None
        return ga, gb

    def backward_ops(self, g):
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
        ga = gb = None
        if isinstance(self.a, np.ndarray):
            ga = (g * (b.log() if isinstance(b, Tensor) else _math.log(b))).where(_wrap(self.a != 0), 0.0)
        if isinstance(self.b, np.ndarray):
            gb = g * a / b
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

    backward_ops = scaled_backward_ops   # +-1 and 0: piecewise constant


@_guard
class Maximum(Op):
    name = "MaximumBackward0"
    kernel = "maximum_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
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

    def backward_ops(self, g):
        a, b = self.a, self.b
        dt = g._data.dtype
        wa, wb = self._weights(a, b)
        return g * _wrap(wa.astype(dt)), g * _wrap(wb.astype(dt))

    @staticmethod
    def _weights(a, b):
        """Each input's share of the gradient (ties split it): constant in the inputs."""
        tie = (a == b) * 0.5
        return (a > b) + tie, (b > a) + tie


@_guard
class Minimum(Maximum):
    name = "MinimumBackward0"
    kernel = "minimum_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.minimum(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        h = g * _c(0.5, g)
        ga = np.where(a < b, g, np.where(a == b, h, 0))
        gb = np.where(b < a, g, np.where(a == b, h, 0))
        return ga, gb

    @staticmethod
    def _weights(a, b):
        tie = (a == b) * 0.5
        return (a < b) + tie, (b < a) + tie

    @staticmethod
    def _weights(a, b):
        tie = (a == b) * 0.5
        return (a < b) + tie, (b < a) + tie

    @staticmethod
    def _weights(a, b):
        tie = (a == b) * 0.5
        return (a < b) + tie, (b < a) + tie

    @staticmethod
    def _weights(a, b):
        tie = (a == b) * 0.5
        return (a < b) + tie, (b < a) + tie


@_guard
class Fmax(Op):
    name = "FmaxBackward0"
    kernel = "maximum_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64
    promote = SAME
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.fmax(a, b)

    def backward(self, g):
        m = (self.a >= self.b) | np.isnan(self.b)
        return np.where(m, g, 0), np.where(m, 0, g)

    backward_ops = scaled_backward_ops   # masks


@_guard
class Fmin(Fmax):
    name = "FminBackward0"
    kernel = "minimum_cpu"   # PyTorch's kernel, named when it refuses uint16/32/64

    def forward(self, a, b):
        self.a, self.b = a, b
        return np.fmin(a, b)

    def backward(self, g):
        m = (self.a <= self.b) | np.isnan(self.b)
        return np.where(m, g, 0), np.where(m, 0, g)


@tensor_method()
def rsub(input, other, *, alpha=1):
    """``other - alpha * input``: ``sub`` with the operands swapped.

    Example:
        >>> torch.rsub(torch.tensor([1., 2.]), 10)
        tensor([9., 8.])
    """
    _no_bool_sub(other, input)
    return sub(other, input, alpha=alpha) if isinstance(other, Tensor) else \
        apply(RSub, input, other * alpha if alpha != 1 else other)


@tensor_method("floor_divide", "__floordiv__")
def floor_divide(input, other, *, out=None) -> Tensor:
    """``input // other``: the quotient rounded down, as Python's ``//``.

    Example:
        >>> torch.floor_divide(torch.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    if not isinstance(input, Tensor):
        return _out(apply(RFloorDivide, other, input), out)
    return _out(apply(FloorDivide, input, other), out)


@tensor_method("remainder", "__mod__")
def remainder(input, other, *, out=None) -> Tensor:
    """Python's modulus: ``input - floor(input / other) * other``, with the sign of ``other``.

    Example:
        >>> torch.remainder(torch.tensor([-3., 3.]), 2)
        tensor([1., 1.])
    """
    if not isinstance(input, Tensor):
        return _out(apply(RRemainder, other, input), out)
    return _out(apply(Remainder, input, other), out)


@tensor_method("pow", "__pow__")
def pow(input, exponent, *, out=None) -> Tensor:
    """``input ** exponent``: either may be a number (not both).

    Example:
        >>> torch.pow(torch.tensor([2., 3.]), 2)
        tensor([4., 9.])
        >>> torch.pow(2, torch.tensor([1, 3]))
        tensor([2, 8])
    """
    if not isinstance(input, Tensor):
        return _out(apply(RPow, exponent, input), out)
    return _out(apply(Pow, input, exponent), out)


@tensor_method()
def float_power(input, exponent, *, out=None) -> Tensor:
    """``input ** exponent`` computed in double precision (complex128 for complex operands).

    Example:
        >>> torch.float_power(torch.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=torch.float64)
    """
    def wide(x):   # float64, or complex128 for complex operands
        if isinstance(x, Tensor):
            return x.cdouble() if x.is_complex() else x.double()
        return x if isinstance(x, complex) else float(x)
    return pow(wide(input), wide(exponent), out=out)


fmod, fmod_ = _binary(Fmod, "fmod"), _binary_(Fmod, "fmod_")
atan2, atan2_ = _binary(Atan2, "atan2"), _binary_(Atan2, "atan2_")
tensor_method("arctan2_")(atan2_)
hypot, hypot_ = _binary(Hypot, "hypot"), _binary_(Hypot, "hypot_")
xlogy, xlogy_ = _binary(Xlogy, "xlogy"), _binary_(Xlogy, "xlogy_")
copysign, copysign_ = _binary(Copysign, "copysign"), _binary_(Copysign, "copysign_")
maximum, minimum = _binary(Maximum, "maximum"), _binary(Minimum, "minimum")
fmax, fmin = _binary(Fmax, "fmax"), _binary(Fmin, "fmin")
floor_divide_ = _binary_(FloorDivide, "floor_divide_")
tensor_method("__ifloordiv__")(floor_divide_)
remainder_ = _binary_(Remainder, "remainder_")
tensor_method("__imod__")(remainder_)


arctan2 = tensor_method("arctan2")(atan2)


@tensor_method()
def positive(input) -> Tensor:
    """``+input``: returns ``input`` itself (raises for bool tensors).

    Example:
        >>> torch.positive(torch.tensor([-1., 2.]))
        tensor([-1.,  2.])
    """
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# ---- reflected operators and in-place methods -------------------------------------------

def _r(cls, name):
    """Reflected operator ``number <op> tensor`` via a swapped-argument op (a tensor ``other``,
    as ``Tensor.__rmod__(x, y)`` passes it, takes the forward op)."""
    def f(self, other):
        if isinstance(other, Tensor):
            return (remainder if cls is RRemainder else floor_divide)(other, self)
        if not isinstance(other, (int, float, bool, np.generic)):
            return NotImplemented
        return apply(cls, self, other)
    return _named(f, name, f"``number {name[3:-2]} tensor``.")


_rmod, _rfloordiv = _r(RRemainder, "__rmod__"), _r(RFloorDivide, "__rfloordiv__")
tensor_method("__rfloordiv__")(_rfloordiv)
tensor_method("__rmod__")(_rmod)


@tensor_method("__rpow__")
def _rpow(self, other) -> Tensor:
    if isinstance(other, Tensor):
        return pow(other, self)
    if not isinstance(other, (int, float, bool, complex, np.generic)):
        return NotImplemented
    return apply(RPow, self, other)


@tensor_method("__pos__")
def _pos(self):
    return positive(self)


@tensor_method("pow_", "__ipow__")
def pow_(self, exponent):
    """In-place ``self **= exponent``; returns ``self``.

    Example:
        >>> torch.tensor([2., 3.]).pow_(2)
        tensor([4., 9.])
    """
    return _inplace(Pow, self, exponent)


@tensor_method()
def float_power_(self, exponent) -> Tensor:
    """In-place ``float_power``; ``self`` must already be float64 (or complex128).

    Example:
        >>> torch.tensor([2., 3.], dtype=torch.float64).float_power_(2)
        tensor([4., 9.], dtype=torch.float64)
    """
    if self._data.dtype != np.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {_type_name(self._data.dtype)} "
                           "but the operation's result requires dtype Double")
    return pow_(self, exponent.double() if isinstance(exponent, Tensor) else float(exponent))


negative_ = tensor_method("negative_")(neg_)
