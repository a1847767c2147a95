"""Helpers shared by the elementwise op families: broadcasting errors, ``out=``, in-place
wrappers, and the factories that make ``name(input)`` / ``name_(self)`` from an op class."""

from __future__ import annotations

from numbers import Number

import numpy as np

from .. import _kernels
from .._tensor import Tensor, tensor_method
from ..autograd import grad_mode as _gm
from ._apply import _type_name, apply, apply_
from ._pointwise_docs import DOCS

_KDTYPES = (np.dtype(np.float32), np.dtype(np.float64))   # what the compiled kernels take
_KMIN = 1 << 15   # elements from which a 2-thread kernel beats NumPy's passes (the shared pool starts one in ~3 us)


def _parallel(name, a, *others, mod="pointwise", out=None):
    """``_kernels.<mod>.<name>(a, *others, out)`` on every thread, for dense float arrays
    of one shape, dtype and layout with ``_KMIN`` elements or more: the result (in ``a``'s
    layout, or ``out`` when given in that layout), else None (the caller's NumPy expression).
    A broadcast operand (a zero stride: the gradient of a sum or mean) beside a C-ordered
    ``a`` is made dense first."""
    if type(a) is not np.ndarray or a.size < _KMIN or a.dtype not in _KDTYPES:
        return None
    if others and a.flags.c_contiguous:
        others = [np.ascontiguousarray(b) if type(b) is np.ndarray and 0 in b.strides else b for b in others]
    for b in others if out is None else (*others, out):
        if type(b) is not np.ndarray or b.shape != a.shape or b.dtype != a.dtype or b.strides != a.strides:
            return None
    kp = _kernels.load("pointwise")
    if kp is None:
        return None
    if out is None:
        out = np.empty_like(a)   # a's layout, so all flatten alike
    flats = [kp.flat(x) for x in (a, *others, out)]
    if any(f is None for f in flats):
        return None
    getattr(kp if mod == "pointwise" else _kernels.load(mod), name)(*flats)
    return out


def _broadcast_error(*arrays):
    """PyTorch's message for shapes that do not broadcast."""
    acc = ()
    for x in arrays:
        if x is None:
            continue
        sb = np.shape(x)
        n = len(acc) if len(acc) > len(sb) else len(sb)
        pa, pb = (1,) * (n - len(acc)) + tuple(acc), (1,) * (n - len(sb)) + sb
        for i in range(n - 1, -1, -1):
            if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
                return RuntimeError(
                    f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                    f"at non-singleton dimension {i}")
        acc = tuple(pa[i] if pb[i] == 1 else pb[i] for i in range(n))
    return RuntimeError("shapes " + ", ".join(str(np.shape(x)) for x in arrays) +
                        " cannot be broadcast together")


def _guard(cls):
    """Class decorator: NumPy's broadcast ValueError -> PyTorch's RuntimeError."""
    fwd = cls.forward

    def forward(self, *args, **kw):
        try:
            return fwd(self, *args, **kw)
        except ValueError:
            raise _broadcast_error(*args) from None
    cls.forward = forward
    return cls


_IP = {}


def _inplace(cls, self, *args, **kw):
    """``apply_`` for ops whose backward reads their inputs: under grad mode the input
    array is copied first, so the in-place write does not clobber the saved value
    (PyTorch saves the original ``self`` the same way)."""
    if not (_gm.enabled and cls.saves and cls.saves != ("out",)):
        return apply_(cls, self, *args, **kw)
    c = _IP.get(cls)
    if c is None:
        fwd = cls.forward

        def forward(op, a, *rest, **k):
            a2 = a.copy()
            return fwd(op, a2, *(a2 if r is a else r for r in rest), **k)
        c = _IP[cls] = type(cls.__name__, (cls,), {"forward": forward, "forward_": None, "name": cls.name})
    return apply_(c, self, *args, **kw)


# ---- wrapper factories: one per signature shape ------------------------------------------

def _named(f, name, doc):
    """Give a factory-made function its public name and its docstring."""
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _unary(cls, name):
    """``name(input, *, out=None)`` and its in-place form ``name_(self)``; both are Tensor
    methods (``x.name()``, ``x.name_()``)."""
    def fn(input: Tensor, *, out: Tensor | None = None) -> Tensor:
        return _out(apply(cls, input), out)

    def fn_(self: Tensor) -> Tensor:
        return _inplace(cls, self)
    return (tensor_method()(_named(fn, name, DOCS.get(name, f"Elementwise ``{name}`` of ``input``."))),
            tensor_method()(_named(fn_, name + "_", f"In-place :func:`{name}`.")))


def _binary(cls, name):
    """``name(input, other, *, out=None)``: a broadcasting two-input op (and Tensor method)."""
    def fn(input: Tensor, other: Tensor | Number, *, out: Tensor | None = None) -> Tensor:
        return _out(apply(cls, input, other), out)
    return tensor_method()(_named(fn, name, DOCS.get(name, f"Elementwise ``{name}`` of ``input`` and ``other`` "
                                                           "(broadcasting).")))


def _binary_(cls, name):
    """In-place Tensor method ``name(self, other)`` of a two-input op."""
    def fn_(self: Tensor, other: Tensor | Number) -> Tensor:
        return _inplace(cls, self, other)
    return tensor_method()(_named(fn_, name, f"In-place :func:`{name[:-1]}`."))


def _out(result, out):
    """``out=`` for callers inside ember; the public functions get it from ``_out.install``."""
    if out is None:
        return result
    from ._out import write_out

    return write_out(result, out, "out")

def _not_impl(a, kernel):
    """PyTorch's error for a dtype its CPU kernel does not cover."""
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{_type_name(a.dtype)}'")


def _float_only(a, kernel):
    if a.dtype.kind not in "fc":
        _not_impl(a, kernel)


def _zeros(g):
    return np.zeros_like(g)


def _c(x, a):
    """A Python-number constant as an array scalar of ``a``'s dtype (no float64 upcast)."""
    return a.dtype.type(x)


def _int_zero_check(b, a=None):
    """Integer division by zero raises, as torch, unless the result is empty."""
    if a is not None and 0 in np.broadcast_shapes(np.shape(a), np.shape(b)):
        return
    if isinstance(b, np.ndarray):
        if b.dtype.kind in "iub" and not b.all():
            raise RuntimeError("ZeroDivisionError")
    elif isinstance(b, (int, np.integer)) and b == 0:
        raise RuntimeError("ZeroDivisionError")
