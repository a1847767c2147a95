"""``gradcheck``: analytic gradients against central finite differences."""
import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytic and numerical gradients disagree."""


def _outputs(fn, inputs):
    from .._tensor import Tensor

    out = fn(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in outs if isinstance(o, Tensor)]


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True when ``func``'s gradients w.r.t. every input that requires grad match finite differences.

    Use float64 inputs: ``gradcheck(fn, (x.double().requires_grad_(),))``.
    """
    from .._tensor import Tensor
    from . import grad as autograd_grad
    from .grad_mode import no_grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    for t in diff:
        if t.dtype.name not in ("float64", "complex128"):
            import warnings
            warnings.warn(f"Input #{inputs.index(t)} requires gradient and is not a double "
                          "precision floating point. gradcheck may fail.", UserWarning)
    outs = _outputs(func, inputs)
    some_diff = any(o.requires_grad for o in outs)
    for oi, out in enumerate(outs):
        if not (out.requires_grad or some_diff):
            continue   # nothing differentiable (a comparison, say): nothing to check
        n_out = out.numel()
        analytic = [np.zeros((n_out, t.numel())) for t in diff]   # zero if out has no grad_fn
        for k in range(n_out if out.requires_grad else 0):
            seed = np.zeros(out.shape, dtype=out._data.dtype)
            seed.reshape(-1)[k] = 1
            from .._tensor import _wrap
            fresh = _outputs(func, inputs)[oi]
            grads = autograd_grad(fresh, diff, _wrap(seed), allow_unused=True)
            for j, g in enumerate(grads):
                if g is not None:
                    analytic[j][k] = g._data.reshape(-1)
        numeric = [np.zeros((n_out, t.numel())) for t in diff]
        with no_grad():
            for j, t in enumerate(diff):
                flat = t._data.reshape(-1)
                if not np.shares_memory(flat, t._data):
                    raise ValueError("gradcheck needs contiguous inputs")
                for i in range(t.numel()):
                    orig = flat[i].copy()
                    flat[i] = orig + eps
                    plus = _outputs(func, inputs)[oi]._data.astype(np.float64).reshape(-1)
                    flat[i] = orig - eps
                    minus = _outputs(func, inputs)[oi]._data.astype(np.float64).reshape(-1)
                    flat[i] = orig
                    numeric[j][:, i] = (plus - minus) / (2 * eps)
        for j in range(len(diff)):
            a, n = analytic[j], numeric[j]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                msg = (f"Jacobian mismatch for output {oi} with respect to input {j},\n"
                       f"numerical:{n}\nanalytical:{a}\n")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """True when the second derivatives of ``func`` match finite differences of its gradients.

    The gradients are ``grad(func(inputs), inputs, grad_outputs, create_graph=True)``;
    ``grad_outputs`` (random, requiring grad, when not given) are checked as inputs too,
    as torch does. Use float64 inputs.
    """
    from .._tensor import Tensor, _wrap
    from . import grad as autograd_grad
    from .grad_mode import enable_grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if grad_outputs is None:
        rng = np.random.RandomState(0)
        grad_outputs = tuple(
            _wrap(rng.standard_normal(o.shape).astype(o._data.dtype)).requires_grad_()
            for o in _outputs(func, inputs) if o.requires_grad)
    else:
        grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n = len(grad_outputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]

    def grads_of(*args):   # also run by gradcheck's finite differences, under no_grad
        inp, gos = args[:len(args) - n], args[len(args) - n:]
        with enable_grad():
            outs = [o for o in _outputs(func, inp) if o.requires_grad]
            gs = autograd_grad(outs, [inp[i] for i in diff_idx], gos, create_graph=True,
                               allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(grads_of, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
