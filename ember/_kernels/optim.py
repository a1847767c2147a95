"""Optimizer updates, one pass over a parameter instead of a dozen array expressions.

The NumPy references are the optimizers' own ``step`` bodies (ember/optim). Arrays are flat
(contiguous parameters, gradients and state viewed 1-D); the scalars come in the arrays'
dtype, so the arithmetic is the same float32 (or float64) sequence as the NumPy path, which
follows PyTorch's single-tensor formulas. Each update is independent per element, so the
loops run on every thread (``prange``; about 2 us more on a tiny parameter)."""
import numba
import numpy as np

from . import jit


@jit(parallel=True, error_model="numpy")   # a float division by zero gives inf, as NumPy (and it vectorizes)
def adam(p, g, m, v, vmax, amsgrad, w1, w1c, small, beta2, c2, nss, bc2_sqrt, eps):
    """``m.lerp_(g, w1)`` (PyTorch's two-branch lerp: ``small`` when ``|w1| < 0.5``, else
    with ``w1c = 1 - w1``),
    ``v = v * beta2 + c2 * g * g``, ``vmax = max(vmax, v)`` with ``amsgrad``, then
    ``p += nss * (m / (sqrt(v or vmax) / bc2_sqrt + eps))``."""
    for k in numba.prange(p.shape[0]):
        gk = g[k]
        mk = m[k]
        if small:
            mk = mk + w1 * (gk - mk)
        else:
            mk = gk - (gk - mk) * w1c
        m[k] = mk
        vk = v[k] * beta2 + c2 * gk * gk
        v[k] = vk
        if amsgrad:
            vm = vmax[k]
            if vm > vk or vm != vm:        # np.maximum: NaN wins
                vk = vm
            vmax[k] = vk
        denom = np.sqrt(vk) / bc2_sqrt + eps
        p[k] = p[k] + nss * (mk / denom)


@jit(parallel=True)
def sgd_momentum(p, g, b, momentum, c, nesterov, nlr):
    """``b = b * momentum + c * g``; ``p += nlr * (g + momentum * b if nesterov else b)``."""
    for k in numba.prange(p.shape[0]):
        gk = g[k]
        bk = b[k] * momentum + c * gk
        b[k] = bk
        if nesterov:
            p[k] = p[k] + nlr * (gk + momentum * bk)
        else:
            p[k] = p[k] + nlr * bk
