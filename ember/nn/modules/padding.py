"""Padding layers."""
from ...ops.sampling import pad as _pad
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
           "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


def _pads(padding, n):
    if isinstance(padding, (list, tuple)):
        padding = tuple(int(p) for p in padding)
        if len(padding) != 2 * n:
            raise ValueError(f"padding must be an int or a {2 * n}-element tuple, got {padding}")
        return padding
    return (int(padding),) * (2 * n)


class _ConstantPadNd(Module):
    _n = 1

    def __init__(self, padding, value):
        super().__init__()
        self.padding = _pads(padding, self._n)
        self.value = value

    def forward(self, input):
        return _pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last 1 dimension with a constant ``value``.

    Args:
        padding (int or tuple): the same size on every side, or a 2-tuple (last dimension
            first: left, right). Negative sizes crop.
        value (float): the fill value.

    Shape:
        - Input: :math:`(N, C, W)` or :math:`(C, W)`.
        - Output: :math:`(N, C, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 4)
        >>> nn.ConstantPad1d(1, 3.5)(x)
        tensor([[[3.5000, 0.0000, 1.0000, 2.0000, 3.0000, 3.5000]]])
    """
    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dimensions with a constant ``value``.

    Args:
        padding (int or tuple): the same size on every side, or a 4-tuple (last dimension
            first: left, right, top, bottom). Negative sizes crop.
        value (float): the fill value.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(9.).reshape(1, 1, 3, 3)
        >>> nn.ConstantPad2d(1, 3.5)(x)
        tensor([[[[3.5000, 3.5000, 3.5000, 3.5000, 3.5000],
                  [3.5000, 0.0000, 1.0000, 2.0000, 3.5000],
                  [3.5000, 3.0000, 4.0000, 5.0000, 3.5000],
                  [3.5000, 6.0000, 7.0000, 8.0000, 3.5000],
                  [3.5000, 3.5000, 3.5000, 3.5000, 3.5000]]]])
    """
    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dimensions with a constant ``value``.

    Args:
        padding (int or tuple): the same size on every side, or a 6-tuple (last dimension
            first: left, right, top, bottom, front, back). Negative sizes crop.
        value (float): the fill value.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(8.).reshape(1, 1, 2, 2, 2)
        >>> nn.ConstantPad3d(1, 3.5)(x).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pads the last 1 dimension with zeros.

    Args:
        padding (int or tuple): the same size on every side, or a 2-tuple (last dimension
            first: left, right). Negative sizes crop.

    Shape:
        - Input: :math:`(N, C, W)` or :math:`(C, W)`.
        - Output: :math:`(N, C, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 4)
        >>> nn.ZeroPad1d((3, 1))(x)
        tensor([[[0., 0., 0., 0., 1., 2., 3., 0.]]])
    """
    _n = 1


class ZeroPad2d(_ZeroPadNd):
    """Pads the last 2 dimensions with zeros.

    Args:
        padding (int or tuple): the same size on every side, or a 4-tuple (last dimension
            first: left, right, top, bottom). Negative sizes crop.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(9.).reshape(1, 1, 3, 3)
        >>> nn.ZeroPad2d((1, 1, 2, 0))(x)
        tensor([[[[0., 0., 0., 0., 0.],
                  [0., 0., 0., 0., 0.],
                  [0., 0., 1., 2., 0.],
                  [0., 3., 4., 5., 0.],
                  [0., 6., 7., 8., 0.]]]])
    """
    _n = 2


class ZeroPad3d(_ZeroPadNd):
    """Pads the last 3 dimensions with zeros.

    Args:
        padding (int or tuple): the same size on every side, or a 6-tuple (last dimension
            first: left, right, top, bottom, front, back). Negative sizes crop.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(8.).reshape(1, 1, 2, 2, 2)
        >>> nn.ZeroPad3d(1)(x).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3


class _ModePadNd(Module):
    _n = 1
    _mode = "reflect"

    def __init__(self, padding):
        super().__init__()
        self.padding = _pads(padding, self._n)

    def forward(self, input):
        return _pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class ReflectionPad1d(_ModePadNd):
    r"""Pads the last 1 dimension with the reflection of the input at its border (the edge element not repeated).

    Args:
        padding (int or tuple): the same size on every side, or a 2-tuple
            :math:`(\text{padding\_left}, \text{padding\_right})`.

    Shape:
        - Input: :math:`(N, C, W)` or :math:`(C, W)`.
        - Output: :math:`(N, C, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 4)
        >>> nn.ReflectionPad1d((3, 1))(x)
        tensor([[[3., 2., 1., 0., 1., 2., 3., 2.]]])
    """
    _n = 1
    _mode = "reflect"


class ReflectionPad2d(_ModePadNd):
    r"""Pads the last 2 dimensions with the reflection of the input at its border (the edge element not repeated).

    Args:
        padding (int or tuple): the same size on every side, or a 4-tuple
            :math:`(\text{padding\_left}, \text{padding\_right}, \text{padding\_top}, \text{padding\_bottom})`.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(9.).reshape(1, 1, 3, 3)
        >>> nn.ReflectionPad2d((1, 1, 2, 0))(x)
        tensor([[[[7., 6., 7., 8., 7.],
                  [4., 3., 4., 5., 4.],
                  [1., 0., 1., 2., 1.],
                  [4., 3., 4., 5., 4.],
                  [7., 6., 7., 8., 7.]]]])
    """
    _n = 2
    _mode = "reflect"


class ReflectionPad3d(_ModePadNd):
    r"""Pads the last 3 dimensions with the reflection of the input at its border (the edge element not repeated).

    Args:
        padding (int or tuple): the same size on every side, or a 6-tuple
            :math:`(\text{padding\_left}, \text{padding\_right}, \text{padding\_top}, \text{padding\_bottom},
            \text{padding\_front}, \text{padding\_back})`.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(8.).reshape(1, 1, 2, 2, 2)
        >>> nn.ReflectionPad3d(1)(x).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3
    _mode = "reflect"


class ReplicationPad1d(_ModePadNd):
    r"""Pads the last 1 dimension with copies of the input's edge elements.

    Args:
        padding (int or tuple): the same size on every side, or a 2-tuple
            :math:`(\text{padding\_left}, \text{padding\_right})`.

    Shape:
        - Input: :math:`(N, C, W)` or :math:`(C, W)`.
        - Output: :math:`(N, C, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 4)
        >>> nn.ReplicationPad1d((3, 1))(x)
        tensor([[[0., 0., 0., 0., 1., 2., 3., 3.]]])
    """
    _n = 1
    _mode = "replicate"


class ReplicationPad2d(_ModePadNd):
    r"""Pads the last 2 dimensions with copies of the input's edge elements.

    Args:
        padding (int or tuple): the same size on every side, or a 4-tuple
            :math:`(\text{padding\_left}, \text{padding\_right}, \text{padding\_top}, \text{padding\_bottom})`.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(9.).reshape(1, 1, 3, 3)
        >>> nn.ReplicationPad2d((1, 1, 2, 0))(x)
        tensor([[[[0., 0., 1., 2., 2.],
                  [0., 0., 1., 2., 2.],
                  [0., 0., 1., 2., 2.],
                  [3., 3., 4., 5., 5.],
                  [6., 6., 7., 8., 8.]]]])
    """
    _n = 2
    _mode = "replicate"


class ReplicationPad3d(_ModePadNd):
    r"""Pads the last 3 dimensions with copies of the input's edge elements.

    Args:
        padding (int or tuple): the same size on every side, or a 6-tuple
            :math:`(\text{padding\_left}, \text{padding\_right}, \text{padding\_top}, \text{padding\_bottom},
            \text{padding\_front}, \text{padding\_back})`.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(8.).reshape(1, 1, 2, 2, 2)
        >>> nn.ReplicationPad3d(1)(x).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3
    _mode = "replicate"


class CircularPad1d(_ModePadNd):
    r"""Pads the last 1 dimension with the input wrapped around (the opposite border).

    Args:
        padding (int or tuple): the same size on every side, or a 2-tuple
            :math:`(\text{padding\_left}, \text{padding\_right})`.

    Shape:
        - Input: :math:`(N, C, W)` or :math:`(C, W)`.
        - Output: :math:`(N, C, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 4)
        >>> nn.CircularPad1d((3, 1))(x)
        tensor([[[1., 2., 3., 0., 1., 2., 3., 0.]]])
    """
    _n = 1
    _mode = "circular"


class CircularPad2d(_ModePadNd):
    r"""Pads the last 2 dimensions with the input wrapped around (the opposite border).

    Args:
        padding (int or tuple): the same size on every side, or a 4-tuple
            :math:`(\text{padding\_left}, \text{padding\_right}, \text{padding\_top}, \text{padding\_bottom})`.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(9.).reshape(1, 1, 3, 3)
        >>> nn.CircularPad2d((1, 1, 2, 0))(x)
        tensor([[[[5., 3., 4., 5., 3.],
                  [8., 6., 7., 8., 6.],
                  [2., 0., 1., 2., 0.],
                  [5., 3., 4., 5., 3.],
                  [8., 6., 7., 8., 6.]]]])
    """
    _n = 2
    _mode = "circular"


class CircularPad3d(_ModePadNd):
    r"""Pads the last 3 dimensions with the input wrapped around (the opposite border).

    Args:
        padding (int or tuple): the same size on every side, or a 6-tuple
            :math:`(\text{padding\_left}, \text{padding\_right}, \text{padding\_top}, \text{padding\_bottom},
            \text{padding\_front}, \text{padding\_back})`.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: :math:`(N, C, D_{out}, H_{out}, W_{out})`, each dimension grown by its two paddings.

    Example:
        >>> x = ember.arange(8.).reshape(1, 1, 2, 2, 2)
        >>> nn.CircularPad3d(1)(x).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    _n = 3
    _mode = "circular"
