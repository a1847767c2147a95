"""In-place fillers: fill_, zero_, copy_, and the random fillers (normal_, uniform_, ...)."""

from __future__ import annotations

import numpy as np

from .. import _random
from .._tensor import Tensor, tensor_method
from ._apply import Op, apply_
from ._pointwise import _zeros

# ---- in-place fillers -----------------------------------------------------------------


class Fill(Op):
    name = "FillBackward0"

    def forward(self, a, value):
        if isinstance(value, np.ndarray):
            if value.ndim:
                raise RuntimeError(
                    f"fill_ only supports 0-dimension value tensor but got tensor with "
                    f"{value.ndim} dimensions.")
            self.tv = True
        return np.full(a.shape, value, dtype=a.dtype)

    def backward(self, g):
        return _zeros(g), (g.sum() if self.__dict__.get("tv") else None)


class Zero(Op):
    name = "ZeroBackward0"

    def forward(self, a):
        return np.zeros(a.shape, a.dtype)

    def backward(self, g):
        return _zeros(g)


class Copy(Op):
    name = "CopyBackwards"

    def forward(self, a, src):
        try:
            out = np.broadcast_to(src, a.shape)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({a.shape[-1] if a.ndim else 1}) must match the size of "
                f"tensor b ({np.shape(src)[-1] if np.ndim(src) else 1}): src of shape "
                f"{tuple(np.shape(src))} can't be copied into a tensor of shape {a.shape}") from None
        return out.astype(a.dtype, copy=True)

    def backward(self, g):
        return _zeros(g), g


@tensor_method()
def zero_(self) -> Tensor:
    """Fills ``self`` with zeros in place.

    Example:
        >>> torch.ones(2).zero_()
        tensor([0., 0.])
    """
    return apply_(Zero, self)


@tensor_method()
def fill_(self, value) -> Tensor:
    """Fills ``self`` with ``value`` in place (a number or a one-element tensor).

    Example:
        >>> torch.zeros(2).fill_(3)
        tensor([3., 3.])
    """
    return apply_(Fill, self, value)


@tensor_method()
def copy_(self, src, non_blocking=False) -> Tensor:
    """Copies ``src``'s values into ``self`` in place, broadcasting and casting to ``self``'s dtype.

    Example:
        >>> torch.zeros(2, 2).copy_(torch.tensor([1, 2]))
        tensor([[1., 2.],
                [1., 2.]])
    """
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' must be Tensor, not {type(src).__name__}")
    return apply_(Copy, self, src)


class _Random(Op):
    """An in-place random fill: the value does not depend on the input (zero gradient)."""

    def forward(self, a, arr):
        if arr.shape != a.shape:
            return np.broadcast_to(arr, a.shape).astype(a.dtype)
        return _random.in_memory_order(a, arr.astype(a.dtype, copy=False))

    def backward(self, g):
        return _zeros(g)


def _random_cls(nm):
    return type(nm, (_Random,), {"name": nm})


_NormalB, _UniformB, _RandomB, _BernoulliB, _ExponentialB, _LogNormalB, _CauchyB, _GeometricB = (
    _random_cls(n) for n in ("NormalBackward0", "UniformBackward0", "RandomBackward0",
                             "BernoulliBackward0", "ExponentialBackward0", "LogNormalBackward0",
                             "CauchyBackward0", "GeometricBackward0"))


def _float_dt(a):
    return a.dtype if a.dtype.kind == "f" else np.float64


@tensor_method()
def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples from the normal distribution N(``mean``, ``std``²).

    Example:
        >>> torch.zeros(1000).normal_(2., 0.5).mean().round()
        tensor(2.)
    """
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    a = self._data
    arr = _random.normal(a.shape, _float_dt(a), mean, std, generator, a.flags.c_contiguous)
    return apply_(_NormalB, self, arr)


@tensor_method()
def uniform_(self, a=0.0, b=1.0, *, generator=None, from_=None, to=None) -> Tensor:
    """Fills ``self`` with samples from the uniform distribution on [``a``, ``b``).

    Example:
        >>> x = torch.zeros(100).uniform_(-1, 1)
        >>> bool(x.min() >= -1 and x.max() < 1)
        True
    """
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    d = self._data
    arr = _random.uniform(d.shape, _float_dt(d), a, b, generator)
    return apply_(_UniformB, self, arr)


@tensor_method()
def random_(self, from_=0, to=None, *, generator=None) -> Tensor:
    """Fills ``self`` with integers drawn uniformly from ``[from_, to)``.

    Example:
        >>> x = torch.zeros(100).random_(0, 5)
        >>> x.min().item() >= 0, x.max().item() <= 4
        (True, True)
    """
    d = self._data
    if to is None:
        if from_ == 0:   # [0, 2**mantissa] for floats, [0, max] for integers
            return apply_(_RandomB, self, _random.random_full(d.shape, d.dtype, generator))
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return apply_(_RandomB, self, _random.randint(from_, to, d.shape, generator))


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Fills ``self`` with Bernoulli samples: 1 with probability ``p``, else 0.

    Example:
        >>> torch.zeros(4).bernoulli_(1.0)
        tensor([1., 1., 1., 1.])
    """
    d = self._data
    pa = p._data if isinstance(p, Tensor) else p
    if np.any((np.asarray(pa) < 0) | (np.asarray(pa) > 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return apply_(_BernoulliB, self, _random.bernoulli(pa, d.shape, generator))


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples from the exponential distribution with rate ``lambd``.

    Example:
        >>> bool((torch.zeros(100).exponential_() > 0).all())
        True
    """
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    d = self._data
    arr = _random.exponential(d.shape, _float_dt(d), lambd, generator)
    return apply_(_ExponentialB, self, arr)


@tensor_method()
def log_normal_(self, mean=1.0, std=2.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples whose logarithm is normal with ``mean`` and ``std``.

    Example:
        >>> bool((torch.zeros(100).log_normal_() > 0).all())
        True
    """
    arr = _random.log_normal(self._data.shape, _float_dt(self._data), mean, std, generator)
    return apply_(_LogNormalB, self, arr)


@tensor_method()
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None) -> Tensor:
    """Fills ``self`` with samples from the Cauchy distribution centred at ``median``.

    Example:
        >>> torch.zeros(3).cauchy_().shape
        torch.Size([3])
    """
    arr = _random.cauchy(self._data.shape, _float_dt(self._data), median, sigma, generator)
    return apply_(_CauchyB, self, arr)


@tensor_method()
def geometric_(self, p, *, generator=None) -> Tensor:
    """Fills ``self`` with samples of the number of Bernoulli(``p``) trials up to the first success.

    Example:
        >>> bool((torch.zeros(100).geometric_(0.5) >= 1).all())
        True
    """
    arr = _random.geometric(self._data.shape, self._data.dtype, p, generator)
    return apply_(_GeometricB, self, arr)
