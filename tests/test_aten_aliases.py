"""grid_sampler_2d/3d, native_layer_norm / native_batch_norm / native_group_norm and
nn.functional.linear_cross_entropy against torch (values and gradients)."""
import numpy as np
import pytest
from oracle import check, rand


@pytest.mark.parametrize("interp,pad", [(0, 0), (1, 1), (0, 2), (2, 0)])
def test_grid_sampler(interp, pad):
    check(lambda m, x, g: m.grid_sampler_2d(x, g, interp, pad, False), [rand(2, 3, 5, 6), rand(2, 4, 3, 2)])
    if interp != 2:
        check(lambda m, x, g: m.grid_sampler_3d(x, g, interp, pad, True), [rand(1, 2, 3, 4, 5), rand(1, 2, 3, 2, 3)])


def test_native_norms():
    x = rand(4, 6, 5, dtype=np.float64)
    check(lambda m, x, w, b: m.native_layer_norm(x, (6, 5), w, b, 1e-5), [x, rand(6, 5, dtype=np.float64),
                                                                         rand(6, 5, dtype=np.float64)])
    check(lambda m, x, w, b: m.native_group_norm(x, w, b, 4, 6, 5, 3, 1e-5), [x, rand(6, dtype=np.float64),
                                                                             rand(6, dtype=np.float64)])
    rm, rv = rand(6, dtype=np.float64), rand(6, dtype=np.float64, low=0.5, high=1)
    for training in (True, False):
        check(lambda m, x, w, b: m.native_batch_norm(x, w, b, m.tensor(rm), m.tensor(rv), training, 0.1, 1e-5),
              [x, rand(6, dtype=np.float64), rand(6, dtype=np.float64)])


def test_linear_cross_entropy():
    x, w, b = rand(5, 4), rand(3, 4, seed=1), rand(3, seed=2)
    t = np.array([0, 2, 1, 2, 0])
    check(lambda m, x, w, b, t: m.nn.functional.linear_cross_entropy(x, w, t, linear_bias=b), [x, w, b, t])
    check(lambda m, x, w, t: m.nn.functional.linear_cross_entropy(x, w, t, reduction="none", ignore_index=2,
                                                                  label_smoothing=0.1), [x, w, t])
