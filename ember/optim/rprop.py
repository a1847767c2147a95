"""Rprop: resilient backpropagation (PyTorch's single-tensor maths)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _scalar_step, _to_scalar

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Per-element step sizes: grown by ``etaplus`` while the gradient keeps its sign, shrunk
    by ``etaminus`` (and that step skipped) when it flips, clamped to ``step_sizes``."""
    _group_flag_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                 foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        from .._tensor import _wrap
        state = self.state[p]
        state["step"] = _scalar_step()
        state["prev"] = _wrap(np.zeros_like(p._data))
        state["step_size"] = _wrap(np.full_like(p._data, _to_scalar(group["lr"])))

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                etaminus, etaplus = group["etas"]
                lo, hi = group["step_sizes"]
                for p, g, state in self._grads(group):
                    x = p._data
                    state["step"]._data[...] += 1
                    prev, size = state["prev"]._data, state["step_size"]._data
                    sign = np.sign(g * prev)
                    factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus,
                                                                  np.where(sign == 0, 1, sign)))
                    factor = factor.astype(x.dtype)  # (NaN stays NaN, as PyTorch's)
                    size *= factor
                    np.clip(size, lo, hi, out=size)
                    g = np.where(sign < 0, 0, g).astype(x.dtype)  # a sign flip skips this step
                    x -= np.sign(g) * size
                    np.copyto(prev, g)
                    p._bump()
        return loss
