"""Resampling: ``interpolate`` (+ ``upsample*`` aliases), ``grid_sample``, ``affine_grid``,
``pad``, ``pixel_shuffle`` / ``pixel_unshuffle``.

``interpolate`` is separable: each spatial dim gets an (out, in) weight matrix built
with PyTorch's coordinate rules, applied with one matmul per dim; backward applies
the transposed matrices. ``grid_sample`` gathers corner values with flat indices and
scatters gradients back with one ``bincount``.
"""
import math
import warnings

import numpy as np

from .._tensor import Tensor
from . import sampling_backward as _sb
from ._apply import Op, apply, linear_backward_ops

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample",
           "affine_grid", "pad", "pixel_shuffle", "pixel_unshuffle"]


# ---- separable matrices ---------------------------------------------------------------

def _apply_mats(x, mats, transpose=False):
    """Contract each of the last len(mats) dims of x with its (out, in) matrix (None = identity)."""
    nd = len(mats)
    for i, m in enumerate(mats):
        if m is None:
            continue
        mm = m.T if transpose else m
        ax = x.ndim - nd + i
        shp = x.shape
        if ax == x.ndim - 1:
            x = np.matmul(x, mm.T)
        else:
            lead, L, trail = math.prod(shp[:ax]), shp[ax], math.prod(shp[ax + 1:])
            x = np.matmul(mm, x.reshape(lead, L, trail)).reshape(shp[:ax] + (mm.shape[0],) + shp[ax + 1:])
    return np.ascontiguousarray(x)


def _cubic1(x, A):
    return ((A + 2) * x - (A + 3)) * x * x + 1


def _cubic2(x, A):
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A


def _cubic_coeffs(t, A=-0.75):
    return (_cubic2(t + 1, A), _cubic1(t, A), _cubic1(1 - t, A), _cubic2(2 - t, A))


def _scale(in_, out, align, sf, ft):
    if align:
        return ft((in_ - 1) / (out - 1)) if out > 1 else ft(0)
    if sf is not None and sf > 0:
        return ft(1.0 / sf)
    return ft(in_) / ft(out)


def _matrix(mode, in_, out, align, sf, dtype):
    """(out, in) interpolation matrix for one dim, or None when it is the identity."""
    ft = np.float64 if dtype == np.float64 else np.float32
    dst = np.arange(out, dtype=ft)
    m = np.zeros((out, in_), dtype=np.float64)
    rows = np.arange(out)
    if mode in ("nearest", "nearest-exact"):
        if out == in_:
            return None
        s = ft(in_) / ft(out) if not (sf is not None and sf > 0) else ft(1.0 / sf)
        s = np.float32(s)
        d32 = np.arange(out, dtype=np.float32)
        if mode == "nearest":
            src = np.floor(d32 * s) if out != 2 * in_ else np.arange(out) // 2
        else:
            src = np.floor((d32 + np.float32(0.5)) * s)
        src = np.minimum(src.astype(np.int64), in_ - 1)
        m[rows, src] = 1
        return m.astype(dtype)
    if mode == "area":
        i = np.arange(out)
        start = (i * in_) // out
        end = -((-(i + 1) * in_) // out)
        for r in range(out):
            m[r, start[r]:end[r]] = 1.0 / (end[r] - start[r])
        return m.astype(dtype)
    s = _scale(in_, out, align, sf, ft)
    if mode == "cubic":
        src = s * dst if align else s * (dst + ft(0.5)) - ft(0.5)
        i0 = np.floor(src)
        t = (src - i0).astype(ft)
        i0 = i0.astype(np.int64)
        for k, c in enumerate(_cubic_coeffs(t, ft(-0.75))):
            np.add.at(m, (rows, np.clip(i0 - 1 + k, 0, in_ - 1)), c.astype(np.float64))
        return m.astype(dtype)
    # linear
    if align:
        src = s * dst
    else:
        src = np.maximum(s * (dst + ft(0.5)) - ft(0.5), ft(0))
    i0 = src.astype(np.int64)
    lam = np.clip(src - i0.astype(ft), 0, 1).astype(ft)
    i1 = i0 + (i0 < in_ - 1)
    np.add.at(m, (rows, i0), (ft(1) - lam).astype(np.float64))
    np.add.at(m, (rows, i1), lam.astype(np.float64))
    return m.astype(dtype)


def _aa_matrix(mode, in_, out, align, sf, dtype):
    """Antialiased (out, in) weights as PyTorch's _upsample_*_aa kernels."""
    ft = np.float64 if dtype == np.float64 else np.float32
    scale = float(_scale(in_, out, align, sf, ft))
    interp = 2 if mode == "linear" else 4
    support = (interp / 2) * scale if scale >= 1.0 else interp / 2 * 1.0
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    m = np.zeros((out, in_), dtype=np.float64)
    for i in range(out):
        center = scale * (i + 0.5)
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_)
        j = np.arange(xmin, xmax)
        xx = (j - center + 0.5) * invscale
        if mode == "linear":
            w = np.maximum(1 - np.abs(xx), 0)
        else:
            a = -0.5
            ax = np.abs(xx)
            w = np.where(ax < 1, ((a + 2) * ax - (a + 3)) * ax * ax + 1,
                         np.where(ax < 2, (((ax - 5) * ax + 8) * ax - 4) * a, 0))
        tot = w.sum()
        if tot != 0:
            w = w / tot
        m[i, xmin:xmax] = w
    return m.astype(dtype)


class _Interp(Op):
    def forward(self, x, mats, nearest_idx):
        self.mats = mats
        if nearest_idx is not None:
            nd = len(nearest_idx)
            y = x
            for i, idx in enumerate(nearest_idx):
                if idx is not None:
                    y = np.take(y, idx, axis=y.ndim - nd + i)
            return np.ascontiguousarray(y)
        return _apply_mats(x, mats)

    def backward(self, g):
        return _apply_mats(g, self.mats, transpose=True),

    backward_ops, jvp = linear_backward_ops, lambda self, u: _apply_mats(u, self.mats)


_INTERP_NAMES = {}


def _interp_cls(mode, nd):
    key = (mode, nd)
    c = _INTERP_NAMES.get(key)
    if c is None:
        base = {"nearest": "UpsampleNearest", "nearest-exact": "UpsampleNearestExact",
                "linear": "UpsampleLinear", "bilinear": "UpsampleBilinear", "bicubic": "UpsampleBicubic",
                "trilinear": "UpsampleTrilinear", "area": "AdaptiveAvgPool"}[mode]
        nm = f"{base}{nd}DBackward0" if mode != "area" else f"AdaptiveAvgPool{nd}DBackward0"
        c = type(nm, (_Interp,), {"name": nm})
        _INTERP_NAMES[key] = c
    return c


_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resizes the spatial dims of ``input`` to ``size`` or by ``scale_factor``, with the chosen interpolation.

    Args:
        input (Tensor): ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        size (int or tuple, optional): the output's spatial size. Default: ``None``.
        scale_factor (float or tuple, optional): multiplier of the spatial size (give ``size`` or this).
            Default: ``None``.
        mode (str): ``'nearest'``, ``'nearest-exact'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``,
            ``'trilinear'`` or ``'area'``. Default: ``'nearest'``.
        align_corners (bool, optional): for the (bi/tri)linear and bicubic modes, map the corner pixels'
            centres onto each other. Default: ``None`` (``False``).
        recompute_scale_factor (bool, optional): compute the sampling scale from the output size instead of
            using ``scale_factor``. Default: ``None``.
        antialias (bool): low-pass filter when downsampling (bilinear and bicubic). Default: ``False``.

    Shape:
        Output: ``(N, C, *size)``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[[1., 2., 4.]]])
        >>> F.interpolate(x, scale_factor=2)
        tensor([[[1., 1., 2., 2., 4., 4.]]])
        >>> F.interpolate(x, size=5, mode='linear', align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000, 3.0000, 4.0000]]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): argument 'input' must be Tensor, not {type(input).__name__}")
    xd = input._data
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = xd.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(xd.shape[2:])} and output size of {size}. Please provide "
                    "input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            output_size = [int(s) for s in size]
        else:
            output_size = [int(size)] * dim
        scale_factors = None
    elif scale_factor is not None:
        if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
            pass
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but got input "
                    f"with spatial dimensions of {list(xd.shape[2:])} and scale_factor of shape "
                    f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
        output_size = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [int(math.floor(float(xd.shape[i + 2]) * scale_factors[i])) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic") and xd.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and requires "
                         "a 4-D tensor as input")
    ok = {3: ("nearest", "nearest-exact", "area", "linear"),
          4: ("nearest", "nearest-exact", "area", "bilinear", "bicubic"),
          5: ("nearest", "nearest-exact", "area", "trilinear")}
    if xd.ndim not in ok or mode not in ok[xd.ndim]:
        if mode in ("linear", "bilinear", "trilinear", "bicubic") and xd.ndim in ok:
            need = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}[mode]
            raise NotImplementedError(f"Got {xd.ndim}D input, but {mode} mode needs {need}D input")
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{xd.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})")
    sp = xd.shape[2:]
    if output_size is None:
        output_size = [int(math.floor(float(L) * s)) for L, s in zip(sp, scale_factors)]
    if any(o <= 0 for o in output_size) or any(L <= 0 for L in sp):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(map(str, sp))}) and output ({', '.join(map(str, output_size))})")
    if xd.dtype.kind != "f":
        raise RuntimeError(f'"upsample_{mode}" not implemented for \'{xd.dtype}\'')
    sfs = scale_factors or [None] * dim
    kind = {"linear": "linear", "bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    if antialias:
        mats = [_aa_matrix(kind, L, o, align_corners, sf, xd.dtype) for L, o, sf in zip(sp, output_size, sfs)]
    else:
        mats = [_matrix(kind, L, o, align_corners, sf, xd.dtype) for L, o, sf in zip(sp, output_size, sfs)]
    nidx = None
    if kind in ("nearest", "nearest-exact"):
        nidx = [None if m is None else np.argmax(m, axis=1) for m in mats]
    return apply(_interp_cls(mode, dim), input, mats=mats, nearest_idx=nidx)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated spelling of :func:`interpolate`; warns.

    Args:
        input (Tensor): ``(N, C, *spatial)``.
        size (int or tuple, optional): the output's spatial size. Default: ``None``.
        scale_factor (float or tuple, optional): multiplier of the spatial size. Default: ``None``.
        mode (str): the interpolation, as in :func:`interpolate`. Default: ``'nearest'``.
        align_corners (bool, optional): as in :func:`interpolate`. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2)  # what it computes
        tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated spelling of ``interpolate(input, size, scale_factor, mode='nearest')``; warns.

    Args:
        input (Tensor): ``(N, C, *spatial)``.
        size (int or tuple, optional): the output's spatial size. Default: ``None``.
        scale_factor (float or tuple, optional): multiplier of the spatial size. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2, mode='nearest')  # what it computes
        tensor([[[1., 1., 2., 2.]]])
    """
    warnings.warn("nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated spelling of ``interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)``; warns.

    Args:
        input (Tensor): ``(N, C, H, W)``.
        size (int or tuple, optional): the output's ``(H, W)``. Default: ``None``.
        scale_factor (float or tuple, optional): multiplier of ``(H, W)``. Default: ``None``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[[[0., 3.]]]])
        >>> F.interpolate(x, size=(1, 4), mode='bilinear', align_corners=True)  # what it computes
        tensor([[[[0., 1., 2., 3.]]]])
    """
    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- pad ------------------------------------------------------------------------------

def _index_map(mode, L, lo, hi):
    j = np.arange(-lo, L + hi)
    if mode == "reflect":
        period = 2 * (L - 1)
        if period == 0:
            return np.zeros(len(j), dtype=np.int64)
        r = np.mod(j, period)
        return np.where(r >= L, period - r, r)
    if mode == "replicate":
        return np.clip(j, 0, L - 1)
    return np.mod(j, L)  # circular


class _PadConstant(Op):
    name = "ConstantPadNdBackward0"

    def forward(self, x, pairs, value):
        nd = len(pairs)
        sp = x.shape[-nd:] if nd else ()
        crop = tuple(slice(max(-lo, 0), L - max(-hi, 0)) for L, (lo, hi) in zip(sp, pairs))
        xc = x[(Ellipsis,) + crop]
        pos = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
        out_sp = tuple(s + a + b for s, (a, b) in zip(xc.shape[-nd:] if nd else (), pos))
        if any(o < 0 for o in out_sp) or any(s < 0 for s in xc.shape):
            raise RuntimeError(f"The input size {list(x.shape)}, plus negative padding {list(pairs)} "
                               "resulted in a negative output size, which is invalid. Check dimension of your input.")
        out = np.full(x.shape[:-nd] + out_sp if nd else x.shape, value, dtype=x.dtype)
        inner = tuple(slice(a, a + s) for (a, _), s in zip(pos, xc.shape[-nd:]))
        out[(Ellipsis,) + inner] = xc
        self.geo, self.out_shape = (x.shape, crop, inner, nd), out.shape
        return out

    def backward(self, g):
        shape, crop, inner, nd = self.geo
        gx = np.zeros(shape, dtype=g.dtype)
        gx[(Ellipsis,) + crop] = g[(Ellipsis,) + inner]
        return gx,

    backward_ops = linear_backward_ops

    def jvp(self, u):
        shape, crop, inner, nd = self.geo
        out = np.zeros(self.out_shape, u.dtype)
        out[(Ellipsis,) + inner] = u[(Ellipsis,) + crop]
        return out


class _PadIndex(Op):
    def forward(self, x, maps):
        self.maps = maps
        self.shape = x.shape
        nd = len(maps)
        y = x
        for i, m in enumerate(maps):
            y = np.take(y, m, axis=x.ndim - nd + i)
        return np.ascontiguousarray(y)

    def backward(self, g):
        nd = len(self.maps)
        for i in reversed(range(nd)):
            m = self.maps[i]
            ax = g.ndim - nd + i
            L = self.shape[ax]
            gm = np.moveaxis(g, ax, -1)
            out = np.zeros(gm.shape[:-1] + (L,), dtype=g.dtype)
            ar = np.arange(len(m))
            lo = int(np.argmax(m == 0)) if len(m) and m[0] != 0 else 0
            if len(m) >= lo + L and np.array_equal(m[lo:lo + L], np.arange(L)):
                out += gm[..., lo:lo + L]
                rest = np.concatenate([ar[:lo], ar[lo + L:]])
            else:
                rest = ar
            for j in rest:
                out[..., m[j]] += gm[..., j]
            g = np.moveaxis(out, -1, ax)
        return np.ascontiguousarray(g),

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return self.forward(u, self.maps)


_PADNAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
             "circular": "CircularPad{}DBackward0"}
_PADCLS = {}


def pad(input, pad, mode="constant", value=None):
    """Pads the last ``len(pad) // 2`` dims of ``input``: ``pad = (last_left, last_right, second_last_left, ...)``.

    Args:
        input (Tensor): the input.
        pad (tuple of int): the paddings, two per dim, starting from the last dim; negative values crop.
        mode (str): ``'constant'``, ``'reflect'``, ``'replicate'`` or ``'circular'``. Default: ``'constant'``.
        value (float, optional): the fill value of ``'constant'`` mode. Default: ``None`` (0).

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[1., 2., 3.]])
        >>> F.pad(x, (1, 2))
        tensor([[0., 1., 2., 3., 0., 0.]])
        >>> F.pad(x, (1, 1, 1, 0), value=9.)
        tensor([[9., 9., 9., 9., 9.],
                [9., 1., 2., 3., 9.]])
        >>> F.pad(x.view(1, 1, 3), (2, 0), mode='reflect')
        tensor([[[3., 2., 1., 2., 3.]]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    xd = input._data
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    n = len(pad) // 2
    if n > xd.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {xd.ndim}")
    pairs = [(pad[2 * (n - 1 - i)], pad[2 * (n - 1 - i) + 1]) for i in range(n)]  # first spatial dim first
    if mode == "constant":
        v = 0 if value is None else value
        return apply(_PadConstant, input, pairs=pairs, value=v)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if not (n + 1 <= xd.ndim <= n + 2) or n > 3:
        if n <= 3:
            raise NotImplementedError(
                "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
        raise NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
    sp = xd.shape[-n:]
    for i, ((lo, hi), L) in enumerate(zip(pairs, sp)):
        if mode == "reflect" and (lo >= L or hi >= L):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({lo}, {hi}) at dimension {xd.ndim - n + i} of "
                               f"input {list(xd.shape)}")
        if mode == "circular" and (lo > L or hi > L):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and L == 0:
            raise RuntimeError("input tensor must have non-empty spatial dims")
    maps = []
    for (lo, hi), L in zip(pairs, sp):
        if mode == "circular" and (lo < 0 or hi < 0):   # torch crops first, then wraps the rest
            keep = np.arange(max(-lo, 0), L - max(-hi, 0))
            if max(lo, 0) > len(keep) or max(hi, 0) > len(keep):
                raise RuntimeError("Padding value causes wrapping around more than once.")
            maps.append(keep[_index_map(mode, len(keep), max(lo, 0), max(hi, 0))])
        else:   # reflect / replicate: input coordinates, negative pads included
            maps.append(_index_map(mode, L, lo, hi))
    key = (mode, n)
    cls = _PADCLS.get(key)
    if cls is None:
        nm = _PADNAMES[mode].format(n)
        cls = _PADCLS[key] = type(nm, (_PadIndex,), {"name": nm})
    return apply(cls, input, maps=maps)


# ---- pixel shuffle --------------------------------------------------------------------

class _PixelShuffle(Op):
    name = "PixelShuffleBackward0"

    def forward(self, x, r):
        *lead, C, H, W = x.shape
        oc = C // (r * r)
        y = x.reshape(tuple(lead) + (oc, r, r, H, W))
        n = len(lead)
        perm = tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2)
        self.geo = (x.shape, r)
        return np.ascontiguousarray(y.transpose(perm)).reshape(tuple(lead) + (oc, H * r, W * r))

    def backward(self, g):
        shape, r = self.geo
        return _unshuffle(g, r),

    backward_ops, jvp = linear_backward_ops, lambda self, u: _shuffle(u, self.geo[1])


def _unshuffle(x, r):
    *lead, C, H, W = x.shape
    y = x.reshape(tuple(lead) + (C, H // r, r, W // r, r))
    n = len(lead)
    perm = tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3)
    return np.ascontiguousarray(y.transpose(perm)).reshape(tuple(lead) + (C * r * r, H // r, W // r))


def _shuffle(x, r):
    *lead, C, H, W = x.shape
    oc = C // (r * r)
    y = x.reshape(tuple(lead) + (oc, r, r, H, W))
    n = len(lead)
    perm = tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2)
    return np.ascontiguousarray(y.transpose(perm)).reshape(tuple(lead) + (oc, H * r, W * r))


class _PixelUnshuffle(Op):
    name = "PixelUnshuffleBackward0"

    def forward(self, x, r):
        self.r = r
        return _unshuffle(x, r)

    def backward(self, g):
        return _shuffle(g, self.r),

    backward_ops, jvp = linear_backward_ops, lambda self, u: _unshuffle(u, self.r)


def pixel_shuffle(input, upscale_factor):
    """Moves channel blocks of size ``r ** 2`` into ``r x r`` spatial blocks (sub-pixel upsampling).

    Args:
        input (Tensor): ``(*, C * r ** 2, H, W)``.
        upscale_factor (int): ``r``.

    Shape:
        Output: ``(*, C, H * r, W * r)``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.pixel_shuffle(ember.arange(4.).view(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    xd = input._data
    r = int(upscale_factor)
    if xd.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input "
                           f"with {xd.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if xd.shape[-3] % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                           f"square of upscale_factor, but input.size(-3)={xd.shape[-3]} is not divisible by {r * r}")
    return apply(_PixelShuffle, input, r=r)


def pixel_unshuffle(input, downscale_factor):
    """Inverse of :func:`pixel_shuffle`: moves ``r x r`` spatial blocks into the channels.

    Args:
        input (Tensor): ``(*, C, H * r, W * r)``.
        downscale_factor (int): ``r``.

    Shape:
        Output: ``(*, C * r ** 2, H, W)``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.pixel_unshuffle(ember.arange(4.).view(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    xd = input._data
    r = int(downscale_factor)
    if xd.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input "
                           f"with {xd.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    if xd.shape[-2] % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={xd.shape[-2]} is not divisible by {r}")
    if xd.shape[-1] % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={xd.shape[-1]} is not divisible by {r}")
    return apply(_PixelUnshuffle, input, r=r)


# ---- affine_grid ----------------------------------------------------------------------

def _base_coords(n, align, dt):
    if n <= 1:
        return np.zeros(max(n, 0), dtype=dt)
    c = np.linspace(-1, 1, n, dtype=np.float64)
    if not align:
        c = c * (n - 1) / n
    return c.astype(dt)


class _AffineGrid(Op):
    name = "AffineGridGeneratorBackward0"

    def forward(self, theta, size, align):
        dt = theta.dtype
        if len(size) == 4:
            N, C, H, W = size
            base = np.empty((H, W, 3), dtype=dt)
            base[..., 0] = _base_coords(W, align, dt)[None, :]
            base[..., 1] = _base_coords(H, align, dt)[:, None]
            base[..., 2] = 1
        else:
            N, C, D, H, W = size
            base = np.empty((D, H, W, 4), dtype=dt)
            base[..., 0] = _base_coords(W, align, dt)[None, None, :]
            base[..., 1] = _base_coords(H, align, dt)[None, :, None]
            base[..., 2] = _base_coords(D, align, dt)[:, None, None]
            base[..., 3] = 1
        k = base.shape[-1]
        b2 = base.reshape(-1, k)
        self.b2 = b2
        out = np.matmul(b2, theta.transpose(0, 2, 1))  # (N, P, k-1)
        return out.reshape((N,) + base.shape[:-1] + (k - 1,))

    def backward(self, g):
        N = g.shape[0]
        g2 = g.reshape(N, -1, g.shape[-1])
        return np.matmul(g2.transpose(0, 2, 1), self.b2),

    def backward_ops(self, g):
        self.oshape = g.shape   # the grid's shape, for jvp
        return linear_backward_ops(self, g)

    def jvp(self, u):
        return np.matmul(self.b2, u.transpose(0, 2, 1)).reshape(self.oshape)


def affine_grid(theta, size, align_corners=None):
    """Sampling grid for :func:`grid_sample`: normalised coordinates moved by one affine map per batch entry.

    Args:
        theta (Tensor): ``(N, 2, 3)`` (2-D) or ``(N, 3, 4)`` (3-D) affine matrices.
        size (tuple): the output's ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        align_corners (bool, optional): -1 and 1 are the corner pixels' centres (``True``) or edges. Default:
            ``None`` (``False``).

    Shape:
        Output: ``(N, H, W, 2)`` or ``(N, D, H, W, 3)``.

    Example:
        >>> import ember.nn.functional as F
        >>> theta = ember.tensor([[[1., 0., 0.], [0., 1., 0.]]])
        >>> F.affine_grid(theta, (1, 1, 1, 2), align_corners=False)
        tensor([[[[-0.5000,  0.0000],
                  [ 0.5000,  0.0000]]]])
    """
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since "
                      "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
                      "documentation of grid_sample for details.")
        align_corners = False
    td = theta._data
    size = [int(s) for s in size]
    if td.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {td.dtype}")
    if len(size) == 4:
        if td.ndim != 3 or td.shape[-2:] != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. "
                             f"Got {list(td.shape)}.")
    elif len(size) == 5:
        if td.ndim != 3 or td.shape[-2:] != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. "
                             f"Got {list(td.shape)}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine "
                                  f"transforms, respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if td.shape[0] != size[0]:
        raise RuntimeError(f"Expected theta batch size {td.shape[0]} to match size[0] {size[0]}")
    return apply(_AffineGrid, theta, size=tuple(size), align=bool(align_corners))


# ---- grid_sample ----------------------------------------------------------------------

def _unnormalize(c, size, align):
    """returns coordinate and d coord / d c."""
    if align:
        return (c + 1) / 2 * (size - 1), (size - 1) / 2
    return ((c + 1) * size - 1) / 2, size / 2


def _reflect(x, lo2, hi2):
    """Reflect coordinates over [lo2/2, hi2/2]; returns value and d/dx sign."""
    if lo2 == hi2:
        return np.zeros_like(x), np.zeros_like(x)
    mn = lo2 / 2
    span = (hi2 - lo2) / 2
    sgn = np.where(x < mn, -1.0, 1.0).astype(x.dtype)
    xa = np.abs(x - mn)
    extra = np.fmod(xa, span)
    flips = np.floor(xa / span)
    even = (flips % 2) == 0
    out = np.where(even, extra + mn, span - extra + mn)
    d = np.where(even, sgn, -sgn)
    return out.astype(x.dtype), d.astype(x.dtype)


def _source(c, size, pmode, align):
    """grid coord -> source pixel coordinate with padding applied, and its derivative."""
    x, m = _unnormalize(c, size, align)
    d = np.full(x.shape, m, dtype=x.dtype)
    if pmode == "border":
        d = d * ((x > 0) & (x < size - 1))   # borders count as outside (PyTorch)
        x = np.clip(x, 0, size - 1)
    elif pmode == "reflection":
        if align:
            x, dr = _reflect(x, 0, 2 * (size - 1))
        else:
            x, dr = _reflect(x, -1, 2 * size - 1)
        d = d * dr
        dd = (x > 0) & (x < size - 1)
        d = d * dd
        x = np.clip(x, 0, size - 1)
    return x, d


class _GridSample(Op):
    name = "GridSampler2DBackward0"

    def forward(self, x, grid, mode, pmode, align):
        N, C, H, W = x.shape
        Ho, Wo = grid.shape[1:3]
        self.geo = (x.shape, grid.shape, mode, pmode, align)
        self.x, self.grid = x, grid
        dt = x.dtype
        gx = grid[..., 0].reshape(N, -1)
        gy = grid[..., 1].reshape(N, -1)
        xf = x.reshape(N, C, H * W)
        if mode == "bicubic":
            taps, self.aux = self._bicubic_taps(gx, gy, W, H, pmode, align, dt)
        else:
            ix, dx = _source(gx, W, pmode, align)
            iy, dy = _source(gy, H, pmode, align)
            self.aux = (ix, iy, dx, dy)
            if mode == "nearest":
                rx = np.rint(ix).astype(np.int64)
                ry = np.rint(iy).astype(np.int64)
                taps = [(rx, ry, np.ones_like(ix))]
            else:
                x0 = np.floor(ix)
                y0 = np.floor(iy)
                fx = (ix - x0).astype(dt)
                fy = (iy - y0).astype(dt)
                x0 = x0.astype(np.int64)
                y0 = y0.astype(np.int64)
                taps = [(x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)),
                        (x0, y0 + 1, (1 - fx) * fy), (x0 + 1, y0 + 1, fx * fy)]
        flat_taps = []
        out = np.zeros((N, C, gx.shape[1]), dtype=dt)
        for tx, ty, w in taps:
            valid = (tx >= 0) & (tx < W) & (ty >= 0) & (ty < H)
            idx = np.where(valid, ty * W + tx, 0)
            wv = np.where(valid, w, 0).astype(dt)
            vals = np.take_along_axis(xf, idx[:, None, :], axis=2)
            out += vals * wv[:, None, :]
            flat_taps.append((idx, wv, valid, vals))
        self.taps = flat_taps
        return out.reshape(N, C, Ho, Wo)

    def _bicubic_taps(self, gx, gy, W, H, pmode, align, dt):
        ix, mx = _unnormalize(gx, W, align)
        iy, my = _unnormalize(gy, H, align)
        x0 = np.floor(ix)
        y0 = np.floor(iy)
        tx = (ix - x0).astype(dt)
        ty = (iy - y0).astype(dt)
        x0 = x0.astype(np.int64)
        y0 = y0.astype(np.int64)
        cx = _cubic_coeffs(tx)
        cy = _cubic_coeffs(ty)
        taps = []
        for j in range(4):
            for i in range(4):
                px = self._pad_int(x0 - 1 + i, W, pmode, align)
                py = self._pad_int(y0 - 1 + j, H, pmode, align)
                taps.append((px, py, cx[i] * cy[j]))
        return taps, (tx, ty, mx, my)

    @staticmethod
    def _pad_int(c, size, pmode, align):
        if pmode == "zeros":
            return c
        cf = c.astype(np.float64)
        if pmode == "border":
            return np.clip(c, 0, size - 1)
        if align:
            r, _ = _reflect(cf, 0, 2 * (size - 1))
        else:
            r, _ = _reflect(cf, -1, 2 * size - 1)
        return np.clip(r, 0, size - 1).astype(np.int64)

    def backward(self, g):
        xshape, gshape, mode, pmode, align = self.geo
        N, C, H, W = xshape
        dt = g.dtype
        g2 = g.reshape(N, C, -1)
        nf = self.next_functions
        gin = ggrid = None
        if nf[0][0] is not None:
            lin = []
            wts = []
            base = (np.arange(N * C) * (H * W)).reshape(N, C, 1)
            for idx, wv, _valid, _vals in self.taps:
                lin.append((base + idx[:, None, :]).ravel())
                wts.append((g2 * wv[:, None, :]).ravel())
            acc = np.bincount(np.concatenate(lin), weights=np.concatenate(wts), minlength=N * C * H * W)
            gin = acc.astype(dt).reshape(xshape)
        if nf[1][0] is not None:
            ggrid = np.zeros(gshape, dtype=dt)
            if mode == "bilinear":
                ix, iy, dx, dy = self.aux
                fx = ix - np.floor(ix)
                fy = iy - np.floor(iy)
                v = [np.einsum("ncp,ncp->np", g2, t[3]) for t in self.taps]  # sum_c g * val (masked)
                v = [vi * t[2] for vi, t in zip(v, self.taps)]
                gix = -(1 - fy) * v[0] + (1 - fy) * v[1] - fy * v[2] + fy * v[3]
                giy = -(1 - fx) * v[0] - fx * v[1] + (1 - fx) * v[2] + fx * v[3]
                ggrid[..., 0] = (gix * dx).reshape(gshape[:-1])
                ggrid[..., 1] = (giy * dy).reshape(gshape[:-1])
            elif mode == "bicubic":
                tx, ty, mx, my = self.aux
                cx = _cubic_coeffs(tx)
                cy = _cubic_coeffs(ty)
                dcx = _cubic_dcoeffs(tx)
                dcy = _cubic_dcoeffs(ty)
                gix = np.zeros(tx.shape, dtype=dt)
                giy = np.zeros(ty.shape, dtype=dt)
                k = 0
                for j in range(4):
                    for i in range(4):
                        idx, wv, valid, vals = self.taps[k]
                        k += 1
                        s = np.einsum("ncp,ncp->np", g2, vals) * valid
                        gix += s * dcx[i] * cy[j]
                        giy += s * cx[i] * dcy[j]
                ggrid[..., 0] = (gix * mx).reshape(gshape[:-1])
                ggrid[..., 1] = (giy * my).reshape(gshape[:-1])
        return gin, ggrid

    backward_ops = _sb.grid_sample


class _GridSample3D(Op):
    """Volumetric sampling: input (N, C, D, H, W), grid (N, Do, Ho, Wo, 3) with (x, y, z)
    components; trilinear (8 taps) or nearest."""
    name = "GridSampler3DBackward0"

    def forward(self, x, grid, mode, pmode, align):
        N, C = x.shape[:2]
        sizes = x.shape[:1:-1]                       # (W, H, D): grid component k indexes sizes[k]
        dt = x.dtype
        src = [_source(grid[..., k].reshape(N, -1), sizes[k], pmode, align) for k in range(3)]
        if mode == "nearest":
            taps = [([np.rint(i).astype(np.int64) for i, _ in src], np.ones(src[0][0].shape, dt))]
        else:
            lo = [np.floor(i) for i, _ in src]
            frac = [(i - f).astype(dt) for (i, _), f in zip(src, lo)]
            lo = [f.astype(np.int64) for f in lo]
            taps = []
            for bits in np.ndindex(2, 2, 2):
                w = np.ones(frac[0].shape, dt)
                for b, f in zip(bits, frac):
                    w = w * (f if b else 1 - f)
                taps.append(([c + b for c, b in zip(lo, bits)], w))
            self.frac = frac
        self.deriv = [d for _, d in src]
        xf = x.reshape(N, C, -1)
        out = np.zeros((N, C, src[0][0].shape[1]), dtype=dt)
        self.taps = []
        for (cx, cy, cz), w in taps:
            valid = (cx >= 0) & (cx < sizes[0]) & (cy >= 0) & (cy < sizes[1]) & (cz >= 0) & (cz < sizes[2])
            idx = np.where(valid, (cz * sizes[1] + cy) * sizes[0] + cx, 0)
            wv = np.where(valid, w, 0).astype(dt)
            vals = np.take_along_axis(xf, idx[:, None, :], axis=2)
            out += vals * wv[:, None, :]
            self.taps.append((idx, wv, valid, vals))
        self.geo, self.x, self.grid = (x.shape, grid.shape, mode), x, grid
        return out.reshape((N, C) + grid.shape[1:4])

    def backward(self, g):
        xshape, gshape, mode = self.geo
        N, C = xshape[:2]
        g2 = g.reshape(N, C, -1)
        nf = self.next_functions
        gin = ggrid = None
        if nf[0][0] is not None:
            size = math.prod(xshape[2:])
            base = (np.arange(N * C) * size).reshape(N, C, 1)
            lin = [(base + idx[:, None, :]).ravel() for idx, _, _, _ in self.taps]
            wts = [(g2 * wv[:, None, :]).ravel() for _, wv, _, _ in self.taps]
            acc = np.bincount(np.concatenate(lin), weights=np.concatenate(wts), minlength=N * C * size)
            gin = acc.astype(g.dtype).reshape(xshape)
        if nf[1][0] is not None:
            ggrid = np.zeros(gshape, dtype=g.dtype)
            if mode == "bilinear":  # d out / d coordinate k: the weight with factor k differentiated
                v = [np.einsum("ncp,ncp->np", g2, vals) * valid for _, _, valid, vals in self.taps]
                for k in range(3):
                    gk = np.zeros(v[0].shape, g.dtype)
                    for vt, bits in zip(v, np.ndindex(2, 2, 2)):
                        w = vt if bits[k] else -vt
                        for e, (b, f) in enumerate(zip(bits, self.frac)):
                            if e != k:
                                w = w * (f if b else 1 - f)
                        gk += w
                    ggrid[..., k] = (gk * self.deriv[k]).reshape(gshape[:-1])
        return gin, ggrid

    backward_ops = _sb.grid_sample_3d


def _cubic_dcoeffs(t, A=-0.75):
    # derivatives of _cubic_coeffs w.r.t. t
    def d1(x):  # d/dx conv1
        return (3 * (A + 2) * x - 2 * (A + 3)) * x

    def d2(x):  # d/dx conv2
        return (3 * A * x - 10 * A) * x + 8 * A
    return (d2(t + 1), d1(t), -d1(1 - t), -d2(2 - t))


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Samples ``input`` at the normalised locations in ``grid`` (``-1`` and ``1`` are the edges), interpolating.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        grid (Tensor): ``(N, H_out, W_out, 2)`` or ``(N, D_out, H_out, W_out, 3)``, ``x`` first.
        mode (str): ``'bilinear'``, ``'nearest'`` or ``'bicubic'`` (2-D only). Default: ``'bilinear'``.
        padding_mode (str): values outside: ``'zeros'``, ``'border'`` or ``'reflection'``. Default: ``'zeros'``.
        align_corners (bool, optional): -1 and 1 are the corner pixels' centres (``True``) or edges. Default:
            ``None`` (``False``).

    Shape:
        Output: ``(N, C, H_out, W_out)`` or ``(N, C, D_out, H_out, W_out)``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[[[0., 10.]]]])
        >>> F.grid_sample(x, ember.tensor([[[[0., 0.], [-1., 0.]]]]), align_corners=True)
        tensor([[[[5., 0.]]]])
    """
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since "
                      "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
                      "documentation of grid_sample for details.")
        align_corners = False
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
                         f"'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    xd, gd = input._data, grid._data
    if xd.ndim not in (4, 5) or gd.ndim != xd.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of "
                           f"dimensions, but got input with sizes {list(xd.shape)} and grid with sizes "
                           f"{list(gd.shape)}")
    if xd.shape[0] != gd.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got "
                           f"input with sizes {list(xd.shape)} and grid with sizes {list(gd.shape)}")
    nd = xd.ndim - 2
    if gd.shape[-1] != nd:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nd} in last dimension, but got "
                           f"grid with sizes {list(gd.shape)}")
    if nd == 3 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if xd.dtype != gd.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{xd.dtype} and grid has {gd.dtype}")
    return apply(_GridSample if nd == 2 else _GridSample3D, input, grid, mode=mode,
                 pmode=padding_mode, align=bool(align_corners))
