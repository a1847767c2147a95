"""interpolate, grid_sample, affine_grid, pad, pixel_shuffle and the modules against torch."""
import warnings

import numpy as np
import pytest
import torch
from oracle import check, check_raises, gradcheck, rand

import ember
from ember.ops import sampling as ES

warnings.filterwarnings("ignore", message="Default grid_sample")


def F(m):
    return ES if m is ember else torch.nn.functional


SIZES = [dict(size=(8, 11)), dict(size=(3, 4)), dict(size=5), dict(scale_factor=2), dict(scale_factor=(1.7, 0.6)),
         dict(scale_factor=1.5, recompute_scale_factor=True), dict(scale_factor=0.5)]


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "area"])
@pytest.mark.parametrize("kw", SIZES)
def test_interpolate_nearest_area(mode, kw):
    x = rand(2, 3, 5, 7, seed=1)
    check(lambda m, x: F(m).interpolate(x, mode=mode, **kw), [x])


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("kw", SIZES)
@pytest.mark.parametrize("ac", [False, True])
def test_interpolate_linear_cubic(mode, kw, ac):
    x = rand(2, 3, 5, 7, seed=2)
    check(lambda m, x: F(m).interpolate(x, mode=mode, align_corners=ac, **kw), [x])


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("kw", [dict(size=(3, 4)), dict(scale_factor=0.4), dict(size=(2, 9))])
@pytest.mark.parametrize("ac", [False, True])
def test_interpolate_antialias(mode, kw, ac):
    x = rand(2, 3, 8, 7, seed=3)
    check(lambda m, x: F(m).interpolate(x, mode=mode, align_corners=ac, antialias=True, **kw), [x])


def test_interpolate_1d_3d():
    x = rand(2, 3, 6, seed=4)
    for kw in (dict(scale_factor=2.5), dict(size=4)):
        for ac in (False, True):
            check(lambda m, x: F(m).interpolate(x, mode="linear", align_corners=ac, **kw), [x])
        check(lambda m, x: F(m).interpolate(x, mode="nearest", **kw), [x])
        check(lambda m, x: F(m).interpolate(x, mode="area", **kw), [x])
    v = rand(1, 2, 3, 4, 5, seed=5)
    for ac in (False, True):
        check(lambda m, x: F(m).interpolate(x, size=(5, 6, 3), mode="trilinear", align_corners=ac), [v])
    check(lambda m, x: F(m).interpolate(x, scale_factor=2, mode="nearest"), [v])
    check(lambda m, x: F(m).interpolate(x, scale_factor=(2, 1, 0.5), mode="nearest-exact"), [v])


def test_interpolate_float64_noncontig():
    x = rand(2, 4, 5, 3, seed=6, dtype=np.float64)
    e, t = check(lambda m, x: F(m).interpolate(x.transpose(1, 3), scale_factor=2, mode="bilinear"), [x])
    assert str(e.dtype) == "torch.float64"


def test_interpolate_errors():
    x = rand(1, 2, 4, 4)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, scale_factor=2), x)
    check_raises(lambda m, x: F(m).interpolate(x), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, align_corners=True), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, mode="linear"), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, mode="trilinear"), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=(3, 3, 3)), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, recompute_scale_factor=True), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, mode="nearest", antialias=True), x)
    check_raises(lambda m, x: F(m).interpolate(x, size=3, mode="bilinear"), rand(2, 4))


def test_upsample_aliases():
    x = rand(1, 2, 3, 4, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x: F(m).upsample(x, scale_factor=2, mode="bilinear"), [x])
        check(lambda m, x: F(m).upsample_nearest(x, size=(5, 6)), [x])
        check(lambda m, x: F(m).upsample_bilinear(x, scale_factor=2), [x])


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("pm", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sample(mode, pm, ac):
    x = rand(2, 3, 5, 6, seed=8)
    g = rand(2, 4, 3, 2, seed=9, low=-1.3, high=1.3)
    check(lambda m, x, g: F(m).grid_sample(x, g, mode=mode, padding_mode=pm, align_corners=ac), [x, g],
          rtol=1e-4, atol=2e-4)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("pm", ["zeros", "border", "reflection"])
def test_grid_sample_gradcheck(mode, pm):
    x = rand(1, 2, 3, 4, seed=10)
    g = rand(1, 2, 3, 2, seed=11, low=-1.2, high=1.2)
    gradcheck(lambda m, x, g: m.ops.sampling.grid_sample(x, g, mode=mode, padding_mode=pm), x, g)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("pm", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("ac", [False, True])
def test_grid_sample_3d(mode, pm, ac):
    """Volumetric input (N, C, D, H, W) with a (N, Do, Ho, Wo, 3) grid."""
    x = rand(2, 3, 4, 5, 6, seed=16)
    g = rand(2, 3, 2, 4, 3, seed=17, low=-1.3, high=1.3)
    check(lambda m, x, g: F(m).grid_sample(x, g, mode=mode, padding_mode=pm, align_corners=ac), [x, g],
          rtol=1e-4, atol=2e-4)


@pytest.mark.parametrize("pm", ["zeros", "border", "reflection"])
def test_grid_sample_3d_gradcheck(pm):
    x = rand(1, 2, 3, 4, 3, seed=18)
    g = rand(1, 2, 2, 3, 3, seed=19, low=-1.2, high=1.2)
    gradcheck(lambda m, x, g: m.ops.sampling.grid_sample(x, g, padding_mode=pm, align_corners=False),
              x, g)


def test_grid_sample_3d_errors():
    check_raises(lambda m, x, g: F(m).grid_sample(x, g, mode="bicubic", align_corners=False),
                 rand(1, 2, 3, 4, 5), rand(1, 2, 2, 2, 3))
    check_raises(lambda m, x, g: F(m).grid_sample(x, g, align_corners=False),
                 rand(1, 2, 3, 4, 5), rand(1, 2, 2, 2, 2))
    check_raises(lambda m, x, g: F(m).grid_sample(x, g, align_corners=False),
                 rand(1, 2, 3, 4, 5), rand(1, 2, 2, 3))
    assert type(F(ember).grid_sample(ember.tensor(rand(1, 2, 3, 4, 5), requires_grad=True),
                                     ember.tensor(rand(1, 2, 2, 2, 3)), align_corners=False)
                .grad_fn).__name__ == "GridSampler3DBackward0"


@pytest.mark.parametrize("ac", [False, True])
def test_affine_grid(ac):
    th = rand(2, 2, 3, seed=12)
    check(lambda m, t: F(m).affine_grid(t, (2, 3, 4, 5), align_corners=ac), [th])
    check(lambda m, t: F(m).affine_grid(t, (2, 3, 1, 5), align_corners=ac), [th])
    check(lambda m, t: F(m).affine_grid(t, (2, 3, 2, 4, 5), align_corners=ac), [rand(2, 3, 4, seed=13)])
    gradcheck(lambda m, t: m.ops.sampling.affine_grid(t, (2, 1, 3, 2), align_corners=ac), th)


def test_affine_grid_then_sample():
    th = rand(2, 2, 3, seed=14)
    x = rand(2, 3, 6, 6, seed=15)
    check(lambda m, t, x: F(m).grid_sample(x, F(m).affine_grid(t, (2, 3, 4, 4), align_corners=False),
                                           align_corners=False), [th, x], rtol=1e-4, atol=2e-4)


def test_affine_grid_sample_errors():
    check_raises(lambda m, t: F(m).affine_grid(t, (2, 3, 4, 5)), rand(2, 3, 3))
    check_raises(lambda m, t: F(m).affine_grid(t, (2, 3, 4)), rand(2, 2, 3))
    check_raises(lambda m, x, g: F(m).grid_sample(x, g), rand(2, 3, 4, 4), rand(3, 2, 2, 2))
    check_raises(lambda m, x, g: F(m).grid_sample(x, g, mode="foo"), rand(2, 3, 4, 4), rand(2, 2, 2, 2))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("p", [(1, 2), (2, 1, 0, 3), (1, 1, 2, 2, 1, 0)])
def test_pad(mode, p):
    n = len(p) // 2
    x = rand(*((2, 3, 4, 5, 6)[:n + 2]), seed=16)
    check(lambda m, x: F(m).pad(x, p, mode=mode), [x])
    check(lambda m, x: F(m).pad(x, p, mode=mode), [x[0]])


def test_pad_constant_extra():
    x = rand(2, 3, 4, 5, seed=17)
    check(lambda m, x: F(m).pad(x, (-1, 2, 3, -2), value=1.5), [x])
    check(lambda m, x: F(m).pad(x, (1, 1, 0, 0, 2, 1, 1, 0)), [x])
    check(lambda m, x: F(m).pad(x, (1, 2), value=7), [rand(2, 4, dtype=np.int64)], grad=False)
    gradcheck(lambda m, x: m.ops.sampling.pad(x, (1, 2, 2, 1), mode="reflect"), x[:1, :1])
    gradcheck(lambda m, x: m.ops.sampling.pad(x, (1, 2, 2, 1), mode="circular"), x[:1, :1])
    gradcheck(lambda m, x: m.ops.sampling.pad(x, (3, 2, 2, 1), mode="replicate"), x[:1, :1])


def test_pad_errors():
    x = rand(1, 2, 3, 3)
    check_raises(lambda m, x: F(m).pad(x, (1, 2, 3)), x)
    check_raises(lambda m, x: F(m).pad(x, (3, 3), mode="reflect"), x)
    check_raises(lambda m, x: F(m).pad(x, (1, 1), mode="reflect"), x)


def test_pixel_shuffle():
    check(lambda m, x: F(m).pixel_shuffle(x, 2), [rand(2, 8, 3, 4, seed=18)])
    check(lambda m, x: F(m).pixel_shuffle(x, 3), [rand(9, 2, 2, seed=19)])
    check(lambda m, x: F(m).pixel_unshuffle(x, 2), [rand(2, 2, 4, 6, seed=20)])
    check(lambda m, x: F(m).pixel_unshuffle(x, 2), [rand(3, 2, 2, 4, 6, seed=21)])
    check_raises(lambda m, x: F(m).pixel_shuffle(x, 2), rand(2, 6, 3, 3))
    check_raises(lambda m, x: F(m).pixel_unshuffle(x, 2), rand(2, 6, 3, 4))
    gradcheck(lambda m, x: m.ops.sampling.pixel_shuffle(x, 2), rand(1, 4, 2, 2))


def test_interp_gradcheck():
    x = rand(1, 2, 3, 4, seed=22)
    for mode, ac in (("bilinear", False), ("bicubic", True), ("nearest", None), ("area", None)):
        gradcheck(lambda m, x: m.ops.sampling.interpolate(x, size=(4, 3), mode=mode, align_corners=ac), x)


# ---- modules ----------------------------------------------------------------------------

@pytest.mark.parametrize("cls,args,kw,shape", [
    ("Upsample", (), dict(scale_factor=2), (2, 3, 4, 5)),
    ("Upsample", (), dict(size=(3, 7), mode="bilinear"), (2, 3, 4, 5)),
    ("Upsample", (), dict(scale_factor=1.5, mode="bicubic", align_corners=True), (2, 3, 4, 5)),
    ("UpsamplingNearest2d", (), dict(scale_factor=2), (2, 3, 4, 5)),
    ("UpsamplingBilinear2d", (), dict(size=(6, 6)), (2, 3, 4, 5)),
    ("ZeroPad2d", ((1, 2, 0, 1),), {}, (2, 3, 4, 5)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 3, 4)),
    ("ConstantPad2d", ((1, 0, 2, 1), -1.0), {}, (2, 3, 4, 5)),
    ("ReflectionPad1d", (2,), {}, (2, 3, 4)),
    ("ReflectionPad2d", ((1, 2, 3, 0),), {}, (2, 3, 4, 5)),
    ("ReplicationPad1d", ((3, 1),), {}, (2, 3, 4)),
    ("ReplicationPad2d", (2,), {}, (2, 3, 4, 5)),
    ("CircularPad2d", (1,), {}, (2, 3, 4, 5)),
    ("PixelShuffle", (2,), {}, (2, 8, 3, 3)),
    ("PixelUnshuffle", (2,), {}, (2, 2, 4, 6)),
])
def test_modules(cls, args, kw, shape):
    tm = getattr(torch.nn, cls)(*args, **kw)
    em = getattr(ember.nn, cls)(*args, **kw)
    assert repr(em) == repr(tm)
    check(lambda m, x: (em if m is ember else tm)(x), [rand(*shape, seed=23)])
