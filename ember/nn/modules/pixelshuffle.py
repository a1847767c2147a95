"""``PixelShuffle`` / ``PixelUnshuffle``."""
from ...ops.sampling import pixel_shuffle as _ps
from ...ops.sampling import pixel_unshuffle as _pu
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(Module):
    r"""Rearranges :math:`(*, C r^2, H, W)` into :math:`(*, C, H r, W r)`: sub-pixel upsampling.

    Args:
        upscale_factor (int): :math:`r`.

    Shape:
        - Input: :math:`(*, C \cdot r^2, H, W)`.
        - Output: :math:`(*, C, H \cdot r, W \cdot r)`.

    Example:
        >>> nn.PixelShuffle(3)(ember.randn(1, 9, 4, 4)).shape
        torch.Size([1, 1, 12, 12])
        >>> nn.PixelShuffle(2)(ember.arange(4.).reshape(1, 4, 1, 1))
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return _ps(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    r"""Inverse of :class:`PixelShuffle`: :math:`(*, C, H r, W r)` into :math:`(*, C r^2, H, W)`.

    Args:
        downscale_factor (int): :math:`r`.

    Shape:
        - Input: :math:`(*, C, H \cdot r, W \cdot r)`.
        - Output: :math:`(*, C \cdot r^2, H, W)`.

    Example:
        >>> nn.PixelUnshuffle(3)(ember.randn(1, 1, 12, 12)).shape
        torch.Size([1, 9, 4, 4])
    """
    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return _pu(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
