"""``ember.autograd``: reverse-mode automatic differentiation.

``backward`` and ``grad`` seed the graph walk in ``graph.py``; ``Function`` lets a
user define an op with its own backward; ``gradcheck`` compares an op's analytic
gradients with finite differences.
"""
import numpy as np

from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,  # noqa: F401
                        is_grad_enabled, is_inference_mode_enabled)
from .graph import Node, run_backward  # noqa: F401
from .function import Function, FunctionCtx, once_differentiable  # noqa: F401
from .gradcheck import gradcheck, gradgradcheck, GradcheckError  # noqa: F401
from . import graph  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401

__all__ = ["backward", "grad", "Function", "gradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "Variable", "detect_anomaly", "set_detect_anomaly"]

def _as_tuple(x):
    if x is None:
        return ()
    from .._tensor import Tensor

    return (x,) if isinstance(x, Tensor) else tuple(x)


def _seed_grads(outputs, grad_outputs, who, create_graph=False):
    """The gradients that start the walk: arrays, or tensors (kept on their own graph)
    when ``create_graph``."""
    from .._tensor import Tensor, _wrap

    from ..ops._apply import _refresh_view

    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if out._base is not None:
            _refresh_view(out)
        if not out._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = np.ones_like(out._data)
            grads.append(_wrap(g) if create_graph else g)
        else:
            if not isinstance(g, Tensor):
                g = Tensor(g) if not isinstance(g, (int, float)) else None
                if g is None:
                    raise TypeError(f"{who}: gradient must be a Tensor or None")
            if g.shape != out.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                    f"has a shape of {out.shape}.")
            if create_graph:
                grads.append(g if g._data.dtype == out._data.dtype else g.to(out.dtype))
            else:
                grads.append(g._data.astype(out._data.dtype, copy=False))
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaves) into the leaves' ``.grad``.

    With ``create_graph=True`` the gradients are computed by recorded ops, so ``.grad``
    can be differentiated again; ``retain_graph`` defaults to ``create_graph``.
    """
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph and inputs is None:
        _warn_cycle()
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"got {len(grad_tensors)} gradients for {len(tensors)} tensors")
    grads = _seed_grads(tensors, grad_tensors, "backward", create_graph)
    accumulate = True
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        accumulate = set()
        for t in inputs:
            if t.grad_fn is not None:
                raise NotImplementedError("backward(inputs=...) with non-leaf inputs is not supported by ember yet")
            accumulate.add(t._accumulator())
    with set_grad_enabled(create_graph):
        run_backward(tensors, grads, retain_graph=bool(retain_graph), accumulate=accumulate,
                     create_graph=create_graph)


_warned_cycle = []


def _warn_cycle():
    """torch's one-time warning for ``backward(create_graph=True)``."""
    if not _warned_cycle:
        _warned_cycle.append(True)
        import warnings
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this function, "
            "make sure to reset the .grad fields of your parameters to None after use to break the "
            "cycle and avoid the leak.", UserWarning, stacklevel=3)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) as a tuple, without touching any ``.grad``.

    With ``create_graph=True`` the results are tensors on a graph of their own (they
    have a ``grad_fn`` and can be differentiated again); ``retain_graph`` defaults to
    ``create_graph``.
    """
    from .._tensor import _wrap

    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported by ember")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    grads = _seed_grads(outputs, grad_outputs, "grad", create_graph)
    capture = {}
    for i, t in enumerate(inputs):
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        key = (t.grad_fn, t._out_idx) if t.grad_fn is not None else (t._accumulator(), 0)
        capture.setdefault(key, i)
    with set_grad_enabled(create_graph):
        got = run_backward(outputs, grads, retain_graph=bool(retain_graph), capture=capture,
                           accumulate=False, create_graph=create_graph)
    result = []
    for t in inputs:
        key = (t.grad_fn, t._out_idx) if t.grad_fn is not None else (t._accumulator(), 0)
        g = got[capture[key]]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.")
            result.append(_wrap(np.zeros_like(t._data)) if materialize_grads else None)
        elif create_graph:
            from .graph import _fit_t
            result.append(_fit_t(g, (t._data.shape, t._data.dtype)))
        else:
            if g.shape != t._data.shape:
                from .graph import sum_to
                g = sum_to(g, t._data.shape)
            result.append(_wrap(np.array(g, dtype=t._data.dtype, copy=True)))
    return tuple(result)


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper: now just a tensor (as in PyTorch)."""
    t = data.detach() if hasattr(data, "detach") else data
    if requires_grad:
        t.requires_grad_(True)
    return t
from . import functional  # noqa: E402,F401  (torch.autograd.functional: jacobian, vjp, jvp)


def __getattr__(name):
    """``ember.autograd.profiler`` after a bare ``import ember``, as torch's."""
    if name == "profiler":
        import importlib

        return importlib.import_module(".profiler", __name__)
    raise AttributeError(f"module 'ember.autograd' has no attribute '{name}'")
