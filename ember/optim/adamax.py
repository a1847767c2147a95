"""Adamax (PyTorch's single-tensor maths)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_betas_eps_wd, _check_lr, _lerp_, _to_scalar

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm of past gradients in the denominator.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 2e-3.
        betas (Tuple[float, float]): decay rates of the first moment and of the infinity
            norm. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.Adamax(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    _state_buffers = ("exp_avg", "exp_inf")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_betas_eps_wd(betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = group["betas"]
                eps = group["eps"]
                for p, g, state in self._grads(group):
                    x = p._data
                    st = state["step"]._data
                    st += 1
                    m = state["exp_avg"]._data
                    u = state["exp_inf"]._data
                    _lerp_(m, g, 1 - beta1)
                    u *= beta2
                    ag = np.abs(g)
                    ag += eps
                    np.maximum(u, ag, out=u)
                    clr = lr / (1 - beta1 ** float(st))
                    x += (-clr) * (m / u)
                    p._bump()
        return loss
