"""Adam and AdamW (PyTorch's single-tensor maths)."""
import numpy as np

from .. import _kernels
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_betas_eps_wd, _check_lr, _flat, _lerp_, _to_scalar, _zeros_like

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam: adaptive moment estimation with bias-corrected first and second moments.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-3.
        betas (Tuple[float, float]): decay rates of the running averages of the gradient
            and of its square. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty added to the gradient (decoupled, as AdamW, when
            ``decoupled_weight_decay``). Default: 0.
        amsgrad (bool): use the maximum of past second moments (AMSGrad). Default: False.
        decoupled_weight_decay (bool): decay the weights directly, as AdamW. Default: False.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.Adam(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    _group_flag_defaults = dict(amsgrad=False, maximize=False, foreach=None, capturable=False,
                                differentiable=False, decoupled_weight_decay=False, fused=None)
    _state_buffers = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_lr(lr)
        _check_betas_eps_wd(betas, eps, weight_decay)
        betas = tuple(map(_to_scalar, betas))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        super()._init_state(p, group)
        if group["amsgrad"]:
            self.state[p]["max_exp_avg_sq"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = (_to_scalar(b) for b in group["betas"])
                eps, amsgrad = group["eps"], group["amsgrad"]
                k = _kernels.load("optim")
                for p, g, state in self._grads(group, decoupled=group["decoupled_weight_decay"]):
                    x = p._data
                    m = state["exp_avg"]._data
                    v = state["exp_avg_sq"]._data
                    st = state["step"]._data
                    st += 1
                    step = float(st)
                    bias_correction1 = 1 - beta1 ** step
                    bias_correction2 = 1 - beta2 ** step
                    step_size = lr / bias_correction1
                    bc2_sqrt = bias_correction2 ** 0.5
                    vmax = state["max_exp_avg_sq"]._data if amsgrad else v
                    flat = _flat(k, x, g, m, v, vmax)
                    if flat is not None:     # one compiled pass (the same float sequence)
                        w = 1 - beta1
                        t = x.dtype.type
                        k.adam(*flat, amsgrad, t(w), t(1 - w), abs(w) < 0.5, t(beta2), t(1 - beta2),
                               t(-step_size), t(bc2_sqrt), t(eps))
                        p._bump()
                        continue
                    _lerp_(m, g, 1 - beta1)
                    v *= beta2
                    v += (1 - beta2) * g * g
                    if amsgrad:
                        np.maximum(vmax, v, out=vmax)
                        denom = np.sqrt(vmax) / bc2_sqrt
                    else:
                        denom = np.sqrt(v) / bc2_sqrt
                    denom += eps
                    x += (-step_size) * (m / denom)
                    p._bump()
        return loss


class AdamW(Adam):
    """AdamW: Adam with weight decay applied to the weights, decoupled from the gradient.

    Each step first multiplies every parameter by ``1 - lr * weight_decay``, then takes
    Adam's step.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-3.
        betas (Tuple[float, float]): decay rates of the moment averages. Default: (0.9, 0.999).
        eps (float): added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): decoupled weight decay coefficient. Default: 1e-2.
        amsgrad (bool): use the maximum of past second moments (AMSGrad). Default: False.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.AdamW(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                 *, maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
