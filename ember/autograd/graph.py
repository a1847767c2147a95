"""The autograd graph: nodes, leaf accumulators, and the backward walk.

A graph node is the op instance that produced a tensor (``y.grad_fn``). Its
``next_functions`` point at the nodes of its inputs: another op's node, an
``AccumulateGrad`` for a leaf that requires grad, or ``None``. ``backward`` walks
the nodes in topological order, sums the gradients that meet at a node, reduces
broadcast gradients to each input's shape and dtype, runs hooks, and frees the
arrays each node saved unless ``retain_graph``.
"""
import re

import numpy as np

__all__ = ["Node", "AccumulateGrad", "run_backward", "RemovableHandle"]

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


class AccumulateGrad(Node):
    """The node of a leaf tensor: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()
        self._meta = None

    def name(self):
        return "torch::autograd::AccumulateGrad"
        self._vers = None

    def accumulate(self, g):
        from .._tensor import _wrap

        var = self.variable
        if g.dtype != var._data.dtype:
            g = g.astype(var._data.dtype)
        if g.shape != var._data.shape:
            g = sum_to(g, var._data.shape)
        if var.grad is None:
            var.grad = _wrap(np.array(g, copy=True, order="K"))
        else:
            gd = var.grad._data
            if gd.flags.writeable and gd.shape == g.shape:
                gd += g
            else:
                var.grad = _wrap(gd + g)
        if var._post_acc_hooks:
            for hook in list(var._post_acc_hooks.values()):
                hook(var)


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
    from .._tensor import _wrap, Tensor

    hooks = node._pre_hooks.get(idx) if node._pre_hooks else None
    if hooks:
        for fn in list(hooks.values()):
            r = fn(_wrap(g))
            if r is not None:
                if not isinstance(r, Tensor):
                    raise TypeError(f"a tensor hook must return a Tensor or None, got {type(r).__name__}")
                if r.shape != g.shape:
                    raise RuntimeError(
                        f"hook returned a gradient of shape {list(r.shape)}, expected {list(g.shape)}")
                g = r._data
    return g


def run_backward(roots, grads, retain_graph=False, capture=None, accumulate=True):
    """Walk the graph from ``roots`` (tensors) seeded with ``grads`` (arrays).

    ``capture``: {(node, output index): slot} whose incoming gradients are returned in
    a list instead of accumulated (``autograd.grad``). ``accumulate``: True for every
    leaf, False for none, or a set of AccumulateGrad nodes (``backward(inputs=...)``).
    """
    buffers = {}
    deps = {}
    starts = []
    for t, g in zip(roots, grads):
        node = t.grad_fn
        idx = t._out_idx
        if node is None:
            node = t._accumulator()
            idx = 0
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._nout
        buf[idx] = g if buf[idx] is None else buf[idx] + g
        starts.append(node)

    # count, for each node, how many edges reach it
    seen = set(starts)
    stack = list(seen)
    while stack:
        n = stack.pop()
        for nx, _ in n.next_functions:
            if nx is not None:
                deps[nx] = deps.get(nx, 0) + 1
                if nx not in seen:
                    seen.add(nx)
                    stack.append(nx)

    ready = [n for n in dict.fromkeys(starts) if not deps.get(n)]
    captured = [None] * len(capture) if capture else None
    while ready:
        node = ready.pop()
        buf = buffers.pop(node, None)
        if buf is not None:
            if node._pre_hooks or node._retains or capture:
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
            if type(node) is AccumulateGrad:
                if accumulate is True or (accumulate and node in accumulate):
                    node.accumulate(buf[0])
                continue
            if node._released:
                raise RuntimeError(_FREED_MSG)
            if node._vers:
                _check_versions(node)
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
                in_grads = tuple(
                    _fit(g, m) if g is not None and m is not None else g
                    for g, m in zip(in_grads, meta))
            if _check_nan:
                _raise_on_nan(node, in_grads)
            if node._post_hooks:
                for fn in list(node._post_hooks.values()):
                    r = fn(in_grads, tuple(buf))
                    if r is not None:
                        in_grads = tuple(r)
            if not retain_graph:
                node._release()
        else:
            in_grads = ()
        nexts = node.next_functions
        for k in range(len(nexts)):
            nx, idx = nexts[k]
            if nx is None:
                continue
            g = in_grads[k] if k < len(in_grads) else None
            if g is not None:
                b = buffers.get(nx)
                if b is None:
                    b = buffers[nx] = [None] * nx._nout
                b[idx] = g if b[idx] is None else b[idx] + g
            d = deps[nx] - 1
            deps[nx] = d
            if d == 0:
                ready.append(nx)
    return captured


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
        if g is not None and g.dtype.kind in "fc" and np.isnan(g).any():
            raise RuntimeError(f"Function '{type(node).__name__}' returned nan values in its {i}th output.")


def _fit(g, m):
    shape, dt = m
    if g.shape != shape:
        g = sum_to(g, shape)
    if g.dtype != dt:
        g = g.astype(dt)
    return g


def _retain(t, g):
    from .._tensor import _wrap

    if t.grad is None:
        t.grad = _wrap(np.array(g, copy=True))
    else:
        t.grad = _wrap(t.grad._data + g)
