"""Recorded ember ops -> ONNX nodes: one converter per op, keyed by the op's name in its
module (``_Linear``, ``Add``, ``_MAXCLS[2]``...). Needs the ``onnx`` package.

A converter gets the context, the node's arguments (graph Values become ONNX tensor
names), its keyword arguments and the input Values, and returns the output names.
"""
import numpy as np

from ..jit._graph import Value, _Buffer

__all__ = ["Ctx", "CONVERTERS", "UnsupportedOperatorError"]


class UnsupportedOperatorError(RuntimeError):
    """An op of the traced model has no ONNX conversion (the message names it)."""


class Ctx:
    """Collects ONNX nodes and initializers; names values and makes constants."""

    def __init__(self, opset, params):
        from onnx import helper, numpy_helper

        self.helper, self.nh = helper, numpy_helper
        self.opset = opset
        self.params = params          # name -> ndarray (for _Buffer kwargs)
        self.nodes, self.inits, self.names = [], [], {}
        self._n = 0
        self._consts = {}
        self.dyn = None               # _dynshape.DynShapes when dynamic_axes were given
        self.dynamic = {}

    def fresh(self, hint):
        self._n += 1
        return f"/{hint}_{self._n}"

    def op(self, kind, inputs, n_out=1, **attrs):
        outs = [self.fresh(f"{kind}_output_{i}") for i in range(n_out)]
        self.nodes.append(self.helper.make_node(kind, list(inputs), outs, name=self.fresh(kind),
                                                **{k: v for k, v in attrs.items() if v is not None}))
        return outs[0] if n_out == 1 else outs

    def const(self, arr, hint="Constant"):
        arr = np.asarray(arr)
        key = (arr.dtype.str, arr.shape, arr.tobytes())
        name = self._consts.get(key)
        if name is None:
            name = self._consts[key] = self.fresh(hint)
            self.inits.append(self.nh.from_array(arr, name))
        return name

    def ints(self, xs):
        return self.const(np.asarray(list(xs), dtype=np.int64))

    def t(self, a, like=None):
        """A tensor argument: a Value's name, a module buffer, or a number as a constant."""
        if type(a) is Value:
            return self.names[a.id]
        if type(a) is _Buffer:   # a module buffer keeps its name (BatchNorm's running stats)
            if a.name not in self._consts:
                self._consts[a.name] = a.name
                self.inits.append(self.nh.from_array(np.ascontiguousarray(self.params[a.name]), a.name))
            return a.name
        dt = np.dtype(like.dtype) if like is not None else np.float32
        if isinstance(a, np.ndarray):
            return self.const(a.astype(dt, copy=False))
        return self.const(np.asarray(a, dtype=dt))


def _vals(args):
    return [a for a in args if type(a) is Value]


def _binary(kind):
    def conv(c, args, kw):
        a, b = args[0], args[1]
        like = a if type(a) is Value else b
        return c.op(kind, [c.t(a, like), c.t(b, like)])
    return conv


def _unary(kind, **attrs):
    def conv(c, args, kw):
        return c.op(kind, [c.t(args[0])], **attrs)
    return conv


def _add(kind):
    def conv(c, args, kw):
        a, b = args[0], args[1]
        like = a if type(a) is Value else b
        bn = c.t(b, like)
        alpha = kw.get("alpha", 1)
        if alpha != 1:
            bn = c.op("Mul", [bn, c.t(alpha, like)])
        return c.op(kind, [c.t(a, like), bn])
    return conv


def _rbinary(kind):   # number OP tensor: the ops' forward(a=tensor, b=number) -> b OP a
    def conv(c, args, kw):
        return c.op(kind, [c.t(args[1], args[0]), c.t(args[0])])
    return conv


def _linear(c, args, kw):
    x, w = args[0], args[1]
    b = args[2] if len(args) > 2 else None
    if len(x.shape) == 2 and len(w.shape) == 2:
        ins = [c.t(x), c.t(w)] + ([c.t(b)] if b is not None else [])
        return c.op("Gemm", ins, alpha=1.0, beta=1.0, transB=1)
    wt = c.op("Transpose", [c.t(w)], perm=[1, 0]) if len(w.shape) == 2 else c.t(w)
    y = c.op("MatMul", [c.t(x), wt])
    return c.op("Add", [y, c.t(b)]) if b is not None else y


def _addmm(c, args, kw):
    inp, a, b = args[:3]
    beta = kw.get("beta", args[3] if len(args) > 3 else 1)
    alpha = kw.get("alpha", args[4] if len(args) > 4 else 1)
    return c.op("Gemm", [c.t(a), c.t(b), c.t(inp, a)], alpha=float(alpha), beta=float(beta))


def _conv(c, args, kw):
    x, w, b = args[0], args[1], args[2] if len(args) > 2 else None
    pads = kw["pads"]
    ins = [c.t(x), c.t(w)] + ([c.t(b)] if b is not None else [])
    return c.op("Conv", ins, kernel_shape=list(w.shape[2:]), strides=list(kw["stride"]),
                pads=[p[0] for p in pads] + [p[1] for p in pads], dilations=list(kw["dil"]),
                group=int(kw["groups"]))


def _norm(c, args, kw):
    x, w, b = args[0], args[1], args[2]
    stats = kw.get("stats")
    if stats is None and (kw.get("gshape") is not None or kw.get("rms") or 0 not in kw["axes"]):
        from ._layers import norm_from_stats
        return norm_from_stats(c, x, w, b, kw)
    if stats is None:
        raise UnsupportedOperatorError(
            "batch_norm in training mode (batch statistics) cannot be exported; call model.eval() "
            "or pass training=TrainingMode.EVAL")
    C = x.shape[1]
    wn = c.t(w) if w is not None else c.const(np.ones(C, x.dtype))
    bn = c.t(b) if b is not None else c.const(np.zeros(C, x.dtype))
    mean, var = (c.const(s.reshape(-1)) if isinstance(s, np.ndarray) else c.t(s) for s in stats)
    return c.op("BatchNormalization", [c.t(x), wn, bn, mean, var], epsilon=float(kw["eps"]))


def _layer_norm(c, args, kw):
    x, w, b = args[0], args[1], args[2]
    if kw.get("rms") or kw.get("stats") is not None:
        return _norm(c, args, kw)
    k = len(kw["axes"])
    ns = x.shape[-k:]
    if c.opset < 17:
        raise UnsupportedOperatorError("layer_norm needs opset_version >= 17 (LayerNormalization)")
    wn = c.t(w) if w is not None else c.const(np.ones(ns, x.dtype))
    ins = [c.t(x), wn] + ([c.t(b)] if b is not None else [])
    return c.op("LayerNormalization", ins, axis=-k, epsilon=float(kw["eps"]))


def _pool_attrs(kw):
    pads = kw["pads"]
    return dict(kernel_shape=list(kw["k"]), strides=list(kw["s"]),
                pads=[p[0] for p in pads] + [p[1] for p in pads])


def _max_pool(c, args, kw):
    if kw.get("want_idx"):
        raise UnsupportedOperatorError("max_pool with return_indices=True has no ONNX conversion here")
    d = kw.get("d")
    return c.op("MaxPool", [c.t(args[0])], dilations=list(d) if d is not None else None,
                **_pool_attrs(kw))


def _avg_pool(c, args, kw):
    x = args[0]
    div = np.asarray(kw["div"])
    k = int(np.prod(kw["k"]))
    pads = kw["pads"]
    extra = any(hi > lo for lo, hi in pads)
    include = bool(np.all(div == k))
    if extra and include:
        raise UnsupportedOperatorError("avg_pool with ceil_mode=True and count_include_pad=True "
                                       "has no exact ONNX conversion")
    if np.ndim(div) == 0 and not include:
        raise UnsupportedOperatorError("avg_pool with divisor_override has no ONNX conversion")
    return c.op("AveragePool", [c.t(x)], count_include_pad=int(include), **_pool_attrs(kw))


def _adaptive_avg(c, args, kw):
    x = args[0]
    nd = kw["nd"]
    sp, osize = x.shape[-nd:], kw["osize"]
    if all(o == 1 for o in osize):
        return c.op("GlobalAveragePool", [c.t(x)])
    if any(L % o for L, o in zip(sp, osize)):
        raise UnsupportedOperatorError(
            f"adaptive_avg_pool{nd}d from {list(sp)} to {list(osize)} (input not a multiple of the "
            "output size) has no ONNX conversion")
    if set(c.dynamic.get(x.id, ())) & set(range(len(x.shape) - nd, len(x.shape))):
        raise UnsupportedOperatorError(
            f"adaptive_avg_pool{nd}d to {list(osize)} over a dynamic spatial axis has no ONNX conversion "
            "(its kernel follows the input size); use output size 1 or fixed spatial sizes")
    k = [L // o for L, o in zip(sp, osize)]
    return c.op("AveragePool", [c.t(x)], kernel_shape=k, strides=k)


def _reshape(c, args, kw):
    x, shape = args[0], kw.get("shape", args[1] if len(args) > 1 else None)
    shape = list(shape)
    if c.dyn is not None:
        a2, k2 = c.dyn.other_args()
        shape2 = list(k2.get("shape", a2[1] if len(a2) > 1 else None))
        return c.op("Reshape", [c.t(x), c.dyn.shape(c, shape, shape2, like=x)])
    # dims copied from the input keep the model batch-size agnostic (0 = "as in the input")
    for i, s in enumerate(shape):
        if i < len(x.shape) and s == x.shape[i] and i in c.dynamic.get(x.id, ()):
            shape[i] = 0
    return c.op("Reshape", [c.t(x), c.ints(shape)])


def _permute(c, args, kw):
    return c.op("Transpose", [c.t(args[0])], perm=list(args[1]))


def _transpose(c, args, kw):
    x, d0, d1 = args[0], args[1], args[2]
    perm = list(range(len(x.shape)))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return c.op("Transpose", [c.t(x)], perm=perm)


def _t(c, args, kw):
    x = args[0]
    if len(x.shape) < 2:
        return c.op("Identity", [c.t(x)])
    return c.op("Transpose", [c.t(x)], perm=[1, 0])


def _unsqueeze(c, args, kw):
    return c.op("Unsqueeze", [c.t(args[0]), c.ints([args[1]])])


def _squeeze(c, args, kw):
    dims = args[1]
    if not dims:
        return c.op("Identity", [c.t(args[0])])
    return c.op("Squeeze", [c.t(args[0]), c.ints(dims)])


def _cat(c, args, kw):
    vs = [a for a in args if not (type(a) is Value and a.shape == (0,))]
    return c.op("Concat", [c.t(a) for a in vs], axis=int(kw["dim"]))


def _stack(c, args, kw):
    d = kw["dim"]
    return c.op("Concat", [c.op("Unsqueeze", [c.t(a), c.ints([d])]) for a in args], axis=int(d))


def _softmax(kind):
    def conv(c, args, kw):
        return c.op(kind, [c.t(args[0])], axis=int(kw.get("dim", args[1] if len(args) > 1 else -1)))
    return conv


def _gelu(c, args, kw):
    x = args[0]
    approx = args[1] if len(args) > 1 else "none"
    if c.opset >= 20:
        return c.op("Gelu", [c.t(x)], approximate=approx)
    if approx == "tanh":
        raise UnsupportedOperatorError("gelu(approximate='tanh') needs opset_version >= 20")
    # 0.5 * x * (1 + erf(x / sqrt(2)))
    xn = c.t(x)
    e = c.op("Erf", [c.op("Div", [xn, c.t(np.sqrt(2.0), x)])])
    return c.op("Mul", [c.op("Mul", [xn, c.t(0.5, x)]), c.op("Add", [e, c.t(1.0, x)])])


def _clamp(c, args, kw):
    x = args[0]
    lo = kw.get("lo", args[1] if len(args) > 1 else None)
    hi = kw.get("hi", args[2] if len(args) > 2 else None)
    return c.op("Clip", [c.t(x), c.t(lo, x) if lo is not None else "",
                         c.t(hi, x) if hi is not None else ""])


def _hardtanh(c, args, kw):
    return c.op("Clip", [c.t(args[0]), c.t(args[1], args[0]), c.t(args[2], args[0])])


def _leaky(c, args, kw):
    return c.op("LeakyRelu", [c.t(args[0])], alpha=float(args[1]))


def _elu(c, args, kw):
    x, al, sc, isc = args[:4]
    if sc != 1 or isc != 1:
        raise UnsupportedOperatorError("elu with scale (selu/celu forms) has no ONNX conversion here")
    return c.op("Elu", [c.t(x)], alpha=float(al))


def _silu(c, args, kw):
    x = c.t(args[0])
    return c.op("Mul", [x, c.op("Sigmoid", [x])])


def _softplus(c, args, kw):
    x, beta = args[0], args[1]
    if beta == 1:
        return c.op("Softplus", [c.t(x)])
    sp = c.op("Softplus", [c.op("Mul", [c.t(x), c.t(beta, x)])])
    return c.op("Div", [sp, c.t(beta, x)])


def _pow(c, args, kw):
    a, b = args[0], args[1]
    like = a if type(a) is Value else b
    return c.op("Pow", [c.t(a, like), c.t(b, like)])


def _square(c, args, kw):
    x = c.t(args[0])
    return c.op("Mul", [x, x])


def _rsqrt(c, args, kw):
    return c.op("Reciprocal", [c.op("Sqrt", [c.t(args[0])])])


def _reduce(kind):
    def conv(c, args, kw):
        x = args[0]
        dims = kw.get("dims", args[1] if len(args) > 1 else None)
        keep = int(bool(kw.get("keepdim", args[2] if len(args) > 2 else False)))
        if dims is None:
            dims = tuple(range(len(x.shape)))
        if isinstance(dims, int):
            dims = (dims,)
        xn = c.t(x)
        if kw.get("npdtype") is not None:
            from onnx import helper
            xn = c.op("Cast", [xn], to=helper.np_dtype_to_tensor_dtype(np.dtype(kw["npdtype"])))
        if kind == "ReduceSum" or c.opset >= 18:
            return c.op(kind, [xn, c.ints(dims)], keepdims=keep)
        return c.op(kind, [xn], axes=list(dims), keepdims=keep)
    return conv


def _embedding(c, args, kw):
    w, idx = args[0], args[1]
    return c.op("Gather", [c.t(w), c.t(idx)], axis=0)


def _to(c, args, kw):
    from onnx import helper

    dt = args[1] if len(args) > 1 else kw.get("np_dtype")
    return c.op("Cast", [c.t(args[0])], to=helper.np_dtype_to_tensor_dtype(np.dtype(dt)))


def _expand(c, args, kw):
    if c.dyn is not None:
        return c.op("Expand", [c.t(args[0]), c.dyn.shape(c, args[1], c.dyn.other_args()[0][1], like=args[0],
                                                         infer=False)])
    return c.op("Expand", [c.t(args[0]), c.ints(args[1])])


def _where(c, args, kw):
    x, y = args[0], args[1]
    # ember.where keeps its condition as an array (a constant of the trace)
    cond = c.t(args[2]) if len(args) > 2 else c.const(np.asarray(kw["cond"], bool))
    like = x if type(x) is Value else y
    return c.op("Where", [cond, c.t(x, like), c.t(y, like)])


_BIG = np.iinfo(np.int64).max


def _basic_index(c, args, kw):
    """``x[idx]`` for ints, slices with positive steps, None and Ellipsis."""
    x = args[0]
    idx = kw.get("idx", args[1] if len(args) > 1 else None)
    idx = idx if type(idx) is tuple else (idx,)
    nd = len(x.shape)
    n_real = sum(1 for k in idx if k is not None and k is not Ellipsis)
    full = []
    for k in idx:
        if k is Ellipsis:
            full.extend([slice(None)] * (nd - n_real))
        else:
            full.append(k)
    starts, ends, axes, steps, drop, new = [], [], [], [], [], []
    d = 0
    out_pos = 0
    for k in full:
        if k is None:
            new.append(out_pos)
            out_pos += 1
            continue
        # negative positions stay negative (Slice counts them from the end, as Python does),
        # so a dynamic axis keeps its meaning
        if isinstance(k, (int, np.integer)):
            k = int(k)
            starts.append(k), ends.append(k + 1 if k != -1 else _BIG), axes.append(d), steps.append(1)
            drop.append(d)
        elif type(k) is slice:
            if (k.start or 0, k.stop, k.step or 1) != (0, None, 1):
                sp = 1 if k.step is None else int(k.step)
                starts.append(0 if k.start is None else int(k.start))
                ends.append(_BIG if k.stop is None else int(k.stop))
                axes.append(d), steps.append(sp)
            out_pos += 1
        else:
            raise UnsupportedOperatorError(f"indexing with {type(k).__name__} has no ONNX conversion")
        d += 1
    y = c.t(x)
    if axes:
        y = c.op("Slice", [y, c.ints(starts), c.ints(ends), c.ints(axes), c.ints(steps)])
    if drop:
        y = c.op("Squeeze", [y, c.ints(drop)])
    if new:
        y = c.op("Unsqueeze", [y, c.ints(new)])
    return y if (axes or drop or new) else c.op("Identity", [y])


def _index_select(c, args, kw):
    x, d, idx = args[0], args[1], args[2]
    return c.op("Gather", [c.t(x), c.t(idx)], axis=int(d))


def _cmp(kind, negate=False):
    def conv(c, args, kw):
        a, b = args[0], args[1]
        like = a if type(a) is Value else b
        y = c.op(kind, [c.t(a, like), c.t(b, like)])
        return c.op("Not", [y]) if negate else y
    return conv


_MATMUL = _binary("MatMul")

CONVERTERS = {
    "_Linear": _linear, "Addmm": _addmm, "Matmul": _MATMUL, "Bmm": _MATMUL, "Mv": _MATMUL,
    "Dot": _MATMUL, "ember.ops.linalg:UnsafeView": _MATMUL, "ember.ops.shape:UnsafeView": _reshape,
    "Add": _add("Add"), "Sub": _add("Sub"), "Mul": _binary("Mul"), "Div": _binary("Div"),
    "RSub": _rbinary("Sub"), "RDiv": _rbinary("Div"), "Maximum": _binary("Max"),
    "Minimum": _binary("Min"), "Pow": _pow, "Square": _square,
    "Neg": _unary("Neg"), "Exp": _unary("Exp"), "Log": _unary("Log"), "Sqrt": _unary("Sqrt"),
    "Rsqrt": _rsqrt, "Reciprocal": _unary("Reciprocal"), "Abs": _unary("Abs"),
    "Erf": _unary("Erf"), "Sin": _unary("Sin"), "Cos": _unary("Cos"), "Floor": _unary("Floor"),
    "Ceil": _unary("Ceil"), "Sign": _unary("Sign"),
    "Sigmoid": _unary("Sigmoid"), "Tanh": _unary("Tanh"), "Relu": _unary("Relu"),
    "Gelu": _gelu, "Silu": _silu, "LeakyRelu": _leaky, "Elu": _elu, "Hardtanh": _hardtanh,
    "Softplus": _softplus, "Hardsigmoid": _unary("HardSigmoid", alpha=1.0 / 6, beta=0.5),
    "Hardswish": _unary("HardSwish"), "Clamp": _clamp,
    "Softmax": _softmax("Softmax"), "LogSoftmax": _softmax("LogSoftmax"),
    "_ConvNd": _conv, "_Norm": _norm, "_LayerNormOp": _layer_norm, "_GroupNormOp": _norm,
    "View": _reshape, "Reshape": _reshape, "UnsafeReshape": _reshape, "Permute": _permute,
    "Transpose": _transpose, "T": _t, "Unsqueeze": _unsqueeze, "Squeeze": _squeeze,
    "Squeeze1": _squeeze, "Squeeze2": _squeeze, "Cat": _cat, "Stack": _stack, "Expand": _expand,
    "Select": _basic_index, "Slice": _basic_index, "Alias": _basic_index,
    "ember.ops.indexing:Unsqueeze": _basic_index, "_Embedding": _embedding, "ToCopy": _to,
    "Where": _where, "IndexSelect": _index_select,
    "Sum": _reduce("ReduceSum"), "Mean": _reduce("ReduceMean"),
}
for _n in (1, 2, 3):
    CONVERTERS[f"_MAXCLS[{_n}]"] = _max_pool
    CONVERTERS[f"_AVGCLS[{_n}]"] = _avg_pool
    CONVERTERS[f"_AAVGCLS[{_n}]"] = _adaptive_avg

from ._layers import LAYER_CONVERTERS  # noqa: E402

CONVERTERS.update(LAYER_CONVERTERS)
from ._rnn import RNN_CONVERTERS  # noqa: E402

CONVERTERS.update(RNN_CONVERTERS)
