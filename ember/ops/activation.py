"""Activation ops: relu family, sigmoid/tanh family, gelu (erf from ops.special); the softmax
family is in ops.softmax."""
import math

import numpy as np

from .. import _dtype as D
from .._tensor import _wrap
from ._apply import Op, apply, apply_, wrap_dim
from ._pointwise import _parallel
from .special import _erf
from .unary import relu as _relu
from .unary import relu_ as _relu_

# ---- elementwise activations: one Op class per function ------------------------------

def _check_float(a, fname):
    if a.dtype.kind not in "fc" and a.dtype.kind != "V":
        tn = {"i": "Long", "u": "Byte", "b": "Bool"}.get(a.dtype.kind, str(a.dtype))
        if a.dtype == np.int32:
            tn = "Int"
        raise RuntimeError(f'"{fname}" not implemented for \'{tn}\'')


class _Act(Op):
    """Base: subclasses define ``f(a, *p)`` and ``df(a, y, *p)`` (dy/da) on arrays.

    For double backward (``create_graph=True``) a subclass gives either ``dft(x, y, *p)``,
    dy/dx written with ember ops on tensors, or ``flat_df = True`` when dy/dx is
    piecewise constant (its own derivative is zero almost everywhere). ``kernel(*p)``, if
    given, names ``_kernels.activation.<name>_fwd``/``_bwd``, run on big dense float arrays."""
    saves = (0,)
    fname = "act"
    allow_int = False
    dft = None
    flat_df = False
    kernel = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.dft is not None or cls.flat_df:
            cls.backward_ops = cls._backward_ops

    def forward(self, a, *p, inplace=False):
        if not self.allow_int:
            _check_float(a, self.fname)
        self.p = p
        k = self.kernel and _parallel(self.kernel(*p) + "_fwd", a, mod="activation")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            y = self.f(a, *p) if k is None else k
        if y.dtype != a.dtype:
            y = y.astype(a.dtype)
        self.a = a.copy() if inplace else a
        self.y = y
        return y

    def backward(self, g):
        r = self.kernel and _parallel(self.kernel(*self.p) + "_bwd", self.a, g, mod="activation")
        if r is not None:
            return r
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            d = self.df(self.a, self.y, *self.p)
        r = g * d
        return r.astype(g.dtype, copy=False)

    def _backward_ops(self, g):
        if self.flat_df:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                return g * _wrap(self.df(self.a, self.y, *self.p).astype(self.y.dtype, copy=False))
        return g * self.dft(self.saved_input(0, self.a), self.saved_output(self.y), *self.p)


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def _f(a, v):
    return np.asarray(v, dtype=a.dtype)


class Hardtanh(_Act):
    name = "HardtanhBackward0"
    fname = "hardtanh"
    allow_int = True   # integer inputs clamp to the limits truncated to their dtype, as torch's
    f = staticmethod(lambda a, lo, hi: np.clip(a, _f(a, lo), _f(a, hi)))
    df = staticmethod(lambda a, y, lo, hi: ((a > lo) & (a < hi)).astype(a.dtype))
    flat_df = True

    def forward(self, a, lo, hi, inplace=False):
        if a.dtype.kind == "b":
            raise RuntimeError("Bool inputs not supported for hardtanh")
        if a.dtype.kind == "u":
            D.refuse_unsigned(a, "clamp_scalar_cpu")
            if lo < 0:
                raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
        return super().forward(a, lo, hi, inplace=inplace)


class LeakyRelu(_Act):
    name = "LeakyReluBackward0"
    fname = "leaky_relu"
    f = staticmethod(lambda a, s: np.where(a > 0, a, a * _f(a, s)))
    df = staticmethod(lambda a, y, s: np.where(a > 0, _f(a, 1), _f(a, s)))
    flat_df = True


class Elu(_Act):
    name = "EluBackward0"
    fname = "elu"
    f = staticmethod(lambda a, al, sc, isc: np.where(
        a > 0, a * _f(a, sc), _f(a, al * sc) * np.expm1(np.minimum(a, 0) * _f(a, isc))))
    df = staticmethod(lambda a, y, al, sc, isc: np.where(
        a > 0, _f(a, sc), _f(a, al * sc * isc) * np.exp(np.minimum(a, 0) * _f(a, isc))))
    dft = staticmethod(lambda x, y, al, sc, isc: (
        (x.clamp(max=0) * isc).exp() * (al * sc * isc)).where(x <= 0, sc))


class Gelu(_Act):
    name = "GeluBackward0"
    fname = "GeluKernelImpl"
    kernel = staticmethod(lambda approx: "gelu_tanh" if approx == "tanh" else "gelu")

    @staticmethod
    def f(a, approx):
        if approx == "tanh":
            k = math.sqrt(2.0 / math.pi)
            return 0.5 * a * (1.0 + np.tanh(k * (a + 0.044715 * a * a * a)))
        return (0.5 * a * (1.0 + _erf(a * _f(a, 1.0 / math.sqrt(2.0))))).astype(a.dtype)

    @staticmethod
    def df(a, y, approx):
        if approx == "tanh":
            k = math.sqrt(2.0 / math.pi)
            inner = k * (a + 0.044715 * a * a * a)
            t = np.tanh(inner)
            return 0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * a * a)
        cdf = 0.5 * (1.0 + _erf(a * _f(a, 1.0 / math.sqrt(2.0))))
        pdf = np.exp(-0.5 * a * a) * _f(a, 1.0 / math.sqrt(2.0 * math.pi))
        return cdf + a * pdf

    @staticmethod
    def dft(x, y, approx):
        if approx == "tanh":
            k = math.sqrt(2.0 / math.pi)
            t = (k * (x + 0.044715 * x * x * x)).tanh()
            return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * x * x)
        cdf = 0.5 * (1.0 + (x * (1.0 / math.sqrt(2.0))).erf())
        pdf = (-0.5 * x * x).exp() * (1.0 / math.sqrt(2.0 * math.pi))
        return cdf + x * pdf


class Silu(_Act):
    name = "SiluBackward0"
    fname = "silu"
    kernel = staticmethod(lambda: "silu")
    f = staticmethod(lambda a: a * _sig(a))

    @staticmethod
    def df(a, y):
        s = _sig(a)
        return s * (1.0 + a * (1.0 - s))

    @staticmethod
    def dft(x, y):
        s = x.sigmoid()
        return s * (1.0 + x * (1.0 - s))


def _softplus(a, beta=1.0, th=20.0):
    z = a * _f(a, beta)
    return np.where(z > th, a, np.log1p(np.exp(np.minimum(z, th))) / _f(a, beta))


class Mish(_Act):
    name = "MishBackward0"
    fname = "mish"
    f = staticmethod(lambda a: a * np.tanh(_softplus(a)))

    @staticmethod
    def df(a, y):
        t = np.tanh(_softplus(a))
        return t + a * _sig(a) * (1.0 - t * t)

    @staticmethod
    def dft(x, y):
        t = apply(Softplus, x, 1.0, 20.0).tanh()
        return t + x * x.sigmoid() * (1.0 - t * t)


class Sigmoid(_Act):
    name = "SigmoidBackward0"
    fname = "sigmoid"
    f = staticmethod(_sig)
    df = staticmethod(lambda a, y: y * (1.0 - y))
    dft = df


class Tanh(_Act):
    name = "TanhBackward0"
    fname = "tanh"
    f = staticmethod(np.tanh)
    df = staticmethod(lambda a, y: 1.0 - y * y)
    dft = df


class Hardsigmoid(_Act):
    name = "HardsigmoidBackward0"
    fname = "hardsigmoid"
    f = staticmethod(lambda a: np.clip(a / _f(a, 6) + _f(a, 0.5), _f(a, 0), _f(a, 1)))
    df = staticmethod(lambda a, y: np.where((a > -3) & (a < 3), _f(a, 1 / 6), _f(a, 0)))
    flat_df = True


class Hardswish(_Act):
    name = "HardswishBackward0"
    fname = "hardswish"
    f = staticmethod(lambda a: a * np.clip(a + _f(a, 3), _f(a, 0), _f(a, 6)) / _f(a, 6))
    df = staticmethod(lambda a, y: np.where(a < -3, _f(a, 0), np.where(
        a <= 3, a / _f(a, 3) + _f(a, 0.5), _f(a, 1))))
    dft = staticmethod(lambda x, y: (x / 3 + 0.5).where(x <= 3, 1.0).where(x >= -3, 0.0))


class Softplus(_Act):
    name = "SoftplusBackward0"
    fname = "softplus"
    f = staticmethod(lambda a, beta, th: _softplus(a, beta, th))

    @staticmethod
    def df(a, y, beta, th):
        z = a * _f(a, beta)
        return np.where(z > th, _f(a, 1), _sig(z))

    @staticmethod
    def dft(x, y, beta, th):
        z = x * beta
        return z.sigmoid().where(z <= th, 1.0)


class Softsign(_Act):
    name = "DivBackward0"
    fname = "softsign"
    f = staticmethod(lambda a: a / (1.0 + np.abs(a)))
    df = staticmethod(lambda a, y: 1.0 / (1.0 + np.abs(a)) ** 2)
    dft = staticmethod(lambda x, y: 1.0 / (1.0 + x.abs()) ** 2)


class Tanhshrink(_Act):
    name = "SubBackward0"
    fname = "tanhshrink"
    f = staticmethod(lambda a: a - np.tanh(a))
    df = staticmethod(lambda a, y: np.tanh(a).conj() ** 2)   # conj: torch's complex gradient
    dft = staticmethod(lambda x, y: x.tanh().conj() ** 2)


class Threshold(_Act):
    name = "ThresholdBackward0"
    fname = "threshold"
    allow_int = True
    f = staticmethod(lambda a, th, v: np.where(a <= th, _f(a, v), a))   # NaN stays NaN, as torch
    df = staticmethod(lambda a, y, th, v: (~(a <= th)).astype(y.dtype))
    flat_df = True


class Softshrink(_Act):
    name = "SoftshrinkBackward0"
    fname = "softshrink"
    f = staticmethod(lambda a, l: np.where(np.abs(a) <= l, _f(a, 0), a - np.sign(a) * _f(a, l)))
    df = staticmethod(lambda a, y, l: (~(np.abs(a) <= l)).astype(a.dtype))
    flat_df = True


class Hardshrink(_Act):
    name = "HardshrinkBackward0"
    fname = "hardshrink"
    f = staticmethod(lambda a, l: np.where(np.abs(a) <= l, _f(a, 0), a))
    df = staticmethod(lambda a, y, l: (~(np.abs(a) <= l)).astype(a.dtype))
    flat_df = True


class LogSigmoid(_Act):
    name = "LogSigmoidBackward0"
    fname = "log_sigmoid_forward"
    f = staticmethod(lambda a: np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a))))
    df = staticmethod(lambda a, y: _sig(-a))
    dft = staticmethod(lambda x, y: (-x).sigmoid())


class Prelu(Op):
    name = "PreluKernelBackward0"
    saves = (0, 1)

    def forward(self, a, w):
        _check_float(a, "prelu")
        if w.size != 1:
            if a.ndim < 2 and a.ndim != 1 or (a.ndim >= 2 and a.shape[1] != w.size) or \
                    (a.ndim == 1 and a.shape[0] != w.size):
                ch = a.shape[1] if a.ndim >= 2 else (a.shape[0] if a.ndim == 1 else 1)
                raise RuntimeError(
                    "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                    f"= {w.size} and channel size = {ch}.")
        self.a, self.w = a, w
        shape = [1] * a.ndim
        if w.size != 1 and a.ndim >= 2:
            shape[1] = w.size
        elif w.size != 1:
            shape[0] = w.size
        self.wb = w.reshape(shape) if a.ndim else w.reshape(())
        return np.where(a > 0, a, a * self.wb)

    def backward(self, g):
        a = self.a
        ga = np.where(a > 0, g, g * self.wb)
        gw = np.where(a > 0, 0, g * a)
        return ga, self._sum_w(gw)

    def _sum_w(self, gw):
        if self.w.size == 1:
            return gw.sum().reshape(self.w.shape)
        axes = tuple(i for i in range(self.a.ndim) if i != (1 if self.a.ndim >= 2 else 0))
        return gw.sum(axes).reshape(self.w.shape)

    def backward_ops(self, g):
        x, w = self.saved_input(0, self.a), self.saved_input(1, self.w)
        pos = _wrap(self.a > 0)
        ga = g.where(pos, g * w.reshape(self.wb.shape))
        return ga, self._sum_w((g * x).where(pos.logical_not(), 0.0))


class Glu(Op):
    name = "GluBackward0"
    saves = (0,)

    def forward(self, a, dim):
        _check_float(a, "glu")
        n = a.shape[dim]
        if n % 2:
            raise RuntimeError(
                f"Halving dimension must be even, but dimension {dim} is size {n}")
        h = n // 2
        x1 = np.take(a, range(0, h), axis=dim)
        x2 = np.take(a, range(h, n), axis=dim)
        s = _sig(x2)
        self.x1, self.s, self.dim = x1, s, dim
        return x1 * s

    def backward(self, g):
        s = self.s
        return np.concatenate([g * s, g * self.x1 * s * (1 - s)], axis=self.dim)

    def backward_ops(self, g):   # input 0 from the saved halves (x2 = logit(s))
        from .joining import cat

        with np.errstate(divide="ignore"):
            a = self.saved_input(0, np.concatenate([self.x1, np.log(self.s) - np.log1p(-self.s)], self.dim))
        h = self.x1.shape[self.dim]
        x1, s = a.narrow(self.dim, 0, h), a.narrow(self.dim, h, h).sigmoid()
        return cat([g * s, g * x1 * s * (1 - s)], self.dim)


# ---- functional wrappers ------------------------------------------------------------------

def _run(cls, input, inplace, *p):
    if inplace:
        return apply_(cls, input, *p, inplace=True)
    return apply(cls, input, *p)


def relu(input, inplace=False):
    """Rectified linear unit elementwise: ``max(x, 0)`` (one ``ReluBackward0`` node).

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.relu(ember.tensor([-1., 2.]))
        tensor([0., 2.])
    """
    return _relu_(input) if inplace else _relu(input)


def relu_(input):
    """In-place :func:`relu`: replaces the negative entries of ``input`` with 0 and returns ``input``.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([-1., 2.])
        >>> _ = F.relu_(x)
        >>> x
        tensor([0., 2.])
    """
    return _relu_(input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamps ``input`` elementwise to ``[min_val, max_val]``.

    Args:
        input (Tensor): the input tensor.
        min_val (float): lower bound. Default: ``-1.0``.
        max_val (float): upper bound. Default: ``1.0``.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.hardtanh(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-1.0000, -0.5000,  0.0000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _run(Hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place :func:`hardtanh`.

    Args:
        input (Tensor): the input tensor.
        min_val (float): lower bound. Default: ``-1.0``.
        max_val (float): upper bound. Default: ``1.0``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.hardtanh_(ember.tensor([-3., 0.5, 3.]), 0., 2.)
        tensor([0.0000, 0.5000, 2.0000])
    """
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    """ReLU capped at 6 elementwise: ``min(max(x, 0), 6)``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.relu6(ember.tensor([-1., 3., 8.]))
        tensor([0., 3., 6.])
    """
    return _run(Hardtanh, input, inplace, 0.0, 6.0)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Leaky ReLU elementwise: ``x`` where ``x >= 0``, ``negative_slope * x`` elsewhere.

    Args:
        input (Tensor): the input tensor.
        negative_slope (float): slope used for negative inputs. Default: ``0.01``.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.leaky_relu(ember.tensor([-2., 3.]), negative_slope=0.1)
        tensor([-0.2000,  3.0000])
    """
    return _run(LeakyRelu, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place :func:`leaky_relu`.

    Args:
        input (Tensor): the input tensor.
        negative_slope (float): slope used for negative inputs. Default: ``0.01``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.leaky_relu_(ember.tensor([-2., 3.]), 0.5)
        tensor([-1.,  3.])
    """
    return leaky_relu(input, negative_slope, True)


def elu(input, alpha=1.0, inplace=False):
    """Exponential linear unit elementwise: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        input (Tensor): the input tensor.
        alpha (float): scale of the negative part. Default: ``1.0``.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.elu(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-0.8647, -0.3935,  0.0000,  1.5000])
    """
    return _run(Elu, input, inplace, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    """In-place :func:`elu`.

    Args:
        input (Tensor): the input tensor.
        alpha (float): scale of the negative part. Default: ``1.0``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.elu_(ember.tensor([-1., 1.]), alpha=2.)
        tensor([-1.2642,  1.0000])
    """
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """Scaled ELU elementwise: ``scale * elu(x, alpha)`` with the fixed constants ``alpha ~ 1.6733`` and ``scale ~
        1.0507``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.selu(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-1.5202, -0.6918,  0.0000,  1.5761])
    """
    return _run(Elu, input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    """In-place :func:`selu`.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> F.selu_(ember.tensor([-1., 1.]))
        tensor([-1.1113,  1.0507])
    """
    return selu(input, True)


def celu(input, alpha=1.0, inplace=False):
    """Continuously differentiable ELU elementwise: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Args:
        input (Tensor): the input tensor.
        alpha (float): scale of the negative part. Default: ``1.0``.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.celu(ember.tensor([-2., -0.5, 0., 1.5]), alpha=2.)
        tensor([-1.2642, -0.4424,  0.0000,  1.5000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _run(Elu, input, inplace, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`.

    Args:
        input (Tensor): the input tensor.
        alpha (float): scale of the negative part. Default: ``1.0``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.celu_(ember.tensor([-1., 1.]))
        tensor([-0.6321,  1.0000])
    """
    return celu(input, alpha, True)


def gelu(input, approximate="none"):
    """Gaussian error linear unit elementwise: ``x * Phi(x)``, with ``Phi`` the standard normal CDF.

    Args:
        input (Tensor): the input tensor.
        approximate (str): ``'none'`` for the exact erf form, ``'tanh'`` for the tanh approximation. Default:
            ``'none'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.gelu(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-0.0455, -0.1543,  0.0000,  1.3998])
        >>> F.gelu(ember.tensor([-2., -0.5, 0., 1.5]), approximate='tanh')
        tensor([-0.0454, -0.1543,  0.0000,  1.3996])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return apply(Gelu, input, approximate)


def silu(input, inplace=False):
    """Sigmoid linear unit (swish) elementwise: ``x * sigmoid(x)``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.silu(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-0.2384, -0.1888,  0.0000,  1.2264])
    """
    return _run(Silu, input, inplace)


def mish(input, inplace=False):
    """Mish elementwise: ``x * tanh(softplus(x))``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.mish(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-0.2525, -0.2207,  0.0000,  1.4034])
    """
    return _run(Mish, input, inplace)


def sigmoid(input):
    """Logistic sigmoid elementwise: ``1 / (1 + exp(-x))``.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> F.sigmoid(ember.tensor([-1., 0., 1.]))
        tensor([0.2689, 0.5000, 0.7311])
    """
    return apply(Sigmoid, input)


def tanh(input):
    """Hyperbolic tangent elementwise.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> F.tanh(ember.tensor([-1., 0., 1.]))
        tensor([-0.7616,  0.0000,  0.7616])
    """
    return apply(Tanh, input)


def hardsigmoid(input, inplace=False):
    """Piecewise-linear sigmoid elementwise: ``clamp(x / 6 + 1/2, 0, 1)``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.hardsigmoid(ember.tensor([-4., 0., 1.5, 4.]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """
    return _run(Hardsigmoid, input, inplace)


def hardswish(input, inplace=False):
    """Piecewise-linear swish elementwise: ``x * hardsigmoid(x)``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.hardswish(ember.tensor([-4., 0., 1.5, 4.]))
        tensor([-0.0000, 0.0000, 1.1250, 4.0000])
    """
    return _run(Hardswish, input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """Smooth approximation of ReLU elementwise: ``log(1 + exp(beta * x)) / beta``; linear where ``beta * x >
        threshold``.

    Args:
        input (Tensor): the input tensor.
        beta (float): sharpness. Default: ``1.0``.
        threshold (float): above this value of ``beta * x`` the result is ``x``. Default: ``20.0``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.softplus(ember.tensor([-1., 0., 1., 30.]))
        tensor([ 0.3133,  0.6931,  1.3133, 30.0000])
    """
    return apply(Softplus, input, beta, threshold)


def softsign(input):
    """Softsign elementwise: ``x / (1 + |x|)``.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> F.softsign(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-0.6667, -0.3333,  0.0000,  0.6000])
    """
    return apply(Softsign, input)


def tanhshrink(input):
    """``x - tanh(x)`` elementwise.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> F.tanhshrink(ember.tensor([-1., 0., 2.]))
        tensor([-0.2384,  0.0000,  1.0360])
    """
    return apply(Tanhshrink, input)


def threshold(input, threshold, value, inplace=False):
    """Replaces the entries not greater than ``threshold`` with ``value``; keeps the others.

    Args:
        input (Tensor): the input tensor.
        threshold (float): the cut-off.
        value (float): the replacement.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.threshold(ember.tensor([-1., 0.5, 2.]), 1., -5.)
        tensor([-5., -5.,  2.])
    """
    return _run(Threshold, input, inplace, threshold, value)


def threshold_(input, threshold, value):
    """In-place :func:`threshold`.

    Args:
        input (Tensor): the input tensor.
        threshold (float): the cut-off.
        value (float): the replacement.

    Example:
        >>> import ember.nn.functional as F
        >>> F.threshold_(ember.tensor([-1., 0.5, 2.]), 0., 0.)
        tensor([0.0000, 0.5000, 2.0000])
    """
    return _run(Threshold, input, True, threshold, value)


def softshrink(input, lambd=0.5):
    """Soft shrinkage elementwise: moves ``x`` towards 0 by ``lambd`` and sets ``[-lambd, lambd]`` to 0.

    Args:
        input (Tensor): the input tensor.
        lambd (float): the shrinkage, at least 0. Default: ``0.5``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.softshrink(ember.tensor([-2., 0.25, 1.5]))
        tensor([-1.5000,  0.0000,  1.0000])
    """
    if lambd < 0:
        raise RuntimeError(
            f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return apply(Softshrink, input, lambd)


def hardshrink(input, lambd=0.5):
    """Hard shrinkage elementwise: sets the entries in ``[-lambd, lambd]`` to 0 and keeps the others.

    Args:
        input (Tensor): the input tensor.
        lambd (float): the half-width of the zeroed band. Default: ``0.5``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.hardshrink(ember.tensor([-2., -0.5, 0., 1.5]))
        tensor([-2.0000,  0.0000,  0.0000,  1.5000])
    """
    return apply(Hardshrink, input, lambd)


def logsigmoid(input):
    """``log(sigmoid(x))`` elementwise, computed without overflow.

    Args:
        input (Tensor): the input tensor.

    Example:
        >>> import ember.nn.functional as F
        >>> F.logsigmoid(ember.tensor([-100., 0., 2.]))
        tensor([-100.0000,   -0.6931,   -0.1269])
    """
    return apply(LogSigmoid, input)


def prelu(input, weight):
    """Parametric ReLU elementwise: ``max(0, x) + weight * min(0, x)``, with one learnt slope (or one per channel,
        dim 1).

    Args:
        input (Tensor): the input tensor.
        weight (Tensor): the slopes, of shape ``(1,)`` or ``(C,)``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.prelu(ember.tensor([[-1., 2.], [-3., 4.]]), ember.tensor([0.5, 0.1]))
        tensor([[-0.5000,  2.0000],
                [-1.5000,  4.0000]])
    """
    return apply(Prelu, input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training the negative slope is drawn uniformly from ``[lower, upper]`` per
        element; in evaluation it is ``(lower + upper) / 2``.

    Args:
        input (Tensor): the input tensor.
        lower (float): smallest slope. Default: ``1/8``.
        upper (float): largest slope. Default: ``1/3``.
        training (bool): draw random slopes. Default: ``False``.
        inplace (bool): if ``True``, overwrite ``input`` with the result. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.rrelu(ember.tensor([-4., 2.]), lower=0.25, upper=0.75)
        tensor([-2.,  2.])
    """
    if training:
        from .. import _random
        a = input._data
        from .._tensor import _wrap
        from .arithmetic import mul
        return mul(input, _wrap(_random.rrelu_slopes(a, lower, upper)))
    return leaky_relu(input, (lower + upper) / 2, inplace)


def glu(input, dim=-1):
    """Gated linear unit: splits ``input`` in halves ``a, b`` along ``dim`` and returns ``a * sigmoid(b)``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to split; its size must be even. Default: ``-1``.

    Shape:
        Input: ``(*, 2N, *)``. Output: ``(*, N, *)``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.glu(ember.tensor([[1., 2., 0., 100.]]))
        tensor([[0.5000, 2.0000]])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    return apply(Glu, input, wrap_dim(dim, input.ndim))


__all__ = ["relu", "relu_", "hardtanh", "hardtanh_", "relu6",
           "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu",
           "silu", "mish", "hardsigmoid", "hardswish", "softplus", "softsign", "tanhshrink",
           "threshold", "threshold_", "softshrink", "hardshrink", "logsigmoid", "prelu", "rrelu",
           "glu", "sigmoid", "tanh"]
