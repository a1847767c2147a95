"""Tensor creation: from data, filled, ranges, random.

Every factory takes PyTorch's keywords: ``dtype``, ``device``, ``requires_grad``
(and ``generator`` for random ones). Sizes may be given as ``f(2, 3)`` or
``f((2, 3))``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype as D
from .. import _random
from .._device import check_device
from .._tensor import Size, Tensor, _contiguous_strides, _new_tensor, _wrap, tensor_method
from ._apply import norm_size

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty",
           "zeros_like", "ones_like", "full_like", "empty_like", "arange", "range", "linspace",
           "logspace", "eye", "rand", "randn", "randint", "randperm", "rand_like", "randn_like",
           "randint_like", "normal", "bernoulli", "multinomial", "empty_strided", "scalar_tensor",
           "hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window",
           "frombuffer", "binomial", "poisson", "empty_permuted"]

_range = range


def _finish(arr, requires_grad=False, device=None):
    check_device(device)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dt(dtype, default=None):
    d = D.to_dtype(dtype) if dtype is not None else (default or D.get_default_dtype())
    if d.np is None:
        raise RuntimeError(f"{d} needs the 'ml_dtypes' package: pip install ml_dtypes")
    return d


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Copy ``data`` (nested lists, numbers, arrays, tensors) into a new tensor.

    >>> ember.tensor([[1., 1.], [2, 2]])
    tensor([[1., 1.],
            [2., 2.]])
    """
    t = _new_tensor(data, dtype)
    return _finish(t._data, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can.

    Example:
        >>> import numpy as np
        <BLANKLINE>
        >>> a = np.array([1., 2.]); t = torch.as_tensor(a); t[0] = 5.; a
        array([5., 2.])
    """
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is D.to_dtype(dtype) else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or D.to_dtype(dtype).np == data.dtype):
        if data.dtype in D.from_np:
            return _wrap(data)
    return _new_tensor(data, dtype, copy=False)


asarray = as_tensor


def from_numpy(ndarray) -> Tensor:
    """A tensor sharing ``ndarray``'s memory: writes to either are seen by both.

    Example:
        >>> import numpy as np
        <BLANKLINE>
        >>> a = np.arange(3); t = torch.from_numpy(a); t[0] = 7; a
        array([7, 1, 2])
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype not in D.from_np:
        raise TypeError(
            f"can't convert np.ndarray of type {ndarray.dtype}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported.")
    return _wrap(ndarray)


def _check_size(size):
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _size_args(args, size, name):
    """``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))`` -> a checked ``(2, 3)``."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = (size,)
    return _check_size(norm_size(args))


def zeros(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False) -> Tensor:
    """A tensor of the given size filled with 0.

    Example:
        >>> torch.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    return _finish(np.zeros(_size_args(args, size, "zeros"), _dt(dtype).np), requires_grad, device)


def ones(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False) -> Tensor:
    """A tensor of the given size filled with 1.

    Example:
        >>> torch.ones(2, dtype=torch.int64)
        tensor([1, 1])
    """
    return _finish(np.ones(_size_args(args, size, "ones"), _dt(dtype).np), requires_grad, device)


def empty(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None) -> Tensor:
    """A tensor of the given size with unspecified values.

    Example:
        >>> torch.empty(2, 3).shape
        torch.Size([2, 3])
    """
    return _finish(np.empty(_size_args(args, size, "empty"), _dt(dtype).np), requires_grad, device)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Uninitialised, with the given element strides (over a buffer just big enough).

    Example:
        >>> torch.empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    d = _dt(dtype).np
    if stride == _contiguous_strides(size) or 0 in size:
        return empty(size, dtype=dtype, device=device, requires_grad=requires_grad)
    n = 1 + sum((s - 1) * st for s, st in zip(size, stride))
    it = np.dtype(d).itemsize
    arr = np.lib.stride_tricks.as_strided(np.empty(n, d), size, tuple(st * it for st in stride))
    return _finish(arr, requires_grad, device)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """``ember.full([2, 3], 7.)``: a tensor of ``size`` filled with ``fill_value``.

    Example:
        >>> torch.full((2, 2), 7.)
        tensor([[7., 7.],
                [7., 7.]])
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = D.scalar_dtype(fill_value)
    size = _check_size(norm_size((size,) if isinstance(size, int) else tuple(size)))
    return _finish(np.full(size, fill_value, _dt(dtype).np), requires_grad, device)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A 0-dimensional tensor holding ``s`` (float32 by default).

    Example:
        >>> torch.scalar_tensor(3)
        tensor(3.)
    """
    return _finish(np.asarray(s, _dt(dtype).np), requires_grad, device)


def _like(fn, input, dtype, device, requires_grad, **kw):
    return fn(input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad, **kw)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Zeros of ``input``'s size (and dtype, unless ``dtype`` is given).

    Example:
        >>> torch.zeros_like(torch.tensor([1, 2]))
        tensor([0, 0])
    """
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Ones of ``input``'s size (and dtype, unless ``dtype`` is given).

    Example:
        >>> torch.ones_like(torch.tensor([1, 2]), dtype=torch.float32)
        tensor([1., 1.])
    """
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """An uninitialised tensor of ``input``'s size and dtype.

    Example:
        >>> torch.empty_like(torch.zeros(2, 3)).shape
        torch.Size([2, 3])
    """
    return _like(empty, input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    """A tensor of ``input``'s size and dtype filled with ``fill_value``.

    Example:
        >>> torch.full_like(torch.zeros(2), 7)
        tensor([7., 7.])
    """
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device,
                requires_grad=requires_grad)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    """``ember.arange(start, end, step)``: end excluded; int64 unless a bound is a float.

    Example:
        >>> torch.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> torch.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError(
            f"upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})")
    if dtype is None:
        dtype = D.int64 if all(isinstance(v, (int, np.integer)) for v in vals) else D.get_default_dtype()
    d = _dt(dtype)
    n = max(0, math.ceil((end - start) / step))
    arr = (start + np.arange(n, dtype=np.float64) * step) if d.is_floating_point else \
        np.arange(start, start + n * step, step)[:n]
    return _finish(arr.astype(d.np), requires_grad, device)


def range(start=0, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Deprecated in PyTorch: like arange but includes ``end``; float by default.

    Example:
        >>> torch.range(1, 4)
        tensor([1., 2., 3., 4.])
    """
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    arr = start + np.arange(n, dtype=np.float64) * step
    return _finish(arr.astype(_dt(dtype).np), requires_grad, device)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Example:
        >>> torch.linspace(0, 1, steps=5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if not isinstance(steps, int) or steps < 0:
        raise RuntimeError(f"number of steps must be non-negative, got {steps}")
    d = _dt(dtype)
    arr = np.linspace(float(start), float(end), steps, dtype=np.float64)
    if not d.is_floating_point:
        arr = np.trunc(arr)
    return _finish(arr.astype(d.np), requires_grad, device)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """``base ** linspace(start, end, steps)``.

    Example:
        >>> torch.logspace(0, 2, steps=3)
        tensor([  1.,  10., 100.])
    """
    d = _dt(dtype)
    arr = np.power(float(base), np.linspace(float(start), float(end), steps))
    return _finish(arr.astype(d.np), requires_grad, device)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """The ``n x m`` identity matrix (``m`` defaults to ``n``).

    Example:
        >>> torch.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    return _finish(np.eye(n, m, dtype=_dt(dtype).np), requires_grad, device)


# ---- random -------------------------------------------------------------------------

def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False) -> Tensor:
    """Uniform samples on [0, 1).

    Example:
        >>> torch.rand(2, 3).shape
        torch.Size([2, 3])
        >>> bool(((torch.rand(100) >= 0) & (torch.rand(100) < 1)).all())
        True
    """
    d = _dt(dtype)
    if not d.is_floating_point:
        raise NotImplementedError(f'"check_uniform_bounds" not implemented for \'{D.scalar_type_name(d)}\'')
    size = _size_args(args, size, "rand")
    return _finish(_random.uniform(size, d.np, generator=generator), requires_grad, device)


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False) -> Tensor:
    """Standard normal samples.

    Example:
        >>> torch.randn(2, 3).shape
        torch.Size([2, 3])
    """
    d = _dt(dtype)
    size = _size_args(args, size, "randn")
    if d.is_complex:   # as torch: real and imaginary parts are the pairs of a real draw, std 1/sqrt(2)
        r = _random.normal(tuple(size) + (2,), d.to_real().np, generator=generator)
        r = (r * r.dtype.type(0.5 ** 0.5)).view(d.np)[..., 0]
        return _finish(r, requires_grad, device)
    if not d.is_floating_point:
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for \'{D.scalar_type_name(d)}\'')
    return _finish(_random.normal(size, d.np, generator=generator), requires_grad, device)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False) -> Tensor:
    """Integers uniform on [low, high); ``randint(10, (3,))`` or ``randint(0, 10, (3,))``.

    Example:
        >>> r = torch.randint(3, 10, (100,))
        <BLANKLINE>
        >>> bool(r.min() >= 3 and r.max() < 10), r.dtype
        (True, torch.int64)
    """
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError("randint() missing 1 required positional argument: 'size'")
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    d = _dt(dtype, D.int64)
    arr = _random.randint(low, high, norm_size(tuple(size)), generator)
    return _finish(arr.astype(d.np, copy=False), requires_grad, device)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:
    """A random permutation of ``0 .. n-1``.

    Example:
        >>> torch.randperm(4).sort().values
        tensor([0, 1, 2, 3])
    """
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    return _finish(_random.randperm(n, generator).astype(_dt(dtype, D.int64).np, copy=False),
                   requires_grad, device)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Uniform samples in [0, 1) of ``input``'s size and dtype.

    Example:
        >>> torch.rand_like(torch.zeros(2, 3)).shape
        torch.Size([2, 3])
    """
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Standard normal samples of ``input``'s size and dtype.

    Example:
        >>> torch.randn_like(torch.zeros(2, dtype=torch.float64)).dtype
        torch.float64
    """
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None) -> Tensor:
    """Random integers in ``[low, high)`` of ``input``'s size and dtype (``randint_like(x, high)`` too).

    Example:
        >>> r = torch.randint_like(torch.zeros(100), 3)
        >>> r.min() >= 0, r.max() < 3
        (tensor(True), tensor(True))
    """
    return randint(low, high, input.shape, dtype=dtype or input.dtype)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False) -> Tensor:
    """Normal samples; ``mean``/``std`` may be tensors (broadcast) or numbers with ``size``.

    Example:
        >>> torch.normal(torch.zeros(3), 1e-9).abs().max() < 1e-6
        tensor(True)
        >>> torch.normal(2., 3., size=(2, 2)).shape
        torch.Size([2, 2])
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        if np.any(np.asarray(s) < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        ref = mean if isinstance(mean, Tensor) else std
        z = _random.normal(shape, ref._data.dtype, generator=generator)   # then * std + mean
        return _wrap((z * s + m).astype(ref._data.dtype, copy=False))
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    d = _dt(dtype)
    return _finish(_random.normal(norm_size(tuple(size)), d.np, mean, std, generator),
                   requires_grad, device)


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """Draw 0/1 with probabilities ``input`` (or scalar ``p``); same dtype as ``input``.

    Example:
        >>> torch.bernoulli(torch.tensor([0., 1., 1.]))
        tensor([0., 1., 1.])
    """
    probs = input._data if p is None else p
    if np.any((np.asarray(probs) < 0) | (np.asarray(probs) > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    return _wrap(_random.bernoulli(probs, input.shape, generator).astype(input._data.dtype))


def binomial(count, prob, generator=None) -> Tensor:
    """Draws of Binomial(count, prob), elementwise, in ``count``'s dtype (PyTorch's stream).

    Example:
        >>> torch.binomial(torch.tensor([10., 0.]), torch.tensor([1., 0.5]))
        tensor([10.,  0.])
    """
    from .random_special import binomial as sample

    return sample(count, prob, generator)


def poisson(input, generator=None) -> Tensor:
    """Draws of Poisson(rate = ``input``), elementwise, in ``input``'s dtype (PyTorch's stream).

    Example:
        >>> torch.poisson(torch.tensor([0., 0.]))
        tensor([0., 0.])
    """
    from .random_special import poisson as sample

    return sample(input, generator)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False) -> Tensor:
    """Uninitialised, laid out in memory in the order ``physical_layout`` (dims, outer first).

    Example:
        >>> torch.empty_permuted((2, 3, 4), (0, 2, 1)).stride()
        (12, 1, 3)
    """
    size, perm = tuple(size), tuple(physical_layout)
    if sorted(perm) != list(_range(len(size))):
        raise RuntimeError("Number of dimensions in size does not match the length of the "
                           "physical_layout; or physical_layout is not a permutation")
    phys = np.empty(tuple(size[p] for p in perm), _dt(dtype).np)
    return _finish(np.transpose(phys, np.argsort(perm)), requires_grad, device)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Sample ``num_samples`` category indices from each row of (unnormalised) probabilities;
    PyTorch's stream after ``manual_seed``.

    Example:
        >>> torch.multinomial(torch.tensor([0., 10., 0.]), 2, replacement=True)
        tensor([1, 1])
    """
    p = input._data
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{D.scalar_type_name(input.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if p.shape[-1] > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    if not replacement or num_samples == 1:
        if p.size and not (p.max() < np.inf and p.min() >= 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (p.reshape(-1, p.shape[-1]).sum(axis=1) == 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    else:
        if (p < 0).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.isfinite(p).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = "
                               "infinity or NaN)")
    r = _wrap(_random.multinomial(p, int(num_samples), replacement, generator))
    if out is not None:
        out._data = r._data
        return out
    return r


# ---- window functions (computed in float64, returned in the requested float dtype) --------

def _window(name, window_length, periodic, dtype, device, requires_grad, fn):
    d = _dt(dtype)
    if not d.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {d}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    if window_length <= 1:
        return _finish(np.ones(window_length, d.np), requires_grad, device)
    n = window_length + 1 if periodic else window_length
    w = fn(np.arange(n, dtype=np.float64), n)
    return _finish(w[:window_length].astype(d.np), requires_grad, device)


def _cosine_sum(*coef):
    """``sum_k (-1)^k coef[k] cos(2 pi k n / (N - 1))``: hann, hamming, blackman."""
    def fn(n, N):
        x = 2 * math.pi * n / (N - 1)
        return sum((-1) ** k * c * np.cos(k * x) for k, c in enumerate(coef))
    return fn


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                requires_grad=False) -> Tensor:
    """The Hann window of ``window_length`` points (periodic by default, for spectral analysis).

    Example:
        >>> torch.hann_window(4)
        tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, requires_grad=False) -> Tensor:
    """The Hamming window ``alpha - beta * cos(2 pi n / N)``.

    Example:
        >>> torch.hamming_window(4)
        tensor([0.0800, 0.5400, 1.0000, 0.5400])
    """
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(alpha, beta))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False) -> Tensor:
    """The Blackman window.

    Example:
        >>> torch.blackman_window(4, periodic=False)[1:3]
        tensor([0.6300, 0.6300])
    """
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.42, 0.5, 0.08))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False) -> Tensor:
    """The Bartlett (triangular) window.

    Example:
        >>> torch.bartlett_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, N: 1 - np.abs(2 * n / (N - 1) - 1))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, requires_grad=False) -> Tensor:
    """The Kaiser window with shape parameter ``beta``.

    Example:
        >>> torch.kaiser_window(3, periodic=False, beta=0.0)
        tensor([1., 1., 1.])
    """
    def fn(n, N):
        half = (N - 1) / 2
        return np.i0(beta * np.sqrt(np.clip(1 - ((n - half) / half) ** 2, 0, None))) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, fn)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False) -> Tensor:
    """A 1-D tensor over a Python buffer's memory (shared, not copied).

    Example:
        >>> torch.frombuffer(bytearray([1, 2, 3, 4]), dtype=torch.uint8)
        tensor([1, 2, 3, 4], dtype=torch.uint8)
    """
    d = _dt(dtype).np
    nbytes = memoryview(buffer).nbytes
    item = np.dtype(d).itemsize
    if nbytes <= 0 or count == 0:
        raise ValueError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    if not 0 <= offset < nbytes:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer "
                         f"length ({nbytes} bytes) minus 1")
    if count < 0 and (nbytes - offset) % item:
        raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) "
                         f"must be a multiple of element size ({item})")
    if count > 0 and nbytes - offset < count * item:
        raise ValueError(f"requested buffer length ({count} * {item} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({nbytes} bytes)")
    return _finish(np.frombuffer(buffer, d, count, offset), requires_grad)


@tensor_method("new")
def _new_method(self, *args, device=None):
    """Legacy ``x.new(...)``: sizes -> uninitialised, data -> a tensor, both of ``x``'s dtype.

    Example:
        >>> torch.tensor([1, 2]).new(2, 3).shape
        torch.Size([2, 3])
    """
    check_device(device)
    if not args or all(isinstance(a, int) for a in args) or (
            len(args) == 1 and isinstance(args[0], Size)):
        return empty(*args, dtype=self.dtype) if args else empty(0, dtype=self.dtype)
    if len(args) == 1 and isinstance(args[0], Tensor):
        if args[0].dtype is not self.dtype:
            raise TypeError(f"expected {self.dtype} (got {args[0].dtype})")
        return args[0].detach()
    return tensor(args[0], dtype=self.dtype)


@tensor_method("new_empty_strided")
def _new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                       requires_grad=False, pin_memory=False) -> Tensor:
    """An uninitialised tensor with the given size and strides, of ``self``'s dtype.

    Example:
        >>> torch.zeros(1).new_empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device,
                         requires_grad=requires_grad)


@tensor_method("bernoulli")
def _bernoulli_method(self, p=None, *, generator=None) -> Tensor:
    """Bernoulli samples: 1 with probability ``p`` (or ``self``'s values), else 0.

    Example:
        >>> torch.tensor([0., 1.]).bernoulli()
        tensor([0., 1.])
    """
    return bernoulli(self, p, generator=generator)


# ---- Tensor.new_* : same dtype (and device) as the tensor by default ---------------------

def _new_factory(fn):
    def method(self: Tensor, *args: Any, size: Any = None, dtype: Any = None, device: Any = None,
               requires_grad: bool = False, layout: Any = None, pin_memory: bool = False) -> Tensor:
        return fn(*args, size=size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    method.__name__ = "new_" + fn.__name__
    method.__doc__ = (f"``torch.{fn.__name__}(*size)`` with ``self``'s dtype (unless ``dtype`` is given).\n\n"
                      f"    Example:\n        >>> torch.tensor([1, 2]).new_{fn.__name__}(2, 3).dtype\n"
                      "        torch.int64\n    ")
    return method


@tensor_method("new_full")
def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value``, of ``self``'s dtype.

    Example:
        >>> torch.tensor([1, 2]).new_full((2,), 7)
        tensor([7, 7])
    """
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


@tensor_method("new_tensor")
def _new_tensor_method(self, data, *, dtype=None, device=None, requires_grad=False, layout=None,
                       pin_memory=False) -> Tensor:
    """A new tensor of ``data`` copied, of ``self``'s dtype unless ``dtype`` is given.

    Example:
        >>> torch.tensor([1.5]).new_tensor([1, 2])
        tensor([1., 2.])
    """
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


@tensor_method("multinomial")
def _multinomial_method(self, num_samples, replacement=False, *, generator=None) -> Tensor:
    """``torch.multinomial(self, num_samples)``: indices drawn by the weights in ``self``.

    Example:
        >>> torch.tensor([0., 1., 0.]).multinomial(2, replacement=True)
        tensor([1, 1])
    """
    return multinomial(self, num_samples, replacement, generator=generator)


def _map_into(self, others, callable):
    """``self[i] = callable(self[i], *(o[i] for o in others))``, others broadcast; in place (slow)."""
    if self._rg:
        raise TypeError("apply_ is only implemented on CPU tensors that do not require grad")
    shape = self._data.shape
    cols = [np.broadcast_to(o._data, shape).reshape(-1).tolist() for o in others]
    flat = self._data.reshape(-1)
    for i, vals in enumerate(zip(flat.tolist(), *cols)):
        flat[i] = callable(*vals)
    self._bump()
    return self


@tensor_method("apply_")
def _apply_(self, callable) -> Tensor:
    """Apply a Python function to every element, in place (slow, as in PyTorch).

    Example:
        >>> torch.tensor([1., 2.]).apply_(lambda v: v * 10)
        tensor([10., 20.])
    """
    return _map_into(self, (), callable)


@tensor_method("map_")
def _map_(self, tensor, callable) -> Tensor:
    """Applies ``callable(a, b)`` to each element of ``self`` and ``tensor``, in place (slow, Python).

    Example:
        >>> torch.tensor([1., 2.]).map_(torch.tensor([3., 4.]), lambda a, b: a * b)
        tensor([3., 8.])
    """
    return _map_into(self, (tensor,), callable)


@tensor_method("map2_")
def _map2_(self, x, y, callable) -> Tensor:
    """Applies ``callable(a, x, y)`` elementwise over ``self``, ``x`` and ``y``, in place.

    Example:
        >>> torch.tensor([1., 2.]).map2_(torch.ones(2), torch.ones(2), lambda a, b, c: a + b + c)
        tensor([3., 4.])
    """
    return _map_into(self, (x, y), callable)


tensor_method("new_zeros")(_new_factory(zeros))
tensor_method("new_ones")(_new_factory(ones))
tensor_method("new_empty")(_new_factory(empty))
