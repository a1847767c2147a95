"""``ember.masked``: reductions and normalizations that only see the elements where ``mask``
is True (``torch.masked``), for strided tensors. Masked-out elements are replaced by the
operation's identity (0 for sums, -inf for amax and softmax, ...) before the ordinary op
runs, so gradients are zero there; ``mean``, ``var`` and ``std`` count only the kept
elements (a fully masked-out slice gives NaN).

    >>> x = ember.tensor([[1., 2.], [3., 4.]])
    >>> ember.masked.sum(x, 1, mask=ember.tensor([[True, False], [True, True]]))
    tensor([1., 7.])
"""
import math

from .. import _dtype as D
from .._tensor import Tensor
from ..ops.creation import tensor as _tensor, ones

__all__ = ["sum", "prod", "cumsum", "cumprod", "amax", "amin", "argmax", "argmin", "mean", "median",
           "logsumexp", "logaddexp", "norm", "var", "std", "softmax", "log_softmax", "softmin", "normalize"]

_SMALL_INTS = ("uint8", "bool", "int8", "int16", "int32")


def _canonical_dim(dim, ndim):
    if dim is None or dim == ():
        return tuple(range(ndim))
    n = max(ndim, 1)
    dims = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        dims.append(d % n)
    return tuple(sorted(dims))


def _input_mask(input, mask):
    """The mask as a bool tensor of the input's shape."""
    if not isinstance(input, Tensor) or input.layout is not input.__class__.layout and input._sparse:
        raise ValueError(f"masked operations here take strided tensors, got {input.layout}")
    if mask.ndim > input.ndim:
        raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
    if tuple(mask.shape) != tuple(input.shape):
        mask = mask.broadcast_to(tuple(input.shape))
    return mask.to(D.bool)


def _identity(op, input, ord=None):
    dt = input.dtype
    if op in ("sum", "cumsum", "norm") and not (op == "norm" and ord == -math.inf):
        v = 0
    elif op in ("prod", "cumprod"):
        v = 1
    elif op in ("amax", "argmax", "logaddexp", "logsumexp"):
        v = -math.inf if dt.category >= D._FLOAT else D.iinfo(dt).min
    elif op in ("amin", "argmin") or op == "norm":
        v = math.inf if dt.category >= D._FLOAT else D.iinfo(dt).max
    elif op == "median":
        return _tensor(math.nan, dtype=dt if dt.category >= D._FLOAT else D.float32)
    else:
        raise NotImplementedError(f"identity of {op} on {dt} input")
    return _tensor(v, dtype=dt)


def _combine(op, input, mask, ord=None):
    if mask is None:
        return input
    return input.where(_input_mask(input, mask), _identity(op, input, ord))


def _int_dtype(input, dtype):
    if dtype is None:
        return D.int64 if input.dtype.name in _SMALL_INTS else input.dtype
    return D.to_dtype(dtype)


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Sum over ``dim`` (all dims when None) of the elements where ``mask`` is True."""
    dtype = _int_dtype(input, dtype)
    return _combine("sum", input, mask).sum(_canonical_dim(dim, input.ndim), keepdim=bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Product over ``dim`` of the elements where ``mask`` is True (1 for none)."""
    dtype = _int_dtype(input, dtype)
    r = _combine("prod", input, mask).to(dtype)
    dims = _canonical_dim(dim, input.ndim)
    if input.ndim == 0:
        return r
    for d in reversed(dims):
        r = r.prod(dim=d, keepdim=bool(keepdim))
    return r


def cumsum(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    d = _canonical_dim(dim, input.ndim)[0]
    return _combine("sum", input, mask).cumsum(d, dtype=dtype).to(dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    d = _canonical_dim(dim, input.ndim)[0]
    return _combine("prod", input, mask).cumprod(d, dtype=dtype).to(dtype)


def _extreme(op):
    def f(input, dim=None, *, keepdim=False, dtype=None, mask=None):
        dtype = input.dtype if dtype is None else D.to_dtype(dtype)
        m = _combine(op, input, mask)
        return getattr(m, op)(_canonical_dim(dim, m.ndim), keepdim=bool(keepdim)).to(dtype)
    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"``{op}`` over ``dim`` of the elements where ``mask`` is True."
    return f


amax, amin = _extreme("amax"), _extreme("amin")


def _arg(op):
    def f(input, dim=None, *, keepdim=False, dtype=None, mask=None):
        dtype = input.dtype if dtype is None else D.to_dtype(dtype)
        return getattr(_combine(op, input, mask), op)(dim, keepdim=bool(keepdim)).to(dtype)
    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"``{op}`` along ``dim`` among the elements where ``mask`` is True (in ``dtype``, as torch)."
    return f


argmax, argmin = _arg("argmax"), _arg("argmin")


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mean over ``dim`` of the elements where ``mask`` is True (NaN where none is)."""
    src = "Input" if dtype is None else "Optional"
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    if dtype.category < D._FLOAT:
        raise ValueError(f"mean(): Could not infer output dtype. {src} dtype must be either a floating point "
                         f"or complex dtype. Got: {dtype}")
    inmask = ones(tuple(input.shape), dtype=D.bool) if mask is None else _input_mask(input, mask)
    count = inmask.sum(dim=_canonical_dim(dim, input.ndim), keepdim=bool(keepdim))
    total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """Median along ``dim`` of the elements where ``mask`` is True."""
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    d = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.category >= D._FLOAT
    x = input if is_float else input.to(D.float32)
    out = _combine("median", x, mask).nanmedian(d, keepdim=bool(keepdim)).values
    if is_float:
        return out
    if not out.isnan().any():
        return out.to(dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    return _combine("logsumexp", input, mask).logsumexp(_canonical_dim(dim, input.ndim), keepdim=keepdim).to(dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """``logaddexp`` with masked-out elements of either operand taken as -inf."""
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    return _combine("logaddexp", input, input_mask).logaddexp(_combine("logaddexp", other, other_mask)).to(dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Vector ``ord``-norm over ``dim`` of the elements where ``mask`` is True."""
    from ..linalg import vector_norm

    m = _combine("norm", input, mask, ord)
    return vector_norm(m, ord, _canonical_dim(dim, input.ndim), keepdim=bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, keepdim, dtype, mask, take_sqrt, correction):
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    corr = 1.0 if unbiased is None and correction is None else float(correction) if correction is not None \
        else (1.0 if unbiased else 0.0)
    dtype = input.dtype if dtype is None else D.to_dtype(dtype)
    if dtype.category < D._FLOAT:
        dtype = D.float32
    compute = dtype if input.dtype.category >= D._FLOAT else D.float32
    dims = _canonical_dim(dim, input.ndim)
    inmask = ones(tuple(input.shape), dtype=D.bool) if mask is None else _input_mask(input, mask)
    count = inmask.sum(dim=dims, keepdim=True)
    mean_ = sum(input, dim, keepdim=True, dtype=compute, mask=inmask) / count
    x = input - mean_
    total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute, mask=inmask)
    if not keepdim:
        count = count.reshape(tuple(total.shape))
    if corr != 0:
        count = count.to(compute.to_real() if compute.category == D._COMPLEX else compute) - corr
        count = count.clamp(min=0)
    out = (total / count).to(dtype)
    return out.sqrt() if take_sqrt else out


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """Variance over ``dim`` of the elements where ``mask`` is True."""
    return _std_var(input, dim, unbiased, keepdim, dtype, mask, False, correction)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """Standard deviation over ``dim`` of the elements where ``mask`` is True."""
    return _std_var(input, dim, unbiased, keepdim, dtype, mask, True, correction)


def _soft(op, identity):
    def f(input, dim, *, dtype=None, mask=None):
        from ..nn import functional as F

        d = _canonical_dim(dim, input.ndim)[0]
        return getattr(F, op)(_combine(identity, input, mask), d, dtype=dtype)
    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"``{op}`` along ``dim`` with masked-out elements left out (they get 0 probability)."
    return f


softmax, log_softmax, softmin = _soft("softmax", "amax"), _soft("log_softmax", "amax"), _soft("softmin", "amin")


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """``input / max(norm(input, ord, dim), eps)`` over the elements where ``mask`` is True."""
    m = _combine("sum", input, mask)
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return m / nrm.clamp(min=eps)
