"""SGD with momentum, dampening, Nesterov, weight decay and maximize (PyTorch's maths)."""
import numpy as np

from .. import _kernels
from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr, _flat, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov).

    Each step computes ``g = grad + weight_decay * p``; with momentum, ``b = momentum * b +
    (1 - dampening) * g`` (``b = g`` on the first step) and ``g = b`` (or ``g + momentum * b``
    with Nesterov); then ``p -= lr * g``.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-3.
        momentum (float): momentum factor. Default: 0.
        dampening (float): dampening of the momentum. Default: 0.
        weight_decay (float): L2 penalty added to the gradient. Default: 0.
        nesterov (bool): Nesterov momentum (needs momentum > 0 and dampening 0). Default: False.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
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
                k = _kernels.load("optim") if momentum != 0 else None
                for p, g, _ in self._grads(group):
                    x = p._data
                    if momentum != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = _wrap(np.array(g, copy=True))
                            state["momentum_buffer"] = buf
                        else:
                            flat = _flat(k, x, g, buf._data)
                            if flat is not None:     # one compiled pass (the same float sequence)
                                t = x.dtype.type
                                k.sgd_momentum(*flat, t(momentum), t(1 - dampening), nesterov, t(-lr))
                                p._bump()
                                continue
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
