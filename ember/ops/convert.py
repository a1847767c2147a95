"""dtype and device conversion: ``to``, ``type``, ``float()``, ``long()``, ... (ToCopyBackward0)."""

from __future__ import annotations

from typing import Any

from .. import _dtype as D
from .._device import check_device
from .._device import device as _device_cls
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, apply

__all__ = []


class ToCopy(Op):
    name = "ToCopyBackward0"

    def forward(self, a, np_dtype):
        return a.astype(np_dtype)

    def backward(self, g):
        return g  # the walk casts it back to the input's dtype

    backward_ops = backward


def _cast(self, dtype, copy=False):
    d = D.to_dtype(dtype)
    if d.np is None:
        raise RuntimeError(f"{d} needs the 'ml_dtypes' package: pip install ml_dtypes")
    if d.np == self._data.dtype and not copy:
        return self
    if d.category < D._FLOAT and self._rg:
        r = _wrap(self._data.astype(d.np))  # integer results never require grad
        return r
    return apply(ToCopy, self, d.np)


@tensor_method()
def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None) -> Tensor:
    """``x.to(ember.float64)``, ``x.to('cpu')``, ``x.to(other)``, ``x.to('cpu', ember.half)``.

    Example:
        >>> torch.tensor([1.7, -2.5]).to(torch.int32)
        tensor([ 1, -2], dtype=torch.int32)
        >>> torch.tensor([1, 2]).to("cpu", torch.float64)
        tensor([1., 2.], dtype=torch.float64)
    """
    flags = []   # trailing positional non_blocking, copy (torch's overloads)
    for a in args:
        if flags and not isinstance(a, bool):
            raise TypeError(f"to() received an invalid combination of arguments: {a!r} after {flags}")
        if isinstance(a, bool):
            flags.append(a)
        elif isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, (str, _device_cls, int)):
            device = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is not None:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    if len(flags) > 2:
        raise TypeError(f"to() received an invalid combination of arguments: {len(flags)} flags")
    if len(flags) == 2:
        copy = flags[1]
    check_device(device)
    if dtype is None:
        return _wrap(self._data.copy()) if copy else self
    return _cast(self, dtype, copy)


@tensor_method("type")
def type_(self, dtype=None, non_blocking=False, **kwargs):
    """``x.type()`` -> ``'torch.FloatTensor'``; ``x.type(ember.int32)`` or ``x.type('torch.IntTensor')`` converts.

    Example:
        >>> torch.tensor([1.5]).type()
        'torch.FloatTensor'
        >>> torch.tensor([1.5]).type(torch.int64)
        tensor([1])
    """
    if dtype is None:
        return "torch." + self.dtype._tensor_type
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        for d in D._ALL:
            if d._tensor_type == name:
                return _cast(self, d)
        raise ValueError(f"invalid type: '{dtype}'")
    if isinstance(dtype, type) and issubclass(dtype, Tensor) and hasattr(dtype, "dtype_"):
        return _cast(self, dtype.dtype_)
    return _cast(self, dtype)


@tensor_method()
def type_as(self, other) -> Tensor:
    """``self`` cast to ``other``'s dtype.

    Example:
        >>> torch.tensor([1.7]).type_as(torch.tensor([1]))
        tensor([1])
    """
    return _cast(self, other.dtype)


def _conv(d):
    def f(self: Tensor, memory_format: Any = None) -> Tensor:
        return _cast(self, d)
    f.__name__ = d.name
    f.__doc__ = f"``self.to(torch.{d.name})``: ``self`` itself when it already is {d.name}, else a copy."
    return f


tensor_method("float")(_conv(D.float32))
tensor_method("double")(_conv(D.float64))
tensor_method("half")(_conv(D.float16))
tensor_method("bfloat16")(_conv(D.bfloat16))
tensor_method("long")(_conv(D.int64))
tensor_method("int")(_conv(D.int32))
tensor_method("short")(_conv(D.int16))
tensor_method("char")(_conv(D.int8))
tensor_method("byte")(_conv(D.uint8))
tensor_method("bool")(_conv(D.bool))
tensor_method("cfloat")(_conv(D.complex64))
tensor_method("cdouble")(_conv(D.complex128))
