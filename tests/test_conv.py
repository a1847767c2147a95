"""conv1d/2d/3d, conv_transpose, unfold/fold and the Conv modules against torch."""
import math

import numpy as np
import pytest
import torch
from oracle import assert_close, check, check_raises, gradcheck, rand

import ember
from ember.ops import conv as EC


def F(m):
    return EC if m is ember else torch.nn.functional


CONV2D = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(padding=(2, 1), stride=(1, 2)),
    dict(dilation=2, padding=2),
    dict(groups=2),
    dict(groups=4, padding=1),
    dict(padding="same"),
    dict(padding="same", dilation=(2, 1)),
    dict(padding="valid", stride=3),
]


@pytest.mark.parametrize("kw", CONV2D)
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d(kw, batch, bias):
    g = kw.get("groups", 1)
    x = rand(batch, 4, 9, 8, seed=1)
    w = rand(8, 4 // g, 3, 2, seed=2)
    b = rand(8, seed=3) if bias else None
    if bias:
        check(lambda m, x, w, b: F(m).conv2d(x, w, b, **kw), [x, w, b])
    else:
        check(lambda m, x, w: F(m).conv2d(x, w, **kw), [x, w])


def test_conv2d_unbatched_and_noncontiguous():
    x = rand(3, 9, 10, seed=4)
    w = rand(5, 3, 3, 3, seed=5)
    check(lambda m, x, w: F(m).conv2d(x, w, padding=1), [x, w])
    xt = rand(2, 10, 9, 3, seed=6)
    check(lambda m, x, w: F(m).conv2d(_perm(m, x), w, stride=2), [xt, w])


def _perm(m, x):
    if m is torch:
        return x.permute(0, 3, 1, 2)
    return _eperm(x)


def _eperm(x):
    # non-contiguous ember input that still carries grad: slice-free transpose via an op
    from ember.ops._apply import Op, apply

    class P(Op):
        view = True

        def forward(self, a):
            return a.transpose(0, 3, 1, 2)

        def backward(self, g):
            return g.transpose(0, 2, 3, 1),
    return apply(P, x)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=2), dict(dilation=3, groups=2),
                                dict(padding="same", dilation=2)])
def test_conv1d(kw):
    x = rand(2, 4, 13, seed=7)
    w = rand(6, 4 // kw.get("groups", 1), 3, seed=8)
    b = rand(6, seed=9)
    check(lambda m, x, w, b: F(m).conv1d(x, w, b, **kw), [x, w, b])


@pytest.mark.parametrize("kw", [dict(), dict(stride=(1, 2, 1), padding=1), dict(groups=2, dilation=(1, 1, 2))])
def test_conv3d(kw):
    x = rand(2, 4, 5, 6, 7, seed=10)
    w = rand(4, 4 // kw.get("groups", 1), 2, 3, 2, seed=11)
    b = rand(4, seed=12)
    check(lambda m, x, w, b: F(m).conv3d(x, w, b, **kw), [x, w, b])


def test_conv_float64_and_dtype():
    x = rand(2, 3, 6, 6, seed=13, dtype=np.float64)
    w = rand(4, 3, 3, 3, seed=14, dtype=np.float64)
    e, t = check(lambda m, x, w: F(m).conv2d(x, w, padding=1), [x, w])
    assert str(e.dtype) == "torch.float64"
    e, _ = check(lambda m, x, w: F(m).conv2d(x, w), [x.astype(np.float32), w.astype(np.float32)])
    assert str(e.dtype) == "torch.float32"


CT = [dict(), dict(stride=2), dict(stride=2, output_padding=1), dict(padding=1, dilation=2),
      dict(groups=2, stride=(2, 3), output_padding=(1, 2), padding=(1, 0)), dict(stride=3, dilation=2, output_padding=2)]


@pytest.mark.parametrize("kw", CT)
@pytest.mark.parametrize("batch", [1, 2])
def test_conv_transpose2d(kw, batch):
    g = kw.get("groups", 1)
    x = rand(batch, 4, 5, 6, seed=15)
    w = rand(4, 3, 3, 2, seed=16)
    b = rand(3 * g, seed=17)
    check(lambda m, x, w, b: F(m).conv_transpose2d(x, w, b, **kw), [x, w, b])


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, output_padding=1), dict(groups=2, dilation=2)])
def test_conv_transpose1d(kw):
    x = rand(2, 4, 7, seed=18)
    w = rand(4, 3, 3, seed=19)
    check(lambda m, x, w: F(m).conv_transpose1d(x, w, **kw), [x, w])
    check(lambda m, x, w: F(m).conv_transpose1d(x, w, **kw), [x[0], w])


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2, padding=1),
                                dict(kernel_size=3, dilation=(2, 1), padding=(2, 0), stride=(1, 2))])
def test_unfold_fold(kw):
    x = rand(2, 3, 8, 7, seed=20)
    e, t = check(lambda m, x: F(m).unfold(x, **kw), [x])
    cols = rand(*t.shape, seed=21)
    check(lambda m, c: F(m).fold(c, (8, 7), **kw), [cols])
    check(lambda m, c: F(m).fold(c, (8, 7), **kw), [cols[0]])
    check(lambda m, x: F(m).unfold(x, **kw), [x[0]])


def test_gradcheck():
    x = rand(2, 4, 5, 4, seed=22)
    w = rand(4, 2, 2, 3, seed=23)
    b = rand(4, seed=24)
    gradcheck(lambda m, x, w, b: m.ops.conv.conv2d(x, w, b, stride=(2, 1), padding=1, groups=2, dilation=(1, 2)), x, w, b)
    gradcheck(lambda m, x, w, b: m.ops.conv.conv_transpose2d(x, w, b[:2], stride=2, output_padding=1, padding=1),
              x[:1], rand(4, 2, 3, 2, seed=25), b)
    gradcheck(lambda m, x, w: m.ops.conv.conv1d(x, w, padding="same"), rand(1, 2, 6, seed=26), rand(3, 2, 4, seed=27))
    gradcheck(lambda m, x: m.ops.conv.unfold(x, 2, padding=1, stride=2), x[:1])
    gradcheck(lambda m, c: m.ops.conv.fold(c, (4, 5), 2, stride=(2, 1)), rand(1, 8, 8, seed=28))


def test_errors():
    x = rand(2, 3, 8, 8)
    w = rand(4, 2, 3, 3)
    check_raises(lambda m, x, w: F(m).conv2d(x, w), x, w)                       # channels
    check_raises(lambda m, x, w: F(m).conv2d(x, w), rand(8, 8), w)              # rank
    check_raises(lambda m, x, w: F(m).conv2d(x, w), rand(2, 2, 2, 2), w)        # kernel too big
    check_raises(lambda m, x, w: F(m).conv2d(x, w, stride=2, padding="same"), rand(2, 2, 8, 8), w)
    check_raises(lambda m, x, w: F(m).conv2d(x, w, groups=3), rand(2, 6, 8, 8), w)
    check_raises(lambda m, x, w: F(m).conv2d(x, w), x.astype(np.float64), rand(4, 3, 3, 3))
    check_raises(lambda m, x, w: F(m).conv_transpose2d(x, w, stride=2, output_padding=2), rand(1, 4, 3, 3), w)
    check_raises(lambda m, x: F(m).fold(x, (4, 4), 2), rand(1, 7, 9))
    check_raises(lambda m, x: F(m).unfold(x, 2), rand(1, 1, 4, 4, 4))


# ---- modules ----------------------------------------------------------------------------

def _copy_params(em, tm):
    for (n, p), (n2, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert n == n2
        p._data[...] = q.detach().numpy()


@pytest.mark.parametrize("cls,args,kw,shape", [
    ("Conv2d", (1, 32, 3), dict(padding=1), (2, 1, 8, 8)),
    ("Conv2d", (4, 6, (3, 2)), dict(stride=2, groups=2, bias=False), (2, 4, 9, 8)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 3), dict(padding=2, padding_mode="circular"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 4), dict(padding="same", padding_mode="replicate"), (2, 3, 6, 7)),
    ("Conv1d", (3, 4, 3), dict(padding="same", dilation=2), (2, 3, 10)),
    ("Conv3d", (2, 3, 2), dict(), (1, 2, 4, 4, 4)),
    ("ConvTranspose2d", (4, 3, 3), dict(stride=2, output_padding=1), (2, 4, 5, 5)),
    ("ConvTranspose1d", (4, 2, 3), dict(stride=3, groups=2), (2, 4, 5)),
])
def test_modules(cls, args, kw, shape):
    torch.manual_seed(0)
    tm = getattr(torch.nn, cls)(*args, **kw)
    em = getattr(ember.nn, cls)(*args, **kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict().keys()) == list(tm.state_dict().keys())
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert tuple(p.shape) == tuple(q.shape)
        # default init: kaiming_uniform(a=sqrt(5)) => bound 1/sqrt(fan_in)
        fan_in = q.shape[1] * math.prod(q.shape[2:]) if n == "weight" else None
        if fan_in:
            assert np.abs(p.detach().numpy()).max() <= 1 / math.sqrt(fan_in) + 1e-6
    _copy_params(em, tm)
    x = rand(*shape, seed=30)
    xe, xt = ember.tensor(x).requires_grad_(), torch.tensor(x, requires_grad=True)
    ye, yt = em(xe), tm(xt)
    assert_close(ye, yt)
    w = rand(*yt.shape, seed=31)
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    assert_close(xe.grad, xt.grad)
    for (_, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert_close(p.grad, q.grad)


def test_conv_transpose_output_size_and_fold_modules():
    torch.manual_seed(0)
    tm = torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    em = ember.nn.ConvTranspose2d(2, 3, 3, stride=2)
    _copy_params(em, tm)
    x = rand(1, 2, 4, 4)
    assert_close(em(ember.tensor(x), output_size=[10, 10]), tm(torch.tensor(x), output_size=[10, 10]))
    assert repr(ember.nn.Fold(4, 2)) == repr(torch.nn.Fold(4, 2))
    assert repr(ember.nn.Unfold((2, 3), padding=1)) == repr(torch.nn.Unfold((2, 3), padding=1))
    c = rand(2, 12, 15)
    assert_close(ember.nn.Fold((4, 5), (2, 3), padding=(0, 1))(ember.tensor(c)),
                 torch.nn.Fold((4, 5), (2, 3), padding=(0, 1))(torch.tensor(c)))
    with pytest.raises(ValueError):
        ember.nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError):
        ember.nn.Conv2d(3, 3, 3, stride=2, padding="same")


@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=2, padding=(0, 1)), dict(dilation=2, padding="same"),
                                dict(groups=2, padding=1)])
def test_conv2d_wide_gemm_path(kw):
    # C/groups * kh * kw > 64 takes the (C*K, B*L) single-GEMM layout
    x = rand(3, 16, 9, 10, seed=40)
    w = rand(12, 16 // kw.get("groups", 1), 3, 3, seed=41) if kw.get("groups", 1) == 1 else rand(12, 8, 3, 5, seed=41)
    b = rand(12, seed=42)
    check(lambda m, x, w, b: F(m).conv2d(x, w, b, **kw), [x, w, b])
    check(lambda m, x, w, b: F(m).conv2d(x, w, b, **kw), [x[0], w, b])


def test_conv3d_wide_and_gradcheck_wide():
    check(lambda m, x, w: F(m).conv3d(x, w, padding=1), [rand(2, 4, 4, 5, 3, seed=43), rand(3, 4, 3, 3, 3, seed=44)])
    gradcheck(lambda m, x, w: m.ops.conv.conv2d(x, w, padding=1), rand(1, 8, 3, 4, seed=45), rand(2, 8, 3, 3, seed=46))
