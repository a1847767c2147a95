"""Reductions: sum, mean, prod, std/var, norm, max/min, arg*, sort/topk, cum*, logsumexp, all/any."""
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._apply import Op, apply, wrap_dims

__all__ = ["sum", "mean"]


def _expand_back(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced ``dims`` of ``shape``."""
    if not keepdim and dims:
        g = np.expand_dims(g, dims)
    return np.broadcast_to(g, shape)


class Sum(Op):
    name = "SumBackward0"

    def forward(self, a, dims, keepdim, npdtype):
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        if npdtype is None and a.dtype.kind in "bui" :
            npdtype = np.int64
        return np.sum(a, axis=dims, keepdims=keepdim, dtype=npdtype)

    def backward(self, g):
        return _expand_back(g, self.shape, self.dims, self.keepdim)


class Mean(Op):
    name = "MeanBackward0"

    def forward(self, a, dims, keepdim):
        if a.dtype.kind not in "fc":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point "
                f"or complex dtype. Got: {D.from_np[a.dtype].name.capitalize()}")
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        n = 1
        for d in dims:
            n *= a.shape[d]
        self.n = n
        return np.mean(a, axis=dims, keepdims=keepdim)

    def backward(self, g):
        return _expand_back(g / self.n, self.shape, self.dims, self.keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum over ``dim`` (int, tuple, or all); ints and bools sum to int64."""
    dims = wrap_dims(dim, input.ndim)
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Sum, input, dims, keepdim, npd)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return apply(Mean, input, wrap_dims(dim, input.ndim), keepdim)


Tensor.sum = sum
Tensor.mean = mean
