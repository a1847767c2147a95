"""``nn.Parameter``: a Tensor subclass that modules register as learnable."""
import numpy as np

from .._tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "is_lazy"]


class Parameter(Tensor):
    """A tensor that a ``Module`` registers when assigned as an attribute.

    ``Parameter(data=None, requires_grad=True)``: shares ``data``'s storage.
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _wrap(np.empty((0,), dtype=np.float32))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, got {type(data).__name__}")
        t = Tensor._make_subclass(cls, data, requires_grad)
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__


class Buffer(Tensor):
    """``nn.Buffer(data, persistent=True)``: marks a tensor to register as a buffer."""

    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _wrap(np.empty((0,), dtype=np.float32))
        t = data.detach().as_subclass(cls)
        t._rg = data._rg
        t.persistent = persistent
        return t

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    __slots__ = ()


def is_lazy(param):
    return isinstance(param, UninitializedParameter)
