"""``ember.utils.checkpoint``: trade compute for memory by recomputing a block in backward.

``checkpoint(fn, *args)`` runs ``fn`` without keeping its intermediate results; the backward
pass runs ``fn`` again (with the random state it first saw) and backpropagates through that.
Gradients equal those of ``fn(*args)`` run plainly, for the inputs and for the parameters
``fn`` uses.
"""
import warnings

from .._random import get_rng_state, set_rng_state
from .._tensor import Tensor
from ..autograd import Function, backward, grad_mode

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "detach_variable", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """Raised when the recomputed forward differs from the original one."""


def noop_context_fn():
    """The default ``context_fn``: two do-nothing context managers."""
    import contextlib

    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    """Tensors in ``inputs`` detached, keeping their ``requires_grad``."""
    from .._tensor import Tensor

    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for x in inputs:
        if isinstance(x, Tensor):
            y = x.detach()
            y.requires_grad = x.requires_grad
            out.append(y)
        else:
            out.append(x)
    return tuple(out)


def _autocast_state():
    from ..amp import autocast_mode as ac

    return ac.is_autocast_enabled("cpu"), ac.get_autocast_dtype("cpu")


class CheckpointFunction(Function):
    """The autograd node of ``checkpoint``: forward without a graph, backward by recomputing."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, context_fn, _force, *args):
        ctx.run_function = run_function
        ctx.preserve = preserve_rng_state
        ctx.context_fn = context_fn
        ctx.autocast = _autocast_state()
        if preserve_rng_state:
            ctx.rng = get_rng_state()
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        fwd_ctx, _ = context_fn()
        with grad_mode.no_grad(), fwd_ctx:
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        from ..amp import autocast

        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_idx, ctx.saved_tensors):
            inputs[i] = t
        detached = detach_variable(tuple(inputs))
        if ctx.preserve:
            now = get_rng_state()
            set_rng_state(ctx.rng)
        try:
            _, recompute_ctx = ctx.context_fn()
            enabled, dtype = ctx.autocast
            with grad_mode.enable_grad(), recompute_ctx, autocast("cpu", dtype=dtype, enabled=enabled):
                outputs = ctx.run_function(*detached)
        finally:
            if ctx.preserve:
                set_rng_state(now)
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outs, grads)
                 if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        backward([o for o, _ in pairs], [g for _, g in pairs])
        in_grads = tuple(x.grad if isinstance(x, Tensor) else None for x in detached)
        return (None, None, None, None) + in_grads


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, preserve_rng_state=True, **kwargs):
    """Run ``function(*args, **kwargs)`` keeping only its inputs; recompute it in backward.

    Args:
        function (callable): the block (a module or a function).
        *args: its inputs.
        use_reentrant (bool): torch's two implementations; both recompute here and give the
            same gradients. Pass it explicitly (``False`` is recommended), as torch warns.
        context_fn (callable): returns two context managers, for the forward and the recompute.
        preserve_rng_state (bool): the recompute sees the forward's random numbers (dropout).
            Default: ``True``.

    Example::

        >>> block = ember.nn.Sequential(ember.nn.Linear(4, 4), ember.nn.Tanh())
        >>> x = ember.ones(2, 4, requires_grad=True)
        >>> y = checkpoint(block, x, use_reentrant=False)
        >>> y.sum().backward()      # block runs again here
        >>> x.grad.shape
        torch.Size([2, 4])
    """
    from .._tensor import Tensor
    from ..autograd import grad_mode

    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed "
                      "explicitly. Starting in PyTorch 2.9, calling checkpoint without use_reentrant "
                      "will raise an exception. use_reentrant=False is recommended, but if you need "
                      "to preserve the current default behavior, you can pass use_reentrant=True. "
                      "Refer to docs for more details on the differences between the two variants.",
                      stacklevel=2)
        use_reentrant = True
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    if use_reentrant:
        if context_fn is not noop_context_fn or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    fn = function if not kwargs else (lambda *a: function(*a, **kwargs))
    tensors_need_grad = any(isinstance(a, Tensor) and a.requires_grad for a in args)
    if use_reentrant and not tensors_need_grad and grad_mode.is_grad_enabled():
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
    cls = CheckpointFunction
    force = None
    if not use_reentrant and grad_mode.is_grad_enabled():
        from .. import empty

        force = empty(0, requires_grad=True)   # records the node when only parameters need grad
    return cls.apply(fn, preserve_rng_state, context_fn, force, *args)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Split ``functions`` (a ``Sequential`` or a list of modules) into ``segments`` runs of
    equal length and checkpoint all but the last.

    Example::

        >>> model = ember.nn.Sequential(*[ember.nn.Linear(4, 4) for _ in range(4)])
        >>> out = checkpoint_sequential(model, 2, ember.ones(2, 4), use_reentrant=False)
        >>> out.shape
        torch.Size([2, 4])
    """
    from ..nn import Sequential

    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter "
                      "should be passed explicitly. In version 2.9 we will raise an exception if "
                      "use_reentrant is not passed. use_reentrant=False is recommended, but if you "
                      "need to preserve the current default behavior, you can pass use_reentrant=True. "
                      "Refer to docs for more details on the differences between the two variants.",
                      stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run(start, end, fns):
        def forward(x):
            for j in range(start, end + 1):
                x = fns[j](x)
            return x
        return forward

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1, functions)(input)
