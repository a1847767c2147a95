"""``ember.jit.save``: a traced graph as a TorchScript archive that ``torch.jit.load`` runs.

The archive is the zip torch writes: ``<name>/code/__torch__.py`` (and one file per
submodule class) holding TorchScript source, ``<name>/data.pkl`` the module tree
(``__torch__.<Class>`` objects whose state is ``training``, parameters, buffers and
submodules; tensors as ``torch._utils._rebuild_tensor_v2`` over storages in
``<name>/data/``), ``<name>/constants.pkl`` the tensor constants (``CONSTANTS.c0``;
storages in ``<name>/constants/``), ``version`` and ``byteorder``.

The forward is generated from ember's recorded graph: each op becomes the aten call
torch's tracer prints (``torch._convolution``, ``torch.batch_norm``, ``torch.linear``),
recorded shape reads become ``torch.size(x, 0)`` int arithmetic. An op with no such
spelling raises ``NotImplementedError`` naming it.
"""
import keyword
import os
import pickle
import struct
import sys

import numpy as np

from .. import _dtype as D
from ._graph import FUNCS, Value, _Buffer, op_class
from ._sym import SymArg, _Data
from ._ts_index import EMIT, emit_call
from ._ts_more import EMIT as MORE
from ._ts_more import UNARY as MORE_UNARY
from ._ts_ops import SCALAR_TYPE

__all__ = ["write_archive", "graph_source", "attr_path"]

_INT64_MAX = 9223372036854775807


# ---- literals and references --------------------------------------------------------

def attr_path(base, dotted):
    """``self.layer1.0.conv`` -> ``getattr(self.layer1, "0").conv`` (TorchScript spelling)."""
    s = base
    for p in dotted.split("."):
        s = f"{s}.{p}" if p.isidentifier() and not keyword.iskeyword(p) else f'getattr({s}, "{p}")'
    return s


def _lit(a):
    if a is None or type(a) is bool:
        return repr(a)
    if isinstance(a, np.generic):
        a = a.item()
    if type(a) is int:
        return repr(a)
    if type(a) is float:
        if a != a or a in (float("inf"), float("-inf")):
            return f'float("{a}")'
        r = repr(a)
        return r if any(c in r for c in ".en") else r + "."
    if type(a) is str:
        return '"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(a, np.dtype):
        return str(SCALAR_TYPE[D.from_np[a].name])
    if isinstance(a, D.dtype):
        return str(SCALAR_TYPE[a.name])
    raise NotImplementedError(f"ember.jit.save: cannot write the argument {a!r} "
                              f"({type(a).__name__}) as TorchScript")


class _Writer:
    """Turns a Graph into the lines of a TorchScript ``forward``."""

    def __init__(self, graph):
        self.g = graph
        self.names = {}        # value id -> TorchScript expression
        self.consts = []       # tensors for constants.pkl
        self.lines = []
        self._n = 0

    def fresh(self):
        self._n += 1
        return f"_{self._n}"

    def const(self, array):
        self.consts.append(array)
        return f"CONSTANTS.c{len(self.consts) - 1}"

    def r(self, a):
        """The TorchScript expression for one graph argument."""
        if type(a) is Value:
            return self.names[a.id]
        if type(a) is _Buffer:
            return f"torch.reshape({attr_path('self', a.name)}, {list(a.shape)})"
        if type(a) is SymArg:
            return self.sym(a.expr)
        if type(a) is _Data:
            return self.names[a.v.id]
        if type(a) in (tuple, list):
            return "[" + ", ".join(self.r(b) for b in a) + "]"
        if isinstance(a, np.ndarray):
            return self.const(a)
        return _lit(a)

    def sym(self, e):
        if type(e) is int:
            return str(e)
        k = e[0]
        if k == "size":
            return f"torch.size({self.names[e[1]]}, {e[2]})"
        if k == "numel":
            return f"torch.numel({self.names[e[1]]})"
        if k == "item":
            return f"int({self.names[e[1]]})"
        if k == "range":
            return f"torch.arange(0, {self.sym(e[1])}, {self.sym(e[2])}, dtype=4)"
        op = {"add": "+", "sub": "-", "mul": "*", "floordiv": "//", "mod": "%"}[k]
        return f"({self.sym(e[1])} {op} {self.sym(e[2])})"

    def shape(self, a):
        return tuple(a.shape) if type(a) is Value else tuple(np.shape(a))

    def emit(self, node):
        name = node.key.split(":", 1)[1]
        fn = _EMIT.get(node.key) or _EMIT.get(name)
        if fn is None and node.key in FUNCS:
            aten = FUNCS[node.key].aten
            fn = lambda w, *a, **k: emit_call(w, aten, a, k)   # noqa: E731
        if fn is None and name in _UNARY and set(node.kwargs) <= {"inplace"} and len(node.args) == 1:
            fn = _unary(_UNARY[name])
        if fn is None:
            from ._aten import aten_name
            raise NotImplementedError(
                f"ember.jit.save: the traced op {aten_name(op_class(node.key), node.kwargs)} "
                f"(ember op {node.key}) has no TorchScript spelling in ember's writer; the model "
                "cannot be saved as TorchScript (ember.onnx.export may express it)")
        expr = fn(self, *node.args, **node.kwargs)
        if node.inplace and isinstance(expr, str) and node.args and type(node.args[0]) is Value:
            expr = _inplace(expr, self.r(node.args[0]))
        outs = node.outputs
        if len(outs) == 1 and not isinstance(expr, list):
            v = self.fresh()
            self.lines.append(f"{v} = {expr}")
            self.names[outs[0].id] = v
            return
        parts = expr if isinstance(expr, list) else None
        vs = [self.fresh() for _ in outs]
        if parts is None:       # one call returning a tuple/list
            self.lines.append(f"{', '.join(vs)}{',' if len(vs) == 1 else ''} = {expr}")
        else:
            for v, p in zip(vs, parts):
                self.lines.append(f"{v} = {p}")
        for v, o in zip(vs, outs):
            self.names[o.id] = v


# aten ops with an in-place variant: an in-place node (``y[1:] += 1`` on a view) is written
# in place so the view's base sees the change, as torch's tracer writes ``aten::add_``
_INPLACE = set("""add sub mul div pow clamp clamp_min clamp_max relu sigmoid tanh hardtanh leaky_relu
elu hardswish hardsigmoid silu mish exp log sqrt rsqrt neg abs floor ceil trunc round sin cos fill
zero masked_fill index_fill index_add index_copy scatter scatter_add threshold addcmul addcdiv lerp
fmod remainder reciprocal sign square copy""".split())


def _inplace(expr, first):
    name = expr[len("torch."):expr.find("(")] if expr.startswith("torch.") else ""
    if name in _INPLACE and expr.startswith(f"torch.{name}({first}"):
        rest = expr[len(f"torch.{name}({first}"):]
        if rest[:1] in (",", ")"):
            return f"torch.{name}_({first}{rest}"
    return expr


# ---- the op table: ember op -> TorchScript (aten) call --------------------------------

def _unary(name):
    return lambda w, a, inplace=False: f"torch.{name}({w.r(a)})"


_UNARY = {n: n.lower() for n in (
    "Exp", "Log", "Reciprocal", "Abs", "Sign", "Sgn", "Sqrt", "Rsqrt", "Exp2", "Expm1", "Log2",
    "Log10", "Log1p", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh",
    "Asinh", "Acosh", "Atanh", "Sigmoid", "Floor", "Ceil", "Trunc", "Frac", "Relu", "Neg",
    "Silu", "Mish", "Hardsigmoid", "Hardswish", "Softsign", "Tanhshrink", "Square")}
_UNARY.update({"Deg2Rad": "deg2rad", "Rad2Deg": "rad2deg", "LogSigmoid": "log_sigmoid"})


def _args(w, *xs):
    return ", ".join(w.r(x) for x in xs)


def _ints(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


def _conv(w, x, wt, b, stride, pads, dil, groups, nd):
    lo, hi = [p[0] for p in pads], [p[1] for p in pads]
    xs = w.r(x)
    if lo != hi:     # asymmetric ('same' with an even kernel): pad first, as torch does
        flat = [v for p in reversed(pads) for v in p]
        xs = f"torch.constant_pad_nd({xs}, {flat}, 0.)"
        lo = [0] * nd
    return (f"torch._convolution({xs}, {_args(w, wt, b)}, {list(stride)}, {lo}, {list(dil)}, False, "
            f"{[0] * nd}, {groups}, False, False, True, True)")


def _conv_t(w, x, wt, b, stride, pad, opad, dil, groups, nd):
    return (f"torch._convolution({_args(w, x, wt, b)}, {_ints(stride)}, {_ints(pad)}, {_ints(dil)}, "
            f"True, {_ints(opad)}, {groups}, False, False, True, True)")


def _maxpool(w, x, nd, k, s, d, sp, out, pads, want_idx):
    from ._replay import pool_args

    lo, ceil, _, _ = pool_args(nd, k, s, sp, out, pads, d)
    fn = f"max_pool{nd}d_with_indices" if want_idx else f"max_pool{nd}d"
    return f"torch.{fn}({w.r(x)}, {list(k)}, {list(s)}, {lo}, {list(d)}, {ceil})"


def _avgpool(w, x, nd, k, s, sp, out, pads, div):
    from ._replay import pool_args

    try:
        lo, ceil, inc, dv = pool_args(nd, k, s, sp, out, pads, div=div)
    except NotImplementedError:
        raise NotImplementedError(f"ember.jit.save: avg_pool{nd}d with an unrecognised divisor") from None
    extra = "" if nd == 1 else f", {'None' if dv is None else dv}"
    return f"torch.avg_pool{nd}d({w.r(x)}, {list(k)}, {list(s)}, {lo}, {ceil}, {inc}{extra})"


def _aavg(w, x, nd, osize):
    return f"torch.adaptive_avg_pool{nd}d({w.r(x)}, {_ints(osize)})"


def _amax(w, x, nd, osize, want_idx):
    e = f"torch.adaptive_max_pool{nd}d({w.r(x)}, {_ints(osize)})"
    return e if want_idx else f"({e})[0]"


def _norm(w, x, wt, b, axes, gshape, wshape, eps, stats=None, update=None, rms=False):
    from ._replay import BNUpdate

    if type(update) is BNUpdate:    # training mode: torch's batch_norm updates the buffers
        if update.count is not None:
            w.lines.append(f"{w.fresh()} = torch.add_({attr_path('self', update.count)}, 1)")
        return (f"torch.batch_norm({_args(w, x, wt, b)}, {attr_path('self', update.mean)}, "
                f"{attr_path('self', update.var)}, True, {_lit(update.momentum)}, {_lit(float(eps))}, True)")
    if update is not None:
        raise NotImplementedError(
            "ember.jit.save: a normalization that updates running statistics (instance norm "
            "traced in training mode) cannot be saved as TorchScript here; call model.eval() "
            "before tracing")
    if rms:
        raise NotImplementedError("ember.jit.save: rms_norm has no TorchScript spelling in ember's writer")
    shp = w.shape(x)
    if gshape is not None:      # group norm: x viewed as (N, G, -1)
        return f"torch.group_norm({_args(w, x)}, {gshape[1]}, {_args(w, wt, b)}, {_lit(float(eps))}, True)"
    if stats is not None or (0 in axes and 1 not in axes):   # batch norm
        rm, rv = stats if stats is not None else (None, None)
        train = stats is None
        names = [attr_path("self", s.name) if type(s) is _Buffer else w.r(s) for s in (rm, rv)]
        return (f"torch.batch_norm({_args(w, x, wt, b)}, {names[0]}, {names[1]}, {train}, 0.1, "
                f"{_lit(float(eps))}, True)")
    axes = sorted(a % len(shp) for a in axes)
    if axes == list(range(2, len(shp))) and len(wshape) == len(shp) and all(
            n == 1 for i, n in enumerate(wshape) if i != 1):       # instance norm
        return (f"torch.instance_norm({_args(w, x, wt, b)}, None, None, True, 0.1, "
                f"{_lit(float(eps))}, True)")
    if axes == list(range(len(shp) - len(axes), len(shp))):
        return f"torch.layer_norm({_args(w, x)}, {[shp[a] for a in axes]}, {_args(w, wt, b)}, {_lit(float(eps))}, True)"
    raise NotImplementedError(f"ember.jit.save: a normalization over axes {axes} has no TorchScript spelling")


def _index(w, a, idx):
    """Basic indexing ``a[idx]`` (ints, slices, None, Ellipsis) as select/slice/unsqueeze."""
    idx = idx if type(idx) is tuple else (idx,)
    nd = len(w.shape(a))
    used = sum(1 for i in idx if i is not None and i is not Ellipsis)
    e, dim = w.r(a), 0
    for i in idx:
        if i is Ellipsis:
            dim += nd - used
        elif i is None:
            e = f"torch.unsqueeze({e}, {dim})"
            dim += 1
        elif type(i) is slice:
            st = 0 if i.start is None else w.r(i.start)
            sp = _INT64_MAX if i.stop is None else w.r(i.stop)
            step = 1 if i.step is None else w.r(i.step)
            e = f"torch.slice({e}, {dim}, {st}, {sp}, {step})"
            dim += 1
        elif isinstance(i, (int, np.integer, SymArg)):
            e = f"torch.select({e}, {dim}, {w.r(i)})"
        else:
            raise NotImplementedError(f"ember.jit.save: indexing with {type(i).__name__} has no "
                                      "TorchScript spelling in ember's writer")
    return e if e != w.r(a) else f"torch.alias({e})"


def _split(w, a, dim, bounds):
    sizes = [hi - lo for lo, hi in bounds]
    return f"torch.split_with_sizes({w.r(a)}, {sizes}, {dim})"


def _embbag(w, wt, idx, psw=None, offs=None, mode="mean", padding_idx=None):
    modes = {"sum": 0, "mean": 1, "max": 2}
    if offs is None:
        raise NotImplementedError("ember.jit.save: embedding_bag without offsets")
    off = w.r(offs) if type(offs) is SymArg else w.const(np.asarray(offs, np.int64))
    if type(offs) is SymArg and offs.expr[0] != "range":
        off = w.const(np.asarray(offs.value, np.int64))
    return (f"(torch.embedding_bag({_args(w, wt, idx)}, {off}, False, {modes[mode]}, False, "
            f"{w.r(psw)}, False, {w.r(padding_idx)}))[0]")


def _act(name, *names):
    def f(w, a, *p, inplace=False):
        return f"torch.{name}({w.r(a)}{''.join(', ' + w.r(v) for v in p)})"
    return f


def _gelu(w, a, approx="none", inplace=False):
    return f"torch.gelu({w.r(a)}, approximate={_lit(approx)})"


def _elu(w, a, alpha=1.0, scale=1.0, input_scale=1.0, inplace=False):
    return f"torch.elu({w.r(a)}, {_lit(float(alpha))}, {_lit(float(scale))}, {_lit(float(input_scale))})"


def _sum(w, a, dims=None, keepdim=False, npdtype=None):
    dt = "None" if npdtype is None else _lit(np.dtype(npdtype))
    if dims is None:
        return f"torch.sum({w.r(a)}, dtype={dt})"
    return f"torch.sum({w.r(a)}, {_ints(dims)}, {keepdim}, dtype={dt})"


def _mean(w, a, dims, keepdim):
    return f"torch.mean({w.r(a)}, {None if dims is None else _ints(dims)}, {keepdim})"


def _squeeze(w, a, dims):
    dims = _ints(dims) if dims is not None else []
    return f"torch.squeeze({w.r(a)}, {dims})" if dims else f"torch.squeeze({w.r(a)})"


def _pad(w, x, pairs, value):
    flat = [v for p in reversed(pairs) for v in p]
    return f"torch.constant_pad_nd({w.r(x)}, {w.r(flat)}, {_lit(float(value))})"


def _cat(name):
    return lambda w, *arrays, dim: f"torch.{name}([{_args(w, *arrays)}], {dim})"


def _binary(name):
    def f(w, a, b, alpha=1):
        tail = "" if alpha == 1 else f", alpha={_lit(alpha)}"
        return f"torch.{name}({_args(w, a, b)}{tail})"
    return f


def _pow(w, a, b):
    return f"torch.pow({_args(w, a, b)})"


def _clamp(w, a, lo=None, hi=None):
    return f"torch.clamp({_args(w, a, lo, hi)})"


def _to(w, a, dt, *rest, **kw):
    return f"torch.to({w.r(a)}, {_lit(dt)}, False, False)"


def _var(name):
    def f(w, a, dims, correction, keepdim, take_sqrt):
        fn = "std" if take_sqrt else "var"
        d = "None" if dims is None else _ints(dims)
        return f"torch.{fn}({w.r(a)}, {d}, correction={_lit(correction)}, keepdim={keepdim})"
    return f


_EMIT = {
    "_Linear": lambda w, x, wt, b=None: f"torch.linear({_args(w, x, wt, b)})",
    "_Embedding": lambda w, wt, idx, padding_idx=None, scale_grad_by_freq=False:
        f"torch.embedding({_args(w, wt, idx)}, {-1 if padding_idx is None else padding_idx}, "
        f"{scale_grad_by_freq}, False)",
    "ember.ops.shape:Reshape": lambda w, a, shape: f"torch.reshape({w.r(a)}, {w.r(list(shape))})",
    "ember.ops.linalg:UnsafeView": lambda w, a, b: f"torch.matmul({_args(w, a, b)})",
    "ember.ops.shape:UnsafeView": lambda w, a, shape: f"torch.reshape({w.r(a)}, {w.r(list(shape))})",
    "View": lambda w, a, shape: f"torch.view({w.r(a)}, {w.r(list(shape))})",
    "Expand": lambda w, a, shape: f"torch.expand({w.r(a)}, {w.r(list(shape))})",
    "Permute": lambda w, a, dims: f"torch.permute({w.r(a)}, {list(dims)})",
    "Transpose": lambda w, a, d0, d1: f"torch.transpose({w.r(a)}, {d0}, {d1})",
    "TOp": lambda w, a, d0, d1: f"torch.transpose({w.r(a)}, {d0}, {d1})",
    "Unsqueeze": lambda w, a, d: (f"torch.unsqueeze({w.r(a)}, {d})" if not isinstance(d, tuple)
                                  else _index(w, a, d)),
    "Squeeze": _squeeze, "Squeeze1": _squeeze, "Squeeze2": _squeeze,
    "ember.ops.shape:Slice": lambda w, a, dim, start, stop, step=1:
        f"torch.slice({w.r(a)}, {dim}, {w.r(start)}, {w.r(stop)}, {w.r(step)})",
    "ember.ops.shape:Select": lambda w, a, dim, index: f"torch.select({w.r(a)}, {dim}, {w.r(index)})",
    "Clone": lambda w, a, order=None: f"torch.clone({w.r(a)})",
    "Cat": _cat("cat"), "Stack": _cat("stack"),
    "Split": _split, "SplitWithSizes": _split,
    "Unbind": lambda w, a, dim: f"torch.unbind({w.r(a)}, {dim})",
    "_ConvNd": _conv, "_ConvTransposeNd": _conv_t,
    "_MAXCLS[1]": _maxpool, "_MAXCLS[2]": _maxpool, "_MAXCLS[3]": _maxpool, "_MaxPool": _maxpool,
    "_AVGCLS[1]": _avgpool, "_AVGCLS[2]": _avgpool, "_AVGCLS[3]": _avgpool, "_AvgPool": _avgpool,
    "_AAVGCLS[1]": _aavg, "_AAVGCLS[2]": _aavg, "_AAVGCLS[3]": _aavg, "_AdaptiveAvg": _aavg,
    "_AMAXCLS[1]": _amax, "_AMAXCLS[2]": _amax, "_AMAXCLS[3]": _amax,
    "_Norm": _norm, "_LayerNormOp": _norm, "_GroupNormOp": _norm,
    "_EmbBag": _embbag,
    "Gelu": _gelu, "Elu": _elu,
    "LeakyRelu": _act("leaky_relu"), "Hardtanh": _act("hardtanh"), "Softplus": _act("softplus"),
    "Threshold": _act("threshold"), "Softshrink": _act("softshrink"), "Hardshrink": _act("hardshrink"),
    "Prelu": lambda w, a, wt: f"torch.prelu({_args(w, a, wt)})",
    "Glu": lambda w, a, dim: f"torch.glu({w.r(a)}, {dim})",
    "Softmax": lambda w, a, dim: f"torch.softmax({w.r(a)}, {dim})",
    "LogSoftmax": lambda w, a, dim: f"torch.log_softmax({w.r(a)}, {dim})",
    "Add": _binary("add"), "Sub": _binary("sub"), "Mul": _binary("mul"), "Div": _binary("div"),
    "RSub": lambda w, a, b: f"torch.rsub({_args(w, a, b)})",
    "RDiv": lambda w, a, b: f"torch.mul(torch.reciprocal({w.r(a)}), {w.r(b)})",
    "DivRounding": lambda w, a, b, rounding_mode:
        f"torch.div({_args(w, a, b)}, rounding_mode={_lit(rounding_mode)})",
    "Pow": _pow, "Clamp": _clamp,
    "Maximum": lambda w, a, b: f"torch.maximum({_args(w, a, b)})",
    "Minimum": lambda w, a, b: f"torch.minimum({_args(w, a, b)})",
    "Matmul": lambda w, a, b: f"torch.matmul({_args(w, a, b)})",
    "Bmm": lambda w, a, b: f"torch.bmm({_args(w, a, b)})",
    "Addmm": lambda w, c, a, b, beta=1, alpha=1:
        f"torch.addmm({_args(w, c, a, b)}, beta={_lit(beta)}, alpha={_lit(alpha)})",
    "Sum": _sum, "Mean": _mean, "Var": _var("var"), "Std": _var("std"),
    "MaxDim": lambda w, a, d, keepdim: f"torch.max({w.r(a)}, {d}, {keepdim})",
    "MinDim": lambda w, a, d, keepdim: f"torch.min({w.r(a)}, {d}, {keepdim})",
    "MaxAll": lambda w, a: f"torch.max({w.r(a)})", "MinAll": lambda w, a: f"torch.min({w.r(a)})",
    "Amax": lambda w, a, dims, keepdim: f"torch.amax({w.r(a)}, {_ints(dims)}, {keepdim})",
    "Amin": lambda w, a, dims, keepdim: f"torch.amin({w.r(a)}, {_ints(dims)}, {keepdim})",
    "Logsumexp": lambda w, a, dims, keepdim: f"torch.logsumexp({w.r(a)}, {_ints(dims)}, {keepdim})",
    "ToCopy": _to,
    "_PadConstant": _pad,
    "_PixelShuffle": lambda w, x, r: f"torch.pixel_shuffle({w.r(x)}, {r})",
    "_PixelUnshuffle": lambda w, x, r: f"torch.pixel_unshuffle({w.r(x)}, {r})",
    "Repeat": lambda w, a, reps: f"torch.repeat({w.r(a)}, {w.r(list(reps))})",
    "Flip": lambda w, a, dims: f"torch.flip({w.r(a)}, {_ints(dims)})",
    "Tril": lambda w, a, k: f"torch.tril({w.r(a)}, {k})",
    "Triu": lambda w, a, k: f"torch.triu({w.r(a)}, {k})",
}

_EMIT.update(EMIT)
for _k, _f in MORE.items():
    _EMIT.setdefault(_k, _f)
for _k, _n in MORE_UNARY.items():
    _UNARY.setdefault(_k, _n)


# ---- forward source ---------------------------------------------------------------------

def _type_of(s):
    if type(s) is Value:
        return "Tensor"
    if type(s) in (tuple, list):
        if type(s) is tuple:
            return "Tuple[" + ", ".join(_type_of(x) for x in s) + "]" if s else "Tuple[()]"
        return f"List[{_one({_type_of(x) for x in s}, 'list')}]"
    if type(s) is dict:
        kt = _one({"str" if type(k) is str else "int" if type(k) is int else "?" for k in s}, "dict key")
        return f"Dict[{kt}, {_one({_type_of(v) for v in s.values()}, 'dict value')}]"
    if s is None:
        return "NoneType"
    return {bool: "bool", int: "int", float: "float", str: "str"}.get(type(s), "Tensor")


def _one(types, what):
    if not types:
        return "Tensor"
    if len(types) > 1 or "?" in types:
        raise NotImplementedError(
            f"ember.jit.save: a TorchScript {what} has one type, but the traced forward's "
            f"inputs or outputs mix {sorted(types)}; return a tuple instead")
    return types.pop()


def _ident(name, taken):
    s = "".join(c if c.isalnum() or c == "_" else "_" for c in str(name)) or "x"
    if s[0].isdigit() or keyword.iskeyword(s) or s in ("self", "torch", "ops", "CONSTANTS"):
        s = "x_" + s
    while s in taken:
        s += "_"
    taken.add(s)
    return s


def graph_source(graph, in_struct, cls_name):
    """(the forward's TorchScript source lines, tensor constants) for ``graph``."""
    w = _Writer(graph)
    taken, params, pro = set(), [], []

    def bind(s, expr):
        if type(s) is Value:
            w.names[s.id] = expr
        elif type(s) in (tuple, list):
            for i, x in enumerate(s):
                if type(x) in (Value, tuple, list, dict):
                    v = w.fresh()
                    pro.append(f"{v} = {expr}[{i}]")
                    bind(x, v)
        elif type(s) is dict:
            for k, x in s.items():
                if type(x) in (Value, tuple, list, dict):
                    v = w.fresh()
                    pro.append(f"{v} = {expr}[{_lit(k)}]")
                    bind(x, v)
    for name, s in in_struct:
        a = _ident(name, taken)
        params.append(f"{a}: {_type_of(s)}")
        bind(s, a)
    w.lines.extend(pro)
    for v in graph.params.values():
        w.names[v.id] = attr_path("self", v.name)
    for v, arr in graph.consts.items():
        w.names[v.id] = w.const(arr)
    for n in graph.nodes:
        w.emit(n)

    def ret(s):
        if type(s) is Value:
            return w.names[s.id]
        if type(s) is tuple:
            return "(" + ", ".join(ret(x) for x in s) + ("," if len(s) == 1 else "") + ")"
        if type(s) is list:
            return "[" + ", ".join(ret(x) for x in s) + "]"
        if type(s) is dict:
            return "{" + ", ".join(f"{_lit(k)}: {ret(x)}" for k, x in s.items()) + "}"
        return _lit(s)
    sig = ",\n    ".join([f"self: __torch__.{cls_name}"] + params)
    body = [f"def forward({sig}) -> {_type_of(graph.outputs)}:"]
    body += ["  " + ln for ln in w.lines] + [f"  return {ret(graph.outputs)}"]
    return body, w.consts


# ---- the module tree and the pickles ----------------------------------------------------

def class_source(short, params, buffers, subs, methods=()):
    """A TorchScript module class declaration (``subs``: [(name, qualified class)])."""
    q = ", ".join(f'"{p}"' for p in params)
    b = ", ".join(f'"{p}"' for p in buffers)
    lines = [f"class {short}(Module):", f"  __parameters__ = [{q}{', ' if q else ''}]",
             f"  __buffers__ = [{b}{', ' if b else ''}]"]
    def decl(n, t):
        ok = n.isidentifier() and not keyword.iskeyword(n)
        return f"  {n} : {t}" if ok else f'  __annotations__["{n}"] = {t}'
    lines += [decl(p, "Tensor") for p in list(params) + list(buffers)]
    lines.append("  training : bool")
    lines += [decl(n, f"__torch__.{c}") for n, c in subs]
    for m in methods:
        lines += ["  " + ln for ln in m]
    return lines


class ModObj:
    """A module in data.pkl: class ``qual`` (``__torch__.X``) with an ordered attribute dict."""

    def __init__(self, qual, state):
        self.qual, self.state = qual, state


class _Pickle:
    """The few pickle opcodes (protocol 2) torch's TorchScript pickles use."""

    def __init__(self, storages, prefix):
        self.out = bytearray(b"\x80\x02")
        self.storages = storages    # key -> contiguous ndarray
        self.keys = {}
        self.prefix = prefix
        self.memo = {}      # id(tensor) -> memo slot: a tensor reached twice (tied weights) is one object
        self.held = []

    def glob(self, mod, name):
        self.out += b"c" + mod.encode() + b"\n" + name.encode() + b"\n"

    def str_(self, s):
        b = s.encode("utf-8")
        self.out += b"X" + struct.pack("<I", len(b)) + b

    def dump(self, v):
        o = self.out
        if v is None:
            o += b"N"
        elif v is True:
            o += b"\x88"
        elif v is False:
            o += b"\x89"
        elif type(v) is int:
            if -(1 << 31) <= v < (1 << 31):
                o += b"J" + struct.pack("<i", v)
            else:
                b = pickle.encode_long(v)
                o += b"\x8a" + bytes([len(b)]) + b
        elif type(v) is float:
            o += b"G" + struct.pack(">d", v)
        elif type(v) is str:
            self.str_(v)
        elif type(v) is tuple:
            o += b"("
            for x in v:
                self.dump(x)
            o += b"t"
        elif type(v) is list:
            o += b"]("
            for x in v:
                self.dump(x)
            o += b"e"
        elif type(v) is dict:
            o += b"}("
            for k, x in v.items():
                self.dump(k)
                self.dump(x)
            o += b"u"
        elif isinstance(v, ModObj):
            mod, _, name = v.qual.rpartition(".")
            self.glob(mod, name)
            o += b")\x81"
            self.dump(v.state)
            o += b"b"
        elif isinstance(v, np.ndarray):
            self.tensor(v, False)
        else:
            from .._tensor import Tensor
            if isinstance(v, Tensor):
                slot = self.memo.get(id(v))
                if slot is not None:
                    o += b"j" + struct.pack("<I", slot)      # LONG_BINGET
                    return
                self.tensor(v._data, bool(v.requires_grad))
                slot = self.memo[id(v)] = len(self.memo)
                self.held.append(v)
                o += b"r" + struct.pack("<I", slot)          # LONG_BINPUT
            else:
                raise NotImplementedError(f"ember.jit.save: cannot pickle a {type(v).__name__} attribute")

    def tensor(self, a, requires_grad):
        from ..serialization import _STORAGE_OF

        key = self.keys.get(id(a))
        if key is None:
            key = self.keys[id(a)] = str(len(self.storages))
            self.storages[key] = np.ascontiguousarray(a).reshape(-1)
        n = self.storages[key].size
        stride = [int(np.prod(a.shape[i + 1:], dtype=np.int64)) for i in range(a.ndim)]
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.out += b"(("
        self.str_("storage")
        self.glob("torch", _STORAGE_OF[D.from_np[a.dtype]])
        self.str_(key)
        self.str_("cpu")
        self.dump(n)
        self.out += b"tQ"
        self.dump(0)
        self.dump(tuple(int(s) for s in a.shape))
        self.dump(tuple(stride))
        self.dump(requires_grad)
        self.glob("collections", "OrderedDict")
        self.out += b")Rt" + b"R"

    def value(self):
        return bytes(self.out) + b"."


# operators whose schema changed, with the file format version that reads today's schema
# (torch's operator upgraders treat an older file's ``torch.div`` as the old integer division)
_OP_VERSIONS = {"torch.div(": 4, "torch.div_(": 4, "torch.full(": 5, "torch.linspace(": 8,
                "torch.logspace(": 9, "torch.gelu(": 10}


def file_version(texts):
    """The format version torch would write for this code: 3 unless an upgraded op is used."""
    v = 3
    for t in texts:
        for op, n in _OP_VERSIONS.items():
            if op in t:
                v = max(v, n)
    return v


def write_archive(f, name, sources, root, constants, extra=None):
    """Write the zip: ``sources`` {module path (``__torch__.a.b``): text}, ``root`` a ModObj,
    ``constants`` a list of arrays/tensors for constants.pkl, ``extra`` {name: bytes/str}."""
    import zipfile

    from ..serialization import _zip_write

    name = "".join(c if c.isalnum() or c in "_-" else "_" for c in name) or "archive"
    data_st, const_st = {}, {}
    p = _Pickle(data_st, "data")
    p.dump(root)
    data = p.value()
    c = _Pickle(const_st, "constants")
    c.dump(tuple(constants))
    consts = c.value()
    own = isinstance(f, (str, os.PathLike))
    out = open(f, "wb") if own else f
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            for key, arr in data_st.items():
                _zip_write(zf, f"{name}/data/{key}", np.ascontiguousarray(arr).tobytes())
            _zip_write(zf, f"{name}/data.pkl", data)
            for path, text in sources.items():
                _zip_write(zf, f"{name}/code/{path.replace('.', '/')}.py", text.encode("utf-8"))
            for key, arr in const_st.items():
                _zip_write(zf, f"{name}/constants/{key}", np.ascontiguousarray(arr).tobytes())
            _zip_write(zf, f"{name}/constants.pkl", consts)
            for k, v in (extra or {}).items():
                _zip_write(zf, f"{name}/extra/{k}", v.encode() if isinstance(v, str) else bytes(v))
            version = file_version(sources.values())
            _zip_write(zf, f"{name}/{'.data/' if version >= 6 else ''}version", f"{version}\n".encode())
            _zip_write(zf, f"{name}/byteorder", sys.byteorder.encode())
            _zip_write(zf, f"{name}/.data/serialization_id", os.urandom(20).hex().encode())
    finally:
        if own:
            out.close()
