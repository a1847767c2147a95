"""ember.fft against torch.fft: values, dtypes, shapes, every norm mode, padding and trimming,
gradients for real and complex inputs, helpers, and bad input."""
import numpy as np
import pytest
import torch
from oracle import assert_close, check, check_raises, gradcheck, rand

import ember

ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2", "fftn", "ifftn", "rfftn", "irfftn",
       "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}


def crand(*shape, seed=0, dtype=np.complex64):
    rs = np.random.RandomState(seed)
    return (rs.standard_normal(shape) + 1j * rs.standard_normal(shape)).astype(dtype)


def compare_grad(fn, x, rtol=1e-4):
    """Forward and gradient of ``fn(module, x)`` (real or complex ``x``) for one fixed cotangent:
    the loss is ``sum(out.real * a + out.imag * b)``."""
    res = []
    for m in (ember, torch):
        t = m.tensor(x).requires_grad_()
        out = fn(m, t)
        dt = np.float32 if out.dtype in (m.float32, m.complex64) else np.float64
        a, b = m.tensor(rand(*out.shape, seed=3, dtype=dt)), m.tensor(rand(*out.shape, seed=4, dtype=dt))
        loss = (out.real * a + out.imag * b).sum() if out.is_complex() else (out * a).sum()
        loss.backward()
        res.append((out, t.grad))
    for e, t in zip(res[0], res[1]):
        assert_close(e, t.resolve_conj(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("norm", [None, "backward", "forward", "ortho"])
def test_one_d(name, norm):
    f = lambda m, x, **kw: getattr(m.fft, name)(x, norm=norm, **kw)   # noqa: E731
    compare_grad(f, rand(3, 8))
    compare_grad(lambda m, x: f(m, x, n=5, dim=0), rand(3, 8))          # padded
    compare_grad(lambda m, x: f(m, x, n=6), rand(3, 9))                 # trimmed
    compare_grad(f, rand(7, dtype=np.float64), 1e-8)
    if name not in REAL_ONLY:
        compare_grad(f, crand(4, 6))
        compare_grad(lambda m, x: f(m, x, n=7), crand(5))
        compare_grad(lambda m, x: f(m, x, n=4), crand(2, 7, dtype=np.complex128), 1e-8)


@pytest.mark.parametrize("name", N_D)
def test_n_d(name):
    f = getattr
    compare_grad(lambda m, x: f(m.fft, name)(x), rand(2, 4, 6))
    compare_grad(lambda m, x: f(m.fft, name)(x, norm="ortho"), rand(2, 4, 6))
    compare_grad(lambda m, x: f(m.fft, name)(x, s=(3, 8)), rand(2, 4, 6))
    compare_grad(lambda m, x: f(m.fft, name)(x, dim=(0, 2), norm="forward"), rand(2, 4, 6))
    if name not in REAL_ONLY:
        compare_grad(lambda m, x: f(m.fft, name)(x, s=(5, 4)), crand(3, 4, 4))


def test_gradcheck():
    gradcheck(lambda m, x: m.fft.rfft(x, n=10).abs(), rand(3, 8, dtype=np.float64))
    gradcheck(lambda m, x: m.fft.irfftn(m.fft.rfftn(x) * 2, s=x.shape), rand(4, 6, dtype=np.float64))
    gradcheck(lambda m, x: m.fft.hfft(x, n=9), rand(5, dtype=np.float64))


def test_dtypes_and_names():
    want = None
    for m in (ember, torch):
        x = m.ones(4, requires_grad=True)
        got = [str(m.fft.fft(m.arange(4)).dtype), str(m.fft.irfft(m.ones(3, dtype=m.complex128)).dtype),
               type(m.fft.fft(x).grad_fn).__name__, type(m.fft.rfft(x).grad_fn).__name__,
               type(m.fft.irfft(m.fft.rfft(x)).grad_fn).__name__,
               type(m.fft.fft(x.to(m.complex64)).grad_fn).__name__]
        if m is torch:
            assert got == want
        want = got


def test_shift_and_freq():
    check(lambda m, x: m.fft.fftshift(x), [rand(4, 5)])
    check(lambda m, x: m.fft.ifftshift(x, dim=1), [rand(4, 5)])
    check(lambda m, x: m.fft.fftshift(x, dim=(0,)), [rand(4, 5)])
    for args in [(5,), (6, 0.5), (1,)]:
        assert_close(ember.fft.fftfreq(*args), torch.fft.fftfreq(*args))
        assert_close(ember.fft.rfftfreq(*args), torch.fft.rfftfreq(*args))
    assert_close(ember.fft.fftfreq(4, dtype=ember.float64), torch.fft.fftfreq(4, dtype=torch.float64))


def test_bad_input():
    x = rand(4)
    check_raises(lambda m, x: m.fft.fft(x, norm="bad"), x)
    check_raises(lambda m, x: m.fft.fft(x, n=0), x)
    check_raises(lambda m, x: m.fft.fft(x, dim=3), x)
    check_raises(lambda m, x: m.fft.fft(x.half()), x)
    check_raises(lambda m, x: m.fft.rfft(x.to(m.complex64)), x)
    check_raises(lambda m, x: m.fft.fft2(x), x)
    check_raises(lambda m: m.fft.irfft(m.ones(1)))
    check_raises(lambda m, x: m.fft.fftn(x, s=(2, 2, 2)), rand(4, 4))


STFT_CASES = [dict(n_fft=16), dict(n_fft=16, hop_length=5, win="hann"), dict(n_fft=12, win_length=8, win="hann"),
              dict(n_fft=16, center=False, normalized=True), dict(n_fft=10, onesided=False, pad_mode="constant")]


def _win(m, kw):
    kw = dict(kw)
    w = kw.pop("win", None)
    if w:
        kw["window"] = m.hann_window(kw.get("win_length", kw["n_fft"]), dtype=m.float64)
    return kw


@pytest.mark.filterwarnings("ignore:A window was not provided")
@pytest.mark.parametrize("case", range(len(STFT_CASES)))
def test_stft(case):
    kw = STFT_CASES[case]
    compare_grad(lambda m, x: m.stft(x, return_complex=True, **_win(m, kw)), rand(2, 70, dtype=np.float64), 1e-8)
    compare_grad(lambda m, x: x.stft(return_complex=True, **_win(m, kw)), rand(70, dtype=np.float64), 1e-8)


@pytest.mark.parametrize("case", [1, 2, 3])
def test_istft(case):
    kw = STFT_CASES[case]

    def f(m, x):
        w = _win(m, kw)
        w.pop("pad_mode", None)
        spec = m.stft(x, return_complex=True, **w)
        return m.istft(spec * 1.5, length=70, **w)
    compare_grad(f, rand(2, 70, dtype=np.float64), 1e-8)
    compare_grad(lambda m, x: m.istft(m.stft(x, 16, window=m.hann_window(16, dtype=m.float64), return_complex=True),
                                      16, window=m.hann_window(16, dtype=m.float64)), rand(64, dtype=np.float64), 1e-8)


def test_stft_bad_input():
    check_raises(lambda m, x: m.stft(x, 16), rand(40))
    check_raises(lambda m, x: m.stft(x, 16, hop_length=0, return_complex=True), rand(40))
    check_raises(lambda m, x: m.stft(x, 16, window=m.ones(5), return_complex=True), rand(40))
    check_raises(lambda m, x: m.istft(x, 16), rand(9, 4))
