"""Pooling ops and modules against torch."""
import numpy as np
import pytest
import torch
from oracle import assert_close, check, check_raises, gradcheck, rand

import ember
import ember.nn.functional as EP


def F(m):
    return EP if m is ember else torch.nn.functional


def ties(*shape, seed=0):
    return np.random.RandomState(seed).randint(0, 3, shape).astype(np.float32)


MAX2D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(3, 2), stride=(2, 1)),
         dict(kernel_size=2, dilation=2), dict(kernel_size=3, stride=2, ceil_mode=True),
         dict(kernel_size=(2, 3), stride=2, padding=(1, 1), ceil_mode=True, dilation=(1, 2)),
         dict(kernel_size=3, stride=1, padding=1)]


@pytest.mark.parametrize("kw", MAX2D)
@pytest.mark.parametrize("gen", ["rand", "ties"])
def test_max_pool2d(kw, gen):
    x = rand(2, 3, 9, 8, seed=1) if gen == "rand" else ties(2, 3, 9, 8)
    check(lambda m, x: F(m).max_pool2d(x, **kw), [x])
    check(lambda m, x: F(m).max_pool2d(x, return_indices=True, **kw), [x])
    check(lambda m, x: F(m).max_pool2d(x, **kw), [x[0]])


def test_max_pool_noncontig_nan_int():
    x = rand(2, 8, 6, 3, seed=2)
    check(lambda m, x: F(m).max_pool2d(x.transpose(1, 3), 2), [x])
    y = rand(1, 2, 4, 4, seed=3)
    y[0, 0, 1, 1] = np.nan
    check(lambda m, x: F(m).max_pool2d(x, 2, return_indices=True), [y])
    check(lambda m, x: F(m).max_pool2d(x, 2, return_indices=True), [rand(1, 2, 4, 4, dtype=np.int64)], grad=False)
    check(lambda m, x: F(m).max_pool2d(x, 2), [rand(1, 2, 4, 4, dtype=np.float64)])


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=4, stride=1, dilation=2)])
def test_max_pool1d_3d(kw):
    check(lambda m, x: F(m).max_pool1d(x, return_indices=True, **kw), [ties(2, 3, 13)])
    check(lambda m, x: F(m).max_pool1d(x, **kw), [rand(3, 13, seed=4)])
    if kw.get("dilation", 1) == 1:
        check(lambda m, x: F(m).max_pool3d(x, return_indices=True, **kw), [rand(1, 2, 6, 7, 5, seed=5)])


AVG2D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)),
         dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)]


@pytest.mark.parametrize("kw", AVG2D)
@pytest.mark.parametrize("cip", [True, False])
def test_avg_pool2d(kw, cip):
    x = rand(2, 3, 9, 8, seed=6)
    check(lambda m, x: F(m).avg_pool2d(x, count_include_pad=cip, **kw), [x])
    check(lambda m, x: F(m).avg_pool2d(x, count_include_pad=cip, divisor_override=5, **kw), [x])
    check(lambda m, x: F(m).avg_pool1d(x, count_include_pad=cip, **{k: (v[0] if isinstance(v, tuple) else v)
                                                                     for k, v in kw.items()}), [x[0]])


def test_avg_pool_int_and_3d():
    check(lambda m, x: F(m).avg_pool2d(x, 2), [rand(1, 2, 4, 6, dtype=np.int64)], grad=False)
    check(lambda m, x: F(m).avg_pool3d(x, 2, stride=1, padding=1), [rand(1, 2, 4, 5, 3, seed=7)])


@pytest.mark.parametrize("osize", [1, 3, (4, 5), (None, 3), (9, 8), (5, 7), (2, None)])
def test_adaptive(osize):
    x = rand(2, 3, 9, 8, seed=8)
    check(lambda m, x: F(m).adaptive_avg_pool2d(x, osize), [x])
    check(lambda m, x: F(m).adaptive_max_pool2d(x, osize), [x])
    check(lambda m, x: F(m).adaptive_max_pool2d(x, osize, return_indices=True), [ties(2, 3, 9, 8)])
    check(lambda m, x: F(m).adaptive_avg_pool2d(x, osize), [x[0]])


def test_adaptive_1d():
    x = rand(2, 3, 11, seed=9)
    for o in (1, 4, 11, 6):
        check(lambda m, x: F(m).adaptive_avg_pool1d(x, o), [x])
        check(lambda m, x: F(m).adaptive_max_pool1d(x, o, return_indices=True), [x])


def test_lp_pool_and_unpool():
    x = np.abs(rand(2, 3, 9, 8, seed=10)) + 0.1
    check(lambda m, x: F(m).lp_pool2d(x, 2, 3, 2), [x])
    check(lambda m, x: F(m).lp_pool2d(x, 3, (2, 3), ceil_mode=True), [x])
    check(lambda m, x: F(m).lp_pool1d(x, 1.5, 3), [x[0]])
    y = rand(2, 3, 8, 6, seed=11)
    _, i_e = EP.max_pool2d(ember.tensor(y), 2, return_indices=True)
    o, i_t = torch.nn.functional.max_pool2d(torch.tensor(y), 2, return_indices=True)
    check(lambda m, x: F(m).max_unpool2d(x, i_e if m is ember else i_t, 2), [o.numpy()])
    check(lambda m, x: F(m).max_unpool2d(x, i_e if m is ember else i_t, 2, output_size=(9, 7)), [o.numpy()])


def test_gradcheck():
    x = rand(1, 2, 5, 6, seed=12)
    gradcheck(lambda m, x: m.ops.pooling.max_pool2d(x, 3, 2, 1, ceil_mode=True), x)
    gradcheck(lambda m, x: m.ops.pooling.avg_pool2d(x, 3, 2, 1, count_include_pad=False, ceil_mode=True), x)
    gradcheck(lambda m, x: m.ops.pooling.adaptive_avg_pool2d(x, (3, 4)), x)
    gradcheck(lambda m, x: m.ops.pooling.adaptive_max_pool2d(x, (3, 4)), x)
    gradcheck(lambda m, x: m.ops.pooling.max_pool1d(x, 2, 1), x[0])
    gradcheck(lambda m, x: m.ops.pooling.lp_pool2d(x, 2, 2), np.abs(x) + 0.5)


def test_errors():
    x = rand(1, 2, 4, 4)
    check_raises(lambda m, x: F(m).max_pool2d(x, 2, padding=2), x)
    check_raises(lambda m, x: F(m).avg_pool2d(x, 2, padding=2), x)
    check_raises(lambda m, x: F(m).max_pool2d(x, 5), x)
    check_raises(lambda m, x: F(m).avg_pool2d(x, 5), x)
    check_raises(lambda m, x: F(m).max_pool2d(x, 2), rand(4, 4))
    check_raises(lambda m, x: F(m).adaptive_avg_pool2d(x, 2), rand(1, 2, 4, 4, dtype=np.int64))


# ---- modules ----------------------------------------------------------------------------

@pytest.mark.parametrize("cls,args,kw,shape", [
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool2d", (3, 2, 1), dict(ceil_mode=True), (2, 3, 9, 8)),
    ("MaxPool1d", (3, 2), {}, (2, 3, 9)),
    ("AvgPool2d", (3, 2, 1), dict(count_include_pad=False), (2, 3, 9, 8)),
    ("AvgPool1d", (2,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((None, 3),), {}, (2, 3, 9, 8)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveMaxPool2d", (2,), {}, (2, 3, 9, 8)),
    ("LPPool2d", (2, 3), {}, (2, 3, 9, 8)),
])
def test_modules(cls, args, kw, shape):
    tm = getattr(torch.nn, cls)(*args, **kw)
    em = getattr(ember.nn, cls)(*args, **kw)
    assert repr(em) == repr(tm)
    x = rand(*shape, seed=13)
    check(lambda m, x: (em if m is ember else tm)(x), [x])


def test_maxunpool_module():
    y = rand(1, 2, 4, 4, seed=14)
    o, i = ember.nn.MaxPool2d(2, return_indices=True)(ember.tensor(y))
    ot, it = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(y))
    assert_close(ember.nn.MaxUnpool2d(2)(o, i), torch.nn.MaxUnpool2d(2)(ot, it))
    assert repr(ember.nn.MaxUnpool2d(2)) == repr(torch.nn.MaxUnpool2d(2))
