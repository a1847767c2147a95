"""The traced graph: one representation shared by ``ember.jit`` and ``ember.onnx``.

A trace runs the model once with the op recorder installed (``_apply.add_observer``)
and keeps, for every op ``apply`` ran, the op class, its inputs and its keyword
arguments, with tensors replaced by graph values::

    g = trace_graph(model, (x,), {})
    g.nodes[0]      # Node(op=_Linear, args=[%x, %fc.weight, %fc.bias], kwargs={}, outputs=[%1])
    g.run(params, [x])  # replays the ops through ``apply``: the same numbers, no Python class

Ops are named by ``op_key(cls)`` (``"ember.ops.linear:_Linear"``); ``ember.jit.save``
writes the graph as TorchScript source (``_ts_write``).
"""
import importlib
import warnings

import numpy as np

from .._tensor import Size, Tensor, _wrap
from ..autograd import grad_mode
from ..ops import _apply
from ..ops._apply import Op, _type_name, apply, apply_
from . import _sym
from ._replay import ADAPT
from ._sym import SymArg, SymInt, SymList, _Data

__all__ = ["Graph", "Value", "Node", "trace_graph", "op_key", "op_class", "TracingError", "FUNCS",
           "node_aten"]

_KEYS = {}      # op class -> key
# calls recorded whole (``_calls``): key -> function replayed with the graph's tensors; its
# ``aten`` attribute is the name the graph prints
FUNCS = {}
_CLASSES = {}   # key -> op class
_SCANNED = set()


class TracingError(RuntimeError):
    """The model did something the tracer cannot record (names the op and why)."""


def _scan(mname):
    """Register the op classes a module defines (and dicts of them, as pooling keeps)."""
    if mname in _SCANNED or not mname.startswith("ember."):
        return
    _SCANNED.add(mname)
    mod = importlib.import_module(mname)
    for attr, v in vars(mod).items():
        if isinstance(v, type) and issubclass(v, Op) and v.__module__ == mname:
            _KEYS.setdefault(v, f"{mname}:{attr}")
        elif isinstance(v, dict):
            for k, c in v.items():
                if isinstance(c, type) and issubclass(c, Op) and isinstance(k, (int, str)):
                    _KEYS.setdefault(c, f"{mname}:{attr}[{k!r}]")
    for c, k in _KEYS.items():
        _CLASSES.setdefault(k, c)


def warm():
    """Register the ops of every ember module loaded so far (so a profile doesn't time it)."""
    import sys

    for m in list(sys.modules):
        if m.startswith(("ember.ops.", "ember.nn.functional", "ember.linalg")):
            _scan(m)


_PLAIN = {"forward", "forward_", "name", "__module__", "__doc__", "__qualname__"}


def op_key(cls):
    """``cls`` -> key. A class made on the fly (an in-place wrapper, a per-mode variant
    that only renames) resolves to the module-level op it derives from."""
    for c in cls.__mro__:
        if c not in _KEYS:
            _scan(c.__module__)
        k = _KEYS.get(c)
        if k is not None:
            return k
        if set(vars(c)) - _PLAIN:
            break
    raise TracingError(f"ember.jit.trace: op {cls.__name__} ({cls.__module__}) is not a "
                       "module-level ember op and cannot be recorded")


def node_aten(n):
    """``aten::<name>`` a graph node prints as."""
    from ._aten import aten_name

    f = FUNCS.get(n.key)
    if f is not None:
        return "aten::" + (f.aten(n.kwargs) if callable(f.aten) else f.aten)
    return aten_name(op_class(n.key), n.kwargs)


def op_class(key):
    if key not in _CLASSES:
        _scan(key.split(":", 1)[0])
    c = _CLASSES.get(key)
    if c is None:
        raise RuntimeError(f"unknown ember op {key!r} in the graph (saved by a newer ember?)")
    return c


class Value:
    """A tensor in the graph: ``kind`` is "input", "param", "const" or "op"."""

    __slots__ = ("id", "kind", "name", "shape", "dtype")

    def __init__(self, id, kind, name, shape, dtype):
        self.id, self.kind, self.name, self.shape, self.dtype = id, kind, name, tuple(shape), dtype

    def __repr__(self):
        return f"%{self.name}"


class Node:
    """One recorded op: ``args`` and ``kwargs`` hold Values where tensors were."""

    __slots__ = ("key", "inplace", "args", "kwargs", "outputs")

    def __init__(self, key, inplace, args, kwargs, outputs):
        self.key, self.inplace, self.args, self.kwargs, self.outputs = key, inplace, args, kwargs, outputs

    @property
    def op(self):
        return op_class(self.key)

    def __repr__(self):
        return f"Node({self.key}, args={self.args}, kwargs={self.kwargs}, outputs={self.outputs})"


class _Buffer:
    """A keyword array that is a reshaped module buffer (BatchNorm's running stats)."""

    __slots__ = ("name", "shape")

    def __init__(self, name, shape):
        self.name, self.shape = name, tuple(shape)

    def __repr__(self):
        return f"%{self.name}.reshape{self.shape}"


class Graph:
    """``inputs`` (Values), ``params`` (name -> Value), ``consts`` (Value -> ndarray),
    ``nodes`` in execution order, ``outputs``: the forward's return structure."""

    def __init__(self):
        self.inputs, self.params, self.consts, self.nodes = [], {}, {}, []
        self.outputs = None
        self.in_struct = []   # [(argument name, structure with Values at the leaves)]
        self._n = 0

    def value(self, kind, name, shape, dtype):
        v = Value(self._n, kind, name if name is not None else str(self._n), shape, dtype)
        self._n += 1
        return v

    # ---- replay -------------------------------------------------------------------
    def run(self, params, inputs):
        """Run the recorded ops on ``inputs`` (tensors) with ``params`` (name -> tensor)."""
        if len(inputs) != len(self.inputs):
            raise RuntimeError(f"forward() expected {len(self.inputs)} tensor argument(s), "
                               f"got {len(inputs)}")
        env = {}
        for v, x in zip(self.inputs, inputs):
            if not isinstance(x, Tensor):
                raise TypeError(f"expected a Tensor for input {v.name}, got {type(x).__name__}")
            env[v.id] = x
        for name, v in self.params.items():
            env[v.id] = params[name]
        for v, a in self.consts.items():
            env[v.id] = _wrap(a)

        def get(a):
            if type(a) is Value:
                return env[a.id]
            if type(a) is _Buffer:
                return params[a.name]._data.reshape(a.shape)
            if type(a) is SymArg:
                return a.eval(env)
            if type(a) is _Data:
                return env[a.v.id]._data
            if type(a) is slice and SymArg in (type(a.start), type(a.stop), type(a.step)):
                return slice(get(a.start), get(a.stop), get(a.step))   # x[:x.size(0) - 1]
            if type(a) in (tuple, list):
                return type(a)(get(b) for b in a)
            return a
        for node in self.nodes:
            args = [get(a) for a in node.args]
            kwargs = {k: get(a) for k, a in node.kwargs.items()}
            fn = FUNCS.get(node.key)
            if fn is not None:
                out = fn(*args, **kwargs)
            elif node.key in ADAPT:     # an op whose arguments hold the example's sizes
                out = ADAPT[node.key](*args, _node=node, **kwargs)
            elif node.inplace:      # mutates its input (a view: its base sees it), as traced
                out = apply_(op_class(node.key), *args, **kwargs)
            else:
                out = apply(op_class(node.key), *args, **kwargs)
            outs = tuple(out) if isinstance(out, tuple) else (out,)
            for v, o in zip(node.outputs, outs):
                env[v.id] = o
        return _unflatten(self.outputs, get)

    # ---- printing -----------------------------------------------------------------
    def __str__(self):
        def sig(v):
            return f"%{v.name} : {_type_name(v.dtype)}({', '.join(map(str, v.shape))})"
        head = [sig(v) for v in self.inputs] + [sig(v) for v in self.params.values()]
        lines = ["graph(" + ",\n      ".join(head) + "):"]
        names = {v.id: v.name for v in self.inputs + list(self.params.values())}
        names.update((v.id, v.name) for n in self.nodes for v in n.outputs)

        def ref(a):
            return _sym.show(a.expr, names) if type(a) is SymArg else repr(a)
        for v, _a in self.consts.items():
            lines.append(f"  {sig(v)} = prim::Constant[value=<Tensor>]()")
        for n in self.nodes:
            outs = ", ".join(sig(v) for v in n.outputs)
            args = ", ".join(_fmt(a, ref) for a in n.args)
            kw = "".join(f", {k}={_fmt(a, ref)}" for k, a in n.kwargs.items() if not callable(a))
            lines.append(f"  {outs} = {node_aten(n)}({args}{kw})")
        lines.append(f"  return ({_fmt(self.outputs)})")
        return "\n".join(lines) + "\n"

    def code(self, nargs):
        names = ", ".join(["self"] + [v.name for v in self.inputs])
        lines = [f"def forward({names}):"]
        vnames = {v.id: v.name for v in self.inputs}
        vnames.update((v.id, f"_{v.id}") for n in self.nodes for v in n.outputs)

        def ref(a):
            if type(a) is Value:
                return f"self.{a.name}" if a.kind == "param" else (
                    f"CONSTANTS.c{a.id}" if a.kind == "const" else a.name if a.kind == "input"
                    else f"_{a.id}")
            if type(a) is _Buffer:
                return f"self.{a.name}.reshape({a.shape})"
            if type(a) is SymArg:
                return _sym.show(a.expr, vnames, code=True)
            if type(a) is _Data:
                return ref(a.v)
            return _fmt(a, ref) if type(a) in (tuple, list, dict) else _fmt(a)
        for n in self.nodes:
            outs = ", ".join(ref(v) for v in n.outputs)
            args = [ref(a) for a in n.args] + [f"{k}={ref(a)}" for k, a in n.kwargs.items()
                                              if not callable(a)]
            call = node_aten(n).replace("aten::", "torch.")
            lines.append(f"  {outs} = {call}({', '.join(args)})")
        lines.append(f"  return {ref(self.outputs)}")
        return "\n".join(lines) + "\n"


def _fmt(a, ref=repr):
    if type(a) is tuple:
        return "(" + ", ".join(_fmt(b, ref) for b in a) + ("," if len(a) == 1 else "") + ")"
    if type(a) is list:
        return "[" + ", ".join(_fmt(b, ref) for b in a) + "]"
    if type(a) is dict:
        return "{" + ", ".join(f"{k!r}: {_fmt(b, ref)}" for k, b in a.items()) + "}"
    if isinstance(a, np.ndarray):
        return f"<array {a.dtype}{list(a.shape)}>"
    return ref(a)


def _unflatten(struct, get):
    if type(struct) is dict:
        return {k: _unflatten(v, get) for k, v in struct.items()}
    if type(struct) in (tuple, list):
        return type(struct)(_unflatten(v, get) for v in struct)
    return get(struct)


# ---- the tracer -------------------------------------------------------------------------

class TracerWarning(Warning):
    """A trace may not generalise to other inputs (PyTorch's ``torch.jit.TracerWarning``)."""


class _Tracer:
    """The op recorder's observer: maps each tensor (by identity) to its graph Value."""

    def __init__(self, graph, named):
        self.g = graph
        self.vals = {}     # id(tensor) -> Value
        self.keep = []     # tensors seen: ids stay unique while tracing
        self.nodes = {}    # id(grad_fn node), out index -> Value (for fast-path views)
        self.named = named  # id(tensor) -> parameter or buffer name
        self.buffers = {}  # id(ndarray) -> (name, tensor), for buffers passed as raw arrays
        self.arrays = {}   # id(ndarray) -> Value, the data of traced tensors (masks, indices)
        self.error = None

    def bind(self, t, v):
        self.vals[id(t)] = v
        self.keep.append(t)
        if v.kind in ("input", "op"):
            self.arrays[id(t._data)] = v
        if t.grad_fn is not None:
            self.nodes[(id(t.grad_fn), t._out_idx)] = v
        elif t._rg:
            self.nodes[(id(t._accumulator()), 0)] = v

    def op_enter(self, cls, inputs, kwargs):
        # tensor inputs are resolved before the op runs: an in-place op on a view
        # (``y[1:, -1] += 5``) rebases the view's autograd history
        pre = None
        if self.error is None:
            try:
                pre = [self.tensor(x) if isinstance(x, Tensor) else None for x in inputs]
            except TracingError as e:
                self.error = e
        return cls, inputs, kwargs, pre

    def op_exit(self, token, out):
        if out is None or self.error is not None:
            return
        cls, inputs, kwargs, pre = token
        try:
            key = op_key(cls)
            inplace = bool(inputs) and out is inputs[0]
            args = [p if p is not None else self.arg(x) for x, p in zip(inputs, pre)]
            kw = {k: self.arg(v) for k, v in kwargs.items()}
            self._emit(key, bool(inplace), args, kw, out)
        except TracingError as e:
            self.error = e

    def _emit(self, key, inplace, args, kw, out):
        """Append the node: a fresh graph value for each of ``out``'s tensors."""
        vs = []
        for o in (out if type(out) is tuple else (out,)):
            v = self.g.value("op", None, o._data.shape, o._data.dtype)
            self.bind(o, v)
            vs.append(v)
        self.g.nodes.append(Node(key, inplace, args, kw, vs))

    def arg(self, x):
        if isinstance(x, Tensor):
            return self.tensor(x)
        if isinstance(x, SymInt):   # read from a shape: replay reads it from the new input
            return SymArg(x.expr, int(x))
        if isinstance(x, SymList):
            return SymArg(x.expr, list(x))
        if type(x) is Size:
            x = tuple(x)
        if type(x) is slice:
            return slice(self.arg(x.start), self.arg(x.stop), self.arg(x.step))
        if type(x) in (tuple, list):
            return type(x)(self.arg(a) for a in x)
        if isinstance(x, np.ndarray):
            root = x
            while root.base is not None and isinstance(root.base, np.ndarray):
                root = root.base
            v = self.arrays.get(id(x))
            if v is not None and v.shape == x.shape:
                return _Data(v, np.array(x, copy=True))
            hit = self.buffers.get(id(root))
            if hit is not None and hit[1]._data.size == x.size and x.dtype == hit[1]._data.dtype:
                return _Buffer(hit[0], x.shape)
            return np.array(x, copy=True)
        if callable(x) and getattr(x, "__name__", "") == "update":
            from ._replay import bn_update
            return bn_update(x, self.named, list(self.buffers.values())) or x
        return x

    def record(self, key, args, kwargs, out):
        """A call recorded whole (``_calls``): one node whose outputs are ``out``'s tensors."""
        try:
            a = [self.arg(x) for x in args]
            kw = {k: self.arg(x) for k, x in kwargs.items()}
        except TracingError as e:
            self.error = e
            return
        self._emit(key, bool(args) and out is args[0], a, kw, out)

    def tensor(self, t):
        v = self.vals.get(id(t))
        if v is not None:
            return v
        name = self.named.get(id(t))
        if name is not None:
            v = self.g.params[name] = self.g.value("param", name, t._data.shape, t._data.dtype)
            self.bind(t, v)
            return v
        gf = t.grad_fn
        if gf is not None:
            return self.from_grad_fn(t, gf)
        v = self.g.value("const", None, t._data.shape, t._data.dtype)
        self.g.consts[v] = np.array(t._data, copy=True)
        self.bind(t, v)
        warnings.warn(
            f"A tensor of shape {list(t.shape)} that no recorded op produced (a tensor created "
            "inside forward, or the result of an op ember does not record, such as argmax, a "
            "comparison, nonzero or unique) is registered as a constant in the trace: the traced "
            "module reuses this value for every input. You can safely ignore this warning if the "
            "value does not depend on the inputs.", TracerWarning, stacklevel=2)
        return v

    def from_grad_fn(self, t, gf):
        """A view made by ``x[i]``/``x[a:b]`` (indexing's fast path skips ``apply``)."""
        from ..ops import indexing

        idx = gf.__dict__.get("idx")
        if type(gf) in (indexing.Select, indexing.Slice, indexing.Alias) and idx is not None:
            src, k = gf.next_functions[0]
            v_src = self.nodes.get((id(src), k))
            if v_src is not None:
                v = self.g.value("op", None, t._data.shape, t._data.dtype)
                self.g.nodes.append(Node(op_key(type(gf)), False, [v_src], {"idx": idx}, [v]))
                self.bind(t, v)
                return v
        raise TracingError(
            f"ember.jit.trace: a tensor produced by {type(gf).__name__} outside the op recorder "
            "(a custom autograd.Function or an untraced view) reached a traced op; ember can "
            "trace only ember ops")


def trace_graph(fn, args, kwargs=None, named=None, buffers=(), calls=True):
    """Run ``fn(*args, **kwargs)`` once and record it.

    Tensor arguments become graph inputs (in order: positional, then keyword); they
    run as detached copies that require grad, so every op takes ``apply``. Returns
    ``(graph, output)``; ``named``: {id(tensor): name} for parameters and buffers.
    ``calls``: record recurrent layers, comparisons, argmax, sort.. whole (``_calls``).
    """
    kwargs = kwargs or {}
    g = Graph()
    tr = _Tracer(g, named or {})
    for name, b in buffers:
        tr.buffers[id(b._data)] = (name, b)

    def prep(x, name):
        if isinstance(x, Tensor):
            c = _wrap(x._data)   # shares the data, fresh autograd identity
            c._rg = True         # integer inputs too: their ops must take apply
            with grad_mode.enable_grad():   # not a leaf: in-place ops on it (ReLU(inplace=True))
                c = c.clone()               # are allowed, as on torch's traced inputs
            v = g.value("input", name, x._data.shape, x._data.dtype)
            g.inputs.append(v)
            tr.bind(c, v)
            return c
        if type(x) in (tuple, list):
            return type(x)(prep(a, f"{name}.{i}") for i, a in enumerate(x))
        if type(x) is dict:
            return {k: prep(a, f"{name}.{k}") for k, a in x.items()}
        return x
    targs = [prep(a, _arg_name(fn, i)) for i, a in enumerate(args)]
    tkw = {k: prep(a, k) for k, a in kwargs.items()}

    def struct(x):   # the arguments with their graph Values at the leaves (for TorchScript)
        if isinstance(x, Tensor):
            return tr.vals[id(x)]
        if type(x) in (tuple, list):
            return type(x)(struct(a) for a in x)
        if type(x) is dict:
            return {k: struct(a) for k, a in x.items()}
        return x
    g.in_struct = [(_arg_name(fn, i), struct(a)) for i, a in enumerate(targs)]
    g.in_struct += [(k, struct(a)) for k, a in tkw.items()]
    from . import _calls

    _apply.add_observer(tr)
    _sym.install(tr)
    if calls:
        _calls.install(tr)
    try:
        with grad_mode.enable_grad():
            out = fn(*targs, **tkw)
    finally:
        if calls:
            _calls.uninstall(tr)
        _sym.uninstall(tr)
        _apply.remove_observer(tr)
    if tr.error is not None:
        raise tr.error

    def outs(o):
        if isinstance(o, Tensor):
            return tr.tensor(o)
        if type(o) in (tuple, list):
            return type(o)(outs(a) for a in o)
        if type(o) is dict:
            return {k: outs(a) for k, a in o.items()}
        if o is None or isinstance(o, (int, float, bool, str)):
            return int(o) if isinstance(o, SymInt) else o
        raise TracingError(f"ember.jit.trace: cannot return a {type(o).__name__} from a traced "
                           "function (tensors, numbers and tuples/lists/dicts of them only)")
    g.outputs = outs(out)
    return g, out


def _arg_name(fn, i):
    import inspect

    try:
        target = fn.forward if hasattr(fn, "forward") else fn
        ps = [p for p in inspect.signature(target).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        return ps[i].name
    except (TypeError, ValueError, IndexError):
        return f"input.{i + 1}"
