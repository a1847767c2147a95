"""RMSprop (PyTorch's single-tensor maths)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _check_nonnegative, _lerp_, _to_scalar, _zeros_like

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop: gradients divided by a running root mean square of their past values.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-2.
        alpha (float): smoothing constant of the squared-gradient average. Default: 0.99.
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        momentum (float): momentum factor. Default: 0.
        centered (bool): normalise by the estimated variance instead of the second moment. Default: False.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.RMSprop(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
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
