"""nn.LSTM / GRU / RNN as ONNX's own LSTM / GRU / RNN operators (any sequence length).

While ``ember.onnx.export`` traces, a recurrent layer is recorded as one node (the
``ember.jit._calls:rnn`` call ``ember.jit.trace`` records, torch's ``aten::lstm``...)
instead of its loop over the example's time steps. The converter writes, per layer, one
ONNX operator with the weights re-ordered to ONNX's gate order (LSTM iofc from torch's
ifgo, GRU zrh from torch's rzn with ``linear_before_reset=1``), the biases concatenated
(Wb, Rb), both directions stacked (``direction="bidirectional"``); layers form a chain,
``batch_first`` and unbatched inputs are Transposes/Unsqueezes around it, as torch exports.
"""
import contextlib

import numpy as np

__all__ = ["record_recurrent", "RNN_KEY", "rnn_aten", "RNN_CONVERTERS"]

RNN_KEY = "ember.jit._calls:rnn"

# ONNX gate order as indices into torch's gate chunks
_ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2), "RNN_TANH": (0,), "RNN_RELU": (0,)}
_OP = {"LSTM": "LSTM", "GRU": "GRU", "RNN_TANH": "RNN", "RNN_RELU": "RNN"}


@contextlib.contextmanager
def record_recurrent():
    """Recurrent layers run while this is active record as one node when traced."""
    from ..jit import _calls
    from ..nn.modules.rnn import RNNBase

    orig = RNNBase.__dict__["_forward"]
    RNNBase._forward = _calls._rnn_forward(orig)
    try:
        yield
    finally:
        RNNBase._forward = orig


def rnn_aten(kwargs):
    return "aten::" + {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh",
                       "RNN_RELU": "rnn_relu"}[kwargs["mode"]]


def _gates(c, w, H, order):
    """``w`` ((G*H, ...) or (G*H,)) with its G gate blocks in ``order``."""
    if order == (0,):
        return w
    parts = [c.op("Slice", [w, c.ints([g * H]), c.ints([(g + 1) * H]), c.ints([0])]) for g in order]
    return c.op("Concat", parts, axis=0)


def _stacked(c, groups, H, order, hint):
    """ONNX's (num_directions, ...) W, R or B: per direction, the gate-reordered
    concatenation of ``groups[d]`` (torch's tensors). Parameters exported as initializers
    fold into one constant (as torch's constant folding leaves them); otherwise ops."""
    from ..jit._graph import Value

    if c.fold_params and all(type(v) is Value and v.kind == "param" and v.name in c.params
                             for g in groups for v in g):
        def reorder(a):
            return np.concatenate([a[i * H:(i + 1) * H] for i in order], axis=0)
        arr = np.stack([np.concatenate([reorder(c.params[v.name]) for v in g], axis=0) for g in groups])
        return c.const(np.ascontiguousarray(arr), hint=hint)
    per_dir = []
    for g in groups:
        parts = [_gates(c, c.t(v), H, order) for v in g]
        one = parts[0] if len(parts) == 1 else c.op("Concat", parts, axis=0)
        per_dir.append(c.op("Unsqueeze", [one, c.ints([0])]))
    return per_dir[0] if len(per_dir) == 1 else c.op("Concat", per_dir, axis=0)


def _rnn(c, args, kw):
    from ._convert import UnsupportedOperatorError

    x, hx, params = args[0], args[1], list(args[2])
    mode, L, bidir = kw["mode"], int(kw["num_layers"]), bool(kw["bidirectional"])
    sizes = kw["state_sizes"]
    H = int(sizes[-1])
    if mode == "LSTM" and int(sizes[0]) != H:
        raise UnsupportedOperatorError(
            "Unsupported: ONNX export of operator LSTM, LSTMs with projections (proj_size > 0): "
            "ONNX's LSTM operator has no projection")
    if kw["train"] and float(kw["dropout"]) > 0 and L > 1:
        raise UnsupportedOperatorError(
            f"{rnn_aten(kw)} with dropout between layers in training mode cannot be exported; "
            "call model.eval() or pass training=TrainingMode.EVAL")
    nd = 2 if bidir else 1
    per = 4 if kw["has_biases"] else 2
    order = _ORDER[mode]
    batched = len(x.shape) == 3
    y = c.t(x)
    if not batched:                         # (T, I) -> (T, 1, I)
        y = c.op("Unsqueeze", [y, c.ints([1])])
    elif kw["batch_first"]:                 # (B, T, I) -> (T, B, I)
        y = c.op("Transpose", [y], perm=[1, 0, 2])
    states = []
    for s in hx or ():
        sn = c.t(s)
        states.append(sn if batched else c.op("Unsqueeze", [sn, c.ints([1])]))
    finals = [[] for _ in (sizes if mode == "LSTM" else sizes[:1])]
    attrs = {"hidden_size": H, "direction": "bidirectional" if bidir else "forward"}
    if mode == "GRU":
        attrs["linear_before_reset"] = 1
    if mode.startswith("RNN"):
        attrs["activations"] = ["Relu" if mode == "RNN_RELU" else "Tanh"] * nd
    for layer in range(L):
        p = [params[(layer * nd + d) * per:(layer * nd + d + 1) * per] for d in range(nd)]
        op = _OP[mode]
        ins = [y, _stacked(c, [q[:1] for q in p], H, order, f"onnx::{op}_W"),
               _stacked(c, [q[1:2] for q in p], H, order, f"onnx::{op}_R"),
               _stacked(c, [q[2:4] for q in p], H, order, f"onnx::{op}_B") if per == 4 else "", ""]
        for s in states:   # this layer's initial states: rows layer*nd ... layer*nd + nd
            ins.append(c.op("Slice", [s, c.ints([layer * nd]), c.ints([(layer + 1) * nd]), c.ints([0])]))
        while ins[-1] == "":
            ins.pop()
        outs = c.op(_OP[mode], ins, n_out=1 + len(finals), **attrs)
        Y = outs[0]                          # (T, nd, B, H) -> (T, B, nd*H)
        y = c.op("Reshape", [c.op("Transpose", [Y], perm=[0, 2, 1, 3]), c.ints([0, 0, -1])])
        for f, o in zip(finals, outs[1:]):
            f.append(o)
    if not batched:
        y = c.op("Squeeze", [y, c.ints([1])])
    elif kw["batch_first"]:
        y = c.op("Transpose", [y], perm=[1, 0, 2])
    res = [y]
    for f in finals:                         # (L*nd, B, H)
        h = f[0] if len(f) == 1 else c.op("Concat", f, axis=0)
        res.append(h if batched else c.op("Squeeze", [h, c.ints([1])]))
    return res


RNN_CONVERTERS = {RNN_KEY: _rnn}
