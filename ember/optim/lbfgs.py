"""L-BFGS (PyTorch's algorithm, after minFunc): two-loop recursion over a history of
parameter and gradient differences, with an optional strong-Wolfe line search.

All parameters are handled as one flat vector; scalars (step ``t``, ``ys``, ``H_diag``)
are NumPy scalars of the parameters' dtype, so float32 runs round as PyTorch's 0-d
tensors do.
"""
import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad, no_grad
from .optimizer import Optimizer, _check_lr, _to_scalar

__all__ = ["LBFGS"]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to ``bounds``."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(pos, lo), hi)
    return (lo + hi) / 2.0


def _strong_wolfe(obj, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search along ``d`` from step ``t`` satisfying the strong Wolfe conditions.
    Returns (f_new, g_new, t, evaluations)."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:   # bracketing phase
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            br, br_f, br_g, br_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            br, br_f, br_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            br, br_f, br_g, br_gtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        br, br_f, br_g = [0, t], [f, f_new], [g, g_new]
    insuf_progress = False
    low, high = (0, 1) if br_f[0] <= br_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:   # zoom phase
        if abs(br[1] - br[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(br[0], br_f[0], br_gtd[0], br[1], br_f[1], br_gtd[1])
        eps = 0.1 * (max(br) - min(br))
        if min(max(br) - t, t - min(br)) < eps:
            if insuf_progress or t >= max(br) or t <= min(br):
                t = max(br) - eps if abs(t - max(br)) < abs(t - min(br)) else min(br) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= br_f[low]:
            br[high], br_f[high], br_g[high], br_gtd[high] = t, f_new, g_new.copy(), gtd_new
            low, high = (0, 1) if br_f[0] <= br_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (br[high] - br[low]) >= 0:
                br[high], br_f[high], br_g[high], br_gtd[high] = br[low], br_f[low], br_g[low], br_gtd[low]
            br[low], br_f[low], br_g[low], br_gtd[low] = t, f_new, g_new.copy(), gtd_new
    return br_f[low], br_g[low], br[low], evals


def _arr(v):
    """A state value back as an array (0-d for scalars); Python numbers and None pass."""
    return v._data if isinstance(v, Tensor) else v


def _tensor(v):
    return _wrap(np.asarray(v))


class LBFGS(Optimizer):
    """``step(closure)`` runs up to ``max_iter`` L-BFGS iterations (``closure`` re-evaluates
    the loss and its gradients). One parameter group only."""

    _init_state = None

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size,
                        line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _flat_grad(self):
        return np.concatenate([p.grad._data.reshape(-1) if p.grad is not None else
                               np.zeros(p._data.size, p._data.dtype) for p in self._params])

    def _add_grad(self, t, d):
        offset = 0
        for p in self._params:
            x = p._data
            x += t * d[offset:offset + x.size].reshape(x.shape)
            offset += x.size
            p._bump()

    def _set_param(self, values):
        for p, v in zip(self._params, values):
            np.copyto(p._data, v)
            p._bump()

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        g = self._flat_grad()
        self._set_param(x)
        return loss, g

    def step(self, closure):
        """Perform a single optimization step (``closure`` is required)."""
        group = self.param_groups[0]
        lr = _to_scalar(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        line_search, history_size = group["line_search_fn"], group["history_size"]

        def evaluate():
            with enable_grad():
                return closure()

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        with no_grad():
            flat_grad = self._flat_grad()
            if np.abs(flat_grad).max() <= tol_grad:
                return orig_loss
            d, t = _arr(state.get("d")), state.get("t")
            old_dirs = [v._data for v in state.get("old_dirs", [])]
            old_stps = [v._data for v in state.get("old_stps", [])]
            ro = [_arr(r) for r in state.get("ro", [])]
            H_diag = _arr(state.get("H_diag"))
            prev_flat_grad, prev_loss = _arr(state.get("prev_flat_grad")), state.get("prev_loss")
            one = flat_grad.dtype.type(1)
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:   # steepest descent first
                    d = -flat_grad
                    old_dirs, old_stps, ro = [], [], []
                    H_diag = 1
                else:                      # two-loop recursion
                    y = flat_grad - prev_flat_grad
                    s = d * t
                    ys = y.dot(s)
                    if ys > 1e-10:
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(one / ys)
                        H_diag = ys / y.dot(y)
                    al = [_arr(a) for a in state.get("al", [None] * history_size)]
                    state["al"] = al
                    q = -flat_grad
                    for i in range(len(old_dirs) - 1, -1, -1):
                        al[i] = old_stps[i].dot(q) * ro[i]
                        q -= al[i] * old_dirs[i]
                    d = r = q * H_diag
                    for i in range(len(old_dirs)):
                        be_i = old_dirs[i].dot(r) * ro[i]
                        r += (al[i] - be_i) * old_stps[i]
                prev_flat_grad = flat_grad.copy()
                prev_loss = loss
                if state["n_iter"] == 1:
                    t = min(1.0, one / np.abs(flat_grad).sum()) * lr
                else:
                    t = lr
                gtd = flat_grad.dot(d)
                if gtd > -tol_change:      # not a descent direction
                    break
                ls_evals = 0
                if line_search is not None:
                    if line_search != "strong_wolfe":
                        raise RuntimeError("only 'strong_wolfe' is supported")
                    x0 = [p._data.copy() for p in self._params]
                    loss, flat_grad, t, ls_evals = _strong_wolfe(
                        lambda x, t, d: self._directional_evaluate(evaluate, x, t, d),
                        x0, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                    self._add_grad(t, d)
                    opt_cond = np.abs(flat_grad).max() <= tol_grad
                else:
                    self._add_grad(t, d)
                    if n_iter != max_iter:
                        loss = float(evaluate())
                        flat_grad = self._flat_grad()
                        opt_cond = np.abs(flat_grad).max() <= tol_grad
                        ls_evals = 1
                current_evals += ls_evals
                state["func_evals"] += ls_evals
                if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                        or np.abs(d * t).max() <= tol_change or abs(loss - prev_loss) < tol_change):
                    break
            # the state as PyTorch keeps it: tensors (0-d for scalars), Python numbers
            state["d"] = _wrap(d)
            state["t"] = float(t)
            state["old_dirs"] = [_wrap(v) for v in old_dirs]
            state["old_stps"] = [_wrap(v) for v in old_stps]
            state["ro"] = [_tensor(r) for r in ro]
            state["H_diag"] = _tensor(H_diag) if H_diag is not None and H_diag != 1 else H_diag
            if "al" in state:
                state["al"] = [None if a is None else _tensor(a) for a in state["al"]]
            state["prev_flat_grad"] = _wrap(prev_flat_grad)
            state["prev_loss"] = prev_loss
        return orig_loss
