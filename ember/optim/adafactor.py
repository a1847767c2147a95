"""Adafactor (PyTorch's ``torch.optim.Adafactor``, single-tensor maths): second moments
factored into row and column means for matrices, so the state is O(rows + cols)."""
import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _lerp_, _scalar_step, _to_scalar

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Adafactor: Adam-like steps with factored (row and column) second moments.

    Matrices keep one running average per row and one per column instead of one per
    element, which saves memory for large layers.

    Args:
        params (iterable): parameters, or dicts of parameter groups with their own options.
        lr (float or Tensor): learning rate. Default: 1e-2.
        beta2_decay (float): exponent of the second-moment decay schedule. Default: -0.8.
        eps (Tuple[float or None, float]): added to the second moment, and the floor of
            the relative step. Default: (None, 1e-3).
        d (float): clipping threshold of the update's root mean square. Default: 1.0.
        weight_decay (float): decoupled weight decay. Default: 0.0.
        maximize (bool): ascend the objective instead of descending it. Default: False.
        foreach, differentiable, capturable, fused: accepted for compatibility with
            PyTorch's signature; ember has one CPU implementation.

    Example:
        >>> model = nn.Linear(4, 1)
        >>> opt = ember.optim.Adafactor(model.parameters(), lr=0.01)
        >>> loss = model(ember.ones(2, 4)).pow(2).mean()
        >>> opt.zero_grad(); loss.backward(); opt.step()
        >>> model(ember.ones(2, 4)).pow(2).mean().item() < loss.item()
        True
    """
    _group_flag_defaults = dict(foreach=None, maximize=False)

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0,
                 *, foreach=None, maximize=False):
        from .._tensor import Tensor
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        checks = [(0.0 <= _to_scalar(lr), f"Learning rate should be >= 0 but is: {lr}"),
                  (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}"),
                  (eps[0] is None or 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}"),
                  (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
                  (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
                  (0.0 <= weight_decay, f"weight_decay should be >= 0 but is: {weight_decay}")]
        for ok, msg in checks:
            if not ok:
                raise ValueError(msg)
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        from .._tensor import _wrap
        state = self.state[p]
        state["step"] = _scalar_step()
        g = p._data
        if g.ndim > 1:
            state["row_var"] = _wrap(np.zeros(g.shape[:-1] + (1,), g.dtype))
            state["col_var"] = _wrap(np.zeros(g.shape[:-2] + (1,) + g.shape[-1:], g.dtype))
        else:
            state["variance"] = _wrap(np.zeros_like(g))

    def step(self, closure=None):
        """Perform a single optimization step."""
        loss = self._closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                eps1, eps2 = group["eps"]
                decay, wd, d = group["beta2_decay"], group["weight_decay"], group["d"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    if p.is_complex():
                        raise RuntimeError("Adafactor does not support complex parameters")
                    state = self.state[p]
                    if len(state) == 0:
                        self._init_state(p, group)
                    x = p._data
                    g = p.grad._data.astype(x.dtype, copy=False)
                    if group["maximize"]:
                        g = -g
                    if eps1 is None:
                        eps1 = float(np.finfo(x.dtype).eps)
                    st = state["step"]._data
                    st += 1
                    t = float(st)
                    beta = t ** decay                       # 1 - beta2_t
                    rho = min(lr, 1 / (t ** 0.5))
                    alpha = max(eps2, float(np.sqrt(np.sum(x * x))) / (x.size ** 0.5)) * rho
                    if wd != 0:
                        x *= 1 - lr * wd
                    if g.ndim > 1:
                        row, col = state["row_var"]._data, state["col_var"]._data
                        _lerp_(row, (g * g).sum(-1, keepdims=True) / g.shape[-1], beta)
                        _lerp_(col, (g * g).sum(-2, keepdims=True) / g.shape[-2], beta)
                        var = np.matmul(row, col)
                        var /= np.maximum(row.mean(-2, keepdims=True), eps1)
                    else:
                        v = state["variance"]._data
                        _lerp_(v, g * g, beta)
                        var = v.copy()
                    update = 1 / np.sqrt(np.maximum(var, eps1 * eps1))
                    update *= g
                    denom = max(1.0, float(np.sqrt(np.sum(update * update))) / ((update.size ** 0.5) * d))
                    x += (-alpha / denom) * update
                    p._bump()
        return loss
