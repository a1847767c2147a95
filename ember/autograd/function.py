"""The public ``autograd.Function``: user ops with a hand-written backward.

    class Exp(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            y, = ctx.saved_tensors
            return grad * y

    y = Exp.apply(x)      # y.grad_fn is an <ExpBackward object>
"""
import functools

import numpy as np

from . import grad_mode
from .graph import Node

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` handed to ``forward``/``backward``."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors
        vers = []
        for t in tensors:
            if t is not None:
                if t._vc is None:
                    t._vc = [0]
                vers.append((t._vc, t._vc[0], t))
        self._saved_versions = vers

    @property
    def saved_tensors(self):
        node = self._node
        if node is not None and node._released:
            from .graph import _FREED_MSG
            raise RuntimeError(_FREED_MSG)
        for vc, v, t in getattr(self, "_saved_versions", ()):
            if vc[0] != v:
                from .graph import _modified_msg
                raise RuntimeError(_modified_msg(node, t, vc[0], v))
        return tuple(t.unpack(node) if type(t) is _SavedOutput else t
                     for t in getattr(self, "to_save", ()))

    saved_variables = saved_tensors

    def mark_dirty(self, *tensors):
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = {id(t) for t in tensors}

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    materialize_grads = True
    needs_input_grad = ()
    _node = None


class _SavedOutput:
    """A saved output of the function itself, held by its array, version counter and
    output index: holding the tensor would make a cycle (tensor -> grad_fn -> ctx ->
    tensor) that keeps the array alive until the garbage collector runs. Unpacked, it is
    a tensor whose ``grad_fn`` is the function's node again, as in torch."""

    __slots__ = ("data", "vc", "idx")

    def __init__(self, t, idx):
        self.data, self.vc, self.idx = t._data, t._vc, idx

    def unpack(self, node):
        from .._tensor import _wrap

        t = _wrap(self.data)
        t._vc = self.vc
        if node is not None:
            t.grad_fn, t._rg, t._out_idx = node, True, self.idx
        return t


class _FunctionNode(Node):
    """Graph node of a custom Function call; named ``<Function>Backward``."""

    def backward(self, *grads):
        from .._tensor import _wrap

        gts = tuple(_wrap(g) if g is not None else None for g in grads)
        with grad_mode.no_grad():
            result = self._check(self.fn_cls.backward(self.ctx, *gts))
        return tuple(g._data if g is not None else None for g in result)

    def backward_ops(self, *grads):
        """Under ``create_graph``: the user's backward runs with grad mode on, so the
        ops it calls are recorded (a ``once_differentiable`` backward is not)."""
        return self._check(self.fn_cls.backward(self.ctx, *grads))

    def _check(self, result):
        from .._tensor import Tensor

        if not isinstance(result, tuple):
            result = (result,)
        n_in = len(self.next_functions)
        if len(result) < n_in:
            raise RuntimeError(
                f"function {type(self).__name__} returned an incorrect number of gradients "
                f"(expected {n_in}, got {len(result)})")
        out = []
        for g, (nx, _), m in zip(result, self.next_functions, self._meta):
            if g is None or nx is None:
                out.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(f"{type(self).__name__}.backward must return Tensors or None, got {type(g).__name__}")
            if m is not None and g.shape != m[0]:
                try:
                    np.broadcast_shapes(m[0], g.shape)
                except ValueError:
                    raise RuntimeError(
                        f"Function {type(self).__name__} returned an invalid gradient at index "
                        f"{len(out)} - got {list(g.shape)} but expected shape compatible with "
                        f"{list(m[0])}") from None
            out.append(g)
        return tuple(out)

    def _release(self):
        self.ctx.__dict__.pop("to_save", None)
        self._released = True


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_cls = type(name + "Backward", (_FunctionNode,), {"fn_cls": cls})


class Function(metaclass=_FunctionMeta):
    """Subclass with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``; call ``.apply``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        return _NOT_OVERRIDDEN

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor, _wrap

        ctx = FunctionCtx()
        tensors = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        custom_setup = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if custom_setup:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        record = grad_mode.enabled and any(t._rg for t in tensors)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        if not record:
            return outputs
        node = cls._backward_cls.__new__(cls._backward_cls)
        node.ctx = ctx
        ctx._node = node
        nf, meta = [], []
        for a in args:
            if isinstance(a, Tensor):
                nf.append((a.grad_fn, a._out_idx) if a.grad_fn is not None else
                          ((a._accumulator(), 0) if a._rg else (None, 0)))
                meta.append((a._data.shape, a._data.dtype))
            else:
                nf.append((None, 0))
                meta.append(None)
        node.next_functions = tuple(nf)
        node._meta = meta
        node._vers = None
        nondiff = getattr(ctx, "non_differentiable", set())
        dirty = {id(t) for t in getattr(ctx, "dirty_tensors", ())}
        wrapped = []
        tensor_outs = [o for o in outs if isinstance(o, Tensor)]
        node._nout = len(outs)
        node._outs = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else ((), np.float32)
                      for o in outs]
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                continue
            if id(o) in nondiff:
                wrapped.append(o)
                continue
            if id(o) in dirty:
                r = o
            elif any(o is t for t in tensors) or o.grad_fn is not None or o._base is not None:
                r = _wrap(o._data)  # an alias carrying this function's history
                r._vc = o._vc
            else:
                r = o
            r.grad_fn = node
            r._rg = True
            r._out_idx = i
            wrapped.append(r)
        del tensor_outs
        saved = getattr(ctx, "to_save", None)
        if saved:  # outputs are kept by array and version counter, not as tensors
            idx = {id(o): i for i, o in enumerate(outs)}
            idx.update((id(w), i) for i, w in enumerate(wrapped))
            ctx.to_save = tuple(_SavedOutput(t, idx[id(t)]) if id(t) in idx else t for t in saved)
            ctx._saved_versions = [
                (vc, v, (idx[id(t)], t._data.shape, t._data.dtype) if id(t) in idx else t)
                for vc, v, t in ctx._saved_versions]
        return wrapped[0] if single else tuple(wrapped)


_NOT_OVERRIDDEN = object()


def once_differentiable(fn):
    """Marks a backward as not differentiable twice: it runs without recording, and under
    ``create_graph=True`` its gradients are ones whose differentiation raises."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        node = ctx._node
        if not grad_mode.is_grad_enabled() or node is None:
            return outputs
        from .._tensor import Tensor, _wrap
        from .graph import DelayedError, _edge_of

        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        edges = tuple(_edge_of(a) for a in args if isinstance(a, Tensor) and a._rg)
        err = DelayedError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable", edges + node.next_functions, len(outs))
        wrapped = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                o = _wrap(o._data)
                o.grad_fn, o._rg, o._out_idx = err, True, i
            wrapped.append(o)
        return wrapped[0] if single else tuple(wrapped)
    return wrapper
