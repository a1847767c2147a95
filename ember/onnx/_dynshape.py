"""``dynamic_axes`` made real: the model is traced a second time with every dynamic axis one
longer; sizes that change between the two traces are the dynamic ones. A shape argument
(reshape, expand) whose entries change is computed at run time from the graph inputs' shapes."""
import numpy as np

__all__ = ["second_trace", "DynShapes"]


def _grow(t, axes, steps):
    """``t`` with each dynamic axis ({axis: dim name}) longer by its name's amount (distinct
    names grow by distinct amounts, so equal sizes stay told apart); the added entries repeat
    existing ones (indices stay valid)."""
    from .._tensor import _wrap

    a = t._data
    for ax, name in sorted(axes.items()):
        if a.shape[ax] == 0:
            raise ValueError(f"dynamic axis {ax} of an input of shape {list(t.shape)} has size 0")
        step = steps.setdefault(name, len(steps) + 1)
        a = np.take(a, np.arange(a.shape[ax] + step) % a.shape[ax], axis=ax)
    return _wrap(np.ascontiguousarray(a))


def second_trace(model, pos, kw, axes_by_input):
    """Trace ``model`` on the inputs grown along ``axes_by_input`` ({flat input index:
    {axis: dim name}})."""
    from .._tensor import Tensor
    from ..jit import _trace_for_export

    n, steps = [0], {}

    def sub(x):
        if isinstance(x, Tensor):
            i, n[0] = n[0], n[0] + 1
            return _grow(x, axes_by_input[i], steps) if axes_by_input.get(i) else x
        if type(x) in (tuple, list):
            return type(x)(sub(a) for a in x)
        if type(x) is dict:
            return {k: sub(a) for k, a in x.items()}
        return x
    pos2 = tuple(sub(a) for a in pos)
    kw2 = {k: sub(a) for k, a in kw.items()}
    return _trace_for_export(model, pos2, kw2)[0]


class DynShapes:
    """Pairs graph 1's values with graph 2's; resolves sizes that differ to run-time dims."""

    def __init__(self, g1, g2):
        from ._convert import UnsupportedOperatorError

        if len(g1.nodes) != len(g2.nodes) or any(
                a.key != b.key or len(a.outputs) != len(b.outputs) for a, b in zip(g1.nodes, g2.nodes)):
            raise UnsupportedOperatorError(
                "the traced graph changes with the size of a dynamic axis (a Python loop over it, such "
                "as a recurrent cell stepped over the sequence or nn.LSTM/GRU/RNN on a PackedSequence, "
                "or control flow on a size): export it "
                "without that axis in dynamic_axes")
        self.shape2 = {}
        for a, b in zip(g1.inputs, g2.inputs):
            self.shape2[a.id] = b.shape
        for a, b in zip(g1.consts, g2.consts):
            self.shape2[a.id] = b.shape
        self.node2 = {}
        for a, b in zip(g1.nodes, g2.nodes):
            self.node2[id(a)] = b
            for u, v in zip(a.outputs, b.outputs):
                self.shape2[u.id] = v.shape
        self.inputs = g1.inputs
        self.current = None   # graph 2's node for the node being converted

    def dynamic_axes(self, v):
        s2 = self.shape2.get(v.id)
        if s2 is None or len(s2) != len(v.shape):
            return set()
        return {i for i, (a, b) in enumerate(zip(v.shape, s2)) if a != b}

    def other_args(self):
        return self.current.args, self.current.kwargs

    def shape(self, c, t1, t2, like=None, infer=True):
        """A shape tensor: ``t1`` with each entry that differs in ``t2`` read from an input's
        shape (``like`` first, then the graph inputs); one unmatched entry becomes -1 when
        ``infer`` (Reshape)."""
        from ._convert import UnsupportedOperatorError

        t1, t2 = [int(s) for s in t1], [int(s) for s in t2]
        if t1 == t2:
            return c.ints(t1)
        cands = ([like] if like is not None else []) + [v for v in self.inputs if v is not like]
        parts, unknown = [], []
        for i, (a, b) in enumerate(zip(t1, t2)):
            if a == b:
                parts.append(c.ints([a]))
                continue
            src = None
            for v in cands:
                s2 = self.shape2.get(v.id, ())
                pref = [i] + [j for j in range(len(v.shape)) if j != i] if i < len(v.shape) else range(len(v.shape))
                for j in pref:
                    if j < len(s2) and v.shape[j] == a and s2[j] == b:
                        src = (v, j)
                        break
                if src:
                    break
            if src is None:
                unknown.append(i)
                parts.append(c.ints([-1]))
            else:
                parts.append(c.op("Gather", [c.op("Shape", [c.t(src[0])]), c.ints([src[1]])], axis=0))
        if len(unknown) > (1 if infer and -1 not in t1 else 0):
            raise UnsupportedOperatorError(
                f"a shape {t1} depends on dynamic axes in a way ember cannot express (dims "
                f"{unknown} are products of several dynamic sizes); export with fewer dynamic axes")
        return c.op("Concat", parts, axis=0)


def _same(a, b):
    """Equal non-tensor arguments (graph Values compare equal: their sizes are tracked apart)."""
    from ..jit._graph import Value, _Buffer

    if type(a) is Value or type(b) is Value:
        return type(a) is type(b)
    if type(a) is _Buffer or type(b) is _Buffer:
        return type(a) is type(b) and a.name == b.name
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and np.array_equal(a, b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:
        return a is b


def _norm_ok(a1, k1, a2, k2):   # group norm: its (N, G, rest) shape keeps G
    g1, g2 = k1.get("gshape"), k2.get("gshape")
    rest = lambda k: {n: v for n, v in k.items() if n not in ("gshape", "update")}  # noqa: E731
    return (g1 is None) == (g2 is None) and (g1 is None or g1[1] == g2[1]) and _same(
        rest(k1), rest(k2))


def _bag_ok(a1, k1, a2, k2):    # 2-D input: bags of one length, however many
    o1, o2 = list(k1["offs"]), list(k2["offs"])
    rest = lambda k: {n: v for n, v in k.items() if n != "offs"}  # noqa: E731
    L = o1[1] - o1[0] if len(o1) > 1 else None
    return (L is not None and o2 == list(range(0, L * len(o2), L))
            and _same(rest(k1), rest(k2)))


def _pad_ok(a1, k1, a2, k2):   # reflect/replicate/circular as ONNX Pad: the same pads
    from ._layers import pad_mode
    m1, m2 = pad_mode(k1["maps"], a1[0].shape), pad_mode(k2["maps"], a2[0].shape)
    return m1 is not None and m1 == m2


def _interp_ok(a1, k1, a2, k2):   # integer nearest upsampling as Resize: the same scales
    from ._layers import nearest_scales
    s1 = nearest_scales(k1.get("nearest_idx"), a1[0].shape)
    return s1 is not None and s1 == nearest_scales(k2.get("nearest_idx"), a2[0].shape)


_HANDLED = {"_PadIndex": _pad_ok, "_Interp": _interp_ok, "View": None, "Reshape": None, "UnsafeReshape": None,
            "ember.ops.shape:UnsafeView": None, "Expand": None, "Split": None, "SplitWithSizes": None,
            "TensorSplit": None,
            "_Norm": _norm_ok, "_GroupNormOp": _norm_ok, "_LayerNormOp": _norm_ok, "_EmbBag": _bag_ok}


def check_node(node, node2, aten):
    """Refuse a node whose non-tensor arguments change with a dynamic axis (an interpolation
    matrix, a pad map...) unless its converter computes them at run time."""
    from ._convert import UnsupportedOperatorError

    if _same(node.args, node2.args) and _same(node.kwargs, node2.kwargs):
        return
    attr = node.key.split(":", 1)[1]
    for k in (node.key, attr):
        if k in _HANDLED:
            ok = _HANDLED[k]
            if ok is None or ok(node.args, node.kwargs, node2.args, node2.kwargs):
                return
            break
    raise UnsupportedOperatorError(
        f"'{aten}' has arguments that depend on the size of a dynamic axis (sizes {_shapes(node)}) and "
        "cannot follow it at run time: export without that axis in dynamic_axes")


def _shapes(node):
    from ..jit._graph import Value
    return [list(a.shape) for a in node.args if type(a) is Value]
