"""``ember.fft``: discrete Fourier transforms, as ``torch.fft`` (kernels in ``ember/ops/fft.py``).

    >>> x = ember.randn(8, requires_grad=True)
    >>> ember.fft.rfft(x).abs().sum().backward()
"""
from ..ops.fft import (fft, ifft, rfft, irfft, hfft, ihfft, fft2, ifft2, rfft2, irfft2, hfft2, ihfft2,  # noqa: F401
                       fftn, ifftn, rfftn, irfftn, hfftn, ihfftn, fftshift, ifftshift, fftfreq, rfftfreq)

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2", "hfft2",
           "ihfft2", "fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn", "fftshift", "ifftshift",
           "fftfreq", "rfftfreq"]
