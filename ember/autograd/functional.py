"""``torch.autograd.functional``: derivatives of a function of tensors.

    J = jacobian(f, x)            # (*f(x).shape, *x.shape)
    out, g = vjp(f, x, v)         # v^T J
    out, t = jvp(f, x, v)         # J v

ember has reverse mode only and no double backward, so ``jacobian`` runs one backward
per output element (``vectorize`` and ``strategy="forward-mode"`` are accepted and give
the same result), ``jvp`` contracts that Jacobian, and ``hessian``/``hvp``/``vhp``
(which need the derivative of a derivative) raise a clear error.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from . import grad as _grad, grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

_NO_SECOND = ("ember.autograd.functional.{}: needs second derivatives (double backward), which "
              "ember does not support yet; jacobian, vjp and jvp work")


def _tuple(x, arg, fn):
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            what = f"element {i} of the input tuple" if is_tuple else "the input"
            raise TypeError(f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors "
                            f"but the value at index {i} has type {type(t)}." if is_tuple else
                            f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors "
                            f"but {what} has type {type(t)}.")
    return is_tuple, xs


def _check_v(v, like, fn, what):
    """``v`` as a tuple matching ``like`` (the outputs for vjp, the inputs for jvp) in length
    and shapes, with torch's messages."""
    _, vs = _tuple(v, "v", fn)
    if len(vs) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}.")
    for t, vv in zip(like, vs):
        if tuple(t.shape) != tuple(vv.shape):
            raise RuntimeError(f"Mismatch in shape: {what} has shape {list(t.shape)} but v has "
                               f"shape {list(vv.shape)}")
    return vs


def _prepare(inputs):
    """Detached copies that require grad, so ``func`` builds a fresh graph from them."""
    return tuple(t.detach().requires_grad_() for t in inputs)


def _run(func, inputs, fn):
    with grad_mode.enable_grad():
        out = func(*inputs)
    is_tuple, outs = _tuple(out, "outputs of the user-provided function", fn)
    return is_tuple, outs


def _grads(outs, inputs, grad_outputs, create_graph, strict, retain):
    grads = _grad(outs, inputs, grad_outputs, retain_graph=retain, allow_unused=True)
    res = []
    for i, (g, x) in enumerate(zip(grads, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent of "
                                   f"input {i}. This is not allowed in strict mode.")
            g = _wrap(np.zeros_like(x._data))
        res.append(g)
    return tuple(res)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``; ``v`` may be omitted for a single-element output."""
    if create_graph:
        raise NotImplementedError(_NO_SECOND.format("vjp(create_graph=True)"))
    in_tuple, xs = _tuple(inputs, "inputs", "vjp")
    xs = _prepare(xs)
    out_tuple, outs = _run(func, xs, "vjp")
    if v is None:
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns "
                               "a single Tensor with a single element.")
        vs = (None,)
    else:
        vs = _check_v(v, outs, "vjp", "output")
    grads = _grads(outs, xs, vs, create_graph, strict, retain=False)
    outs = tuple(o.detach() for o in outs)
    return (outs if out_tuple else outs[0]), (grads if in_tuple else grads[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for output ``i`` and input ``j`` a tensor of
    shape ``(*out_i.shape, *in_j.shape)``, nested as tuples the way the arguments were."""
    if create_graph:
        raise NotImplementedError(_NO_SECOND.format("jacobian(create_graph=True)"))
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                         'your function has more outputs than inputs, "forward-mode" tends to be more '
                         'performant. Otherwise, prefer to use "reverse-mode".')
    in_tuple, xs = _tuple(inputs, "inputs", "jacobian")
    xs = _prepare(xs)
    out_tuple, outs = _run(func, xs, "jacobian")
    jac = []
    for o in outs:
        n = o.numel()
        rows = [[] for _ in xs]
        flat = np.zeros(n, o._data.dtype)
        for k in range(n):
            flat[:] = 0
            flat[k] = 1
            seed = _wrap(flat.reshape(o._data.shape).copy())
            if o._rg:
                g = _grads((o,), xs, (seed,), False, strict, retain=True)
            else:
                if strict:
                    raise RuntimeError("Output 0 of the user-provided function does not require "
                                       "gradients. The outputs must be computed in a differentiable "
                                       "manner from the input when running in strict mode.")
                g = tuple(_wrap(np.zeros_like(x._data)) for x in xs)
            for j, gj in enumerate(g):
                rows[j].append(gj._data)
        jo = []
        for j, x in enumerate(xs):
            arr = (np.stack(rows[j]) if n else np.zeros((0,) + x._data.shape, x._data.dtype))
            jo.append(_wrap(arr.reshape(tuple(o.shape) + tuple(x.shape))))
        jac.append(tuple(jo) if in_tuple else jo[0])
    return tuple(jac) if out_tuple else jac[0]


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``, contracting the Jacobian with ``v``."""
    if create_graph:
        raise NotImplementedError(_NO_SECOND.format("jvp(create_graph=True)"))
    in_tuple, xs = _tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        vs = tuple(_wrap(np.ones_like(x._data)) for x in xs)
    else:
        vs = _check_v(v, xs, "jvp", "input")
    with grad_mode.no_grad():
        out = func(*[x.detach() for x in xs])
    out_tuple = isinstance(out, tuple)
    outs = out if out_tuple else (out,)
    jac = jacobian(func, tuple(xs), strict=strict)
    jac = jac if out_tuple else (jac,)
    res = []
    for o, jo in zip(outs, jac):
        acc = np.zeros(o._data.shape, o._data.dtype)
        for jj, vv in zip(jo, vs):
            m = jj._data.reshape(o._data.size, -1)
            acc += (m @ vv._data.reshape(-1)).reshape(o._data.shape)
        res.append(_wrap(acc))
    outs = tuple(o.detach() for o in outs)
    return (outs if out_tuple else outs[0]), (tuple(res) if out_tuple else res[0])


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    raise NotImplementedError(_NO_SECOND.format("hessian"))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    raise NotImplementedError(_NO_SECOND.format("vhp"))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    raise NotImplementedError(_NO_SECOND.format("hvp"))
