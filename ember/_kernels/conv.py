"""Convolution kernels: im2col and col2im with the padding fused in, and the layout copies
around the GEMMs, parallel over rows (numba ``prange``). The GEMMs stay with NumPy's BLAS.

The column matrix is a flat buffer read as ``cols[r * sr + b * sb + l]``, where
``r = (c * kh + i) * kw + j`` runs over the filter taps (the order of
``weight.reshape(O, -1)``), ``b`` over the batch and ``l = y * ow + x`` over output
positions: ``sr, sb = B * L, L`` is the ``(K, B, L)`` layout of one big GEMM,
``sr, sb = L, K * L`` the per-sample ``(B, K, L)`` layout of a batched one.

Loops index flat arrays with unsigned offsets (``_U``): numba then drops its
negative-index checks and vectorises the copies (3-5x faster than indexing ``x[b, c, y, x]``).
The NumPy reference is ``ember.ops.conv`` (``_pad_to``/``_im2col``/``_col2im``).
Arrays arrive C-contiguous, float32 or float64: two compiled signatures per kernel.
"""
import numba

from . import jit

__all__ = ["im2col", "col2im", "cbl_to_bcl", "bcl_to_cbl"]

_U = numba.uint64


@jit
def _span(n, st, off, size):
    """The output positions [x0, x1) whose input position ``x * st + off`` is in [0, size)."""
    x0 = 0
    while x0 < n and x0 * st + off < 0:
        x0 += 1
    x1 = n
    while x1 > x0 and (x1 - 1) * st + off >= size:
        x1 -= 1
    return x0, x1


@jit(parallel=True)
def im2col(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, sr, sb):
    """Fill ``cols`` (flat) from ``x`` (B, C, H, W) zero-padded by ``(ph, pw)``."""
    B, C, H, W = x.shape
    xf = x.reshape(-1)
    for t in numba.prange(C * kh * kw * B):
        r = t // B
        b = t - r * B
        c = r // (kh * kw)
        i = (r // kw) % kh
        j = r % kw
        off = j * dw - pw
        x0, x1 = _span(ow, sw, off, W)
        base = r * sr + b * sb
        plane = (b * C + c) * H * W
        for y in range(oh):
            iy = y * sh + i * dh - ph
            o = base + y * ow
            if iy < 0 or iy >= H:
                for k in range(ow):
                    cols[_U(o + k)] = 0
                continue
            for k in range(x0):
                cols[_U(o + k)] = 0
            src = plane + iy * W + off
            if sw == 1:
                for k in range(x0, x1):
                    cols[_U(o + k)] = xf[_U(src + k)]
            else:
                for k in range(x0, x1):
                    cols[_U(o + k)] = xf[_U(src + k * sw)]
            for k in range(x1, ow):
                cols[_U(o + k)] = 0


@jit(parallel=True)
def col2im(cols, gx, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, sr, sb):
    """The adjoint of :func:`im2col`: ``gx`` (B, C, H, W) = the column grads summed back
    onto the input positions they were read from (padding dropped). Overwrites ``gx``."""
    B, C, H, W = gx.shape
    gf = gx.reshape(-1)
    for t in numba.prange(B * C):
        b = t // C
        c = t - b * C
        plane = t * H * W
        for k in range(H * W):
            gf[_U(plane + k)] = 0
        for i in range(kh):
            for j in range(kw):
                r = (c * kh + i) * kw + j
                off = j * dw - pw
                x0, x1 = _span(ow, sw, off, W)
                base = r * sr + b * sb
                for y in range(oh):
                    iy = y * sh + i * dh - ph
                    if iy < 0 or iy >= H:
                        continue
                    o = base + y * ow
                    dst = plane + iy * W + off
                    if sw == 1:
                        for k in range(x0, x1):
                            gf[_U(dst + k)] += cols[_U(o + k)]
                    else:
                        for k in range(x0, x1):
                            gf[_U(dst + k * sw)] += cols[_U(o + k)]


@jit(parallel=True)
def cbl_to_bcl(src, bias, has_bias, dst):
    """``dst[b, c, :] = src[c, b, :] (+ bias[c])``: a (C, B, L) GEMM result to NC* layout."""
    C, B, L = src.shape
    sf, df = src.reshape(-1), dst.reshape(-1)
    for t in numba.prange(B * C):
        b = t // C
        c = t - b * C
        s, d = (c * B + b) * L, t * L
        if has_bias:
            v = bias[c]
            for k in range(L):
                df[_U(d + k)] = sf[_U(s + k)] + v
        else:
            for k in range(L):
                df[_U(d + k)] = sf[_U(s + k)]


@jit(parallel=True)
def bcl_to_cbl(src, dst):
    """``dst[c, b, :] = src[b, c, :]``."""
    B, C, L = src.shape
    sf, df = src.reshape(-1), dst.reshape(-1)
    for t in numba.prange(B * C):
        b = t // C
        c = t - b * C
        s, d = t * L, (c * B + b) * L
        for k in range(L):
            df[_U(d + k)] = sf[_U(s + k)]
