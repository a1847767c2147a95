"""``nn.Parameter``: a Tensor subclass that modules register as learnable."""
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy"]


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


_UNINIT_MSG = ("Attempted to use an uninitialized parameter in {}. This error happens when you "
               "are using a `LazyModule` or explicitly manipulating "
               "`torch.nn.parameter.UninitializedParameter` objects. When using LazyModules Call "
               "`forward` with a dummy batch to initialize the parameters before calling torch "
               "functions")


class _UninitializedMixin:
    """Holds an empty array of the target dtype until ``materialize(shape)``; then the object
    becomes ``cls_to_become`` in place (module attributes and optimizers keep it)."""

    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Allocate uninitialized storage of ``shape`` (dtype defaults to the current one)."""
        dt = D.to_dtype(dtype).np if dtype is not None else self._data.dtype
        if isinstance(shape, int):
            shape = (shape,)
        self._data = np.empty(tuple(shape), dtype=dt)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
            "initialized one. Call `forward` to initialize the parameters before accessing their "
            "attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))


def _uninit_method(name):
    def f(self, *args, **kwargs):
        raise ValueError(_UNINIT_MSG.format(f"<method '{name}' of 'torch._C.TensorBase' objects>"))
    f.__name__ = name
    return f


for _n in ("numel", "dim", "add", "sub", "mul", "div", "matmul", "mm", "sum", "mean", "view",
           "reshape", "t", "transpose", "item", "tolist", "numpy", "fill_", "zero_", "normal_",
           "uniform_", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
           "__truediv__", "__matmul__", "__neg__", "__getitem__", "__setitem__", "__len__",
           "__iter__", "__pow__"):
    setattr(_UninitializedMixin, _n, _uninit_method(_n.strip("_")))


class UninitializedParameter(_UninitializedMixin, Parameter):
    """A parameter whose shape is not known yet (lazy modules); ``materialize(shape)``
    turns it into a ``Parameter``."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
        return Tensor._make_subclass(cls, _wrap(np.empty((0,), dtype=dt.np)), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(_UninitializedMixin, Tensor):
    """A buffer whose shape is not known yet; ``materialize(shape)`` turns it into a Tensor."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
        t = Tensor._make_subclass(cls, _wrap(np.empty((0,), dtype=dt.np)), requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass


def is_lazy(param):
    """True for an ``UninitializedParameter`` / ``UninitializedBuffer``."""
    return isinstance(param, _UninitializedMixin)
