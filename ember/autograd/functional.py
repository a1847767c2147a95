"""``torch.autograd.functional``: derivatives of a function of tensors.

    J = jacobian(f, x)            # (*f(x).shape, *x.shape)
    out, g = vjp(f, x, v)         # v^T J
    out, t = jvp(f, x, v)         # J v
    H = hessian(f, x)             # (*x.shape, *x.shape) for a scalar f
    out, hv = hvp(f, x, v)        # H v

ember has reverse mode only: ``jacobian`` runs one backward per output element
(``vectorize`` and ``strategy="forward-mode"`` are accepted and give the same result).
``jvp`` contracts that Jacobian, or with ``create_graph=True`` uses the double-backward
trick as torch does; ``hessian``, ``hvp`` and ``vhp`` differentiate a gradient computed
with ``create_graph=True``.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from . import grad as _grad
from . import grad_mode

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


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


def _prepare(inputs, create_graph=False):
    """Inputs that require grad, so ``func`` builds a fresh graph from them: detached
    copies, or (``create_graph``, for an input on a graph) a view that keeps the result
    differentiable w.r.t. the caller's tensor, as torch does."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else
                 t.detach().requires_grad_() for t in inputs)


def _post(ts, create_graph):
    return tuple(t if create_graph else t.detach() for t in ts)


def _run(func, inputs, fn):
    with grad_mode.enable_grad():
        out = func(*inputs)
    is_tuple, outs = _tuple(out, "outputs of the user-provided function", fn)
    return is_tuple, outs


def _autograd_grad(outs, inputs, grad_outputs, create_graph, retain):
    """``grad`` over the outputs that require grad (None for every input if none does)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outs)
    pairs = [(o, g) for o, g in zip(outs, grad_outputs) if o is not None and o._rg]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], inputs, [g for _, g in pairs],
                 retain_graph=retain or create_graph, create_graph=create_graph, allow_unused=True)


def _grads(outs, inputs, grad_outputs, create_graph, strict, retain):
    grads = _autograd_grad(outs, inputs, grad_outputs, create_graph, retain)
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
    in_tuple, xs = _tuple(inputs, "inputs", "vjp")
    xs = _prepare(xs, create_graph)
    out_tuple, outs = _run(func, xs, "vjp")
    if v is None:
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns "
                               "a single Tensor with a single element.")
        vs = (None,)
    else:
        vs = _check_v(v, outs, "vjp", "output")
    grads = _post(_grads(outs, xs, vs, create_graph, strict, retain=False), create_graph)
    outs = _post(outs, create_graph)
    return (outs if out_tuple else outs[0]), (grads if in_tuple else grads[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for output ``i`` and input ``j`` a tensor of
    shape ``(*out_i.shape, *in_j.shape)``, nested as tuples the way the arguments were."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                         'your function has more outputs than inputs, "forward-mode" tends to be more '
                         'performant. Otherwise, prefer to use "reverse-mode".')
    in_tuple, xs = _tuple(inputs, "inputs", "jacobian")
    xs = _prepare(xs, create_graph)
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
                g = _grads((o,), xs, (seed,), create_graph, strict, retain=True)
            else:
                if strict:
                    raise RuntimeError("Output 0 of the user-provided function does not require "
                                       "gradients. The outputs must be computed in a differentiable "
                                       "manner from the input when running in strict mode.")
                g = tuple(_wrap(np.zeros_like(x._data)) for x in xs)
            for j, gj in enumerate(g):
                rows[j].append(gj if create_graph else gj._data)
        jo = []
        for j, x in enumerate(xs):
            shape = tuple(o.shape) + tuple(x.shape)
            if create_graph and n:
                from .. import stack
                jo.append(stack(rows[j]).reshape(shape))
                continue
            arr = (np.stack(rows[j]) if n else np.zeros((0,) + x._data.shape, x._data.dtype))
            jo.append(_wrap(arr.reshape(shape)))
        jac.append(tuple(jo) if in_tuple else jo[0])
    return tuple(jac) if out_tuple else jac[0]


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``, contracting the Jacobian with ``v`` (with ``create_graph``:
    the double-backward trick, differentiable w.r.t. ``inputs`` and ``v``)."""
    in_tuple, xs = _tuple(inputs, "inputs", "jvp")
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        vs = tuple(_wrap(np.ones_like(x._data)) for x in xs)
    else:
        vs = _check_v(v, xs, "jvp", "input")
    if create_graph:
        return _jvp_graph(func, xs, vs, in_tuple, strict)
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


def _jvp_graph(func, xs, vs, in_tuple, strict):
    """J v as the derivative, w.r.t. a dummy ``u``, of ``u^T J v`` (torch's trick)."""
    xs = _prepare(xs, True)
    out_tuple, outs = _run(func, xs, "jvp")
    us = tuple(_wrap(np.zeros_like(o._data)).requires_grad_() for o in outs)
    g = _grads(outs, xs, us, True, strict, retain=True)
    res = _autograd_grad(g, us, vs, True, True)
    res = tuple(r if r is not None else _wrap(np.zeros_like(o._data)) for r, o in zip(res, outs))
    return (outs if out_tuple else outs[0]), (res if out_tuple else res[0])


def _scalar_fn(func, fn, strict):
    """``func`` checked to return a single-element tensor (hessian, vhp, hvp)."""
    def f(*inp):
        out = func(*inp)
        if isinstance(out, tuple) or not isinstance(out, Tensor):
            raise RuntimeError(f"The function given to {fn} should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain "
                               "a single element")
        return out.squeeze()
    return f


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of scalar ``func`` at ``inputs``: for inputs ``i, j`` a tensor of shape
    ``(*in_i.shape, *in_j.shape)``, nested as tuples the way ``inputs`` was given."""
    in_tuple, xs = _tuple(inputs, "inputs", "hessian")
    f = _scalar_fn(func, "hessian", strict)

    def jac(*inp):
        return jacobian(f, inp, create_graph=True, strict=strict)

    res = jacobian(jac, xs, create_graph=create_graph, strict=strict,
                   strategy=outer_jacobian_strategy)
    return res if in_tuple else res[0][0]


def _hv(func, inputs, v, create_graph, strict, fn):
    in_tuple, xs = _tuple(inputs, "inputs", fn)
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        vs = tuple(_wrap(np.ones_like(x._data)) for x in xs)
    else:
        vs = _check_v(v, xs, fn, "input")
    xs = _prepare(xs, create_graph)
    with grad_mode.enable_grad():
        out = _scalar_fn(func, fn, strict)(*xs)
        jac = _grads((out,), xs, None, True, strict, retain=True)
        return in_tuple, xs, vs, out, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for scalar ``func``."""
    in_tuple, xs, vs, out, jac = _hv(func, inputs, v, create_graph, strict, "vhp")
    res = _post(_grads(jac, xs, vs, create_graph, strict, retain=False), create_graph)
    out = out if create_graph else out.detach()
    return out, (res if in_tuple else res[0])


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for scalar ``func``, by the double-backward trick as torch
    (for a twice-differentiable ``func`` it equals ``vhp``: H is symmetric)."""
    in_tuple, xs, vs, out, jac = _hv(func, inputs, v, create_graph, strict, "hvp")
    with grad_mode.enable_grad():
        us = tuple(_wrap(np.zeros_like(x._data)).requires_grad_() for x in xs)
        back = _grads(jac, xs, us, True, strict, retain=True)
        res = _autograd_grad(back, us, vs, create_graph, False)
    res = _post(tuple(r if r is not None else _wrap(np.zeros_like(x._data))
                      for r, x in zip(res, xs)), create_graph)
    out = out if create_graph else out.detach()
    return out, (res if in_tuple else res[0])
