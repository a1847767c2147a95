"""Math for kernels that LLVM can vectorize: ``exp`` and ``erf`` for float32 without a libm call.

numba turns ``math.exp`` into a scalar call to libm per element, which keeps a loop from
using SIMD (numba's vector math needs Intel's SVML). :func:`exp` here is written in
arithmetic only: ``exp(x) = 2**n * exp(r)`` with ``n = round(x / ln 2)`` and
``|r| <= ln(2) / 2`` (Cody and Waite's two-part ``ln 2``), ``exp(r)`` by its Taylor
polynomial to degree 7 (truncation below 1e-8 relative), ``2**n`` built from its bits in two
factors so overflow gives inf and underflow goes through the subnormals to 0. Float32
results are within 2 ulp of the correctly rounded value (NumPy's own SIMD ``exp`` is
within 3); float64 arguments take ``math.exp``. Use it inside ``@jit`` kernels::

    from .vmath import exp
    ...
    out[i] = exp(x[i])

:func:`erf` takes the float32 formula of ``ember.ops.special._erf32`` (its NumPy reference,
within 1.3 ulp) with this ``exp``; float64 arguments take ``math.erf``.

numba's disk cache checks only a kernel's own file: after editing this one, delete the cached
kernels of the modules that use it (``__pycache__/<module>.*.nbi`` and ``.nbc``).
"""
import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.core.extending import intrinsic, overload

__all__ = ["exp", "erf"]


@intrinsic
def _f32_from_bits(typingctx, bits):
    """The float32 whose bits are the int32 ``bits``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())
    return types.float32(types.int32), codegen


def exp(x):
    """``e ** x``; see the module docstring (only callable from compiled code)."""
    raise NotImplementedError("vmath.exp is called from numba kernels")


_L2E = np.float32(1.4426950408889634)
_LN2_HI = np.float32(0.693359375)        # ln 2 in 9 bits: n * _LN2_HI is exact for |n| < 2**15
_LN2_LO = np.float32(-2.12194440e-4)     # ln 2 - _LN2_HI
_C = tuple(np.float32(1 / math.factorial(k)) for k in range(7, 1, -1))   # 1/7! ... 1/2!


@overload(exp, inline="always")
def _exp_impl(x):
    if x == types.float32:
        lo, hi, half, one = np.float32(-104.0), np.float32(89.0), np.float32(0.5), np.float32(1.0)
        c7, c6, c5, c4, c3, c2 = _C
        bias = np.int32(127)
        shift = np.int32(23)

        def impl(x):
            z = min(max(x, lo), hi)           # beyond these, the result is 0 or inf anyway
            n = np.floor(z * _L2E + half)       # float32 (math.floor would give int64, then float64 math)
            r = z - n * _LN2_HI - n * _LN2_LO
            p = ((((((c7 * r + c6) * r + c5) * r + c4) * r + c3) * r + c2) * r + one) * r + one
            k = np.int32(n)
            k1 = k >> np.int32(1)               # 2**n as 2**k1 * 2**(n - k1): both normal
            p = p * _f32_from_bits((k1 + bias) << shift) * _f32_from_bits((k - k1 + bias) << shift)
            return p if x == x else x         # NaN stays NaN
        return impl
    if isinstance(x, types.Float):
        return lambda x: math.exp(x)
    return None


def erf(x):
    """The error function; see the module docstring (only callable from compiled code)."""
    raise NotImplementedError("vmath.erf is called from numba kernels")


@overload(erf, inline="always")
def _erf_impl(x):
    if x == types.float32:
        from ..ops.special import _ERF32_HI as hi
        from ..ops.special import _ERF32_P, _ERF32_Q
        from ..ops.special import _ERF32_T as t
        p0, p1, p2, p3, p4, p5 = _ERF32_P
        q0, q1, q2, q3, q4, q5, q6 = _ERF32_Q
        one = np.float32(1.0)

        def impl(x):
            u = x * x
            small = x + x * (((((p5 * u + p4) * u + p3) * u + p2) * u + p1) * u + p0)
            z = abs(x)
            w = min(z, hi) - t
            e = exp((((((q6 * w + q5) * w + q4) * w + q3) * w + q2) * w + q1) * w + q0)
            big = one - e if x >= 0 else e - one
            r = small if z < t else big
            return r if x == x else x
        return impl
    if isinstance(x, types.Float):
        return lambda x: math.erf(x)
    return None
