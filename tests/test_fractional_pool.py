"""fractional_max_pool2d / 3d against torch with the same random samples: values, indices,
gradients, output_ratio, unbatched input, and bad input."""
import numpy as np
import pytest
from oracle import check, check_raises, rand


@pytest.mark.parametrize("kw", [dict(kernel_size=2, output_size=4), dict(kernel_size=(3, 2), output_size=(3, 5)),
                                dict(kernel_size=2, output_ratio=(0.5, 0.7)), dict(kernel_size=3, output_size=1)])
def test_2d(kw):
    s = rand(2, 3, 2, low=0, high=1, seed=4)
    f = lambda m, x, s, **k: m.nn.functional.fractional_max_pool2d(x, _random_samples=m.tensor(s), **kw, **k)  # noqa
    check(lambda m, x: f(m, x, s), [rand(2, 3, 9, 8)])
    check(lambda m, x: f(m, x, s.astype(np.float64), return_indices=True), [rand(2, 3, 9, 8, dtype=np.float64)])
    check(lambda m, x: f(m, x, s[:1]), [rand(3, 9, 8)])                                    # unbatched


@pytest.mark.parametrize("kw", [dict(kernel_size=2, output_size=3), dict(kernel_size=(2, 3, 2), output_ratio=(0.5, 0.5, 0.6))])
def test_3d(kw):
    s = rand(2, 2, 3, low=0, high=1, seed=5)
    check(lambda m, x: m.nn.functional.fractional_max_pool3d(x, _random_samples=m.tensor(s), return_indices=True,
                                                             **kw), [rand(2, 2, 6, 7, 8)])


def test_nan_and_random():
    x = rand(1, 1, 6, 6)
    x[0, 0, 1, 1] = np.nan
    s = rand(1, 1, 2, low=0, high=1)
    check(lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3, _random_samples=m.tensor(s)), [x],
          grad=False)
    check(lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3).shape, [rand(2, 3, 8, 8)],
          grad=False)


def test_bad_input():
    check_raises(lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2), rand(1, 2, 8, 8))
    check_raises(lambda m, x: m.nn.functional.fractional_max_pool2d(x, 5, output_size=6), rand(1, 2, 8, 8))
    check_raises(lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3), rand(8, 8))


def test_modules():
    s = rand(2, 3, 2, low=0, high=1, seed=4)
    check(lambda m, x: m.nn.FractionalMaxPool2d(2, output_size=4, _random_samples=m.tensor(s))(x), [rand(2, 3, 9, 8)])
    check(lambda m, x: m.nn.FractionalMaxPool3d(2, output_ratio=0.5)(x).shape, [rand(1, 2, 6, 6, 6)], grad=False)
    check(lambda m: repr(m.nn.FractionalMaxPool2d(2, output_size=3)), [], grad=False)
