"""Normalization kernels: batch norm (evaluation, training forward and backward) and layer
and RMS norm (forward and backward), parallel over channels or rows.

Evaluation mode (running statistics, no autograd) is one pass:
``y = (x - mean) * invstd * w + b`` with the same operations in the same order as the
NumPy reference (``ember.ops.normalization._Norm``), so the results match it exactly.

Training kernels (NumPy references: ``_Norm._bn_train`` / ``_bn_backward`` and
``_LayerNormOp._ln_train`` / ``_ln_backward``) take the statistics in two passes over each
channel or row (mean, then the mean squared deviation), summed in float64; the backward
sums ``g`` and ``g * xhat`` the same way (layer norm's weight and bias gradients: per block
of rows in the input's dtype, the blocks then added in float64) and recomputes
``xhat = (x - mean) * invstd`` from the saved input rather than keeping it. The sums may be
reassociated (``fastmath={"reassoc"}``), which lets them vectorize: the results differ from
the NumPy path's by rounding only.
"""
import math

import numba

from . import jit

__all__ = ["bn_eval", "bn_fwd", "bn_bwd", "ln_fwd", "ln_bwd", "ln_chunks"]

_SUMS = {"parallel": True, "fastmath": {"reassoc"}, "error_model": "numpy"}


@jit(parallel=True)
def bn_eval(x, mean, invstd, w, b, has_w, has_b, out):
    """x, out (N, C, L); mean, invstd, w, b (C,)."""
    N, C, L = x.shape
    for t in numba.prange(N * C):
        n = t // C
        c = t - n * C
        m = mean[c]
        s = invstd[c]
        if has_w and has_b:
            wc = w[c]
            bc = b[c]
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s * wc + bc
        elif has_w:
            wc = w[c]
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s * wc
        elif has_b:
            bc = b[c]
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s + bc
        else:
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s


@jit(**_SUMS)
def bn_fwd(x, w, b, eps, out, mean, invstd, var):
    """x, out (N, C, L); w, b (C,) (ones and zeros when the op has none); writes mean,
    invstd (C,) in x's dtype and the biased variance var (C,) in float64."""
    N, C, L = x.shape
    M = N * L
    for c in numba.prange(C):
        s = 0.0
        for n in range(N):
            for i in range(L):
                s += x[n, c, i]
        m = s / M
        q = 0.0
        for n in range(N):
            for i in range(L):
                d = x[n, c, i] - m
                q += d * d
        v = q / M
        var[c] = v
        mean[c] = m
        invstd[c] = 1.0 / math.sqrt(v + eps)
        mc = mean[c]
        k = invstd[c] * w[c]
        o = b[c]
        for n in range(N):
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - mc) * k + o


@jit(**_SUMS)
def bn_bwd(g, x, mean, invstd, w, gx, gw, gb):
    """g, x, gx (N, C, L); mean, invstd, w (C,). Writes gx and the float64 sums
    gw = sum(g * xhat), gb = sum(g) per channel."""
    N, C, L = x.shape
    M = N * L
    for c in numba.prange(C):
        mc = mean[c]
        sc = invstd[c]
        sg = 0.0
        sgx = 0.0
        for n in range(N):
            for i in range(L):
                gi = g[n, c, i]
                sg += gi
                sgx += gi * ((x[n, c, i] - mc) * sc)
        gb[c] = sg
        gw[c] = sgx
        k = sc * w[c]
        a = x.dtype.type(sg / M)
        bb = x.dtype.type(sgx / M)
        for n in range(N):
            for i in range(L):
                gx[n, c, i] = (g[n, c, i] - a - (x[n, c, i] - mc) * sc * bb) * k


@jit(**_SUMS)
def ln_fwd(x, w, b, eps, rms, out, mean, rstd):
    """x, out (R, D); w, b (D,) (ones and zeros when the op has none); writes mean,
    rstd (R,) in x's dtype. ``rms``: RMS norm (the mean taken as 0)."""
    R, D = x.shape
    for r in numba.prange(R):
        xr = x[r]
        m = 0.0
        if not rms:
            s = 0.0
            for i in range(D):
                s += xr[i]
            m = s / D
        q = 0.0
        for i in range(D):
            d = xr[i] - m
            q += d * d
        mean[r] = m
        rstd[r] = 1.0 / math.sqrt(q / D + eps)
        mr = mean[r]
        sr = rstd[r]
        outr = out[r]
        for i in range(D):
            outr[i] = (xr[i] - mr) * sr * w[i] + b[i]


def ln_chunks(R, D):
    """How many row blocks ``ln_bwd`` splits R rows of D into (each sums its own share
    of the weight and bias gradients): a number fixed by the shape, so results do not
    depend on the thread count."""
    return max(1, min(R, 64, (1 << 20) // max(D, 1)))


@jit(**_SUMS)
def ln_bwd(g, x, mean, rstd, w, rms, gx, gwp, gbp):
    """g, x, gx (R, D); mean, rstd (R,); w (D,) (ones when the op has none); ``rms``: RMS
    norm (no mean term). Writes gx and,
    per block of rows k, the partial sums gwp[k] = sum(g * xhat), gbp[k] = sum(g) in x's
    dtype (K = gwp.shape[0] blocks)."""
    R, D = x.shape
    K = gwp.shape[0]
    for k in numba.prange(K):
        gwk = gwp[k]
        gbk = gbp[k]
        gwk[:] = 0
        gbk[:] = 0
        for r in range(k * R // K, (k + 1) * R // K):
            mr = mean[r]
            sr = rstd[r]
            xr = x[r]
            gr = g[r]
            sa = 0.0
            sb = 0.0
            for i in range(D):
                gi = gr[i]
                xh = (xr[i] - mr) * sr
                gwk[i] += gi * xh
                gbk[i] += gi
                gi = gi * w[i]
                sa += gi
                sb += gi * xh
            a = x.dtype.type(0.0 if rms else sa / D)
            bb = x.dtype.type(sb / D)
            gxr = gx[r]
            for i in range(D):
                gxr[i] = (gr[i] * w[i] - a - (xr[i] - mr) * sr * bb) * sr
