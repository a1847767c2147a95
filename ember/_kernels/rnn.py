"""Recurrent layers' backward step in one pass (the NumPy references are in ember/ops/rnn.py).

The forward step's sigmoid and tanh stay NumPy ufuncs (SIMD; numba's scalar ``math.exp``
and ``math.tanh`` are slower without SVML); the backward step is pure arithmetic on the
saved activations, which one compiled loop does in a pass instead of about fifteen.

``one`` is 1 in the arrays' dtype: a Python literal would lift float32 arithmetic to
float64 (and keep LLVM from vectorizing it)."""
from . import jit


@jit
def lstm_bwd_step(dout, dh, dc, a, tc, cp, dG, one):
    """``_lstm_bwd_step_np``: gates i, f, g, o in ``a`` (post-activation), ``tc = tanh(c_t)``,
    ``cp = c_{t-1}``; writes ``dG`` and turns ``dc`` into the gradient of c_{t-1}."""
    B, H = tc.shape
    for b in range(B):
        for j in range(H):
            i = a[b, j]
            f = a[b, H + j]
            g = a[b, 2 * H + j]
            o = a[b, 3 * H + j]
            t = tc[b, j]
            d = dout[b, j] + dh[b, j]
            do = d * t
            d = d * o * (one - t * t) + dc[b, j]
            dG[b, j] = d * g * (i * (one - i))
            dG[b, H + j] = d * cp[b, j] * (f * (one - f))
            dG[b, 2 * H + j] = d * i * (one - g * g)
            dG[b, 3 * H + j] = do * (o * (one - o))
            dc[b, j] = d * f


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
def lstm_fwd_pre(hh, xg, z, one):
    """``z = hh + xg`` with the sigmoid gates (i, f, o) halved; ``np.tanh(z)`` follows."""
    B, H4 = hh.shape
    H = H4 // 4
    half = one / (one + one)
    for b in range(B):
        for j in range(H4):
            v = hh[b, j] + xg[b, j]
            z[b, j] = v if 2 * H <= j < 3 * H else v * half


@jit
def lstm_fwd_cell(a, c, cp, cn, one):
    """``a = tanh(z)`` becomes the gates (i, f, o to sigmoids); ``cp`` keeps c_{t-1};
    ``c`` and ``cn`` get c_t (``np.tanh(cn)`` follows)."""
    B, H = c.shape
    half = one / (one + one)
    for b in range(B):
        for j in range(H):
            i = half * a[b, j] + half
            f = half * a[b, H + j] + half
            a[b, j] = i
            a[b, H + j] = f
            a[b, 3 * H + j] = half * a[b, 3 * H + j] + half
            cv = c[b, j]
            cp[b, j] = cv
            cv = f * cv + i * a[b, 2 * H + j]
            c[b, j] = cv
            cn[b, j] = cv


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
