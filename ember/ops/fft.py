"""Discrete Fourier transforms (``ember.fft``): three differentiable 1-D kernels on NumPy's
pocketfft (complex-to-complex, real-to-complex, complex-to-real); every n-D and Hermitian
transform is composed from them, so its gradient follows.

The adjoint of a transform with norm ``m`` is the opposite-direction transform with the
dual norm (``backward`` <-> ``forward``, ``ortho`` <-> ``ortho``), which is what each
backward computes.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _new_tensor, tensor_method
from ._apply import Op, apply, linear_backward_ops, wrap_dim

_NORMS = (None, "backward", "forward", "ortho")
_DUAL = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


def _check_norm(norm):
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _resize(a, n, axis):
    """``a`` cut or zero-padded to length ``n`` along ``axis``."""
    m = a.shape[axis]
    if n == m:
        return a
    if n < m:
        return a[(slice(None),) * axis + (slice(0, n),)]
    pad = [(0, 0)] * a.ndim
    pad[axis] = (0, n - m)
    return np.pad(a, pad)


def _complex_of(npdtype):
    return np.complex128 if npdtype in (np.float64, np.complex128) else np.complex64


def _real_of(npdtype):
    return np.float64 if npdtype in (np.float64, np.complex128) else np.float32


class FftC2C(Op):
    """``fft`` / ``ifft`` of a complex input along one axis."""
    name = "FftC2CBackward0"

    def forward(self, x, n, axis, norm, inverse):
        self.m, self.axis, self.norm, self.inverse = x.shape[axis], axis, norm, inverse
        self.real = x.dtype.kind != "c"
        f = np.fft.ifft if inverse else np.fft.fft
        return f(_resize(x, n, axis), axis=axis, norm=norm).astype(_complex_of(x.dtype), copy=False)

    def backward(self, g):
        f = np.fft.fft if self.inverse else np.fft.ifft
        gx = _resize(f(g, axis=self.axis, norm=_DUAL[self.norm]).astype(g.dtype, copy=False), self.m, self.axis)
        return gx.real if self.real else gx

    def backward_ops(self, g):
        self.n = g.shape[self.axis]   # the transform's length, for jvp
        return linear_backward_ops(self, g)

    def jvp(self, u):
        f = np.fft.ifft if self.inverse else np.fft.fft
        return f(_resize(u, self.n, self.axis), axis=self.axis, norm=self.norm).astype(
            _complex_of(u.dtype), copy=False)


class FftR2C(FftC2C):
    """``fft`` / ``ifft`` of a real input (a full, two-sided spectrum)."""
    name = "FftR2CBackward0"


class Rfft(Op):
    """The one-sided spectrum of a real input (``n // 2 + 1`` entries)."""
    name = "FftR2CBackward0"

    def forward(self, x, n, axis, norm):
        self.m, self.n, self.axis, self.norm = x.shape[axis], n, axis, norm
        return np.fft.rfft(_resize(x, n, axis), axis=axis, norm=norm).astype(_complex_of(x.dtype), copy=False)

    def backward(self, g):
        full = np.fft.ifft(_resize(g, self.n, self.axis), axis=self.axis, norm=_DUAL[self.norm])
        return _resize(full.real.astype(_real_of(g.dtype), copy=False), self.m, self.axis)

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.fft.rfft(_resize(u, self.n, self.axis), axis=self.axis, norm=self.norm).astype(
            _complex_of(u.dtype), copy=False)


class Irfft(Op):
    """A real signal of length ``n`` from its one-sided spectrum."""
    name = "FftC2RBackward0"

    def forward(self, x, n, axis, norm):
        self.m, self.n, self.axis, self.norm = x.shape[axis], n, axis, norm
        self.real = x.dtype.kind != "c"
        return np.fft.irfft(x, n=n, axis=axis, norm=norm).astype(_real_of(x.dtype), copy=False)

    def backward(self, g):
        gx = np.fft.rfft(g, axis=self.axis, norm=_DUAL[self.norm]).astype(_complex_of(g.dtype), copy=False)
        k = self.n - gx.shape[self.axis]      # entries standing for two conjugate bins
        if k > 0:
            gx[(slice(None),) * self.axis + (slice(1, 1 + k),)] *= 2
        gx = _resize(gx, self.m, self.axis)
        return gx.real if self.real else gx

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.fft.irfft(u, n=self.n, axis=self.axis, norm=self.norm).astype(_real_of(u.dtype), copy=False)


# ---- argument handling ------------------------------------------------------------------

def _prep(input, real_only=False, name="fft"):
    x = input if isinstance(input, Tensor) else _new_tensor(input)
    dt = x.dtype
    if dt.category < D._FLOAT:
        x = x.to(D.get_default_dtype())
    elif dt not in (D.float32, D.float64, D.complex64, D.complex128):
        raise RuntimeError(f"Unsupported dtype {D.scalar_type_name(dt)}")
    if real_only and x.is_complex():
        raise RuntimeError(f"{name} expects a real input tensor, but got {D.scalar_type_name(x.dtype)}")
    return x


def _points(n, default):
    n = default if n is None else int(n)
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _c2c(x, n, dim, norm, inverse):
    _check_norm(norm)
    x = _prep(x)
    axis = wrap_dim(dim, x.ndim)
    n = _points(n, x.shape[axis])
    return apply(FftC2C if x.is_complex() else FftR2C, x, n=n, axis=axis, norm=norm, inverse=inverse)


def _r2c(x, n, dim, norm, name="rfft"):
    _check_norm(norm)
    x = _prep(x, True, name)
    axis = wrap_dim(dim, x.ndim)
    return apply(Rfft, x, n=_points(n, x.shape[axis]), axis=axis, norm=norm)


def _c2r(x, n, dim, norm):
    _check_norm(norm)
    x = _prep(x)
    axis = wrap_dim(dim, x.ndim)
    n = _points(n, 2 * (x.shape[axis] - 1))
    return apply(Irfft, x, n=n, axis=axis, norm=norm)


def _dims(x, s, dim, default_all=True):
    """torch's (s, dim) rules for the n-D transforms: lists of equal length."""
    nd = x.ndim
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        dims = [wrap_dim(d, nd) for d in dims]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > nd:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {nd} dimensions.")
        dims = list(range(nd - len(s), nd))
    else:
        dims = list(range(nd)) if default_all else [wrap_dim(-2, nd), wrap_dim(-1, nd)]
    s = [None] * len(dims) if s is None else [None if v == -1 else v for v in s]
    return s, dims


# ---- the public transforms ------------------------------------------------------------------

def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """One-dimensional discrete Fourier transform of ``input`` along ``dim``.

    Args:
        input: real or complex tensor.
        n: signal length (the input is zero-padded or trimmed to it).
        dim: the dimension to transform.
        norm: ``"backward"`` (default: no scaling), ``"forward"`` (1/n) or ``"ortho"`` (1/sqrt(n)).

    Example::

        >>> ember.fft.fft(ember.tensor([1., 0., 0., 0.]))
        tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    return _c2c(input, n, dim, norm, False)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """Inverse of :func:`fft` (``norm`` as there, applied in the inverse direction).

    Example:
        >>> torch.fft.ifft(torch.tensor([4., 0., 0., 0.])).real
        tensor([1., 1., 1., 1.])
    """
    return _c2c(input, n, dim, norm, True)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The non-negative-frequency half (``n // 2 + 1`` entries) of the FFT of a real input.

    Example:
        >>> torch.fft.rfft(torch.tensor([1., 1., 1., 1.]))
        tensor([4.+0.j, 0.+0.j, 0.+0.j])
    """
    return _r2c(input, n, dim, norm)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Inverse of :func:`rfft`: a real signal of length ``n`` (default ``2 * (m - 1)``).

    Example:
        >>> torch.fft.irfft(torch.tensor([4., 0., 0.]))
        tensor([1., 1., 1., 1.])
    """
    return _c2r(input, n, dim, norm)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """FFT of a Hermitian-symmetric signal given by its first half: a real result of length ``n``.

    Example:
        >>> torch.fft.hfft(torch.tensor([1., 0., 0.]))
        tensor([1., 1., 1., 1.])
    """
    _check_norm(norm)
    return _c2r(_prep(input).conj(), n, dim, _DUAL[norm])


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """Inverse of :func:`hfft`: the first half of the inverse FFT of a real input.

    Example:
        >>> torch.fft.ihfft(torch.tensor([4., 0., 0., 0.]))
        tensor([1.-0.j, 1.-0.j, 1.-0.j])
    """
    _check_norm(norm)
    return _r2c(input, n, dim, _DUAL[norm], "ihfft").conj()


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """N-dimensional FFT over ``dim`` (all dims, or the last ``len(s)``), sizes ``s``.

    Example:
        >>> torch.fft.fftn(torch.ones(2, 2))
        tensor([[4.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j]])
    """
    x = _prep(input)
    s, dims = _dims(x, s, dim)
    for n, d in zip(s, dims):
        x = _c2c(x, n, d, norm, False)
    return x if dims else x.to(x.dtype.to_complex())


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """Inverse of :func:`fftn`.

    Example:
        >>> torch.fft.ifftn(torch.tensor([[4., 0.], [0., 0.]]))
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    x = _prep(input)
    s, dims = _dims(x, s, dim)
    for n, d in zip(s, dims):
        x = _c2c(x, n, d, norm, True)
    return x if dims else x.to(x.dtype.to_complex())


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """N-dimensional FFT of a real input; the last transformed dim keeps its one-sided half.

    Example:
        >>> torch.fft.rfftn(torch.ones(2, 4)).shape
        torch.Size([2, 3])
    """
    x = _prep(input, True, "rfftn")
    s, dims = _dims(x, s, dim)
    if not dims:
        raise RuntimeError("rfftn must transform at least one axis")
    x = _r2c(x, s[-1], dims[-1], norm, "rfftn")
    for n, d in zip(s[:-1], dims[:-1]):
        x = _c2c(x, n, d, norm, False)
    return x


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Inverse of :func:`rfftn`: the last dim's length is ``s[-1]`` (default ``2 * (m - 1)``).

    Example:
        >>> torch.fft.irfftn(torch.ones(2, 3)).shape
        torch.Size([2, 4])
    """
    x = _prep(input)
    s, dims = _dims(x, s, dim)
    if not dims:
        raise RuntimeError("irfftn must transform at least one axis")
    for n, d in zip(s[:-1], dims[:-1]):
        x = _c2c(x, n, d, norm, True)
    return _c2r(x, s[-1], dims[-1], norm)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """N-dimensional :func:`hfft`: a real result; the last dim is given by its first half.

    Example:
        >>> torch.fft.hfftn(torch.ones(2, 3)).shape
        torch.Size([2, 4])
    """
    _check_norm(norm)
    x = _prep(input)
    s, dims = _dims(x, s, dim)
    if not dims:
        raise RuntimeError("hfftn must transform at least one axis")
    x = x.conj()
    for n, d in zip(s[:-1], dims[:-1]):
        x = _c2c(x, n, d, _DUAL[norm], True)
    return _c2r(x, s[-1], dims[-1], _DUAL[norm])


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Inverse of :func:`hfftn`: the one-sided inverse transform of a real input.

    Example:
        >>> torch.fft.ihfftn(torch.ones(2, 4)).shape
        torch.Size([2, 3])
    """
    _check_norm(norm)
    x = _prep(input, True, "ihfftn")
    s, dims = _dims(x, s, dim)
    if not dims:
        raise RuntimeError("ihfftn must transform at least one axis")
    x = _r2c(x, s[-1], dims[-1], _DUAL[norm], "ihfftn")
    for n, d in zip(s[:-1], dims[:-1]):
        x = _c2c(x, n, d, _DUAL[norm], False)
    return x.conj()


def _two(fn, inverse_name):
    def f(input, s=None, dim=(-2, -1), norm=None, *, out=None):
        return fn(input, s, dim, norm)
    f.__name__ = f.__qualname__ = inverse_name
    f.__doc__ = f"Two-dimensional :func:`{fn.__name__}` over ``dim`` (the last two by default)."
    return f


fft2, ifft2, rfft2 = _two(fftn, "fft2"), _two(ifftn, "ifft2"), _two(rfftn, "rfft2")
irfft2, hfft2, ihfft2 = _two(irfftn, "irfft2"), _two(hfftn, "hfft2"), _two(ihfftn, "ihfft2")


def fftshift(input, dim=None):
    """Move the zero-frequency term to the centre (roll each dim by ``n // 2``).

    Example:
        >>> torch.fft.fftshift(torch.arange(5))
        tensor([3, 4, 0, 1, 2])
    """
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    if not dims:
        return input.clone()
    return input.roll([input.shape[d] // 2 for d in dims], dims)


def ifftshift(input, dim=None):
    """Inverse of :func:`fftshift` (roll each dim by ``-(n // 2)``).

    Example:
        >>> torch.fft.ifftshift(torch.arange(5))
        tensor([2, 3, 4, 0, 1])
    """
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    if not dims:
        return input.clone()
    return input.roll([-(input.shape[d] // 2) for d in dims], dims)


def _freq_tensor(arr, dtype, requires_grad):
    dt = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    t = _new_tensor(arr.astype(dt.np))
    return t.requires_grad_() if requires_grad else t


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Sample frequencies of an ``n``-point FFT with spacing ``d``: ``[0, 1, ..., -1] / (d * n)``.

    Example::

        >>> ember.fft.fftfreq(4)
        tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
    """
    from .._device import check_device

    check_device(device)
    return _freq_tensor(np.fft.fftfreq(n, d), dtype, requires_grad)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Sample frequencies of :func:`rfft`: ``[0, 1, ..., n // 2] / (d * n)``.

    Example:
        >>> torch.fft.rfftfreq(5)
        tensor([0.0000, 0.2000, 0.4000])
    """
    from .._device import check_device

    check_device(device)
    return _freq_tensor(np.fft.rfftfreq(n, d), dtype, requires_grad)


# ---- short-time Fourier transform -------------------------------------------------------------

class OverlapAdd(Op):
    """(B, T, n) frames -> (B, n + hop * (T - 1)): frame t added at offset t * hop."""
    name = "OverlapAddBackward0"

    def forward(self, frames, hop):
        B, T, n = frames.shape
        self.hop, self.T, self.n = hop, T, n
        out = np.zeros((B, n + hop * (T - 1)), frames.dtype)
        for t in range(T):
            out[:, t * hop:t * hop + n] += frames[:, t]
        return out

    def backward(self, g):
        return np.stack([g[:, t * self.hop:t * self.hop + self.n] for t in range(self.T)], 1)

    backward_ops = linear_backward_ops

    def jvp(self, u):
        B, T, n = u.shape
        out = np.zeros((B, n + self.hop * (T - 1)), u.dtype)
        for t in range(T):
            out[:, t * self.hop:t * self.hop + n] += u[:, t]
        return out


def _frame_window(window, n_fft, win_length, dtype):
    from .creation import ones, zeros
    from .joining import cat

    win_length = n_fft if win_length is None else win_length
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is None:
        window = ones(win_length, dtype=dtype)
    elif window.ndim != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length={win_length}, "
                           f"but got window with size {list(window.shape)}")
    left = (n_fft - win_length) // 2
    if win_length == n_fft:
        return window
    return cat([zeros(left, dtype=window.dtype), window, zeros(n_fft - win_length - left, dtype=window.dtype)])


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """Short-time Fourier transform: the FFT of windowed frames ``hop_length`` apart.

    Args:
        input: (L,) or (B, L) signal.
        n_fft: frame (and FFT) size.
        hop_length: distance between frames (default ``n_fft // 4``).
        win_length, window: the window (default ones) of ``win_length`` samples, centred in the frame.
        center: pad ``n_fft // 2`` on both sides with ``pad_mode`` first.
        normalized: scale by ``n_fft ** -0.5``.
        onesided: keep ``n_fft // 2 + 1`` frequencies (default for real input and window).
        return_complex: required for real input; False gives a trailing (real, imag) dim.

    Returns: (B?, freq, n_frames) complex (or (..., 2) real).

    Example::

        >>> ember.stft(ember.randn(100), 16, window=ember.hann_window(16), return_complex=True).shape
        torch.Size([9, 26])
    """
    x = _prep(input)
    if return_complex is None:
        if not x.is_complex() and not (window is not None and window.is_complex()):
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, "
                               "and will further require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if x.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {x.ndim}D")
    hop = n_fft // 4 if hop_length is None else hop_length
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    batched = x.ndim == 2
    x = x if batched else x.unsqueeze(0)
    if center:
        from ..nn.functional import pad

        x = pad(x.unsqueeze(1), (n_fft // 2, n_fft // 2), mode=pad_mode).squeeze(1)
    L = x.shape[-1]
    if not 0 < n_fft <= L:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {L}, but got n_fft={n_fft}")
    win = _frame_window(window, n_fft, win_length, x.dtype.to_real())
    frames = x.unfold(-1, n_fft, hop) * win                   # (B, T, n_fft)
    if onesided is None:
        onesided = not (frames.is_complex())
    if onesided and frames.is_complex():
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spec = (rfft if onesided else fft)(frames, dim=-1, norm=norm).transpose(1, 2)
    spec = spec if batched else spec.squeeze(0)
    if not return_complex:
        from .complex import view_as_real

        return view_as_real(spec)
    return spec


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False) -> Tensor:
    """Inverse of :func:`stft` by windowed overlap-add, divided by the summed squared window.

    Example::

        >>> x = ember.randn(64)
        >>> w = ember.hann_window(16)
        >>> y = ember.istft(ember.stft(x, 16, window=w, return_complex=True), 16, window=w, length=64)
    """
    from .creation import zeros

    x = _prep(input)
    if not x.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor")
    if x.ndim not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex values, got {x.ndim}")
    hop = n_fft // 4 if hop_length is None else hop_length
    batched = x.ndim == 3
    x = x if batched else x.unsqueeze(0)
    nfreq, T = x.shape[-2], x.shape[-1]
    if onesided is None:
        onesided = nfreq != n_fft
    if onesided and nfreq != n_fft // 2 + 1:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor "
                           f"to match n_fft / 2 + 1 when onesided=True, but got {nfreq}")
    if not onesided and nfreq != n_fft:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor "
                           f"to match n_fft when onesided=False, but got {nfreq}")
    if onesided and return_complex:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    win = _frame_window(window, n_fft, win_length, x.dtype.to_real())
    norm = "ortho" if normalized else "backward"
    spec = x.transpose(1, 2)                                   # (B, T, freq)
    frames = irfft(spec, n=n_fft, dim=-1, norm=norm) if onesided else ifft(spec, n=n_fft, dim=-1, norm=norm)
    if not onesided and not return_complex:
        frames = frames.real
    y = apply(OverlapAdd, frames * win, hop=hop)
    env = apply(OverlapAdd, (win * win).expand(1, T, n_fft).detach(), hop=hop)
    start = n_fft // 2 if center else 0
    total = n_fft + hop * (T - 1)
    end = total - (n_fft // 2 if center else 0) if length is None else start + length
    end = min(end, total)
    e = env[:, start:end]
    if (e.abs()._data < 1e-11).any():
        raise RuntimeError("istft: window overlap add min: the window's squared sum is zero at some "
                           "output positions (choose a window and hop_length that overlap)")
    y = y[:, start:end] / e
    if length is not None and y.shape[-1] < length:
        from .joining import cat

        y = cat([y, zeros(y.shape[0], length - y.shape[-1], dtype=y.dtype)], -1)
    return y if batched else y.squeeze(0)


tensor_method("stft")(stft)
tensor_method("istft")(istft)
