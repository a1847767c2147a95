"""PyTorch's deprecated scalar-first overloads, still accepted with a warning:
``p.add_(-lr, grad)`` is ``p.add_(grad, alpha=-lr)``; ``t.addcmul_(v, t1, t2)`` is
``t.addcmul_(t1, t2, value=v)``."""
import numbers
import warnings

_SIGS = {"alpha": ("Tensor other", "Number alpha", "Tensor other, *, Number alpha = 1"),
         "value": ("Tensor tensor1, Tensor tensor2", "Number value",
                   "Tensor tensor1, Tensor tensor2, *, Number value = 1")}


def scalar_first(name, first, rest, kw, ntensors):
    """``(scalar, *tensors)`` of the old overload -> ``(tensors, scalar)``; TypeError otherwise."""
    if len(rest) != ntensors or not isinstance(first, numbers.Number):
        raise TypeError(f"{name}() takes {ntensors} positional argument(s) after self but "
                        f"{len(rest) + 1} were given")
    tensors, old, new = _SIGS[kw]
    warnings.warn(f"This overload of {name} is deprecated:\n\t{name}({old}, {tensors})\n"
                  f"Consider using one of the following signatures instead:\n\t{name}({new})",
                  UserWarning, stacklevel=3)
    return rest, first
