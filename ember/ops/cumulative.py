"""Cumulative and difference ops: cumsum, cumprod, cummax, cummin, logcumsumexp, diff,
trapezoid, cumulative_trapezoid, gradient."""

from __future__ import annotations

import builtins as _b

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, tensor_method
from ._apply import Op, _type_name, apply, holomorphic, linear_backward_ops, wrap_dim
from .reduction import _axis_alias, _scatter_add, return_types

__all__ = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "diff", "trapezoid", "trapz",
           "cumulative_trapezoid", "gradient"]


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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return self.forward(u, self.d, None)


@tensor_method()
@_axis_alias
def cumsum(input, dim, *, dtype=None, out=None) -> Tensor:
    """Cumulative sum along ``dim``.

    Example:
        >>> torch.cumsum(torch.tensor([1, 2, 3]), dim=0)
        tensor([1, 3, 6])
    """
    npd = D.to_dtype(dtype).np if dtype is not None else None
    return apply(Cumsum, input, wrap_dim(dim, input.ndim), npd)


def _cumprod_zeros_grad(g, x, d):
    """cumprod's gradient for an input with zeros, with ops (differentiable again):
    for each ``i``, the sum over ``j >= i`` of ``g_j`` times the cumprod with ``x_i`` set to 1."""
    from .joining import stack

    n = x.shape[d]
    shape = [1] * x.ndim
    shape[d] = n
    pos = np.arange(n).reshape(shape)
    cols = []
    for i in range(n):
        xi = x.masked_fill(_wrap(pos == i), 1)
        cols.append((g * xi.cumprod(d) * _wrap((pos >= i).astype(x._data.dtype))).sum(d))
    return stack(cols, d)


@holomorphic
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

    def backward_ops(self, g):
        a, d = self.a, self.d
        if a.ndim == 0:
            return g
        if (a == 0).any():   # d out_j / d x_i = prod_{k<=j, k!=i} x_k, O(n^2) along the dim
            return _cumprod_zeros_grad(g, self.saved_input(0, a), d)
        return (g * self.saved_output(self.out)).flip(d).cumsum(d).flip(d) / self.saved_input(0, a)


@tensor_method()
def cumprod(input, dim, *, dtype=None, out=None) -> Tensor:
    """Cumulative product along ``dim``.

    Example:
        >>> torch.cumprod(torch.tensor([1., 2., 3.]), dim=0)
        tensor([1., 2., 6.])
    """
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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return u.copy() if u.ndim == 0 else np.take_along_axis(u, self.idx, self.d)


class Cummin(Cummax):
    name = "CumminBackward0"
    is_max = False


@tensor_method()
def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index where it was reached, as ``(values, indices)``.

    Example:
        >>> torch.cummax(torch.tensor([1., 3., 2.]), dim=0)
        torch.return_types.cummax(
        values=tensor([1., 3., 3.]),
        indices=tensor([0, 1, 1]))
    """
    D.refuse_unsigned(input, "cummax_cpu")  # PyTorch has no uint16/32/64 kernel
    return return_types.cummax(*apply(Cummax, input, wrap_dim(dim, input.ndim)))


@tensor_method()
def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and its index, as ``(values, indices)``.

    Example:
        >>> torch.cummin(torch.tensor([3., 1., 2.]), dim=0)
        torch.return_types.cummin(
        values=tensor([3., 1., 1.]),
        indices=tensor([0, 1, 1]))
    """
    D.refuse_unsigned(input, "cummin_cpu")  # PyTorch has no uint16/32/64 kernel
    return return_types.cummin(*apply(Cummin, input, wrap_dim(dim, input.ndim)))


class Logcumsumexp(Op):
    name = "LogcumsumexpBackward0"
    promote = None
    saves = (0,)

    def forward(self, a, d):
        if a.dtype.kind not in "fcV":   # PyTorch's kernel covers floating and complex types only
            raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_type_name(a.dtype)}\'')
        self.a, self.d = a, d
        if a.ndim == 0 or not a.size:
            self.out = a.copy()
        elif a.dtype.kind == "c":
            from .special import _logaddexp_complex

            out = np.moveaxis(a.copy(), d, 0)
            for i in range(1, out.shape[0]):
                out[i] = _logaddexp_complex(out[i - 1], out[i])
            self.out = np.moveaxis(out, 0, d)
        else:
            self.out = np.logaddexp.accumulate(a, axis=d)
        return self.out

    def backward(self, g):
        a, d, out = self.a, self.d, self.out
        if a.ndim == 0:
            return g
        # grad_k = sum_{j>=k} g_j exp(x_k - out_j), around a per-line shift, in float64 (the
        # reversed cumulative sum spans a wide range)
        dt = a.dtype
        wide = np.complex128 if dt.kind == "c" else np.float64   # complex: conj(exp(x_k - out_j))
        a, out, g = a.astype(wide).conj(), out.astype(wide).conj(), g.astype(wide)
        m = np.max(out.real, axis=d, keepdims=True) if a.size else 0
        with np.errstate(all="ignore"):
            w = g * np.exp(m - out)
            rc = np.flip(np.cumsum(np.flip(w, d), d), d)
            return (rc * np.exp(a - m)).astype(dt, copy=False)

    def backward_ops(self, g):
        a, d = self.a, self.d
        if a.ndim == 0:
            return g
        m = _wrap(np.max(self.out, axis=d, keepdims=True) if a.size else np.zeros((), a.dtype))   # a shift
        w = g * (m - self.saved_output(self.out)).exp()
        return w.flip(d).cumsum(d).flip(d) * (self.saved_input(0, a) - m).exp()


@tensor_method()
def logcumsumexp(input, dim, *, out=None) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, computed without overflow.

    Example:
        >>> torch.logcumsumexp(torch.tensor([0., 0.]), dim=0)
        tensor([0.0000, 0.6931])
    """
    return apply(Logcumsumexp, input, wrap_dim(dim, input.ndim))


# ---- diff -------------------------------------------------------------------------------

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

    backward_ops = linear_backward_ops

    def jvp(self, u):
        return np.diff(u, n=self.n, axis=self.d)


@tensor_method()
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (after ``prepend``/``append``).

    Example:
        >>> torch.diff(torch.tensor([1, 3, 6, 10]))
        tensor([2, 3, 4])
    """
    D.refuse_unsigned(input, "add_stub")  # PyTorch has no uint16/32/64 kernel
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = wrap_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        from .joining import cat

        input = cat([p for p in (prepend, input, append) if p is not None], d)
    return apply(Diff, input, n, d)

# ---- in-place cumulative ops ------------------------------------------------------------


def _inplace_dtype(self, dtype):
    if dtype is not None and D.to_dtype(dtype) is not self.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {D.scalar_type_name(self.dtype).lower()} "
                           f"and output tensor dtype {D.scalar_type_name(D.to_dtype(dtype)).lower()} "
                           "should match")


@tensor_method()
def cumsum_(self, dim, *, dtype=None) -> Tensor:
    """In-place ``cumsum``.

    Example:
        >>> torch.tensor([1., 2., 3.]).cumsum_(0)
        tensor([1., 3., 6.])
    """
    from ._apply import apply_

    _inplace_dtype(self, dtype)
    return apply_(Cumsum, self, wrap_dim(dim, self.ndim), D.to_dtype(dtype).np if dtype else None)


@tensor_method()
def cumprod_(self, dim, *, dtype=None) -> Tensor:
    """In-place ``cumprod``.

    Example:
        >>> torch.tensor([1., 2., 3.]).cumprod_(0)
        tensor([1., 2., 6.])
    """
    from ._apply import apply_

    _inplace_dtype(self, dtype)
    return apply_(Cumprod, self, wrap_dim(dim, self.ndim), D.to_dtype(dtype).np if dtype else None)


# ---- integration and gradient -----------------------------------------------------------

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


def trapezoid(y, x=None, *, dx=None, dim=-1) -> Tensor:
    """Integral of ``y`` along ``dim`` by the trapezoidal rule (spacing ``x`` or ``dx`` or 1).

    Example:
        >>> torch.trapezoid(torch.tensor([1., 2., 3.]))
        tensor(4.)
    """
    D.refuse_unsigned(y, "add_stub")  # PyTorch has no uint16/32/64 kernel
    y, d = _trapz_args(y, x, dx, dim)
    n = y.shape[d]
    if n == 0:  # a new zero tensor, outside the graph (as torch)
        return _wrap(np.zeros(y._data.shape[:d] + y._data.shape[d + 1:], y._data.dtype))
    if x is None:
        h = 1 if dx is None else dx
        return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * h
    mid = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    return (_trapz_dx(x, y, d) * mid).sum(d) / 2


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1) -> Tensor:
    """The running integral of ``y`` by the trapezoidal rule along ``dim`` (spacing ``x`` or ``dx``).

    Example:
        >>> torch.cumulative_trapezoid(torch.tensor([1., 2., 3.]))
        tensor([1.5000, 4.0000])
    """
    D.refuse_unsigned(y, "add_stub")  # PyTorch has no uint16/32/64 kernel
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
    one-sided at the edges to ``edge_order``); ``spacing``: a step, one per dim, or coordinates.

    Example:
        >>> torch.gradient(torch.tensor([1., 4., 9., 16.]))
        (tensor([3., 4., 6., 7.]),)
    """
    from .joining import cat

    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = tuple(_b.range(input.ndim)) if dim is None else \
        (wrap_dim(dim, input.ndim),) if isinstance(dim, int) else tuple(wrap_dim(d, input.ndim) for d in dim)
    spacing = 1 if spacing is None else spacing
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
        part = lambda s, k: f.narrow(d, s if s >= 0 else n + s, k)   # noqa: E731, B023 (used in this iteration)
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
