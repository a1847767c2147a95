"""``make_dot``: the autograd graph as a picture, as ``torchviz.make_dot`` draws it.

Grey boxes are backward nodes (``AddmmBackward0``, ``AccumulateGrad``), named as
PyTorch names them; blue boxes are the leaf tensors that will receive ``.grad``
(labelled with their name from ``params`` and their shape); orange boxes are saved
tensors (``show_saved``); green is the output, dark green a viewed base. Returns a
``graphviz.Digraph`` when the ``graphviz`` package is installed, else a small
stand-in with the same ``source``, ``node``, ``edge`` and ``body``.
"""
import re

import numpy as np

__all__ = ["make_dot", "Digraph"]

_NODE_ATTR = dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1",
                  height="0.2", fontname="monospace")
_ID = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*|-?(\.\d+|\d+(\.\d*)?))$")


def _q(s):
    s = str(s)
    return s if _ID.match(s) else '"' + s.replace('"', '\\"') + '"'


def _attrs(d):
    """``k=v`` pairs as graphviz writes them: ``label`` first, the rest sorted."""
    keys = (["label"] if "label" in d else []) + sorted(k for k in d if k != "label")
    return " ".join(f"{k}={_q(d[k])}" for k in keys)


class Digraph:
    """The part of ``graphviz.Digraph`` make_dot needs, writing the same DOT text."""

    def __init__(self, node_attr=None, graph_attr=None):
        self.node_attr, self.graph_attr = dict(node_attr or {}), dict(graph_attr or {})
        self.body = []

    def node(self, name, label=None, **attrs):
        a = {"label": label} if label is not None else {}
        a.update(attrs)
        self.body.append(f"\t{_q(name)} [{_attrs(a)}]\n" if a else f"\t{_q(name)}\n")

    def edge(self, tail, head, **attrs):
        extra = f" [{_attrs(attrs)}]" if attrs else ""
        self.body.append(f"\t{_q(tail)} -> {_q(head)}{extra}\n")

    @property
    def source(self):
        head = "digraph {\n"
        if self.graph_attr:
            head += f"\tgraph [{_attrs(self.graph_attr)}]\n"
        if self.node_attr:
            head += f"\tnode [{_attrs(self.node_attr)}]\n"
        return head + "".join(self.body) + "}\n"

    def __str__(self):
        return self.source


def _saved(fn):
    """``(name, array or tensor)`` saved by a node: a custom Function's ``saved_tensors``,
    else the arrays an op keeps in its instance dict."""
    from .._tensor import Tensor

    try:
        ts = getattr(fn, "saved_tensors", None)
    except RuntimeError:  # freed after backward
        ts = None
    if ts is not None:
        return [(f"[{i}]", t) for i, t in enumerate(ts) if isinstance(t, Tensor)]
    d = getattr(fn, "__dict__", {})
    return [(k, v) for k, v in d.items() if not k.startswith("_") and isinstance(v, (np.ndarray, Tensor))]


def _attrs_of(fn):
    """An op's non-underscore instance values as text (arrays as ``[saved tensor]``)."""
    d = getattr(fn, "__dict__", {})
    items = {k: str(v) for k, v in d.items()
             if not k.startswith("_") and not isinstance(v, np.ndarray) and not callable(v)}
    items.update({k: "[saved tensor]" for k, v in d.items()
                  if not k.startswith("_") and isinstance(v, np.ndarray)})
    return items


def _fn_label(fn, show_attrs, max_chars):
    """The node name, and with ``show_attrs`` a two-column table of its saved values."""
    name = type(fn).__name__
    attrs = _attrs_of(fn) if show_attrs else {}
    if not attrs:
        return name
    max_chars = max(max_chars, 3)
    w1 = max(len(k) for k in attrs)
    w2 = min(max(len(v) for v in attrs.values()), max_chars)
    cut = lambda s: s[:w2 - 3] + "..." if len(s) > w2 else s  # noqa: E731
    rows = "\n".join(f"{k:<{w1}}: {cut(v):>{w2}}" for k, v in attrs.items())
    return name + "\n" + "-" * max(w1 + w2 + 2, len(name)) + "\n" + rows


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """The backward graph of ``var`` (a tensor or a tuple of tensors) as a Digraph.

    ``params``: ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``) to label
    the leaves. ``dot.source`` is the DOT text; ``dot.render("graph")`` draws it when
    graphviz is installed.

    >>> model = nn.Linear(3, 1)
    >>> x = ember.randn(2, 3)
    >>> src = make_dot(model(x).sum(), params=dict(model.named_parameters())).source
    >>> "weight" in src and "SumBackward0" in src
    True
    """
    try:
        from graphviz import Digraph as Dg
    except ImportError:
        Dg = Digraph
    param_map = {id(v): k for k, v in (params or {}).items()}
    dot = Dg(node_attr=_NODE_ATTR, graph_attr=dict(size="12,12"))
    seen = set()

    def shape(t):
        return "(" + ", ".join(str(int(s)) for s in t.shape) + ")"

    def var_label(t, name=None):
        return f"{name or param_map.get(id(t), '')}\n {shape(t)}"

    def add_nodes(fn):
        if id(fn) in seen:
            return
        seen.add(id(fn))
        if show_saved:
            for name, val in _saved(fn):
                seen.add(id(val))
                dot.edge(str(id(fn)), str(id(val)), dir="none")
                dot.node(str(id(val)), var_label(val, name), fillcolor="orange")
        v = getattr(fn, "variable", None)
        if v is not None:  # AccumulateGrad: the leaf it fills
            seen.add(id(v))
            dot.node(str(id(v)), var_label(v), fillcolor="lightblue")
            dot.edge(str(id(v)), str(id(fn)))
        dot.node(str(id(fn)), _fn_label(fn, show_attrs, max_attr_chars))
        for u, _ in getattr(fn, "next_functions", ()):
            if u is not None:
                dot.edge(str(id(u)), str(id(fn)))
                add_nodes(u)

    def add_base_tensor(t, color="darkolivegreen1"):
        if id(t) in seen:
            return
        seen.add(id(t))
        dot.node(str(id(t)), var_label(t), fillcolor=color)
        if t.grad_fn is not None:
            add_nodes(t.grad_fn)
            dot.edge(str(id(t.grad_fn)), str(id(t)))
        if t._base is not None:
            add_base_tensor(t._base, color="darkolivegreen3")
            dot.edge(str(id(t._base)), str(id(t)), style="dotted")

    for t in (var if isinstance(var, tuple) else (var,)):
        add_base_tensor(t)
    size = max(12, len(dot.body) * 0.15)
    dot.graph_attr.update(size=f"{size},{size}")
    return dot
