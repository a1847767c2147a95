"""Comparisons, predicates, logical and bitwise ops (bool or integer results, never
differentiable), gcd and lcm."""

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ._apply import Op, SAME, _arrays, _type_name
from ._pointwise import _broadcast_error, _nograd, _not_impl, _out

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
           "not_equal", "equal", "allclose", "isclose", "isnan", "isinf", "isfinite", "isposinf",
           "isneginf", "isreal", "signbit", "logical_and", "logical_or", "logical_xor",
           "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
           "bitwise_left_shift", "bitwise_right_shift", "gcd", "gcd_", "lcm", "lcm_"]


def _cmp_arg(x, fname):
    if x is None or not isinstance(x, (Tensor, int, float, bool, complex, np.generic)):
        raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                        f"(Tensor, {type(x).__name__})")


class _Cmp(Op):
    promote = SAME

    def forward(self, a, b):
        try:
            return self.f(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


def _cmp_class(ufunc, nm):
    return type(nm, (_Cmp,), {"f": staticmethod(ufunc)})


_Eq, _Ne, _Lt, _Le, _Gt, _Ge = (_cmp_class(u, n) for u, n in (
    (np.equal, "Eq"), (np.not_equal, "Ne"), (np.less, "Lt"), (np.less_equal, "Le"),
    (np.greater, "Gt"), (np.greater_equal, "Ge")))


def _cmp_fn(cls, fname):
    def fn(input, other, *, out=None):
        _cmp_arg(other, fname)
        if not isinstance(input, Tensor):
            raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(input).__name__}")
        return _out(_nograd(cls, input, other), out)

    def fn_(self, other):
        self._data[...] = _nograd(cls, self, other)._data
        self._bump()
        return self

    def op(self, other):
        if other is None or not isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
            return NotImplemented
        return _nograd(cls, self, other)
    fn.__name__ = fname
    return fn, fn_, op


eq, eq_, _op_eq = _cmp_fn(_Eq, "eq")
ne, ne_, _op_ne = _cmp_fn(_Ne, "ne")
lt, lt_, _op_lt = _cmp_fn(_Lt, "lt")
le, le_, _op_le = _cmp_fn(_Le, "le")
gt, gt_, _op_gt = _cmp_fn(_Gt, "gt")
ge, ge_, _op_ge = _cmp_fn(_Ge, "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input, other):
    """True when both tensors have the same shape and elements."""
    a, b = input._data, other._data
    return a.shape == b.shape and bool(np.array_equal(a, b))


class _IsClose(Op):
    promote = SAME

    def forward(self, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        try:
            return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise _broadcast_error(a, b) from None


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype} did not match {other.dtype}")
    return _nograd(_IsClose, input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def _pred(f_float, int_value):
    def fn(input):
        a = input._data
        if a.dtype.kind in "fc":
            return _wrap(f_float(a))
        return _wrap(np.full(a.shape, int_value, dtype=np.bool_))
    return fn


isnan = _pred(np.isnan, False)
isinf = _pred(np.isinf, False)
isfinite = _pred(np.isfinite, True)
isposinf = _pred(np.isposinf, False)
isneginf = _pred(np.isneginf, False)


def isreal(input):
    a = input._data
    if a.dtype.kind == "c":
        return _wrap(a.imag == 0)
    return _wrap(np.ones(a.shape, dtype=np.bool_))


def signbit(input):
    a = input._data
    return _wrap(np.signbit(a) if a.dtype.kind != "b" else np.zeros(a.shape, np.bool_))


# ---- logical and bitwise --------------------------------------------------------------

class _Logical(Op):
    promote = None

    def forward(self, a, b):
        try:
            return self.f(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


class _Bitwise(Op):
    promote = SAME
    kinds = "iub"   # the dtype kinds the kernel takes

    def forward(self, a, b):
        for x in (a, b):
            if isinstance(x, np.ndarray) and x.dtype.kind not in self.kinds:
                _not_impl(x, self.kernel)
            if isinstance(x, float):
                _not_impl(np.zeros(0, np.float32), self.kernel)
        try:
            return self.f(a, b)
        except ValueError:
            raise _broadcast_error(a, b) from None


_LAnd, _LOr, _LXor = (type(n, (_Logical,), {"f": staticmethod(u)}) for n, u in (
    ("LogicalAnd", np.logical_and), ("LogicalOr", np.logical_or), ("LogicalXor", np.logical_xor)))
_BAnd, _BOr, _BXor, _BShl, _BShr = (
    type(n, (_Bitwise,), {"f": staticmethod(u), "kernel": k}) for n, u, k in (
        ("BitwiseAnd", np.bitwise_and, "bitwise_and_cpu"),
        ("BitwiseOr", np.bitwise_or, "bitwise_or_cpu"),
        ("BitwiseXor", np.bitwise_xor, "bitwise_xor_cpu"),
        ("LShift", np.left_shift, "lshift_cpu"),
        ("RShift", np.right_shift, "rshift_cpu")))


def _binfn(cls):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            return _out(_rbin(cls, other, input), out)
        return _out(_nograd(cls, input, other), out)

    def fn_(self, other):
        r = _nograd(cls, self, other)._data
        if not D.can_cast(D.from_np[r.dtype], D.from_np[self._data.dtype]):
            raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired "
                               f"output type {_type_name(self._data.dtype)}")
        self._data[...] = r
        self._bump()
        return self

    def op(self, other):
        if not isinstance(other, (Tensor, int, float, bool, np.generic)):
            return NotImplemented
        return _nograd(cls, self, other)

    def rop(self, other):
        if not isinstance(other, (int, float, bool, np.generic)):
            return NotImplemented
        return _rbin(cls, self, other)

    def iop(self, other):
        return fn_(self, other)
    return fn, fn_, op, rop, iop


def _rbin(cls, tensor, number):
    """``number <op> tensor``: promote as PyTorch, then swap the operands."""
    op = cls.__new__(cls)
    t, n = _arrays((tensor, number), cls.promote)
    return _wrap(op.forward(n, t))


logical_and, logical_and_, _op_land, _rop_land, _ = _binfn(_LAnd)
logical_or, logical_or_, _, _, _ = _binfn(_LOr)
logical_xor, logical_xor_, _, _, _ = _binfn(_LXor)
bitwise_and, bitwise_and_, _op_and, _rop_and, _iop_and = _binfn(_BAnd)
bitwise_or, bitwise_or_, _op_or, _rop_or, _iop_or = _binfn(_BOr)
bitwise_xor, bitwise_xor_, _op_xor, _rop_xor, _iop_xor = _binfn(_BXor)
bitwise_left_shift, bitwise_left_shift_, _op_shl, _rop_shl, _iop_shl = _binfn(_BShl)
bitwise_right_shift, bitwise_right_shift_, _op_shr, _rop_shr, _iop_shr = _binfn(_BShr)


def logical_not(input, *, out=None):
    return _out(_wrap(np.logical_not(input._data)), out)


def logical_not_(self):
    self._data[...] = np.logical_not(self._data)
    self._bump()
    return self


def bitwise_not(input, *, out=None):
    a = input._data
    if a.dtype.kind not in "iub":
        _not_impl(a, "bitwise_not_cpu")
    return _out(_wrap(np.invert(a)), out)


def bitwise_not_(self):
    self._data[...] = bitwise_not(self)._data
    self._bump()
    return self


def _invert(self):
    if self._data.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(self._data))


# gcd / lcm: the bitwise ops' checks with integer dtypes only (never differentiable)
_Gcd = type("Gcd", (_Bitwise,), {"f": staticmethod(np.gcd), "kernel": "gcd_cpu", "kinds": "iu"})
_Lcm = type("Lcm", (_Bitwise,), {"f": staticmethod(np.lcm), "kernel": "lcm_cpu", "kinds": "iu"})


def _int_inplace(self, result):
    """Write a non-differentiable ``result`` into ``self`` (PyTorch's cast rule and version bump)."""
    r = result._data
    if not D.can_cast(D.from_np[r.dtype], D.from_np[self._data.dtype]):
        raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired "
                           f"output type {_type_name(self._data.dtype)}")
    self._data[...] = r
    self._bump()
    return self


def gcd(input, other, *, out=None):
    return _out(_nograd(_Gcd, input, other), out)


def lcm(input, other, *, out=None):
    return _out(_nograd(_Lcm, input, other), out)


def gcd_(self, other):
    return _int_inplace(self, gcd(self, other))


def lcm_(self, other):
    return _int_inplace(self, lcm(self, other))


# ---- Tensor methods ----------------------------------------------------------------

Tensor.eq = eq
Tensor.ne = ne
Tensor.lt = lt
Tensor.le = le
Tensor.gt = gt
Tensor.ge = ge
Tensor.eq_ = eq_
Tensor.ne_ = Tensor.not_equal_ = ne_
Tensor.lt_ = Tensor.less_ = lt_
Tensor.le_ = Tensor.less_equal_ = le_
Tensor.gt_ = Tensor.greater_ = gt_
Tensor.ge_ = Tensor.greater_equal_ = ge_
Tensor.greater = greater
Tensor.greater_equal = greater_equal
Tensor.less = less
Tensor.less_equal = less_equal
Tensor.not_equal = not_equal
Tensor.equal = equal
Tensor.allclose = allclose
Tensor.isclose = isclose
Tensor.isnan = isnan
Tensor.isinf = isinf
Tensor.isfinite = isfinite
Tensor.isposinf = isposinf
Tensor.isneginf = isneginf
Tensor.isreal = isreal
Tensor.signbit = signbit
Tensor.logical_and = logical_and
Tensor.logical_and_ = logical_and_
Tensor.logical_or = logical_or
Tensor.logical_or_ = logical_or_
Tensor.logical_xor = logical_xor
Tensor.logical_xor_ = logical_xor_
Tensor.logical_not = logical_not
Tensor.logical_not_ = logical_not_
Tensor.bitwise_and = bitwise_and
Tensor.bitwise_and_ = bitwise_and_
Tensor.bitwise_or = bitwise_or
Tensor.bitwise_or_ = bitwise_or_
Tensor.bitwise_xor = bitwise_xor
Tensor.bitwise_xor_ = bitwise_xor_
Tensor.bitwise_not = bitwise_not
Tensor.bitwise_not_ = bitwise_not_
Tensor.bitwise_left_shift = bitwise_left_shift
Tensor.bitwise_left_shift_ = bitwise_left_shift_
Tensor.bitwise_right_shift = bitwise_right_shift
Tensor.bitwise_right_shift_ = bitwise_right_shift_
Tensor.gcd = gcd
Tensor.gcd_ = gcd_
Tensor.lcm = lcm
Tensor.lcm_ = lcm_
Tensor.__invert__ = _invert
Tensor.__eq__ = _op_eq
Tensor.__hash__ = object.__hash__
Tensor.__ne__ = _op_ne
Tensor.__lt__ = _op_lt
Tensor.__le__ = _op_le
Tensor.__gt__ = _op_gt
Tensor.__ge__ = _op_ge
Tensor.__and__ = _op_and
Tensor.__rand__ = _rop_and
Tensor.__iand__ = _iop_and
Tensor.__or__ = _op_or
Tensor.__ror__ = _rop_or
Tensor.__ior__ = _iop_or
Tensor.__xor__ = _op_xor
Tensor.__rxor__ = _rop_xor
Tensor.__ixor__ = _iop_xor
Tensor.__lshift__ = _op_shl
Tensor.__rlshift__ = _rop_shl
Tensor.__ilshift__ = _iop_shl
Tensor.__rshift__ = _op_shr
Tensor.__rrshift__ = _rop_shr
Tensor.__irshift__ = _iop_shr
