"""Recurrent layers: one fused op per layer and direction (LSTM, GRU, Elman RNN).

A layer/direction runs as one graph node: the input projection of every time step is one
GEMM (``x @ W_ih.T + b``), the recurrence loops over time with one GEMM (``h @ W_hh.T``)
and the gate maths per step, and backward runs through time in the same style, with the
weight gradients as one GEMM each over all steps. The per-step gate maths are NumPy ufuncs
on preallocated buffers (the reference); ``ember._kernels.rnn`` fuses the backward step
(pure arithmetic) into one compiled pass. The LSTM runs gate-major (see ``_LSTMLayer``):
its per-step GEMMs are ``W_hh @ h.T``, its input projection is per step, and its weight
gradients are taken by chunks of steps.

Inputs are in packed order: ``x`` is (N, input_size) with ``batch_sizes[t]`` rows for step
``t`` (a padded (T, B, *) input is ``batch_sizes == [B] * T``); states are (B, *) and a
sequence's final state is taken at its own last step, as PyTorch's packed layers do.

The same layers composed from ember ops (``_STEPS``, ``run_direction_ops``) remain: the
cells use them, a jit trace records them (so its graph holds ordinary ops), and they are the
double backward of the fused ops.
"""
import sys

import numpy as np

from .. import _kernels
from ._apply import Op, apply, composite_backward

__all__ = []

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# ---- one time step composed from ember ops: x is the input projection, hid a tuple of states

def _tanh_step(x, hid, w_hh, b_hh, w_hr):
    from ..nn import functional as F
    return (F.tanh(x + F.linear(hid[0], w_hh, b_hh)),)


def _relu_step(x, hid, w_hh, b_hh, w_hr):
    from ..nn import functional as F
    return (F.relu(x + F.linear(hid[0], w_hh, b_hh)),)


def _lstm_step(x, hid, w_hh, b_hh, w_hr):
    """Gates i, f, g, o; ``c' = f*c + i*g``, ``h' = o*tanh(c')`` (then ``@ W_hr.T``)."""
    from ..nn import functional as F
    h, c = hid
    i, f, g, o = (x + F.linear(h, w_hh, b_hh)).chunk(4, 1)
    c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
    h = F.sigmoid(o) * F.tanh(c)
    return (h if w_hr is None else F.linear(h, w_hr), c)


def _gru_step(x, hid, w_hh, b_hh, w_hr):
    """Gates r, z, n; ``n = tanh(W_in x + b_in + r*(W_hn h + b_hn))``, ``h' = n + z*(h - n)``."""
    from ..nn import functional as F
    h = hid[0]
    xr, xz, xn = x.chunk(3, 1)
    hr, hz, hn = F.linear(h, w_hh, b_hh).chunk(3, 1)
    r = F.sigmoid(xr + hr)
    z = F.sigmoid(xz + hz)
    n = F.tanh(xn + r * hn)
    return (n + z * (h - n),)


_STEPS = {"LSTM": _lstm_step, "GRU": _gru_step, "RNN_TANH": _tanh_step, "RNN_RELU": _relu_step}


def run_direction_ops(mode, x, batch_sizes, h0, w, reverse):
    """One layer/direction composed from ember ops. ``w`` = (w_ih, w_hh, b_ih, b_hh, w_hr);
    returns the outputs (N, H) in packed order and the final states, each (B, *)."""
    from ..nn import functional as F
    from .joining import cat
    w_ih, w_hh, b_ih, b_hh, w_hr = w
    if mode != "GRU" and b_ih is not None:   # b_hh joins the input projection except for GRU
        b_ih, b_hh = b_ih + b_hh, None
    xs = F.linear(x, w_ih, b_ih).split(batch_sizes, 0)
    step = _STEPS[mode]
    outs = [None] * len(xs)
    if not reverse:
        hid, last, done = h0, batch_sizes[0], []
        for t, xt in enumerate(xs):
            bs = batch_sizes[t]
            if bs < last:
                done.append(tuple(s[bs:last] for s in hid))
                hid = tuple(s[:bs] for s in hid)
            last = bs
            hid = step(xt, hid, w_hh, b_hh, w_hr)
            outs[t] = hid[0]
        if done:
            done.append(hid)
            hid = tuple(cat([d[k] for d in reversed(done)], 0) for k in range(len(hid)))
    else:
        last = batch_sizes[-1]
        hid = h0 if last == batch_sizes[0] else tuple(s[:last] for s in h0)
        for t in range(len(xs) - 1, -1, -1):
            bs = batch_sizes[t]
            if bs > last:
                hid = tuple(cat([s, s0[last:bs]], 0) for s, s0 in zip(hid, h0))
            last = bs
            hid = step(xs[t], hid, w_hh, b_hh, w_hr)
            outs[t] = hid[0]
    return (outs[0] if len(outs) == 1 else cat(outs, 0)), hid


def run_direction(mode, x, batch_sizes, h0, w, reverse):
    """One layer/direction: the fused op (float32/float64 throughout, not tracing), else the
    ops above (a trace then records ordinary ops)."""
    sym = sys.modules.get("ember.jit._sym")
    dt = x._data.dtype
    if dt in _FUSED_DTYPES and all(t is None or t._data.dtype == dt for t in (*h0, *w)) \
            and not (sym is not None and sym._active):
        cls = _FUSED[mode]
        outs = apply(cls, x, *h0, *w, batch_sizes=batch_sizes, reverse=reverse, mode=mode)
        return outs[0], outs[1:]
    return run_direction_ops(mode, x, batch_sizes, h0, w, reverse)


_FUSED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# ---- helpers of the fused ops --------------------------------------------------------------

def _steps(batch_sizes, reverse):
    """(first row, batch size) of each time step, in the order the recurrence visits them."""
    offs = [0]
    for b in batch_sizes:
        offs.append(offs[-1] + b)
    order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    return [(offs[t], batch_sizes[t]) for t in order]


def _sigmoid_(a):
    """``a = 1 / (1 + exp(-a))`` in place (ember's sigmoid formula)."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)


def _with_one(kernel, dt):
    """A kernel taking ``one`` (1 in the arrays' dtype) last, called like its NumPy reference."""
    one = dt.type(1)
    return lambda *arrays: kernel(*arrays, one)


def _needs(op, i):
    nf = getattr(op, "next_functions", None)
    return nf is None or nf[i][0] is not None


class _Layer(Op):
    """Shared by the fused layers: inputs (x, *states, w_ih, w_hh, b_ih, b_hh, w_hr)."""
    nstates = 1

    def backward_ops(self, *grads):
        """Double backward: the layer composed from ember ops, differentiated."""
        ns = self.nstates
        ins = tuple(None if a is None else self.saved_input(i, a) for i, a in enumerate(self._inputs))
        mode, bsz, rev = self._mode, self._bsz, self._rev

        def fn(x, *rest):
            out, hid = run_direction_ops(mode, x, bsz, tuple(rest[:ns]), tuple(rest[ns:]), rev)
            return (out, *hid)
        return composite_backward(fn, ins, grads)

    def _keep(self, inputs, mode, batch_sizes, reverse):
        self._inputs = inputs
        self._mode, self._bsz, self._rev = mode, batch_sizes, reverse


class _LSTMLayer(_Layer):
    """Gate-major inside: each step's gates are one contiguous (4H, bs) block (``W_hh @ h.T``,
    the faster GEMM form), so are its tanh(c_t) and c_{t-1}; the cell state is (H, B), and
    backward's gate gradients (4H, steps' columns) by chunks of ``_CHUNK`` steps."""
    name = "MkldnnRnnLayerBackward0"
    saves = (0, 1, 2, 3, 4, 7)
    nstates = 2

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, *, batch_sizes, reverse, mode):
        self._keep((x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr), mode, batch_sizes, reverse)
        N, H, P = x.shape[0], c0.shape[1], h0.shape[1]
        dt = x.dtype
        steps = _steps(batch_sizes, reverse)
        xg = np.empty(N * 4 * H, dt)         # W_ih x_t, step t's (4H, bs) block at 4H * r0
        for r0, bs in steps:
            np.matmul(w_ih, x[r0:r0 + bs].T, out=xg[4 * H * r0:4 * H * (r0 + bs)].reshape(4 * H, bs))
        bias = np.zeros(4 * H, dt) if b_ih is None else b_ih + b_hh
        acts = np.empty(N * 4 * H, dt)       # the gates, in the same blocks
        tc = np.empty(N * H, dt)             # tanh(c_t), (H, bs) blocks
        cprev = np.empty(N * H, dt)          # c_{t-1}, (H, bs) blocks
        hprev = np.empty((N, P), dt)
        out = np.empty((N, P), dt)
        hraw = out if w_hr is None else np.empty((N, H), dt)
        h, c = h0.copy(), c0.T.copy()         # the cell state (H, B), a copy even when B == 1
        k = _kernels.load("rnn") if dt in _FUSED_DTYPES else None
        pre, cell = (_lstm_fwd_pre_np, _lstm_fwd_cell_np) if k is None else \
            (_with_one(k.lstm_fwd_pre, dt), _with_one(k.lstm_fwd_cell, dt))
        with np.errstate(over="ignore"):
            for r0, bs in steps:
                r1 = r0 + bs
                hp = hprev[r0:r1]
                hp[...] = h[:bs]
                a = acts[4 * H * r0:4 * H * r1]
                g = a.reshape(4 * H, bs)
                np.matmul(w_hh, hp.T, out=g)
                pre(g, xg[4 * H * r0:4 * H * r1].reshape(4 * H, bs), bias)
                np.tanh(a, out=a)
                t = tc[H * r0:H * r1]
                cell(g, c, cprev[H * r0:H * r1].reshape(H, bs), t.reshape(H, bs))
                np.tanh(t, out=t)
                np.multiply(g[3 * H:], t.reshape(H, bs), out=hraw[r0:r1].T)
                if w_hr is not None:
                    np.matmul(hraw[r0:r1], w_hr.T, out=out[r0:r1])
                h[:bs] = out[r0:r1]
        self.acts, self.tc, self.cprev, self.hprev, self.hraw = acts, tc, cprev, hprev, hraw
        return out, h, c.T.copy()

    def backward(self, gout, gh, gc):
        x, _, _, w_ih, w_hh, b_ih, _, w_hr = self._inputs
        acts, tc, cprev, hprev, hraw = self.acts, self.tc, self.cprev, self.hprev, self.hraw
        N, H = hraw.shape[0], tc.size // hraw.shape[0]
        dt = tc.dtype
        k = _kernels.load("rnn") if dt in _FUSED_DTYPES else None
        step = _lstm_bwd_step_np if k is None else _with_one(k.lstm_bwd_step, dt)
        # running gradients of the hidden state (P, B) and the cell state (H, B): C-ordered
        # copies (a transposed layout would compile the step kernel without vectorizing)
        dh = np.array(np.transpose(gh), dt, order="C")
        dc = np.array(np.transpose(gc), dt, order="C")
        d = np.empty(dc.shape[0] * H, dt)
        dhp = None if w_hr is None else np.empty((N, w_hr.shape[0]), dt)
        whh_t = np.ascontiguousarray(w_hh.T)
        gout = np.asarray(gout, dt)
        # The gate gradients of _CHUNK steps at a time (rows lo:hi, gate-major), a buffer that
        # stays in cache; the weight gradients take them by chunk (one (4H, N) array written
        # a step's columns at a time costs more than these GEMMs' extra passes).
        steps = list(reversed(_steps(self._bsz, self._rev)))
        dG = np.empty((4 * H, _CHUNK * dc.shape[1]), dt)
        nx, nw, nh = _needs(self, 0), _needs(self, 3), _needs(self, 4)
        gx = np.empty((N, w_ih.shape[1]), dt) if nx else None
        gw_ih = gw_hh = gb = None
        for c0 in range(0, len(steps), _CHUNK):
            chunk = steps[c0:c0 + _CHUNK]
            lo = min(r0 for r0, _ in chunk)
            hi = max(r0 + bs for r0, bs in chunk)
            for r0, bs in chunk:
                r1 = r0 + bs
                db = d[:H * bs].reshape(H, bs)
                if w_hr is None:
                    np.add(gout[r0:r1].T, dh[:, :bs], out=db)
                else:
                    np.add(gout[r0:r1], dh[:, :bs].T, out=dhp[r0:r1])
                    np.matmul(w_hr.T, dhp[r0:r1].T, out=db)
                step(db, dc, acts[4 * H * r0:4 * H * r1].reshape(4 * H, bs), tc[H * r0:H * r1].reshape(H, bs),
                     cprev[H * r0:H * r1].reshape(H, bs), dG, r0 - lo)
                np.matmul(whh_t, dG[:, r0 - lo:r1 - lo], out=dh[:, :bs])
            g = dG[:, :hi - lo]
            if nx:
                np.matmul(g.T, w_ih, out=gx[lo:hi])
            gw_ih = _acc(gw_ih, g @ x[lo:hi]) if nw else None
            gw_hh = _acc(gw_hh, g @ hprev[lo:hi]) if nh else None
            gb = _acc(gb, g.sum(1))
        gb2 = None
        if b_ih is not None:
            gb2 = gb.copy()
        else:
            gb = None
        gw_hr = None if w_hr is None else dhp.T @ hraw
        return gx, dh.T.copy(), dc.T.copy(), gw_ih, gw_hh, gb, gb2, gw_hr


_CHUNK = 8


def _acc(total, part):
    """``total + part`` in place (``part`` when there is no total yet)."""
    if total is None:
        return part
    total += part
    return total


def _lstm_fwd_pre_np(g, xg, bias):
    """``g += xg + bias`` (each (4H, bs), bias (4H,)) with the sigmoid gates (i, f, o) halved;
    ``np.tanh`` follows (``sigmoid(z) = tanh(z / 2) / 2 + 1/2``: one tanh covers every gate)."""
    H = g.shape[0] // 4
    g += xg
    g += bias[:, None]
    g[:2 * H] *= 0.5
    g[3 * H:] *= 0.5


def _lstm_fwd_cell_np(a, c, cp, t):
    """``a = tanh(z)`` becomes the gates (i, f, o to sigmoids); ``cp`` keeps c_{t-1}; ``c``
    (H, B) and ``t`` get c_t (``np.tanh(t)`` follows)."""
    H, bs = t.shape
    a[:2 * H] *= 0.5
    a[:2 * H] += 0.5
    a[3 * H:] *= 0.5
    a[3 * H:] += 0.5
    cs = c[:, :bs]
    cp[...] = cs
    cs *= a[H:2 * H]
    cs += a[:H] * a[2 * H:3 * H]
    t[...] = cs


def _lstm_bwd_step_np(d, dc, a, tc, cp, dG, r0):
    """One LSTM step backward (NumPy reference of ``_kernels.rnn.lstm_bwd_step``), gate-major.

    ``d`` (H, bs): gradient of h_t (clobbered); ``dc`` (H, B, updated in place): of c_t,
    becomes that of c_{t-1}; ``dG[:, r0:r0 + bs]``: of the four gate pre-activations."""
    H, bs = tc.shape
    i, f, g, o = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
    dcs = dc[:, :bs]
    dGs = dG[:, r0:r0 + bs]
    do = d * tc
    d *= o
    d *= 1 - tc * tc
    d += dcs                                 # gradient of c_t
    np.multiply(d * g, i * (1 - i), out=dGs[:H])
    np.multiply(d * cp, f * (1 - f), out=dGs[H:2 * H])
    np.multiply(d * i, 1 - g * g, out=dGs[2 * H:3 * H])
    np.multiply(do, o * (1 - o), out=dGs[3 * H:])
    np.multiply(d, f, out=dcs)


class _GRULayer(_Layer):
    name = "GruLayerBackward"
    saves = (0, 1, 2, 3)

    def forward(self, x, h0, w_ih, w_hh, b_ih, b_hh, w_hr, *, batch_sizes, reverse, mode):
        self._keep((x, h0, w_ih, w_hh, b_ih, b_hh, w_hr), mode, batch_sizes, reverse)
        N, H = x.shape[0], h0.shape[1]
        dt = x.dtype
        xg = x @ w_ih.T
        if b_ih is not None:
            xg += b_ih
        acts = np.empty((N, 3 * H), dt)      # r, z, n
        hn = np.empty((N, H), dt)            # W_hn h + b_hn
        hprev = np.empty((N, H), dt)
        out = np.empty((N, H), dt)
        h = h0.copy()
        g = np.empty((h0.shape[0], 3 * H), dt)
        whh_t = np.ascontiguousarray(w_hh.T)
        k = _kernels.load("rnn") if dt in _FUSED_DTYPES else None
        step = _gru_fwd_step_np if k is None else _gru_fwd_step_kernel(k)
        if k is not None and b_hh is None:
            b_hh = np.zeros(3 * H, dt)
        with np.errstate(over="ignore"):
            for r0, bs in _steps(batch_sizes, reverse):
                r1 = r0 + bs
                hp = hprev[r0:r1]
                hp[...] = h[:bs]
                gt = g[:bs]
                np.matmul(hp, whh_t, out=gt)
                o = out[r0:r1]
                step(gt, b_hh, xg[r0:r1], acts[r0:r1], hn[r0:r1], hp, o)
                h[:bs] = o
        self.acts, self.hn, self.hprev = acts, hn, hprev
        return out, h

    def backward(self, gout, gh):
        x, _, w_ih, w_hh, b_ih, b_hh, _ = self._inputs
        acts, hn, hprev = self.acts, self.hn, self.hprev
        N, H = hn.shape
        dt = hn.dtype
        k = _kernels.load("rnn") if dt in _FUSED_DTYPES else None
        step = _gru_bwd_step_np if k is None else _with_one(k.gru_bwd_step, dt)
        dX = np.empty((N, 3 * H), dt)        # gradient of the input projection's gates
        dHn = np.empty((N, H), dt)           # of W_hn h + b_hn (r and z share dX's)
        dh = np.array(gh, dt)
        tmp = np.empty_like(dh)
        gout = np.ascontiguousarray(gout, dt)
        for r0, bs in reversed(_steps(self._bsz, self._rev)):
            r1 = r0 + bs
            step(gout[r0:r1], dh[:bs], acts[r0:r1], hn[r0:r1], hprev[r0:r1], dX[r0:r1], dHn[r0:r1])
            t = tmp[:bs]
            np.matmul(dX[r0:r1, :2 * H], w_hh[:2 * H], out=t)
            dh[:bs] += t
            np.matmul(dHn[r0:r1], w_hh[2 * H:], out=t)
            dh[:bs] += t
        gx = dX @ w_ih if _needs(self, 0) else None
        gw_ih = dX.T @ x if _needs(self, 2) else None
        gw_hh = None
        if _needs(self, 3):
            gw_hh = np.concatenate([dX[:, :2 * H].T @ hprev, dHn.T @ hprev], 0)
        gb_ih = gb_hh = None
        if b_ih is not None:
            gb_ih = dX.sum(0)
            gb_hh = np.concatenate([gb_ih[:2 * H], dHn.sum(0)])
        return gx, dh, gw_ih, gw_hh, gb_ih, gb_hh, None


def _gru_fwd_step_np(gt, b_hh, xt, a, hn, hp, o):
    """One GRU step forward on ``gt = h_{t-1} @ W_hh.T``: gates r, z, n into ``a``,
    ``hn = W_hn h_{t-1} + b_hn``, h_t into ``o``."""
    H = hn.shape[1]
    if b_hh is not None:
        gt += b_hh
    np.add(gt[:, :2 * H], xt[:, :2 * H], out=a[:, :2 * H])
    _sigmoid_(a[:, :2 * H])
    hn[...] = gt[:, 2 * H:]
    n = a[:, 2 * H:]
    np.multiply(a[:, :H], hn, out=n)
    n += xt[:, 2 * H:]
    np.tanh(n, out=n)
    np.subtract(hp, n, out=o)
    o *= a[:, H:2 * H]
    o += n


def _gru_fwd_step_kernel(k):
    def step(gt, b_hh, xt, a, hn, hp, o):
        H2 = 2 * hn.shape[1]
        one = a.dtype.type(1)
        k.gru_fwd_pre(gt, b_hh, xt, a, hn, one)
        np.tanh(a[:, :H2], out=a[:, :H2])
        k.gru_fwd_mid(a, xt, hn, one)
        np.tanh(a[:, H2:], out=a[:, H2:])
        k.gru_fwd_out(a, hp, o)
    return step


def _gru_bwd_step_np(dout, dh, a, hn, hp, dX, dHn):
    """One GRU step backward (NumPy reference of ``_kernels.rnn.gru_bwd_step``): ``dh`` holds
    the gradient of h_t from later steps and becomes the direct part of that of h_{t-1}
    (``dh * z``; the caller adds the ``W_hh`` part)."""
    H = hn.shape[1]
    r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
    d = dout + dh
    dn = d * (1 - z)
    dn *= 1 - n * n
    dX[:, 2 * H:] = dn
    np.multiply(dn, r, out=dHn)
    np.multiply(dn * hn, r * (1 - r), out=dX[:, :H])
    np.multiply(d * (hp - n), z * (1 - z), out=dX[:, H:2 * H])
    np.multiply(d, z, out=dh)


class _RNNLayer(_Layer):
    name = "RnnLayerBackward"
    saves = (0, 1, 2, 3)

    def forward(self, x, h0, w_ih, w_hh, b_ih, b_hh, w_hr, *, batch_sizes, reverse, mode):
        self._keep((x, h0, w_ih, w_hh, b_ih, b_hh, w_hr), mode, batch_sizes, reverse)
        relu = mode == "RNN_RELU"
        N, H = x.shape[0], h0.shape[1]
        xg = x @ w_ih.T
        if b_ih is not None:
            xg += b_ih + b_hh
        hprev = np.empty((N, H), x.dtype)
        out = np.empty((N, H), x.dtype)
        h = h0.copy()
        whh_t = np.ascontiguousarray(w_hh.T)   # BLAS runs the per-step GEMM faster on it
        for r0, bs in _steps(batch_sizes, reverse):
            r1 = r0 + bs
            hp = hprev[r0:r1]
            hp[...] = h[:bs]
            o = out[r0:r1]
            np.matmul(hp, whh_t, out=o)
            o += xg[r0:r1]
            if relu:
                np.maximum(o, 0, out=o)
            else:
                np.tanh(o, out=o)
            h[:bs] = o
        self.hprev, self.out = hprev, out
        return out, h

    def backward(self, gout, gh):
        x, _, w_ih, w_hh, b_ih, _, _ = self._inputs
        out, hprev = self.out, self.hprev
        relu = self._mode == "RNN_RELU"
        dG = np.empty_like(out)
        dh = np.array(gh, out.dtype)
        gout = np.asarray(gout, out.dtype)
        for r0, bs in reversed(_steps(self._bsz, self._rev)):
            r1 = r0 + bs
            d = dG[r0:r1]
            np.add(gout[r0:r1], dh[:bs], out=d)
            o = out[r0:r1]
            if relu:
                d *= o > 0
            else:
                d *= 1 - o * o
            np.matmul(d, w_hh, out=dh[:bs])
        gx = dG @ w_ih if _needs(self, 0) else None
        gw_ih = dG.T @ x if _needs(self, 2) else None
        gw_hh = dG.T @ hprev if _needs(self, 3) else None
        gb = gb2 = None
        if b_ih is not None:
            gb = dG.sum(0)
            gb2 = gb.copy()
        return gx, dh, gw_ih, gw_hh, gb, gb2, None


_FUSED = {"LSTM": _LSTMLayer, "GRU": _GRULayer, "RNN_TANH": _RNNLayer, "RNN_RELU": _RNNLayer}
