"""Normalization kernels: batch/instance/layer/group norm, one fused op with hand-written backward."""
import numpy as np

from .. import _kernels
from .._tensor import _wrap
from ..autograd import grad_mode
from ._apply import Op, apply, composite_backward

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm",
           "rms_norm"]


_KDTYPES = (np.dtype(np.float32), np.dtype(np.float64))   # what the compiled kernels take
_BACKWARD = {"bn": "_bn_backward", "bn_k": "_bn_kernel_backward", "ln": "_ln_backward",
             "ln_k": "_ln_kernel_backward"}


def _fits(x, w, b):
    """Whether the training fast paths (kernels and their NumPy references) take these:
    float32 or float64, weight and bias (if any) in the input's dtype, not empty."""
    return x.dtype in _KDTYPES and x.size and (w is None or w.dtype == x.dtype) and (
        b is None or b.dtype == x.dtype)


def _vec(a, dt, n, fill=1):
    """A weight or bias as the training kernels take it: flat and contiguous, or ``fill``
    (ones for no weight, zeros for no bias)."""
    return np.ascontiguousarray(a).reshape(-1) if a is not None else np.full(n, fill, dt)


class _Norm(Op):
    """y = (x - mean) * invstd * w + b.

    Stats over ``axes`` of ``x`` reshaped to ``gshape`` (or given ``stats`` = (mean, var),
    then constant). ``w``/``b`` broadcast as ``wshape`` over x.
    """
    name = "NativeBatchNormBackward0"
    saves = (0, 1)

    fast = None   # the training fast path forward took: "bn" / "ln" (NumPy), "bn_k" / "ln_k" (kernels)

    def forward(self, x, w, b, axes, gshape, wshape, eps, stats=None, update=None, rms=False):
        if x.dtype.kind != "f":
            raise RuntimeError(f"\"{self.name}\" not implemented for '{x.dtype}'")
        self.x, self.eps, self.stats = x, eps, stats   # for the double backward
        xs = x.reshape(gshape) if gshape is not None else x
        if (stats is None and not rms and gshape is None and x.ndim >= 2 and _fits(x, w, b)
                and axes == (0,) + tuple(range(2, x.ndim))):
            kn = _kernels.load("norm")
            if kn is not None and x.size > x.shape[0] * x.shape[1]:   # (N, C): NumPy's column sums
                return self._bn_kernel(kn, x, w, b, wshape, eps, update)
            return self._bn_train(x, w, b, wshape, eps, update)
        if stats is None:
            with np.errstate(invalid="ignore"):   # an empty x: NaN statistics, no warning (as torch)
                mean = np.zeros((), x.dtype) if rms else _mean(xs, axes)
                xc = xs - mean if not rms else xs
                var = _mean(xc * xc, axes)
            invstd = 1.0 / np.sqrt(var + np.asarray(eps, dtype=x.dtype))
            if update is not None:
                update(mean, var)
            self.train = True
        else:
            mean, var = stats
            invstd = 1.0 / np.sqrt(var + np.asarray(eps, dtype=x.dtype))
            if not grad_mode.enabled and gshape is None and x.ndim >= 2 and x.dtype in _KDTYPES:
                kn = _kernels.load("norm")
                if kn is not None:   # inference: one parallel pass, nothing kept for backward
                    return self._kernel_eval(kn, x, mean, invstd, w, b)
            xc = xs - mean
            self.train = False
        xhat = xc * invstd if xc is xs else np.multiply(xc, invstd, out=xc)
        if gshape is not None:
            xhat = xhat.reshape(x.shape)
        self.xhat, self.invstd, self.axes, self.gshape = xhat, invstd, axes, gshape
        self.wshape, self.w, self.has_b = wshape, w, b is not None
        self.rms = rms
        y = xhat
        if w is not None:
            y = y * w.reshape(wshape)
        else:
            y = y.copy()
        if b is not None:
            y += b.reshape(wshape)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def _kernel_eval(kn, x, mean, invstd, w, b):
        C = x.shape[1]
        dt = x.dtype
        x3 = np.ascontiguousarray(x).reshape(x.shape[0], C, -1)
        out = np.empty(x3.shape, dt)

        def vec(a):
            return np.ascontiguousarray(a, dtype=dt).reshape(C) if a is not None else invstd.reshape(C)
        kn.bn_eval(x3, vec(mean), vec(invstd), vec(w), vec(b), w is not None, b is not None, out)
        return out.reshape(x.shape)

    def _train_state(self, kind, w, b, wshape, axes=None, rms=False, **saved):
        self.fast, self.train, self.axes, self.gshape, self.rms = kind, True, axes, None, rms
        self.w, self.has_b, self.wshape = w, b is not None, wshape
        self.__dict__.update(saved)

    def _bn_train(self, x, w, b, wshape, eps, update):
        """Batch-norm training forward (statistics over every dim but 1), NumPy."""
        N, C = x.shape[0], x.shape[1]
        x3 = x.reshape(N, C, -1)
        M = x3.shape[0] * x3.shape[2]
        dt = x.dtype.type
        mean = x3.sum(axis=2).sum(axis=0) / dt(M)
        xc = np.subtract(x3, mean[:, None])
        var = np.einsum("ncl,ncl->c", xc, xc) / dt(M)
        invstd = dt(1) / np.sqrt(var + dt(eps))
        if update is not None:
            update(mean, var)
        xc *= invstd[:, None]
        self._train_state("bn", w, b, wshape, xhat=xc, invstd=invstd.reshape(wshape))
        y = np.multiply(xc, w[:, None]) if w is not None else xc.copy()
        if b is not None:
            y += b[:, None]
        return y.reshape(x.shape)

    def _bn_backward(self, g):
        x3, w = self.xhat, self.w
        N, C = x3.shape[0], x3.shape[1]
        g3 = g.reshape(N, C, -1)
        M = g3.shape[0] * g3.shape[2]
        dt = g.dtype.type
        gb = g3.sum(axis=2).sum(axis=0)
        gw = np.einsum("ncl,ncl->c", g3, x3)
        k = self.invstd.reshape(-1) if w is None else w * self.invstd.reshape(-1)
        gx = np.multiply(x3, (gw / dt(M))[:, None])
        np.add(gx, (gb / dt(M))[:, None], out=gx)
        np.subtract(g3, gx, out=gx)
        gx *= k[:, None]
        return (gx.reshape(g.shape), gw.reshape(w.shape) if w is not None else None,
                gb.reshape(-1) if self.has_b else None)

    def _bn_kernel(self, kn, x, w, b, wshape, eps, update):
        """Batch-norm training forward, compiled: one call, parallel over channels."""
        N, C = x.shape[0], x.shape[1]
        x3 = np.ascontiguousarray(x).reshape(N, C, -1)
        dt = x.dtype
        out = np.empty_like(x3)
        mean, invstd, var = np.empty(C, dt), np.empty(C, dt), np.empty(C)
        kn.bn_fwd(x3, _vec(w, dt, C), _vec(b, dt, C, 0), float(eps), out, mean, invstd, var)
        if update is not None:
            update(mean, var)
        self._train_state("bn_k", w, b, wshape, kx=x3, mean=mean, invstd=invstd, kn=kn)
        return out.reshape(x.shape)

    def _bn_kernel_backward(self, g):
        x3, w, C = self.kx, self.w, self.kx.shape[1]
        g3 = np.ascontiguousarray(g, dtype=x3.dtype).reshape(x3.shape)
        gx = np.empty_like(x3)
        gw, gb = np.empty(C), np.empty(C)
        self.kn.bn_bwd(g3, x3, self.mean, self.invstd, _vec(w, x3.dtype, C), gx, gw, gb)
        return (gx.reshape(g.shape), gw.astype(x3.dtype).reshape(w.shape) if w is not None else None,
                gb.astype(x3.dtype) if self.has_b else None)

    def backward(self, g):
        if self.fast is not None:
            return getattr(self, _BACKWARD[self.fast])(g)
        xhat, w, wshape = self.xhat, self.w, self.wshape
        gw = gb = None
        waxes = None
        if w is not None or self.has_b:
            waxes = tuple(i for i in range(g.ndim) if i >= len(wshape) or wshape[i] == 1)
        if w is not None:
            gw = (g * xhat).sum(axis=waxes).reshape(w.shape)
            gxh = g * w.reshape(wshape)
        else:
            gxh = g
        if self.has_b:
            gb = g.sum(axis=waxes).reshape(-1) if len(wshape) else g.sum()
            gb = gb.reshape(w.shape if w is not None else gb.shape)
        if self.train:
            gs = self.gshape
            gxs = gxh.reshape(gs) if gs is not None else gxh
            xs = xhat.reshape(gs) if gs is not None else xhat
            gx = xs * (gxs * xs).mean(axis=self.axes, keepdims=True)
            if not self.rms:
                gx += gxs.mean(axis=self.axes, keepdims=True)
            np.subtract(gxs, gx, out=gx)
            gx *= self.invstd
            if gs is not None:
                gx = gx.reshape(g.shape)
        else:
            gs = self.gshape
            gx = gxh.reshape(gs) * self.invstd if gs is not None else gxh * self.invstd
            if gs is not None:
                gx = gx.reshape(g.shape)
        return gx, gw, gb

    def backward_ops(self, g):
        x = self.saved_input(0, self.x)
        w = self.saved_input(1, self.w) if self.w is not None else None
        gx, gw = composite_backward(self._composite, (x, w), (g,))
        gb = None
        if self.has_b:
            ws = self.wshape
            waxes = tuple(i for i in range(g.ndim) if i >= len(ws) or ws[i] == 1)
            gb = g.sum(waxes).reshape(self._meta[2][0])
        return gx, gw, gb

    def _composite(self, x, w):
        """The forward written with ember ops (the double backward differentiates it)."""
        gs = self.gshape
        xs = x.reshape(gs) if gs is not None else x
        if self.stats is not None:
            mean, var = self.stats
            xhat = (xs - _wrap(mean)) * _wrap(self.invstd)
        else:
            axes = self.axes if self.axes is not None else (0,) + tuple(range(2, x.ndim))
            xc = xs if self.rms else xs - xs.mean(axes, keepdim=True)
            xhat = xc * ((xc * xc).mean(axes, keepdim=True) + self.eps).rsqrt()
        if gs is not None:
            xhat = xhat.reshape(x.shape)
        return xhat * w.reshape(self.wshape) if w is not None else xhat


def _mean(a, axes):
    """``a.mean(axes, keepdims=True)`` without NumPy's warning on an empty slice."""
    axes = tuple(d % a.ndim for d in axes) if axes is not None else tuple(range(a.ndim))
    n = int(np.prod([a.shape[d] for d in axes]))
    return np.add.reduce(a, axis=axes, keepdims=True) / np.asarray(n, a.dtype)


class _LayerNormOp(_Norm):
    name = "NativeLayerNormBackward0"

    def forward(self, x, w, b, axes, gshape, wshape, eps, stats=None, update=None, rms=False):
        if not _fits(x, w, b):
            return super().forward(x, w, b, axes, gshape, wshape, eps, stats, update, rms)
        self.x, self.eps, self.stats = x, eps, None
        D = int(np.prod(x.shape[axes[0]:]))
        kn = _kernels.load("norm")
        if kn is None:
            return self._ln_train(x, w, b, axes, wshape, eps, D, rms)
        x2 = np.ascontiguousarray(x).reshape(-1, D)
        dt = x.dtype
        out = np.empty_like(x2)
        mean, rstd = np.empty(x2.shape[0], dt), np.empty(x2.shape[0], dt)
        kn.ln_fwd(x2, _vec(w, dt, D), _vec(b, dt, D, 0), float(eps), rms, out, mean, rstd)
        self._train_state("ln_k", w, b, wshape, axes, rms, kx=x2, mean=mean, rstd=rstd, kn=kn)
        return out.reshape(x.shape)

    def _ln_train(self, x, w, b, axes, wshape, eps, D, rms):
        """Layer-norm (or RMS-norm) forward over the trailing D elements of each row, NumPy."""
        x2 = x.reshape(-1, D)
        dt = x.dtype.type
        xc = x2 if rms else np.subtract(x2, x2.mean(axis=1, keepdims=True))
        invstd = dt(1) / np.sqrt(np.einsum("rd,rd->r", xc, xc) / dt(D) + dt(eps))
        xc = np.multiply(xc, invstd[:, None], out=None if rms else xc)
        self._train_state("ln", w, b, wshape, axes, rms, xhat=xc, invstd=invstd)
        y = np.multiply(xc, w.reshape(-1)) if w is not None else xc.copy()
        if b is not None:
            y += b.reshape(-1)
        return y.reshape(x.shape)

    def _ln_backward(self, g):
        xhat, w = self.xhat, self.w
        g2 = g.reshape(xhat.shape)
        gw = np.einsum("rd,rd->d", g2, xhat).reshape(w.shape) if w is not None else None
        gb = g2.sum(axis=0).reshape(self._meta[2][0]) if self.has_b else None
        gxh = np.multiply(g2, w.reshape(-1)) if w is not None else g2.copy()
        m2 = np.einsum("rd,rd->r", gxh, xhat) / g.dtype.type(xhat.shape[1])
        if not self.rms:
            gxh -= gxh.mean(axis=1, keepdims=True)
        gxh -= xhat * m2[:, None]
        gxh *= self.invstd[:, None]
        return gxh.reshape(g.shape), gw, gb

    def _ln_kernel_backward(self, g):
        x2, w, kn = self.kx, self.w, self.kn
        R, D = x2.shape
        g2 = np.ascontiguousarray(g, dtype=x2.dtype).reshape(R, D)
        gx = np.empty_like(x2)
        K = kn.ln_chunks(R, D)
        gwp, gbp = np.empty((K, D), x2.dtype), np.empty((K, D), x2.dtype)
        kn.ln_bwd(g2, x2, self.mean, self.rstd, _vec(w, x2.dtype, D), self.rms, gx, gwp, gbp)
        gw = gwp.sum(axis=0, dtype=np.float64).astype(x2.dtype).reshape(w.shape) if w is not None else None
        gb = gbp.sum(axis=0, dtype=np.float64).astype(x2.dtype).reshape(self._meta[2][0]) if self.has_b else None
        return gx.reshape(g.shape), gw, gb


class _GroupNormOp(_Norm):
    name = "NativeGroupNormBackward0"


def _arr(t):
    return None if t is None else t._data


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization: normalises each channel (dim 1) over the batch and spatial dims, then scales and shifts.

    Args:
        input (Tensor): ``(N, C)`` or ``(N, C, *)``.
        running_mean (Tensor or None): ``(C,)``; used in evaluation, updated in place in training.
        running_var (Tensor or None): ``(C,)``; used in evaluation, updated in place in training.
        weight (Tensor, optional): per-channel scale. Default: ``None``.
        bias (Tensor, optional): per-channel shift. Default: ``None``.
        training (bool): use the batch statistics (and update the running ones). Default: ``False``.
        momentum (float): weight of the new batch statistics in the running averages. Default: ``0.1``.
        eps (float): added to the variance for stability. Default: ``1e-5``.

    Shape:
        Input: ``(N, C)`` or ``(N, C, *)``. Output: the same shape.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[1., 2.], [3., 6.]])
        >>> F.batch_norm(x, None, None, training=True)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean, var = ember.zeros(2), ember.ones(2)
        >>> F.batch_norm(x, mean, var, training=True)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean, var
        (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """
    x = input._data
    if x.ndim < 2 and x.size == 0 and (running_mean is None or running_mean.numel() == 0):
        return input * 1   # nothing to normalize, as torch
    if x.ndim < 2:
        raise RuntimeError(f"running_mean should contain {x.shape[0] if x.ndim else 1} elements not "
                           f"{running_mean.numel() if running_mean is not None else 0}")
    C = x.shape[1]
    if training:
        n = x.size // C
        if n <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {input.shape}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"{name} should contain {C} elements not {t.numel()}")
    axes = (0,) + tuple(range(2, x.ndim))
    wshape = (1, C) + (1,) * (x.ndim - 2)
    if training or running_mean is None or running_var is None:
        update = None
        if training and running_mean is not None and running_var is not None:
            rm, rv = running_mean._data, running_var._data
            n = x.size // C
            m = momentum

            def update(mean, var):
                rm[...] = (1 - m) * rm + m * mean.reshape(-1).astype(rm.dtype)
                rv[...] = (1 - m) * rv + m * (var.reshape(-1) * (n / (n - 1))).astype(rv.dtype)
                running_mean._bump()
                running_var._bump()
        return apply(_Norm, input, weight, bias, axes=axes, gshape=None, wshape=wshape, eps=eps,
                     update=update)
    stats = (running_mean._data.reshape(wshape).astype(x.dtype, copy=False),
             running_var._data.reshape(wshape).astype(x.dtype, copy=False))
    return apply(_Norm, input, weight, bias, axes=axes, gshape=None, wshape=wshape, eps=eps,
                 stats=stats)


def _normalized_shape(ns):
    ns = (ns,) if isinstance(ns, int) else tuple(ns)
    if not ns:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
                           "least one element, but got normalized_shape = []")
    return ns


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization over the trailing ``normalized_shape`` dims of each sample, then scale and shift.

    Args:
        input (Tensor): ``(*, *normalized_shape)``.
        normalized_shape (list of int): the trailing shape to normalise over.
        weight (Tensor, optional): elementwise scale of shape ``normalized_shape``. Default: ``None``.
        bias (Tensor, optional): elementwise shift of shape ``normalized_shape``. Default: ``None``.
        eps (float): added to the variance for stability. Default: ``1e-5``.

    Shape:
        Output: the shape of ``input``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.layer_norm(ember.tensor([[1., 2., 3.], [0., 0., 3.]]), (3,))
        tensor([[-1.2247,  0.0000,  1.2247],
                [-0.7071, -0.7071,  1.4142]])
    """
    ns = _normalized_shape(normalized_shape)
    x = input._data
    k = len(ns)
    if x.shape[x.ndim - k:] != ns or k > x.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape [*, "
            f"{', '.join(str(s) for s in ns)}], but got input of size{input.shape}")
    axes = tuple(range(x.ndim - k, x.ndim))
    wshape = (1,) * (x.ndim - k) + ns
    return apply(_LayerNormOp, input, weight, bias, axes=axes, gshape=None, wshape=wshape, eps=eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """RMS normalization: ``x / sqrt(mean(x ** 2) + eps)`` over the trailing ``normalized_shape`` dims.

    Args:
        input (Tensor): ``(*, *normalized_shape)``.
        normalized_shape (list of int): the trailing shape to normalise over.
        weight (Tensor, optional): elementwise scale of shape ``normalized_shape``. Default: ``None``.
        eps (float, optional): added to the mean square; ``None`` means the dtype's machine epsilon. Default:
            ``None``.

    Shape:
        Output: the shape of ``input``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.rms_norm(ember.tensor([[3., 4.], [1., 1.]]), (2,))
        tensor([[0.8485, 1.1314],
                [1.0000, 1.0000]])
    """
    ns = _normalized_shape(normalized_shape)
    x = input._data
    k = len(ns)
    if eps is None:
        eps = float(np.finfo(x.dtype).eps)
    axes = tuple(range(x.ndim - k, x.ndim))
    wshape = (1,) * (x.ndim - k) + ns
    return apply(_LayerNormOp, input, weight, None, axes=axes, gshape=None, wshape=wshape,
                 eps=eps, rms=True)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: splits the channels into ``num_groups`` groups and normalises each group of each sample.

    Args:
        input (Tensor): ``(N, C, *)``.
        num_groups (int): number of groups; must divide ``C``.
        weight (Tensor, optional): per-channel scale. Default: ``None``.
        bias (Tensor, optional): per-channel shift. Default: ``None``.
        eps (float): added to the variance for stability. Default: ``1e-5``.

    Shape:
        Input: ``(N, C, *)``. Output: the same shape.

    Example:
        >>> import ember.nn.functional as F
        >>> F.group_norm(ember.tensor([[1., 3., 0., 10.]]), 2)
        tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    N, C = x.shape[0], x.shape[1]
    if C % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {input.shape} and num_groups={num_groups}")
    gshape = (N, num_groups, C // num_groups * int(np.prod(x.shape[2:], dtype=np.int64)))   # N may be 0
    wshape = (1, C) + (1,) * (x.ndim - 2)
    return apply(_GroupNormOp, input, weight, bias, axes=(2,), gshape=gshape, wshape=wshape,
                 eps=eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalization: normalises each channel of each sample over its spatial dims.

    Args:
        input (Tensor): ``(N, C, *)``.
        running_mean (Tensor, optional): ``(C,)`` running averages, updated in place. Default: ``None``.
        running_var (Tensor, optional): ``(C,)`` running averages, updated in place. Default: ``None``.
        weight (Tensor, optional): per-channel scale. Default: ``None``.
        bias (Tensor, optional): per-channel shift. Default: ``None``.
        use_input_stats (bool): use each instance's statistics rather than the running ones. Default: ``True``.
        momentum (float): weight of the new statistics in the running averages. Default: ``0.1``.
        eps (float): added to the variance for stability. Default: ``1e-5``.

    Shape:
        Input: ``(N, C, *)``. Output: the same shape.

    Example:
        >>> import ember.nn.functional as F
        >>> F.instance_norm(ember.tensor([[[1., 3.], [0., 4.]]]))
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
    """
    x = input._data
    N, C = x.shape[0], x.shape[1]
    axes = tuple(range(2, x.ndim))
    wshape = (1, C) + (1,) * (x.ndim - 2)
    if use_input_stats:
        update = None
        if running_mean is not None and running_var is not None:
            rm, rv = running_mean._data, running_var._data
            n = int(np.prod(x.shape[2:]))

            def update(mean, var):
                m = momentum
                rm[...] = (1 - m) * rm + m * mean.reshape(N, C).mean(0).astype(rm.dtype)
                rv[...] = (1 - m) * rv + m * (var.reshape(N, C) * (n / max(n - 1, 1))).mean(0).astype(rv.dtype)
                running_mean._bump()
                running_var._bump()
        if int(np.prod(x.shape[2:])) <= 1:
            raise ValueError(
                f"Expected more than 1 spatial element when training, got input size {input.shape}")
        return apply(_Norm, input, weight, bias, axes=axes, gshape=None, wshape=wshape, eps=eps,
                     update=update)
    stats = (running_mean._data.reshape(wshape).astype(x.dtype, copy=False),
             running_var._data.reshape(wshape).astype(x.dtype, copy=False))
    return apply(_Norm, input, weight, bias, axes=axes, gshape=None, wshape=wshape, eps=eps,
                 stats=stats)


class _LRN(Op):
    name = "LocalResponseNormBackward"
    saves = (0,)

    def forward(self, x, size, alpha, beta, k):
        sq = x * x
        C = x.shape[1]
        pad_lo, pad_hi = size // 2, (size - 1) // 2
        sqp = np.pad(sq, [(0, 0), (pad_lo, pad_hi)] + [(0, 0)] * (x.ndim - 2))
        cs = np.cumsum(sqp, axis=1)
        cs = np.concatenate([np.zeros_like(cs[:, :1]), cs], axis=1)
        win = cs[:, size:size + C] - cs[:, :C]
        div = (k + alpha / size * win)
        self.x, self.div, self.size, self.alpha, self.beta = x, div, size, alpha, beta
        self.pads = (pad_lo, pad_hi)
        return (x * div ** -beta).astype(x.dtype)

    def backward(self, g):
        x, div, size, alpha, beta = self.x, self.div, self.size, self.alpha, self.beta
        C = x.shape[1]
        t = g * x * (-beta) * div ** (-beta - 1) * (alpha / size)
        # d win_c / d x_j = 2 x_j for j in window of c; transpose window: sum over c whose window holds j
        pad_lo, pad_hi = self.pads
        tp = np.pad(t, [(0, 0), (pad_hi, pad_lo)] + [(0, 0)] * (x.ndim - 2))
        cs = np.cumsum(tp, axis=1)
        cs = np.concatenate([np.zeros_like(cs[:, :1]), cs], axis=1)
        s = cs[:, size:size + C] - cs[:, :C]
        return g * div ** -beta + 2 * x * s, None, None, None, None

    def backward_ops(self, g):
        from .sampling import pad

        x, size, alpha, beta, C = self.x, self.size, self.alpha, self.beta, self.x.shape[1]
        pads = [0, 0] * (x.ndim - 2) + list(self.pads)

        def win(sq):   # the sum of squares over each channel's window
            sqp = pad(sq, pads)
            return sum(sqp[:, o:o + C] for o in range(size))
        sqa = np.pad(x * x, [(0, 0), self.pads] + [(0, 0)] * (x.ndim - 2))
        k = float(np.mean(self.div - alpha / size * sum(sqa[:, o:o + C] for o in range(size)))) if x.size else 1.0
        fn = lambda t: t * (k + alpha / size * win(t * t)) ** -beta   # noqa: E731
        return (composite_backward(fn, (self.saved_input(0, x),), (g,))[0], None, None, None, None)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization: ``x / (k + alpha * mean(x ** 2 over size channels)) ** beta``.

    Args:
        input (Tensor): ``(N, C, *)``.
        size (int): number of neighbouring channels.
        alpha (float): multiplicative factor. Default: ``1e-4``.
        beta (float): exponent. Default: ``0.75``.
        k (float): additive factor. Default: ``1.0``.

    Shape:
        Input: ``(N, C, *)``. Output: the same shape.

    Example:
        >>> import ember.nn.functional as F
        >>> F.local_response_norm(ember.tensor([[[1.], [2.], [3.]]]), 2, alpha=1., beta=1.)
        tensor([[[0.6667],
                 [0.5714],
                 [0.4000]]])
    """
    if input.ndim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    return apply(_LRN, input, size=size, alpha=alpha, beta=beta, k=k)
