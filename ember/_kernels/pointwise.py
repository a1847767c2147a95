"""Elementwise kernels on flat arrays, split over both cores (numba ``prange``).

NumPy runs an elementwise pass on one thread; these run it on all of numba's threads,
which pays from about 3x10^4 elements on. The caller, ``ember.ops._pointwise._parallel``,
passes 1-D views of dense arrays in memory order (``flat``) and falls back to NumPy when
an array is not dense.
The NumPy references: ``ember.ops.unary.Relu``; NumPy's ``+ - * /`` (``ember.ops.arithmetic``).
"""
import numba
import numpy as np

from . import jit

__all__ = ["flat", "relu_fwd", "relu_bwd", "add", "sub", "mul", "div"]


def flat(a):
    """A 1-D view of ``a`` in memory order when ``a`` is dense (C, F or permuted), else None."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return a.reshape(-1, order="A")
    f = a.ravel(order="K")
    return f if np.may_share_memory(f, a) else None


@jit(parallel=True)
def relu_fwd(a, out):
    """out = max(a, 0), NaN kept (as ``torch.relu``)."""
    for i in numba.prange(a.size):
        v = a[i]
        out[i] = 0 if v <= 0 else v


@jit(parallel=True)
def relu_bwd(y, g, out):
    """out = 0 where y <= 0, else g (``threshold_backward``: NaN passes g, no inf * 0)."""
    for i in numba.prange(y.size):
        out[i] = 0 if y[i] <= 0 else g[i]


@jit(parallel=True)
def add(a, b, out):
    for i in numba.prange(a.size):
        out[i] = a[i] + b[i]


@jit(parallel=True)
def sub(a, b, out):
    for i in numba.prange(a.size):
        out[i] = a[i] - b[i]


@jit(parallel=True)
def mul(a, b, out):
    for i in numba.prange(a.size):
        out[i] = a[i] * b[i]


@jit(parallel=True, error_model="numpy")   # x / 0 is inf or NaN, as NumPy's
def div(a, b, out):
    for i in numba.prange(a.size):
        out[i] = a[i] / b[i]
