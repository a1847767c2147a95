"""ember.masked against torch.masked: every function with a mask (broadcast, fully
masked-out rows), values, dtypes and gradients. (The OpInfo run covers more samples.)"""
import numpy as np
import pytest
from oracle import check, check_raises, rand

MASK = np.array([[True, False, True, True], [False, False, False, False], [True, True, False, True]])
REDUCE = ["sum", "prod", "amax", "amin", "mean", "norm", "var", "std", "logsumexp"]


@pytest.mark.parametrize("name", REDUCE)
def test_reductions(name):
    f = lambda m, x, **kw: getattr(m.masked, name)(x, **kw)  # noqa: E731
    check(lambda m, x: f(m, x, dim=1, mask=m.tensor(MASK)), [rand(3, 4, dtype=np.float64)])
    check(lambda m, x: f(m, x, dim=(0, 1), keepdim=True, mask=m.tensor(MASK[0])), [rand(3, 4, dtype=np.float64)])
    check(lambda m, x: f(m, x, dim=0), [rand(3, 4)])


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "softmax", "log_softmax", "softmin", "argmax", "argmin",
                                  "median"])
def test_along_dim(name):
    x = rand(3, 4, dtype=np.float64)
    grad = name not in ("argmax", "argmin")
    check(lambda m, x: getattr(m.masked, name)(x, 1, mask=m.tensor(MASK)), [x], grad=grad)


def test_others_and_errors():
    x, y = rand(3, 4, dtype=np.float64), rand(3, 4, dtype=np.float64, seed=1)
    check(lambda m, x, y: m.masked.logaddexp(x, y, input_mask=m.tensor(MASK), other_mask=m.tensor(~MASK)), [x, y])
    check(lambda m, x: m.masked.normalize(x, 2.0, 1, mask=m.tensor(MASK)), [x])
    check(lambda m, x: m.masked.sum(x.long(), 1, mask=m.tensor(MASK)), [x], grad=False)
    check(lambda m, x: m.masked.var(x, 1, unbiased=False, mask=m.tensor(MASK)), [x])
    check_raises(lambda m, x: m.masked.mean(x.long(), mask=m.tensor(MASK)), x)
    check_raises(lambda m, x: m.masked.sum(x, 2), x)
