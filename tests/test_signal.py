"""ember.signal.windows against torch.signal.windows: every window, both symmetries, dtypes,
parameters, edge lengths and bad input."""
import pytest
from oracle import check, check_raises

NAMES = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_hamming", "hamming", "hann",
         "kaiser", "nuttall"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("M", [0, 1, 2, 7, 16])
@pytest.mark.parametrize("sym", [True, False])
def test_windows(name, M, sym):
    check(lambda m: getattr(m.signal.windows, name)(M, sym=sym), [], grad=False)
    check(lambda m: getattr(m.signal.windows, name)(M, sym=sym, dtype=m.float64), [], grad=False)


def test_parameters_and_errors():
    w = lambda m: m.signal.windows  # noqa: E731
    check(lambda m: w(m).general_cosine(9, a=[0.46, 0.23, 0.31]), [], grad=False)
    check(lambda m: w(m).gaussian(9, std=2.5), [], grad=False)
    check(lambda m: w(m).kaiser(9, beta=3.0, sym=False), [], grad=False)
    check(lambda m: w(m).exponential(9, tau=3.0, center=2.0, sym=False), [], grad=False)
    check(lambda m: w(m).general_hamming(9, alpha=0.6), [], grad=False)
    check_raises(lambda m: w(m).hann(-1))
    check_raises(lambda m: w(m).hann(5, dtype=m.int64))
    check_raises(lambda m: w(m).gaussian(5, std=0))
    check_raises(lambda m: w(m).exponential(5, center=1.0))
    check_raises(lambda m: w(m).general_cosine(5, a=[]))
