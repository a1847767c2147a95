from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zeroes each element with probability ``p`` and scales the others by
    :math:`1/(1-p)`; in evaluation, returns the input.

    Args:
        p (float): probability of an element being zeroed. Default: 0.5.
        inplace (bool): do it in place. Default: False.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: the input's shape.

    Example:
        >>> m = nn.Dropout(p=0.5)
        >>> y = m(ember.ones(1000))
        >>> set(y.unique().tolist()) <= {0.0, 2.0}
        True
        >>> m.eval()(ember.ones(3))
        tensor([1., 1., 1.])
    """
    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of a 1-D signal with probability ``p`` in training (the kept
    ones scaled by :math:`1/(1-p)`).

    Args:
        p (float): probability of a channel being zeroed. Default: 0.5.
        inplace (bool): do it in place. Default: False.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: the input's shape.

    Example:
        >>> y = nn.Dropout1d(p=0.5)(ember.ones(4, 8, 10))
        >>> bool(((y == 0).all(-1) | (y == 2).all(-1)).all())
        True
    """
    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of a 2-D feature map with probability ``p`` in training (the
    kept ones scaled by :math:`1/(1-p)`).

    Args:
        p (float): probability of a channel being zeroed. Default: 0.5.
        inplace (bool): do it in place. Default: False.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: the input's shape.

    Example:
        >>> y = nn.Dropout2d(p=0.5)(ember.ones(4, 8, 3, 3))
        >>> bool(((y == 0).all((-1, -2)) | (y == 2).all((-1, -2))).all())
        True
    """
    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of a 3-D feature map with probability ``p`` in training (the
    kept ones scaled by :math:`1/(1-p)`).

    Args:
        p (float): probability of a channel being zeroed. Default: 0.5.
        inplace (bool): do it in place. Default: False.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: the input's shape.

    Example:
        >>> nn.Dropout3d(p=0.2)(ember.ones(2, 4, 2, 3, 3)).shape
        torch.Size([2, 4, 2, 3, 3])
    """
    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks: dropped elements are set to SELU's negative saturation
    value and the result is affinely rescaled so that mean and variance are kept.

    Args:
        p (float): probability of an element being dropped. Default: 0.5.
        inplace (bool): do it in place. Default: False.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: the input's shape.

    Example:
        >>> m = nn.AlphaDropout(p=0.2)
        >>> m(ember.randn(20, 16)).shape
        torch.Size([20, 16])
        >>> m.eval()(ember.ones(2))
        tensor([1., 1.])
    """
    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels (see :class:`AlphaDropout`).

    Args:
        p (float): probability of a channel being dropped. Default: 0.5.
        inplace (bool): do it in place. Default: False.

    Shape:
        - Input: :math:`(N, C, *)`.
        - Output: the input's shape.

    Example:
        >>> nn.FeatureAlphaDropout(p=0.2)(ember.randn(20, 16, 4, 4)).shape
        torch.Size([20, 16, 4, 4])
    """
    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
