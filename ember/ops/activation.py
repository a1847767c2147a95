"""Activation ops: relu family, sigmoid/tanh family, gelu (with a NumPy erf), softmax family."""
import math

import numpy as np

from .._tensor import Tensor
from ._apply import Op, apply, apply_, FLOAT, SAME, wrap_dim

__all__ = ["softmax", "log_softmax"]

_SQRT_PI = math.sqrt(math.pi)
_2_SQRT_PI = 2.0 / _SQRT_PI


# ---- erf / erfinv in NumPy (scipy is not a dependency) ---------------------------------

def _erf64(x):
    """erf of a float64 array to ~1e-15 relative accuracy.

    |x| < 2.5: erf(x) = 2x/sqrt(pi) e^{-x^2} sum_n (2x^2)^n / (2n+1)!!  (positive terms,
    no cancellation). |x| >= 2.5: erfc from its continued fraction, evaluated bottom-up.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    ax = np.abs(x)
    small = ax < 2.5
    if small.any():
        xs = x[small]
        x2 = xs * xs
        t = 2.0 * x2
        term = np.ones_like(xs)
        s = np.ones_like(xs)
        for n in range(1, 60):
            term = term * (t / (2 * n + 1))
            s += term
        out[small] = _2_SQRT_PI * xs * np.exp(-x2) * s
    big = ~small
    if big.any():
        xb = np.minimum(ax[big], 30.0)
        f = xb.copy()
        for k in range(50, 0, -1):
            f = xb + (k * 0.5) / f
        erfc = np.exp(-xb * xb) / (_SQRT_PI * f)
        r = 1.0 - erfc
        out[big] = np.where(x[big] < 0, -r, r)
        nanm = np.isnan(x)
        if nanm.any():
            out[nanm] = np.nan
    return out


def erf_np(x):
    x = np.asarray(x)
    dt = x.dtype if x.dtype.kind == "f" else np.float64
    return _erf64(x).astype(dt, copy=False)


def erfinv_np(y):
    y = np.asarray(y, dtype=np.float64)
    a = 0.147
    ln = np.log1p(-y * y)
    t = 2.0 / (math.pi * a) + ln / 2.0
    x = np.sign(y) * np.sqrt(np.sqrt(t * t - ln / a) - t)
    for _ in range(3):
        fin = np.isfinite(x)
        err = _erf64(np.where(fin, x, 0.0)) - y
        x = np.where(fin, x - err / (_2_SQRT_PI * np.exp(-np.where(fin, x, 0.0) ** 2)), x)
    return x
