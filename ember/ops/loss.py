"""Loss kernels: fused log_softmax + nll (cross entropy), nll, and pointwise losses,
each with a hand-written backward."""
import math
import warnings

import numpy as np

from .. import _kernels
from .._tensor import _wrap
from ._apply import Op, _type_name, apply

__all__ = ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
           "gaussian_nll_loss"]

_RED = ("none", "mean", "sum")
def _reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='"
                  + ("mean" if reduce and size_average else "sum" if reduce else "none")
                  + "' instead.")
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _check_red(reduction):
    if reduction not in _RED:
        raise ValueError(f"{reduction} is not a valid value for reduction")


# ---- nll / cross entropy ------------------------------------------------------------------

def _nll_prepare(x, t, weight, ignore_index, fname="nll_loss"):
    """x: (N, C, d...) or (C,); t ints. Returns logp2d view info."""
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"expected scalar type Long but found {_type_name(t.dtype)}")
    if x.ndim == 1:
        if t.ndim != 0:
            raise RuntimeError(
                "0D or 1D target tensor expected, multi-target not supported")
        x2 = x.reshape(1, -1)
        tf = t.reshape(1)
    else:
        if x.ndim == 0:
            raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
        if t.shape[:1] != x.shape[:1]:
            raise ValueError(
                f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({t.shape[0] if t.ndim else 1}).")
        if t.shape != x.shape[:1] + x.shape[2:]:
            if x.ndim == 2:
                raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
            raise RuntimeError(
                f"size mismatch (got input: {_sz(x.shape)} , target: {_sz(t.shape)}")
        x2 = x if x.ndim == 2 else np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
        tf = t.reshape(-1)
    C = x2.shape[1]
    valid = tf != ignore_index
    tv = np.where(valid, tf, 0)
    bad = valid & ((tf < 0) | (tf >= C))
    if bad.any():
        raise IndexError(f"Target {int(tf[bad][0])} is out of bounds.")
    if weight is not None:
        if weight.shape != (C,):
            raise RuntimeError(
                f"weight tensor should be defined either for all {C} classes or no classes but "
                f"got weight tensor of shape: {list(weight.shape)}")
        wt = weight[tv] * valid
    else:
        wt = valid.astype(x.dtype)
    return x2, tv, valid, wt.astype(x.dtype, copy=False)


def _sz(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _out_shape(x):
    return () if x.ndim == 1 else x.shape[:1] + x.shape[2:]


class _NLLCore(Op):
    """Fused [log_softmax +] nll with optional label smoothing or probability targets."""
    name = "NllLossBackward0"
    saves = (0,)

    def forward(self, x, t, weight, ignore_index, reduction, smoothing, softmax, prob):
        self.x, self.xshape, self.softmax, self.reduction = x, x.shape, softmax, reduction
        self.G = None
        dt = x.dtype
        if x.dtype.kind != "f":
            raise RuntimeError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{_type_name(x.dtype)}'")
        if prob:
            x2 = np.moveaxis(x, 1, -1).reshape(-1, x.shape[1]) if x.ndim > 1 else x.reshape(1, -1)
            t2 = np.moveaxis(t, 1, -1).reshape(-1, t.shape[1]) if t.ndim > 1 else t.reshape(1, -1)
        else:
            x2, tv, valid, wt = _nll_prepare(x, t, weight, ignore_index)
        M, C = x2.shape
        rows = np.arange(M)
        plain = softmax and not prob and smoothing == 0
        k = _kernels.load("softmax") if plain and M and C and dt in (np.float32, np.float64) else None
        if k is not None:   # per row: max, sum of exp and the target's log-probability
            self.k, self.x2 = k, np.ascontiguousarray(x2)
            x2 = self.x2
            self.m, self.se, logp_t = np.empty(M, dt), np.empty(M, dt), np.empty(M, dt)
            k.ce_fwd(x2, tv, self.m, self.se, logp_t)
        elif softmax:
            m = x2.max(axis=1, keepdims=True) if M and C else 0
            z = x2 - m
            if plain:   # only the targets' log-probabilities: no (M, C) logp, p made in backward
                zt = z[rows, tv]
                e = np.exp(z, out=z)
                se = e.sum(axis=1, keepdims=True)
                logp_t = zt - np.log(se[:, 0])
                self.e, self.se = e, se
            else:
                e = np.exp(z)
                se = e.sum(axis=1, keepdims=True)
                logp = z - np.log(se)
                self.p = e / se
        else:
            logp = x2
        if prob:
            tt = t2.astype(dt, copy=False)
            if smoothing > 0:
                tt = tt * (1 - smoothing) + smoothing / C
            G = -tt if weight is None else -tt * weight.astype(dt)
            self.tgrad = -(logp if weight is None else logp * weight.astype(dt)) * (1 - smoothing)
            self.tshape, self.t, self.w, self.smoothing = t.shape, t, weight, smoothing
            L = (G * logp).sum(axis=1)
            denom = M if reduction == "mean" else 1
        else:
            L = -wt * (logp_t if plain else logp[rows, tv])
            G = None
            self.tv, self.wt = tv, wt
            denom = 1
            if smoothing > 0:
                w = weight.astype(dt) if weight is not None else None
                sm = -(logp * w).sum(axis=1) if w is not None else -logp.sum(axis=1)
                sm = sm * valid
                eps_c = smoothing / C
                self.sm_w = (w if w is not None else np.ones(C, dt)) * valid[:, None].astype(dt)
                if reduction == "mean":
                    wsum = wt.sum()
                    n_valid = valid.sum()
                    d_sm = wsum if weight is not None else n_valid
                    L_tot = (1 - smoothing) * L.sum() / wsum + eps_c * sm.sum() / d_sm
                    self.scale_nll, self.scale_sm = (1 - smoothing) / wsum, eps_c / d_sm
                    self.mode = "smooth"
                    return np.asarray(L_tot, dtype=dt)
                self.scale_nll, self.scale_sm = 1 - smoothing, eps_c
                self.mode = "smooth"
                L = (1 - smoothing) * L + eps_c * sm
            elif reduction == "mean":
                denom = wt.sum()
        self.G, self.denom, self.mode = G, denom, getattr(self, "mode", "plain")
        self.mode = "smooth" if smoothing > 0 and not prob else "plain"
        if reduction == "none":
            return L.reshape(_out_shape(x) if not prob else _out_shape(x)).astype(dt, copy=False)
        s = L.sum(dtype=np.float64) if dt == np.float32 else L.sum()
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                s = s / denom
        return np.asarray(s, dtype=dt)

    def backward(self, g):
        dt = g.dtype
        if self.reduction == "none":
            gr = g.reshape(-1)
        else:
            gr = np.broadcast_to(g, ())
        p = self.__dict__.get("p")
        if self.G is not None:  # probability targets
            gl = self.G * (gr / self.denom if self.reduction == "mean" else gr)[..., None] \
                if self.reduction == "none" else self.G * (gr / self.denom)
            if self.softmax:
                gx = gl - p * gl.sum(axis=1, keepdims=True)
            else:
                gx = gl
            gt = self.tgrad * (gr[..., None] if self.reduction == "none" else gr / self.denom)
            shape = self.tshape
            if len(shape) > 1:
                moved = (shape[0],) + shape[2:] + (shape[1],)
                gt = np.moveaxis(gt.reshape(moved), -1, 1)
            else:
                gt = gt.reshape(shape)
            gx = self._unflat(gx)
            return gx.astype(dt, copy=False), gt.astype(dt, copy=False), None
        elif self.mode == "smooth":
            if self.reduction == "mean":
                sn, ss = gr * self.scale_nll, gr * self.scale_sm
            else:
                gv = gr[:, None] if self.reduction == "none" else gr
                sn, ss = gv * self.scale_nll, gv * self.scale_sm
            M = len(self.tv)
            gl = -(ss * self.sm_w)
            if np.ndim(sn):
                gl[np.arange(M), self.tv] -= (sn[:, 0] * self.wt)
            else:
                gl[np.arange(M), self.tv] -= sn * self.wt
            gx = gl - p * gl.sum(axis=1, keepdims=True) if self.softmax else gl
        else:
            M = len(self.tv)
            with np.errstate(invalid="ignore", divide="ignore"):
                if self.reduction == "none":
                    coef = gr * self.wt
                elif self.reduction == "mean":   # every target ignored: zero gradient, as torch
                    coef = self.wt * (gr / self.denom) if self.denom else np.zeros_like(self.wt)
                else:
                    coef = self.wt * gr
            coef = coef.astype(dt, copy=False)
            if "k" in self.__dict__:   # the kernel's forward ran
                gx = np.empty(self.x2.shape, dt)
                self.k.ce_bwd(self.x2, self.tv, self.m, self.se, coef, gx)
                return self._unflat(gx), None, None
            if self.softmax:
                gx = np.multiply(self.e, coef[:, None] / self.se)   # the softmax times coef
            else:
                gx = np.zeros((M, self.xshape[1] if len(self.xshape) > 1 else self.xshape[0]), dt)
            gx[np.arange(M), self.tv] -= coef
        return self._unflat(gx).astype(dt, copy=False), None, None

    def backward_ops(self, g):
        if self.G is not None:   # probability targets
            return self._prob_backward_ops(g)
        if self.reduction == "none" and len(self.xshape) > 1:
            g = g.unsqueeze(1)
        gl = _wrap(self._unflat(self._dlogp())) * g
        if not self.softmax:
            return gl, None, None
        d = 1 if len(self.xshape) > 1 else 0
        p = self.saved_input(0, self.x).softmax(d)
        return gl - p * gl.sum(d, keepdim=True), None, None

    def _prob_backward_ops(self, g):
        """Cross entropy with probability targets written with ember ops, differentiated
        on the graph (its gradient for the targets too)."""
        from ._apply import composite_backward

        nd, sm, red = len(self.xshape), self.smoothing, self.reduction
        d = 1 if nd > 1 else 0
        C = self.xshape[d]
        w = None if self.w is None else _wrap(self.w.reshape((C,) + (1,) * (nd - 2)))

        def loss(x, t):
            logp = x.log_softmax(d)
            if sm > 0:
                t = t * (1 - sm) + sm / C
            if w is not None:
                t = t * w
            L = -(t * logp).sum(d)
            return L.sum() / self.denom if red == "mean" else L.sum() if red == "sum" else L
        ins = (self.saved_input(0, self.x), self.saved_input(1, self.t))
        return composite_backward(loss, ins, (g,)) + (None,)

    def _dlogp(self):
        """d loss / d log-probabilities (M, C) for a unit output gradient: constant in x."""
        M = len(self.tv)
        C = self.xshape[1] if len(self.xshape) > 1 else self.xshape[0]
        rows = np.arange(M)
        dt = self.x.dtype
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.mode == "smooth":
                gl = -(self.scale_sm * self.sm_w).astype(dt)
                gl[rows, self.tv] -= (self.scale_nll * self.wt).astype(dt)
            else:
                gl = np.zeros((M, C), dt)
                gl[rows, self.tv] = -(self.wt / self.denom if self.reduction == "mean" else self.wt)
        return gl

    def _unflat(self, gx):
        shape = self.xshape
        if len(shape) <= 2:
            return gx.reshape(shape)
        moved = (shape[0],) + shape[2:] + (shape[1],)
        return np.moveaxis(gx.reshape(moved), -1, 1)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of class targets under logits: ``nll_loss(log_softmax(input, 1), target)``.

    Args:
        input (Tensor): the logits, classes along dim 1.
        target (Tensor): class indices (int64) in ``[0, C)``, or class probabilities of the shape of ``input``.
        weight (Tensor, optional): a weight per class, shape ``(C,)``. Default: ``None``.
        ignore_index (int): a class index whose targets add nothing to the loss or the mean. Default: ``-100``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        label_smoothing (float): in ``[0, 1]``; mixes the targets with the uniform distribution. Default: ``0.0``.

    Shape:
        input: ``(C)``, ``(N, C)`` or ``(N, C, d1, ...)``. target: ``()``, ``(N)`` or ``(N, d1, ...)`` for indices.
        Output: a scalar, or the target's shape with ``reduction='none'``.

    Example:
        >>> import ember.nn.functional as F
        >>> logits = ember.tensor([[2., 0., 0.], [0., 1., 0.]])
        >>> F.cross_entropy(logits, ember.tensor([0, 2]))
        tensor(0.8955)
        >>> F.cross_entropy(logits, ember.tensor([0, 2]), reduction='none')
        tensor([0.2395, 1.5514])
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_red(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x, t = input._data, target._data
    prob = t.dtype.kind == "f" and t.shape == x.shape
    if prob and t.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x.dtype)} but found {_type_name(t.dtype)}")
    w = weight._data if weight is not None else None
    return apply(_NllLoss, input, target, None, w=w, ignore_index=ignore_index,
                 reduction=reduction, smoothing=label_smoothing, softmax=True, prob=prob)


class _NllLoss(_NLLCore):
    """``_NLLCore`` with the weight as a keyword (graph inputs: input, target)."""
    name = "NllLossBackward0"

    def forward(self, x, t, _unused, w=None, ignore_index=-100, reduction="mean", smoothing=0.0,
                softmax=True, prob=False):
        return _NLLCore.forward(self, x, t, w, ignore_index, reduction, smoothing, softmax, prob)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood loss: minus the log-probability that ``input`` gives each target class.

    Args:
        input (Tensor): log-probabilities (e.g. from :func:`log_softmax`), classes along dim 1.
        target (Tensor): class indices (int64) in ``[0, C)``.
        weight (Tensor, optional): a weight per class, shape ``(C,)``. Default: ``None``.
        size_average (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        ignore_index (int): a class index whose targets add nothing to the loss or the mean. Default: ``-100``.
        reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        input: ``(C)``, ``(N, C)`` or ``(N, C, d1, ...)``. target: ``()``, ``(N)`` or ``(N, d1, ...)``.
        Output: a scalar, or the target's shape with ``reduction='none'``.

    Example:
        >>> import ember.nn.functional as F
        >>> logp = ember.tensor([[-0.5, -1., -2.], [-3., -0.1, -1.]])
        >>> F.nll_loss(logp, ember.tensor([0, 1]))
        tensor(0.3000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_red(reduction)
    w = weight._data if weight is not None else None
    return apply(_NllLoss, input, target, None, w=w, ignore_index=ignore_index, reduction=reduction,
                 smoothing=0.0, softmax=False, prob=False)


# ---- pointwise losses -----------------------------------------------------------------------

class _Pointwise(Op):
    """Elementwise loss ``l(x, y)`` with partials; reduction fused."""
    saves = (0, 1)

    def forward(self, x, y, *extra, reduction="mean", fn=None, w=None, dxy=None):
        if x.dtype.kind != "f" and x.dtype.kind != "c":
            raise RuntimeError(f"\"{self.name}\" not implemented for '{_type_name(x.dtype)}'")
        if y.dtype != x.dtype and y.dtype.kind == "f":
            y = y.astype(np.result_type(x, y))
            x = x.astype(y.dtype)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            L, dx, dy = fn(x, y, *extra)
        if w is not None:
            L = L * w
            dx = dx * w if dx is not None else None
            dy = dy * w if dy is not None else None
        self.dx, self.dy, self.reduction, self.n = dx, dy, reduction, L.size
        self.xy, self.dxy, self.w, self.extra = (x, y), dxy, w, extra
        dt = np.result_type(x, y) if y.dtype.kind == "f" else x.dtype
        self.dt = dt
        if reduction == "none":
            return L.astype(dt, copy=False)
        s = L.sum()
        if reduction == "mean":
            s = s / L.size if L.size else np.nan
        return np.asarray(s, dtype=dt)

    def backward(self, g):
        if self.reduction == "mean":
            g = g / self.n
        gx = g * self.dx if self.dx is not None else None
        gy = g * self.dy if self.dy is not None else None
        return (gx, gy) + (None,) * 2

    def backward_ops(self, g):
        """With ``dxy(x, y, *extra) -> (dL/dx, dL/dy)`` written with ember ops (given by the
        loss), or ``dxy="const"`` for a piecewise linear loss: its partials are constants."""
        if self.dxy is None:
            return self.no_double_backward(g)
        if self.reduction == "mean":
            g = g / self.n
        if self.dxy == "const":
            dx, dy = (None if d is None else _wrap(d) for d in (self.dx, self.dy))
        else:
            dx, dy = self.dxy(*(self.saved_input(i, a) for i, a in enumerate(self.xy)), *self.extra)
            if self.w is not None:
                w = _wrap(self.w)
                dx, dy = dx * w, None if dy is None else dy * w
        return (g * dx if self.dx is not None else None, g * dy if self.dy is not None else None,
                None, None)


def _pw(name, input, target, fn, reduction, *extra, w=None, check_shape=True, warn=True, dxy=None):
    _check_red(reduction)
    if check_shape and warn and tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=3)
    cls = _POINTWISE.get(name)
    if cls is None:
        cls = _POINTWISE[name] = type(name, (_Pointwise,), {"name": name})
    return apply(cls, input, target, *extra, reduction=reduction, fn=fn, w=w, dxy=dxy)


_POINTWISE = {}


def _mse(x, y):
    d = x - y
    return d * d, 2 * d, -2 * d


def _l1(x, y):
    d = x - y
    s = np.sign(d)
    return np.abs(d), s, -s


def _mse_t(x, y):
    d = 2 * (x - y)
    return d, -d


def _l1_t(x, y):
    s = _wrap(np.sign(x._data - y._data))   # piecewise constant
    return s, -s


def _sign_t(x, y):
    return _wrap(np.sign(x._data - y._data))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: the squared differences ``(input - target) ** 2``, reduced.

    Args:
        input (Tensor): the predictions.
        target (Tensor): the targets, same shape as ``input``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        weight (Tensor, optional): per-element weights multiplying the losses (broadcast). Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.mse_loss(ember.tensor([0.5, 2., -1.]), ember.tensor([1., 2., 1.]))
        tensor(1.4167)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _pw("MseLossBackward0", input, target, _mse, reduction, dxy=_mse_t,
               w=None if weight is None else weight._data)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: the differences ``|input - target|``, reduced.

    Args:
        input (Tensor): the predictions.
        target (Tensor): the targets, same shape as ``input``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        weight (Tensor, optional): per-element weights multiplying the losses (broadcast). Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.l1_loss(ember.tensor([0.5, 2., -1.]), ember.tensor([1., 2., 1.]))
        tensor(0.8333)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _pw("L1LossBackward0", input, target, _l1, reduction, dxy=_l1_t)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1 loss of ``d = input - target``: ``d**2 / (2 * beta)`` if ``|d| < beta``, else ``|d| - beta / 2``.

    Args:
        input (Tensor): the predictions.
        target (Tensor): the targets, same shape as ``input``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        beta (float): where the quadratic part ends; ``0`` gives :func:`l1_loss`. Default: ``1.0``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.smooth_l1_loss(ember.tensor([0.5, 2., -1.]), ember.tensor([1., 2., 1.]), reduction='none')
        tensor([0.1250, 0.0000, 1.5000])
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)

    def fn(x, y):
        d = x - y
        a = np.abs(d)
        small = a < beta
        L = np.where(small, 0.5 * d * d / beta, a - 0.5 * beta)
        gd = np.where(small, d / beta, np.sign(d))
        return L, gd, -gd

    def dxy(x, y):
        d = x - y
        gd = (d / beta).where(_wrap(np.abs(d._data) < beta), _sign_t(x, y))
        return gd, -gd
    return _pw("SmoothL1LossBackward0", input, target, fn, reduction, dxy=dxy)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss of ``d = input - target``: ``d**2 / 2`` if ``|d| <= delta``, else ``delta * (|d| - delta / 2)``.

    Args:
        input (Tensor): the predictions.
        target (Tensor): the targets, same shape as ``input``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        delta (float): where the quadratic part ends. Default: ``1.0``.
        weight (Tensor, optional): per-element weights multiplying the losses (broadcast). Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.huber_loss(ember.tensor([0.5, 2., -1.]), ember.tensor([1., 2., 1.]), reduction='none', delta=0.5)
        tensor([0.1250, 0.0000, 0.8750])
    """
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")

    def fn(x, y):
        d = x - y
        a = np.abs(d)
        small = a < delta
        L = np.where(small, 0.5 * d * d, delta * (a - 0.5 * delta))
        gd = np.where(small, d, delta * np.sign(d))
        return L, gd, -gd

    def dxy(x, y):
        d = x - y
        gd = d.where(_wrap(np.abs(d._data) < delta), _sign_t(x, y) * delta)
        return gd, -gd
    return _pw("HuberLossBackward0", input, target, fn, reduction, dxy=dxy,
               w=None if weight is None else weight._data)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy between probabilities and targets: ``-(t * log(p) + (1 - t) * log(1 - p))``.

    Args:
        input (Tensor): probabilities in ``[0, 1]``.
        target (Tensor): targets in ``[0, 1]``, same shape as ``input``.
        weight (Tensor, optional): weights multiplying the per-element losses (broadcast). Default: ``None``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.binary_cross_entropy(ember.tensor([0.9, 0.2, 0.5]), ember.tensor([1., 0., 1.]))
        tensor(0.3406)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size.")
    x = input._data
    if ((x < 0) | (x > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")

    def fn(x, y):
        lx = np.maximum(np.log(x), -100)
        l1x = np.maximum(np.log1p(-x), -100)
        L = -(y * lx + (1 - y) * l1x)
        dx = (x - y) / np.maximum((1 - x) * x, 1e-12)
        dy = l1x - lx
        return L, dx, dy

    def dxy(x, y):
        return ((x - y) / ((1 - x) * x).clamp(min=1e-12),
                (-x).log1p().clamp(min=-100) - x.log().clamp(min=-100))
    w = None
    if weight is not None:
        w = np.broadcast_to(weight._data, input.shape)
    return _pw("BinaryCrossEntropyBackward0", input, target, fn, reduction, w=w, warn=False,
               dxy=dxy)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy on logits: :func:`binary_cross_entropy` of ``sigmoid(input)``, computed stably.

    Args:
        input (Tensor): logits.
        target (Tensor): targets in ``[0, 1]``, same shape as ``input``.
        weight (Tensor, optional): weights multiplying the per-element losses (broadcast). Default: ``None``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.
        pos_weight (Tensor, optional): weight of the positive term, one per class (last dim). Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> x, y = ember.tensor([2., -1., 0.]), ember.tensor([1., 0., 1.])
        >>> F.binary_cross_entropy_with_logits(x, y)
        tensor(0.3778)
        >>> F.binary_cross_entropy_with_logits(x, y, pos_weight=ember.tensor([2.]))
        tensor(0.6511)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    pw = pos_weight._data if pos_weight is not None else None

    def fn(x, y):
        sp = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)  # softplus(-x)
        sig_neg = 1.0 / (1.0 + np.exp(x))  # sigmoid(-x)
        if pw is None:
            L = (1 - y) * x + sp
            dx = (1 - y) - sig_neg
            dy = -x
        else:
            c = 1 + (pw - 1) * y
            L = (1 - y) * x + c * sp
            dx = (1 - y) - c * sig_neg
            dy = -x + (pw - 1) * sp
        return L, dx, dy

    def dxy(x, y):
        sig_neg = (-x).sigmoid()
        if pw is None:
            return (1 - y) - sig_neg, -x
        sp = (-x.abs()).exp().log1p() + (-x).clamp(min=0)   # softplus(-x)
        c = 1 + (_wrap(pw) - 1) * y
        return (1 - y) - c * sig_neg, -x + (_wrap(pw) - 1) * sp
    w = None if weight is None else weight._data
    return _pw("BinaryCrossEntropyWithLogitsBackward0", input, target, fn, reduction, w=w,
               warn=False, dxy=dxy)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence ``target * (log(target) - input)``, with ``input`` given as log-probabilities.

    Args:
        input (Tensor): log-probabilities.
        target (Tensor): probabilities (log-probabilities if ``log_target``), same shape.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'``, ``'batchmean'`` (sum / batch size: true KL divergence), ``'mean'`` or ``'sum'``.
            Default: ``'mean'``.
        log_target (bool): ``target`` holds log-probabilities. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> p = ember.tensor([[0.5, 0.5]])
        >>> q = ember.tensor([[0.25, 0.75]])
        >>> F.kl_div(q.log(), p, reduction='batchmean')
        tensor(0.1438)
    """
    reduction = _reduction(size_average, reduce, reduction)
    red = reduction
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with the "
                      "KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.")
    if red == "batchmean":
        red = "sum"

    def fn(x, y):
        if log_target:
            e = np.exp(y)
            return e * (y - x), -e, e * (y - x + 1)
        ly = np.where(y > 0, np.log(np.where(y > 0, y, 1)), 0)
        L = np.where(y > 0, y * ly, 0) - y * x
        return L, -y, np.where(y > 0, ly + 1, 0) - x

    def dxy(x, y):
        if log_target:
            e = y.exp()
            return -e, e * (y - x + 1)
        return -y, (y.log() + 1).where(_wrap(y._data > 0), 0.0) - x
    out = _pw("KlDivBackward0", input, target, fn, red, warn=False, dxy=dxy)
    if reduction == "batchmean" and input.ndim != 0:
        from .arithmetic import div
        out = div(out, input.shape[0])
    return out


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of ``target`` under a Poisson distribution of rate ``input`` (or ``exp(input)``).

    Args:
        input (Tensor): the rates, or their logarithms if ``log_input``.
        target (Tensor): observed counts, same shape.
        log_input (bool): loss ``exp(x) - t * x`` (``x`` log-rates); else ``x - t * log(x + eps)``. Default: ``True``.
        full (bool): add Stirling's approximation of ``log(target!)``. Default: ``False``.
        size_average (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        eps (float): keeps ``log`` finite when ``log_input=False``. Default: ``1e-8``.
        reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.poisson_nll_loss(ember.tensor([0., 1.]), ember.tensor([1., 2.]))
        tensor(0.8591)
    """
    reduction = _reduction(size_average, reduce, reduction)

    def fn(x, y):
        if log_input:
            L = np.exp(x) - y * x
            dx = np.exp(x) - y
            dy = -x
        else:
            L = x - y * np.log(x + eps)
            dx = 1 - y / (x + eps)
            dy = -np.log(x + eps)
        if full:
            st = y * np.log(np.where(y > 1, y, 1)) - y + 0.5 * np.log(2 * np.pi * np.where(y > 1, y, 1))
            L = L + np.where(y > 1, st, 0)
            dy = dy + np.where(y > 1, np.log(np.where(y > 1, y, 1)) + 0.5 / np.where(y > 1, y, 1), 0)
        return L, dx, dy

    def dxy(x, y):
        if log_input:
            dx, dy = x.exp() - y, -x
        else:
            dx, dy = 1 - y / (x + eps), -(x + eps).log()
        if full:
            big = _wrap(y._data > 1)
            ys = y.where(big, 1.0)
            dy = dy + (ys.log() + 0.5 / ys).where(big, 0.0)
        return dx, dy
    return _pw("PoissonNllLossBackward", input, target, fn, reduction, warn=False, dxy=dxy)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian negative log-likelihood: ``0.5 * (log(var) + (input - target) ** 2 / var)``.

    ``var`` (a tensor, or a float) is clamped to ``eps`` for the value only: its gradient is
    the unclamped formula's, as in torch.

    Args:
        input (Tensor): the predicted means.
        target (Tensor): the observations.
        var (Tensor or float): the predicted variances, broadcast against ``input`` (or one per sample).
        full (bool): add the constant ``0.5 * log(2 * pi)``. Default: ``False``.
        eps (float): lower clamp of ``var``. Default: ``1e-6``.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> mean, obs, var = ember.tensor([0., 1.]), ember.tensor([1., 1.]), ember.tensor([1., 0.5])
        >>> F.gaussian_nll_loss(mean, obs, var, reduction='none')
        tensor([ 0.5000, -0.3466])
    """
    from ..autograd.grad_mode import no_grad

    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = input.new_full(tuple(input.shape), var)
    elif (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    ish, vsh = tuple(input.shape), tuple(var.shape)
    if vsh != ish:
        if ish[:-1] == vsh:
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(y for x, y in zip(ish, vsh) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss

