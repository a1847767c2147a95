"""Upsampling layers."""
from ...ops.sampling import interpolate as _interpolate
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize by ``size`` or ``scale_factor`` with ``mode`` (see ``F.interpolate``)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return _interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                            recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = "scale_factor=" + repr(self.scale_factor)
        else:
            info = "size=" + repr(self.size)
        info += ", mode=" + repr(self.mode)
        return info


class UpsamplingNearest2d(Upsample):
    """2-D nearest-neighbour upsampling (``Upsample(mode='nearest')``; PyTorch marks it deprecated in favour of
    ``interpolate``).

    Args:
        size (int or tuple, optional): the output size.
        scale_factor (float or tuple, optional): the multiplier of the input size.

    Shape:
        - Input: :math:`(N, C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`.

    Example:
        >>> nn.UpsamplingNearest2d(scale_factor=2)(ember.tensor([[[[1., 2.], [3., 4.]]]]))
        tensor([[[[1., 1., 2., 2.],
                  [1., 1., 2., 2.],
                  [3., 3., 4., 4.],
                  [3., 3., 4., 4.]]]])
    """
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """2-D bilinear upsampling with ``align_corners=True`` (``Upsample(mode='bilinear', align_corners=True)``).

    Args:
        size (int or tuple, optional): the output size.
        scale_factor (float or tuple, optional): the multiplier of the input size.

    Shape:
        - Input: :math:`(N, C, H, W)`.
        - Output: :math:`(N, C, H_{out}, W_{out})`.

    Example:
        >>> nn.UpsamplingBilinear2d(scale_factor=2)(ember.tensor([[[[1., 2.], [3., 4.]]]]))
        tensor([[[[1.0000, 1.3333, 1.6667, 2.0000],
                  [1.6667, 2.0000, 2.3333, 2.6667],
                  [2.3333, 2.6667, 3.0000, 3.3333],
                  [3.0000, 3.3333, 3.6667, 4.0000]]]])
    """
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
