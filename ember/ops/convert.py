"""dtype and device conversion: ``to``, ``type``, ``float()``, ``long()``, ... (ToCopyBackward0)."""
import numpy as np

from .. import _dtype as D
from .._device import check_device, device as _device_cls
from .._tensor import Tensor, _wrap
from ._apply import Op, apply

__all__ = []


class ToCopy(Op):
    name = "ToCopyBackward0"

    def forward(self, a, np_dtype):
        return a.astype(np_dtype)

    def backward(self, g):
        return g  # the walk casts it back to the input's dtype


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


def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """``x.to(ember.float64)``, ``x.to('cpu')``, ``x.to(other)``, ``x.to('cpu', ember.half)``."""
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


def type_(self, dtype=None, non_blocking=False, **kwargs):
    """``x.type()`` -> ``'torch.FloatTensor'``; ``x.type(ember.int32)`` or ``x.type('torch.IntTensor')`` converts."""
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


def type_as(self, other):
    return _cast(self, other.dtype)


def _conv(d):
    def f(self, memory_format=None):
        return _cast(self, d)
    f.__name__ = d.name
    return f


Tensor.to = to
Tensor.type = type_
Tensor.type_as = type_as
Tensor.float = _conv(D.float32)
Tensor.double = _conv(D.float64)
Tensor.half = _conv(D.float16)
Tensor.bfloat16 = _conv(D.bfloat16)
Tensor.long = _conv(D.int64)
Tensor.int = _conv(D.int32)
Tensor.short = _conv(D.int16)
Tensor.char = _conv(D.int8)
Tensor.byte = _conv(D.uint8)
Tensor.bool = _conv(D.bool)
Tensor.cfloat = _conv(D.complex64)
Tensor.cdouble = _conv(D.complex128)
