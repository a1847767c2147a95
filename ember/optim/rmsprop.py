"""RMSprop (PyTorch's single-tensor maths)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _check_nonnegative, _lerp_, _to_scalar, _zeros_like

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    _state_buffers = ("square_avg",)

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        _check_nonnegative(epsilon=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        super()._init_state(p, group)
        state = self.state[p]
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                alpha, eps = group["alpha"], group["eps"]
                momentum, centered = group["momentum"], group["centered"]
                for p, g, state in self._grads(group):
                    x = p._data
                    state["step"]._data += 1
                    sq = state["square_avg"]._data
                    sq *= alpha
                    sq += (1 - alpha) * g * g
                    if centered:
                        ga = state["grad_avg"]._data
                        _lerp_(ga, g, 1 - alpha)
                        avg = np.sqrt(sq + (-1) * ga * ga)
                    else:
                        avg = np.sqrt(sq)
                    avg += eps
                    if momentum > 0:
                        buf = state["momentum_buffer"]._data
                        buf *= momentum
                        buf += g / avg
                        x += (-lr) * buf
                    else:
                        x += (-lr) * (g / avg)
                    p._bump()
        return loss
