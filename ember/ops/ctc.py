"""Connectionist Temporal Classification loss (``nn.functional.ctc_loss``): the forward
(alpha) and backward (beta) recursions over the blank-extended target, in log space.

The gradient is torch's: ``exp(log_probs) - exp(log(alpha * beta) + nll - log_probs)``,
which treats ``log_probs`` as the output of a log_softmax (as torch does).
"""
import numpy as np

from .._tensor import Tensor, _new_tensor
from ._apply import Op, apply

__all__ = ["ctc_loss"]

_NEG = -np.inf


def _lse(*xs):
    m = np.maximum.reduce(xs)
    ms = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return ms + np.log(sum(np.exp(x - ms) for x in xs))


def _extended(target, blank):
    ext = np.full(2 * len(target) + 1, blank, np.int64)
    ext[1::2] = target
    skip = np.zeros(len(ext), bool)        # may come from s - 2: a label differing from the one before
    skip[3::2] = ext[3::2] != ext[1:-2:2]
    return ext, skip


class CtcLoss(Op):
    name = "CtcLossBackward0"

    def forward(self, lp, targets, in_lens, tg_lens, blank):
        lp64 = lp.astype(np.float64)
        N = lp.shape[1]
        nll = np.zeros(N)
        self.saved = []
        for b in range(N):
            T, tgt = int(in_lens[b]), targets[b]
            ext, skip = _extended(tgt, blank)
            S = len(ext)
            x = lp64[:T, b]                                   # (T, C)
            alpha = np.full((T, S), _NEG)
            alpha[0, 0] = x[0, blank]
            if S > 1:
                alpha[0, 1] = x[0, ext[1]]
            for t in range(1, T):
                a = alpha[t - 1]
                prev1 = np.concatenate(([_NEG], a[:-1]))
                prev2 = np.where(skip, np.concatenate(([_NEG, _NEG], a[:-2])), _NEG)
                alpha[t] = _lse(a, prev1, prev2) + x[t, ext]
            end = alpha[T - 1, S - 1] if S == 1 else _lse(alpha[T - 1, S - 1], alpha[T - 1, S - 2])
            nll[b] = -end
            self.saved.append((T, ext, skip, alpha))
        self.lp, self.blank = lp64, blank
        self.nll = nll
        return nll.astype(lp.dtype)

    def backward(self, g):
        lp = self.lp
        grad = np.zeros_like(lp)
        for b, (T, ext, skip, alpha) in enumerate(self.saved):
            if not np.isfinite(self.nll[b]):
                continue
            S = len(ext)
            x = lp[:T, b]
            beta = np.full((T, S), _NEG)
            beta[T - 1, S - 1] = x[T - 1, ext[S - 1]]
            if S > 1:
                beta[T - 1, S - 2] = x[T - 1, ext[S - 2]]
            skip_next = np.concatenate((skip[2:], [False, False]))   # s may reach s + 2
            for t in range(T - 2, -1, -1):
                n = beta[t + 1]
                next1 = np.concatenate((n[1:], [_NEG]))
                next2 = np.where(skip_next, np.concatenate((n[2:], [_NEG, _NEG])), _NEG)
                beta[t] = _lse(n, next1, next2) + x[t, ext]
            ab = alpha + beta                                  # (T, S): log alpha * beta
            lcab = np.full((T, lp.shape[2]), _NEG)
            for s in range(S):
                lcab[:, ext[s]] = _lse(lcab[:, ext[s]], ab[:, s])
            with np.errstate(over="ignore", invalid="ignore"):
                grad[:T, b] = (np.exp(x) - np.exp(lcab + self.nll[b] - x)) * g[b]
        return grad.astype(g.dtype, copy=False)


def _lengths(v, what):
    a = np.asarray(v._data if isinstance(v, Tensor) else v, dtype=np.int64).reshape(-1)
    if (a < 0).any():
        raise RuntimeError(f"{what} must be non-negative")
    return a


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """The CTC loss of ``log_probs`` (T, N, C) (or (T, C)) against ``targets``.

    Args:
        log_probs: log-probabilities over C classes (blank included), e.g. from log_softmax.
        targets: (N, S) padded, or 1-D concatenated target sequences (no blanks).
        input_lengths, target_lengths: (N,) lengths (tensors or sequences).
        blank: the blank class.
        reduction: 'mean' (each loss divided by its target length, then averaged), 'sum', 'none'.
        zero_infinity: replace infinite losses (impossible alignments) and their gradients by 0.

    Example::

        >>> lp = ember.randn(12, 2, 5).log_softmax(2)
        >>> ember.nn.functional.ctc_loss(lp, ember.tensor([[1, 2, 2], [3, 1, 0]]), [12, 10], [3, 2])
        tensor(5.5499)
    """
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.ndim}-D")
    T, N, C = lp.shape
    in_lens, tg_lens = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    if len(in_lens) != N or len(tg_lens) != N:
        raise RuntimeError(f"ctc_loss: expected input_lengths and target_lengths of size {N}, got "
                           f"{len(in_lens)} and {len(tg_lens)}")
    if (in_lens > T).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value "
                           f"{int(in_lens.max())} (while checking arguments for ctc_loss_cpu)")
    t = targets._data.astype(np.int64)
    if unbatched:
        t = t.reshape(1, -1)
    if t.ndim == 2:
        seqs = [t[b, :tg_lens[b]] for b in range(N)]
    else:
        ends = np.cumsum(tg_lens)
        seqs = [t[e - n:e] for e, n in zip(ends, tg_lens)]
    for b, s in enumerate(seqs):
        if len(s) < tg_lens[b]:
            raise RuntimeError(f"Expected tensor to have size at least {tg_lens[b]} at dimension 1, but got "
                               f"size {len(s)} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)")
    nll = apply(CtcLoss, lp, targets=seqs, in_lens=in_lens, tg_lens=tg_lens, blank=blank)
    if zero_infinity:
        nll = nll.where(nll.isfinite(), nll.new_zeros(()))
    if unbatched:
        nll = nll.squeeze(0)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    if reduction == "mean":
        lens = _new_tensor(np.maximum(tg_lens, 1).astype(nll._data.dtype))
        return (nll / (lens[0] if unbatched else lens)).mean()
    raise ValueError(f"{reduction} is not a valid value for reduction")
