"""nn.functional.ctc_loss / nn.CTCLoss against torch: padded and concatenated targets,
repeated labels, every reduction, zero_infinity, unbatched input; values and gradients."""
import numpy as np
import pytest
from oracle import check, check_raises, rand


def logp(T, N, C, seed=0):
    x = rand(T, N, C, seed=seed, dtype=np.float64) * 3
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_padded(reduction):
    tg = np.array([[1, 2, 2, 3], [3, 3, 1, 0], [2, 1, 4, 4]])
    check(lambda m, lp: m.nn.functional.ctc_loss(lp, m.tensor(tg), [12, 10, 9], [4, 3, 2], reduction=reduction),
          [logp(12, 3, 5)])


def test_ctc_concatenated_blank_and_module():
    tg = np.array([1, 2, 2, 3, 3, 1])
    check(lambda m, lp: m.nn.functional.ctc_loss(lp, m.tensor(tg), m.tensor([10, 8]), m.tensor([4, 2]), blank=4),
          [logp(10, 2, 5, seed=1)])
    check(lambda m, lp: m.nn.CTCLoss(blank=0)(lp, m.tensor(tg[:4]), [10], [4]), [logp(10, 1, 5, seed=2)])
    check(lambda m, lp: m.nn.functional.ctc_loss(lp, m.tensor(tg[:3]), m.tensor(9), m.tensor(3)), [logp(9, 1, 5, seed=3)[:, 0]])


def test_ctc_impossible():
    tg = np.array([[1, 1, 1, 1]])      # needs 7 frames; only 4
    check(lambda m, lp: m.nn.functional.ctc_loss(lp, m.tensor(tg), [4], [4], reduction="none"), [logp(4, 1, 3)],
          grad=False)
    check(lambda m, lp: m.nn.functional.ctc_loss(lp, m.tensor(tg), [4], [4], zero_infinity=True), [logp(4, 1, 3)])


def test_ctc_bad_input():
    check_raises(lambda m, lp: m.nn.functional.ctc_loss(lp, m.tensor([[1, 2]]), [9], [2]), logp(5, 1, 4))
