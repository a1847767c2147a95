"""Stochastic depth (torchvision.ops.stochastic_depth): randomly drop residual branches."""
from ...nn.modules.module import Module

__all__ = ["stochastic_depth", "StochasticDepth"]


def stochastic_depth(input, p, mode, training=True):
    """Zero the whole input (``mode="batch"``) or each sample (``mode="row"``) with
    probability ``p``, scaling survivors by ``1 / (1 - p)`` (Huang et al., "Deep Networks
    with Stochastic Depth").

    Args:
        input (Tensor[N, ...]): the residual branch's output.
        p (float): drop probability.
        mode (str): ``"batch"`` or ``"row"``.
        training (bool, optional): apply only when ``True``. Default: ``True``
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    size = [input.shape[0]] + [1] * (input.ndim - 1) if mode == "row" else [1] * input.ndim
    noise = input.new_empty(size).bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(Module):
    """:func:`stochastic_depth` as a module (active in training mode)."""

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
