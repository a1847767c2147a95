"""Recurrent layers' backward step in one pass (the NumPy references are in ember/ops/rnn.py).

The forward step's sigmoid and tanh stay NumPy ufuncs (SIMD; numba's scalar ``math.exp``
and ``math.tanh`` are slower without SVML); the backward step is pure arithmetic on the
saved activations, which one compiled loop does in a pass instead of about fifteen.

``one`` is 1 in the arrays' dtype: a Python literal would lift float32 arithmetic to
float64 (and keep LLVM from vectorizing it)."""
from . import jit


@jit
def lstm_bwd_step(d, dc, a, tc, cp, dG, r0, one):
    """``_lstm_bwd_step_np``, gate-major: ``d`` (H, bs) the gradient of h_t, gates i, f, g, o
    in ``a`` (4H, bs, post-activation), ``tc = tanh(c_t)``, ``cp = c_{t-1}``; writes
    ``dG[:, r0:r0 + bs]`` and turns ``dc`` (H, B) into the gradient of c_{t-1}."""
    H, bs = tc.shape
    for j in range(H):      # row views: distinct arrays to LLVM, so the inner loop vectorizes
        ai, af, ag, ao, t, c0, dj, dcj = a[j], a[H + j], a[2 * H + j], a[3 * H + j], tc[j], cp[j], d[j], dc[j]
        gi, gf = dG[j, r0:r0 + bs], dG[H + j, r0:r0 + bs]
        gg, go = dG[2 * H + j, r0:r0 + bs], dG[3 * H + j, r0:r0 + bs]
        for b in range(bs):
            i, f, g, o, tb = ai[b], af[b], ag[b], ao[b], t[b]
            x = dj[b]
            do = x * tb
            x = x * o * (one - tb * tb) + dcj[b]
            gi[b] = x * g * (i * (one - i))
            gf[b] = x * c0[b] * (f * (one - f))
            gg[b] = x * i * (one - g * g)
            go[b] = do * (o * (one - o))
            dcj[b] = x * f


@jit
def gru_bwd_step(dout, dh, a, hn, hp, dX, dHn, one):
    """``_gru_bwd_step_np``: gates r, z, n in ``a``, ``hn = W_hn h + b_hn``, ``hp = h_{t-1}``;
    writes ``dX`` (r, z, n pre-activations) and ``dHn``; ``dh`` becomes ``d * z``."""
    B, H = hn.shape
    for b in range(B):
        for j in range(H):
            r = a[b, j]
            z = a[b, H + j]
            n = a[b, 2 * H + j]
            d = dout[b, j] + dh[b, j]
            dn = d * (one - z) * (one - n * n)
            dX[b, 2 * H + j] = dn
            dHn[b, j] = dn * r
            dX[b, j] = dn * hn[b, j] * (r * (one - r))
            dX[b, H + j] = d * (hp[b, j] - n) * (z * (one - z))
            dh[b, j] = d * z


# ---- forward: sigmoid(z) = 0.5 * tanh(z / 2) + 0.5, so one NumPy tanh covers every gate

@jit
def lstm_fwd_pre(g, xg, bias, one):
    """``_lstm_fwd_pre_np``: ``g += xg + bias``, i, f, o halved."""
    H4, bs = g.shape
    H = H4 // 4
    half = one / (one + one)
    for j in range(H4):
        s = one if 2 * H <= j < 3 * H else half
        gj, xj, bj = g[j], xg[j], bias[j]
        for b in range(bs):
            gj[b] = (gj[b] + xj[b] + bj) * s


@jit
def lstm_fwd_cell(a, c, cp, t, one):
    """``_lstm_fwd_cell_np``: i, f, o of ``a = tanh(z)`` to sigmoids, ``cp`` = c_{t-1},
    ``c[:, :bs]`` and ``t`` = c_t."""
    H, bs = t.shape
    half = one / (one + one)
    for j in range(H):
        ai, af, ag, ao, cj, pj, tj = a[j], a[H + j], a[2 * H + j], a[3 * H + j], c[j, :bs], cp[j], t[j]
        for b in range(bs):
            i = half * ai[b] + half
            f = half * af[b] + half
            ai[b] = i
            af[b] = f
            ao[b] = half * ao[b] + half
            cv = cj[b]
            pj[b] = cv
            cv = f * cv + i * ag[b]
            cj[b] = cv
            tj[b] = cv


@jit
def gru_fwd_pre(hh, b_hh, xg, a, hn, one):
    """``hh += b_hh``; ``a[:, :2H] = (xg + hh)[:, :2H] / 2`` (r, z); ``hn = hh[:, 2H:]``."""
    B, H = hn.shape
    half = one / (one + one)
    for b in range(B):
        for j in range(2 * H):
            a[b, j] = half * (hh[b, j] + b_hh[j] + xg[b, j])
        for j in range(H):
            hn[b, j] = hh[b, 2 * H + j] + b_hh[2 * H + j]


@jit
def gru_fwd_mid(a, xg, hn, one):
    """r, z from their tanh; ``a[:, 2H:] = xn + r * hn`` (``np.tanh`` follows)."""
    B, H = hn.shape
    half = one / (one + one)
    for b in range(B):
        for j in range(H):
            r = half * a[b, j] + half
            a[b, j] = r
            a[b, H + j] = half * a[b, H + j] + half
            a[b, 2 * H + j] = xg[b, 2 * H + j] + r * hn[b, j]


@jit
def gru_fwd_out(a, hp, out):
    """``h_t = n + z * (h_{t-1} - n)``."""
    B, H = hp.shape
    for b in range(B):
        for j in range(H):
            n = a[b, 2 * H + j]
            out[b, j] = n + a[b, H + j] * (hp[b, j] - n)
