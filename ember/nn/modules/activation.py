import numpy as np

from ... import _dtype as D
from ..._tensor import _wrap
from .. import functional as F
from ..parameter import Parameter
from .linear import _empty
from .module import Module

__all__ = ["Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh",
           "SiLU", "Mish", "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink",
           "LeakyReLU", "LogSigmoid", "Softplus", "Softshrink", "PReLU", "Softsign", "Tanhshrink",
           "Softmin", "Softmax", "Softmax2d", "LogSoftmax", "MultiheadAttention"]


class Threshold(Module):
    """Replaces each element not greater than ``threshold`` by ``value``.

    Args:
        threshold (float): the threshold.
        value (float): the replacement.
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Threshold(0.1, 20.)(x)
        tensor([20.0000, 20.0000, 20.0000,  0.5000,  2.0000])
    """
    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{inplace_str}"


class ReLU(Module):
    r"""Rectified linear unit, elementwise: :math:`\max(0, x)`.

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.ReLU()(x)
        tensor([0.0000, 0.0000, 0.0000, 0.5000, 2.0000])
    """
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class RReLU(Module):
    """Randomized leaky ReLU: negative inputs are scaled by a slope drawn uniformly from
    ``[lower, upper]`` in training, and by ``(lower + upper) / 2`` in evaluation.

    Args:
        lower (float): lower bound of the slope. Default: 1/8.
        upper (float): upper bound of the slope. Default: 1/3.
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.RReLU().eval()(x)
        tensor([-0.4583, -0.1146,  0.0000,  0.5000,  2.0000])
    """
    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"lower={self.lower}, upper={self.upper}{inplace_str}"


class Hardtanh(Module):
    """Clamps each element to ``[min_val, max_val]``.

    Args:
        min_val (float): lower end. Default: -1.
        max_val (float): upper end. Default: 1.
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Hardtanh()(x)
        tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000])
    """
    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        assert self.max_val > self.min_val

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    r"""ReLU capped at 6: :math:`\min(\max(0, x), 6)`.

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.ReLU6()(x * 4)
        tensor([0., 0., 0., 2., 6.])
    """
    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """Logistic sigmoid, elementwise: :math:`1 / (1 + e^{-x})`.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Sigmoid()(x)
        tensor([0.1192, 0.3775, 0.5000, 0.6225, 0.8808])
    """
    def forward(self, input):
        return F.sigmoid(input)


class Hardsigmoid(Module):
    r"""Piecewise-linear sigmoid: :math:`\min(\max(0, x / 6 + 1/2), 1)`.

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Hardsigmoid()(x)
        tensor([0.1667, 0.4167, 0.5000, 0.5833, 0.8333])
    """
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Tanh(Module):
    """Hyperbolic tangent, elementwise.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Tanh()(x)
        tensor([-0.9640, -0.4621,  0.0000,  0.4621,  0.9640])
    """
    def forward(self, input):
        return F.tanh(input)


class SiLU(Module):
    r"""Sigmoid-weighted linear unit (swish): :math:`x \sigma(x)`.

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.SiLU()(x)
        tensor([-0.2384, -0.1888,  0.0000,  0.3112,  1.7616])
    """
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Mish(Module):
    r"""Mish: :math:`x \tanh(\mathrm{softplus}(x))`.

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Mish()(x)
        tensor([-0.2525, -0.2207,  0.0000,  0.3752,  1.9440])
    """
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Hardswish(Module):
    r"""Piecewise approximation of swish: :math:`x \cdot \mathrm{ReLU6}(x + 3) / 6`.

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Hardswish()(x)
        tensor([-0.3333, -0.2083,  0.0000,  0.2917,  1.6667])
    """
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardswish(input, self.inplace)


class ELU(Module):
    r"""Exponential linear unit: :math:`x` for positive inputs, :math:`\alpha (e^x - 1)` otherwise.

    Args:
        alpha (float): scale of the negative part. Default: 1.0.
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.ELU()(x)
        tensor([-0.8647, -0.3935,  0.0000,  0.5000,  2.0000])
    """
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class CELU(Module):
    r"""Continuously differentiable ELU: :math:`\max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))`.

    Args:
        alpha (float): scale of the negative part. Default: 1.0.
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.CELU(alpha=0.5)(x)
        tensor([-0.4908, -0.3161,  0.0000,  0.5000,  2.0000])
    """
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class SELU(Module):
    """Scaled ELU with the self-normalising constants (scale 1.0507..., alpha 1.6732...).

    Args:
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.SELU()(x)
        tensor([-1.5202, -0.6918,  0.0000,  0.5254,  2.1014])
    """
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.selu(input, self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class GLU(Module):
    r"""Gated linear unit: splits the input in two halves ``a, b`` along ``dim`` and returns
    :math:`a \otimes \sigma(b)`.

    Args:
        dim (int): the dimension to split. Default: -1.

    Shape:
        - Input: :math:`(*_1, N, *_2)` with :math:`N` even.
        - Output: :math:`(*_1, N/2, *_2)`.

    Example:
        >>> nn.GLU()(ember.tensor([[1., 2., 0., 100.]]))
        tensor([[0.5000, 2.0000]])
    """
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    r"""Gaussian error linear unit: :math:`x \Phi(x)`, with :math:`\Phi` the standard normal CDF.

    Args:
        approximate (str): ``'none'`` for the exact form, ``'tanh'`` for the tanh approximation. Default: 'none'.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.GELU()(x)
        tensor([-0.0455, -0.1543,  0.0000,  0.3457,  1.9545])
        >>> nn.GELU(approximate='tanh')(x)
        tensor([-0.0454, -0.1543,  0.0000,  0.3457,  1.9546])
    """
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={repr(self.approximate)}"


class Hardshrink(Module):
    """Zeroes elements whose magnitude is at most ``lambd``; keeps the others.

    Args:
        lambd (float): the threshold. Default: 0.5.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Hardshrink()(x)
        tensor([-2.,  0.,  0.,  0.,  2.])
    """
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class LeakyReLU(Module):
    r"""ReLU with a small slope for negative inputs: :math:`\max(0, x) + s \min(0, x)`.

    Args:
        negative_slope (float): the slope :math:`s`. Default: 0.01.
        inplace (bool): overwrite the input instead of allocating the result. Default: False.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.LeakyReLU(0.1)(x)
        tensor([-0.2000, -0.0500,  0.0000,  0.5000,  2.0000])
    """
    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class LogSigmoid(Module):
    r"""Log of the sigmoid, computed stably: :math:`-\mathrm{softplus}(-x)`.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.LogSigmoid()(x)
        tensor([-2.1269, -0.9741, -0.6931, -0.4741, -0.1269])
    """
    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    r"""Smooth ReLU: :math:`\frac{1}{\beta} \log(1 + e^{\beta x})`, linear where :math:`\beta x` exceeds ``threshold``.

    Args:
        beta (float): sharpness. Default: 1.
        threshold (float): above this, the output is the input. Default: 20.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Softplus()(x)
        tensor([0.1269, 0.4741, 0.6931, 0.9741, 2.1269])
    """
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Module):
    """Soft thresholding: moves each element ``lambd`` towards zero, and zeroes those within ``lambd``.

    Args:
        lambd (float): the threshold. Default: 0.5.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Softshrink()(x * 2)
        tensor([-3.5000, -0.5000,  0.0000,  0.5000,  3.5000])
    """
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class PReLU(Module):
    """Leaky ReLU whose negative slope is learned: one slope shared by all channels, or one per channel.

    Args:
        num_parameters (int): 1, or the number of channels (dimension 1 of the input). Default: 1.
        init (float): initial slope. Default: 0.25.

    Shape:
        - Input: :math:`(*)`; with several slopes, :math:`(N, C, *)`.
        - Output: the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> m = nn.PReLU()
        >>> m(x)
        tensor([-0.5000, -0.1250,  0.0000,  0.5000,  2.0000],
               grad_fn=<PreluKernelBackward0>)
        >>> m.weight
        Parameter containing:
        tensor([0.2500], requires_grad=True)
    """
    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
        self.weight = Parameter(_wrap(np.empty((num_parameters,), dt.np)))
        self.reset_parameters()

    def reset_parameters(self):
        self.weight._data[...] = self.init

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softsign(Module):
    """Softsign: :math:`x / (1 + |x|)`.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Softsign()(x)
        tensor([-0.6667, -0.3333,  0.0000,  0.3333,  0.6667])
    """
    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    r"""The input minus its tanh: :math:`x - \tanh(x)`.

    Shape:
        - Input: :math:`(*)`, any number of dimensions.
        - Output: :math:`(*)`, the input's shape.

    Example:
        >>> x = ember.tensor([-2., -0.5, 0., 0.5, 2.])
        >>> nn.Tanhshrink()(x)
        tensor([-1.0360, -0.0379,  0.0000,  0.0379,  1.0360])
    """
    def forward(self, input):
        return F.tanhshrink(input)


class Softmin(Module):
    """Softmin along ``dim``: the softmax of the negated input.

    Args:
        dim (int): the dimension along which the outputs sum to 1.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: the input's shape, values in [0, 1].

    Example:
        >>> nn.Softmin(dim=1)(ember.tensor([[1., 2., 3.]]))
        tensor([[0.6652, 0.2447, 0.0900]])
    """
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(Module):
    """Softmax along ``dim``: exponentials normalised to sum to 1.

    Args:
        dim (int): the dimension along which the outputs sum to 1.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: the input's shape, values in [0, 1].

    Example:
        >>> nn.Softmax(dim=1)(ember.tensor([[1., 2., 3.], [1., 1., 1.]]))
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels at each spatial location.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: the input's shape.

    Example:
        >>> out = nn.Softmax2d()(ember.randn(2, 3, 4, 4))
        >>> out.sum(1).allclose(ember.ones(2, 4, 4))
        True
    """
    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class LogSoftmax(Module):
    """Log of the softmax along ``dim``, computed stably.

    Args:
        dim (int): the dimension of the softmax.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: the input's shape, values in (-inf, 0].

    Example:
        >>> nn.LogSoftmax(dim=1)(ember.tensor([[1., 2., 3.]]))
        tensor([[-2.4076, -1.4076, -0.4076]])
    """
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class MultiheadAttention(Module):
    """Attention over ``num_heads`` heads of size ``embed_dim // num_heads``.

    forward(query (L, N, E), key (S, N, kdim), value (S, N, vdim)) -> (output (L, N, E),
    weights (N, L, S) averaged over heads, or (N, heads, L, S)); (N, L, E) with
    ``batch_first``; unbatched (L, E) too. Boolean masks mark with True what is masked
    out; float masks are added to the scores."""

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        super().__init__()
        from ..init import constant_, xavier_normal_, xavier_uniform_
        from .linear import NonDynamicallyQuantizableLinear
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        new = lambda *shape: Parameter(_empty(*shape, dtype=dtype))  # noqa: E731
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = new(embed_dim, embed_dim)
            self.k_proj_weight = new(embed_dim, self.kdim)
            self.v_proj_weight = new(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = new(3 * embed_dim, embed_dim)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = new(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = new(1, 1, embed_dim)
            self.bias_v = new(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        # PyTorch's _reset_parameters
        for w in ([self.in_proj_weight] if self._qkv_same_embed_dim else
                  [self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]):
            xavier_uniform_(w)
        if self.in_proj_bias is not None:
            constant_(self.in_proj_bias, 0.0)
            constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            xavier_normal_(self.bias_k)
            xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = (t.transpose(1, 0) for t in (query, key, value))
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights,
            is_causal=is_causal)
        if self.batch_first and batched:
            out = out.transpose(1, 0)
        return out, weights
