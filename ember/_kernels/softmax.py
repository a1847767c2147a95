"""Softmax, log-softmax and cross-entropy kernels, parallel over rows (numba ``prange``).

Every kernel takes 2-D C-contiguous ``(rows, n)`` arrays (:func:`rows` makes them): the
reduced dim is the last one, one row a contiguous run. A row takes a few passes over data
in cache: the maximum (``llvm.maximum``: vectorized, NaN if the row has one), the
exponentials (``vmath.exp``, vectorized for float32), their sum, then the scaling. The sums
are reduced by :func:`_sum` / :func:`_dot`, the only code compiled with reassociation
allowed (so LLVM splits them into vector partial sums; float32 accumulates in float32, as
torch's kernels do); everything else is IEEE. A NaN in a row makes the whole row NaN, as in
torch; a row of ``-inf`` gives NaN (``-inf - -inf``), ``+inf`` too.
A reduced dim followed by others (``(before, n, after)``) takes the ``_mid`` kernels: tasks
of ``_W`` columns, vectorized along them, one accumulator per column (no reassociation).
The NumPy references: ``ember.ops.softmax.Softmax`` / ``LogSoftmax`` and the plain
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
_W = 256   # the ``_mid`` kernels' block of columns


def rows(name, a, dim, *more):
    """The kernel ``name`` along ``dim`` of ``a`` and ``more`` (float32 or float64 arrays of
    one shape and dtype); its output, or None for another dtype. A ``dim`` with more dims
    after it takes ``name + "_mid"`` on ``(before, n, after)`` views."""
    if a.dtype.char not in "fd" or any(b.dtype != a.dtype for b in more):
        return None
    out = np.empty(a.shape, a.dtype)
    dim %= a.ndim
    n = a.shape[dim]
    after = math.prod(a.shape[dim + 1:])
    shape, fn = ((-1, n), globals()[name]) if after == 1 else ((-1, n, after), globals()[name + "_mid"])
    fn(*(np.ascontiguousarray(b).reshape(shape) for b in (a, *more, out)))
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
        c = x.dtype.type(1) / _sum(o)
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


@jit
def _blocks(A, B):
    return A * ((B + _W - 1) // _W)


@jit
def _block(task, B):
    """Task ``task``'s (before index, first column, last column + 1)."""
    nb = (B + _W - 1) // _W
    b0 = (task % nb) * _W
    return task // nb, b0, min(B, b0 + _W)


@jit
def _max_mid(x, o, b0, b1):
    """The maximum over dim 1 of ``x[o, :, b0:b1]``, per column."""
    m = np.full(b1 - b0, -np.inf, x.dtype)
    for j in range(x.shape[1]):
        xr = x[o, j, b0:b1]
        for b in range(b1 - b0):
            m[b] = _maximum(m[b], xr[b])
    return m


@jit(parallel=True)
def softmax_fwd_mid(x, out):
    """:func:`softmax_fwd` along dim 1 of ``(A, n, B)`` arrays."""
    A, n, B = x.shape
    for task in numba.prange(_blocks(A, B)):
        o, b0, b1 = _block(task, B)
        m = _max_mid(x, o, b0, b1)
        s = np.zeros(b1 - b0, x.dtype)
        for j in range(n):
            xr, orow = x[o, j, b0:b1], out[o, j, b0:b1]
            for b in range(b1 - b0):
                e = exp(xr[b] - m[b])
                orow[b] = e
                s[b] += e
        for b in range(b1 - b0):
            s[b] = x.dtype.type(1) / s[b]
        for j in range(n):
            orow = out[o, j, b0:b1]
            for b in range(b1 - b0):
                orow[b] *= s[b]


@jit(parallel=True)
def softmax_bwd_mid(y, g, out):
    """:func:`softmax_bwd` along dim 1 of ``(A, n, B)`` arrays."""
    A, n, B = y.shape
    for task in numba.prange(_blocks(A, B)):
        o, b0, b1 = _block(task, B)
        s = np.zeros(b1 - b0, y.dtype)
        for j in range(n):
            yr, gr = y[o, j, b0:b1], g[o, j, b0:b1]
            for b in range(b1 - b0):
                s[b] += gr[b] * yr[b]
        for j in range(n):
            yr, gr, orow = y[o, j, b0:b1], g[o, j, b0:b1], out[o, j, b0:b1]
            for b in range(b1 - b0):
                orow[b] = yr[b] * (gr[b] - s[b])


@jit(parallel=True)
def log_softmax_fwd_mid(x, out):
    """:func:`log_softmax_fwd` along dim 1 of ``(A, n, B)`` arrays."""
    A, n, B = x.shape
    for task in numba.prange(_blocks(A, B)):
        o, b0, b1 = _block(task, B)
        m = _max_mid(x, o, b0, b1)
        s = np.zeros(b1 - b0, x.dtype)
        for j in range(n):
            xr = x[o, j, b0:b1]
            for b in range(b1 - b0):
                s[b] += exp(xr[b] - m[b])
        for b in range(b1 - b0):
            s[b] = math.log(s[b])
        for j in range(n):
            xr, orow = x[o, j, b0:b1], out[o, j, b0:b1]
            for b in range(b1 - b0):
                orow[b] = (xr[b] - m[b]) - s[b]


@jit(parallel=True)
def log_softmax_bwd_mid(y, g, out):
    """:func:`log_softmax_bwd` along dim 1 of ``(A, n, B)`` arrays."""
    A, n, B = y.shape
    for task in numba.prange(_blocks(A, B)):
        o, b0, b1 = _block(task, B)
        s = np.zeros(b1 - b0, y.dtype)
        for j in range(n):
            gr = g[o, j, b0:b1]
            for b in range(b1 - b0):
                s[b] += gr[b]
        for j in range(n):
            yr, gr, orow = y[o, j, b0:b1], g[o, j, b0:b1], out[o, j, b0:b1]
            for b in range(b1 - b0):
                orow[b] = gr[b] - exp(yr[b]) * s[b]
