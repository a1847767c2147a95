"""Complex parts and constructors: real, imag, angle, conj, complex, polar, view_as_real,
view_as_complex, and the conjugate transpose ``adjoint``."""

from __future__ import annotations

import math as _math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method, tensor_property
from ._apply import FLOAT, Op, apply, apply_, linear_backward_ops
from ._pointwise import _broadcast_error, _c, _out, _zeros
from .shape import _mH

__all__ = ["real", "imag", "angle", "conj", "conj_physical", "conj_physical_", "resolve_conj",
           "resolve_neg", "polar", "view_as_real", "view_as_complex", "adjoint"]


# ---- complex parts -------------------------------------------------------------------

class Real(Op):
    name = "RealBackward0"
    view = True

    def forward(self, a):
        return a.real

    def backward(self, g):
        return g.astype(np.result_type(g.dtype, np.complex64))

    def backward_ops(self, g):
        return complex_(g, g.new_zeros(g.shape))


class Imag(Op):
    name = "ImagBackward0"
    view = True

    def forward(self, a):
        if a.dtype.kind != "c":
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return a.imag

    def backward(self, g):
        return g * 1j

    def backward_ops(self, g):
        return complex_(g.new_zeros(g.shape), g)


def _set_part(part, self, v):
    """``x.real = v`` / ``x.imag = v``: write ``v`` into that part of ``x``."""
    part(self).copy_(v if isinstance(v, Tensor) else _wrap(np.asarray(v)))


@tensor_property("real", lambda self, v: _set_part(real, self, v))
def real(input):
    """The real part of a complex tensor, as a view (real tensors: the tensor itself).

    Example:
        >>> torch.real(torch.tensor([1 + 2j, 3 - 1j]))
        tensor([1., 3.])
    """
    return input if input._data.dtype.kind != "c" else apply(Real, input)


@tensor_property("imag", lambda self, v: _set_part(imag, self, v))
def imag(input):
    """The imaginary part of a complex tensor, as a view (raises for real tensors).

    Example:
        >>> torch.imag(torch.tensor([1 + 2j, 3 - 1j]))
        tensor([ 2., -1.])
    """
    return apply(Imag, input)


class Angle(Op):
    name = "AngleBackward0"
    promote = FLOAT
    saves = (0,)

    def forward(self, a):
        self.a = a
        if a.dtype.kind == "c":
            return np.angle(a)
        return np.where(np.isnan(a), a, np.where(a < 0, _c(_math.pi, a), _c(0, a)))

    def backward(self, g):
        a = self.a
        if a.dtype.kind != "c":
            return _zeros(g)
        return g * (1j * a / (a * np.conj(a)))  # as PyTorch's angle_backward: grad * z / |z|^2 * i

    def backward_ops(self, g):
        if self.a.dtype.kind != "c":
            return g.new_zeros(g.shape)
        a = self.saved_input(0, self.a)
        return g * (a * 1j / (a * conj_physical(a)))


@tensor_method()
def angle(input, *, out=None) -> Tensor:
    """The argument of each element in radians (0 or pi for real tensors).

    Example:
        >>> torch.angle(torch.tensor([1j, -1 + 0j]))
        tensor([1.5708, 3.1416])
    """
    return _out(apply(Angle, input), out)


class ConjPhysical(Op):
    name = "ConjPhysicalBackward0"

    def forward(self, a):
        return np.conj(a) if a.dtype.kind == "c" else a.copy()

    def backward(self, g):
        return np.conj(g)

    def backward_ops(self, g):
        return conj_physical(g)


@tensor_method()
def conj(input) -> Tensor:
    """The complex conjugate (a copy: ember has no lazy conjugate bit); ``input`` if real.

    Example:
        >>> torch.conj(torch.tensor([1 + 2j, 3 - 1j]))
        tensor([1.-2.j, 3.+1.j])
    """
    return input if input._data.dtype.kind != "c" else apply(ConjPhysical, input)


@tensor_method()
def conj_physical(input, *, out=None) -> Tensor:
    """The complex conjugate, computed now (real tensors are returned as they are).

    Example:
        >>> torch.conj_physical(torch.tensor([1 + 2j]))
        tensor([1.-2.j])
    """
    return _out(apply(ConjPhysical, input), out)


@tensor_method()
def conj_physical_(self) -> Tensor:
    """In-place ``conj_physical``.

    Example:
        >>> torch.tensor([1 + 2j]).conj_physical_()
        tensor([1.-2.j])
    """
    return apply_(ConjPhysical, self)


@tensor_method()
def resolve_conj(input) -> Tensor:
    """A tensor with the conjugate bit resolved (ember conjugates eagerly: ``input``).

    Example:
        >>> torch.resolve_conj(torch.tensor([1 + 2j]).conj())
        tensor([1.-2.j])
    """
    return input


@tensor_method()
def resolve_neg(input) -> Tensor:
    """A tensor with the negative bit resolved (ember negates eagerly: ``input``).

    Example:
        >>> torch.resolve_neg(torch.tensor([1., 2.]))
        tensor([1., 2.])
    """
    return input


def _complex_parts(a, b):
    if not (a.is_floating_point() and b.is_floating_point()):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{D.scalar_type_name(a.dtype)} and {D.scalar_type_name(b.dtype)}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {D.scalar_type_name(a.dtype)} but got "
                           f"scalar type {D.scalar_type_name(b.dtype)} for second argument")


class Complex(Op):
    name = "ComplexBackward0"

    def forward(self, re, im):
        try:
            return re + im * np.array(1j, np.result_type(re.dtype, np.complex64))
        except ValueError:
            raise _broadcast_error(re, im) from None

    def backward(self, g):
        return np.real(g), np.imag(g)

    def backward_ops(self, g):
        return real(g), imag(g)


class Polar(Op):
    name = "PolarBackward0"

    def forward(self, r, th):
        self.r, self.th = r, th
        try:
            self.y = r * (np.cos(th) + 1j * np.sin(th)).astype(np.result_type(r.dtype, np.complex64))
        except ValueError:
            raise _broadcast_error(r, th) from None
        return self.y

    def backward(self, g):
        y = self.y
        gc = np.conj(g)
        with np.errstate(invalid="ignore", divide="ignore"):
            sg = np.where(y == 0, 0, y / np.abs(y))
        return np.real(gc * sg), np.real(gc * y * 1j)

    def backward_ops(self, g):
        r, th = self.saved_input(0, self.r), self.saved_input(1, self.th)
        e = complex_(th.cos(), th.sin())
        gc = conj_physical(g)
        return real(gc * e * r.sign()), real(gc * (r * e) * 1j)


def complex_(real, imag, *, out=None) -> Tensor:
    """``ember.complex`` (named ``complex_`` here so this module keeps the builtin).

    Example:
        >>> torch.complex(torch.tensor([1., 2.]), torch.tensor([3., -1.]))
        tensor([1.+3.j, 2.-1.j])
    """
    _complex_parts(real, imag)
    return _out(apply(Complex, real, imag), out)


def polar(abs, angle, *, out=None) -> Tensor:
    """The complex tensor ``abs * (cos(angle) + i sin(angle))``.

    Example:
        >>> torch.polar(torch.tensor([2.]), torch.tensor([0.]))
        tensor([2.+0.j])
    """
    _complex_parts(abs, angle)
    return _out(apply(Polar, abs, angle), out)


# ---- complex views and the conjugate transpose ------------------------------------------

def view_as_real(input) -> Tensor:
    """A complex tensor as a real one with a trailing dim of 2 (a view).

    Example:
        >>> torch.view_as_real(torch.tensor([1 + 2j]))
        tensor([[1., 2.]])
    """
    a = input._data
    if a.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(ViewAsReal, input)


class ViewAsReal(Op):
    name = "ViewAsRealBackward0"
    view = True

    def forward(self, a):
        r = a[..., None].view(np.float32 if a.dtype == np.complex64 else np.float64)
        return r

    def backward(self, g):
        return g[..., 0] + 1j * g[..., 1]

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.stack((u.real, u.imag), -1)


@tensor_method()
def adjoint(input) -> Tensor:
    """The conjugate transpose of the last two dimensions, as a view.

    Example:
        >>> torch.adjoint(torch.tensor([[1j, 2]]))
        tensor([[0.-1.j],
                [2.-0.j]])
    """
    return _mH(input)


class ViewAsComplex(Op):
    name = "ViewAsComplexBackward0"
    view = True

    def forward(self, a):
        return a.view(np.complex64 if a.dtype == np.float32 else np.complex128)[..., 0]

    def backward(self, g):
        return np.stack((g.real, g.imag), -1)

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return u[..., 0] + 1j * u[..., 1]


def view_as_complex(input) -> Tensor:
    """A float tensor with a trailing dim of 2 as a complex one (a view).

    Example:
        >>> torch.view_as_complex(torch.tensor([[1., 2.], [3., -4.]]))
        tensor([1.+2.j, 3.-4.j])
    """
    a = input._data
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but got "
                           f"a tensor of scalar type: {D.scalar_type_name(input.dtype)}")
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    return apply(ViewAsComplex, input)
