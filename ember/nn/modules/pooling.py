"""Pooling layers."""
from ...ops import pooling as _P
from ...ops import unpooling as _U
from .module import Module
from .utils import _ntuple, _single

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "LPPool1d", "LPPool2d", "MaxUnpool1d", "MaxUnpool2d",
           "AdaptiveMaxPool3d", "LPPool3d", "MaxUnpool3d", "FractionalMaxPool2d", "FractionalMaxPool3d"]


class _MaxPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return _P._max_pool(self._nd, input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return ("kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, "
                "ceil_mode={ceil_mode}".format(**self.__dict__))


class MaxPool1d(_MaxPoolNd):
    r"""1-D max pooling: the maximum over each kernel window.

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple): implicit negative-infinity padding on each side. Default: 0.
        dilation (int or tuple): spacing between window elements. Default: 1.
        return_indices (bool): also return the flat indices of the maxima (for
            :class:`MaxUnpool1d`). Default: False.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L_{out})`, with :math:`out = \lfloor (in + 2 \cdot padding - dilation \cdot
          (kernel\_size - 1) - 1) / stride \rfloor + 1` (rounded up with ``ceil_mode``).

    Example:
        >>> x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
        >>> nn.MaxPool1d(2)(x)
        tensor([[[3., 5., 4.]]])
    """
    _nd = 1


class MaxPool2d(_MaxPoolNd):
    r"""2-D max pooling: the maximum over each kernel window.

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple): implicit negative-infinity padding on each side. Default: 0.
        dilation (int or tuple): spacing between window elements. Default: 1.
        return_indices (bool): also return the flat indices of the maxima (for
            :class:`MaxUnpool2d`). Default: False.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, with :math:`out = \lfloor (in + 2 \cdot padding - dilation \cdot
          (kernel\_size - 1) - 1) / stride \rfloor + 1` (rounded up with ``ceil_mode``).

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> nn.MaxPool2d(2)(x)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    _nd = 2


class MaxPool3d(_MaxPoolNd):
    r"""3-D max pooling: the maximum over each kernel window.

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple): implicit negative-infinity padding on each side. Default: 0.
        dilation (int or tuple): spacing between window elements. Default: 1.
        return_indices (bool): also return the flat indices of the maxima (for
            :class:`MaxUnpool3d`). Default: False.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, with :math:`out = \lfloor (in + 2 \cdot padding -
          dilation \cdot (kernel\_size - 1) - 1) / stride \rfloor + 1` (rounded up with ``ceil_mode``).

    Example:
        >>> x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
        >>> nn.MaxPool3d(2)(x).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    _nd = 3


class AvgPool1d(Module):
    """1-D average pooling: the mean over each kernel window.

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple): implicit zero padding on each side. Default: 0.
        ceil_mode (bool): round the output size up instead of down. Default: False.
        count_include_pad (bool): count the padding zeros in the mean. Default: True.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L_{out})`, with the same size rule as max pooling (dilation 1).

    Example:
        >>> x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
        >>> nn.AvgPool1d(2)(x)
        tensor([[[2.0000, 3.5000, 2.0000]]])
    """
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return _P.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad)

    def extra_repr(self):
        return "kernel_size={kernel_size}, stride={stride}, padding={padding}".format(**self.__dict__)


class _AvgPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return _P._avg_pool(self._nd, input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return "kernel_size={kernel_size}, stride={stride}, padding={padding}".format(**self.__dict__)


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling: the mean over each kernel window.

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple): implicit zero padding on each side. Default: 0.
        ceil_mode (bool): round the output size up instead of down. Default: False.
        count_include_pad (bool): count the padding zeros in the mean. Default: True.
        divisor_override (int, optional): divide by this instead of the window size.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, with the same size rule as max pooling (dilation 1).

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> nn.AvgPool2d(2)(x)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    _nd = 2


class AvgPool3d(_AvgPoolNd):
    """3-D average pooling: the mean over each kernel window.

    Args:
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple): implicit zero padding on each side. Default: 0.
        ceil_mode (bool): round the output size up instead of down. Default: False.
        count_include_pad (bool): count the padding zeros in the mean. Default: True.
        divisor_override (int, optional): divide by this instead of the window size.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, with the same size rule as max pooling (dilation 1).

    Example:
        >>> x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
        >>> nn.AvgPool3d(2)(x).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    _nd = 3


class _AdaptiveAvgPoolNd(Module):
    _nd = 2

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return _P._adaptive_avg(self._nd, input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """1-D adaptive average pooling: windows are chosen so that the output has size ``output_size``,
    whatever the input's size.

    Args:
        output_size (int or tuple): the output's spatial size; ``None`` in a tuple keeps that
            dimension's input size.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L_{out})`, with the sizes of ``output_size``.

    Example:
        >>> x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
        >>> nn.AdaptiveAvgPool1d(2)(x)
        tensor([[[2., 3.]]])
    """
    _nd = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """2-D adaptive average pooling: windows are chosen so that the output has size ``output_size``,
    whatever the input's size.

    Args:
        output_size (int or tuple): the output's spatial size; ``None`` in a tuple keeps that
            dimension's input size.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, with the sizes of ``output_size``.

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> nn.AdaptiveAvgPool2d((1, 2))(x)
        tensor([[[[6.5000, 8.5000]]]])
    """
    _nd = 2


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """3-D adaptive average pooling: windows are chosen so that the output has size ``output_size``,
    whatever the input's size.

    Args:
        output_size (int or tuple): the output's spatial size; ``None`` in a tuple keeps that
            dimension's input size.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, with the sizes of ``output_size``.

    Example:
        >>> x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
        >>> nn.AdaptiveAvgPool3d(1)(x)
        tensor([[[[[31.5000]]]]])
    """
    _nd = 3


class _AdaptiveMaxPoolNd(Module):
    _nd = 2

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input):
        return _P._adaptive_max(self._nd, input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """1-D adaptive max pooling: windows are chosen so that the output has size ``output_size``,
    whatever the input's size.

    Args:
        output_size (int or tuple): the output's spatial size; ``None`` in a tuple keeps that
            dimension's input size.
        return_indices (bool): also return the indices of the maxima. Default: False.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L_{out})`, with the sizes of ``output_size``.

    Example:
        >>> x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
        >>> nn.AdaptiveMaxPool1d(2)(x)
        tensor([[[3., 5.]]])
    """
    _nd = 1


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """2-D adaptive max pooling: windows are chosen so that the output has size ``output_size``,
    whatever the input's size.

    Args:
        output_size (int or tuple): the output's spatial size; ``None`` in a tuple keeps that
            dimension's input size.
        return_indices (bool): also return the indices of the maxima. Default: False.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, with the sizes of ``output_size``.

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> nn.AdaptiveMaxPool2d((1, 2))(x)
        tensor([[[[13., 15.]]]])
    """
    _nd = 2


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """3-D adaptive max pooling: windows are chosen so that the output has size ``output_size``,
    whatever the input's size.

    Args:
        output_size (int or tuple): the output's spatial size; ``None`` in a tuple keeps that
            dimension's input size.
        return_indices (bool): also return the indices of the maxima. Default: False.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, with the sizes of ``output_size``.

    Example:
        >>> x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
        >>> nn.AdaptiveMaxPool3d(1)(x)
        tensor([[[[[63.]]]]])
    """
    _nd = 3


class _LPPoolNd(Module):
    _nd = 2

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return _P._lp_pool(self._nd, input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        return ("norm_type={norm_type}, kernel_size={kernel_size}, stride={stride}, "
                "ceil_mode={ceil_mode}".format(**self.__dict__))


class LPPool1d(_LPPoolNd):
    r"""1-D power-average pooling: :math:`(\sum_{window} x^p)^{1/p}` over each window.

    Args:
        norm_type (float): the power :math:`p` (``inf`` gives max pooling).
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L_{out})`.

    Example:
        >>> x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
        >>> nn.LPPool1d(2, 2)(x)
        tensor([[[3.1623, 5.3852, 4.0000]]])
    """
    _nd = 1


class LPPool2d(_LPPoolNd):
    r"""2-D power-average pooling: :math:`(\sum_{window} x^p)^{1/p}` over each window.

    Args:
        norm_type (float): the power :math:`p` (``inf`` gives max pooling).
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`.

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> nn.LPPool2d(2, 2)(x)
        tensor([[[[ 6.4807,  9.8995],
                  [21.4009, 25.3377]]]])
    """
    _nd = 2


class LPPool3d(_LPPoolNd):
    r"""3-D power-average pooling: :math:`(\sum_{window} x^p)^{1/p}` over each window.

    Args:
        norm_type (float): the power :math:`p` (``inf`` gives max pooling).
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step. Default: ``kernel_size``.
        ceil_mode (bool): round the output size up instead of down. Default: False.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`.

    Example:
        >>> x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
        >>> nn.LPPool3d(2, 2)(x).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    _nd = 3


class _MaxUnpoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        nd = self._nd
        self.kernel_size = _ntuple(nd)(kernel_size)
        self.stride = _ntuple(nd)(stride if stride is not None else kernel_size)
        self.padding = _ntuple(nd)(padding)

    def forward(self, input, indices, output_size=None):
        return _U._max_unpool(self._nd, input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    r"""Partial inverse of :class:`MaxPool1d`: puts each value at the position its index names
    and zeros elsewhere.

    Args:
        kernel_size (int or tuple): the pooling window size.
        stride (int or tuple, optional): the pooling step. Default: ``kernel_size``.
        padding (int or tuple): the pooling padding. Default: 0.

    ``forward(input, indices, output_size=None)``: ``indices`` from ``MaxPool1d(...,
    return_indices=True)``; ``output_size`` resolves ambiguous sizes.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: :math:`(N, C, L_{out})`, with :math:`out = (in - 1) \cdot stride - 2 \cdot padding + kernel\_size`.

    Example:
        >>> x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
        >>> out, idx = nn.MaxPool1d(2, return_indices=True)(x)
        >>> nn.MaxUnpool1d(2)(out, idx)
        tensor([[[0., 3., 0., 5., 4., 0.]]])
    """
    _nd = 1


class MaxUnpool2d(_MaxUnpoolNd):
    r"""Partial inverse of :class:`MaxPool2d`: puts each value at the position its index names
    and zeros elsewhere.

    Args:
        kernel_size (int or tuple): the pooling window size.
        stride (int or tuple, optional): the pooling step. Default: ``kernel_size``.
        padding (int or tuple): the pooling padding. Default: 0.

    ``forward(input, indices, output_size=None)``: ``indices`` from ``MaxPool2d(...,
    return_indices=True)``; ``output_size`` resolves ambiguous sizes.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, with :math:`out = (in - 1) \cdot stride - 2 \cdot padding +
          kernel\_size`.

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> out, idx = nn.MaxPool2d(2, return_indices=True)(x)
        >>> nn.MaxUnpool2d(2)(out, idx)
        tensor([[[[ 0.,  0.,  0.,  0.],
                  [ 0.,  5.,  0.,  7.],
                  [ 0.,  0.,  0.,  0.],
                  [ 0., 13.,  0., 15.]]]])
    """
    _nd = 2


class MaxUnpool3d(_MaxUnpoolNd):
    r"""Partial inverse of :class:`MaxPool3d`: puts each value at the position its index names
    and zeros elsewhere.

    Args:
        kernel_size (int or tuple): the pooling window size.
        stride (int or tuple, optional): the pooling step. Default: ``kernel_size``.
        padding (int or tuple): the pooling padding. Default: 0.

    ``forward(input, indices, output_size=None)``: ``indices`` from ``MaxPool3d(...,
    return_indices=True)``; ``output_size`` resolves ambiguous sizes.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, with :math:`out = (in - 1) \cdot stride - 2 \cdot
          padding + kernel\_size`.

    Example:
        >>> x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
        >>> out, idx = nn.MaxPool3d(2, return_indices=True)(x)
        >>> nn.MaxUnpool3d(2)(out, idx).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    _nd = 3


class _FractionalMaxPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        if output_size is None and output_ratio is None:
            raise ValueError(f"FractionalMaxPool{self._nd}d requires specifying either an output size, or a "
                             "pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if output_ratio is not None:
            r = _ntuple(self._nd)(output_ratio)
            if not all(0 < x < 1 for x in r):
                raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")
            output_ratio = r
        self.kernel_size = _ntuple(self._nd)(kernel_size)
        self.output_size = None if output_size is None else _ntuple(self._nd)(output_size)
        self.output_ratio = output_ratio
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)

    def forward(self, input):
        from ...ops import fractional_pool as _F

        return _F._fractional(self._nd, input, self.kernel_size, self.output_size, self.output_ratio,
                              self.return_indices, self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling over (N, C, H, W): windows of ``kernel_size`` at random,
    non-uniform starts, to ``output_size`` or ``output_ratio`` of the input."""
    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling over (N, C, T, H, W)."""
    _nd = 3
