"""Recurrent layers' backward step in one pass (the NumPy references are in ember/ops/rnn.py).

The forward step's sigmoid and tanh stay NumPy ufuncs (SIMD; numba's scalar ``math.exp``
and ``math.tanh`` are slower without SVML); the backward step is pure arithmetic on the
saved activations, which one compiled loop does in a pass instead of about fifteen."""
from . import jit


@jit
def lstm_bwd_step(dout, dh, dc, a, tc, cp, dG):
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
            d = d * o * (1 - t * t) + dc[b, j]
            dG[b, j] = d * g * (i * (1 - i))
            dG[b, H + j] = d * cp[b, j] * (f * (1 - f))
            dG[b, 2 * H + j] = d * i * (1 - g * g)
            dG[b, 3 * H + j] = do * (o * (1 - o))
            dc[b, j] = d * f


@jit
def gru_bwd_step(dout, dh, a, hn, hp, dX, dHn):
    """``_gru_bwd_step_np``: gates r, z, n in ``a``, ``hn = W_hn h + b_hn``, ``hp = h_{t-1}``;
    writes ``dX`` (r, z, n pre-activations) and ``dHn``; ``dh`` becomes ``d * z``."""
    B, H = hn.shape
    for b in range(B):
        for j in range(H):
            r = a[b, j]
            z = a[b, H + j]
            n = a[b, 2 * H + j]
            d = dout[b, j] + dh[b, j]
            dn = d * (1 - z) * (1 - n * n)
            dX[b, 2 * H + j] = dn
            dHn[b, j] = dn * r
            dX[b, j] = dn * hn[b, j] * (r * (1 - r))
            dX[b, H + j] = d * (hp[b, j] - n) * (z * (1 - z))
            dh[b, j] = d * z
