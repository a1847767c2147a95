"""Reductions: sum, mean, prod, max/min, amax/amin, arg*, logsumexp, all/any,
nansum/nanmean; and ``torch.return_types``."""

from __future__ import annotations

import builtins as _b
import collections

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, _type_name, apply, holomorphic, linear_backward_ops, wrap_dim, wrap_dims
from .arithmetic import Maximum, Minimum

__all__ = ["sum", "mean", "prod", "max", "min",
           "amax", "amin", "argmax", "argmin", "aminmax", "logsumexp", "all", "any",
           "count_nonzero", "nansum", "nanmean", "hash_tensor"]


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
    histogramdd = _rt("histogramdd", ("hist", "bin_edges"))
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


def _expand_back_t(g, shape, dims, keepdim):
    """``_expand_back`` with recorded ops (double backward)."""
    if not keepdim and dims:
        g = g.reshape(tuple(1 if i in dims else n for i, n in enumerate(shape)))
    return g.expand(shape)


def _need_float(a, what):
    if a.dtype.kind not in "fcV":
        raise RuntimeError(f"{what}: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(a.dtype)}")


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
        # np.add.reduce, not np.sum: an IEEE warning (inf + -inf) is then raised from this
        # frame, where ember's filter (ember/_backend.py) silences it as torch is silent
        return np.add.reduce(a, axis=dims, keepdims=keepdim, dtype=npdtype)

    def backward(self, g):
        dims = self.dims if self.dims is not None else tuple(range(len(self.shape)))
        return _expand_back(g, self.shape, dims, self.keepdim)

    def backward_ops(self, g):
        dims = self.dims if self.dims is not None else tuple(range(len(self.shape)))
        return _expand_back_t(g, self.shape, dims, self.keepdim)


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
                f"or complex dtype. Got: {_type_name(a.dtype)}")
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

    def backward_ops(self, g):
        return _expand_back_t(g / self.n if self.n else g, self.shape, self.dims, self.keepdim)


@tensor_method()
def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, out=None) -> Tensor:
    """Sum over ``dim`` (int, tuple, or all); ints and bools sum to int64. ``axis`` = ``dim``.

    Example:
        >>> x = torch.tensor([[1, 2], [3, 4]])
        <BLANKLINE>
        >>> torch.sum(x), x.sum(dim=0), x.sum(1, keepdim=True)
        (tensor(10), tensor([4, 6]), tensor([[3],
                [7]]))
    """
    if axis is not None:
        dim = axis
    if dtype is not None:
        return apply(Sum, input, dims=_dims(dim, input.ndim), keepdim=keepdim,
                     npdtype=D.to_dtype(dtype).np)
    if dim is None:
        return apply(Sum, input, keepdim=keepdim) if keepdim else apply(Sum, input)
    return apply(Sum, input, dims=_dims(dim, input.ndim), keepdim=keepdim)


@tensor_method()
def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, out=None) -> Tensor:
    """The mean of all elements, or over ``dim`` (floating-point and complex inputs, or ``dtype``).

    Example:
        >>> x = torch.tensor([[1., 2.], [3., 4.]])
        >>> torch.mean(x), x.mean(dim=0)
        (tensor(2.5000), tensor([2., 3.]))
    """
    if axis is not None:
        dim = axis
    if dtype is not None:
        input = input.to(dtype)
    return apply(Mean, input, _dims(dim, input.ndim), keepdim)


def _exclusive_prod(x, dims):
    """The product of the elements of ``x`` over ``dims`` but the one at each position, with
    ops (PyTorch's ``prod_safe_zeros_backward``): left and right exclusive cumprods."""
    from .joining import cat

    if len(dims) == 1:
        t = x.movedim(dims[0], -1)
    else:
        t = x.reshape(-1)
    n = t.shape[-1]
    one = _wrap(np.ones(tuple(t.shape[:-1]) + (1,), x._data.dtype))
    left = cat([one, t.narrow(-1, 0, n - 1)], -1).cumprod(-1)
    right = cat([one, t.flip(-1).narrow(-1, 0, n - 1)], -1).cumprod(-1).flip(-1)
    ex = left * right
    return ex.movedim(-1, dims[0]) if len(dims) == 1 else ex.reshape(tuple(x.shape))


@holomorphic
class Prod(Op):
    name = "ProdBackward0"
    saves = (0,)

    def forward(self, a, dims, keepdim, npdtype):
        if npdtype is None and a.dtype.kind in "bui":
            npdtype = np.int64
        if npdtype is not None and a.dtype != npdtype:
            a = a.astype(npdtype)
        self.a, self.dims, self.keepdim = a, dims, keepdim
        r = np.prod(a, axis=dims, keepdims=keepdim)
        return r.astype(np.bool_) if a.dtype == np.bool_ else r  # dtype=bool stays bool, as torch

    def backward(self, g):
        a, dims = self.a, self.dims
        if a.size == 0:
            return np.zeros(a.shape, g.dtype)
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

    def backward_ops(self, g):
        a, dims = self.a, self.dims
        if not dims:
            return g * _wrap(np.ones(a.shape, g._data.dtype))
        if not self.keepdim:
            g = g.reshape(tuple(1 if i in dims else n for i, n in enumerate(a.shape)))
        if a.size == 0:
            return g * _wrap(np.zeros(a.shape, g._data.dtype))
        x = self.saved_input(0, a)
        if (a == 0).any():
            return g * _exclusive_prod(x, dims)
        p = x.prod(dims[0], keepdim=True) if len(dims) == 1 else x.prod().reshape((1,) * a.ndim)
        return g * p / x


@tensor_method()
@_axis_alias
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """The product of all elements, or over ``dim``.

    Example:
        >>> torch.prod(torch.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([ 2, 12])
    """
    dims = tuple(range(input.ndim)) if dim is None else (wrap_dim(dim, input.ndim),)
    if input.ndim == 0:
        dims = ()
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Prod, input, dims, keepdim, npd)


# ---- max / min / amax / amin / arg* --------------------------------------------------

class MaxAll(Op):
    name = "MaxBackward1"
    unsigned, kernel = False, "max_all"   # PyTorch has no uint16/32/64 kernel
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

    def backward_ops(self, g):
        dims = tuple(range(self.a.ndim))
        w = _even_grad(self.a, self.out, np.ones((), self.a.dtype), dims, False)
        return g * _wrap(w)


class MinAll(MaxAll):
    name = "MinBackward1"
    kernel = "min_all"
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
    unsigned, kernel = False, "max_cpu"
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        if len(self.shape) == 0:
            return u.copy()
        v = np.take_along_axis(u, self.idx, self.d)
        return v if self.keepdim else np.squeeze(v, self.d)


class MinDim(MaxDim):
    name = "MinBackward0"
    kernel = "min_cpu"
    argfn = staticmethod(np.argmin)


@tensor_method()
@_axis_alias
def max(input, dim=None, keepdim=False, *, out=None):
    """``max(x)`` -> 0-d; ``max(x, dim)`` -> (values, indices); ``max(x, y)`` -> maximum.

    Example:
        >>> x = torch.tensor([[1., 5.], [4., 2.]])
        <BLANKLINE>
        >>> torch.max(x)
        tensor(5.)
        >>> torch.max(x, dim=1)
        torch.return_types.max(
        values=tensor([5., 4.]),
        indices=tensor([1, 0]))
    """
    if isinstance(dim, Tensor):
        return apply(Maximum, input, dim)
    if dim is None:
        return apply(MaxAll, input)
    return return_types.max(*apply(MaxDim, input, wrap_dim(dim, input.ndim), keepdim))


@tensor_method()
@_axis_alias
def min(input, dim=None, keepdim=False, *, out=None):
    """The smallest element; with ``dim``, ``(values, indices)`` along it; with a tensor, ``minimum``.

    Example:
        >>> x = torch.tensor([[3., 1.], [2., 4.]])
        >>> torch.min(x)
        tensor(1.)
        >>> torch.min(x, dim=1)
        torch.return_types.min(
        values=tensor([1., 2.]),
        indices=tensor([1, 0]))
    """
    if isinstance(dim, Tensor):
        return apply(Minimum, input, dim)
    if dim is None:
        return apply(MinAll, input)
    return return_types.min(*apply(MinDim, input, wrap_dim(dim, input.ndim), keepdim))


class Amax(Op):
    name = "AmaxBackward0"
    unsigned, kernel = False, "max_values_cpu"
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

    def backward_ops(self, g):
        w = _even_grad(self.a, self.out, np.ones(np.shape(self.out), self.a.dtype), self.dims,
                       self.keepdim)   # each winner's share: constant in the input
        return _expand_back_t(g, self.a.shape, self.dims, self.keepdim) * _wrap(w)


class Amin(Amax):
    name = "AminBackward0"
    kernel = "min_values_cpu"
    fn = staticmethod(np.min)


@tensor_method()
@_axis_alias
def amax(input, dim=(), keepdim=False, *, out=None) -> Tensor:
    """The largest values over ``dim`` (all dims by default); the gradient is shared among ties.

    Example:
        >>> torch.amax(torch.tensor([[3., 1.], [2., 4.]]), dim=0)
        tensor([3., 4.])
    """
    return apply(Amax, input, _dims(dim, input.ndim), keepdim)


@tensor_method()
@_axis_alias
def amin(input, dim=(), keepdim=False, *, out=None) -> Tensor:
    """The smallest values over ``dim`` (all dims by default).

    Example:
        >>> torch.amin(torch.tensor([[3., 1.], [2., 4.]]), dim=1)
        tensor([1., 2.])
    """
    return apply(Amin, input, _dims(dim, input.ndim), keepdim)


def _arg(fn, what, input, dim, keepdim):
    a = input._data
    D.refuse_unsigned(a, f"{what}_cpu")
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


@tensor_method()
@_axis_alias
def argmax(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """The index of the largest element (of the flattened input, or along ``dim``).

    Example:
        >>> torch.argmax(torch.tensor([[3., 1.], [2., 4.]]))
        tensor(3)
        >>> torch.argmax(torch.tensor([[3., 1.], [2., 4.]]), dim=1)
        tensor([0, 1])
    """
    return _arg(np.argmax, "argmax", input, dim, keepdim)


@tensor_method()
@_axis_alias
def argmin(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """The index of the smallest element (of the flattened input, or along ``dim``).

    Example:
        >>> torch.argmin(torch.tensor([3., 1., 2.]))
        tensor(1)
    """
    return _arg(np.argmin, "argmin", input, dim, keepdim)


@tensor_method()
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``(min, max)`` over ``dim`` (or all elements).

    Example:
        >>> torch.aminmax(torch.tensor([3., 1., 2.]))
        torch.return_types.aminmax(
        min=tensor(1.),
        max=tensor(3.))
    """
    D.refuse_unsigned(input, "aminmax_cpu")
    if dim is None:
        if keepdim:
            ds = tuple(range(input.ndim))
            return return_types.aminmax(apply(Amin, input, ds, True), apply(Amax, input, ds, True))
        return return_types.aminmax(apply(MinAll, input), apply(MaxAll, input))
    ds = (wrap_dim(dim, input.ndim),) if input.ndim else ()   # a 0-d input is its own min and max
    return return_types.aminmax(apply(Amin, input, ds, keepdim), apply(Amax, input, ds, keepdim))


# ---- logsumexp --------------------------------------------------------------------------

@holomorphic
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
            m = np.max(a.real, axis=dims, keepdims=True)   # complex: shift by the real parts' max, as torch
            m = np.where(np.isfinite(m), m, np.zeros((), m.dtype))
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

    def backward_ops(self, g):
        x, o = self.saved_input(0, self.a), self.saved_output(self.out)
        if not self.keepdim and self.dims:
            kept = tuple(1 if i in self.dims else n for i, n in enumerate(self.a.shape))
            g, o = g.reshape(kept), o.reshape(kept)
        return g * (x - o).exp()


@tensor_method()
@_axis_alias
def logsumexp(input, dim, keepdim=False, *, out=None) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow.

    Example:
        >>> torch.logsumexp(torch.tensor([0., 0.]), dim=0)
        tensor(0.6931)
    """
    return apply(Logsumexp, input, _dims(dim, input.ndim), keepdim)


# ---- logical and counting (no gradient) ----------------------------------------------

def _logical(fn, input, dim, keepdim):
    a = input._data
    dims = tuple(range(a.ndim)) if dim is None else wrap_dims(dim, a.ndim)
    r = fn(a, axis=dims if a.ndim else None, keepdims=keepdim)
    return _wrap(np.asarray(r, dtype=np.uint8 if a.dtype == np.uint8 else np.bool_))


@tensor_method()
@_axis_alias
def all(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """Whether every element (over ``dim``) is nonzero.

    Example:
        >>> torch.all(torch.tensor([[True, False], [True, True]]), dim=1)
        tensor([False,  True])
    """
    return _logical(np.all, input, dim, keepdim)


@tensor_method()
@_axis_alias
def any(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """Whether any element (over ``dim``) is nonzero.

    Example:
        >>> torch.any(torch.tensor([0, 0, 2]))
        tensor(True)
    """
    return _logical(np.any, input, dim, keepdim)


@tensor_method()
def count_nonzero(input, dim=None) -> Tensor:
    """The number of nonzero elements (over ``dim``).

    Example:
        >>> torch.count_nonzero(torch.tensor([[0, 1], [2, 3]]), dim=0)
        tensor([1, 2])
    """
    a = input._data
    D.refuse_unsigned(a, "nonzero_count_cpu")
    dims = tuple(range(a.ndim)) if dim is None else wrap_dims(dim, a.ndim)
    return _wrap(np.asarray(np.count_nonzero(a, axis=dims if a.ndim else None), dtype=np.int64))


@tensor_method()
def hash_tensor(input, dim=None, *, keepdim=False, mode=0, out=None):
    """The xor of the input's elements over ``dim`` (all dims when None), each first widened
    to float64 / int64 and its 64 bits read as ``uint64``. The result is ``uint64``.

    Example::

        >>> ember.hash_tensor(ember.tensor([1.0, 2.0]))
        tensor(9218868437227405312, dtype=torch.uint64)
    """
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}")
    a = input._data
    if a.dtype.kind == "c" or a.dtype in D._BAREBONES_NP:
        raise NotImplementedError(f'"xor_sum_cpu" not implemented for \'{D.scalar_type_name(input.dtype)}\'')
    if a.size == 0 and dim is None:
        raise RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    dims = _dims(dim, a.ndim)
    for d in dims:
        if a.shape[d] == 0:
            raise IndexError(f"hash_tensor: Expected reduction dim {d} to have non-zero size.")
    bits = a.astype(np.float64 if a.dtype.kind in "fV" else np.int64).view(np.uint64)
    r = np.bitwise_xor.reduce(bits, axis=dims, keepdims=keepdim) if a.ndim else bits.copy()
    return _wrap(np.asarray(r, np.uint64))


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

    def backward_ops(self, g):
        a = self.a
        if not self.keepdim and self.dims:
            g = g.reshape(tuple(1 if i in self.dims else n for i, n in enumerate(a.shape)))
        return g * _wrap((~np.isnan(a)).astype(g._data.dtype))


class Nanmean(Op):
    name = "NanmeanBackward0"  # PyTorch composes it; the node name differs there
    saves = (0,)

    def forward(self, a, dims, keepdim):
        if a.dtype.kind not in "fc":
            raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                               f"but got {_type_name(a.dtype)}")
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

    def backward_ops(self, g):
        a = self.a
        if not self.keepdim and self.dims:
            g = g.reshape(self.cnt.shape)
        ok = ~np.isnan(a)
        return g * _wrap(np.where(ok, 1 / np.maximum(self.cnt, 1), 0).astype(a.dtype))


@tensor_method()
@_axis_alias
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """The sum treating NaN as zero.

    Example:
        >>> torch.nansum(torch.tensor([1., float("nan"), 2.]))
        tensor(3.)
    """
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Nansum, input, _dims(dim, input.ndim), keepdim, npd)


@tensor_method()
@_axis_alias
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """The mean of the non-NaN elements.

    Example:
        >>> torch.nanmean(torch.tensor([1., float("nan"), 2.]))
        tensor(1.5000)
    """
    if dtype is not None:
        input = input.to(dtype)
    return apply(Nanmean, input, _dims(dim, input.ndim), keepdim)


# ---- sum_to_size -----------------------------------------------------------------

@tensor_method()
def sum_to_size(self, *size) -> Tensor:
    """Sum this tensor down to ``size`` (which it must be expandable to).

    Example:
        >>> torch.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
    """
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
