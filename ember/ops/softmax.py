"""The softmax family: softmax, log_softmax, softmin along a dim (row kernels in
``ember._kernels.softmax``, NumPy as the reference)."""
import numpy as np

from .. import _kernels
from ._apply import Op, apply, wrap_dim
from .activation import _check_float

__all__ = ["softmax", "log_softmax", "softmin"]


def _rows(name, dim, a, *more):
    """``_kernels.softmax.rows``: the kernel ``name`` along ``dim``, None for the NumPy path."""
    k = _kernels.load("softmax") if a.size else None
    return k and k.rows(name, a, dim, *more)


class Softmax(Op):
    name = "SoftmaxBackward0"
    saves = ("out",)

    def forward(self, a, dim):
        _check_float(a, "softmax_lastdim_kernel_impl")
        if a.ndim == 0 or a.size == 0:
            y = np.ones_like(a)
        elif (y := _rows("softmax_fwd", dim, a)) is None:
            y = a - a.max(axis=dim, keepdims=True)
            np.exp(y, out=y)
            y /= y.sum(axis=dim, keepdims=True)
        self.y, self.dim = y, dim
        return y

    def backward(self, g):
        y = self.y
        if y.ndim == 0:
            return g * 0
        if (t := _rows("softmax_bwd", self.dim, y, g)) is not None:
            return t
        t = g * y
        s = t.sum(axis=self.dim, keepdims=True)
        np.subtract(g, s, out=t)
        t *= y
        return t

    def backward_ops(self, g):
        if self.y.ndim == 0:
            return g * 0
        y = self.saved_output(self.y)
        return y * (g - (g * y).sum(self.dim, keepdim=True))


class LogSoftmax(Op):
    name = "LogSoftmaxBackward0"
    saves = ("out",)

    def forward(self, a, dim):
        _check_float(a, "log_softmax_lastdim_kernel_impl")
        if a.ndim == 0 or a.size == 0:
            y = np.zeros_like(a)
        elif (y := _rows("log_softmax_fwd", dim, a)) is None:
            y = a - a.max(axis=dim, keepdims=True)
            y -= np.log(np.exp(y).sum(axis=dim, keepdims=True))
        self.y, self.dim = y, dim
        return y

    def backward(self, g):
        y = self.y
        if y.ndim == 0:
            return g * 0
        if (t := _rows("log_softmax_bwd", self.dim, y, g)) is not None:
            return t
        t = np.exp(y)
        t *= g.sum(axis=self.dim, keepdims=True)
        np.subtract(g, t, out=t)
        return t

    def backward_ops(self, g):
        if self.y.ndim == 0:
            return g * 0
        return g - self.saved_output(self.y).exp() * g.sum(self.dim, keepdim=True)


def _softmax_dim(name, ndim, stacklevel=3):
    import warnings
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prep(input, dim, dtype, name):
    if dim is None:
        dim = _softmax_dim(name, input.ndim, 4)
    dim = wrap_dim(dim, input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return input, dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Rescales ``input`` along ``dim`` so the entries are positive and sum to 1: ``exp(x) / sum(exp(x))``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to normalise over.
        dtype (ember.dtype, optional): cast ``input`` to this dtype first. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.softmax(ember.tensor([[1., 2., 3.], [0., 0., 0.]]), dim=1)
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    input, dim = _prep(input, dim, dtype, "softmax")
    return apply(Softmax, input, dim=dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """The logarithm of :func:`softmax` along ``dim``, computed stably as ``x - logsumexp(x)``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to normalise over.
        dtype (ember.dtype, optional): cast ``input`` to this dtype first. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.log_softmax(ember.tensor([0., 0., 0., 0.]), dim=0)
        tensor([-1.3863, -1.3863, -1.3863, -1.3863])
    """
    input, dim = _prep(input, dim, dtype, "log_softmax")
    return apply(LogSoftmax, input, dim=dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """Softmax of ``-input`` along ``dim``: the smallest entries get the largest weights.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to normalise over.
        dtype (ember.dtype, optional): cast ``input`` to this dtype first. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.softmin(ember.tensor([1., 2., 3.]), dim=0)
        tensor([0.6652, 0.2447, 0.0900])
    """
    input, dim = _prep(input, dim, dtype, "softmin")
    return apply(Softmax, -input, dim=dim)
