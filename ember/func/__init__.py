"""``ember.func`` (``torch.func``): function transforms, first order.

    grads = grad(loss_fn)(params, x, y)                     # d loss / d params
    per_sample = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, xs, ys)
    out, vjp_fn = vjp(f, x); (gx,) = vjp_fn(ones_like(out))
    J = jacrev(f)(x)                                        # (*f(x).shape, *x.shape)

``vmap`` runs ``func`` once per slice of the mapped dimension and stacks the results (the
numbers are torch's; the speed is a loop's). ``grad``/``vjp``/``jacrev``/``jacfwd`` run
ember's reverse-mode autograd; ``jacfwd`` gives ``jacrev``'s result (ember has no forward
mode; ``jvp`` contracts that Jacobian). Transforms nest (``grad(grad(f))``, ``hessian``)
through double backward.
"""
import functools

from ..nn.utils.stateless import _functional_call as functional_call  # noqa: F401

__all__ = ["vmap", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian",
           "functional_call", "stack_module_state"]

_level = [0]   # how many grad-like transforms enclose the current call


# ---- pytrees: tensors in (nested) tuples, lists and dicts ----------------------------------

def _flatten(tree):
    """-> (leaves, spec): leaves in order; spec rebuilds the container around new leaves."""
    if isinstance(tree, (tuple, list)):
        parts = [_flatten(t) for t in tree]
        return [x for p in parts for x in p[0]], (type(tree), [p[1] for p in parts])
    if isinstance(tree, dict):
        keys = list(tree)
        parts = [_flatten(tree[k]) for k in keys]
        return [x for p in parts for x in p[0]], (dict, keys, [p[1] for p in parts])
    return [tree], None


def _unflatten(spec, leaves):
    it = iter(leaves)

    def build(s):
        if s is None:
            return next(it)
        if s[0] is dict:
            return {k: build(c) for k, c in zip(s[1], s[2])}
        items = [build(c) for c in s[1]]
        return tuple(items) if s[0] is tuple else items
    return build(spec)


def _is_tensor(x):
    from .._tensor import Tensor

    return isinstance(x, Tensor)


# ---- vmap -----------------------------------------------------------------------------------

def _broadcast_dims(in_dims, args, name):
    if isinstance(in_dims, int):
        return [in_dims] * len(args)
    if not isinstance(in_dims, (tuple, list)):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int "
                         f"or a (potentially nested) tuple matching the structure of inputs, got: "
                         f"{type(in_dims)}.")
    if len(in_dims) != len(args):
        raise ValueError(f"vmap({name}, in_dims={tuple(in_dims)}, ...)(<inputs>): in_dims is not compatible "
                         f"with the structure of `inputs`. in_dims has structure {len(in_dims)} "
                         f"but inputs has structure {len(args)}.")
    return list(in_dims)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Map ``func`` over a dimension of its inputs: ``vmap(f)(x)[i] == f(x[i])``.

    Args:
        func (callable): takes tensors (or tuples/lists/dicts of them), returns tensors.
        in_dims (int, None or tuple): the mapped dimension of each input (``None``: not mapped).
        out_dims (int or tuple): where the mapped dimension goes in each output. Default: 0.
        randomness (str): ``"error"`` (random ops inside raise), ``"different"`` or ``"same"``
            (each slice sees the same random numbers).
        chunk_size (int, optional): accepted (slices run one at a time).

    Example::

        >>> batched_dot = vmap(ember.dot)
        >>> batched_dot(ember.ones(5, 3), ember.ones(5, 3))
        tensor([3., 3., 3., 3., 3.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                           f"Got {randomness}")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        from .. import get_rng_state, set_rng_state, stack

        name = getattr(func, "__name__", repr(func))
        dims = _broadcast_dims(in_dims, args, name)
        flat, specs, size = [], [], None
        for a, d in zip(args, dims):
            leaves, spec = _flatten(a)
            ds = _flatten(d)[0] if isinstance(d, (tuple, list, dict)) else [d] * len(leaves)
            for x, dd in zip(leaves, ds):
                if dd is not None:
                    if not _is_tensor(x):
                        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={dd} "
                                         f"for an input but the input is of type {type(x)}. We cannot "
                                         "vmap over non-Tensor arguments, please use None as the "
                                         "respective in_dim")
                    if not -x.dim() <= dd < max(x.dim(), 1):
                        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={dd} "
                                         f"for some input, but that input is a Tensor of dimensionality "
                                         f"{x.dim()} so expected in_dim to satisfy -{x.dim()} <= in_dim "
                                         f"< {x.dim()}.")
                    n = x.shape[dd]
                    if size is not None and n != size:
                        raise ValueError("vmap: Expected all tensors to have the same size in the "
                                         f"mapped dimension, got sizes {[size, n]} for the mapped "
                                         "dimension")
                    size = n
            flat.append((leaves, ds))
            specs.append(spec)
        if size is None:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): at least one input must be "
                             "a Tensor mapped over (all in_dims are None)")
        state = get_rng_state() if randomness != "different" else None
        results = []
        for i in range(size):
            if randomness == "same":
                set_rng_state(state)
            call = [_unflatten(spec, [x if d is None else x.select(d, i) for x, d in zip(leaves, ds)])
                    for (leaves, ds), spec in zip(flat, specs)]
            out = func(*call, **kwargs)
            if randomness == "error" and i == 0 and \
                    get_rng_state().numpy().tobytes() != state.numpy().tobytes():
                raise RuntimeError("vmap: called random operation while in randomness error mode. "
                                   "Please either use the 'same' or 'different' randomness flags on "
                                   "vmap or perform the randomness operation out of vmap")
            results.append(out)
        leaves0, ospec = _flatten(results[0])
        for x in leaves0:
            if not _is_tensor(x):
                raise ValueError(f"vmap({name}, ...): `{name}` "
                                 f"must only return Tensors, got type {type(x)}. Did you mean to set "
                                 "out_dims= to None for output?")
        odims = [out_dims] * len(leaves0) if isinstance(out_dims, int) else _flatten(out_dims)[0]
        cols = zip(*[_flatten(r)[0] for r in results])
        stacked = [stack(list(c), dim=od if od >= 0 else od + c[0].dim() + 1)
                   for c, od in zip(cols, odims)]
        return _unflatten(ospec, stacked)
    return wrapped


# ---- reverse-mode transforms ---------------------------------------------------------------

def _argnums(argnums, args, who):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError(f"{who}: argnums must be non-empty")
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(f"{who}: argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -len(args) <= n < len(args):
            raise RuntimeError(f"Got argnum={n}, but only {len(args)} positional inputs")
    return nums


def _diff_inputs(args, nums):
    """Replace ``args[n]`` (pytrees of tensors) by fresh leaves that require grad."""
    args, picked = list(args), []
    for n in nums:
        leaves, spec = _flatten(args[n])
        if _level[0] > 1:   # nested: keep the outer transform's graph connected
            new = [x.view_as(x) if x.requires_grad else x.detach().requires_grad_() for x in leaves]
        else:
            new = [x.detach().requires_grad_() for x in leaves]
        args[n] = _unflatten(spec, new)
        picked.append((new, spec))
    return args, picked


def _backward(outputs, picked, grad_outputs, retain):
    from .. import autograd, zeros_like

    leaves = [x for new, _ in picked for x in new]
    outs = [o for o in outputs if o.requires_grad]
    gouts = [g for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if outs:
        nested = _level[0] > 1   # an enclosing transform differentiates through this graph again
        gs = autograd.grad(outs, leaves, gouts, retain_graph=retain or nested, create_graph=nested,
                           allow_unused=True)
    else:
        gs = [None] * len(leaves)
    gs = [zeros_like(x) if g is None else g for x, g in zip(leaves, gs)]
    out, k = [], 0
    for new, spec in picked:
        out.append(_unflatten(spec, gs[k:k + len(new)]))
        k += len(new)
    return out


def grad_and_value(func, argnums=0, has_aux=False):
    """``(gradient, value)`` of a scalar-valued ``func`` w.r.t. ``args[argnums]``; with
    ``has_aux`` ``func`` returns ``(value, aux)`` and this returns ``(gradient, (value, aux))``."""
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        from ..autograd import grad_mode

        who = "grad_and_value(f)(*args)"
        nums = _argnums(argnums, args, who)
        _level[0] += 1
        try:
            call, picked = _diff_inputs(args, nums)
            with grad_mode.enable_grad():
                out = func(*call, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(f"{who}: output of function f should be a tuple: (output, aux) "
                                       "if has_aux is True")
                out, aux = out
            if not _is_tensor(out):
                raise RuntimeError(f"{who}: Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"{who}: Expected f(*args) to return a scalar Tensor, got tensor "
                                   f"with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                                   "APIs instead?")
            grads = _backward([out], picked, [None], retain=False)
        finally:
            _level[0] -= 1
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        value = out.detach() if _level[0] == 0 else out
        if has_aux:
            aux = _unflatten(_flatten(aux)[1], [a.detach() if _is_tensor(a) and _level[0] == 0 else a
                                                for a in _flatten(aux)[0]])
            return g, (value, aux)
        return g, value
    return wrapped


def grad(func, argnums=0, has_aux=False):
    """The gradient of a scalar-valued ``func`` w.r.t. ``args[argnums]`` (same structure as
    those arguments); with ``has_aux``, ``(gradient, aux)``.

    Example::

        >>> grad(lambda x: (x ** 2).sum())(ember.tensor([1.0, 2.0]))
        tensor([2., 4.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapped


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangents)`` returns one gradient per primal
    (``(output, vjp_fn, aux)`` with ``has_aux``)."""
    from ..autograd import grad_mode

    _level[0] += 1
    try:
        call, picked = _diff_inputs(primals, range(len(primals)))
        with grad_mode.enable_grad():
            out = func(*call)
    finally:
        _level[0] -= 1
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: "
                               "(output, aux) if has_aux is True")
        out, aux = out
    outs, ospec = _flatten(out)
    for o in outs:
        if not _is_tensor(o):
            raise RuntimeError(f"vjp(f, *primals): Expected f(*primals) to return only tensors, "
                               f"got unsupported type {type(o)}")

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        cots = _flatten(cotangents)[0]
        if len(cots) != len(outs):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree "
                               f"structure of outputs to the function. cotangents: {len(cots)} "
                               f"tensors, primal output: {len(outs)} tensors")
        for o, c in zip(outs, cots):
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {c.shape} and "
                                   f"output[0] has a shape of {o.shape}.")
        return tuple(_backward(outs, picked, cots, retain=True))

    detached = _unflatten(ospec, [o.detach() for o in outs])
    return (detached, vjp_fn, aux) if has_aux else (detached, vjp_fn)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of ``func`` w.r.t. ``args[argnums]`` by reverse mode: for an output of shape
    ``O`` and an input of shape ``I``, a tensor of shape ``O + I`` (tuples for tuple outputs or
    argnums).

    Example::

        >>> jacrev(ember.sin)(ember.tensor([0.0, 1.0]))   # diag(cos(x))
        tensor([[1.0000, 0.0000],
                [0.0000, 0.5403]])
    """
    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        from .. import stack, zeros
        from ..autograd import grad_mode

        nums = _argnums(argnums, args, "jacrev(f, ...)(*args)")
        _level[0] += 1
        try:
            call, picked = _diff_inputs(args, nums)
            with grad_mode.enable_grad():
                out = func(*call, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError("jacrev(f, ...)(*args): output of function f should be a tuple: "
                                       "(output, aux) if has_aux is True")
                out, aux = out
            outs, ospec = _flatten(out)
            leaves = [x for new, _ in picked for x in new]
            per_out = []
            for o in outs:
                rows = []
                for k in range(o.numel()):
                    seed = zeros(o.numel(), dtype=o.dtype)
                    seed[k] = 1
                    rows.append([g.detach() if _level[0] == 1 else g for g in
                                 _flatten(_backward([o], picked, [seed.view(o.shape)], retain=True))[0]])
                jac = []
                for j, x in enumerate(leaves):
                    col = [r[j] for r in rows]
                    jac.append(stack(col).view(tuple(o.shape) + tuple(x.shape)) if col
                               else zeros(tuple(o.shape) + tuple(x.shape), dtype=x.dtype))
                per_arg, k = [], 0
                for new, spec in picked:
                    per_arg.append(_unflatten(spec, jac[k:k + len(new)]))
                    k += len(new)
                per_out.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
        finally:
            _level[0] -= 1
        result = _unflatten(ospec, per_out)
        if has_aux:
            return result, _unflatten(_flatten(aux)[1], [a.detach() if _is_tensor(a) else a
                                                         for a in _flatten(aux)[0]])
        return result
    return wrapped


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian of ``func`` w.r.t. ``args[argnums]`` (``jacrev``'s result: ember computes it
    in reverse mode; torch's forward mode gives the same numbers)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                           f"Got {randomness}")
    return jacrev(func, argnums, has_aux=has_aux)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product (computed from
    ``jacrev``'s Jacobian; torch uses forward mode, with the same numbers).

    Example::

        >>> jvp(ember.sin, (ember.tensor([0.0, 1.0]),), (ember.tensor([1.0, 1.0]),))[1]
        tensor([1.0000, 0.5403])
    """
    for name, val in (("primals", primals), ("tangents", tangents)):
        if not isinstance(val, tuple):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {name} to be a tuple. E.g. it "
                               "should be valid to call f(*primals).")
    if len(primals) != len(tangents):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same "
                           f"python structure. For example, if primals is a tuple of 3 tensors, tangents "
                           f"also must be. Got primals with structure {len(primals)} and tangents with "
                           f"structure {len(tangents)}")
    for p, t in zip(primals, tangents):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the "
                               f"same shape. Got primals with shape {tuple(p.shape)} and tangents with "
                               f"shape {tuple(t.shape)}")
    from ..autograd import grad_mode

    with grad_mode.no_grad():
        out = func(*primals)
    aux = None
    if has_aux:
        out, aux = out
    def flat(*args):   # the outputs as a flat tuple: the Jacobian is then (per output)(per primal)
        o = func(*args)
        return tuple(_flatten(o[0] if has_aux else o)[0])
    jac = jacrev(flat, argnums=tuple(range(len(primals))))(*primals)
    outs, ospec = _flatten(out)
    results = []
    for o, j in zip(outs, jac):
        total = None
        for jj, t in zip(j, tangents):
            n = t.dim()
            term = (jj * t.reshape((1,) * o.dim() + tuple(t.shape))).sum(
                dim=tuple(range(o.dim(), o.dim() + n))) if n else jj * t
            total = term if total is None else total + term
        results.append(total.reshape(o.shape))
    out_d = _unflatten(ospec, [o.detach() for o in outs])
    res = _unflatten(ospec, results)
    return (out_d, res, aux) if has_aux else (out_d, res)


def hessian(func, argnums=0):
    """The Hessian of a scalar ``func`` w.r.t. ``args[argnums]``: ``jacfwd(jacrev(func))``.

    Example::

        >>> hessian(lambda x: (x ** 3).sum())(ember.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)


def stack_module_state(models):
    """The parameters and buffers of same-shaped ``models`` stacked along a new first dimension:
    ``(params, buffers)`` dicts keyed by name, for ``vmap`` over ``functional_call`` (model
    ensembling). Stacked parameters are new leaves that require grad as the originals do.

    Example::

        >>> models = [ember.nn.Linear(3, 2) for _ in range(4)]
        >>> params, buffers = stack_module_state(models)
        >>> params["weight"].shape
        torch.Size([4, 2, 3])
    """
    from .. import stack

    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    kinds = {type(m) for m in models}
    if len(kinds) != 1:
        raise RuntimeError(f"stack_module_state: Expected all models to be of the same class, got: {kinds}")

    def stacked(named):
        out = {}
        for name, first in named(models[0]):
            t = stack([dict(named(m))[name].detach() for m in models])
            out[name] = t.requires_grad_() if first.requires_grad else t
        return out
    return (stacked(lambda m: m.named_parameters()), stacked(lambda m: m.named_buffers()))
