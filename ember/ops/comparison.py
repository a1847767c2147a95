"""Comparisons, predicates, logical and bitwise ops (bool or integer results, never
differentiable), gcd and lcm."""

from __future__ import annotations

from numbers import Number

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import SAME, Op, _arrays, _type_name
from ._pointwise import _broadcast_error, _named, _not_impl, _out

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
           "not_equal", "equal", "allclose", "isclose", "isnan", "isinf", "isfinite", "isposinf",
           "isneginf", "isreal", "signbit", "logical_and", "logical_or", "logical_xor",
           "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
           "bitwise_left_shift", "bitwise_right_shift", "gcd", "gcd_", "lcm", "lcm_"]


def _nograd(cls, *inputs, **kw):
    """Run a non-differentiable op: no graph node, result never requires grad."""
    op = cls.__new__(cls)
    return _wrap(op.forward(*_arrays(inputs, cls.promote, cls), **kw))


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
    return type(nm, (_Cmp,), {"f": staticmethod(ufunc), "unsigned": nm in ("Eq", "Ne"),
                              "kernel": nm.lower() + "_cpu"})   # PyTorch's, named for uint16/32/64


_Eq, _Ne, _Lt, _Le, _Gt, _Ge = (_cmp_class(u, n) for u, n in (
    (np.equal, "Eq"), (np.not_equal, "Ne"), (np.less, "Lt"), (np.less_equal, "Le"),
    (np.greater, "Gt"), (np.greater_equal, "Ge")))


def _cmp_fn(cls, fname):
    def fn(input: Tensor, other: Tensor | Number, *, out: Tensor | None = None) -> Tensor:
        _cmp_arg(other, fname)
        if not isinstance(input, Tensor):
            raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(input).__name__}")
        return _out(_nograd(cls, input, other), out)

    def fn_(self: Tensor, other: Tensor | Number) -> Tensor:
        self._data[...] = _nograd(cls, self, other)._data
        self._bump()
        return self

    def op(self, other) -> Tensor:
        if other is None or not isinstance(other, (Tensor, int, float, bool, complex, np.generic)):
            return NotImplemented
        return _nograd(cls, self, other)
    fn.__name__ = fname
    return fn, fn_, op


eq, eq_, _op_eq = _cmp_fn(_Eq, "eq")
tensor_method("eq")(eq)
tensor_method("eq_")(eq_)
tensor_method("__eq__")(_op_eq)
ne, ne_, _op_ne = _cmp_fn(_Ne, "ne")
tensor_method("ne")(ne)
tensor_method("ne_", "not_equal_")(ne_)
tensor_method("__ne__")(_op_ne)
lt, lt_, _op_lt = _cmp_fn(_Lt, "lt")
tensor_method("lt")(lt)
tensor_method("lt_", "less_")(lt_)
tensor_method("__lt__")(_op_lt)
le, le_, _op_le = _cmp_fn(_Le, "le")
tensor_method("le")(le)
tensor_method("le_", "less_equal_")(le_)
tensor_method("__le__")(_op_le)
gt, gt_, _op_gt = _cmp_fn(_Gt, "gt")
tensor_method("gt")(gt)
tensor_method("gt_", "greater_")(gt_)
tensor_method("__gt__")(_op_gt)
ge, ge_, _op_ge = _cmp_fn(_Ge, "ge")
tensor_method("ge")(ge)
tensor_method("ge_", "greater_equal_")(ge_)
tensor_method("__ge__")(_op_ge)
greater = tensor_method("greater")(gt)
greater_equal = tensor_method("greater_equal")(ge)
less = tensor_method("less")(lt)
less_equal = tensor_method("less_equal")(le)
not_equal = tensor_method("not_equal")(ne)


@tensor_method()
def equal(input, other):
    """True when both tensors have the same shape and elements.

    Example:
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
        True
        >>> torch.equal(torch.tensor([1]), torch.tensor([1, 1]))
        False
    """
    a, b = input._data, other._data
    return a.shape == b.shape and bool(np.array_equal(a, b))


class _IsClose(Op):
    promote = SAME
    unsigned = True

    def forward(self, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        try:
            return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise _broadcast_error(a, b) from None


@tensor_method()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|``.

    Example:
        >>> torch.isclose(torch.tensor([1., 2.]), torch.tensor([1., 2.1]))
        tensor([ True, False])
    """
    if isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype} did not match {other.dtype}")
    return _nograd(_IsClose, input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


@tensor_method()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``isclose`` holds for every element (a Python bool).

    Example:
        >>> torch.allclose(torch.tensor([1., 2.]), torch.tensor([1., 2. + 1e-6]))
        True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def _pred(f_float, int_value):
    def fn(input: Tensor) -> Tensor:
        a = input._data
        if a.dtype.kind in "fc":
            return _wrap(f_float(a))
        return _wrap(np.full(a.shape, int_value, dtype=np.bool_))
    return fn


isnan = _pred(np.isnan, False)
tensor_method("isnan")(isnan)
isinf = _pred(np.isinf, False)
tensor_method("isinf")(isinf)
isfinite = _pred(np.isfinite, True)
tensor_method("isfinite")(isfinite)
_isposinf, _isneginf = _pred(np.isposinf, False), _pred(np.isneginf, False)


@tensor_method()
def isposinf(input, *, out=None) -> Tensor:
    """Tests each element for positive infinity.

    Example:
        >>> torch.isposinf(torch.tensor([-float("inf"), 1., float("inf")]))
        tensor([False, False,  True])
    """
    return _isposinf(input)


@tensor_method()
def isneginf(input, *, out=None) -> Tensor:
    """Tests each element for negative infinity.

    Example:
        >>> torch.isneginf(torch.tensor([-float("inf"), 1., float("inf")]))
        tensor([ True, False, False])
    """
    return _isneginf(input)


@tensor_method()
def isreal(input) -> Tensor:
    """Tests each element for a zero imaginary part (always True for real dtypes).

    Example:
        >>> torch.isreal(torch.tensor([1 + 0j, 1 + 1j]))
        tensor([ True, False])
    """
    a = input._data
    if a.dtype.kind == "c":
        return _wrap(a.imag == 0)
    return _wrap(np.ones(a.shape, dtype=np.bool_))


@tensor_method()
def signbit(input, *, out=None) -> Tensor:
    """Tests each element's sign bit (True for negative numbers and ``-0.0``).

    Example:
        >>> torch.signbit(torch.tensor([-1., -0., 0., 2.]))
        tensor([ True,  True, False, False])
    """
    a = input._data
    return _wrap(np.signbit(a) if a.dtype.kind != "b" else np.zeros(a.shape, np.bool_))


# ---- logical and bitwise --------------------------------------------------------------

class _Logical(Op):
    promote = None
    unsigned = False

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


_LAnd, _LOr, _LXor = (type(n, (_Logical,), {"f": staticmethod(u), "kernel": f"logical_{n[7:].lower()}_cpu"})
                      for n, u in (
    ("LogicalAnd", np.logical_and), ("LogicalOr", np.logical_or), ("LogicalXor", np.logical_xor)))
_BAnd, _BOr, _BXor, _BShl, _BShr = (
    type(n, (_Bitwise,), {"f": staticmethod(u), "kernel": k, "unsigned": "Shift" not in n}) for n, u, k in (
        ("BitwiseAnd", np.bitwise_and, "bitwise_and_cpu"),
        ("BitwiseOr", np.bitwise_or, "bitwise_or_cpu"),
        ("BitwiseXor", np.bitwise_xor, "bitwise_xor_cpu"),
        ("LShift", np.left_shift, "lshift_cpu"),
        ("RShift", np.right_shift, "rshift_cpu")))


def _binfn(cls):
    def fn(input: Tensor, other: Tensor | Number, *, out: Tensor | None = None) -> Tensor:
        if not isinstance(input, Tensor):
            return _out(_rbin(cls, other, input), out)
        return _out(_nograd(cls, input, other), out)

    def fn_(self: Tensor, other: Tensor | Number) -> Tensor:
        r = _nograd(cls, self, other)._data
        if not D.can_cast(D.from_np[r.dtype], D.from_np[self._data.dtype]):
            raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired "
                               f"output type {_type_name(self._data.dtype)}")
        self._data[...] = r
        self._bump()
        return self

    def op(self, other) -> Tensor:
        if not isinstance(other, (Tensor, int, float, bool, np.generic)):
            return NotImplemented
        return _nograd(cls, self, other)

    def rop(self, other) -> Tensor:
        if not isinstance(other, (int, float, bool, np.generic)):
            return NotImplemented
        return _rbin(cls, self, other)

    def iop(self, other) -> Tensor:
        return fn_(self, other)
    return fn, fn_, op, rop, iop


def _rbin(cls, tensor, number):
    """``number <op> tensor``: promote as PyTorch, then swap the operands."""
    op = cls.__new__(cls)
    t, n = _arrays((tensor, number), cls.promote, cls)
    return _wrap(op.forward(n, t))


logical_and, logical_and_, _op_land, _rop_land, _ = _binfn(_LAnd)
tensor_method("logical_and")(logical_and)
tensor_method("logical_and_")(logical_and_)
logical_or, logical_or_, _, _, _ = _binfn(_LOr)
tensor_method("logical_or")(logical_or)
tensor_method("logical_or_")(logical_or_)
logical_xor, logical_xor_, _, _, _ = _binfn(_LXor)
tensor_method("logical_xor")(logical_xor)
tensor_method("logical_xor_")(logical_xor_)
bitwise_and, bitwise_and_, _op_and, _rop_and, _iop_and = _binfn(_BAnd)
tensor_method("bitwise_and")(bitwise_and)
tensor_method("bitwise_and_")(bitwise_and_)
tensor_method("__and__")(_op_and)
tensor_method("__rand__")(_rop_and)
tensor_method("__iand__")(_iop_and)
bitwise_or, bitwise_or_, _op_or, _rop_or, _iop_or = _binfn(_BOr)
tensor_method("bitwise_or")(bitwise_or)
tensor_method("bitwise_or_")(bitwise_or_)
tensor_method("__or__")(_op_or)
tensor_method("__ror__")(_rop_or)
tensor_method("__ior__")(_iop_or)
bitwise_xor, bitwise_xor_, _op_xor, _rop_xor, _iop_xor = _binfn(_BXor)
tensor_method("bitwise_xor")(bitwise_xor)
tensor_method("bitwise_xor_")(bitwise_xor_)
tensor_method("__xor__")(_op_xor)
tensor_method("__rxor__")(_rop_xor)
tensor_method("__ixor__")(_iop_xor)
bitwise_left_shift, bitwise_left_shift_, _op_shl, _rop_shl, _iop_shl = _binfn(_BShl)
tensor_method("bitwise_left_shift")(bitwise_left_shift)
tensor_method("bitwise_left_shift_")(bitwise_left_shift_)
tensor_method("__lshift__")(_op_shl)
tensor_method("__rlshift__")(_rop_shl)
tensor_method("__ilshift__")(_iop_shl)
bitwise_right_shift, bitwise_right_shift_, _op_shr, _rop_shr, _iop_shr = _binfn(_BShr)
tensor_method("bitwise_right_shift")(bitwise_right_shift)
tensor_method("bitwise_right_shift_")(bitwise_right_shift_)
tensor_method("__rshift__")(_op_shr)
tensor_method("__rrshift__")(_rop_shr)
tensor_method("__irshift__")(_iop_shr)


@tensor_method()
def logical_not(input, *, out=None) -> Tensor:
    """Elementwise logical NOT (nonzero is True); the result is bool.

    Example:
        >>> torch.logical_not(torch.tensor([0, 1, 2]))
        tensor([ True, False, False])
    """
    D.refuse_unsigned(input, "logical_not_cpu")
    return _out(_wrap(np.logical_not(input._data)), out)


@tensor_method()
def logical_not_(self) -> Tensor:
    """In-place ``logical_not`` in ``self``'s dtype.

    Example:
        >>> torch.tensor([0., 2.]).logical_not_()
        tensor([1., 0.])
    """
    D.refuse_unsigned(self, "logical_not_cpu")
    self._data[...] = np.logical_not(self._data)
    self._bump()
    return self


@tensor_method()
def bitwise_not(input, *, out=None) -> Tensor:
    """Elementwise bitwise NOT (logical NOT for bool tensors).

    Example:
        >>> torch.bitwise_not(torch.tensor([0, 5, -1]))
        tensor([-1, -6,  0])
    """
    a = input._data
    if a.dtype.kind not in "iub" or a.dtype in D._BAREBONES_NP:
        _not_impl(a, "bitwise_not_cpu")
    return _out(_wrap(np.invert(a)), out)


@tensor_method()
def bitwise_not_(self) -> Tensor:
    """In-place ``bitwise_not``.

    Example:
        >>> torch.tensor([0, 5]).bitwise_not_()
        tensor([-1, -6])
    """
    self._data[...] = bitwise_not(self)._data
    self._bump()
    return self


@tensor_method("__invert__")
def _invert(self) -> Tensor:
    if self._data.dtype.kind not in "iub":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    D.refuse_unsigned(self, "bitwise_not_cpu")
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


@tensor_method()
def gcd(input, other, *, out=None) -> Tensor:
    """Elementwise greatest common divisor of integer tensors.

    Example:
        >>> torch.gcd(torch.tensor([12, 7, 0]), torch.tensor([18, 3, 5]))
        tensor([6, 1, 5])
    """
    return _out(_nograd(_Gcd, input, other), out)


@tensor_method()
def lcm(input, other, *, out=None) -> Tensor:
    """Elementwise least common multiple of integer tensors.

    Example:
        >>> torch.lcm(torch.tensor([4, 3]), torch.tensor([6, 5]))
        tensor([12, 15])
    """
    return _out(_nograd(_Lcm, input, other), out)


@tensor_method()
def gcd_(self, other) -> Tensor:
    """In-place ``gcd``.

    Example:
        >>> torch.tensor([12, 7]).gcd_(torch.tensor([18, 3]))
        tensor([6, 1])
    """
    return _int_inplace(self, gcd(self, other))


@tensor_method()
def lcm_(self, other) -> Tensor:
    """In-place ``lcm``.

    Example:
        >>> torch.tensor([4, 3]).lcm_(torch.tensor([6, 5]))
        tensor([12, 15])
    """
    return _int_inplace(self, lcm(self, other))


tensor_method("__hash__")(object.__hash__)


# ---- docstrings of the functions made by the factories above ------------------------------

_named(eq, "eq", """Elementwise ``input == other``, as a bool tensor (broadcasting).

    Example:
        >>> torch.eq(torch.tensor([1, 2, 3]), 2)
        tensor([False,  True, False])
    """)
_named(ne, "ne", """Elementwise ``input != other``, as a bool tensor (``not_equal`` is an alias).

    Example:
        >>> torch.ne(torch.tensor([1, 2, 3]), 2)
        tensor([ True, False,  True])
    """)
_named(lt, "lt", """Elementwise ``input < other``, as a bool tensor (``less`` is an alias).

    Example:
        >>> torch.lt(torch.tensor([1, 2, 3]), 2)
        tensor([ True, False, False])
    """)
_named(le, "le", """Elementwise ``input <= other``, as a bool tensor (``less_equal`` is an alias).

    Example:
        >>> torch.le(torch.tensor([1, 2, 3]), 2)
        tensor([ True,  True, False])
    """)
_named(gt, "gt", """Elementwise ``input > other``, as a bool tensor (``greater`` is an alias).

    Example:
        >>> torch.gt(torch.tensor([1, 2, 3]), 2)
        tensor([False, False,  True])
    """)
_named(ge, "ge", """Elementwise ``input >= other``, as a bool tensor (``greater_equal`` is an alias).

    Example:
        >>> torch.ge(torch.tensor([1, 2, 3]), 2)
        tensor([False,  True,  True])
    """)
_named(isnan, "isnan", """Tests each element for NaN.

    Example:
        >>> torch.isnan(torch.tensor([1., float("nan")]))
        tensor([False,  True])
    """)
_named(isinf, "isinf", """Tests each element for positive or negative infinity.

    Example:
        >>> torch.isinf(torch.tensor([1., float("-inf")]))
        tensor([False,  True])
    """)
_named(isfinite, "isfinite", """Tests each element for being finite (not infinite and not NaN).

    Example:
        >>> torch.isfinite(torch.tensor([1., float("inf"), float("nan")]))
        tensor([ True, False, False])
    """)
_named(logical_and, "logical_and", """Elementwise logical AND (nonzero is True), as a bool tensor.

    Example:
        >>> torch.logical_and(torch.tensor([1, 0, 2]), torch.tensor([1, 1, 0]))
        tensor([ True, False, False])
    """)
_named(logical_or, "logical_or", """Elementwise logical OR (nonzero is True), as a bool tensor.

    Example:
        >>> torch.logical_or(torch.tensor([1, 0, 0]), torch.tensor([0, 0, 3]))
        tensor([ True, False,  True])
    """)
_named(logical_xor, "logical_xor", """Elementwise logical XOR (nonzero is True), as a bool tensor.

    Example:
        >>> torch.logical_xor(torch.tensor([1, 0, 2]), torch.tensor([1, 1, 0]))
        tensor([False,  True,  True])
    """)
_named(bitwise_and, "bitwise_and", """Elementwise bitwise AND of integer or bool tensors (the ``&`` operator).

    Example:
        >>> torch.bitwise_and(torch.tensor([12, 10]), torch.tensor([10, 3]))
        tensor([8, 2])
    """)
_named(bitwise_or, "bitwise_or", """Elementwise bitwise OR of integer or bool tensors (the ``|`` operator).

    Example:
        >>> torch.bitwise_or(torch.tensor([12, 10]), torch.tensor([10, 3]))
        tensor([14, 11])
    """)
_named(bitwise_xor, "bitwise_xor", """Elementwise bitwise XOR of integer or bool tensors (the ``^`` operator).

    Example:
        >>> torch.bitwise_xor(torch.tensor([12, 10]), torch.tensor([10, 3]))
        tensor([6, 9])
    """)
_named(bitwise_left_shift, "bitwise_left_shift", """``input << other``, elementwise on integers.

    Example:
        >>> torch.bitwise_left_shift(torch.tensor([1, 3]), 2)
        tensor([ 4, 12])
    """)
_named(bitwise_right_shift, "bitwise_right_shift", """``input >> other``, elementwise on integers (arithmetic shift).

    Example:
        >>> torch.bitwise_right_shift(torch.tensor([8, -8]), 2)
        tensor([ 2, -2])
    """)
for _n in ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and",
           "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"):
    _named(globals()[_n + "_"], _n + "_", f"In-place :func:`{_n}`, in ``self``'s dtype.")
del _n
