"""Elementwise ops: arithmetic, unary maths, comparisons, logical and bitwise.

Forward and backward side by side on raw arrays; broadcasting gradients are
reduced to each input's shape by the backward walk (see ``_apply``).
"""
import numpy as np

from .._tensor import Tensor
from ._apply import Op, apply, apply_, SAME, FLOAT

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
           "neg", "negative", "exp", "log"]


# ---- binary arithmetic --------------------------------------------------------------

class Add(Op):
    name = "AddBackward0"
    promote = SAME

    def forward(self, a, b, alpha=1):
        if alpha != 1:
            self.alpha = alpha
            return a + b * alpha
        return a + b

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
        if alpha != 1:
            self.alpha = alpha
            return a - b * alpha
        return a - b

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
        return a * b

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
        return a / b

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


def neg(input, *, out=None):
    return _out(apply(Neg, input), out)


def exp(input, *, out=None):
    return _out(apply(Exp, input), out)


def log(input, *, out=None):
    return _out(apply(Log, input), out)


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
    return apply_(Mul, self, other)


def _idiv(self, other):
    return apply_(Div, self, other)


def add_(self, other, *, alpha=1):
    return apply_(Add, self, other, alpha=alpha) if alpha != 1 else apply_(Add, self, other)


def sub_(self, other, *, alpha=1):
    return apply_(Sub, self, other, alpha=alpha) if alpha != 1 else apply_(Sub, self, other)


def mul_(self, other):
    return apply_(Mul, self, other)


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return apply_(Div, self, other)
    return apply_(Div, self, other, rounding_mode=rounding_mode)


def neg_(self):
    return apply_(Neg, self)


def exp_(self):
    return apply_(Exp, self)


def log_(self):
    return apply_(Log, self)


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
