"""Convolution layers: ``Conv1d/2d/3d``, ``ConvTranspose1d/2d/3d``, ``Fold``, ``Unfold``."""
import math

import numpy as np

from ... import _dtype as D
from ..._tensor import _wrap
from ...ops import conv as _C
from ...ops.sampling import pad as _pad
from .. import init
from ..parameter import Parameter
from .module import Module
from .utils import _ntuple

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
           "Fold", "Unfold"]


def _empty(shape, dtype):
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return Parameter(_wrap(np.empty(shape, dtype=dt.np)))


class _ConvNd(Module):
    _nd = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None, output_padding=0):
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid:
            raise ValueError(f"padding_mode must be one of {valid}, but got padding_mode='{padding_mode}'")
        kernel_size = _ntuple(nd)(kernel_size)
        stride = _ntuple(nd)(stride)
        dilation = _ntuple(nd)(dilation)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of ['valid', 'same']")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(nd)(padding)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = self._transposed
        self.output_padding = _ntuple(nd)(output_padding)
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(padding, str):
            rp = [0, 0] * nd
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(nd - 1, -1, -1)):
                    total = d * (k - 1)
                    left = total // 2
                    rp[2 * i] = left
                    rp[2 * i + 1] = total - left
        else:
            rp = [p for p in reversed(padding) for _ in range(2)]
        self._reversed_padding_repeated_twice = rp
        if self._transposed:
            shape = (in_channels, out_channels // groups) + kernel_size
        else:
            shape = (out_channels, in_channels // groups) + kernel_size
        self.weight = _empty(shape, dtype)
        if bias:
            self.bias = _empty((out_channels,), dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype)

    def _conv_forward(self, input, weight, bias):
        if self.padding_mode != "zeros":
            input = _pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return _C._convnd(self._nd, input, weight, bias, self.stride, 0, self.dilation, self.groups)
        return _C._convnd(self._nd, input, weight, bias, self.stride, self.padding, self.dilation,
                          self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    r"""1-D convolution over an input of several channels: each output channel is the sum over
    input channels (within its group) of the cross-correlation with a learned kernel, plus a bias.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): step between kernel positions. Default: 1.
        padding (int, tuple or str): implicit padding on each side, or ``'valid'`` / ``'same'``. Default: 0.
        dilation (int or tuple): spacing between kernel elements. Default: 1.
        groups (int): split the channels into this many independent groups. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        padding_mode (str): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: 'zeros'.

    Shape:
        - Input: :math:`(N, C_{in}, L)` or :math:`(C_{in}, L)`.
        - Output: :math:`(N, C_{out}, L_{out})`, where for each spatial size
          :math:`out = \lfloor (in + 2 \cdot padding - dilation \cdot (kernel\_size - 1) - 1) / stride \rfloor + 1`.

    Attributes:
        weight: shape ``(out_channels, in_channels / groups, *kernel_size)``.
        bias: shape ``(out_channels,)``.

    Example:
        >>> m = nn.Conv1d(16, 33, 3, stride=2)
        >>> m(ember.randn(20, 16, 50)).shape
        torch.Size([20, 33, 24])
    """
    _nd = 1


class Conv2d(_Conv):
    r"""2-D convolution over an input of several channels: each output channel is the sum over
    input channels (within its group) of the cross-correlation with a learned kernel, plus a bias.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): step between kernel positions. Default: 1.
        padding (int, tuple or str): implicit padding on each side, or ``'valid'`` / ``'same'``. Default: 0.
        dilation (int or tuple): spacing between kernel elements. Default: 1.
        groups (int): split the channels into this many independent groups. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        padding_mode (str): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: 'zeros'.

    Shape:
        - Input: :math:`(N, C_{in}, H, W)` or :math:`(C_{in}, H, W)`.
        - Output: :math:`(N, C_{out}, H_{out}, W_{out})`, where for each spatial size
          :math:`out = \lfloor (in + 2 \cdot padding - dilation \cdot (kernel\_size - 1) - 1) / stride \rfloor + 1`.

    Attributes:
        weight: shape ``(out_channels, in_channels / groups, *kernel_size)``.
        bias: shape ``(out_channels,)``.

    Example:
        >>> m = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
        >>> m(ember.randn(20, 16, 50, 100)).shape
        torch.Size([20, 33, 28, 100])
        >>> m
        Conv2d(16, 33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2))
    """
    _nd = 2


class Conv3d(_Conv):
    r"""3-D convolution over an input of several channels: each output channel is the sum over
    input channels (within its group) of the cross-correlation with a learned kernel, plus a bias.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): step between kernel positions. Default: 1.
        padding (int, tuple or str): implicit padding on each side, or ``'valid'`` / ``'same'``. Default: 0.
        dilation (int or tuple): spacing between kernel elements. Default: 1.
        groups (int): split the channels into this many independent groups. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        padding_mode (str): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: 'zeros'.

    Shape:
        - Input: :math:`(N, C_{in}, D, H, W)` or :math:`(C_{in}, D, H, W)`.
        - Output: :math:`(N, C_{out}, D_{out}, H_{out}, W_{out})`, where for each spatial size
          :math:`out = \lfloor (in + 2 \cdot padding - dilation \cdot (kernel\_size - 1) - 1) / stride \rfloor + 1`.

    Attributes:
        weight: shape ``(out_channels, in_channels / groups, *kernel_size)``.
        bias: shape ``(out_channels,)``.

    Example:
        >>> m = nn.Conv3d(16, 33, 3, stride=2)
        >>> m(ember.randn(2, 16, 10, 12, 14)).shape
        torch.Size([2, 33, 4, 5, 6])
    """
    _nd = 3


class _ConvTranspose(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise ValueError(f"padding must be an int or a tuple of ints for {type(self).__name__}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, output_padding=output_padding)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        nd = self._nd
        output_size = [int(s) for s in output_size]
        if len(output_size) == nd + 2 or (len(output_size) == nd + 1 and input.dim() == nd + 1):
            output_size = output_size[-nd:]
        if len(output_size) != nd:
            raise ValueError(f"ConvTranspose{nd}D: for {input.dim()}D input, output_size must have {nd} "
                             f"or {nd + 2} elements (got {len(output_size)})")
        sp = input.shape[-nd:]
        res = []
        for i in range(nd):
            mn = ((sp[i] - 1) * self.stride[i] - 2 * self.padding[i]
                  + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            mx = mn + self.stride[i] - 1
            if not mn <= output_size[i] <= mx:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from "
                                 f"{mn} to {mx} (for an input of {list(sp)})")
            res.append(output_size[i] - mn)
        return tuple(res)

    def forward(self, input, output_size=None):
        op = self._output_padding(input, output_size)
        return _C._conv_transposend(self._nd, input, self.weight, self.bias, self.stride, self.padding,
                                    op, self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    r"""1-D transposed convolution (the gradient of a convolution with respect to its input),
    often used to upsample feature maps.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): upsampling step. Default: 1.
        padding (int or tuple): ``dilation * (kernel_size - 1) - padding`` zeros are added on
            each side of the input. Default: 0.
        output_padding (int or tuple): extra size added on one side of the output. Default: 0.
        groups (int): split the channels into this many independent groups. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        dilation (int or tuple): spacing between kernel elements. Default: 1.

    ``forward(input, output_size=None)`` can be given the wanted output size to pick
    ``output_padding``.

    Shape:
        - Input: :math:`(N, C_{in}, L)` or :math:`(C_{in}, L)`.
        - Output: :math:`(N, C_{out}, L_{out})`, where for each spatial size
          :math:`out = (in - 1) \cdot stride - 2 \cdot padding + dilation \cdot (kernel\_size - 1) + output\_padding
          + 1`.

    Attributes:
        weight: shape ``(in_channels, out_channels / groups, *kernel_size)``.
        bias: shape ``(out_channels,)``.

    Example:
        >>> m = nn.ConvTranspose1d(16, 33, 3, stride=2)
        >>> m(ember.randn(20, 16, 50)).shape
        torch.Size([20, 33, 101])
    """
    _nd = 1


class ConvTranspose2d(_ConvTranspose):
    r"""2-D transposed convolution (the gradient of a convolution with respect to its input),
    often used to upsample feature maps.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): upsampling step. Default: 1.
        padding (int or tuple): ``dilation * (kernel_size - 1) - padding`` zeros are added on
            each side of the input. Default: 0.
        output_padding (int or tuple): extra size added on one side of the output. Default: 0.
        groups (int): split the channels into this many independent groups. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        dilation (int or tuple): spacing between kernel elements. Default: 1.

    ``forward(input, output_size=None)`` can be given the wanted output size to pick
    ``output_padding``.

    Shape:
        - Input: :math:`(N, C_{in}, H, W)` or :math:`(C_{in}, H, W)`.
        - Output: :math:`(N, C_{out}, H_{out}, W_{out})`, where for each spatial size
          :math:`out = (in - 1) \cdot stride - 2 \cdot padding + dilation \cdot (kernel\_size - 1) + output\_padding
          + 1`.

    Attributes:
        weight: shape ``(in_channels, out_channels / groups, *kernel_size)``.
        bias: shape ``(out_channels,)``.

    Example:
        >>> up = nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)
        >>> x = ember.randn(1, 16, 6, 6)
        >>> up(x).shape
        torch.Size([1, 16, 11, 11])
        >>> up(x, output_size=[1, 16, 12, 12]).shape
        torch.Size([1, 16, 12, 12])
    """
    _nd = 2


class ConvTranspose3d(_ConvTranspose):
    r"""3-D transposed convolution (the gradient of a convolution with respect to its input),
    often used to upsample feature maps.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): upsampling step. Default: 1.
        padding (int or tuple): ``dilation * (kernel_size - 1) - padding`` zeros are added on
            each side of the input. Default: 0.
        output_padding (int or tuple): extra size added on one side of the output. Default: 0.
        groups (int): split the channels into this many independent groups. Default: 1.
        bias (bool): learn a bias per output channel. Default: True.
        dilation (int or tuple): spacing between kernel elements. Default: 1.

    ``forward(input, output_size=None)`` can be given the wanted output size to pick
    ``output_padding``.

    Shape:
        - Input: :math:`(N, C_{in}, D, H, W)` or :math:`(C_{in}, D, H, W)`.
        - Output: :math:`(N, C_{out}, D_{out}, H_{out}, W_{out})`, where for each spatial size
          :math:`out = (in - 1) \cdot stride - 2 \cdot padding + dilation \cdot (kernel\_size - 1) + output\_padding
          + 1`.

    Attributes:
        weight: shape ``(in_channels, out_channels / groups, *kernel_size)``.
        bias: shape ``(out_channels,)``.

    Example:
        >>> m = nn.ConvTranspose3d(16, 33, 3, stride=2)
        >>> m(ember.randn(2, 16, 4, 5, 6)).shape
        torch.Size([2, 33, 9, 11, 13])
    """
    _nd = 3


class Fold(Module):
    """Combine an array of sliding local blocks into a tensor (col2im)."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return _C.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return ("output_size={output_size}, kernel_size={kernel_size}, dilation={dilation}, "
                "padding={padding}, stride={stride}".format(**self.__dict__))


class Unfold(Module):
    """Extract sliding local blocks (im2col)."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return _C.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return "kernel_size={kernel_size}, dilation={dilation}, padding={padding}, stride={stride}".format(
            **self.__dict__)
