"""Math for kernels that LLVM can vectorize: ``exp`` for float32 without a libm call.

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
"""
import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.core.extending import intrinsic, overload

__all__ = ["exp"]


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
            n = np.floor(z * _L2E + half)     # float32: math.floor gives an int64, which makes the rest float64
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
