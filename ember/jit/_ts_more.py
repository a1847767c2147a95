"""More TorchScript spellings (merged into ``_ts_write._EMIT``): binary and special
functions, cumulative ops, reductions, scatter/index ops, linear algebra, shape ops.
Each is the aten call torch's tracer records for the same Python call."""
__all__ = ["EMIT", "UNARY"]


def _r(w, *xs):
    return ", ".join(w.r(x) for x in xs)


def _dt(w, npdtype):
    import numpy as np
    return "None" if npdtype is None else w.r(np.dtype(npdtype))


def _bin(name):
    return lambda w, a, b: f"torch.{name}({_r(w, a, b)})"


def _ints(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


def _addxx(name):
    def f(w, c, a, b, beta=1, alpha=1):
        return f"torch.{name}({_r(w, c, a, b)}, beta={w.r(beta)}, alpha={w.r(alpha)})"
    return f


def _prod(w, a, dims, keepdim, npdtype):
    nd = len(w.shape(a))
    if dims is None or sorted(d % max(nd, 1) for d in _ints(dims)) == list(range(nd)) and not keepdim:
        return f"torch.prod({w.r(a)}, dtype={_dt(w, npdtype)})"
    e = w.r(a)
    for d in sorted((d % nd for d in _ints(dims)), reverse=True):
        e = f"torch.prod({e}, {d}, {keepdim}, dtype={_dt(w, npdtype)})"
    return e


def _nanred(name):
    def f(w, a, dims, keepdim, npdtype=None):
        d = "None" if dims is None else _ints(dims)
        extra = f", dtype={_dt(w, npdtype)}" if name == "nansum" else ""
        return f"torch.{name}({w.r(a)}, {d}, {keepdim}{extra})"
    return f


def _normalize(w, x, p, dim, eps):
    n = f"torch.linalg_vector_norm({w.r(x)}, {w.r(float(p))}, [{dim}], True)"
    return f"torch.div({w.r(x)}, torch.expand_as(torch.clamp_min({n}, {w.r(float(eps))}), {w.r(x)}))"


def _tensor_split(w, a, dim, bounds):
    return [f"torch.slice({w.r(a)}, {dim}, {s}, {e}, 1)" for s, e in bounds]


def _scatter(w, a, index, src, dim, reduce=None):
    tail = "" if reduce is None else f", reduce={w.r(reduce)}"
    return f"torch.scatter({w.r(a)}, {dim}, {_r(w, index, src)}{tail})"


def _round(w, a, decimals=0):
    return f"torch.round({w.r(a)})" if decimals == 0 else f"torch.round({w.r(a)}, decimals={decimals})"


EMIT = {
    "Atan2": _bin("atan2"), "Copysign": _bin("copysign"), "FloorDivide": _bin("floor_divide"),
    "Fmax": _bin("fmax"), "Fmin": _bin("fmin"), "Fmod": _bin("fmod"), "Hypot": _bin("hypot"),
    "Remainder": _bin("remainder"), "Xlogy": _bin("xlogy"), "LogAddExp": _bin("logaddexp"),
    "LogAddExp2": _bin("logaddexp2"), "Heaviside": _bin("heaviside"),
    "RPow": lambda w, a, s: f"torch.pow({_r(w, s, a)})",
    "RRemainder": lambda w, a, s: f"torch.remainder({_r(w, s, a)})",
    "Addcmul": lambda w, a, b, c, value=1: f"torch.addcmul({_r(w, a, b, c)}, value={w.r(value)})",
    "Addcdiv": lambda w, a, b, c, value=1: f"torch.addcdiv({_r(w, a, b, c)}, value={w.r(value)})",
    "Lerp": lambda w, a, b, t: f"torch.lerp({_r(w, a, b, t)})",
    "Round": _round,
    "Logit": lambda w, a, eps=None: f"torch.logit({_r(w, a, eps)})",
    "NanToNum": lambda w, a, nan=0.0, posinf=None, neginf=None: f"torch.nan_to_num({_r(w, a, nan, posinf, neginf)})",
    "Cumsum": lambda w, a, d, npdtype=None: f"torch.cumsum({w.r(a)}, {d}, dtype={_dt(w, npdtype)})",
    "Cumprod": lambda w, a, d, npdtype=None: f"torch.cumprod({w.r(a)}, {d}, dtype={_dt(w, npdtype)})",
    "Logcumsumexp": lambda w, a, d: f"torch.logcumsumexp({w.r(a)}, {d})",
    "Cummax": lambda w, a, d: f"torch.cummax({w.r(a)}, {d})",
    "Cummin": lambda w, a, d: f"torch.cummin({w.r(a)}, {d})",
    "Diff": lambda w, a, n, d: f"torch.diff({w.r(a)}, {n}, {d})",
    "Roll": lambda w, a, shifts, dims:
        f"torch.roll({w.r(a)}, {w.r(_ints(shifts))}, {_ints(dims) if dims is not None else []})",
    "Rot90": lambda w, a, k, dims: f"torch.rot90({w.r(a)}, {k}, {_ints(dims)})",
    "RepeatInterleave": lambda w, a, reps, dim: f"torch.repeat_interleave({_r(w, a, reps, dim)})",
    "TensorSplit": _tensor_split,
    "Einsum": lambda w, *ops, eq: f"torch.einsum({w.r(eq)}, [{_r(w, *ops)}])",
    "Outer": _bin("outer"), "Dot": _bin("dot"), "Mv": _bin("mv"), "Kron": _bin("kron"),
    "Cross": lambda w, a, b, d: f"torch.linalg_cross({_r(w, a, b)}, {d})",
    "Baddbmm": _addxx("baddbmm"), "Addbmm": _addxx("addbmm"), "Addmv": _addxx("addmv"), "Addr": _addxx("addr"),
    "Prod": _prod, "Nansum": _nanred("nansum"), "Nanmean": _nanred("nanmean"),
    "VectorNorm": lambda w, a, p, dims, keepdim:
        f"torch.linalg_vector_norm({w.r(a)}, {w.r(float(p))}, {'None' if dims is None else _ints(dims)}, {keepdim})",
    "_Normalize": _normalize,
    "_CosSim": lambda w, x1, x2, dim, eps: f"torch.cosine_similarity({_r(w, x1, x2)}, {dim}, {w.r(float(eps))})",
    "Cdist": lambda w, a, b, p: f"torch.cdist({_r(w, a, b)}, {w.r(float(p))})",
    "Diag": lambda w, a, k: f"torch.diag({w.r(a)}, {k})",
    "DiagEmbed": lambda w, a, offset=0, dim1=-2, dim2=-1: f"torch.diag_embed({w.r(a)}, {offset}, {dim1}, {dim2})",
    "Diagonal": lambda w, a, offset, d1, d2: f"torch.diagonal({w.r(a)}, {offset}, {d1}, {d2})",
    "Take": _bin("take"),
    "TakeAlongDim": lambda w, a, index, dim: f"torch.take_along_dim({_r(w, a, index)}, {dim})",
    "Scatter": _scatter, "ScatterValue": _scatter,
    "ScatterAdd": lambda w, a, index, src, dim: f"torch.scatter_add({w.r(a)}, {dim}, {_r(w, index, src)})",
    "ScatterReduce": lambda w, a, index, src, dim, reduce, include_self:
        f"torch.scatter_reduce({w.r(a)}, {dim}, {_r(w, index, src)}, {w.r(reduce)}, include_self={include_self})",
    "IndexAdd": lambda w, a, index, src, dim, alpha=1:
        f"torch.index_add({w.r(a)}, {dim}, {_r(w, index, src)}, alpha={w.r(alpha)})",
    "IndexCopy": lambda w, a, index, src, dim: f"torch.index_copy({w.r(a)}, {dim}, {_r(w, index, src)})",
    "IndexFill": lambda w, a, index, value, dim: f"torch.index_fill({w.r(a)}, {dim}, {_r(w, index, value)})",
    "IndexFillT": lambda w, a, index, value, dim: f"torch.index_fill({w.r(a)}, {dim}, {_r(w, index, value)})",
    "MaskedSelect": _bin("masked_select"),
    "MaskedScatter": lambda w, a, mask, src: f"torch.masked_scatter({_r(w, a, mask, src)})",
    "_Bilinear": lambda w, x1, x2, A, b=None: f"torch.bilinear({_r(w, x1, x2, A, b)})",
    "_Fold": lambda w, x, osize, k, dil, pad, stride:
        f"torch.col2im({w.r(x)}, {_ints(osize)}, {_ints(k)}, {_ints(dil)}, {_ints(pad)}, {_ints(stride)})",
    "ember.ops.shape:Unfold": lambda w, a, dim, size, step: f"torch.unfold({w.r(a)}, {dim}, {size}, {step})",
    "Fill": lambda w, a, value: f"torch.fill_({_r(w, a, value)})",
    "Zero": lambda w, a: f"torch.zero_({w.r(a)})",
    "ember.ops.fill:Copy": lambda w, a, src: f"torch.copy_({_r(w, a, src)})",
    "Det": lambda w, a: f"torch.linalg_det({w.r(a)})",
    "Inverse": lambda w, a, what="linalg.inv": f"torch.linalg_inv({w.r(a)})",
    "Real": lambda w, a: f"torch.real({w.r(a)})", "Imag": lambda w, a: f"torch.imag({w.r(a)})",
    "ember.ops.shape:Conj": lambda w, a: f"torch.conj({w.r(a)})",
}

UNARY = {"Erf": "erf", "Erfc": "erfc", "Erfinv": "erfinv", "Lgamma": "lgamma", "Digamma": "digamma",
         "Sinc": "sinc", "ConjPhysical": "conj_physical", "Trace": "trace"}
