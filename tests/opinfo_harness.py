"""PyTorch's OpInfo database (``op_db``) run through ember: the shared machinery of
``tests/test_opinfo.py`` and ``scripts/opinfo_report.py``.

Each OpInfo that supports CPU float32 (else float64) gives sample inputs; every sample
runs through torch's op and through ember's op of the same name (``linalg.svd`` ->
``ember.linalg.svd``; method-only names -> ``ember.Tensor.<name>``; the database's own
wrapper functions and lambdas run with ``torch`` rebound to ``ember``). Outputs are
compared by shape, dtype and value; then one fixed random cotangent is pulled back
through both and the gradients are compared. Samples whose torch output changes with
the seed draw random numbers: they are compared by shape, dtype and distribution.

``run_op(opinfo)`` returns one ``Result`` per sample (at most ``MAX_SAMPLES``: the
first ones the database gives, so the subset is fixed).
"""
import math
import types

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import ember

# importing torch's test suite freezes torch.backends flags (torch.backends.disable_global_flags);
# undo that so the other test files, which set them, run the same after this module loads
torch.backends.flags_frozen.__globals__["__allow_nonbracketed_mutation_flag"] = True

MAX_SAMPLES = 20          # per op: the first samples of the database's generator
TOL = {torch.float32: (1e-4, 1e-5), torch.float64: (1e-7, 1e-7)}   # forward (rtol, atol)
GRAD_TOL = {torch.float32: (1e-3, 1e-4), torch.float64: (1e-6, 1e-7)}
TOL[torch.complex64], TOL[torch.complex128] = TOL[torch.float32], TOL[torch.float64]
GRAD_TOL[torch.complex64], GRAD_TOL[torch.complex128] = GRAD_TOL[torch.float32], GRAD_TOL[torch.float64]

# ops that are torch-internal (aten overloads, CUDA-only jiterator kernels, private names)
INTERNAL_MODULES = ("torch._ops", "torch.cuda.jiterator")
UNINITIALISED = ("empty", "new_empty")


def op_id(op):
    return op.name + ("." + op.variant_test_name if op.variant_test_name else "")


def is_internal(op):
    mod = getattr(type(op.op), "__module__", "") or ""
    fmod = getattr(op.op, "__module__", "") or ""
    names = getattr(getattr(op.op, "__code__", None), "co_names", ())
    return (mod.startswith(INTERNAL_MODULES) or fmod.startswith(INTERNAL_MODULES)
            or ("ops" in names and "aten" in names)
            or op.name.startswith("_") and not op.name.startswith("__"))


def draws_random(op):
    """Ops whose values come from the random generator (the database wraps them in
    ``wrapper_set_seed``) or from uninitialised memory."""
    if op.name.startswith(UNINITIALISED):
        return "uninitialised"
    names = getattr(getattr(op.op, "__code__", None), "co_names", ())
    return "wrapper_set_seed" in names


def test_dtype(op):
    """float32 when the op supports it on CPU, else float64, else None."""
    dts = op.supported_dtypes("cpu")
    return torch.float32 if torch.float32 in dts else torch.float64 if torch.float64 in dts else None


def complex_dtype(op):
    """complex64 (else complex128) when the op differentiates complex inputs on CPU, else None:
    its complex samples check gradients under PyTorch's conjugate Wirtinger convention."""
    if not op.supports_autograd:
        return None
    dts = op.supported_backward_dtypes("cpu")
    return torch.complex64 if torch.complex64 in dts else torch.complex128 if torch.complex128 in dts else None


def selected_ops():
    """Every OpInfo with a CPU float32 / float64 dtype, by id (variants kept apart)."""
    return [op for op in op_db if test_dtype(op) is not None]


# ---- torch -> ember ---------------------------------------------------------------

_EMBER_MODULES = {}


def _ember_module(tmod):
    """The ember module standing for torch module ``tmod`` (``torch.nn.functional`` ->
    ``ember.nn.functional``), or None."""
    name = tmod.__name__
    if name not in _EMBER_MODULES:
        path = name.split(".")[1:]
        obj = ember
        try:
            for p in path:
                obj = getattr(obj, p)
        except AttributeError:
            obj = None
        _EMBER_MODULES[name] = obj
    return _EMBER_MODULES[name]


def _rebind(fn):
    """``fn`` (a Python function of the test database) with every torch module it names
    replaced by ember's."""
    g = {}
    for k, v in fn.__globals__.items():
        if isinstance(v, types.ModuleType) and (v.__name__ == "torch" or v.__name__.startswith("torch.")):
            e = _ember_module(v)
            if e is not None:
                g[k] = e
                continue
        g[k] = v
    closure = None
    if fn.__closure__:
        closure = tuple(types.CellType(convert(c.cell_contents)) if _is_torch_thing(c.cell_contents)
                        else c for c in fn.__closure__)
    new = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, closure)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def _is_torch_thing(x):
    return isinstance(x, (torch.Tensor, torch.dtype)) or callable(x) and \
        (getattr(x, "__module__", "") or "").startswith("torch") and not isinstance(x, type)


def _lookup(path):
    obj = ember
    for p in path.split("."):
        obj = getattr(obj, p)
    return obj


def ember_op(op):
    """ember's callable for OpInfo ``op``; raises AttributeError when ember lacks it."""
    fn = op.op
    mod = getattr(fn, "__module__", "") or ""
    if isinstance(fn, types.FunctionType) and mod.startswith("torch.testing"):
        return _rebind(fn)
    if mod == "torch._tensor" or type(fn).__name__ in ("method_descriptor", "wrapper_descriptor"):
        m = getattr(ember.Tensor, op.name, None)
        if m is not None:
            return m
    try:
        return _lookup(op.name)
    except AttributeError:
        pass
    if "." not in op.name:
        m = getattr(ember.Tensor, op.name, None)
        if m is not None:
            return m
    raise AttributeError(f"ember has no {op.name}")


_DTYPES = {getattr(torch, n): getattr(ember, n) for n in (
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128", "int8", "int16", "int32",
    "int64", "uint8", "uint16", "uint32", "uint64", "bool")}


def convert(x, keep_grad=True):
    """torch tensors / dtypes / sizes inside ``x`` -> ember's (tensors copied, requires_grad kept)."""
    if isinstance(x, torch.Tensor):
        if x.layout != torch.strided:
            return _convert_sparse(x, keep_grad)
        n = x.untyped_storage().nbytes() // max(x.element_size(), 1)
        if x.dtype != torch.bfloat16 and not x._is_zerotensor() and x.numel() and \
                (x.storage_offset() or n != x.numel()):   # a view into a larger storage: rebuild it
            base = ember.tensor(_np(torch.as_strided(x.detach(), (n,), (1,), 0)).copy())
            if keep_grad and x.requires_grad:
                base.requires_grad_()
            return base.as_strided(tuple(x.shape), x.stride(), x.storage_offset())
        t = ember.tensor(_np(x).copy())
        if x.dtype == torch.bfloat16:
            t = t.to(ember.bfloat16)
        if keep_grad and x.requires_grad:
            t.requires_grad_()
        return t
    if isinstance(x, torch.dtype):
        return _DTYPES.get(x, x)
    if isinstance(x, torch.Size):
        return tuple(x)
    if isinstance(x, torch.device):
        return str(x)
    if isinstance(x, torch.memory_format):
        return getattr(ember, str(x).split(".")[-1], None)
    if isinstance(x, list):
        return [convert(v, keep_grad) for v in x]
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return tuple(convert(v, keep_grad) for v in x)
    if isinstance(x, dict):
        return {k: convert(v, keep_grad) for k, v in x.items()}
    if isinstance(x, types.FunctionType) and (x.__module__ or "").startswith("torch.testing"):
        return _rebind(x)
    if isinstance(x, torch.nn.Module):   # a parameter-free module (PairwiseDistance()): ember's, same settings
        import inspect

        ecls = getattr(ember.nn, type(x).__name__)
        state = {**vars(x), "p": getattr(x, "norm", None)}
        names = inspect.signature(ecls.__init__).parameters
        return ecls(**{k: state[k] for k in names if k in state and state[k] is not None})
    if callable(x) and not isinstance(x, type) and (getattr(x, "__module__", None) or "torch").startswith("torch"):
        name = getattr(x, "__name__", None)
        for m in (ember, ember.nn.functional):
            if name and hasattr(m, name):
                return getattr(m, name)
    return x


def _convert_sparse(x, keep_grad):
    keep_grad = keep_grad and x.requires_grad
    x = x.detach()
    if x.layout == torch.sparse_coo:
        t = ember.sparse_coo_tensor(convert(x._indices()), convert(x._values()), tuple(x.shape),
                                    is_coalesced=x.is_coalesced())
    elif x.layout == torch.sparse_csr:
        t = ember.sparse_csr_tensor(convert(x.crow_indices()), convert(x.col_indices()),
                                    convert(x.values()), tuple(x.shape))
    else:
        raise NotImplementedError(f"layout {x.layout}")
    return t.requires_grad_() if keep_grad else t


def flat(out):
    """Tensors (and numbers) of a nested result, in order."""
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r.extend(flat(o))
        return r
    return [out]


# ---- one sample -------------------------------------------------------------------

class Result:
    """One sample's outcome: ``forward`` and ``grad`` are True (agree), False (differ) or
    None (not applicable); ``error`` says what went wrong first."""

    __slots__ = ("forward", "grad", "error", "random")

    def __init__(self, forward, grad=None, error=None, random=False):
        self.forward, self.grad, self.error, self.random = forward, grad, error, random

    @property
    def ok(self):
        return self.forward is True and self.grad is not False


def _np(t):
    if isinstance(t, ember.Tensor):
        if str(t.dtype) == "torch.bfloat16":
            t = t.float()
        return np.asarray(t.detach().numpy())
    if t._is_zerotensor():
        return np.zeros(tuple(t.shape), dtype=str(t.dtype)[6:])
    t = t.detach().resolve_conj().resolve_neg()
    return (t.float() if t.dtype == torch.bfloat16 else t).numpy()


def _compare(e_outs, t_outs, tol, random=False):
    """None when ember's outputs agree with torch's, else the first difference."""
    if len(e_outs) != len(t_outs):
        return f"{len(e_outs)} outputs, torch gives {len(t_outs)}"
    for i, (e, t) in enumerate(zip(e_outs, t_outs)):
        if isinstance(t, torch.Tensor):
            if not isinstance(e, ember.Tensor):
                return f"output {i}: {type(e).__name__}, torch gives a Tensor"
            if tuple(e.shape) != tuple(t.shape):
                return f"output {i}: shape {tuple(e.shape)}, torch {tuple(t.shape)}"
            if str(e.dtype) != str(t.dtype):
                return f"output {i}: dtype {e.dtype}, torch {t.dtype}"
            if t.layout != torch.strided:
                if str(e.layout) != str(t.layout):
                    return f"output {i}: layout {e.layout}, torch {t.layout}"
                e, t = e.to_dense(), t.to_dense()
            a, b = _np(e), _np(t)
            if random == "uninitialised":
                err = None
            elif random:
                err = _distribution(a, b)
            elif a.dtype.kind in "fc":
                rtol, atol = tol
                ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
                err = None if ok.all() else \
                    f"output {i}: values differ (max abs diff {np.nanmax(np.abs(a - b)[~ok]):.3g})"
            else:
                err = None if np.array_equal(a, b) else f"output {i}: values differ"
            if err:
                return err
        elif isinstance(t, (bool, int, float, complex)) and not random:
            if isinstance(e, ember.Tensor):
                return f"output {i}: Tensor, torch gives {type(t).__name__}"
            if not (e == t or isinstance(t, float) and (math.isclose(e, t, rel_tol=tol[0], abs_tol=tol[1])
                                                       or math.isnan(t) and math.isnan(e))):
                return f"output {i}: {e!r}, torch {t!r}"
    return None


def _distribution(a, b):
    """Random outputs (100+ values): a similar share of zeros (dropout-like ops), then similar
    quartiles of the nonzero values (robust to heavy tails such as Cauchy's)."""
    if a.dtype.kind not in "fc" or a.size < 100:
        return None
    a, b = np.real(a[np.isfinite(a)]), np.real(b[np.isfinite(b)])
    if abs(a.size - b.size) > 0.05 * max(b.size, 1):
        return "random output: different share of finite values"
    za, zb = np.mean(a == 0) if a.size else 0, np.mean(b == 0) if b.size else 0
    if abs(za - zb) > 0.5:
        return f"random output: share of zeros {za:.2f}, torch {zb:.2f}"
    a, b = a[a != 0], b[b != 0]
    if b.size < 100 or a.size < 100 or np.unique(b).size < 20:
        return None
    qa, qb = np.percentile(a, [25, 50, 75]), np.percentile(b, [25, 50, 75])
    ia, ib = qa[2] - qa[0], qb[2] - qb[0]
    if abs(qa[1] - qb[1]) > 0.5 * ib + 1e-6 * abs(qb[1]) + 1e-12 or not 0.5 * ib <= ia <= 2 * ib + 1e-12:
        return f"random output: quartiles {np.round(qa, 3).tolist()}, torch {np.round(qb, 3).tolist()}"
    return None


def _call(fn, sample):
    return fn(sample.input, *sample.args, **sample.kwargs)


def _is_random(op, sample, t_out):
    """Does torch's op draw random numbers on this sample? (two seeds, different results)"""
    torch.manual_seed(12345)
    try:
        again = flat(_call(op.op, sample))
    except Exception:
        return False
    for a, b in zip(flat(t_out), again):
        if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
                and a.layout == torch.strided and not torch.equal(a.detach(), b.detach()):
            return not (a.isnan() & b.isnan()).equal(a.isnan() | b.isnan()) or \
                not torch.equal(a.detach().nan_to_num(), b.detach().nan_to_num())
    return False


def _diff_outputs(outs):
    return [i for i, o in enumerate(outs) if isinstance(o, torch.Tensor) and o.requires_grad
            and (o.is_floating_point() or o.is_complex()) and o.layout == torch.strided]


def _grad_inputs(sample):
    return [t for t in flat([sample.input, list(sample.args), list(sample.kwargs.values())])
            if isinstance(t, torch.Tensor) and t.requires_grad]


def run_sample(op, efn, sample, dtype):
    """Compare one sample; returns a Result."""
    e_sample = types.SimpleNamespace(input=convert(sample.input), args=convert(list(sample.args)),
                                     kwargs=convert(dict(sample.kwargs)))
    torch.manual_seed(0)
    try:
        t_out = _call(op.op, sample)
    except Exception as exc:   # torch refuses: ember must refuse with the same class
        try:
            _call(efn, e_sample)
        except Exception as e_exc:
            if type(e_exc).__name__ == type(exc).__name__ or isinstance(e_exc, type(exc)):
                return Result(True)
            return Result(False, error=f"raises {type(e_exc).__name__}, torch {type(exc).__name__}")
        return Result(False, error=f"no error, torch raises {type(exc).__name__}")
    random = draws_random(op) or _is_random(op, sample, t_out)
    ember.manual_seed(0)
    try:
        e_out = _call(efn, e_sample)
    except Exception as exc:
        return Result(False, error=f"raises {type(exc).__name__}: {str(exc)[:120]}", random=random)
    proc = sample.output_process_fn_grad
    t_res, e_res = t_out, e_out
    if proc is not None and not _identity(proc):
        try:
            t_res, e_res = proc(t_out), convert(proc)(e_out)
        except Exception as exc:
            return Result(False, error=f"output_process_fn_grad: {type(exc).__name__}: {str(exc)[:100]}")
    t_outs, e_outs = flat(t_res), flat(e_res)
    err = _compare(e_outs, t_outs, TOL[dtype], random)
    if err:
        return Result(False, error=err, random=random)
    # gradients for one fixed random cotangent
    t_ins = _grad_inputs(sample)
    idx = _diff_outputs(t_outs)
    if random or not op.supports_autograd or not t_ins or not idx:
        return Result(True, random=random)
    e_ins = [t for t in flat([e_sample.input, list(e_sample.args), list(e_sample.kwargs.values())])
             if isinstance(t, ember.Tensor) and t.requires_grad]
    gen = np.random.default_rng(7)
    cots = []
    for i in idx:
        shape, dt = tuple(t_outs[i].shape), _np(t_outs[i]).dtype
        c = gen.standard_normal(shape)
        cots.append((c + 1j * gen.standard_normal(shape) if dt.kind == "c" else c).astype(dt))
    try:
        t_g = torch.autograd.grad([t_outs[i] for i in idx], t_ins,
                                  [torch.from_numpy(c.copy()) for c in cots], allow_unused=True)
    except Exception:
        return Result(True)   # torch cannot differentiate this sample either
    if len(e_ins) != len(t_ins):
        return Result(True, False, f"{len(e_ins)} inputs require grad, torch {len(t_ins)}")
    try:
        e_targets = [e_outs[i] for i in idx]
        for e in e_targets:
            if not isinstance(e, ember.Tensor) or not e.requires_grad:
                return Result(True, False, "an output does not require grad")
        # a sparse input's gradient is taken through its values (ember.autograd.grad returns
        # dense gradients only), then given the input's sparsity pattern
        e_g = ember.autograd.grad(e_targets, [t._vals if t._sparse else t for t in e_ins],
                                  [ember.tensor(c) for c in cots], allow_unused=True)
        e_g = [t._with_values(g) if t._sparse and g is not None else g for t, g in zip(e_ins, e_g)]
    except Exception as exc:
        return Result(True, False, f"backward raises {type(exc).__name__}: {str(exc)[:120]}")
    for k, (a, b) in enumerate(zip(e_g, t_g)):
        a = np.zeros(tuple(e_ins[k].shape)) if a is None else _np(a.to_dense() if a.layout != ember.strided else a)
        b = np.zeros(tuple(t_ins[k].shape)) if b is None else _np(b.to_dense() if b.layout != torch.strided else b)
        if a.shape != b.shape:
            return Result(True, False, f"grad {k}: shape {a.shape}, torch {b.shape}")
        rtol, atol = GRAD_TOL[dtype]
        ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        if not ok.all():
            return Result(True, False, f"grad {k}: values differ (max abs diff {np.nanmax(np.abs(a - b)[~ok]):.3g})")
    return Result(True, True)


def _identity(fn):
    return getattr(fn, "__name__", "") == "<lambda>" and fn.__code__.co_code == (lambda x: x).__code__.co_code


def samples(op, dtype, limit=MAX_SAMPLES):
    out = []
    try:
        for s in op.sample_inputs("cpu", dtype, requires_grad=op.supports_autograd):
            out.append(s)
            if len(out) >= limit:
                break
    except Exception:
        pass
    return out


def run_op(op, dtype=None):
    """(status, results) for ``op``'s samples of ``dtype`` (default ``test_dtype(op)``):
    status 'internal', 'missing' (with the reason) or 'ran'."""
    if is_internal(op):
        return "internal", []
    dtype = dtype or test_dtype(op)
    try:
        efn = ember_op(op)
    except AttributeError as exc:
        return "missing", [Result(False, error=str(exc))]
    res = []
    for s in samples(op, dtype):
        try:
            r = run_sample(op, efn, s, dtype)
        except Exception as exc:   # the harness itself (e.g. converting an odd output)
            r = Result(False, error=f"harness: {type(exc).__name__}: {str(exc)[:100]}")
        res.append(r)
    return "ran", res


# ---- second order (create_graph) ----------------------------------------------------

GRADGRAD_TOL = (1e-5, 1e-7)   # float64 (rtol, atol): second derivatives sum more terms


def gradgrad_ops():
    """OpInfos torch differentiates twice (``supports_gradgrad``) in CPU float64, ember-side
    runnable (not torch-internal, not drawing random numbers)."""
    return [op for op in op_db if op.supports_autograd and op.supports_gradgrad
            and torch.float64 in op.supported_dtypes("cpu") and not is_internal(op)
            and not draws_random(op)]


def _cotangent(gen, shape, npdtype):
    c = gen.standard_normal(shape)
    if np.dtype(npdtype).kind == "c":
        c = c + 1j * gen.standard_normal(shape)
    return c.astype(npdtype)


def _second_order(m, fn, sample, cots_seed=7):
    """(grad-requiring inputs, first gradients, second gradients) of ``fn`` on ``sample`` in
    framework ``m`` (torch or ember): the gradient ``g`` of the outputs for cotangents ``v``
    (that require grad), then the gradient of ``(g . u)`` w.r.t. the inputs and ``v``."""
    ins = [t for t in flat([sample.input, list(sample.args), list(sample.kwargs.values())])
           if isinstance(t, m.Tensor) and t.requires_grad]
    outs = flat(_call(fn, sample))
    if sample.output_process_fn_grad is not None and not _identity(sample.output_process_fn_grad):
        proc = sample.output_process_fn_grad if m is torch else convert(sample.output_process_fn_grad)
        outs = flat(proc(_call(fn, sample)))
    idx = [i for i, o in enumerate(outs) if isinstance(o, m.Tensor) and o.requires_grad
           and (o.is_floating_point() or o.is_complex())]
    gen = np.random.default_rng(cots_seed)
    vs = [m.tensor(_cotangent(gen, tuple(outs[i].shape), _np(outs[i]).dtype), requires_grad=True) for i in idx]
    gs = m.autograd.grad([outs[i] for i in idx], ins, vs, create_graph=True, allow_unused=True)
    live = [k for k, g in enumerate(gs) if g is not None and g.requires_grad]
    us = [m.tensor(_cotangent(gen, tuple(gs[k].shape), _np(gs[k]).dtype)) for k in live]
    hs = m.autograd.grad([gs[k] for k in live], ins + vs, us, allow_unused=True) if live else []
    return ins, idx, gs, hs


def run_gradgrad_sample(op, efn, sample):
    """Compare the second derivatives of one float64 sample with torch's; a Result whose
    ``grad`` is None when torch cannot differentiate this sample twice (not counted)."""
    try:
        if not _grad_inputs(sample):
            return Result(True)
        torch.manual_seed(0)
        t_ins, t_idx, t_g, t_h = _second_order(torch, op.op, sample)
    except Exception:
        return Result(True)   # torch cannot differentiate this sample twice either
    if not t_idx or not t_h:
        return Result(True)
    e_sample = types.SimpleNamespace(input=convert(sample.input), args=convert(list(sample.args)),
                                     kwargs=convert(dict(sample.kwargs)),
                                     output_process_fn_grad=sample.output_process_fn_grad)
    ember.manual_seed(0)
    try:
        e_ins, e_idx, e_g, e_h = _second_order(ember, efn, e_sample)
    except Exception as exc:
        return Result(True, False, f"raises {type(exc).__name__}: {str(exc)[:160]}")
    if len(e_ins) != len(t_ins) or e_idx != t_idx:
        return Result(True, False, "different inputs or outputs take part")
    rtol, atol = GRADGRAD_TOL
    for what, es, ts in (("grad", e_g, t_g), ("gradgrad", e_h, t_h)):
        if len(es) != len(ts):
            return Result(True, False, f"{len(es)} {what}s, torch {len(ts)}")
        for k, (a, b) in enumerate(zip(es, ts)):
            if a is None and b is None:
                continue
            a = 0.0 if a is None else _np(a.to_dense() if a.layout != ember.strided else a)
            b = 0.0 if b is None else _np(b.to_dense() if b.layout != torch.strided else b)
            a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
            ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
            if not ok.all():
                return Result(True, False, f"{what} {k}: values differ "
                              f"(max abs diff {np.nanmax(np.abs(a - b)[~ok]):.3g})")
    return Result(True, True)


def run_gradgrad_op(op, limit=MAX_SAMPLES):
    """(status, results) of the second-order comparison over the first ``limit`` float64 samples."""
    try:
        efn = ember_op(op)
    except AttributeError as exc:
        return "missing", [Result(False, error=str(exc))]
    res = []
    for s in samples(op, torch.float64, limit):
        try:
            r = run_gradgrad_sample(op, efn, s)
        except Exception as exc:
            r = Result(True, False, f"harness: {type(exc).__name__}: {str(exc)[:100]}")
        if r.grad is not None:
            res.append(r)
    return "ran", res
