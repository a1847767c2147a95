"""Seeded differential fuzzing against torch: random shapes, strides (views), dtypes.

Families: elementwise (unary, broadcasting binary), reductions, shape ops, and
save/load round trips (both directions) of their outputs, non-contiguous ones
included. A case where torch and ember disagree on values, dtype, shape, or on
whether it is an error, is a silent mismatch; the test lists every one it finds.
"""
import io
import warnings

import numpy as np
import torch

import ember

DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool", "float16", "complex64"]

UNARY = ["neg", "abs", "sin", "exp", "floor", "sign", "sigmoid", "tanh", "square", "clone",
         "contiguous", "isnan", "logical_not", "relu", "ceil", "round", "trunc", "sqrt", "log1p",
         "reciprocal", "cos", "expm1", "frac", "bitwise_not"]
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "eq", "lt", "ge", "ne", "fmod",
          "remainder", "atan2", "logical_and", "logical_xor", "bitwise_and", "pow", "floor_divide"]
REDUCE = ["sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "std", "var", "all", "any",
          "cumsum", "cumprod", "logsumexp", "nansum", "norm", "max", "min", "count_nonzero"]
SHAPE = ["transpose", "permute", "reshape", "flatten", "unsqueeze", "squeeze", "flip", "roll",
         "narrow", "expand", "repeat", "cat", "stack", "chunk", "movedim", "tril", "diagonal",
         "select", "unbind", "t"]


def _array(rs, dtype, shape):
    return np.asarray(_array0(rs, dtype, shape)).astype(dtype)


def _array0(rs, dtype, shape):
    if dtype == "bool":
        return rs.rand(*shape) > 0.5
    if dtype in ("uint8",):
        return rs.randint(0, 20, size=shape).astype(dtype)
    if dtype in ("int64", "int32"):
        return rs.randint(-9, 10, size=shape).astype(dtype)
    if dtype == "complex64":
        return rs.randn(*shape) + 1j * rs.randn(*shape)
    return rs.randn(*shape) * 3


def _view_plan(rs, shape):
    """A random view: a permutation, then a positive-step slice per dim."""
    perm = list(rs.permutation(len(shape)))
    slices = []
    for n in (shape[p] for p in perm):
        if n > 1 and rs.rand() < 0.5:
            start = int(rs.randint(0, n))
            step = int(rs.randint(1, 3))
            slices.append(slice(start, n, step))
        else:
            slices.append(slice(None))
    return perm, tuple(slices)


def _apply_view(x, plan):
    perm, slices = plan
    return x.permute(*perm)[slices] if perm else x


def _operand(rs, max_dims=3):
    shape = tuple(int(s) for s in rs.randint(0, 5, size=rs.randint(0, max_dims + 1)))
    if rs.rand() < 0.8:  # mostly non-empty
        shape = tuple(max(s, 1) for s in shape)
    return shape, _view_plan(rs, shape)


def _shape_op(rs, name, ndim, shape):
    """(args, kwargs) for a shape op on a tensor of ``shape``, or None if not applicable."""
    d = int(rs.randint(-ndim, ndim)) if ndim else 0
    if name == "transpose":
        return ((d, int(rs.randint(-ndim, ndim))), {}) if ndim else None
    if name in ("permute",):
        return (tuple(int(p) for p in rs.permutation(ndim)),), {}
    if name == "reshape":
        return (((-1,),), {}) if rs.rand() < 0.5 else ((int(np.prod(shape)) if shape else 1, 1), {})
    if name == "flatten":
        return (), {}
    if name == "unsqueeze":
        return (int(rs.randint(-ndim - 1, ndim + 1)),), {}
    if name == "squeeze":
        return ((d,), {}) if ndim else ((), {})
    if name == "flip":
        return (((d,),), {}) if ndim else None
    if name == "roll":
        return ((int(rs.randint(-3, 4)), d), {}) if ndim else None
    if name == "narrow":
        if not ndim or shape[d] == 0:
            return None
        start = int(rs.randint(0, shape[d]))
        return (d, start, int(rs.randint(0, shape[d] - start + 1))), {}
    if name == "expand":
        return ((2,) + tuple(shape), {})
    if name == "repeat":
        return (tuple(int(r) for r in rs.randint(1, 3, size=ndim + 1)), {})
    if name in ("cat", "stack", "chunk", "unbind", "select", "movedim"):
        if not ndim and name != "stack":
            return None
        if name == "chunk":
            return (int(rs.randint(1, 4)), d), {}
        if name == "select":
            return ((d, int(rs.randint(-shape[d], shape[d]))), {}) if shape[d] else None
        if name == "movedim":
            return (d, int(rs.randint(-ndim, ndim))), {}
        return (d,), {}
    if name == "tril":
        return ((int(rs.randint(-2, 3)),), {}) if ndim >= 2 else None
    if name == "diagonal":
        return ((int(rs.randint(-1, 2)), 0, 1), {}) if ndim >= 2 else None
    if name == "t":
        return ((), {}) if ndim <= 2 else None
    return None


def _reduce_args(rs, name, ndim):
    if name in ("cumsum", "cumprod", "logsumexp"):
        return ((int(rs.randint(-ndim, ndim)) if ndim else 0,), {})
    if name == "count_nonzero" or rs.rand() < 0.3 or not ndim:
        return (), {}
    kw = {} if name in ("argmax", "argmin") and rs.rand() < 0.3 else {"keepdim": bool(rs.rand() < 0.5)}
    return (int(rs.randint(-ndim, ndim)),), kw


def _run(lib, name, x, args, kw, other=None):
    if name in ("cat", "stack"):
        return getattr(lib, name)([x, x], *args, **kw)
    if name in BINARY:
        return getattr(lib, name)(x, other)
    return getattr(lib, name)(x, *args, **kw)


def _flat(r):
    if isinstance(r, (tuple, list)):
        return [y for v in r for y in _flat(v)]
    return [r]


def _compare(e, t):
    """None if ember's result ``e`` matches torch's ``t``, else a description."""
    es, ts = _flat(e), _flat(t)
    if len(es) != len(ts):
        return f"{len(es)} results vs torch's {len(ts)}"
    for a, b in zip(es, ts):
        if not isinstance(b, torch.Tensor):
            if a != b:
                return f"{a!r} vs torch's {b!r}"
            continue
        if str(a.dtype) != str(b.dtype) or tuple(a.shape) != tuple(b.shape):
            return f"{a.dtype}{tuple(a.shape)} vs torch's {b.dtype}{tuple(b.shape)}"
        av, bv = np.asarray(a.detach().numpy()), np.asarray(b.detach().resolve_conj().numpy())
        tol = {"float16": 2e-3, "float32": 2e-5, "complex64": 2e-5}.get(str(b.dtype).split(".")[-1], 1e-12)
        try:
            np.testing.assert_allclose(av.astype(np.complex128), bv.astype(np.complex128), rtol=tol,
                                       atol=tol, equal_nan=True)
        except AssertionError:
            return f"values differ: {av.ravel()[:6]} vs torch's {bv.ravel()[:6]}"
    return None


def _roundtrip(e, t):
    """ember.save -> torch.load and torch.save -> ember.load agree with the saved values."""
    es = [x for x in _flat(e) if isinstance(x, ember.Tensor)]
    ts = [x for x in _flat(t) if isinstance(x, torch.Tensor)]
    if not es:
        return None
    b = io.BytesIO()
    ember.save({"x": es, "first": es[0]}, b)
    b.seek(0)
    got = torch.load(b, weights_only=True)
    for a, c in zip(got["x"] + [got["first"]], es + [es[0]]):
        if not np.array_equal(a.numpy(), c.numpy(), equal_nan=a.dtype.is_floating_point or a.dtype.is_complex):
            return f"ember.save -> torch.load changed values (stride {c.stride()})"
    b.seek(0)
    back = ember.load(b)
    for a, c in zip(back["x"], es):
        if a.stride() != c.stride() and a.numel() > 1 and c.is_contiguous():
            return f"ember.save -> ember.load changed strides {c.stride()} -> {a.stride()}"
    b = io.BytesIO()
    torch.save({"x": ts}, b)
    b.seek(0)
    for a, c in zip(ember.load(b)["x"], ts):
        if not np.array_equal(a.numpy(), c.numpy(), equal_nan=c.dtype.is_floating_point or c.dtype.is_complex):
            return "torch.save -> ember.load changed values"
    return None


def _case(rs):
    family = rs.choice(["unary", "binary", "reduce", "shape"])
    name = rs.choice({"unary": UNARY, "binary": BINARY, "reduce": REDUCE, "shape": SHAPE}[family])
    dt = rs.choice(DTYPES)
    shape, plan = _operand(rs)
    base = _array(rs, dt, shape)
    other = None
    if family == "binary":
        dt2 = dt if rs.rand() < 0.6 else rs.choice(DTYPES)
        oshape = tuple(s if rs.rand() < 0.7 else 1 for s in np.asarray(_apply_view(torch.zeros(shape), plan).shape))
        other = _array(rs, dt2, oshape) if rs.rand() < 0.85 else float(rs.randn())
    view_ndim = len(shape)
    vshape = tuple(_apply_view(torch.zeros(shape), plan).shape)
    if family == "shape":
        ak = _shape_op(rs, name, view_ndim, vshape)
    elif family == "reduce":
        ak = _reduce_args(rs, name, view_ndim)
    else:
        ak = ((), {})
    if ak is None:
        return None
    return family, name, dt, base, plan, other, ak


def _one(lib, base, plan, other, name, args, kw):
    x = _apply_view(lib.tensor(base), plan)
    o = lib.tensor(other) if isinstance(other, np.ndarray) else other
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _run(lib, name, x, args, kw, o)


def _with_out(base, plan, other, name, args, kw, t):
    """The same call with ``out=`` a transposed view of the result's shape: both write it alike."""
    shape = tuple(t.shape)
    outs = {}
    for lib in (torch, ember):
        dt = getattr(lib, str(t.dtype).split(".")[-1])
        buf = lib.full(tuple(reversed(shape)) or (), 7, dtype=dt)
        o = buf.permute(*reversed(range(len(shape)))) if shape else buf
        x = _apply_view(lib.tensor(base), plan)
        oth = lib.tensor(other) if isinstance(other, np.ndarray) else other
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = (getattr(lib, name)(x, oth, out=o) if name in BINARY
                     else getattr(lib, name)(x, *args, out=o, **kw))
        except Exception as ex:  # noqa: BLE001 - compared below
            outs[lib.__name__] = type(ex).__name__
            continue
        if r is not o:
            return f"{lib.__name__}: out= returned a new tensor"
        outs[lib.__name__] = (o, buf)
    if isinstance(outs["torch"], str) or isinstance(outs["ember"], str):
        if outs["torch"] != outs["ember"] and not isinstance(outs["torch"], str):
            return f"with out=: ember raised {outs['ember']}"
        return None
    bad = _compare(outs["ember"][0], outs["torch"][0]) or _compare(outs["ember"][1], outs["torch"][1])
    return bad and f"with out=: {bad}"


# (op, dtype) pairs where ember and torch are known to differ; each is listed in the report
KNOWN = set()


def test_differential_fuzz():
    """No silent mismatch: where both succeed they agree; ember fails nowhere torch succeeds.

    Where torch raises and ember returns (ember more lenient) or the error classes
    differ, the case is counted, not failed: those are not silent wrong results.
    """
    rs = np.random.RandomState(20261202)
    silent, lenient, ran = [], [], 0
    while ran < 1500:
        c = _case(rs)
        if c is None:
            continue
        ran += 1
        family, name, dt, base, plan, other, (args, kw) = c
        where = f"{name}[{dt}] base{base.shape} view{plan} args{args}{kw}" + (
            f" other{getattr(other, 'dtype', type(other).__name__)}{getattr(other, 'shape', '')}" if family == "binary" else "")
        try:
            t = _one(torch, base, plan, other, name, args, kw)
            terr = None
        except Exception as e:  # noqa: BLE001 - the oracle's verdict
            t, terr = None, e
        try:
            e = _one(ember, base, plan, other, name, args, kw)
            eerr = None
        except Exception as ex:  # noqa: BLE001
            e, eerr = None, ex
        if (name, dt) in KNOWN:
            continue
        if eerr is not None and terr is None:
            silent.append(f"{where}: ember raised {type(eerr).__name__}: {eerr}")
            continue
        if terr is not None:
            if eerr is None or type(terr) is not type(eerr):
                lenient.append(f"{where}: torch {type(terr).__name__}, ember {type(eerr).__name__}")
            continue
        bad = _compare(e, t)
        if bad is None and ran % 2 == 0:
            bad = _roundtrip(e, t)
        if bad is None and family != "shape" and isinstance(t, torch.Tensor) and ran % 3 == 0:
            bad = _with_out(base, plan, other, name, args, kw, t)
        if bad:
            silent.append(f"{where}: {bad}")
    print(f"{ran} cases; {len(lenient)} where torch raises and ember does not (or another class)")
    assert not silent, f"{len(silent)} mismatches in {ran} cases:\n" + "\n".join(silent[:60])
