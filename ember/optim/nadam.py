"""NAdam (PyTorch's single-tensor maths; ``mu_product`` is a float32 0-d tensor as in torch)."""
import numpy as np

from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from .optimizer import (
    Optimizer,
    _check_betas_eps_wd,
    _check_lr,
    _check_nonnegative,
    _lerp_,
    _scalar_step,
    _to_scalar,
    _zeros_like,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum and a momentum-decay schedule.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 2e-3.
        betas (Tuple[float, float]): decay rates of the moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): weight decay (L2 penalty, or decoupled). Default: 0.
        momentum_decay (float): momentum decay ``psi``. Default: 4e-3.
        decoupled_weight_decay (bool): decay the weights directly, as AdamW. Default: False.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.NAdam(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        _check_betas_eps_wd(betas, eps, weight_decay)
        _check_nonnegative(momentum_decay=momentum_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = self.state[p]
        state["step"] = _scalar_step()
        state["mu_product"] = _wrap(np.ones((), dtype=np.float32))
        state["exp_avg"] = _zeros_like(p)
        state["exp_avg_sq"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = group["betas"]
                eps, momentum_decay = group["eps"], group["momentum_decay"]
                for p, g, state in self._grads(group, decoupled=group["decoupled_weight_decay"]):
                    x = p._data
                    m = state["exp_avg"]._data
                    v = state["exp_avg_sq"]._data
                    mp = state["mu_product"]._data
                    st = state["step"]._data
                    st += 1
                    step = float(st)
                    bias_correction2 = 1 - beta2 ** step
                    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                    mp *= mu
                    _lerp_(m, g, 1 - beta1)
                    v *= beta2
                    v += (1 - beta2) * g * g
                    denom = np.sqrt(v / bias_correction2)
                    mu_product = float(mp)
                    mu_product_next = mu_product * mu_next
                    denom += eps
                    x += (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
                    x += ((-lr * mu_next) / (1.0 - mu_product_next)) * (m / denom)
                    p._bump()
        return loss
