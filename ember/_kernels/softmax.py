"""Softmax, log-softmax and cross-entropy kernels, parallel over rows (numba ``prange``).

Every kernel takes 2-D C-contiguous ``(rows, n)`` arrays (:func:`rows` makes them): the
reduced dim is the last one, one row a contiguous run. A row takes a few passes over data in cache: the maximum, the
exponentials (``vmath.exp``, vectorized for float32), their sum, then the scaling. The sums
are reduced by :func:`_sum` / :func:`_dot`, the only code compiled with reassociation
allowed (so LLVM splits them into vector partial sums; float32 accumulates in float32, as
torch's kernels do); everything else is IEEE. A NaN anywhere in a row makes its sum NaN,
so the whole row comes out NaN as in torch; a row of ``-inf`` gives NaN (``-inf - -inf``).
The NumPy references: ``ember.ops.activation.Softmax`` / ``LogSoftmax`` and the plain
path of ``ember.ops.loss._NLLCore``.
"""
import math

import numba
import numpy as np
from llvmlite import ir
from numba.core.extending import intrinsic

from . import jit
from .vmath import exp

__all__ = ["rows", "softmax_fwd", "softmax_bwd", "log_softmax_fwd", "log_softmax_bwd", "ce_fwd", "ce_bwd"]


def rows(name, a, *more):
    """The kernel ``name`` on ``a`` and ``more`` (float32 or float64 arrays of one shape and
    dtype) seen as rows of their last dim; its output, or None for another dtype."""
    if a.dtype.char not in "fd" or any(b.dtype != a.dtype for b in more):
        return None
    out = np.empty(a.shape, a.dtype)
    n = a.shape[-1]
    globals()[name](*(np.ascontiguousarray(b).reshape(-1, n) for b in (a, *more, out)))
    return out


@jit(fastmath={"reassoc", "nsz", "contract"})
def _sum(a):
    s = a.dtype.type(0)
    for i in range(a.size):
        s += a[i]
    return s


@jit(fastmath={"reassoc", "nsz", "contract"})
def _dot(a, b):
    s = a.dtype.type(0)
    for i in range(a.size):
        s += a[i] * b[i]
    return s


@intrinsic
def _maximum(typingctx, a, b):
    """``llvm.maximum``: the larger of two floats, NaN if either is (IEEE 754-2019), which
    LLVM vectorizes in a reduction where a compare-and-select loop stays scalar."""
    def codegen(context, builder, signature, args):
        t = args[0].type
        fn = builder.module.declare_intrinsic("llvm.maximum", [t], ir.FunctionType(t, [t, t]))
        return builder.call(fn, args)
    return a(a, a), codegen


@jit
def _max(a):
    m = a.dtype.type(-np.inf)
    for i in range(a.size):
        m = _maximum(m, a[i])
    return m


@jit
def _exp_shift(x, m, out):
    """out = exp(x - m)."""
    for i in range(x.size):
        out[i] = exp(x[i] - m)


@jit(parallel=True)
def softmax_fwd(x, out):
    """out = exp(x - max) / sum(exp(x - max)) along rows."""
    for r in numba.prange(x.shape[0]):
        xr, o = x[r], out[r]
        _exp_shift(xr, _max(xr), o)
        c = 1 / _sum(o)
        for i in range(o.size):
            o[i] *= c


@jit(parallel=True)
def softmax_bwd(y, g, out):
    """out = y * (g - sum(g * y)) along rows."""
    for r in numba.prange(y.shape[0]):
        yr, gr, o = y[r], g[r], out[r]
        s = _dot(gr, yr)
        for i in range(o.size):
            o[i] = yr[i] * (gr[i] - s)


@jit(parallel=True)
def log_softmax_fwd(x, out):
    """out = (x - max) - log(sum(exp(x - max))) along rows."""
    for r in numba.prange(x.shape[0]):
        xr, o = x[r], out[r]
        m = _max(xr)
        _exp_shift(xr, m, o)
        ls = x.dtype.type(math.log(_sum(o)))
        for i in range(o.size):
            o[i] = (xr[i] - m) - ls


@jit(parallel=True)
def log_softmax_bwd(y, g, out):
    """out = g - exp(y) * sum(g) along rows."""
    for r in numba.prange(y.shape[0]):
        yr, gr, o = y[r], g[r], out[r]
        s = _sum(gr)
        for i in range(o.size):
            o[i] = gr[i] - exp(yr[i]) * s


@jit(parallel=True)
def ce_fwd(x, t, m, s, logpt):
    """Cross-entropy's forward on logits ``x`` (rows, C) and class indices ``t`` (rows,):
    m = max, s = sum(exp(x - m)) and logpt = (x[t] - m) - log(s) per row, without the
    (rows, C) log-probabilities (the exponentials go through one row of scratch per task)."""
    R, C = x.shape
    tasks = min(R, 64)
    for c in numba.prange(tasks):
        buf = np.empty(C, x.dtype)
        for r in range(c * R // tasks, (c + 1) * R // tasks):
            xr = x[r]
            mr = _max(xr)
            _exp_shift(xr, mr, buf)
            sr = _sum(buf)
            m[r] = mr
            s[r] = sr
            logpt[r] = (xr[t[r]] - mr) - x.dtype.type(math.log(sr))


@jit(parallel=True)
def ce_bwd(x, t, m, s, coef, out):
    """Cross-entropy's gradient: out = (softmax(x) - onehot(t)) * coef per row, the softmax
    from :func:`ce_fwd`'s m and s."""
    for r in numba.prange(x.shape[0]):
        xr, o = x[r], out[r]
        mr, cr = m[r], coef[r]
        c = cr / s[r]
        for i in range(o.size):
            o[i] = exp(xr[i] - mr) * c
        o[t[r]] -= cr
