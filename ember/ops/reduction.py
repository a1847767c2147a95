"""Reductions: sum, mean, prod, std/var, norm, max/min, arg*, sort/topk, cum*, logsumexp, all/any."""
import builtins as _b
import collections
import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ._apply import Op, apply, wrap_dim, wrap_dims, SAME

__all__ = ["sum", "mean", "prod", "std", "var", "std_mean", "var_mean", "norm", "max", "min",
           "amax", "amin", "argmax", "argmin", "aminmax", "topk", "kthvalue", "sort", "argsort",
           "msort", "median", "nanmedian", "mode", "cumsum", "cumprod", "cummax", "cummin",
           "logcumsumexp", "logsumexp", "all", "any", "count_nonzero", "nansum", "nanmean",
           "unique", "bincount", "histc", "diff", "quantile", "nanquantile", "cov", "corrcoef",
           "trapezoid", "trapz", "cumulative_trapezoid", "histogram", "unique_consecutive", "renorm",
           "gradient"]


# ---- named tuples like torch.return_types --------------------------------------------

def _rt(name, fields=("values", "indices")):
    cls = collections.namedtuple(name, fields)
    cls.__module__ = "torch.return_types"
    cls.__repr__ = lambda self: f"torch.return_types.{name}(\n" + ",\n".join(
        f"{f}={v!r}" for f, v in zip(fields, self)) + ")"
    return cls


class return_types:  # noqa: N801  (mirrors torch.return_types)
    max = _rt("max")
    min = _rt("min")
    sort = _rt("sort")
    topk = _rt("topk")
    kthvalue = _rt("kthvalue")
    median = _rt("median")
    nanmedian = _rt("nanmedian")
    mode = _rt("mode")
    cummax = _rt("cummax")
    cummin = _rt("cummin")
    aminmax = _rt("aminmax", ("min", "max"))
    frexp = _rt("frexp", ("mantissa", "exponent"))
    histogram = _rt("histogram", ("hist", "bin_edges"))
    slogdet = _rt("slogdet", ("sign", "logabsdet"))
    qr = _rt("qr", ("Q", "R"))
    svd = _rt("svd", ("U", "S", "V"))


# ---- helpers -------------------------------------------------------------------------

def _axis_alias(fn):
    """Accept NumPy's ``axis=`` as another name for ``dim=``, as PyTorch does."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, axis=None, **kwargs):
        if axis is not None:
            kwargs["dim"] = axis
        return fn(*args, **kwargs)
    return wrapper



def _dims(dim, ndim):
    """Reduction dims: None / [] / () mean all dims (PyTorch's legacy rule)."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = wrap_dims(dim, ndim)
    return dims if ndim else ()


def _expand_back(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced ``dims`` of ``shape``."""
    if not keepdim and dims:
        g = np.expand_dims(g, dims)
    return np.broadcast_to(g, shape)


def _tname(npd):
    return D.scalar_type_name(D.from_np[np.dtype(npd)])


def _need_float(a, what):
    if a.dtype.kind not in "fcV":
        raise RuntimeError(f"{what}: Expected a floating point or complex tensor as input. "
                           f"Got {_tname(a.dtype)}")


def _scatter(shape, dtype, idx, g, axis):
    """Zeros of ``shape`` with ``g`` put at ``idx`` along ``axis`` (indices unique per line)."""
    z = np.zeros(shape, dtype)
    if z.ndim == 0:
        return np.asarray(g, dtype).copy()
    np.put_along_axis(z, idx, g, axis)
    return z


def _scatter_add(shape, dtype, idx, g, axis):
    z = np.zeros(shape, dtype)
    if z.ndim == 0:
        return np.asarray(g, dtype).copy()
    zm = np.moveaxis(z, axis, -1)
    im = np.moveaxis(idx, axis, -1)
    gm = np.moveaxis(np.broadcast_to(g, idx.shape), axis, -1)
    lead = np.indices(im.shape[:-1] + (1,), sparse=False)[:-1] if im.ndim > 1 else ()
    lead = tuple(np.broadcast_to(l, im.shape) for l in lead)
    np.add.at(zm, lead + (im,), gm)
    return z


def _even_grad(a, out, g, dims, keepdim):
    """Gradient of an extreme value shared evenly among the elements that attain it."""
    o = out if keepdim or not dims else np.expand_dims(out, dims)
    mask = (a == o) | (np.isnan(a) & np.isnan(o)) if a.dtype.kind == "f" else a == o
    cnt = np.sum(mask, axis=dims, keepdims=True)
    gg = g if keepdim or not dims else np.expand_dims(g, dims)
    return np.where(mask, gg / cnt.astype(a.dtype), np.zeros((), a.dtype)).astype(a.dtype, copy=False)


# ---- sum / mean / prod ---------------------------------------------------------------

class Sum(Op):
    name = "SumBackward0"

    def forward(self, a, dims=None, keepdim=False, npdtype=None):
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        if npdtype is None and a.dtype.kind in "bui":
            npdtype = np.int64
        if npdtype is None and a.dtype == np.float32 and a.size >= _BLAS_MIN:
            r = _blas_sum(a, dims, keepdim)
            if r is not None:
                return r
        if dims is None:  # every dim: the common, fast case
            return np.sum(a, keepdims=keepdim, dtype=npdtype)
        return np.sum(a, axis=dims, keepdims=keepdim, dtype=npdtype)

    def backward(self, g):
        dims = self.dims if self.dims is not None else tuple(range(len(self.shape)))
        return _expand_back(g, self.shape, dims, self.keepdim)


_BLAS_MIN = 1 << 16
_ones_cache = {}


def _ones(n):
    ones = _ones_cache.get(n)
    if ones is None:
        if len(_ones_cache) > 16:
            _ones_cache.clear()
        ones = _ones_cache[n] = np.ones(n, np.float32)
    return ones


def _blas_sum(a, dims, keepdim):
    """Large contiguous float32 sums as BLAS products with a ones vector (SIMD, threaded).

    Handles a reduction over all dims, a leading block or a trailing block of dims;
    returns None for other patterns. Accumulates in float32 with many partial sums,
    as PyTorch's vectorised sum does.
    """
    if not a.flags.c_contiguous:
        return None
    nd = a.ndim
    if dims is None or len(dims) == nd:
        # 256 row sums by one (threaded) GEMV, then the 256 partials: faster than a DOT
        flat = a.reshape(-1)
        n = flat.size
        m = n - n % 256
        r = (flat[:m].reshape(256, -1) @ _ones(m // 256)).sum(dtype=np.float32)
        if m < n:
            r = r + flat[m:].sum(dtype=np.float32)
        r = np.asarray(r, dtype=np.float32)
        return r.reshape((1,) * nd) if keepdim else r
    dims = tuple(sorted(dims))
    k = len(dims)
    if dims == tuple(range(nd - k, nd)):      # trailing dims: (M, K) @ ones(K)
        lead = a.shape[:nd - k]
        m = int(np.prod(lead))
        r = a.reshape(m, -1) @ _ones(a.size // m if m else 0)
        out_shape = lead + (1,) * k if keepdim else lead
    elif dims == tuple(range(k)):              # leading dims: ones(M) @ (M, K)
        trail = a.shape[k:]
        m = int(np.prod(a.shape[:k]))
        r = a.reshape(m, -1).T @ _ones(m)
        out_shape = (1,) * k + trail if keepdim else trail
    else:
        return None
    return r.reshape(out_shape)


class Mean(Op):
    name = "MeanBackward0"

    def forward(self, a, dims, keepdim):
        if a.dtype.kind not in "fc":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point "
                f"or complex dtype. Got: {_tname(a.dtype)}")
        self.shape, self.dims, self.keepdim = a.shape, dims, keepdim
        n = 1
        for d in dims:
            n *= a.shape[d]
        self.n = n
        if a.dtype == np.float32 and a.size >= _BLAS_MIN and n:
            r = _blas_sum(a, dims, keepdim)
            if r is not None:
                r *= np.float32(1.0 / n)
                return r
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.mean(a, axis=dims, keepdims=keepdim)

    def backward(self, g):
        return _expand_back(g / self.n if self.n else g, self.shape, self.dims, self.keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None):
    """Sum over ``dim`` (int, tuple, or all); ints and bools sum to int64. ``axis`` = ``dim``."""
    if axis is not None:
        dim = axis
    if dtype is not None:
        return apply(Sum, input, dims=_dims(dim, input.ndim), keepdim=keepdim,
                     npdtype=D.to_dtype(dtype).np)
    if dim is None:
        return apply(Sum, input, keepdim=keepdim) if keepdim else apply(Sum, input)
    return apply(Sum, input, dims=_dims(dim, input.ndim), keepdim=keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None):
    if axis is not None:
        dim = axis
    if dtype is not None:
        input = input.to(dtype)
    return apply(Mean, input, _dims(dim, input.ndim), keepdim)


class Prod(Op):
    name = "ProdBackward0"
    saves = (0,)

    def forward(self, a, dims, keepdim, npdtype):
        if npdtype is None and a.dtype.kind in "bui":
            npdtype = np.int64
        if npdtype is not None and a.dtype != npdtype:
            a = a.astype(npdtype)
        self.a, self.dims, self.keepdim = a, dims, keepdim
        return np.prod(a, axis=dims, keepdims=keepdim)

    def backward(self, g):
        a, dims = self.a, self.dims
        if not self.keepdim and dims:
            g = np.expand_dims(g, dims)
        rest = [d for d in range(a.ndim) if d not in dims]
        perm = rest + list(dims)
        t = np.transpose(a, perm)
        lead = t.shape[:len(rest)]
        flat = t.reshape(lead + (-1,))
        one = np.ones(lead + (1,), a.dtype)
        left = np.cumprod(np.concatenate([one, flat[..., :-1]], -1), -1)
        right = np.flip(np.cumprod(np.concatenate([one, np.flip(flat, -1)[..., :-1]], -1), -1), -1)
        ex = (left * right).reshape(t.shape)
        ex = np.transpose(ex, np.argsort(perm))
        return g * ex


@_axis_alias
def prod(input, dim=None, keepdim=False, *, dtype=None):
    dims = tuple(range(input.ndim)) if dim is None else (wrap_dim(dim, input.ndim),)
    if input.ndim == 0:
        dims = ()
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Prod, input, dims, keepdim, npd)


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
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.sum(xc * xc, axis=dims, keepdims=keepdim) / a.dtype.type(denom if denom > 0 else 0)
            v = v.astype(a.dtype, copy=False)
            if take_sqrt:
                v = np.sqrt(v)
        self.xc, self.denom, self.dims, self.keepdim, self.sq = xc, denom, dims, keepdim, take_sqrt
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


def _var_args(input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # var(x, False): unbiased passed positionally
        unbiased, dim = dim, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    elif unbiased is not None:
        raise RuntimeError("var(): cannot pass both unbiased and correction")
    return _dims(dim, input.ndim), correction, keepdim


@_axis_alias
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Var, input, dims, c, kd, False)


class Std(Var):
    name = "StdBackward0"


@_axis_alias
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Std, input, dims, c, kd, True)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Var, input, dims, c, kd, False), apply(Mean, input, dims, kd)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dims, c, kd = _var_args(input, dim, unbiased, keepdim, correction)
    return apply(Std, input, dims, c, kd, True), apply(Mean, input, dims, kd)


# ---- norms ---------------------------------------------------------------------------

class VectorNorm(Op):
    name = "LinalgVectorNormBackward0"
    saves = (0,)

    def forward(self, a, p, dims, keepdim):
        _need_float(a, "linalg.vector_norm")
        self.a, self.p, self.dims, self.keepdim = a, p, dims, keepdim
        ax = np.abs(a)
        if p == 2:
            out = np.sqrt(np.sum(ax * ax, axis=dims, keepdims=keepdim))
        elif p == 1:
            out = np.sum(ax, axis=dims, keepdims=keepdim)
        elif p == math.inf:
            if a.size == 0:
                raise RuntimeError("linalg.vector_norm cannot compute the inf norm on an empty tensor "
                                   "because the operation does not have an identity")
            out = np.max(ax, axis=dims, keepdims=keepdim)
        elif p == -math.inf:
            if a.size == 0:
                raise RuntimeError("linalg.vector_norm cannot compute the -inf norm on an empty tensor "
                                   "because the operation does not have an identity")
            out = np.min(ax, axis=dims, keepdims=keepdim)
        elif p == 0:
            out = np.sum(ax != 0, axis=dims, keepdims=keepdim).astype(a.dtype)
        else:
            with np.errstate(divide="ignore"):
                out = np.sum(ax ** a.dtype.type(p), axis=dims, keepdims=keepdim) ** a.dtype.type(1.0 / p)
        out = np.asarray(out).astype(a.dtype, copy=False)
        self.out = out
        return out

    def backward(self, g):
        a, p, dims = self.a, self.p, self.dims
        dt = a.dtype
        o = self.out
        if not self.keepdim and dims:
            g = np.expand_dims(g, dims)
            o = np.expand_dims(o, dims)
        zero = np.zeros((), dt)
        with np.errstate(invalid="ignore", divide="ignore"):
            if p == 0:
                return np.zeros(a.shape, dt)
            if p == 1:
                return g * np.sign(a)
            if p == 2:
                return np.where(o == 0, zero, g * a / o).astype(dt, copy=False)
            if p in (math.inf, -math.inf):
                ax = np.abs(a)
                mask = ax == o
                cnt = np.sum(mask, axis=dims, keepdims=True).astype(dt)
                return np.where(mask, g * np.sign(a) / cnt, zero).astype(dt, copy=False)
            ax = np.abs(a)
            r = g * np.sign(a) * ax ** dt.type(p - 1) / o ** dt.type(p - 1)
            return np.where(o == 0, zero, r).astype(dt, copy=False)


class NucNorm(Op):
    name = "LinalgMatrixNormBackward0"
    saves = (0,)

    def forward(self, a, dims, keepdim):
        _need_float(a, "linalg.matrix_norm")
        m = np.moveaxis(a, dims, (-2, -1))
        u, s, vh = np.linalg.svd(m, full_matrices=False)
        self.uv, self.dims, self.keepdim = u @ vh, dims, keepdim
        out = np.sum(s, -1)
        if keepdim:
            out = np.expand_dims(out, tuple(sorted(dims)))
        return out.astype(a.dtype, copy=False)

    def backward(self, g):
        dims = tuple(sorted(self.dims))
        if self.keepdim:
            g = np.squeeze(g, dims)
        r = g[..., None, None] * self.uv
        return np.moveaxis(r, (-2, -1), self.dims)


class MatrixNormOrd(Op):
    """Matrix norms of order 1, -1, inf, -inf, 2, -2 (subgradients shared evenly among ties)."""
    name = "LinalgMatrixNormBackward0"
    saves = (0,)

    def forward(self, a, ord, dims, keepdim):
        _need_float(a, "linalg.matrix_norm")
        self.a, self.ord, self.dims, self.keepdim = a, ord, dims, keepdim
        m = np.moveaxis(a, dims, (-2, -1))
        if ord in (2, -2):
            u, s, vh = np.linalg.svd(m, full_matrices=False)
            k = 0 if ord == 2 else -1
            out = s[..., k]
            self.uv = u[..., :, k:k + 1 if k == 0 else None] * vh[..., k:k + 1 if k == 0 else None, :]
        else:
            ax = 0 if ord in (1, -1) else 1  # 1: max abs column sum; inf: max abs row sum
            s = np.sum(np.abs(m), axis=-2 + ax)
            out = np.max(s, -1) if ord > 0 else np.min(s, -1)
            mask = s == out[..., None]
            self.w = mask / np.sum(mask, -1, keepdims=True)
            self.ax = ax
        if keepdim:
            out = np.expand_dims(out, tuple(sorted(dims)))
        return np.asarray(out).astype(a.dtype, copy=False)

    def backward(self, g):
        if self.keepdim:
            g = np.squeeze(g, tuple(sorted(self.dims)))
        m = np.moveaxis(self.a, self.dims, (-2, -1))
        if self.ord in (2, -2):
            r = g[..., None, None] * self.uv
        else:
            w = self.w[..., None, :] if self.ax == 0 else self.w[..., :, None]
            r = g[..., None, None] * np.sign(m) * w
        return np.moveaxis(r.astype(self.a.dtype, copy=False), (-2, -1), self.dims)


def _vector_norm(input, p, dim, keepdim, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    dims = _dims(dim, input.ndim)
    return apply(VectorNorm, input, float(p), dims, keepdim)


def _matrix_norm(input, p, dim, keepdim, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if input.ndim < 2:
        raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = wrap_dims(dim, input.ndim)
    if len(dims) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + str(dim))
    if p == "fro":
        return apply(VectorNorm, input, 2.0, dims, keepdim)
    if p == "nuc":
        return apply(NucNorm, input, dims, keepdim)
    if p in (1, -1, math.inf, -math.inf, 2, -2):
        return apply(MatrixNormOrd, input, p, dims, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: vector norms for numeric ``p``, 'fro' and 'nuc' for matrices."""
    if isinstance(dim, int):
        dim = (dim,)
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return _vector_norm(input, 2, dim, keepdim, dtype)
        if dim is None:
            dim = tuple(range(input.ndim))
        return _matrix_norm(input, p, dim, keepdim, dtype)
    return _vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype)


# ---- max / min / amax / amin / arg* --------------------------------------------------

class MaxAll(Op):
    name = "MaxBackward1"
    saves = (0,)
    fn = staticmethod(np.max)
    what = "max"

    def forward(self, a):
        if a.size == 0:
            raise RuntimeError(
                f"{self.what}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        self.a = a
        self.out = self.fn(a)
        return self.out

    def backward(self, g):
        return _even_grad(self.a, self.out, g, tuple(range(self.a.ndim)), False)


class MinAll(MaxAll):
    name = "MinBackward1"
    fn = staticmethod(np.min)
    what = "min"


def _select_backward(self, g, gi):
    """Backward of a (values, indices) op: scatter ``g`` back to the picked positions."""
    if len(self.shape) == 0:
        return g
    if not self.keepdim:
        g = np.expand_dims(g, self.d)
    return _scatter(self.shape, self.dtype, self.idx, g, self.d)


class MaxDim(Op):
    name = "MaxBackward0"
    nondiff = (1,)
    argfn = staticmethod(np.argmax)

    def forward(self, a, d, keepdim):
        if a.ndim and a.shape[d] == 0:
            raise IndexError(f"{type(self).__name__[:3].lower()}(): Expected reduction dim {d} to have "
                             "non-zero size.")
        self.shape, self.dtype, self.d, self.keepdim = a.shape, a.dtype, d, keepdim
        if a.ndim == 0:
            self.idx = np.zeros((), np.int64)
            return a.copy(), self.idx
        idx = np.expand_dims(self.argfn(a, axis=d), d)
        vals = np.take_along_axis(a, idx, d)
        self.idx = idx
        if not keepdim:
            return np.squeeze(vals, d), np.squeeze(idx, d).astype(np.int64)
        return vals, idx.astype(np.int64)

    backward = _select_backward


class MinDim(MaxDim):
    name = "MinBackward0"
    argfn = staticmethod(np.argmin)


class Maximum(Op):
    name = "MaximumBackward0"
    promote = SAME
    saves = (0, 1)
    fn = staticmethod(np.maximum)

    def forward(self, a, b):
        self.a, self.b = a, b
        return self.fn(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        half = np.asarray(0.5, g.dtype)
        m = (a > b) if self.fn is np.maximum else (a < b)
        eq = a == b
        ga = g * (m + eq * half).astype(g.dtype)
        gb = g * ((~m & ~eq) + eq * half).astype(g.dtype)
        return ga, gb


class Minimum(Maximum):
    name = "MinimumBackward0"
    fn = staticmethod(np.minimum)


def maximum(input, other):
    return apply(Maximum, input, other)


def minimum(input, other):
    return apply(Minimum, input, other)


@_axis_alias
def max(input, dim=None, keepdim=False, *, out=None):
    """``max(x)`` -> 0-d; ``max(x, dim)`` -> (values, indices); ``max(x, y)`` -> maximum."""
    if isinstance(dim, Tensor):
        return apply(Maximum, input, dim)
    if dim is None:
        return apply(MaxAll, input)
    return return_types.max(*apply(MaxDim, input, wrap_dim(dim, input.ndim), keepdim))


@_axis_alias
def min(input, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        return apply(Minimum, input, dim)
    if dim is None:
        return apply(MinAll, input)
    return return_types.min(*apply(MinDim, input, wrap_dim(dim, input.ndim), keepdim))


class Amax(Op):
    name = "AmaxBackward0"
    saves = (0,)
    fn = staticmethod(np.max)

    def forward(self, a, dims, keepdim):
        if a.size == 0 and a.ndim and _b.any(a.shape[d] == 0 for d in dims):
            raise IndexError(f"{type(self).__name__.lower()}(): Expected reduction dim {dims[0]} to "
                             "have non-zero size.")
        self.a, self.dims, self.keepdim = a, dims, keepdim
        self.out = self.fn(a, axis=dims, keepdims=keepdim)
        return self.out

    def backward(self, g):
        return _even_grad(self.a, self.out, g, self.dims, self.keepdim)


class Amin(Amax):
    name = "AminBackward0"
    fn = staticmethod(np.min)


@_axis_alias
def amax(input, dim=(), keepdim=False):
    return apply(Amax, input, _dims(dim, input.ndim), keepdim)


@_axis_alias
def amin(input, dim=(), keepdim=False):
    return apply(Amin, input, _dims(dim, input.ndim), keepdim)


def _arg(fn, what, input, dim, keepdim):
    a = input._data
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{what}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = np.asarray(fn(a.reshape(-1)), dtype=np.int64)
        if keepdim:
            r = r.reshape((1,) * a.ndim)
        return _wrap(r)
    d = wrap_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap(np.zeros((), np.int64))
    if a.shape[d] == 0:
        raise IndexError(f"{what}(): Expected reduction dim {d} to have non-zero size.")
    r = fn(a, axis=d).astype(np.int64)
    if keepdim:
        r = np.expand_dims(r, d)
    return _wrap(r)


@_axis_alias
def argmax(input, dim=None, keepdim=False):
    return _arg(np.argmax, "argmax", input, dim, keepdim)


@_axis_alias
def argmin(input, dim=None, keepdim=False):
    return _arg(np.argmin, "argmin", input, dim, keepdim)


def aminmax(input, *, dim=None, keepdim=False):
    if dim is None:
        if keepdim:
            ds = tuple(range(input.ndim))
            return return_types.aminmax(apply(Amin, input, ds, True), apply(Amax, input, ds, True))
        return return_types.aminmax(apply(MinAll, input), apply(MaxAll, input))
    ds = (wrap_dim(dim, input.ndim),)
    return return_types.aminmax(apply(Amin, input, ds, keepdim), apply(Amax, input, ds, keepdim))


# ---- sort / topk / kthvalue / median / mode ------------------------------------------

def _argsort(a, axis, descending, stable=True):
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    idx = np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)
    return (n - 1) - idx


class SelectAlong(Op):
    """Values picked along ``dim`` at computed indices: sort, topk, kthvalue, median, mode."""
    name = "SortBackward0"
    nondiff = (1,)

    def forward(self, a, idx, d, keepdim=True):
        self.shape, self.dtype, self.d, self.keepdim = a.shape, a.dtype, d, keepdim
        if a.ndim == 0:
            self.idx = idx
            return a.copy(), np.zeros((), np.int64)
        vals = np.take_along_axis(a, idx, d)
        self.idx = idx
        idx = idx.astype(np.int64, copy=False)
        if not keepdim:
            return np.squeeze(vals, d), np.squeeze(idx, d)
        return vals, idx

    backward = _select_backward


class TopkOp(SelectAlong):
    name = "TopkBackward0"


class KthvalueOp(SelectAlong):
    name = "KthvalueBackward0"


class MedianDim(SelectAlong):
    name = "MedianBackward1"


class NanmedianDim(SelectAlong):
    name = "NanmedianBackward1"


class ModeOp(SelectAlong):
    name = "ModeBackward0"


def sort(input, dim=-1, descending=False, stable=False):
    a = input._data
    d = wrap_dim(dim, a.ndim)
    idx = _argsort(a, d, descending)
    return return_types.sort(*apply(SelectAlong, input, idx, d))


def argsort(input, dim=-1, descending=False, stable=False):
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return _wrap(np.asarray(_argsort(a, d, descending), dtype=np.int64))


def msort(input):
    return sort(input, 0)[0]


def topk(input, k, dim=-1, largest=True, sorted=True):
    a = input._data
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    idx = _argsort(a, d, largest)
    if a.ndim:
        idx = np.take(idx, np.arange(k), axis=d)
    return return_types.topk(*apply(TopkOp, input, idx, d))


def kthvalue(input, k, dim=-1, keepdim=False):
    a = input._data
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    idx = _argsort(a, d, False)
    if a.ndim:
        idx = np.take(idx, [k - 1], axis=d)
    return return_types.kthvalue(*apply(KthvalueOp, input, idx, d, keepdim))


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


def median(input, dim=None, keepdim=False):
    if dim is None:
        return apply(MedianAll, input)
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return return_types.median(*apply(MedianDim, input, _median_idx(a, d, False), d, keepdim))


def nanmedian(input, dim=None, keepdim=False):
    if dim is None:
        return apply(NanmedianAll, input)
    a = input._data
    d = wrap_dim(dim, a.ndim)
    return return_types.nanmedian(*apply(NanmedianDim, input, _median_idx(a, d, True), d, keepdim))


def mode(input, dim=-1, keepdim=False):
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


# ---- cumulative ----------------------------------------------------------------------

class Cumsum(Op):
    name = "CumsumBackward0"

    def forward(self, a, d, npdtype):
        if npdtype is None and a.dtype.kind in "bui":
            npdtype = np.int64
        self.d = d
        if a.ndim == 0:
            return a.astype(npdtype or a.dtype)
        return np.cumsum(a, axis=d, dtype=npdtype)

    def backward(self, g):
        if g.ndim == 0:
            return g
        return np.flip(np.cumsum(np.flip(g, self.d), self.d), self.d)


@_axis_alias
def cumsum(input, dim, *, dtype=None):
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Cumsum, input, wrap_dim(dim, input.ndim), npd)


class Cumprod(Op):
    name = "CumprodBackward0"
    saves = (0,)

    def forward(self, a, d, npdtype):
        if npdtype is None and a.dtype.kind in "bui":
            npdtype = np.int64
        if npdtype is not None:
            a = a.astype(npdtype, copy=False)
        self.a, self.d = a, d
        if a.ndim == 0:
            return a.copy()
        self.out = np.cumprod(a, axis=d)
        return self.out

    def backward(self, g):
        a, d = self.a, self.d
        if a.ndim == 0:
            return g
        if not (a == 0).any():
            with np.errstate(all="ignore"):
                return np.flip(np.cumsum(np.flip(g * self.out, d), d), d) / a
        # zeros: d out_j / d x_i = prod_{k<=j, k!=i} x_k, O(n^2) along the dim
        am = np.moveaxis(a, d, -1)
        gm = np.moveaxis(g, d, -1)
        n = am.shape[-1]
        res = np.zeros(am.shape, a.dtype)
        for i in range(n):
            x = am.copy()
            x[..., i] = 1
            cp = np.cumprod(x, -1)
            res[..., i] = np.sum(gm[..., i:] * cp[..., i:], -1)
        return np.moveaxis(res, -1, d)


def cumprod(input, dim, *, dtype=None):
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Cumprod, input, wrap_dim(dim, input.ndim), npd)


class Cummax(Op):
    name = "CummaxBackward0"
    nondiff = (1,)
    is_max = True

    def forward(self, a, d):
        self.shape, self.dtype, self.d = a.shape, a.dtype, d
        if a.ndim == 0:
            self.idx = np.zeros((), np.int64)
            return a.copy(), self.idx
        m = np.moveaxis(a, d, -1)
        n = m.shape[-1]
        vals = np.empty_like(m)
        idx = np.zeros(m.shape, np.int64)
        if n:
            cur = m[..., 0].copy()
            ci = np.zeros(m.shape[:-1], np.int64)
            vals[..., 0], idx[..., 0] = cur, ci
            isf = m.dtype.kind == "f"
            for i in range(1, n):
                x = m[..., i]
                take = (x >= cur) if self.is_max else (x <= cur)
                if isf:
                    take = (take | np.isnan(x)) & ~(np.isnan(cur) & ~np.isnan(x))
                cur = np.where(take, x, cur)
                ci = np.where(take, i, ci)
                vals[..., i], idx[..., i] = cur, ci
        self.idx = np.moveaxis(idx, -1, d)
        return np.moveaxis(vals, -1, d), self.idx

    def backward(self, g, gi):
        if len(self.shape) == 0:
            return g
        return _scatter_add(self.shape, self.dtype, self.idx, g, self.d)


class Cummin(Cummax):
    name = "CumminBackward0"
    is_max = False


def cummax(input, dim):
    return return_types.cummax(*apply(Cummax, input, wrap_dim(dim, input.ndim)))


def cummin(input, dim):
    return return_types.cummin(*apply(Cummin, input, wrap_dim(dim, input.ndim)))


class Logcumsumexp(Op):
    name = "LogcumsumexpBackward0"
    promote = None
    saves = (0,)

    def forward(self, a, d):
        _need_float(a, "logcumsumexp")
        self.a, self.d = a, d
        if a.ndim == 0:
            self.out = a.copy()
        else:
            self.out = np.logaddexp.accumulate(a, axis=d) if a.size else a.copy()
        return self.out

    def backward(self, g):
        a, d, out = self.a, self.d, self.out
        if a.ndim == 0:
            return g
        # grad_k = sum_{j>=k} g_j exp(x_k - out_j), computed around a per-line shift
        m = np.max(out, axis=d, keepdims=True) if a.size else 0
        with np.errstate(all="ignore"):
            w = g * np.exp(m - out)
            rc = np.flip(np.cumsum(np.flip(w, d), d), d)
            return (rc * np.exp(a - m)).astype(a.dtype, copy=False)


def logcumsumexp(input, dim):
    return apply(Logcumsumexp, input, wrap_dim(dim, input.ndim))


class Logsumexp(Op):
    name = "LogsumexpBackward0"
    saves = (0,)

    def forward(self, a, dims, keepdim):
        if a.dtype.kind in "biu":
            a = a.astype(D.get_default_dtype().np)
        self.a, self.dims, self.keepdim = a, dims, keepdim
        if a.size == 0:
            out = np.full(np.sum(a, axis=dims, keepdims=keepdim).shape, -np.inf, a.dtype)
        else:
            m = np.max(a, axis=dims, keepdims=True)
            m = np.where(np.isfinite(m), m, np.zeros((), a.dtype))
            with np.errstate(divide="ignore"):
                out = np.log(np.sum(np.exp(a - m), axis=dims, keepdims=True)) + m
            if not keepdim:
                out = np.squeeze(out, dims)
        self.out = np.asarray(out).astype(a.dtype, copy=False)
        return self.out

    def backward(self, g):
        o = self.out
        if not self.keepdim and self.dims:
            g = np.expand_dims(g, self.dims)
            o = np.expand_dims(o, self.dims)
        with np.errstate(invalid="ignore"):
            return g * np.exp(self.a - o)


@_axis_alias
def logsumexp(input, dim, keepdim=False):
    return apply(Logsumexp, input, _dims(dim, input.ndim), keepdim)


# ---- logical and counting (no gradient) ----------------------------------------------

def _logical(fn, input, dim, keepdim):
    a = input._data
    dims = tuple(range(a.ndim)) if dim is None else wrap_dims(dim, a.ndim)
    r = fn(a, axis=dims if a.ndim else None, keepdims=keepdim)
    return _wrap(np.asarray(r, dtype=np.uint8 if a.dtype == np.uint8 else np.bool_))


@_axis_alias
def all(input, dim=None, keepdim=False):
    return _logical(np.all, input, dim, keepdim)


@_axis_alias
def any(input, dim=None, keepdim=False):
    return _logical(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    a = input._data
    dims = tuple(range(a.ndim)) if dim is None else wrap_dims(dim, a.ndim)
    return _wrap(np.asarray(np.count_nonzero(a, axis=dims), dtype=np.int64))


class Nansum(Op):
    name = "NansumBackward0"
    saves = (0,)

    def forward(self, a, dims, keepdim, npdtype):
        if npdtype is None and a.dtype.kind in "bui":
            npdtype = np.int64
        self.a, self.dims, self.keepdim = a, dims, keepdim
        return np.nansum(a, axis=dims, keepdims=keepdim, dtype=npdtype)

    def backward(self, g):
        g = _expand_back(g, self.a.shape, self.dims, self.keepdim)
        return np.where(np.isnan(self.a), np.zeros((), g.dtype), g)


class Nanmean(Op):
    name = "NanmeanBackward0"  # PyTorch composes it; the node name differs there
    saves = (0,)

    def forward(self, a, dims, keepdim):
        if a.dtype.kind not in "fc":
            raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                               f"but got {_tname(a.dtype)}")
        self.a, self.dims, self.keepdim = a, dims, keepdim
        ok = ~np.isnan(a)
        self.cnt = np.sum(ok, axis=dims, keepdims=True).astype(a.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.nansum(a, axis=dims, keepdims=True) / self.cnt
        return s if keepdim else np.squeeze(s, dims)

    def backward(self, g):
        if not self.keepdim and self.dims:
            g = np.expand_dims(g, self.dims)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.broadcast_to(g / self.cnt, self.a.shape)
        return np.where(np.isnan(self.a), np.zeros((), r.dtype), r)


@_axis_alias
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Nansum, input, _dims(dim, input.ndim), keepdim, npd)


@_axis_alias
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return apply(Nanmean, input, _dims(dim, input.ndim), keepdim)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    a = input._data
    if dim is None:
        vals, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = wrap_dim(dim, a.ndim)
        vals, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    res = [_wrap(vals)]
    if return_inverse:
        res.append(_wrap(inv.astype(np.int64)))
    if return_counts:
        res.append(_wrap(cnt.astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


def bincount(input, weights=None, minlength=0):
    a = input._data
    if a.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if a.dtype.kind not in "biu":
        raise RuntimeError(f"\"bincount_cpu\" not implemented for '{_tname(a.dtype)}'")
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


def histc(input, bins=100, min=0, max=0):
    a = input._data
    if a.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{_tname(a.dtype)}'")
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


class Diff(Op):
    name = "DiffBackward0"

    def forward(self, a, n, d):
        self.d, self.n = d, n
        if a.dtype == np.bool_:
            r = a
            for _ in range(n):
                r = np.logical_xor(np.take(r, range(1, r.shape[d]), d), np.take(r, range(r.shape[d] - 1), d))
            return r
        return np.diff(a, n=n, axis=d)

    def backward(self, g):
        d = self.d
        for _ in range(self.n):
            pad0 = [(0, 0)] * g.ndim
            pad1 = [(0, 0)] * g.ndim
            pad0[d] = (1, 0)
            pad1[d] = (0, 1)
            g = np.pad(g, pad0) - np.pad(g, pad1)
        return g


def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = wrap_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        from . import shape as _shape
        parts = [p for p in (prepend, input, append) if p is not None]
        cat = getattr(_shape, "cat", None)
        if cat is not None:
            input = cat(parts, d)
        else:  # shape family not available: no gradient through prepend/append
            input = _wrap(np.concatenate([p._data for p in parts], d))
    return apply(Diff, input, n, d)


# ---- Tensor methods ------------------------------------------------------------------

def _t_max(self, dim=None, keepdim=False):
    return max(self, dim, keepdim)


def _t_min(self, dim=None, keepdim=False):
    return min(self, dim, keepdim)


Tensor.sum = sum
Tensor.mean = mean
Tensor.prod = prod
Tensor.std = std
Tensor.var = var
Tensor.norm = norm
Tensor.max = max
Tensor.min = min
Tensor.amax = amax
Tensor.amin = amin
Tensor.argmax = argmax
Tensor.argmin = argmin
Tensor.aminmax = aminmax
Tensor.topk = topk
Tensor.kthvalue = kthvalue
Tensor.sort = sort
Tensor.argsort = argsort
Tensor.msort = msort
Tensor.median = median
Tensor.nanmedian = nanmedian
Tensor.mode = mode
Tensor.cumsum = cumsum
Tensor.cumprod = cumprod
Tensor.cummax = cummax
Tensor.cummin = cummin
Tensor.logcumsumexp = logcumsumexp
Tensor.logsumexp = logsumexp
Tensor.all = all
Tensor.any = any
Tensor.count_nonzero = count_nonzero
Tensor.nansum = nansum
Tensor.nanmean = nanmean
Tensor.unique = unique
Tensor.bincount = bincount
Tensor.histc = histc
Tensor.diff = diff

# ---- in-place cumulative ops ------------------------------------------------------------

def _inplace_dtype(self, dtype):
    if dtype is not None and D.to_dtype(dtype) is not self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {D.scalar_type_name(self.dtype).lower()} "
                           f"and output tensor dtype {D.scalar_type_name(D.to_dtype(dtype)).lower()} "
                           "should match")


def cumsum_(self, dim, *, dtype=None):
    from ._apply import apply_

    _inplace_dtype(self, dtype)
    return apply_(Cumsum, self, wrap_dim(dim, self.ndim), D.to_dtype(dtype).np if dtype else None)


def cumprod_(self, dim, *, dtype=None):
    from ._apply import apply_

    _inplace_dtype(self, dtype)
    return apply_(Cumprod, self, wrap_dim(dim, self.ndim), D.to_dtype(dtype).np if dtype else None)


# ---- quantiles, covariance, integration (composites: autograd through sort / mean / sum) ----

_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, fname):
    from .elementwise import lerp
    from .indexing import where

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
    if keepdim:
        if dim is None:
            r = r.reshape((r.shape[0],) + (1,) * a.ndim)
        else:
            r = r.unsqueeze(d + 1)
    return r[0] if scalar_q else r


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the rows (variables) over the columns (observations), as ``torch.cov``."""
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


def corrcoef(input):
    from .elementwise import sqrt, clamp

    c = cov(input)
    if c.ndim == 0:
        return c / c
    sd = sqrt(c.diagonal())
    c = c / sd.unsqueeze(1) / sd.unsqueeze(0)
    return clamp(c, -1, 1) if not c.is_complex() else c


def _trapz_args(y, x, dx, dim):
    if x is not None and dx is not None:
        raise RuntimeError("trapezoid: received both x and dx; only one may be given")
    d = wrap_dim(dim, y.ndim)
    if not (y.is_floating_point() or y.is_complex()):
        y = y.to(D.get_default_dtype())
    return y, d


def _trapz_dx(x, y, d):
    """Spacings along ``d``: the diff of a 1-D ``x`` placed on ``d``, or of a full ``x``."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        dx = diff(x)
        return dx.reshape((-1,) + (1,) * (y.ndim - d - 1))
    return diff(x, dim=d - y.ndim)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of ``y`` along ``dim`` by the trapezoidal rule (spacing ``x`` or ``dx`` or 1)."""
    y, d = _trapz_args(y, x, dx, dim)
    n = y.shape[d]
    if n == 0:  # a new zero tensor, outside the graph (as torch)
        return _wrap(np.zeros(y._data.shape[:d] + y._data.shape[d + 1:], y._data.dtype))
    if x is None:
        h = 1 if dx is None else dx
        return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * h
    mid = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    return (_trapz_dx(x, y, d) * mid).sum(d) / 2


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    y, d = _trapz_args(y, x, dx, dim)
    n = y.shape[d]
    if n == 0:
        return y.narrow(d, 0, 0)
    mid = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) / 2
    if x is None:
        h = 1 if dx is None else dx
        return cumsum(mid * h if h != 1 else mid, d)
    return cumsum(_trapz_dx(x, y, d) * mid, d)


trapz = trapezoid


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Finite-difference estimates of d input / d x along each of ``dim`` (central inside,
    one-sided at the edges to ``edge_order``); ``spacing``: a step, one per dim, or coordinates."""
    from .shape import cat

    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = tuple(_b.range(input.ndim)) if dim is None else \
        (wrap_dim(dim, input.ndim),) if isinstance(dim, int) else tuple(wrap_dim(d, input.ndim) for d in dim)
    sp = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if len(sp) == 1 and len(dims) > 1 and not isinstance(sp[0], Tensor):
        sp = sp * len(dims)
    if len(sp) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's "
                           f"spacing and dim arguments to have the same length, but got a spacing "
                           f"argument of length {len(sp)} and a dim argument of length {len(dims)}.")
    f = input if input.is_floating_point() or input.is_complex() else input.to(D.get_default_dtype())
    outs = []
    for d, h in zip(dims, sp):
        n = f.shape[d]
        if n < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
        part = lambda s, k: f.narrow(d, s if s >= 0 else n + s, k)   # noqa: E731
        if isinstance(h, Tensor):
            shape = [1] * f.ndim
            shape[d] = -1
            dx = diff(h.to(f.dtype)).reshape(shape)
            hl, hr = dx.narrow(d, 0, n - 2), dx.narrow(d, 1, n - 2)
            inner = (hl * hl * part(2, n - 2) - hr * hr * part(0, n - 2) +
                     (hr * hr - hl * hl) * part(1, n - 2)) / (hl * hr * (hl + hr))
            h1, h2 = dx.narrow(d, 0, 1), dx.narrow(d, n - 2, 1)
            if edge_order == 1:
                first, last = (part(1, 1) - part(0, 1)) / h1, (part(-1, 1) - part(-2, 1)) / h2
            else:
                g1, g2 = dx.narrow(d, 1, 1), dx.narrow(d, n - 3, 1)
                first = (-(2 * h1 + g1) / (h1 * (h1 + g1)) * part(0, 1) +
                         (h1 + g1) / (h1 * g1) * part(1, 1) - h1 / (g1 * (h1 + g1)) * part(2, 1))
                last = (h2 / (g2 * (g2 + h2)) * part(-3, 1) - (h2 + g2) / (g2 * h2) * part(-2, 1) +
                        (2 * h2 + g2) / (h2 * (g2 + h2)) * part(-1, 1))
        else:
            inner = (part(2, n - 2) - part(0, n - 2)) / (2 * h)
            if edge_order == 1:
                first, last = (part(1, 1) - part(0, 1)) / h, (part(-1, 1) - part(-2, 1)) / h
            else:
                first = (part(0, 1) * -1.5 + part(1, 1) * 2 - part(2, 1) * 0.5) / h
                last = (part(-3, 1) * 0.5 - part(-2, 1) * 2 + part(-1, 1) * 1.5) / h
        outs.append(cat([first, inner, last], d))
    return tuple(outs)


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """(hist, bin_edges) of a float tensor; ``bins`` an int or a 1-D tensor of edges."""
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_tname(a.dtype)}'")
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


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Keep the first of each run of equal consecutive elements (or slices along ``dim``)."""
    a = input._data
    if dim is None:
        f = a.reshape(-1)
        start = np.ones(f.shape[0], bool)
        start[1:] = f[1:] != f[:-1]
        vals = f[start]
    else:
        d = wrap_dim(dim, a.ndim)
        m = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        start = np.ones(m.shape[0], bool)
        start[1:] = (m[1:] != m[:-1]).any(1)
        vals = np.compress(start, a, axis=d)
    res = [_wrap(np.ascontiguousarray(vals))]
    if return_inverse:
        inv = np.cumsum(start) - 1
        res.append(_wrap(inv.reshape(a.shape if dim is None else -1).astype(np.int64)))
    if return_counts:
        idx = np.flatnonzero(np.append(start, True))
        res.append(_wrap(np.diff(idx).astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


def sum_to_size(self, *size):
    """Sum this tensor down to ``size`` (which it must be expandable to)."""
    from ._apply import norm_size

    size = norm_size(size)
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or _b.any(s != 1 and s != t for s, t in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(_b.range(lead)) + tuple(lead + i for i, s in enumerate(size)
                                        if s == 1 and shape[lead + i] != 1)
    out = self.sum(dims, keepdim=True) if dims else self
    return out.reshape(size) if lead else out


def _renorm_factor(input, p, dim, maxnorm):
    from .indexing import where

    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = wrap_dim(dim, input.ndim)
    norm = _vector_norm(input, p, tuple(i for i in _b.range(input.ndim) if i != d), True)
    one = _wrap(np.ones((), norm._data.dtype))
    return where(norm > maxnorm, maxnorm / (norm + 1e-7), one)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Scale each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` down to ``maxnorm``
    (the gradient flows through the norm too, as torch's)."""
    return input * _renorm_factor(input, p, dim, maxnorm)


def renorm_(self, p, dim, maxnorm):
    return self.mul_(_renorm_factor(self, p, dim, maxnorm))


for _n in ("cumsum_", "cumprod_", "quantile", "nanquantile", "cov", "corrcoef", "histogram",
           "unique_consecutive", "sum_to_size", "renorm", "renorm_"):
    setattr(Tensor, _n, globals()[_n])
del _n

from . import elementwise as _ew  # noqa: E402  (elementwise loads first; it owns maximum/minimum)

if not hasattr(_ew, "maximum"):
    __all__ += ["maximum", "minimum"]
    Tensor.maximum = maximum
    Tensor.minimum = minimum
