"""Window functions, as ``torch.signal.windows``: each returns an ``M``-point window;
``sym=False`` gives the periodic window (for spectral analysis), ``sym=True`` the symmetric one.

    >>> ember.signal.windows.hann(5)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
"""
import math

from ... import _dtype as D
from ..._layout import strided
from ...ops.creation import empty, ones, linspace, tensor as _tensor, arange

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    dtype = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    if dtype not in (D.float32, D.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _line(start, end, M, dtype, requires_grad):
    return linspace(start, end, M, dtype=dtype, requires_grad=requires_grad)


def _trivial(M, dtype, requires_grad):
    """The empty or one-point window, or None."""
    if M == 0:
        return empty((0,), dtype=dtype, requires_grad=requires_grad)
    if M == 1:
        return ones((1,), dtype=dtype, requires_grad=requires_grad)
    return None


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=strided, device=None,
                requires_grad=False):
    """``exp(-|n - center| / tau)``."""
    dtype = _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return empty((0,), dtype=dtype, requires_grad=requires_grad)
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2.0
    c = 1 / tau
    return _line(-center * c, (-center + (M - 1)) * c, M, dtype, requires_grad).abs().neg().exp()


def cosine(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """``sin(pi (n + 1/2) / M)`` (the sine window)."""
    dtype = _checks("cosine", M, dtype, layout)
    if M == 0:
        return empty((0,), dtype=dtype, requires_grad=requires_grad)
    c = math.pi / (M + 1 if not sym and M > 1 else M)
    return _line(0.5 * c, (0.5 + (M - 1)) * c, M, dtype, requires_grad).sin()


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """``exp(-((n - (M - 1) / 2) / std)^2 / 2)``."""
    dtype = _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return empty((0,), dtype=dtype, requires_grad=requires_grad)
    start = -(M if not sym and M > 1 else M - 1) / 2.0
    c = 1 / (std * math.sqrt(2))
    return (-_line(start * c, (start + (M - 1)) * c, M, dtype, requires_grad) ** 2).exp()


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """``I0(beta sqrt(1 - (2n / N - 1)^2)) / I0(beta)`` with N = M - 1 (M when periodic)."""
    from ...ops.special import i0

    dtype = _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    w = _trivial(M, dtype, requires_grad)
    if w is not None:
        return w
    b = _tensor(beta, dtype=dtype)
    start = -b
    c = 2.0 * b / (M if not sym else M - 1)
    end = (start + (M - 1) * c).clamp(max=beta)
    k = _line(start.item(), end.item(), M, dtype, requires_grad)
    return i0((b * b - k ** 2).sqrt()) / i0(b)


def general_cosine(M, *, a, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """``sum_i (-1)^i a_i cos(2 pi i n / N)``, N = M - 1 (M when periodic)."""
    dtype = _checks("general_cosine", M, dtype, layout)
    w = _trivial(M, dtype, requires_grad)
    if w is not None:
        return w
    if not hasattr(a, "__iter__"):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    c = 2 * math.pi / (M if not sym else M - 1)
    k = _line(0, (M - 1) * c, M, dtype, requires_grad)
    a_i = _tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dtype)
    i = arange(a_i.shape[0], dtype=dtype)
    return (a_i.unsqueeze(-1) * (i.unsqueeze(-1) * k).cos()).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """``alpha - (1 - alpha) cos(2 pi n / N)``."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The Hamming window (``general_hamming`` with alpha 0.54)."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The Hann window (``general_hamming`` with alpha 0.5)."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The Blackman window (cosine terms 0.42, 0.5, 0.08)."""
    _checks("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The triangular window ``1 - |2n / N - 1|``."""
    dtype = _checks("bartlett", M, dtype, layout)
    w = _trivial(M, dtype, requires_grad)
    if w is not None:
        return w
    c = 2 / (M if not sym else M - 1)
    return 1 - _line(-1, -1 + (M - 1) * c, M, dtype, requires_grad).abs()


def nuttall(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """The Nuttall window (4-term Blackman-Harris)."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype,
                          layout=layout, device=device, requires_grad=requires_grad)
