"""Batch-norm kernels, parallel over (batch x channel) rows.

Evaluation mode (running statistics, no autograd) is one pass:
``y = (x - mean) * invstd * w + b`` with the same operations in the same order as the
NumPy reference (``ember.ops.normalization._Norm``), so the results match it exactly.
"""
import numba

from . import jit

__all__ = ["bn_eval"]


@jit(parallel=True)
def bn_eval(x, mean, invstd, w, b, has_w, has_b, out):
    """x, out (N, C, L); mean, invstd, w, b (C,)."""
    N, C, L = x.shape
    for t in numba.prange(N * C):
        n = t // C
        c = t - n * C
        m = mean[c]
        s = invstd[c]
        if has_w and has_b:
            wc = w[c]
            bc = b[c]
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s * wc + bc
        elif has_w:
            wc = w[c]
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s * wc
        elif has_b:
            bc = b[c]
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s + bc
        else:
            for i in range(L):
                out[n, c, i] = (x[n, c, i] - m) * s
