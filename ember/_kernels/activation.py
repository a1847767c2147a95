"""GELU (exact and tanh) and SiLU, forward and backward, on flat arrays over every thread.

Called through ``ember.ops._pointwise._parallel`` (dense float32/float64 arrays from
``_KMIN`` elements on); the NumPy references are ``Gelu`` and ``Silu`` in
``ember.ops.activation``. Each formula is PyTorch's (``GeluKernel.cpp``,
``Activation.cpp``), so inf and NaN come out as there; float32 takes ``vmath``'s ``exp``
and ``erf``, which LLVM vectorizes, float64 libm's.
"""
import math

import numba
import numpy as np
from numba import types
from numba.core.extending import overload

from . import jit
from .vmath import erf, exp

__all__ = ["gelu_fwd", "gelu_bwd", "gelu_tanh_fwd", "gelu_tanh_bwd", "silu_fwd", "silu_bwd"]


def _consts(x, *values):
    """``values`` in the float type of ``x`` (a numba type)."""
    f = np.float32 if x == types.float32 else np.float64
    return tuple(f(v) for v in values)


def _gelu(x):
    """x * Phi(x)."""


def _dgelu(x):
    """d/dx x * Phi(x)."""


def _gelu_tanh(x):
    """x * (1 + tanh(u)) / 2, u = sqrt(2/pi) * (x + 0.044715 x**3)."""


def _dgelu_tanh(x):
    """Its derivative."""


def _silu(x):
    """x * sigmoid(x)."""


def _dsilu(x):
    """Its derivative."""


# error_model="numpy": x / 0 is inf, with no ZeroDivisionError branch to keep the loop from
# vectorizing; "contract" lets LLVM fuse a * b + c into one FMA (one rounding, as torch's
# Vectorized fmadd; no reassociation, inf and NaN as IEEE): about 30% off these kernels
_OPTS = dict(parallel=True, error_model="numpy", fastmath={"contract"})
_R2, _K = 1 / math.sqrt(2.0), math.sqrt(2.0 / math.pi)
_PDF = 1 / math.sqrt(2.0 * math.pi)


@overload(_gelu, inline="always")
def _gelu_impl(x):
    half, one, r2 = _consts(x, 0.5, 1.0, _R2)
    return lambda x: x * half * (one + erf(x * r2))


def _pdf(x):
    """The standard normal density."""


@overload(_pdf)   # not inlined in numba's IR: two inlined exp in one function trip its SSA check
def _pdf_impl(x):
    c, mhalf = _consts(x, _PDF, -0.5)
    return lambda x: c * exp(x * x * mhalf)


@overload(_dgelu, inline="always")
def _dgelu_impl(x):
    half, one, r2 = _consts(x, 0.5, 1.0, _R2)
    return lambda x: half * (one + erf(x * r2)) + x * _pdf(x)


@overload(_gelu_tanh, inline="always")
def _gelu_tanh_impl(x):
    half, one, k, kk = _consts(x, 0.5, 1.0, _K, 0.044715)

    def impl(x):   # 1 + tanh(u) = 2 / (1 + exp(-2u)): no cancellation
        u = k * (x + kk * (x * x * x))
        return x / (one + exp(-(u + u)))
    return impl


@overload(_dgelu_tanh, inline="always")
def _dgelu_tanh_impl(x):
    half, one, two, k, kk, k3 = _consts(x, 0.5, 1.0, 2.0, _K, 0.044715, 3 * 0.044715)

    def impl(x):
        # with s = sigmoid(2u): (1 + tanh u) / 2 = s and 1 - tanh(u)**2 = 4 s (1 - s); s and
        # 1 - s both from exp(-2|u|) <= 1, so neither cancels nor overflows
        xx = x * x
        u = k * (x + kk * (xx * x))
        e = exp(-abs(u + u))
        p = one / (one + e)
        q = e * p
        s, t = (p, q) if u >= 0 else (q, p)
        return s + (two * x) * (s * t) * (k * (one + k3 * xx))
    return impl


@overload(_silu, inline="always")
def _silu_impl(x):
    one, = _consts(x, 1.0)
    return lambda x: x / (one + exp(-x))


@overload(_dsilu, inline="always")
def _dsilu_impl(x):
    one, = _consts(x, 1.0)

    def impl(x):
        s = one / (one + exp(-x))
        return s * (one + x * (one - s))
    return impl


@jit(**_OPTS)
def gelu_fwd(a, out):
    for i in numba.prange(a.size):
        out[i] = _gelu(a[i])


@jit(**_OPTS)
def gelu_bwd(a, g, out):
    for i in numba.prange(a.size):
        out[i] = g[i] * _dgelu(a[i])


@jit(**_OPTS)
def gelu_tanh_fwd(a, out):
    for i in numba.prange(a.size):
        out[i] = _gelu_tanh(a[i])


@jit(**_OPTS)
def gelu_tanh_bwd(a, g, out):
    for i in numba.prange(a.size):
        out[i] = g[i] * _dgelu_tanh(a[i])


@jit(**_OPTS)
def silu_fwd(a, out):
    for i in numba.prange(a.size):
        out[i] = _silu(a[i])


@jit(**_OPTS)
def silu_bwd(a, g, out):
    for i in numba.prange(a.size):
        out[i] = g[i] * _dsilu(a[i])
