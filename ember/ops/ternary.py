"""Pointwise ops of three operands: ``lerp``, ``addcmul``, ``addcdiv`` and ``clamp`` (input,
min, max), with their in-place forms. Forward and backward side by side, as in arithmetic.py."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap, tensor_method
from ._apply import SAME, Op, apply, holomorphic
from ._deprecated import scalar_first
from ._pointwise import _float_only, _guard, _inplace, _out

__all__ = ["lerp", "addcmul", "addcdiv", "clamp", "clip", "clamp_min", "clamp_max", "clamp_",
           "clamp_max_", "clamp_min_", "clip_"]


def _lerp_kernel(input, weight):
    """PyTorch's kernel runs in the input's dtype: floating and complex only (before promotion)."""
    if isinstance(input, Tensor):
        _float_only(input._data, "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar")


@holomorphic
@_guard
class Lerp(Op):
    name = "LerpBackward0"
    promote = SAME
    saves = (0, 1, 2)

    def forward(self, a, b, w):
        _float_only(a, "lerp_kernel_scalar" if not isinstance(w, np.ndarray) else "lerp_kernel_tensor")
        self.a, self.b, self.w = a, b, w
        d = b - a
        if isinstance(w, np.ndarray):
            return np.where(np.abs(w) < 0.5, a + w * d, b - d * (1 - w))
        return a + w * d if abs(w) < 0.5 else b - d * (1 - w)

    def backward(self, g):
        w = self.w
        gw = g * (self.b - self.a) if isinstance(w, np.ndarray) else None
        return g * (1 - w), g * w, gw

    def backward_ops(self, g):
        a, b, w = (self.saved_input(i, x) for i, x in enumerate((self.a, self.b, self.w)))
        gw = g * (b - a) if isinstance(self.w, np.ndarray) else None
        return g * (1 - w), g * w, gw


@holomorphic
@_guard
class Addcmul(Op):
    name = "AddcmulBackward0"
    promote = SAME
    saves = (1, 2)

    def forward(self, a, t1, t2, value=1):
        self.t1, self.t2, self.v = t1, t2, value
        p = t1 * t2
        return a + (p * value if value != 1 else p)

    def backward(self, g):
        v = self.v
        gv = g * v if v != 1 else g
        return g, gv * self.t2, gv * self.t1

    def backward_ops(self, g):
        gv = g * self.v if self.v != 1 else g
        return g, gv * self.saved_input(2, self.t2), gv * self.saved_input(1, self.t1)


@holomorphic
@_guard
class Addcdiv(Op):
    name = "AddcdivBackward0"
    promote = SAME
    saves = (1, 2)

    def forward(self, a, t1, t2, value=1):
        if np.asarray(t1).dtype.kind in "iub" and np.asarray(t2).dtype.kind in "iub":
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future release "
                "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        self.t1, self.t2, self.v = t1, t2, value
        q = t1 / t2
        return a + (q * value if value != 1 else q)

    def backward(self, g):
        v, t2 = self.v, self.t2
        gv = g * v if v != 1 else g
        gq = gv / t2
        return g, gq, -gq * self.t1 / t2

    def backward_ops(self, g):
        t1, t2 = self.saved_input(1, self.t1), self.saved_input(2, self.t2)
        gq = (g * self.v if self.v != 1 else g) / t2
        return g, gq, -gq * t1 / t2


@_guard
class Clamp(Op):
    name = "ClampBackward1"
    promote = SAME
    saves = (0, 1, 2)

    def forward(self, a, lo=None, hi=None):
        self.a, self.lo, self.hi = a, lo, hi
        out = a
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        if out is a:
            out = a.copy()
        return out

    def backward(self, g):
        a, lo, hi = self.a, self.lo, self.hi
        m = None
        if lo is not None:
            m = a >= lo
        if hi is not None:
            m = (a <= hi) if m is None else (m & (a <= hi))
        ga = np.where(m, g, 0)
        glo = ghi = None
        if isinstance(lo, np.ndarray):
            ml = a < lo
            if hi is not None:
                ml = ml & (lo <= hi)
            glo = np.where(ml, g, 0)
        if isinstance(hi, np.ndarray):
            mh = a > hi
            if lo is not None:
                mh = mh | (lo > hi)
            ghi = np.where(mh, g, 0)
        return ga, glo, ghi

    def backward_ops(self, g):
        a, lo, hi = self.a, self.lo, self.hi
        m = True
        if lo is not None:
            m = m & (a >= lo)
        if hi is not None:
            m = m & (a <= hi)
        ga = g.where(_wrap(np.asarray(m)), 0.0)
        glo = ghi = None
        if isinstance(lo, np.ndarray):
            glo = g.where(_wrap((a < lo) & (lo <= hi) if hi is not None else a < lo), 0.0)
        if isinstance(hi, np.ndarray):
            ghi = g.where(_wrap((a > hi) | (lo > hi) if lo is not None else a > hi), 0.0)
        return ga, glo, ghi


@tensor_method()
def lerp(input, end, weight, *, out=None) -> Tensor:
    """Linear interpolation: ``input + weight * (end - input)``.

    Example:
        >>> torch.lerp(torch.zeros(3), torch.tensor([10., 10., 10.]), 0.25)
        tensor([2.5000, 2.5000, 2.5000])
    """
    _lerp_kernel(input, weight)
    return _out(apply(Lerp, input, end, weight), out)


@tensor_method()
def addcmul(input, tensor1, tensor2, *args, value=1, out=None) -> Tensor:
    """``input + value * tensor1 * tensor2``, elementwise.

    Example:
        >>> torch.addcmul(torch.ones(2), torch.tensor([2., 3.]), torch.tensor([4., 5.]), value=0.5)
        tensor([5.0000, 8.5000])
    """
    if args:
        (tensor1, tensor2), value = scalar_first("addcmul", tensor1, (tensor2,) + args, "value", 2)
    return _out(apply(Addcmul, input, tensor1, tensor2, value=value), out)


@tensor_method()
def addcdiv(input, tensor1, tensor2, *args, value=1, out=None) -> Tensor:
    """``input + value * tensor1 / tensor2``, elementwise.

    Example:
        >>> torch.addcdiv(torch.ones(2), torch.tensor([2., 3.]), torch.tensor([4., 5.]), value=2)
        tensor([2.0000, 2.2000])
    """
    if args:
        (tensor1, tensor2), value = scalar_first("addcdiv", tensor1, (tensor2,) + args, "value", 2)
    return _out(apply(Addcdiv, input, tensor1, tensor2, value=value), out)


def _clamp_args(min, max, fname="clamp"):
    if min is None and max is None:
        raise RuntimeError(f"torch.{fname}: At least one of 'min' or 'max' must not be None")


@tensor_method()
def clamp(input, min=None, max=None, *, out=None) -> Tensor:
    """Limit ``input`` to ``[min, max]`` (numbers or tensors; either may be None).

    Example:
        >>> torch.clamp(torch.tensor([-2., 0.5, 3.]), min=-1, max=1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    _clamp_args(min, max)
    return _out(apply(Clamp, input, min, max), out)


@tensor_method()
def clamp_min(input, min, *, out=None) -> Tensor:
    """``max(input, min)``: clamps from below.

    Example:
        >>> torch.clamp_min(torch.tensor([-1., 0.5, 2.]), 0.)
        tensor([0.0000, 0.5000, 2.0000])
    """
    return _out(apply(Clamp, input, min, None), out)


@tensor_method()
def clamp_max(input, max, *, out=None) -> Tensor:
    """``min(input, max)``: clamps from above.

    Example:
        >>> torch.clamp_max(torch.tensor([-1., 0.5, 2.]), 1.)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _out(apply(Clamp, input, None, max), out)


clip = tensor_method("clip")(clamp)


@tensor_method()
def lerp_(self, end, weight) -> Tensor:
    """In-place ``lerp``: ``self += weight * (end - self)``.

    Example:
        >>> torch.zeros(2).lerp_(torch.tensor([4., 8.]), 0.5)
        tensor([2., 4.])
    """
    _lerp_kernel(self, weight)
    return _inplace(Lerp, self, end, weight)


@tensor_method()
def addcmul_(self, tensor1, tensor2, *args, value=1) -> Tensor:
    """In-place ``addcmul``: ``self += value * tensor1 * tensor2``.

    Example:
        >>> torch.ones(2).addcmul_(torch.tensor([2., 3.]), torch.tensor([4., 5.]))
        tensor([ 9., 16.])
    """
    if args:
        (tensor1, tensor2), value = scalar_first("addcmul_", tensor1, (tensor2,) + args, "value", 2)
    return _inplace(Addcmul, self, tensor1, tensor2, value=value)


@tensor_method()
def addcdiv_(self, tensor1, tensor2, *args, value=1) -> Tensor:
    """In-place ``addcdiv``: ``self += value * tensor1 / tensor2``.

    Example:
        >>> torch.ones(2).addcdiv_(torch.tensor([2., 3.]), torch.tensor([4., 5.]))
        tensor([1.5000, 1.6000])
    """
    if args:
        (tensor1, tensor2), value = scalar_first("addcdiv_", tensor1, (tensor2,) + args, "value", 2)
    return _inplace(Addcdiv, self, tensor1, tensor2, value=value)


@tensor_method()
def clamp_(self, min=None, max=None) -> Tensor:
    """In-place ``clamp`` into ``[min, max]`` (``clip_`` is an alias).

    Example:
        >>> torch.tensor([-2., 0.5, 3.]).clamp_(-1, 1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    _clamp_args(min, max, "clamp_")
    return _inplace(Clamp, self, min, max)


@tensor_method()
def clamp_min_(self, min) -> Tensor:
    """In-place ``clamp_min``.

    Example:
        >>> torch.tensor([-2., 0.5]).clamp_min_(0)
        tensor([0.0000, 0.5000])
    """
    return _inplace(Clamp, self, min, None)


@tensor_method()
def clamp_max_(self, max) -> Tensor:
    """In-place ``clamp_max``.

    Example:
        >>> torch.tensor([-2., 0.5]).clamp_max_(0)
        tensor([-2.,  0.])
    """
    return _inplace(Clamp, self, None, max)


clip_ = tensor_method("clip_")(clamp_)
