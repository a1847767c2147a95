"""Pooling: max / avg (1-3 d), adaptive avg / max, lp pooling
(max unpooling, their inverse, is ``ops/unpooling.py``).

Windows are never materialised: a pooling kernel loops over the (few) kernel
offsets and combines strided slices of the (padded) input, each a whole-array
NumPy operation. Max pooling records which offset won (first max, NaN wins, as
PyTorch), backward scatters the gradient back through the same slices.
"""
import math

import numpy as np

from .. import _kernels
from .._tensor import Tensor
from . import pooling_backward as _pb
from ._apply import Op, apply, linear_backward_ops
from ._apply import ntuple as _ntuple

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d",
           "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "lp_pool3d"]


def _stride(stride, k, nd):
    """max/avg pooling's ``stride``: None or empty means the kernel size."""
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        return k
    return _ntuple(stride, nd, "stride")


def _check_input(x, nd, fname):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(x).__name__}")
    xd = x._data
    if xd.ndim not in (nd + 1, nd + 2) or any(s == 0 for s in xd.shape[1:]):
        if nd == 1:
            raise RuntimeError(f"{fname}: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                               f"batch size for input, but got: {list(xd.shape)}")
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")
    return xd


def _out_size(L, k, s, p, d, ceil):
    num = L + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)
    o = num // s + 1
    if ceil and (o - 1) * s >= L + p:
        o -= 1
    return o


def _geometry(xd, nd, k, s, p, d, ceil, avg=False):
    sp = xd.shape[-nd:]
    if any(v <= 0 for v in k):
        raise RuntimeError("kernel_size must be greater than zero, but got " + str(list(k)))
    if any(v <= 0 for v in s):
        raise RuntimeError("stride must be greater than zero, but got " + str(list(s)))
    if any(v <= 0 for v in d):
        raise RuntimeError("dilation must be greater than zero, but got " + str(list(d)))
    for kk, pp, dd in zip(k, p, d):
        if pp < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {pp}")
        if pp > ((kk - 1) * dd + 1) // 2:
            if avg:
                raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                                   f"pad = {pp}, kernel_size = {kk}")
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pp}, "
                               f"kernel_size={kk} and dilation={dd}")
    out = tuple(_out_size(L, kk, ss, pp, dd, ceil) for L, kk, ss, pp, dd in zip(sp, k, s, p, d))
    if any(o < 1 for o in out):
        C = xd.shape[-nd - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (C,) + sp))}). Calculated output size: "
                           f"({'x'.join(map(str, (C,) + out))}). Output size is too small")
    # padded extent each dim must cover
    pads = []
    for L, kk, ss, pp, dd, o in zip(sp, k, s, p, d, out):
        need = (o - 1) * ss + dd * (kk - 1) + 1
        pads.append((pp, max(0, need - L - pp)))
    return sp, out, tuple(pads)


def _pad_fill(x, pads, fill):
    nd = len(pads)
    if not any(lo or hi for lo, hi in pads):
        return x
    lead = x.shape[:-nd]
    sp = x.shape[-nd:]
    buf = np.full(lead + tuple(L + lo + hi for L, (lo, hi) in zip(sp, pads)), fill, dtype=x.dtype)
    buf[(Ellipsis,) + tuple(slice(lo, lo + L) for L, (lo, _) in zip(sp, pads))] = x
    return buf


def _offset_slices(k, s, d, out):
    """(flat offset, slice tuple over the spatial dims) for every kernel offset."""
    res = []
    for t, idx in enumerate(np.ndindex(*k)):
        res.append((t, (Ellipsis,) + tuple(slice(i * dd, i * dd + ss * (o - 1) + 1, ss)
                                           for i, dd, ss, o in zip(idx, d, s, out))))
    return res


def _lowest(dt):
    return -np.inf if dt.kind == "f" else (np.iinfo(dt).min if dt.kind in "iu" else False)


def _crop(buf, pads, sp):
    return buf[(Ellipsis,) + tuple(slice(lo, lo + L) for (lo, _), L in zip(pads, sp))]


# ---- max pooling ----------------------------------------------------------------------

class _MaxPool(Op):
    nondiff, kp = (1,), None   # kp: the compiled kernel module when it ran

    def forward(self, x, nd, k, s, d, sp, out, pads, want_idx):
        kp = _kernels.load("pool") if nd <= 2 and x.dtype in (np.float32, np.float64) else None
        if kp is not None:   # compiled: winners as int32 flat plane indices, one pass each way
            res, self.idx = kp.max_pool(x, nd, k, s, d, sp, out, pads)
            self.kp, self.geo = kp, (x.shape, res.shape)
            return (res, self.idx.astype(np.int64).reshape(res.shape)) if want_idx else res
        xp = _pad_fill(x, pads, _lowest(x.dtype))
        sl = _offset_slices(k, s, d, out)
        best = np.array(xp[sl[0][1]], copy=True)
        for _, ix in sl[1:]:
            np.maximum(best, xp[ix], out=best)  # NaN propagates, as PyTorch
        self.xp, self.best = xp, best
        self.geo = (x.shape, x.dtype, nd, k, s, d, sp, out, pads, xp.shape)
        if want_idx:
            return best, self._indices()
        return best

    def _winners(self):
        """Yield (offset slice, bool mask of cells whose max came from this offset); first max wins,
        among NaNs the last one (PyTorch's ``val > max || isnan(val)`` scan)."""
        xp, best = self.xp, self.best
        sl = _offset_slices(*self.geo[3:6], self.geo[7])
        taken = np.zeros(best.shape, dtype=bool)
        inb = None
        if xp.shape != self.geo[0] and (best == _lowest(best.dtype)).any():
            # a window whose maximum is the padding value: its first in-bounds cell wins
            inb = _pad_fill(np.ones(self.geo[6], dtype=bool), self.geo[8], False)

        def eq(ix):
            return (xp[ix] == best) if inb is None else (xp[ix] == best) & inb[ix]
        nanb = np.isnan(best) if best.dtype.kind == "f" else None
        if nanb is not None and nanb.any():
            masks = [None] * len(sl)
            for t, ix in reversed(sl):
                m = np.isnan(xp[ix]) & ~taken
                taken |= m
                masks[t] = m
            taken = nanb.copy()
            for t, ix in sl:
                m = eq(ix) & ~taken
                taken |= m
                yield ix, m | masks[t]
            return
        for t, ix in sl:
            m = eq(ix)
            if t:
                m &= ~taken
            taken |= m
            yield ix, m

    def _indices(self):
        shape, dt, nd, k, s, d, sp, out, pads, pshape = self.geo
        arg = np.zeros(self.best.shape, dtype=np.int64)
        for t, (_ix, m) in enumerate(self._winners()):
            if t:
                arg += m * t
        flat = np.zeros(arg.shape, dtype=np.int64)
        rem = arg
        kstr = [math.prod(k[i + 1:]) for i in range(nd)]
        for i in range(nd):
            ki = rem // kstr[i]
            rem = rem - ki * kstr[i]
            o = np.arange(out[i], dtype=np.int64).reshape((-1,) + (1,) * (nd - 1 - i))
            pos = o * s[i] - pads[i][0] + ki * d[i]
            flat = flat * sp[i] + pos
        return flat

    def backward(self, g, *rest):
        if self.kp is not None:
            return self.kp.max_pool_backward(g, self.idx, self.geo[0]),
        shape, dt, nd, k, s, d, sp, out, pads, pshape = self.geo
        gp = np.zeros(pshape, dtype=g.dtype)
        overlap = any(ss < dd * (kk - 1) + 1 for ss, dd, kk in zip(s, d, k))
        for ix, m in self._winners():
            if overlap:
                gp[ix] += g * m
            else:
                np.multiply(g, m, out=gp[ix])
        return _crop(gp, pads, sp) if gp.shape != shape else gp,

    backward_ops = linear_backward_ops

    def jvp(self, u):
        """The output's derivative along ``u``: ``u`` read at each window's argmax."""
        if self.kp is not None:
            return self.kp.max_pool_jvp(u, self.idx, self.geo[1])
        shape, dt, nd, k, s, d, sp, out, pads, pshape = self.geo
        up = _pad_fill(u, pads, 0)
        res = np.zeros(self.best.shape, u.dtype)
        for ix, m in self._winners():
            np.copyto(res, up[ix], where=m)
        return res


def _max_pool(nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    fname = f"max_pool{nd}d"
    xd = _check_input(input, nd, fname)
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = _stride(stride, k, nd)
    p = _ntuple(padding, nd, "padding")
    d = _ntuple(dilation, nd, "dilation")
    if xd.dtype.kind not in "fiu":
        raise RuntimeError(f'"{fname}" not implemented for \'{xd.dtype}\'')
    sp, out, pads = _geometry(xd, nd, k, s, p, d, ceil_mode)
    cls = _MAXCLS[nd]
    r = apply(cls, input, nd=nd, k=k, s=s, d=d, sp=sp, out=out, pads=pads, want_idx=return_indices)
    return r


_MAXCLS = {n: type(f"MaxPool{n}DWithIndicesBackward0", (_MaxPool,),
                   {"name": f"MaxPool{n}DWithIndicesBackward0"}) for n in (1, 2, 3)}


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-D max pooling: the maximum of each ``kernel_size`` window of each channel.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): implicit ``-inf`` padding on each side, at most half the kernel. Default: ``0``.
        dilation (int or tuple): spacing between window elements. Default: ``1``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.
        return_indices (bool): also return the maxima's flat indices in each channel. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.max_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 2)
        tensor([[[5., 2., 4.]]])
        >>> F.max_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 3, stride=1)
        tensor([[[5., 5., 3., 4.]]])
    """
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling: the maximum of each ``kernel_size`` window of each channel.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): implicit ``-inf`` padding on each side, at most half the kernel. Default: ``0``.
        dilation (int or tuple): spacing between window elements. Default: ``1``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.
        return_indices (bool): also return the maxima's flat indices in each ``H * W`` plane. Default: ``False``.

    Shape:
        Output: ``(N, C, H_out, W_out)``, each ``(size + 2 * padding - dilation * (k - 1) - 1) // stride + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[[1., 2., 0., 5.], [3., 4., 1., 1.]]])
        >>> F.max_pool2d(x, 2)
        tensor([[[4., 5.]]])
        >>> F.max_pool2d(x, (1, 2), return_indices=True)
        (tensor([[[2., 5.],
                 [4., 1.]]]), tensor([[[1, 3],
                 [5, 6]]]))
    """
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-D max pooling: the maximum of each ``kernel_size`` window of each channel.

    Args:
        input (Tensor): ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): implicit ``-inf`` padding on each side, at most half the kernel. Default: ``0``.
        dilation (int or tuple): spacing between window elements. Default: ``1``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.
        return_indices (bool): also return the maxima's flat indices in each channel. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.max_pool3d(ember.arange(16.).view(1, 2, 2, 4), 2)
        tensor([[[[13., 15.]]]])
    """
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    """1-D max pooling that returns the maxima and their flat indices in each input plane.

    Args:
        the same as :func:`max_pool1d`'s; ``return_indices`` is ignored (the indices are always returned).

    Example:
        >>> import ember.nn.functional as F
        >>> F.max_pool1d_with_indices(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 2)
        (tensor([[[5., 2., 4.]]]), tensor([[[1, 2, 5]]]))
    """
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    """2-D max pooling that returns the maxima and their flat indices in each input plane.

    Args:
        the same as :func:`max_pool2d`'s; ``return_indices`` is ignored (the indices are always returned).

    Example:
        >>> import ember.nn.functional as F
        >>> F.max_pool2d_with_indices(ember.arange(16.).view(1, 4, 4), 2)
        (tensor([[[ 5.,  7.],
                 [13., 15.]]]), tensor([[[ 5,  7],
                 [13, 15]]]))
    """
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    """3-D max pooling that returns the maxima and their flat indices in each input plane.

    Args:
        the same as :func:`max_pool3d`'s; ``return_indices`` is ignored (the indices are always returned).

    Example:
        >>> import ember.nn.functional as F
        >>> F.max_pool3d_with_indices(ember.arange(8.).view(1, 2, 2, 2), 2)
        (tensor([[[[7.]]]]), tensor([[[[7]]]]))
    """
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


# ---- average pooling ------------------------------------------------------------------

def _avg_divisor(sp, out, k, s, p, count_include_pad, divisor_override, nd, dtype):
    if divisor_override:
        return np.asarray(divisor_override, dtype=dtype)
    div = None
    for i in range(nd):
        o = np.arange(out[i])
        start = o * s[i] - p[i]
        end = np.minimum(start + k[i], sp[i] + p[i])
        size = end - start
        if not count_include_pad:
            size = np.minimum(end, sp[i]) - np.maximum(start, 0)
        size = size.reshape((-1,) + (1,) * (nd - 1 - i))
        div = size if div is None else div * size
    return div.astype(dtype)


class _AvgPool(Op):
    def forward(self, x, nd, k, s, sp, out, pads, div):
        xp = _pad_fill(x, pads, 0)
        sl = _offset_slices(k, s, (1,) * nd, out)
        isint = x.dtype.kind in "iu"
        acc = np.array(xp[sl[0][1]], dtype=np.int64 if isint else x.dtype, copy=True)
        for _, ix in sl[1:]:
            acc += xp[ix]
        self.geo = (x.shape, nd, k, s, sp, out, pads, xp.shape)
        self.div = div
        if isint:
            q = np.trunc(acc / div)
            return q.astype(x.dtype)
        acc /= div
        return acc

    def backward(self, g):
        shape, nd, k, s, sp, out, pads, pshape = self.geo
        gg = g / self.div
        gp = np.zeros(pshape, dtype=g.dtype)
        overlap = any(ss < kk for ss, kk in zip(s, k))
        for _, ix in _offset_slices(k, s, (1,) * nd, out):
            if overlap:
                gp[ix] += gg
            else:
                gp[ix] = gg
        return _crop(gp, pads, sp) if gp.shape != shape else gp,

    backward_ops = linear_backward_ops

    def jvp(self, u):
        shape, nd, k, s, sp, out, pads, pshape = self.geo
        up = _pad_fill(u, pads, 0)
        sl = _offset_slices(k, s, (1,) * nd, out)
        acc = np.array(up[sl[0][1]], copy=True)
        for _, ix in sl[1:]:
            acc += up[ix]
        return acc / self.div


_AVGCLS = {n: type(f"AvgPool{n}DBackward0", (_AvgPool,), {"name": f"AvgPool{n}DBackward0"})
           for n in (1, 2, 3)}


def _avg_pool(nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    fname = f"avg_pool{nd}d"
    xd = _check_input(input, nd, fname)
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = _stride(stride, k, nd)
    p = _ntuple(padding, nd, "padding")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if xd.dtype.kind not in "fiu":
        raise RuntimeError(f'"{fname}" not implemented for \'{xd.dtype}\'')
    sp, out, pads = _geometry(xd, nd, k, s, p, (1,) * nd, ceil_mode, avg=True)
    div = _avg_divisor(sp, out, k, s, p, count_include_pad, divisor_override, nd,
                       xd.dtype if xd.dtype.kind == "f" else np.float64)
    return apply(_AVGCLS[nd], input, nd=nd, k=k, s=s, sp=sp, out=out, pads=pads, div=div)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling: the mean of each ``kernel_size`` window of each channel.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): implicit zero padding on each side, at most half the kernel. Default: ``0``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.
        count_include_pad (bool): count the padding zeros in the divisor. Default: ``True``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.avg_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 2)
        tensor([[[3.0000, 1.0000, 3.5000]]])
        >>> F.avg_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 4, stride=2, padding=1)
        tensor([[[2.0000, 2.5000, 1.7500]]])
    """
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling: the mean of each ``kernel_size`` window of each channel.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): implicit zero padding on each side, at most half the kernel. Default: ``0``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.
        count_include_pad (bool): count the padding zeros in the divisor. Default: ``True``.
        divisor_override (int, optional): divide every window sum by this instead. Default: ``None``.

    Shape:
        Output: ``(N, C, H_out, W_out)``, each ``(size + 2 * padding - k) // stride + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[[1., 2., 0., 5.], [3., 4., 1., 1.]]])
        >>> F.avg_pool2d(x, 2)
        tensor([[[2.5000, 1.7500]]])
        >>> F.avg_pool2d(x, 2, padding=1, count_include_pad=False)
        tensor([[[1.0000, 1.0000, 5.0000],
                 [3.0000, 2.5000, 1.0000]]])
    """
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling: the mean of each ``kernel_size`` window of each channel.

    Args:
        input (Tensor): ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        padding (int or tuple): implicit zero padding on each side, at most half the kernel. Default: ``0``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.
        count_include_pad (bool): count the padding zeros in the divisor. Default: ``True``.
        divisor_override (int, optional): divide every window sum by this instead. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.avg_pool3d(ember.arange(16.).view(1, 2, 2, 4), 2)
        tensor([[[[6.5000, 8.5000]]]])
    """
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


# ---- adaptive pooling -----------------------------------------------------------------

def _adaptive_bounds(L, o):
    i = np.arange(o)
    start = (i * L) // o
    end = -((-(i + 1) * L) // o)
    return start, end


def _avg_matrix(L, o, dtype):
    start, end = _adaptive_bounds(L, o)
    m = np.zeros((o, L), dtype=np.float64)
    for i in range(o):
        m[i, start[i]:end[i]] = 1.0 / (end[i] - start[i])
    return m.astype(dtype)


def _apply_mats(x, mats, nd, transpose=False):
    """Contract each of the last nd dims of x with its matrix (o_i, L_i) (or its transpose)."""
    for i, m in enumerate(mats):
        ax = x.ndim - nd + i
        mm = m if not transpose else m.T
        if mm.shape[0] == mm.shape[1] and np.array_equal(mm, np.eye(mm.shape[0], dtype=mm.dtype)):
            continue
        x = np.moveaxis(np.matmul(mm, np.moveaxis(x, ax, -2)), -2, ax)
    return np.ascontiguousarray(x)


class _AdaptiveAvg(Op):
    def forward(self, x, nd, osize):
        sp = x.shape[-nd:]
        self.mats = [_avg_matrix(L, o, x.dtype) for L, o in zip(sp, osize)]
        self.nd = nd
        if not np.isfinite(x).all():   # a matrix product would spread inf * 0 = NaN over the row
            for i, (L, o) in enumerate(zip(sp, osize)):
                ax = x.ndim - nd + i
                start, end = _adaptive_bounds(L, o)
                x = np.stack([x.take(np.arange(a, b), axis=ax).mean(axis=ax) for a, b in zip(start, end)],
                             axis=ax)
            return x
        return _apply_mats(x, self.mats, nd)

    def backward(self, g):
        return _apply_mats(g, self.mats, self.nd, transpose=True),

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return _apply_mats(u, self.mats, self.nd)


_AAVGCLS = {n: type(f"AdaptiveAvgPool{n}DBackward0", (_AdaptiveAvg,), {"name": f"AdaptiveAvgPool{n}DBackward0"})
            for n in (1, 2, 3)}


def _adaptive_osize(output_size, sp, nd):
    if isinstance(output_size, (int, np.integer)):
        return (int(output_size),) * nd
    os_ = tuple(output_size)
    if len(os_) == 1 and nd > 1:
        os_ = os_ * nd
    if len(os_) != nd:
        raise RuntimeError(f"adaptive_pool{nd}d: output_size must be {nd}")
    return tuple(L if o is None else int(o) for o, L in zip(os_, sp))


def _adaptive_check(input, nd, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' must be Tensor, not {type(input).__name__}")
    xd = input._data
    if xd.ndim not in (nd + 1, nd + 2) or any(s == 0 for s in xd.shape[-nd:]):
        raise RuntimeError(f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(xd.shape)}")
    if xd.dtype.kind != "f":
        raise NotImplementedError(f'"{fname}" not implemented for \'{xd.dtype}\'')
    return xd


def _adaptive_avg(nd, input, output_size):
    fname = f"adaptive_avg_pool{nd}d"
    xd = _adaptive_check(input, nd, fname)
    osize = _adaptive_osize(output_size, xd.shape[-nd:], nd)
    if any(o < 0 for o in osize):
        raise RuntimeError(f"{fname}: elements of output_size must be greater than or equal to 0 "
                           f"but received {list(osize)}")
    return apply(_AAVGCLS[nd], input, nd=nd, osize=osize)


def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling: averages windows chosen so the output has length ``output_size``.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        output_size (int): the output's length.

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_avg_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 4)
        tensor([[[3.0000, 3.5000, 1.5000, 3.5000]]])
    """
    return _adaptive_avg(1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """2-D adaptive average pooling: averages windows chosen so the output has ``output_size``.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size (int or tuple): the output's ``(H, W)``; ``None`` keeps that dim.

    Shape:
        Output: ``(N, C, *output_size)``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.arange(16.).view(1, 4, 4)
        >>> F.adaptive_avg_pool2d(x, 1)
        tensor([[[7.5000]]])
        >>> F.adaptive_avg_pool2d(x, (2, None)).shape
        torch.Size([1, 2, 4])
    """
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    """3-D adaptive average pooling: averages windows chosen so the output has ``output_size``.

    Args:
        input (Tensor): ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        output_size (int or tuple): the output's ``(D, H, W)``; ``None`` keeps a dim.

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_avg_pool3d(ember.arange(8.).view(1, 2, 2, 2), 1)
        tensor([[[[3.5000]]]])
        >>> F.adaptive_avg_pool3d(ember.arange(8.).view(1, 2, 2, 2), (1, 2, None)).shape
        torch.Size([1, 1, 2, 2])
    """
    return _adaptive_avg(3, input, output_size)


class _AdaptiveMax(Op):
    nondiff = (1,)

    def forward(self, x, nd, osize, want_idx):
        sp = x.shape[-nd:]
        bounds = [_adaptive_bounds(L, o) for L, o in zip(sp, osize)]
        kmax = [int((e - s).max()) if len(s) else 1 for s, e in bounds]
        # index arrays per offset (clipped to the window's last element: harmless for max)
        best = arg_flat = None
        mask = None
        isf = x.dtype.kind == "f"
        for offs in np.ndindex(*kmax):
            idx = []
            flat = 0
            for i, (a, (s, e)) in enumerate(zip(offs, bounds)):
                r = np.minimum(s + a, e - 1).reshape((-1,) + (1,) * (nd - 1 - i))
                idx.append(r)
                flat = flat * sp[i] + r
            v = x[(Ellipsis,) + tuple(idx)]
            flat = np.broadcast_to(flat, tuple(osize))
            if best is None:
                best = np.array(v, copy=True)
                arg_flat = np.empty(best.shape, dtype=np.int64)
                arg_flat[...] = flat
                mask = np.empty(best.shape, dtype=bool)
                continue
            np.greater(v, best, out=mask)
            if isf:
                mask |= np.isnan(v)
            np.copyto(best, v, where=mask)
            np.copyto(arg_flat, flat, where=mask)
        self.arg = arg_flat
        self.geo = (x.shape, nd)
        if want_idx:
            return best, arg_flat.copy()
        return best

    def backward(self, g, *rest):
        shape, nd = self.geo
        sp = shape[-nd:]
        P = math.prod(sp)
        lead = math.prod(shape[:-nd])
        gx = np.zeros((lead, P), dtype=g.dtype)
        arg = self.arg.reshape(lead, -1)
        rows = np.arange(lead).reshape(-1, 1)
        np.add.at(gx, (np.broadcast_to(rows, arg.shape), arg), g.reshape(lead, -1))
        return gx.reshape(shape),

    backward_ops, jvp = linear_backward_ops, _pb.adaptive_max_jvp


_AMAXCLS = {n: type(f"AdaptiveMaxPool{n}DBackward0", (_AdaptiveMax,), {"name": f"AdaptiveMaxPool{n}DBackward0"})
            for n in (1, 2, 3)}


def _adaptive_max(nd, input, output_size, return_indices):
    fname = f"adaptive_max_pool{nd}d"
    xd = _adaptive_check(input, nd, fname)
    osize = _adaptive_osize(output_size, xd.shape[-nd:], nd)
    if any(o <= 0 for o in osize):
        raise RuntimeError(f"{fname}: elements of output_size must be greater than 0 but received "
                           f"{list(osize)}")
    return apply(_AMAXCLS[nd], input, nd=nd, osize=osize, want_idx=return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling to ``output_size``, returning the maxima (and indices if ``return_indices``).

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        output_size (int or tuple): the output's spatial size.
        return_indices (bool): also return the indices. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_max_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 3)
        tensor([[[5., 2., 4.]]])
        >>> F.adaptive_max_pool1d(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 2, return_indices=True)
        (tensor([[[5., 4.]]]), tensor([[[1, 5]]]))
    """
    return _adaptive_max(1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max pooling to ``output_size`` (and the maxima's flat indices if ``return_indices``).

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size (int or tuple): the output's ``(H, W)``; ``None`` keeps that dim.
        return_indices (bool): also return the indices in each ``H * W`` plane. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_max_pool2d(ember.arange(16.).view(1, 4, 4), (2, 1))
        tensor([[[ 7.],
                 [15.]]])
    """
    return _adaptive_max(2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-D adaptive max pooling to ``output_size`` (and the maxima's flat indices if ``return_indices``).

    Args:
        input (Tensor): ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        output_size (int or tuple): the output's ``(D, H, W)``; ``None`` keeps that dim.
        return_indices (bool): also return the indices in each ``D * H * W`` volume. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_max_pool3d(ember.arange(8.).view(1, 2, 2, 2), 1)
        tensor([[[[7.]]]])
    """
    return _adaptive_max(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    """1-D adaptive max pooling to ``output_size``, returning the maxima and their flat indices.

    Args:
        the same as :func:`adaptive_max_pool1d`'s; ``return_indices`` is ignored (the indices are always returned).

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_max_pool1d_with_indices(ember.tensor([[[1., 5., 2., 0., 3., 4.]]]), 2)
        (tensor([[[5., 4.]]]), tensor([[[1, 5]]]))
    """
    return _adaptive_max(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    """2-D adaptive max pooling to ``output_size``, returning the maxima and their flat indices.

    Args:
        the same as :func:`adaptive_max_pool2d`'s; ``return_indices`` is ignored (the indices are always returned).

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_max_pool2d_with_indices(ember.arange(9.).view(1, 3, 3), 1)
        (tensor([[[8.]]]), tensor([[[8]]]))
    """
    return _adaptive_max(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    """3-D adaptive max pooling to ``output_size``, returning the maxima and their flat indices.

    Args:
        the same as :func:`adaptive_max_pool3d`'s; ``return_indices`` is ignored (the indices are always returned).

    Example:
        >>> import ember.nn.functional as F
        >>> F.adaptive_max_pool3d_with_indices(ember.arange(8.).view(1, 2, 2, 2), 1)
        (tensor([[[[7.]]]]), tensor([[[[7]]]]))
    """
    return _adaptive_max(3, input, output_size, True)


# ---- Lp pooling -----------------------------------------------------------------------

class _LpPool(Op):
    name = "PowBackward0"

    def forward(self, x, nd, p, k, s, sp, out, pads, scale):
        sl = _offset_slices(k, s, (1,) * nd, out)
        xp = _pad_fill(x, pads, 0)
        acc = None
        for _, ix in sl:
            t = np.power(xp[ix], p) if p != 1 else np.array(xp[ix], copy=True)
            acc = t if acc is None else acc + t
        z = (acc * scale).astype(x.dtype, copy=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.power(z, np.asarray(1.0 / p, dtype=x.dtype))
        self.xp, self.z, self.scale = xp, z, scale
        self.geo = (x.shape, nd, p, k, s, sp, out, pads)
        return y

    def backward(self, g):
        shape, nd, p, k, s, sp, out, pads = self.geo
        xp, z = self.xp, self.z
        dt = g.dtype
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = (g * np.asarray(1.0 / p, dt) * np.power(z, np.asarray(1.0 / p - 1, dt))
                  * (z != 0) * self.scale).astype(dt, copy=False)
            gp = np.zeros(xp.shape, dtype=dt)
            for _, ix in _offset_slices(k, s, (1,) * nd, out):
                gp[ix] += ga * (np.asarray(p, dt) * np.power(xp[ix], np.asarray(p - 1, dt)))
        return _crop(gp, pads, sp) if gp.shape != shape else gp,


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    fname = f"lp_pool{nd}d"
    xd = _check_input(input, nd, fname)
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None else _ntuple(stride, nd, "stride")
    sp, out, pads = _geometry(xd, nd, k, s, (0,) * nd, (1,) * nd, ceil_mode, avg=True)
    K = math.prod(k)
    div = _avg_divisor(sp, out, k, s, (0,) * nd, True, None, nd, xd.dtype)
    scale = (K / div).astype(xd.dtype)
    return apply(_LpPool, input, nd=nd, p=float(norm_type), k=k, s=s, sp=sp, out=out, pads=pads,
                 scale=scale)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-D power-average pooling: ``(sum of x ** p over each window) ** (1 / p)``.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        norm_type (float): the power ``p``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.lp_pool1d(ember.tensor([[3., 4., 1., 1.]]), 2, 2)
        tensor([[5.0000, 1.4142]])
    """
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling: ``(sum of x ** p over each window) ** (1 / p)``.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        norm_type (float): the power ``p``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.lp_pool2d(ember.tensor([[[3., 4.], [0., 0.]]]), 2, 2)
        tensor([[[5.]]])
    """
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-D power-average pooling: ``(sum of x ** p over each window) ** (1 / p)``.

    Args:
        input (Tensor): ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        norm_type (float): the power ``p``.
        kernel_size (int or tuple): the window size.
        stride (int or tuple, optional): the window step; ``None`` means ``kernel_size``. Default: ``None``.
        ceil_mode (bool): round the output size up instead of down. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.lp_pool3d(ember.ones(1, 1, 2, 2, 2), 1, 2)
        tensor([[[[[8.]]]]])
    """
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)
