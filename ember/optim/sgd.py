"""SGD with momentum, dampening, Nesterov, weight decay and maximize (PyTorch's maths)."""
import numpy as np

from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    _group_flag_defaults = dict(nesterov=False, maximize=False, foreach=None, differentiable=False,
                                fused=None)
    _init_state = None  # the momentum buffer is made from the first gradient, in ``step``

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                momentum = group["momentum"]
                dampening = group["dampening"]
                nesterov = group["nesterov"]
                for p, g, _ in self._grads(group):
                    x = p._data
                    if momentum != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = _wrap(np.array(g, copy=True))
                            state["momentum_buffer"] = buf
                        else:
                            b = buf._data
                            b *= momentum
                            b += (1 - dampening) * g
                        if nesterov:
                            g = g + momentum * buf._data
                        else:
                            g = buf._data
                    x += (-lr) * g
                    p._bump()
        return loss
