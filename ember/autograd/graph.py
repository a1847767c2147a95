"""The autograd graph: nodes, leaf accumulators, and the backward walk.

A graph node is the op instance that produced a tensor (``y.grad_fn``). Its
``next_functions`` point at the nodes of its inputs: another op's node, an
``AccumulateGrad`` for a leaf that requires grad, or ``None``. ``backward`` walks
the nodes in topological order, sums the gradients that meet at a node, reduces
broadcast gradients to each input's shape and dtype, runs hooks, and frees the
arrays each node saved unless ``retain_graph``.
"""
import re
import sys

import numpy as np

__all__ = ["Node", "AccumulateGrad", "run_backward", "RemovableHandle"]

_ARRAYS = (np.ndarray, np.generic)
_check_nan = False   # anomaly mode with check_nan (set by anomaly_mode.set_anomaly_enabled)

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` takes the hook out."""

    _next_id = 0

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Node:
    """A node of the backward graph. Ops subclass it (``ember.ops._apply.Op``).

    Slots hold the structure that outlives ``backward``; an op's saved arrays live
    in the instance ``__dict__``, which the walk clears after use.
    """

    __slots__ = ("next_functions", "_meta", "_vers", "__dict__", "__weakref__")
    _released = False
    _pre_hooks = None    # {output index: {id: fn(grad) -> grad | None}}
    _post_hooks = None   # {id: fn(grad_inputs, grad_outputs)}
    _retains = None      # {output index: tensor} for retain_grad()
    _nout = 1
    _outs = None         # [(shape, np dtype)] of each output, for multi-output nodes

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self):
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self.__dict__["_metadata"] = {}
        return d

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its input grads."""
        if self._post_hooks is None:
            self._post_hooks = {}
        h = RemovableHandle(self._post_hooks)
        self._post_hooks[h.id] = fn
        return h

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; may return replacement grads."""
        return self._add_pre_hook(None, fn)

    def _add_pre_hook(self, idx, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(idx, {})
        h = RemovableHandle(hooks)
        hooks[h.id] = fn
        return h

    def _release(self):
        d = self.__dict__
        if any(isinstance(v, (np.ndarray, tuple, list)) for v in d.values()):
            keep = {k: v for k, v in d.items() if k.startswith("_") and not isinstance(v, np.ndarray)}
            d.clear()
            d.update(keep)
            self._released = True

    def backward(self, *grads):  # pragma: no cover - every op defines it
        raise NotImplementedError(f"{type(self).__name__} has no backward")

    # ``backward_ops(*grads)``: the backward written with ember ops on Tensors, run by
    # the walk under ``create_graph=True`` so the gradient can be differentiated again.
    # A node without it computes its gradient once, and differentiating that gradient
    # raises (``DelayedError``): never a silently constant second derivative.
    backward_ops = None

    def no_double_backward(self, *grads):
        """``backward_ops`` of a case an op does not differentiate twice: the array
        gradients, wrapped so that differentiating them raises."""
        return _delayed(self, list(grads))

    def saved_input(self, i, arr):
        """Input ``i`` of this node as a tensor on the graph (value ``arr``, the array
        saved at forward), as torch unpacks a saved variable: its gradient flows to
        wherever input ``i`` came from."""
        return _on_edge(arr, self.next_functions[i])

    def saved_output(self, arr, i=0):
        """Output ``i`` of this node (value ``arr``) as a tensor whose ``grad_fn`` is this node."""
        return _on_edge(arr, (self, i))


class AccumulateGrad(Node):
    """The node of a leaf tensor: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._meta = None
        self._vers = None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def accumulate(self, g):
        from .._tensor import _wrap

        var = self.variable
        if not isinstance(g, _ARRAYS):   # create_graph: .grad keeps the gradient's graph
            g = _fit_t(g, (var._data.shape, var._data.dtype))
            var.grad = g if var.grad is None else var.grad + g
            return self._post_accumulate(var)
        if g.dtype != var._data.dtype:
            g = g.astype(var._data.dtype)
        if g.shape != var._data.shape:
            g = sum_to(g, var._data.shape)
        if var.grad is None:
            # a gradient nothing else holds becomes .grad as it is (torch steals it too)
            owned = g.flags.owndata and g.flags.writeable and sys.getrefcount(g) <= _UNSHARED
            var.grad = _wrap(g if owned else np.array(g, copy=True, order="K"))
        else:
            gd = var.grad._data
            if gd.flags.writeable and gd.shape == g.shape:
                _plus(gd, g, out=gd)
            else:
                var.grad = _wrap(gd + g)
        self._post_accumulate(var)

    @staticmethod
    def _post_accumulate(var):
        if var._post_acc_hooks:
            for hook in list(var._post_acc_hooks.values()):
                hook(var)


class _Probe:
    def accumulate(self, g):
        return sys.getrefcount(g)


# sys.getrefcount of a gradient inside AccumulateGrad.accumulate when only run_backward's
# buffer list holds it, measured through the same call (the count differs between versions)
_UNSHARED = _Probe().accumulate([np.empty(1)][0]) + 1


def sum_to(g, shape):
    """Sum a broadcast gradient ``g`` back down to ``shape`` (PyTorch's broadcast rule)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if lead:
        g = g.reshape(shape)
    return g


def _check_versions(node):
    for vc, v, t in node._vers:
        if vc[0] != v:
            raise RuntimeError(_modified_msg(node, t, vc[0], v))


def _modified_msg(node, t, now, v):
    """PyTorch's message for a saved tensor changed in place; ``t`` is the saved input,
    or ``(index, shape, dtype)`` when the node saved its own output."""
    if type(t) is tuple:
        from .._dtype import from_np
        idx, shape, dt = t
        what = (f"[torch.{from_np[dt]._tensor_type} {list(shape)}], which is output {idx} of "
                f"{_op_name(node)},")
    elif t.grad_fn is not None:
        what = (f"[{t.type()} {list(t.shape)}], which is output {t._out_idx} of "
                f"{_op_name(t.grad_fn)},")
    else:
        what = f"[{t.type()} {list(t.shape)}]"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} is at version {now}; expected version {v} instead. "
            "Hint: enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _op_name(node):
    """PyTorch names the op in this message without its ``Backward0`` suffix."""
    name = type(node).__name__
    return re.sub(r"Backward\d*$", "", name)


def _call_pre_hooks(node, idx, g):
    from .._tensor import Tensor, _wrap

    hooks = node._pre_hooks.get(idx) if node._pre_hooks else None
    if hooks:
        arrays = isinstance(g, _ARRAYS)
        for fn in list(hooks.values()):
            r = fn(_wrap(g) if arrays else g)
            if r is not None:
                if not isinstance(r, Tensor):
                    raise TypeError(f"a tensor hook must return a Tensor or None, got {type(r).__name__}")
                if r.shape != g.shape:
                    raise RuntimeError(
                        f"hook returned a gradient of shape {list(r.shape)}, expected {list(g.shape)}")
                g = r._data if arrays else r
    return g


def run_backward(roots, grads, retain_graph=False, capture=None, accumulate=True,
                 create_graph=False):
    """Walk the graph from ``roots`` (tensors) seeded with ``grads`` (arrays, or tensors
    when ``create_graph``).

    ``capture``: {(node, output index): slot} whose incoming gradients are returned in
    a list instead of accumulated (``autograd.grad``); only nodes on a path to one of
    them run. ``accumulate``: True for every leaf, False for none, or a set of
    AccumulateGrad nodes (``backward(inputs=...)``). ``create_graph``: gradients are
    tensors computed by recorded ops (each node's ``backward_ops``), so they can be
    differentiated again.
    """
    buffers, starts = _seed(roots, grads)
    deps = _dependencies(starts, capture)
    captured = [None] * len(capture) if capture else None
    ready = [n for n in dict.fromkeys(starts) if n in deps and not deps[n]]
    while ready:
        node = ready.pop()
        buf = buffers.pop(node, None)
        in_grads = ()
        if buf is not None:
            if node._pre_hooks or node._retains or capture:
                _before(node, buf, capture, captured)
            if type(node) is AccumulateGrad:
                if accumulate is True or (accumulate and node in accumulate):
                    node.accumulate(buf[0])
            elif not capture or _leads_to_capture(node, deps):
                in_grads = _call(node, buf, create_graph)
                if not retain_graph:
                    node._release()
        for k, (nx, idx) in enumerate(node.next_functions):
            if nx is None or nx not in deps:
                continue
            if k < len(in_grads) and in_grads[k] is not None:
                _add(buffers, nx, idx, in_grads[k])
            deps[nx] -= 1
            if not deps[nx]:
                ready.append(nx)
    return captured


def _seed(roots, grads):
    buffers, starts = {}, []
    for t, g in zip(roots, grads):
        node, idx = (t.grad_fn, t._out_idx) if t.grad_fn is not None else (t._accumulator(), 0)
        _add(buffers, node, idx, g)
        starts.append(node)
    return buffers, starts


def _add(buffers, node, idx, g):
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._nout
    b = buf[idx]
    buf[idx] = g if b is None else _plus(b, g) if type(b) is type(g) is np.ndarray else b + g


def _plus(a, b, out=None):
    """``a + b`` for gradient arrays (into ``out`` when given): large float arrays of one
    layout on every thread (``ops._pointwise._parallel``), others with NumPy."""
    from ..ops._pointwise import _parallel
    r = _parallel("add", a, b, out=out)
    return np.add(a, b, out=out) if r is None else r


def _dependencies(starts, capture):
    """{node: number of edges reaching it} over the nodes the walk visits. With
    ``capture``, only nodes with a path to a captured node are kept (torch's grad()
    runs nothing else)."""
    deps = dict.fromkeys(starts, 0)
    parents = {} if capture else None
    stack = list(deps)
    while stack:
        n = stack.pop()
        for nx, _ in n.next_functions:
            if nx is not None:
                if nx not in deps:
                    deps[nx] = 0
                    stack.append(nx)
                deps[nx] += 1
                if capture:
                    parents.setdefault(nx, []).append(n)
    if capture:
        deps = _prune(deps, parents, {n for n, _ in capture})
    return deps


def _prune(deps, parents, targets):
    keep = {t for t in targets if t in deps}
    stack = list(keep)
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in keep:
                keep.add(p)
                stack.append(p)
    pruned = dict.fromkeys(keep, 0)
    for n in keep:
        for nx, _ in n.next_functions:
            if nx in pruned:
                pruned[nx] += 1
    return pruned


def _leads_to_capture(node, deps):
    return any(nx in deps for nx, _ in node.next_functions)


def _before(node, buf, capture, captured):
    """Tensor pre-hooks, retain_grad and capture of the gradients arriving at ``node``."""
    for i, g in enumerate(buf):
        if g is None:
            continue
        if node._pre_hooks:
            g = buf[i] = _call_pre_hooks(node, i, g)
        if node._retains and i in node._retains:
            _retain(node._retains[i], g)
        if capture and (node, i) in capture:
            slot = capture[(node, i)]
            captured[slot] = g if captured[slot] is None else captured[slot] + g


def _call(node, buf, create_graph):
    """Run ``node``'s backward on its output gradients ``buf``: the input gradients,
    each reduced to its input's shape and dtype, after anomaly checks and post hooks."""
    if node._released:
        raise RuntimeError(_FREED_MSG)
    if node._vers:
        _check_versions(node)
    if create_graph:
        in_grads = _call_ops(node, buf)
    else:
        if node._nout > 1:
            for i, g in enumerate(buf):
                if g is None:
                    shape, dt = node._outs[i]
                    buf[i] = np.zeros(shape, dt)
        in_grads = node.backward(*buf) if not _observers else _observed_backward(node, buf)
        if type(in_grads) is not tuple:
            in_grads = (in_grads,)
        meta = node._meta
        if meta is not None:
            in_grads = tuple(_fit(g, m) if g is not None and m is not None else g
                             for g, m in zip(in_grads, meta))
    if _check_nan:
        _raise_on_nan(node, in_grads)
    if node._post_hooks:
        for fn in list(node._post_hooks.values()):
            r = fn(in_grads, tuple(buf))
            if r is not None:
                in_grads = tuple(r)
    return in_grads


_observers = []   # profilers: ob.op_enter(node, None, None) / ob.op_exit(token, None)


def _observed_backward(node, buf):
    tokens = [o.op_enter(type(node), None, None) for o in _observers]
    try:
        return node.backward(*buf)
    finally:
        for o, t in zip(_observers, tokens):
            o.op_exit(t, None)


def _raise_on_nan(node, grads):
    for i, g in enumerate(grads):
        g = g if g is None or isinstance(g, _ARRAYS) else g._data
        if g is not None and g.dtype.kind in "fc" and np.isnan(g).any():
            raise RuntimeError(f"Function '{type(node).__name__}' returned nan values in its {i}th output.")


def _fit(g, m):
    shape, dt = m
    if g.shape != shape:
        g = sum_to(g, shape)
    if g.dtype != dt:   # a real input of a complex op takes the real part, as torch (no ComplexWarning)
        g = (g.real if g.dtype.kind == "c" and dt.kind != "c" else g).astype(dt)
    return g


def _retain(t, g):
    from .._tensor import _wrap

    if not isinstance(g, _ARRAYS):
        t.grad = g if t.grad is None else t.grad + g
    elif t.grad is None:
        t.grad = _wrap(np.array(g, copy=True))
    else:
        t.grad = _wrap(t.grad._data + g)


# ---- create_graph: the backward as recorded, differentiable ops ------------------------

def _call_ops(node, buf):
    """``node``'s input gradients as tensors built by recorded ops (``backward_ops``)."""
    from .._tensor import _wrap

    if node._nout > 1:
        for i, g in enumerate(buf):
            if g is None:
                shape, dt = node._outs[i]
                buf[i] = _wrap(np.zeros(shape, dt))
    if node.backward_ops is None:
        return _delayed(node, buf)
    in_grads = node.backward_ops(*buf)
    if type(in_grads) is not tuple:
        in_grads = (in_grads,)
    meta = node._meta
    if meta is not None:
        in_grads = tuple(_fit_t(g, m) if g is not None and m is not None else g
                         for g, m in zip(in_grads, meta))
    return in_grads


def _delayed(node, buf):
    """The array backward's gradients, wrapped so that differentiating them raises."""
    from .._tensor import _wrap

    grads = node.backward(*[g._data for g in buf])
    if type(grads) is not tuple:
        grads = (grads,)
    meta = node._meta or (None,) * len(grads)
    grads = [_fit(g, m) if g is not None and m is not None else g for g, m in zip(grads, meta)]
    edges = tuple(_edge_of(g) for g in buf if g._rg) + node.next_functions
    err = DelayedError(f"double backward is not implemented for {node.name()}: ember computes "
                       "its gradient, but cannot differentiate that gradient again", edges, len(grads))
    if len(grads) > 1:   # the walk fills missing output grads before reaching the error
        err._outs = [(g.shape, g.dtype) if g is not None else ((), np.float64) for g in grads]
    out = []
    for i, g in enumerate(grads):
        if g is not None:
            g = _wrap(g)
            g.grad_fn, g._rg, g._out_idx = err, True, i
        out.append(g)
    return tuple(out)


class DelayedError(Node):
    """The node of a gradient that cannot be differentiated again: backward raises."""

    def __init__(self, msg, edges, nout=1):
        self.msg = msg
        self.next_functions = edges
        self._meta = None
        self._vers = None
        self._nout = nout

    def name(self):
        return "torch::autograd::DelayedError"

    def backward(self, *grads):
        raise RuntimeError(self.msg)

    backward_ops = backward


def _edge_of(t):
    if t.grad_fn is not None:
        return (t.grad_fn, t._out_idx)
    return (t._accumulator(), 0) if t._rg else (None, 0)


def _on_edge(arr, edge):
    """A tensor with value ``arr`` whose gradient flows into ``edge`` (node, output index)."""
    from .._tensor import _wrap

    node, idx = edge
    if node is None:   # a constant: Python numbers stay numbers (they promote as such)
        return arr if isinstance(arr, (int, float, complex, bool)) else _wrap(arr)
    t = _wrap(arr)
    t._rg = True
    if type(node) is AccumulateGrad:
        t._accum = node
    else:
        t.grad_fn, t._out_idx = node, idx
    return t


def _fit_t(g, m):
    """``_fit`` on a tensor, with recorded ops."""
    shape, dt = m
    if g._data.shape != shape:
        g = sum_to_t(g, shape)
    if g._data.dtype != dt:
        from .._dtype import from_np
        g = g.to(from_np[dt])
    return g


def sum_to_t(g, shape):
    """``sum_to`` with recorded ops, for gradients that will be differentiated again."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    if axes:
        g = g.sum(dim=axes, keepdim=True)
    if lead:
        g = g.reshape(shape)
    return g
