"""``out=``: the one mechanism behind every public function that takes it.

``install(namespace)`` wraps each function of a public namespace whose signature
has an ``out`` parameter with :func:`out_variant`; the function itself then never
sees ``out``. The wrapper computes the result as usual and writes it into ``out``
with PyTorch's rules (:func:`write_out`):

- ``out`` is a tensor (a tuple of them for several results); the result is
  written into its memory, so views of ``out`` see it, and ``out`` is returned;
- a shape mismatch resizes ``out`` (with PyTorch's deprecation warning unless
  ``out`` was empty);
- the result is cast to ``out``'s dtype when PyTorch's ``can_cast`` allows it,
  else ``RuntimeError: result type Float can't be cast to the desired output type
  Long``; matrix products want the exact dtype; functions with a ``dtype``
  argument (factories, ``sum``, ``cumsum``, ...) compute in ``out``'s dtype;
- no autograd: an input (or ``out``) that requires grad is an error.
"""
import functools
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["out_variant", "write_out", "install", "guard_methods"]

# ops that, as in PyTorch, want ``out`` of the result's exact dtype (the rest cast when
# ``can_cast`` allows; every torch.linalg function is exact)
_EXACT = {"matmul", "mm", "bmm", "addmm", "addbmm", "baddbmm", "mv", "addmv", "dot", "vdot",
          "addr", "outer", "ger", "inner", "tensordot", "abs", "absolute", "amax", "amin", "ceil",
          "floor", "round", "trunc", "fix", "frac", "sign", "sgn", "neg", "negative",
          "conj_physical", "cross", "diag", "heaviside", "histc", "lerp", "logcumsumexp", "msort",
          "nan_to_num", "quantile", "nanquantile", "norm", "tril", "triu", "gather", "index_select",
          "where", "take_along_dim", "masked_select", "inverse", "cholesky", "cholesky_inverse",
          "cholesky_solve", "matrix_power", "clamp", "clip", "clamp_min", "clamp_max", "argmax",
          "argmin", "isin", "take", "scatter", "scatter_add", "scatter_reduce", "index_add",
          "index_copy", "slice_scatter", "argsort"}


def _exact(name):
    return name in _EXACT or name.endswith("_copy")  # the *_copy twins of views too


# joins: an impossible cast is a TypeError
_JOINS = {"cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
          "row_stack"}
# factories resize ``out`` silently
_QUIET_RESIZE = {"zeros", "ones", "empty", "full", "eye", "linspace", "logspace", "range", "rand",
                 "randn", "randint", "randperm", "normal"}

# outputs PyTorch wants bool: predicates, and any/all
_BOOL_OUT = {"isposinf": "{} does not support non-boolean outputs.",
             "isneginf": "{} does not support non-boolean outputs.",
             "signbit": "{} does not support non-boolean outputs.",
             "any": "{} only supports bool tensor for result, got: {}",
             "all": "{} only supports bool tensor for result, got: {}"}

def _check_out_tensor(out, name):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")


def _write_one(res, out, name, exact):
    """Write tensor ``res`` into tensor ``out`` (resize, cast, version bump)."""
    _check_out_tensor(out, name)
    src = res._data
    if name in _BOOL_OUT and out.dtype not in (D.bool, D.uint8):
        raise RuntimeError(_BOOL_OUT[name].format(name, D.scalar_type_name(out.dtype)))
    if out.dtype is not res.dtype:
        if exact:
            raise RuntimeError(f"Expected out tensor to have dtype {_c_name(res.dtype)}, but got "
                               f"{_c_name(out.dtype)} instead")
        if not D.can_cast(res.dtype, out.dtype):
            if name in _JOINS:
                raise TypeError(f"torch.{name}(): input types can't be cast to the desired output "
                                f"type {D.scalar_type_name(out.dtype)}")
            raise RuntimeError(f"result type {D.scalar_type_name(res.dtype)} can't be cast to the "
                               f"desired output type {D.scalar_type_name(out.dtype)}")
    if out._data.shape != src.shape:
        if out._data.size and name not in _QUIET_RESIZE:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._data.shape)}, which does not match the required output shape "
                f"{list(src.shape)}. This behavior is deprecated, and in a future PyTorch release "
                "outputs will not be resized unless they have zero elements. You can explicitly "
                "reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                UserWarning, stacklevel=4)
        out._data = np.empty(src.shape, out._data.dtype)
        out._data[...] = src
    elif out._data is not src:
        np.copyto(out._data, src, casting="unsafe")
    out._bump()
    return out


def _c_name(d):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "bfloat16": "c10::BFloat16"}.get(d.name, d.name)


def write_out(result, out, name, exact=None):
    """Write ``result`` (a tensor or a tuple of them) into ``out``; return ``out``."""
    exact = _exact(name) if exact is None else exact
    if isinstance(result, Tensor):
        if isinstance(out, (tuple, list)):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        _check_grad(result, (out,), name)
        return _write_one(result, out, name, exact)
    if not isinstance(out, (tuple, list)) or len(out) != len(result):
        raise TypeError(f"{name}(): argument 'out' must be tuple of {len(result)} Tensors, "
                        f"not {type(out).__name__}")
    _check_grad(result, out, name)
    outs = [_write_one(r, o, name, exact) if isinstance(r, Tensor) else write_out(r, o, name, exact)
            for r, o in zip(result, out)]   # nested: histogramdd's list of bin edges
    return type(result)(*outs) if hasattr(result, "_fields") else type(result)(outs)


def _check_grad(result, outs, name):
    rs = (result,) if isinstance(result, Tensor) else result
    if any(r.grad_fn is not None or r._rg for r in rs if isinstance(r, Tensor)) or \
            any(isinstance(o, Tensor) and o._rg for o in outs):
        from ..autograd.grad_mode import is_grad_enabled

        if is_grad_enabled():
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")


def _takes(fn, arg):
    while getattr(fn, "__wrapped__", None) is not None:  # through functools.wraps decorators
        fn = fn.__wrapped__
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    return arg in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]


def out_variant(fn, name=None, exact=None):
    """Wrap ``fn`` so that ``out=`` is honoured (see the module docstring)."""
    name = name or fn.__name__
    exact = _exact(name) if exact is None else exact
    with_dtype = _takes(fn, "dtype") and not exact  # exact ops keep their own dtype

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if with_dtype and isinstance(out, Tensor):
            given = kwargs.get("dtype")
            if given is None:
                kwargs["dtype"] = out.dtype
            elif D.to_dtype(given) is not out.dtype:
                raise RuntimeError(f"dtype {D.scalar_type_name(D.to_dtype(given))} does not match "
                                   f"dtype of out parameter ({D.scalar_type_name(out.dtype)})")
        return write_out(fn(*args, **kwargs), out, name, exact)

    wrapper._ember_out = True
    return wrapper


def _loads(fn, arg):
    """Whether ``fn``'s own code reads its argument ``arg`` (scans the bytecode; no dis)."""
    while getattr(fn, "__wrapped__", None) is not None:
        fn = fn.__wrapped__
    code = fn.__code__
    i = code.co_varnames.index(arg)
    raw = code.co_code
    return any(raw[k] in _LOAD_FAST and raw[k + 1] == i for k in range(0, len(raw), 2))


_LOAD_FAST = {v for k, v in __import__("opcode").opmap.items() if k.startswith("LOAD_FAST")}


def guard_methods(cls):
    """Tensor methods take no ``out=`` in PyTorch: a method whose function would ignore it
    raises PyTorch's TypeError instead of silently dropping it."""
    for k, fn in list(vars(cls).items()):
        if k.startswith("__") or not callable(fn) or not _takes(fn, "out") or _loads(fn, "out"):
            continue
        setattr(cls, k, _no_out(fn, k))


def _no_out(fn, name):
    @functools.wraps(fn)
    def method(*args, out=None, **kwargs):
        if out is not None:
            raise TypeError(f"{name}() got an unexpected keyword argument 'out'")
        return fn(*args, **kwargs)
    return method


def install(namespace, names=None, exact=None):
    """Wrap, in ``namespace`` (a module's dict), every public function that takes ``out``.

    ``exact=True`` makes every one of them want ``out`` of the result's dtype.
    """
    for k in list(names if names is not None else namespace):
        fn = namespace.get(k)
        if k.startswith("_") or not callable(fn) or isinstance(fn, type) or getattr(fn, "_ember_out", False):
            continue
        if _takes(fn, "out"):
            namespace[k] = out_variant(fn, k, exact)
