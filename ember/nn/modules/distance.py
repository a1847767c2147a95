"""CosineSimilarity, PairwiseDistance and ChannelShuffle."""
from .. import functional as F
from .module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity", "ChannelShuffle"]


class PairwiseDistance(Module):
    """``(N, D), (N, D) -> (N,)``: p-norm of ``x1 - x2 + eps`` over the last dim."""

    __constants__ = ["norm", "eps", "keepdim"]

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``: ``(N, D), (N, D) -> (N,)`` for ``dim=1``."""

    __constants__ = ["dim", "eps"]

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class ChannelShuffle(Module):
    """``(N, C, *)`` -> same shape, channels regrouped as ``(C/g, g)`` transposed."""

    __constants__ = ["groups"]

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
