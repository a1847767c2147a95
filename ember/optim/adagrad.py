"""Adagrad (PyTorch's single-tensor maths)."""
import numpy as np

from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _check_nonnegative, _scalar_step, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad: per-element learning rates scaled by the root of the summed squared gradients.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-2.
        lr_decay (float): learning-rate decay per step. Default: 0.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        initial_accumulator_value (float): starting value of the squared-gradient sums. Default: 0.
        eps (float): added to the denominator for numerical stability. Default: 1e-10.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.Adagrad(model.parameters(), lr=0.1)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check_nonnegative(lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        state = self.state[p]
        state["step"] = _scalar_step()
        state["sum"] = _wrap(np.full_like(p._data, group["initial_accumulator_value"]))

    def share_memory(self):
        """Move the accumulated sums to shared memory (for Hogwild training)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                lr_decay, eps = group["lr_decay"], group["eps"]
                for p, g, state in self._grads(group):
                    x = p._data
                    st = state["step"]._data
                    st += 1
                    step = float(st)
                    clr = lr / (1 + (step - 1) * lr_decay)
                    s = state["sum"]._data
                    s += g * g
                    std = np.sqrt(s)
                    std += eps
                    x += (-clr) * (g / std)
                    p._bump()
        return loss
