"""Convolution kernels: im2col and col2im with the padding fused in, and the layout copies
around the GEMMs, parallel over rows (numba ``prange``). The GEMMs stay with NumPy's BLAS.

The column matrix is a flat buffer read as ``cols[r * sr + b * sb + l]``, where
``r = (c * kh + i) * kw + j`` runs over the filter taps (the order of
``weight.reshape(O, -1)``), ``b`` over the batch and ``l = y * ow + x`` over output
positions: ``sr, sb = B * L, L`` is the ``(K, B, L)`` layout of one big GEMM,
``sr, sb = L, K * L`` the per-sample ``(B, K, L)`` layout of a batched one.

The NumPy reference is ``ember.ops.conv`` (``_pad_to``/``_im2col``/``_col2im``).
Arrays arrive C-contiguous, float32 or float64: two compiled signatures per kernel.
"""
import numba
import numpy as np

from . import jit

__all__ = ["im2col", "col2im", "cbl_to_bcl", "bcl_to_cbl"]


@jit(parallel=True)
def im2col(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, sr, sb):
    """Fill ``cols`` (flat) from ``x`` (B, C, H, W) zero-padded by ``(ph, pw)``."""
    B, C, H, W = x.shape
    K = C * kh * kw
    for t in numba.prange(K * B):
        r = t // B
        b = t - r * B
        c = r // (kh * kw)
        i = (r // kw) % kh
        j = r % kw
        # output columns whose input column is inside the image: [x0, x1)
        off = j * dw - pw
        x0 = 0
        while x0 < ow and x0 * sw + off < 0:
            x0 += 1
        x1 = ow
        while x1 > x0 and (x1 - 1) * sw + off >= W:
            x1 -= 1
        base = r * sr + b * sb
        for y in range(oh):
            iy = y * sh + i * dh - ph
            o = base + y * ow
            if iy < 0 or iy >= H:
                for xx in range(ow):
                    cols[o + xx] = 0
                continue
            for xx in range(x0):
                cols[o + xx] = 0
            if sw == 1:
                for xx in range(x0, x1):
                    cols[o + xx] = x[b, c, iy, xx + off]
            else:
                for xx in range(x0, x1):
                    cols[o + xx] = x[b, c, iy, xx * sw + off]
            for xx in range(x1, ow):
                cols[o + xx] = 0


@jit(parallel=True)
def col2im(cols, gx, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, sr, sb):
    """The adjoint of :func:`im2col`: ``gx`` (B, C, H, W) = the column grads summed back
    onto the input positions they were read from (padding dropped). Overwrites ``gx``."""
    B, C, H, W = gx.shape
    for t in numba.prange(B * C):
        b = t // C
        c = t - b * C
        for iy in range(H):
            for ix in range(W):
                gx[b, c, iy, ix] = 0
        for i in range(kh):
            for j in range(kw):
                r = (c * kh + i) * kw + j
                off = j * dw - pw
                x0 = 0
                while x0 < ow and x0 * sw + off < 0:
                    x0 += 1
                x1 = ow
                while x1 > x0 and (x1 - 1) * sw + off >= W:
                    x1 -= 1
                base = r * sr + b * sb
                for y in range(oh):
                    iy = y * sh + i * dh - ph
                    if iy < 0 or iy >= H:
                        continue
                    o = base + y * ow
                    if sw == 1:
                        for xx in range(x0, x1):
                            gx[b, c, iy, xx + off] += cols[o + xx]
                    else:
                        for xx in range(x0, x1):
                            gx[b, c, iy, xx * sw + off] += cols[o + xx]


@jit(parallel=True)
def cbl_to_bcl(src, bias, has_bias, dst):
    """``dst[b, c, l] = src[c, b, l] (+ bias[c])``: a (C, B, L) GEMM result to NC* layout."""
    C, B, L = src.shape
    for t in numba.prange(B * C):
        b = t // C
        c = t - b * C
        if has_bias:
            v = bias[c]
            for l in range(L):
                dst[b, c, l] = src[c, b, l] + v
        else:
            for l in range(L):
                dst[b, c, l] = src[c, b, l]


@jit(parallel=True)
def bcl_to_cbl(src, dst, sums, want_sums):
    """``dst[c, b, l] = src[b, c, l]``; with ``want_sums``, also ``sums[c]`` = the sum of
    channel ``c`` (accumulated in float64: the bias gradient)."""
    B, C, L = src.shape
    for c in numba.prange(C):
        s = 0.0
        for b in range(B):
            for l in range(L):
                v = src[b, c, l]
                dst[c, b, l] = v
                s += v
        if want_sums:
            sums[c] = s


def empty_bias(dtype):
    return np.empty(0, dtype)
