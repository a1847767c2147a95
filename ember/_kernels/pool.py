"""Max-pooling kernels, parallel over the (batch x channel) planes.

The forward records each window's winner as a flat index into its ``H * W`` plane
(PyTorch's semantics: the first maximum wins, a NaN wins over numbers, the last NaN
over earlier ones, and an all ``-inf`` window points at its first in-bounds cell); the
backward adds each output gradient at its winner, a plane per thread, so there is no
scatter over the whole array. The NumPy reference is ``ember.ops.pooling._MaxPool``.
"""
import numba
import numpy as np

from . import jit

__all__ = ["max_pool2d_fwd", "max_pool2d_bwd"]


@jit(parallel=True)
def max_pool2d_fwd(x, out, idx, kh, kw, sh, sw, ph, pw, dh, dw):
    """x (P, H, W) -> out (P, oh, ow) and idx (P, oh, ow), the winners' flat plane indices."""
    P, H, W = x.shape
    _, oh, ow = out.shape
    for p in numba.prange(P):
        for y in range(oh):
            y0 = y * sh - ph
            i0 = 0
            while y0 + i0 * dh < 0:
                i0 += 1
            for xx in range(ow):
                x0 = xx * sw - pw
                j0 = 0
                while x0 + j0 * dw < 0:
                    j0 += 1
                best = -np.inf
                bi = (y0 + i0 * dh) * W + x0 + j0 * dw
                for i in range(i0, kh):
                    iy = y0 + i * dh
                    if iy >= H:
                        break
                    for j in range(j0, kw):
                        ix = x0 + j * dw
                        if ix >= W:
                            break
                        v = x[p, iy, ix]
                        if v > best or v != v:
                            best = v
                            bi = iy * W + ix
                out[p, y, xx] = best
                idx[p, y, xx] = bi


@jit(parallel=True)
def max_pool2d_bwd(g, idx, gx):
    """gx (P, H * W) = each output grad g (P, L) added at its winner idx (P, L); overwrites gx."""
    P, L = g.shape
    HW = gx.shape[1]
    for p in numba.prange(P):
        for t in range(HW):
            gx[p, t] = 0
        for t in range(L):
            gx[p, idx[p, t]] += g[p, t]
