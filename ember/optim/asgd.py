"""ASGD: averaged stochastic gradient descent (PyTorch's single-tensor maths)."""
import numpy as np

from .. import _dtype as D
from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _check_nonnegative, _scalar_step, _to_scalar, _zeros_like

__all__ = ["ASGD"]


def _scalar(v):
    """``v`` as a 0-d array of the default dtype (``torch.as_tensor`` of a Python float)."""
    return np.array(v, dtype=D.get_default_dtype().np)


class ASGD(Optimizer):
    """``ax`` is the running average of the iterates, from step ``t0`` on (``mu = 1 / max(1, t - t0)``);
    the step size decays as ``eta = lr / (1 + lambd * lr * t) ** alpha``."""
    _group_flag_defaults = dict(foreach=None, maximize=False, differentiable=False, capturable=False)

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_nonnegative(weight_decay=weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = self.state[p]
        state["step"] = _scalar_step()
        state["eta"] = _wrap(_scalar(_to_scalar(group["lr"])))
        state["mu"] = _wrap(_scalar(1.0))
        state["ax"] = _zeros_like(p)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
                for p, g, state in self._grads(group):
                    x = p._data
                    st = state["step"]._data
                    st += 1
                    eta, mu = state["eta"]._data, state["mu"]._data
                    e = float(eta)
                    x *= 1 - lambd * e
                    x += (-e) * g
                    ax = state["ax"]._data
                    if float(mu) != 1:
                        ax += (x - ax) * mu.astype(x.dtype)
                    else:
                        np.copyto(ax, x)
                    t = float(st)
                    # new values pass through the default dtype even when loading made the
                    # state float64 (PyTorch copies ``as_tensor(value)`` into it)
                    eta[...] = _scalar(lr / ((1 + lambd * lr * t) ** alpha))
                    mu[...] = _scalar(1 / max(1, t - t0))
                    p._bump()
        return loss
