"""Adadelta (PyTorch's single-tensor maths)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _check_nonnegative, _to_scalar

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of past updates and of gradients.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): factor applied to the update. Default: 1.0.
        rho (float): decay rate of the running averages. Default: 0.9.
        eps (float): added inside the square roots for numerical stability. Default: 1e-6.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.Adadelta(model.parameters())
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    _state_buffers = ("square_avg", "acc_delta")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative(epsilon=eps, weight_decay=weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                rho, eps = group["rho"], group["eps"]
                for p, g, state in self._grads(group):
                    x = p._data
                    state["step"]._data += 1
                    sq = state["square_avg"]._data
                    acc = state["acc_delta"]._data
                    sq *= rho
                    sq += (1 - rho) * g * g
                    std = np.sqrt(sq + eps)
                    delta = np.sqrt(acc + eps)
                    delta /= std
                    delta *= g
                    acc *= rho
                    acc += (1 - rho) * delta * delta
                    x += (-lr) * delta
                    p._bump()
        return loss
