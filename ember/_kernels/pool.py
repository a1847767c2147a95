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

_U = numba.uint64

__all__ = ["max_pool", "max_pool_backward", "max_pool_jvp", "max_pool2d_fwd", "max_pool2d_bwd",
           "max_pool2x2_fwd", "is2x2"]


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


@jit(inline="always")
def _tap(xf, of, jf, src, o, row, x0, x1, sw):
    """One kernel tap over an output row: the running max and winner, branch-free."""
    for k in range(x0, x1):
        v = xf[_U(src + k * sw)]
        bk = of[_U(o + k)]
        take = (v > bk) | (v != v)
        of[_U(o + k)] = v if take else bk
        jf[_U(o + k)] = row + k * sw if take else jf[_U(o + k)]


@jit(parallel=True)
def max_pool2d_fwd(x, out, idx, kh, kw, sh, sw, ph, pw, dh, dw):
    """x (P, H, W) -> out (P, oh, ow) and idx (P, oh, ow), the winners' flat plane indices.

    A whole output row at a time: each tap (i, j) in order updates the row's running
    maxima with branch-free selects (vectorised), so the scan order per window is
    PyTorch's."""
    P, H, W = x.shape
    _, oh, ow = out.shape
    xf, of, jf = x.reshape(-1), out.reshape(-1), idx.reshape(-1)
    xlo = np.empty(kw, np.int64)   # per tap column j: the outputs whose input is in bounds
    xhi = np.empty(kw, np.int64)
    for j in range(kw):
        xlo[j], xhi[j] = _span(ow, sw, j * dw - pw, W)
    for p in numba.prange(P):
        for y in range(oh):
            o = (p * oh + y) * ow   # the output row holds the running maxima and winners
            y0 = y * sh - ph
            i0 = 0
            while y0 + i0 * dh < 0:
                i0 += 1
            first = (y0 + i0 * dh) * W
            for k in range(ow):   # start each window at its first in-bounds cell
                xs = k * sw - pw
                if xs < 0:
                    xs += (-xs + dw - 1) // dw * dw
                of[_U(o + k)] = -np.inf
                jf[_U(o + k)] = first + xs
            for i in range(i0, kh):
                iy = y0 + i * dh
                if iy >= H:
                    break
                for j in range(kw):
                    row = iy * W + j * dw - pw
                    src = p * H * W + row
                    if sw == 2:   # literal strides let LLVM vectorise the common cases
                        _tap(xf, of, jf, src, o, row, xlo[j], xhi[j], 2)
                    elif sw == 1:
                        _tap(xf, of, jf, src, o, row, xlo[j], xhi[j], 1)
                    else:
                        _tap(xf, of, jf, src, o, row, xlo[j], xhi[j], sw)


@jit(parallel=True)
def max_pool2d_bwd(g, idx, gx):
    """gx (P, H * W) = each output grad g (P, L) added at its winner idx (P, L); overwrites gx."""
    P, L = g.shape
    HW = gx.shape[1]
    gf, jf, xf = g.reshape(-1), idx.reshape(-1), gx.reshape(-1)
    for p in numba.prange(P):
        base = p * HW
        for t in range(HW):
            xf[_U(base + t)] = 0
        for t in range(L):
            xf[_U(base + jf[_U(p * L + t)])] += gf[_U(p * L + t)]


@jit(parallel=True)
def max_pool2x2_fwd(x, out, idx):
    """The common 2x2, stride 2, unpadded, undilated case with every window in bounds:
    four loads per output, scanned in PyTorch's order (the same results as
    :func:`max_pool2d_fwd`, about 4x faster)."""
    P, H, W = x.shape
    _, oh, ow = out.shape
    xf, of, jf = x.reshape(-1), out.reshape(-1), idx.reshape(-1)
    for p in numba.prange(P):
        for y in range(oh):
            r0 = 2 * y * W
            s0 = p * H * W + r0
            o = (p * oh + y) * ow
            for k in range(ow):
                c = 2 * k
                best = xf[_U(s0 + c)]
                bi = r0 + c
                v = xf[_U(s0 + c + 1)]
                if v > best or v != v:
                    best, bi = v, r0 + c + 1
                v = xf[_U(s0 + W + c)]
                if v > best or v != v:
                    best, bi = v, r0 + W + c
                v = xf[_U(s0 + W + c + 1)]
                if v > best or v != v:
                    best, bi = v, r0 + W + c + 1
                of[_U(o + k)] = best
                jf[_U(o + k)] = bi


def is2x2(nd, k, s, d, sp, out, pads):
    """True when :func:`max_pool2x2_fwd` handles this geometry."""
    return (nd == 2 and tuple(k) == (2, 2) and tuple(s) == (2, 2) and tuple(d) == (1, 1) and not any(map(any, pads))
            and 2 * out[0] <= sp[0] and 2 * out[1] <= sp[1])


def max_pool(x, nd, k, s, d, sp, out, pads):
    """Max pooling of x (*, *sp), nd 1 or 2 (geometry as ``ops.pooling._geometry`` gives it):
    (values (*, *out), int32 winner indices (planes, *out))."""
    lead = x.shape[:-nd]
    one = (1,) if nd == 1 else ()
    x3 = np.ascontiguousarray(x).reshape((-1,) + one + tuple(sp))
    res = np.empty((x3.shape[0],) + one + tuple(out), x.dtype)
    idx = np.empty(res.shape, np.int32)
    if is2x2(nd, k, s, d, sp, out, pads):
        max_pool2x2_fwd(x3, res, idx)
        return res.reshape(lead + tuple(out)), idx
    k, s, d = ((1,) + k, (1,) + s, (1,) + d) if nd == 1 else (k, s, d)
    ph = 0 if nd == 1 else pads[0][0]
    max_pool2d_fwd(x3, res, idx, k[0], k[1], s[0], s[1], ph, pads[-1][0], d[0], d[1])
    return res.reshape(lead + tuple(out)), idx


def max_pool_backward(g, idx, xshape):
    """The input grad (xshape) of :func:`max_pool` for output grad ``g`` (zeros, then each
    grad added at its winner: faster than a one-pass write even for 2x2 windows)."""
    gx = np.empty(xshape, g.dtype)
    P = idx.shape[0]
    max_pool2d_bwd(np.ascontiguousarray(g).reshape(P, -1), idx.reshape(P, -1), gx.reshape(P, -1))
    return gx


def max_pool_jvp(u, idx, oshape):
    """The derivative of :func:`max_pool` along ``u``: ``u`` read at the winners."""
    P = idx.shape[0]
    return np.take_along_axis(np.reshape(u, (P, -1)), idx.reshape(P, -1), 1).reshape(oshape)
