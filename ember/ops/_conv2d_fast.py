"""Channels-last 2-D convolution kernels (groups == 1) used by ``conv._ConvNd``.

Forward: the input is padded once into an NHWC buffer ``(B, Hp, Wp, C)``; windows are
taken as ``(B, oh, ow, kh, kw, C)`` (innermost run ``kw*C`` contiguous floats when the
width dilation is 1) and copied once into a contiguous column matrix ``(B*L, kh*kw*C)``.
The output is one GEMM ``cols (B*L, K) @ W (K, O)`` giving NHWC, then one transposing
copy (with the bias add) to NCHW.

Backward: the grad is copied once to NHWC ``(B*L, O)``; ``grad_weight`` is one GEMM
``cols.T @ g``, the column grad is ``g @ W.T`` and col2im adds ``kh*kw``
strided slices (contiguous runs of C) into an NHWC buffer, then one transpose to NCHW.

The column matrix is kept on the op for ``grad_weight`` (recomputing it costs a 14 MB
copy for a 32->64 3x3 conv at batch 64); it is freed with the op, at once under
``no_grad``. Allocating it fresh is cheap because ``_backend`` keeps such blocks on the
heap instead of page-faulting new ones.
"""
import numpy as np

_as_strided = np.lib.stride_tricks.as_strided

# Scratch arrays for temporaries that never leave an op, shared by conv.py and this file.
_SCRATCH = {}
_SCRATCH_MAX = 24


def _scratch(tag, shape, dtype, zero=False):
    key = (tag, shape, np.dtype(dtype).str)
    a = _SCRATCH.get(key)
    if a is None:
        if len(_SCRATCH) >= _SCRATCH_MAX:
            _SCRATCH.clear()
        a = _SCRATCH[key] = np.zeros(shape, dtype=dtype)
    elif zero:
        a.fill(0)
    return a


def covers(nd, groups, K):
    """True when the channels-last kernels handle this convolution."""
    return nd == 2 and groups == 1 and K > 64


def _cols(x, pads, Hp, Wp, kh, kw, sh, sw, dh, dw, oh, ow):
    """im2col of x (B, C, H, W) into a new (B*oh*ow, kh*kw*C) matrix (channels last)."""
    B, C, H, W = x.shape
    (pt, _), (pl, _) = pads
    # pad into NHWC; the border of the scratch buffer is zero and is never written
    xp = _scratch(("xp", pads), (B, Hp, Wp, C), x.dtype)  # keyed by pads: border stays zero
    np.copyto(xp[:, pt:pt + H, pl:pl + W, :], x.transpose(0, 2, 3, 1))
    s = xp.strides
    win = _as_strided(xp, (B, oh, ow, kh, kw, C),
                      (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]), writeable=False)
    cols = np.empty((B, oh, ow, kh, kw, C), x.dtype)
    np.copyto(cols, win)
    return cols.reshape(B * oh * ow, kh * kw * C)


def forward(op, x, w, b, stride, pads, dil):
    """x (B, C, H, W) -> (B, O, oh, ow); saves what ``backward`` needs on ``op``."""
    B, C, H, W = x.shape
    O, _, kh, kw = w.shape
    (pt, pb), (pl, pr) = pads
    Hp, Wp = H + pt + pb, W + pl + pr
    sh, sw = stride
    dh, dw = dil
    oh = (Hp - dh * (kh - 1) - 1) // sh + 1
    ow = (Wp - dw * (kw - 1) - 1) // sw + 1
    L = oh * ow
    K = kh * kw * C
    dt = x.dtype
    cols = _cols(x, pads, Hp, Wp, kh, kw, sh, sw, dh, dw, oh, ow)
    wk = np.ascontiguousarray(w.transpose(0, 2, 3, 1)).reshape(O, K)  # (O, kh*kw*C)
    o = np.matmul(cols, wk.T, out=_scratch("o", (B * L, O), dt))  # NHWC
    res = np.empty((B, O, L), dtype=dt)
    if b is not None:
        np.add(o.reshape(B, L, O).transpose(0, 2, 1), b.reshape(O, 1), out=res)
    else:
        np.copyto(res, o.reshape(B, L, O).transpose(0, 2, 1))
    op.f2 = (cols, wk, b is not None, (B, C, H, W, O, kh, kw, pads, Hp, Wp, sh, sw, dh, dw, oh, ow))
    return res.reshape(B, O, oh, ow)


def backward(op, g):
    """g (B, O, oh, ow) or unbatched (O, oh, ow) -> (gx or None, gw or None, gb or None)."""
    cols, wk, has_b, geo = op.f2
    nf = op.next_functions
    need_x, need_w, need_b = nf[0][0] is not None, nf[1][0] is not None, has_b and nf[2][0] is not None
    unbatched = g.ndim == 3
    if unbatched:
        g = g[None]
    B, C, H, W, O, kh, kw, pads, Hp, Wp, sh, sw, dh, dw, oh, ow = geo
    (pt, _), (pl, _) = pads
    L = oh * ow
    K = kh * kw * C
    dt = cols.dtype
    g3 = g.reshape(B, O, L)
    gx = gw = gb = None
    if need_b:
        gb = np.einsum("bol->o", g3)
    gn = _scratch("gn", (B, L, O), dt)  # the grad, channels last
    np.copyto(gn, g3.transpose(0, 2, 1))
    gn = gn.reshape(B * L, O)
    if need_w:
        # (K, O) = cols^T (K, B*L) @ g_nhwc (B*L, O)
        gwk = np.matmul(cols.T, gn)
        gw = np.ascontiguousarray(gwk.reshape(kh, kw, C, O).transpose(3, 2, 0, 1))
    if need_x:
        if sh == 1 and sw == 1:
            buf = _gx_flat(gn, wk, B, C, O, kh, kw, Hp, Wp, dh, dw, oh, ow, dt)
        else:
            # column grad (B*L, K) = g_nhwc (B*L, O) @ wk (O, K), then strided col2im
            gc = np.matmul(gn, wk, out=_scratch("gc", (B * L, K), dt))
            gc = gc.reshape(B, oh, ow, kh, kw, C)
            buf = _scratch("buf", (B, Hp, Wp, C), dt, zero=True)
            for i in range(kh):
                for j in range(kw):
                    buf[:, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                        j * dw:j * dw + sw * (ow - 1) + 1:sw, :] += gc[:, :, :, i, j, :]
        gx = np.empty((B, C, H, W), dtype=dt)
        np.copyto(gx, buf[:, pt:pt + H, pl:pl + W, :].transpose(0, 3, 1, 2))
        if unbatched:
            gx = gx[0]
    return gx, gw, gb


def _gx_flat(gn, wk, B, C, O, kh, kw, Hp, Wp, dh, dw, oh, ow, dt):
    """Stride-1 input grad as shifted GEMMs on the flat padded NHWC grid.

    The output grad is placed on the padded grid ``(B, Hp, Wp, O)`` (zeros outside the
    ``oh x ow`` corner), so kernel offset ``(i, j)`` is a flat shift ``i*dh*Wp + j*dw``
    of the padded plane: its contribution is one GEMM ``(B*Hp*Wp, O) @ (O, C)`` added
    contiguously into the flat NHWC buffer. Returns a view ``(B, Hp, Wp, C)``."""
    P = B * Hp * Wp
    tail = (kh - 1) * dh * Wp + (kw - 1) * dw
    ge = _scratch(("ge", oh, ow), (B, Hp, Wp, O), dt)  # outside the oh x ow corner stays zero
    np.copyto(ge[:, :oh, :ow, :], gn.reshape(B, oh, ow, O))
    ge = ge.reshape(P, O)
    w4 = wk.reshape(O, kh, kw, C)
    buf = _scratch("fbuf", (P + tail, C), dt, zero=True)
    tmp = _scratch("ftmp", (P, C), dt)
    for i in range(kh):
        for j in range(kw):
            np.matmul(ge, w4[:, i, j, :], out=tmp)
            sft = i * dh * Wp + j * dw
            buf[sft:sft + P] += tmp
    return buf[:P].reshape(B, Hp, Wp, C)


# ---- the compiled path (ember._kernels.conv): any groups, 1-D and 2-D, float32/64 ----------

_KDTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def kernel_covers(nd, dtype):
    return nd <= 2 and dtype in _KDTYPES


def kforward(op, kc, x, w, b, stride, pads, dil, G):
    """Convolution of a batched x (B, C, *sp) with numba's im2col and BLAS GEMMs.

    Columns are kept per sample ``(B, K, L)`` when the filter is small (K <= 64) or the
    batch is 1, so the batched GEMM lands in NCHW directly; otherwise as one ``(K, B*L)``
    matrix (one big GEMM, then a parallel copy to NCHW with the bias). A 1x1 stride-1
    convolution without padding uses the input itself as the columns."""
    nd = x.ndim - 2
    if nd == 1:  # a 1-D convolution is a 2-D one of height 1
        x, w = x[:, :, None], w[:, :, None]
        stride, pads, dil = (1,) + stride, ((0, 0),) + pads, (1,) + dil
    x = np.ascontiguousarray(x)
    w = np.ascontiguousarray(w)
    B, C, H, W = x.shape
    O, Cg, kh, kw = w.shape
    (pt, pb), (pl, pr) = pads
    sh, sw = stride
    dh, dw = dil
    oh = (H + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (W + pl + pr - dw * (kw - 1) - 1) // sw + 1
    L, K, Og = oh * ow, C * kh * kw, O // G
    Kg = K // G
    dt = x.dtype
    w2 = w.reshape(G, Og, Kg)
    fold = False
    if kh == kw == 1 and sh == sw == 1 and not (pt or pb or pl or pr):
        per_sample, cols = True, x.reshape(B, K, L)
    else:
        per_sample = K <= 64 or B == 1
        # per sample with a bias: a row of ones under each sample's columns and the bias as
        # an extra weight column, so the GEMM adds the bias (and gives its grad)
        fold = per_sample and b is not None and G == 1
        Kc = K + fold
        cols = np.empty(Kc * B * L, dt)
        sr, sb = (L, Kc * L) if per_sample else (B * L, L)
        kc.im2col(x, cols, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, sr, sb)
        if fold:
            cols.reshape(B, Kc, L)[:, K] = 1
    if fold:
        cols = cols.reshape(B, K + 1, L)
        wb = np.concatenate((w2[0], np.asarray(b, dt).reshape(O, 1)), axis=1)
        res = np.matmul(wb, cols)
    elif per_sample:
        cols = cols.reshape(B, K, L)
        res = np.matmul(w2, cols.reshape(B, G, Kg, L)).reshape(B, O, L)
        if b is not None:
            res += b.reshape(O, 1)
    else:
        cols = cols.reshape(K, B * L)
        o = np.matmul(w2, cols.reshape(G, Kg, B * L), out=_scratch("ko", (G, Og, B * L), dt))
        res = np.empty((B, O, L), dt)
        kc.cbl_to_bcl(o.reshape(O, B, L), b if b is not None else np.empty(0, dt), b is not None, res)
    op.kst = (kc, cols, w2, per_sample, b is not None, nd, x.shape, w.shape,
              (kh, kw, sh, sw, pt, pl, dh, dw, oh, ow), fold)
    return res.reshape((B, O, oh, ow) if nd == 2 else (B, O, ow))


def kbackward(op, g):
    """(gx, gw, gb) of :func:`kforward`'s convolution for output grad g (batched or not)."""
    kc, cols, w2, per_sample, has_b, nd, xshape, wshape, geo, fold = op.kst
    kh, kw, sh, sw, pt, pl, dh, dw, oh, ow = geo
    nf = op.next_functions
    need_x, need_w, need_b = nf[0][0] is not None, nf[1][0] is not None, has_b and nf[2][0] is not None
    unbatched = g.ndim == nd + 1
    B, C, H, W = xshape
    G, Og, Kg = w2.shape
    O, L, K, N = G * Og, oh * ow, G * Kg, B * oh * ow
    dt = cols.dtype
    g3 = np.ascontiguousarray(g, dtype=dt).reshape(B, O, L)
    gx = gw = gb = None
    if fold and need_w:   # the bias grad is the last column of the weight grad
        gwb = np.matmul(g3, cols.transpose(0, 2, 1)).sum(0)
        gw = np.ascontiguousarray(gwb[:, :K])
        gb = gwb[:, K].copy() if need_b else None
        need_w = need_b = False
    if per_sample:
        if need_b:
            gb = np.einsum("bol->o", g3)
        if need_w:
            gw = np.matmul(g3.reshape(B, G, Og, L), cols.reshape(B, G, Kg, L).transpose(0, 1, 3, 2)).sum(0)
        if need_x:
            gc = np.matmul(w2.transpose(0, 2, 1), g3.reshape(B, G, Og, L)).reshape(B, K, L)
            if kh == kw == 1 and sh == sw == 1 and cols.shape[1] == C and L == H * W:
                gx = gc.reshape(xshape)
            else:
                gx = np.empty(xshape, dt)
                kc.col2im(gc.reshape(-1), gx, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, L, K * L)
    else:
        g2 = _scratch("kg2", (O, B, L), dt)
        kc.bcl_to_cbl(g3, g2)
        if need_b:
            gb = g2.reshape(O, N).sum(1)
        g2 = g2.reshape(G, Og, N)
        if need_w:
            gw = np.matmul(g2, cols.reshape(G, Kg, N).transpose(0, 2, 1))
        if need_x:
            gc = np.matmul(w2.transpose(0, 2, 1), g2, out=_scratch("kgc", (G, Kg, N), dt))
            gx = np.empty(xshape, dt)
            kc.col2im(gc.reshape(-1), gx, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, N, L)
    if gw is not None:
        gw = gw.reshape(wshape if nd == 2 else (wshape[0], wshape[1], wshape[3]))
    if gx is not None:
        gx = gx.reshape(xshape if nd == 2 else (B, C, W))
        if unbatched:
            gx = gx[0]
    return gx, gw, gb
