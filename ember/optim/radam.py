"""RAdam (PyTorch's single-tensor maths)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_betas_eps_wd, _check_lr, _lerp_, _to_scalar

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam: Adam with a rectified variance of the adaptive learning rate.

    For the first steps, while the variance estimate is unreliable, the step is plain
    momentum SGD.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-3.
        betas (Tuple[float, float]): decay rates of the moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): weight decay (L2 penalty, or decoupled). Default: 0.
        decoupled_weight_decay (bool): decay the weights directly, as AdamW. Default: False.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.RAdam(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    _state_buffers = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        _check_betas_eps_wd(betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = group["betas"]
                eps = group["eps"]
                for p, g, state in self._grads(group, decoupled=group["decoupled_weight_decay"]):
                    x = p._data
                    m = state["exp_avg"]._data
                    v = state["exp_avg_sq"]._data
                    st = state["step"]._data
                    st += 1
                    step = float(st)
                    _lerp_(m, g, 1 - beta1)
                    v *= beta2
                    v += (1 - beta2) * g * g
                    bias_correction1 = 1 - beta1 ** step
                    bias_correction2 = 1 - beta2 ** step
                    bias_corrected_exp_avg = m / bias_correction1
                    rho_inf = 2 / (1 - beta2) - 1
                    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                    if rho_t > 5.0:
                        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                        s = np.sqrt(v)
                        s += eps
                        adaptive = (bias_correction2 ** 0.5) / s
                        x -= bias_corrected_exp_avg * lr * adaptive * rect
                    else:
                        x -= bias_corrected_exp_avg * lr
                    p._bump()
        return loss
