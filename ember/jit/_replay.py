"""Replaying ops whose recorded arguments hold the example's sizes.

Pooling keeps the input's spatial size and the output size it computed (``sp``, ``out``, the
average divisor array), group norm its ``(N, G, HW)`` view, reflect/replicate padding the
index map of each padded dim. Replayed as recorded, they fail or are wrong at another batch
or image size; ``ADAPT`` recovers the layer's own arguments (kernel, stride, padding,
ceil_mode, count_include_pad, mode) from the recorded ones and runs it on the new input, as
torch's ``aten::max_pool2d`` does. The TorchScript writer spells the same arguments.
"""
import numpy as np

from ..ops._apply import apply

__all__ = ["ADAPT", "pool_args", "pad_args"]


def _F():
    from ..nn import functional as F
    return F


def _ceil(sp, k, s, d, lo, out):
    floor = [(n + 2 * p - dd * (kk - 1) - 1) // ss + 1 for n, kk, ss, dd, p in zip(sp, k, s, d, lo)]
    return list(out) != floor


def pool_args(nd, k, s, sp, out, pads, d=None, div=None):
    """(padding, ceil_mode, count_include_pad, divisor_override) of a recorded pooling op."""
    from ..ops.pooling import _avg_divisor

    lo = [p[0] for p in pads]
    ceil = _ceil(sp, k, s, d or [1] * nd, lo, out)
    if div is None:
        return lo, ceil, None, None
    if np.ndim(div) == 0:
        return lo, ceil, True, int(div)
    for flag in (True, False):      # the divisor array says which count_include_pad it was
        if np.array_equal(div, _avg_divisor(sp, out, k, s, lo, flag, None, nd, div.dtype)):
            return lo, ceil, flag, None
    raise NotImplementedError(f"avg_pool{nd}d with an unrecognised divisor")


def _maxpool(x, *, nd, k, s, d, sp, out, pads, want_idx, _node=None):
    lo, ceil, _, _ = pool_args(nd, k, s, sp, out, pads, d)
    return getattr(_F(), f"max_pool{nd}d")(x, k, s, lo, d, ceil_mode=ceil, return_indices=want_idx)


def _avgpool(x, *, nd, k, s, sp, out, pads, div, _node=None):
    lo, ceil, inc, dv = pool_args(nd, k, s, sp, out, pads, div=div)
    extra = {} if nd == 1 else {"divisor_override": dv}
    return getattr(_F(), f"avg_pool{nd}d")(x, k, s, lo, ceil, inc, **extra)


def _lppool(x, *, nd, p, k, s, sp, out, pads, scale, _node=None):
    _, ceil, _, _ = pool_args(nd, k, s, sp, out, pads)
    return getattr(_F(), f"lp_pool{nd}d")(x, p, k, s, ceil)


def _group_norm(x, w, b, *, axes, gshape, wshape, eps, _node=None):
    from ..ops.normalization import _GroupNormOp

    n, g = x.shape[0], gshape[1]
    return apply(_GroupNormOp, x, w, b, axes=axes, gshape=(n, g, x.numel() // max(n * g, 1)),
                 wshape=wshape, eps=eps)


_PAD_MODES = {"reflect": "reflect", "edge": "replicate", "wrap": "circular"}


def pad_args(maps, shape):
    """(torch pad mode, F.pad's flat pads) of a recorded index-map padding."""
    from ..onnx._layers import pad_mode

    pm = pad_mode(maps, shape)
    if pm is None:
        raise NotImplementedError("a padding whose index maps are not reflect, replicate or circular")
    return _PAD_MODES[pm[0]], [v for p in reversed(pm[1]) for v in p]


def _pad_index(x, *, maps, _node=None):
    """The maps give mode and pads for the traced shape (the node's input Value's)."""
    mode, flat = pad_args(maps, _node.args[0].shape if _node is not None else x.shape)
    return _F().pad(x, flat, mode)


class BNUpdate:
    """A training-mode batch norm's running-statistics update, as the trace recorded it: the
    buffers' names and the momentum (replay and the writer read them; calling it runs the
    recorded update)."""

    __slots__ = ("fn", "mean", "var", "momentum", "rm", "rv", "count", "nbt")

    def __init__(self, fn, mean, var, momentum, rm, rv, count=None, nbt=None):
        self.fn, self.mean, self.var, self.momentum, self.rm, self.rv = fn, mean, var, momentum, rm, rv
        self.count, self.nbt = count, nbt      # num_batches_tracked: its name and tensor

    def __call__(self, *a):
        return self.fn(*a)

    def __repr__(self):
        return f"<update %{self.mean}, %{self.var}, momentum={self.momentum}>"


def bn_update(fn, named, buffers):
    """``fn`` (batch_norm's ``update`` closure) as a BNUpdate, or None when it is not one.
    ``named``: {id(tensor): name}; ``buffers``: the module's [(name, buffer)]."""
    code = getattr(fn, "__code__", None)
    if code is None or fn.__closure__ is None:
        return None
    cells = dict(zip(code.co_freevars, (c.cell_contents for c in fn.__closure__)))
    rm, rv, m = cells.get("running_mean"), cells.get("running_var"), cells.get("m")
    if rm is None or rv is None or "N" in cells or id(rm) not in named or id(rv) not in named:
        return None
    mean = named[id(rm)]
    count = mean[: -len("running_mean")] + "num_batches_tracked"
    nbt = next((b for k, b in buffers if k == count), None)
    return BNUpdate(fn, mean, named[id(rv)], float(m), rm, rv, count if nbt is not None else None, nbt)


def _norm(x, w, b, *, axes, gshape, wshape, eps, stats=None, update=None, rms=False, _node=None):
    """Training batch norm: run on the new batch (its running-variance correction n/(n-1))."""
    from ..ops.normalization import _Norm

    if type(update) is BNUpdate:
        if update.nbt is not None:      # the module's own count, as BatchNorm.forward keeps it
            update.nbt._data[...] += 1
            update.nbt._bump()
        return _F().batch_norm(x, update.rm, update.rv, w, b, True, update.momentum, eps)
    return apply(_Norm, x, w, b, axes=axes, gshape=gshape, wshape=wshape, eps=eps, stats=stats,
                 update=update, rms=rms)


ADAPT = {}
for _n in (1, 2, 3):
    ADAPT[f"ember.ops.pooling:_MAXCLS[{_n}]"] = _maxpool
    ADAPT[f"ember.ops.pooling:_AVGCLS[{_n}]"] = _avgpool
ADAPT["ember.ops.pooling:_MaxPool"] = _maxpool
ADAPT["ember.ops.pooling:_AvgPool"] = _avgpool
ADAPT["ember.ops.pooling:_LpPool"] = _lppool
ADAPT["ember.ops.normalization:_GroupNormOp"] = _group_norm
ADAPT["ember.ops.sampling:_PadIndex"] = _pad_index
ADAPT["ember.ops.normalization:_Norm"] = _norm
