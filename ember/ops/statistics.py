"""Statistics: var, std (and with the mean), median, nanmedian, mode, quantile, nanquantile,
cov, corrcoef, bincount, histc, histogram."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, _type_name, apply, composite_backward, scaled_backward_ops, wrap_dim
from .reduction import Mean, _axis_alias, _dims, _even_grad, return_types
from .sorting import SelectAlong, _argsort, sort

__all__ = ["var", "std", "var_mean", "std_mean", "median", "nanmedian", "mode", "bincount", "histc",
           "quantile", "nanquantile", "cov", "corrcoef", "histogram", "histogramdd"]


# ---- var / std -------------------------------------------------------------------------

class Var(Op):
    name = "VarBackward0"
    saves = (0,)

    def forward(self, a, dims, correction, keepdim, take_sqrt):
        if a.dtype.kind not in "fc":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        n = 1
        for d in dims:
            n *= a.shape[d]
        m = np.mean(a, axis=dims, keepdims=True) if a.size else np.zeros((), a.dtype)
        xc = a - m
        denom = n - correction
        sq = (xc * np.conj(xc)).real if a.dtype.kind == "c" else xc * xc  # complex: |x - m|^2, real
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.sum(sq, axis=dims, keepdims=keepdim) / sq.dtype.type(denom if denom > 0 else 0)
            v = v.astype(sq.dtype, copy=False)
            if take_sqrt:
                v = np.sqrt(v)
        self.xc, self.denom, self.dims, self.keepdim, self.sq = xc, denom, dims, keepdim, take_sqrt
        self.a = a   # for the double backward
        self.out = v
        return v

    def backward(self, g):
        dt = self.xc.dtype
        dims = self.dims
        if not self.keepdim and dims:
            g = np.expand_dims(g, dims)
        with np.errstate(invalid="ignore", divide="ignore"):
            if self.sq:
                o = self.out if self.keepdim or not dims else np.expand_dims(self.out, dims)
                r = g * self.xc / (dt.type(self.denom) * o)
                r = np.where(o == 0, np.zeros((), dt), r)
            else:
                r = g * dt.type(2) * self.xc / dt.type(self.denom)
        return r.astype(dt, copy=False)

    def backward_ops(self, g):
        return composite_backward(self._composite, (self.saved_input(0, self.a),), (g,))[0]

    def _composite(self, x):
        """The forward written with ember ops (the double backward differentiates it)."""
        xc = x - x.mean(self.dims, keepdim=True)
        v = (xc * xc).sum(self.dims, keepdim=self.keepdim) / float(self.denom if self.denom > 0 else 0)
        return v.sqrt() if self.sq else v


def _var_args(input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # var(x, False): unbiased passed positionally
        unbiased, dim = dim, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    elif unbiased is not None:
        raise RuntimeError("var(): cannot pass both unbiased and correction")
    return _dims(dim, input.ndim), correction, keepdim


@tensor_method()
@_axis_alias
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None) -> Tensor:
    """The variance over ``dim`` (all elements by default), with Bessel's correction unless ``correction=0``.

    Example:
        >>> torch.var(torch.tensor([1., 2., 3., 4.]))
        tensor(1.6667)
        >>> torch.var(torch.tensor([1., 2., 3., 4.]), correction=0)
        tensor(1.2500)
    """
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Var, input, dims, c, kd, False)


class Std(Var):
    name = "StdBackward0"


@tensor_method()
@_axis_alias
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None) -> Tensor:
    """The standard deviation over ``dim`` (``sqrt(var)``, with the same ``correction``).

    Example:
        >>> torch.std(torch.tensor([1., 2., 3., 4.]))
        tensor(1.2910)
    """
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Std, input, dims, c, kd, True)


@_axis_alias
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over ``dim`` in one pass.

    Example:
        >>> torch.var_mean(torch.tensor([1., 2., 3., 4.]))
        (tensor(1.6667), tensor(2.5000))
    """
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Var, input, dims, c, kd, False), apply(Mean, input, dims, kd)


@_axis_alias
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over ``dim`` in one pass.

    Example:
        >>> torch.std_mean(torch.tensor([1., 2., 3., 4.]))
        (tensor(1.2910), tensor(2.5000))
    """
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Std, input, dims, c, kd, True), apply(Mean, input, dims, kd)


# ---- median / mode ---------------------------------------------------------------------

class MedianDim(SelectAlong):
    name = "MedianBackward1"


class NanmedianDim(SelectAlong):
    name = "NanmedianBackward1"


class ModeOp(SelectAlong):
    name = "ModeBackward0"


class MedianAll(Op):
    name = "MedianBackward0"
    saves = (0,)
    nan_ignore = False

    def forward(self, a):
        if a.size == 0:
            out = np.asarray(np.nan, a.dtype) if a.dtype.kind == "f" else np.zeros((), a.dtype)
        else:
            f = a.reshape(-1)
            if self.nan_ignore and f.dtype.kind == "f":
                f = f[~np.isnan(f)]
            if f.size == 0:
                out = np.asarray(np.nan, a.dtype)
            elif f.dtype.kind == "f" and np.isnan(f).any():
                out = np.asarray(np.nan, a.dtype)
            else:
                out = np.sort(f)[(f.size - 1) // 2]
        self.a, self.out = a, np.asarray(out)
        return self.out

    def backward(self, g):
        return _even_grad(self.a, self.out, g, tuple(range(self.a.ndim)), False)

    backward_ops = scaled_backward_ops   # g shared among the ties: constant coefficients


class NanmedianAll(MedianAll):
    name = "NanmedianBackward0"
    nan_ignore = True


def _median_idx(a, d, nan_ignore):
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if a.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    s = _argsort(a, d, False)  # NaNs sort last
    n = a.shape[d]
    if a.dtype.kind == "f":
        nn = np.sum(~np.isnan(a), axis=d, keepdims=True)
        if nan_ignore:
            pos = np.maximum((nn - 1) // 2, 0)
        else:
            pos = np.where(nn < n, nn, (n - 1) // 2)  # any NaN -> the first NaN
    else:
        pos = np.full(s.shape[:d] + (1,) + s.shape[d + 1:], (n - 1) // 2)
    return np.take_along_axis(s, pos, d)


@tensor_method()
def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``.

    Example:
        >>> torch.median(torch.tensor([4., 1., 3., 2.]))
        tensor(2.)
        >>> torch.median(torch.tensor([[4., 1., 3.]]), dim=1)
        torch.return_types.median(
        values=tensor([3.]),
        indices=tensor([2]))
    """
    D.refuse_unsigned(input, "median_cpu" if dim is None else "median_out")  # PyTorch has no uint16/32/64 kernel
    if dim is None:
        return apply(MedianAll, input)
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return return_types.median(*apply(MedianDim, input, _median_idx(a, d, False), d, keepdim))


@tensor_method()
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """``median`` ignoring NaN.

    Example:
        >>> torch.nanmedian(torch.tensor([1., float("nan"), 3., 2.]))
        tensor(2.)
    """
    D.refuse_unsigned(input, "median_cpu" if dim is None else "median_out")  # PyTorch has no uint16/32/64 kernel
    if dim is None:
        return apply(NanmedianAll, input)
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return return_types.nanmedian(*apply(NanmedianDim, input, _median_idx(a, d, True), d, keepdim))


@tensor_method()
def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` (the smallest among ties) and an index of it.

    Example:
        >>> torch.mode(torch.tensor([1, 2, 2, 3])).values
        tensor(2)
    """
    D.refuse_unsigned(input, "mode_cpu")  # PyTorch has no uint16/32/64 kernel
    a = input._data
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        return return_types.mode(*apply(ModeOp, input, np.zeros((), np.int64), d, keepdim))
    m = np.moveaxis(a, d, -1)
    lead = m.shape[:-1]
    flat = m.reshape(-1, m.shape[-1])
    out = np.zeros(flat.shape[0], np.int64)
    for r in range(flat.shape[0]):
        row = flat[r]
        vals, counts = np.unique(row, return_counts=True)
        v = vals[np.argmax(counts)]  # smallest among the most frequent
        out[r] = np.nonzero(row == v)[0][-1]  # PyTorch reports the last occurrence
    idx = np.expand_dims(out.reshape(lead), d)
    return return_types.mode(*apply(ModeOp, input, idx, d, keepdim))


@tensor_method()
def bincount(input, weights=None, minlength=0) -> Tensor:
    """The count of each value in a 1-D non-negative int tensor (or the sums of ``weights``).

    Example:
        >>> torch.bincount(torch.tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
    """
    D.refuse_unsigned(input, "bincount_cpu")  # PyTorch has no uint16/32/64 kernel
    a = input._data
    if a.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if a.dtype.kind not in "biu":
        raise RuntimeError(f"\"bincount_cpu\" not implemented for '{_type_name(a.dtype)}'")
    if a.size and a.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    r = np.bincount(a, weights=w, minlength=minlength)
    return _wrap(r.astype(w.dtype if w.dtype.kind == "f" else np.float64))


@tensor_method()
def histc(input, bins=100, min=0, max=0, *, out=None) -> Tensor:
    """A histogram of ``bins`` equal bins between ``min`` and ``max`` (the data's range when both are 0).

    Example:
        >>> torch.histc(torch.tensor([1., 2., 1.]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_type_name(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError("bins must be > 0")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("max must be larger than min")
    f = a.reshape(-1)
    f = f[(f >= lo) & (f <= hi)]
    h, _ = np.histogram(f, bins=bins, range=(lo, hi))
    return _wrap(h.astype(a.dtype))


# ---- quantiles and covariance (composites: autograd through sort / mean / sum) ---------

_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, fname):
    from .indexing import where
    from .ternary import lerp

    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"{fname}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{fname}() q tensor must be same dtype as the input tensor")
        if q.ndim > 1:
            raise RuntimeError(f"{fname}() q must be a scalar or 1D tensor")
        qa, scalar_q = q._data.astype(np.float64), q.ndim == 0
    else:
        qa, scalar_q = np.asarray(q, np.float64), np.ndim(q) == 0
    qa = qa.reshape(-1)
    if ((qa < 0) | (qa > 1)).any():
        bad = qa[(qa < 0) | (qa > 1)][0]
        raise RuntimeError(f"{fname}() q must be in the range [0, 1] but got {bad:g}")
    if interpolation not in _INTERP:
        raise RuntimeError(f"{fname}() interpolation must be one of linear, lower, higher, midpoint "
                           f"or nearest, but got {interpolation}")
    if a.size == 0:
        raise RuntimeError(f"{fname}() input tensor must be non-empty")
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        x, d = input, wrap_dim(dim, a.ndim)
    s = sort(x, d).values.movedim(d, -1) if x.ndim else x.reshape(1)    # rows + (n,)
    sa = s._data
    n = sa.shape[-1]
    nan = np.isnan(sa)
    k = (n - nan.sum(-1, keepdims=True)) if ignore_nan else np.full(sa.shape[:-1] + (1,), n)
    pos = qa * (k - 1).astype(np.float64)                              # rows + (Q,)
    if interpolation == "nearest":
        pos = np.round(pos)                                          # half to even, as torch
    lo = np.clip(np.floor(pos), 0, n - 1).astype(np.int64)
    hi = np.clip(np.ceil(pos), 0, n - 1).astype(np.int64)
    v_lo, v_hi = s.gather(-1, _wrap(lo)), s.gather(-1, _wrap(hi))
    if interpolation in ("lower", "nearest"):
        r = v_lo
    elif interpolation == "higher":
        r = v_hi
    elif interpolation == "midpoint":
        r = lerp(v_lo, v_hi, 0.5)
    else:
        r = lerp(v_lo, v_hi, _wrap((pos - lo).astype(sa.dtype)))
    bad = (k == 0) if ignore_nan else nan.any(-1, keepdims=True)
    if bad.any():
        r = where(_wrap(np.broadcast_to(bad, r.shape)), _wrap(np.asarray(np.nan, sa.dtype)), r)
    r = r.movedim(-1, 0)                                              # (Q,) + rows
    if keepdim and a.ndim:   # a 0-d input has no dim to keep
        if dim is None:
            r = r.reshape((r.shape[0],) + (1,) * a.ndim)
        else:
            r = r.unsqueeze(d + 1)
    return r[0] if scalar_q else r


@tensor_method()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None) -> Tensor:
    """The ``q``-th quantiles over ``dim`` (all elements by default), with the given ``interpolation``.

    Example:
        >>> torch.quantile(torch.tensor([0., 1., 2., 3.]), torch.tensor([0.25, 0.5]))
        tensor([0.7500, 1.5000])
    """
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


@tensor_method()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None) -> Tensor:
    """``quantile`` ignoring NaN.

    Example:
        >>> torch.nanquantile(torch.tensor([0., float("nan"), 2.]), 0.5)
        tensor(1.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


@tensor_method()
def cov(input, *, correction=1, fweights=None, aweights=None) -> Tensor:
    """Covariance of the rows (variables) over the columns (observations), as ``torch.cov``.

    Example:
        >>> torch.cov(torch.tensor([[0., 1., 2.], [2., 1., 0.]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    import warnings

    from .linalg import mm

    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input "
                           f"with {input.ndim} dimensions")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(D.get_default_dtype())
    n = x.shape[1]
    w = None
    for wt, name in ((fweights, "fweights"), (aweights, "aweights")):
        if wt is None:
            continue
        if wt.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                               f"{name} with {wt.ndim} dimensions")
        if wt.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                               f"observations in the input but got {wt.numel()} != {n}")
        if name == "fweights" and wt._data.dtype.kind not in "iu":
            raise RuntimeError("cov(): expected fweights to have integral dtype but got fweights "
                               f"with {D.scalar_type_name(wt.dtype)} dtype")
        if name == "aweights" and wt._data.dtype.kind != "f":
            raise RuntimeError("cov(): expected aweights to have floating point dtype but got "
                               f"aweights with {D.scalar_type_name(wt.dtype)} dtype")
        if (wt._data < 0).any():
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = wt if w is None else w * wt
    if w is None:
        avg, w_sum = x.mean(1), n
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if (norm._data if isinstance(norm, Tensor) else norm) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than "
                      "the number of observations.")
        norm = norm * 0 if isinstance(norm, Tensor) else 0
    xc = x - avg.unsqueeze(1)
    c = mm(xc, (xc if w is None else xc * w).t().conj())
    return (c / norm).squeeze()


@tensor_method()
def corrcoef(input) -> Tensor:
    """The Pearson correlation coefficients of the rows (variables) of a 2-D tensor.

    Example:
        >>> torch.corrcoef(torch.tensor([[1., 2., 3.], [3., 2., 1.]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    from .ternary import clamp
    from .unary import sqrt

    c = cov(input)
    if c.ndim == 0:
        return c / c
    sd = sqrt(c.diagonal())
    c = c / sd.unsqueeze(1) / sd.unsqueeze(0)
    return clamp(c, -1, 1) if not c.is_complex() else c


@tensor_method()
def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """(hist, bin_edges) of a float tensor; ``bins`` an int or a 1-D tensor of edges.

    Example:
        >>> torch.histogram(torch.tensor([1., 2., 1.]), bins=2)
        torch.return_types.histogram(
        hist=tensor([2., 1.]),
        bin_edges=tensor([1.0000, 1.5000, 2.0000]))
    """
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_type_name(a.dtype)}'")
    if isinstance(bins, Tensor):
        edges = bins._data
        if edges.ndim != 1:
            raise RuntimeError("torch.histogram(): bins tensor should have one dimension, but got "
                               f"{edges.ndim} dimensions")
    else:
        if bins <= 0:
            raise RuntimeError("torch.histogram(): bins must be > 0, but got " + str(bins))
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
            if lo > hi:
                raise RuntimeError(f"torch.histogram(): max must be larger than min, but got "
                                   f"min {lo} max {hi}")
        elif a.size:
            lo, hi = float(a.min()), float(a.max())
        else:
            lo, hi = 0.0, 0.0
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5  # an empty range widens to one unit, as torch
        edges = np.linspace(lo, hi, bins + 1).astype(a.dtype)
    w = None if weight is None else weight._data.reshape(-1)
    h, _ = np.histogram(a.reshape(-1), bins=edges.astype(np.float64), weights=w)
    h = h.astype(a.dtype)
    if density:
        widths = np.diff(edges).astype(a.dtype)
        tot = h.sum()
        h = h / (tot * widths) if tot else h / widths * 0
    return return_types.histogram(_wrap(h.astype(a.dtype, copy=False)), _wrap(edges.copy()))


def _upper_bound(edges, x):
    """Index of the first edge greater than each x, by std::upper_bound's halving steps."""
    first = np.zeros(x.shape, np.int64)
    count = np.full(x.shape, len(edges), np.int64)
    while (count > 0).any():
        step = count // 2
        it = first + step
        live = count > 0
        go = live & ~(x < edges[np.minimum(it, len(edges) - 1)])
        first = np.where(go, it + 1, first)
        count = np.where(go, count - step - 1, np.where(live, step, 0))
    return first


def histogramdd(input, bins, *, range=None, weight=None, density=False, out=None):
    """(hist, bin_edges) of the points in the rows of (*, D) ``input``: ``bins`` an int, D ints,
    or D 1-D tensors of edges; ``range`` a flat [min0, max0, min1, max1, ...].

    Example::

        >>> h, edges = ember.histogramdd(ember.rand(100, 2), bins=[4, 5])
        >>> h.shape
        torch.Size([4, 5])
    """
    from .reduction import return_types

    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_type_name(a.dtype)}'")
    if a.ndim < 1:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 1 dimension")
    D_ = a.shape[-1]
    pts = a.reshape(-1, D_)
    if isinstance(bins, (int, np.integer)):
        bins = [int(bins)] * D_
    if len(bins) != D_:
        raise RuntimeError(f"torch.histogramdd(): expected {D_} sequences of bin edges for each of the {D_} "
                           f"dimensions of the input, but got {len(bins)}")
    if range is not None and len(range) != 2 * D_:
        raise RuntimeError(f"torch.histogramdd(): expected {2 * D_} values in range, but got {len(range)}")
    edges = []
    for d, b in enumerate(bins):
        rng = None if range is None else (range[2 * d], range[2 * d + 1])
        edges.append(b._data.astype(a.dtype) if isinstance(b, Tensor) else
                     histogram(_wrap(np.ascontiguousarray(pts[:, d])), b, range=rng)[1]._data)
    w = np.ones(len(pts), a.dtype) if weight is None else weight._data.reshape(-1).astype(a.dtype)
    valid = np.ones(len(pts), bool)
    pos = []
    for d, e in enumerate(edges):   # torch's binary search (std::upper_bound), even for unsorted edges
        x = pts[:, d]
        p = _upper_bound(e, x) - 1
        p = np.where(p == len(e) - 1, p - 1, p)
        valid &= (x >= e[0]) & (x <= e[-1]) & (p >= 0)
        pos.append(p)
    h = np.zeros(tuple(len(e) - 1 for e in edges), a.dtype)
    np.add.at(h, tuple(p[valid] for p in pos), w[valid])
    if density:
        tot = h.sum()
        vol = np.ones((), a.dtype)
        for d, e in enumerate(edges):
            shape = [1] * D_
            shape[d] = -1
            vol = vol * np.diff(e).astype(a.dtype).reshape(shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            h = h / (tot * vol)   # NaN when nothing was counted, as torch
    return return_types.histogramdd(_wrap(h.astype(a.dtype, copy=False)), tuple(_wrap(e.copy()) for e in edges))
