"""TorchScript spellings of indexing, recurrent layers and the calls ``_calls`` records
(merged into ``_ts_write._EMIT``).

``x[idx]`` is written as torch's tracer writes it: the basic part (ints, slices, None) as
``select``/``slice``/``unsqueeze``, index tensors then as one ``aten::index`` (or
``aten::index_put_`` for ``x[idx] = v``); integer indices are applied first, as PyTorch does.
"""
import numpy as np

from ._graph import Value
from ._sym import SymArg, _Data

__all__ = ["EMIT", "emit_call"]

_INT64_MAX = 9223372036854775807
_RNN_ATEN = {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu"}


def _is_array(w, i):
    return isinstance(i, np.ndarray) or type(i) in (Value, _Data)


def _ndim(w, i):
    if isinstance(i, np.ndarray):
        return i.ndim, i.dtype
    v = i.v if type(i) is _Data else i
    return len(v.shape), np.dtype(v.dtype)


def _split(w, a, idx):
    """(expression of the basic part of ``a[idx]``, [index expressions or "None"] or None)."""
    idx = idx if type(idx) is tuple else (idx,)
    nd = len(w.shape(a))
    used = 0
    for i in idx:
        if i is None or i is Ellipsis:
            continue
        if _is_array(w, i):
            n, dt = _ndim(w, i)
            used += n if dt == np.bool_ else 1
        else:
            used += 1
    e, dim, adv = w.r(a), 0, []
    for i in idx:
        if i is Ellipsis:
            adv += ["None"] * (nd - used)
            dim += nd - used
        elif i is None:
            e = f"torch.unsqueeze({e}, {dim})"
            adv.append("None")
            dim += 1
        elif type(i) is slice:
            st = 0 if i.start is None else w.r(i.start)
            sp = _INT64_MAX if i.stop is None else w.r(i.stop)
            step = 1 if i.step is None else w.r(i.step)
            if i != slice(None):
                e = f"torch.slice({e}, {dim}, {st}, {sp}, {step})"
            adv.append("None")
            dim += 1
        elif _is_array(w, i):
            n, dt = _ndim(w, i)
            adv.append(w.r(i))
            dim += n if dt == np.bool_ else 1
        elif isinstance(i, (int, np.integer, SymArg)):
            e = f"torch.select({e}, {dim}, {w.r(i)})"
        else:
            raise NotImplementedError(f"ember.jit.save: indexing with {type(i).__name__} has no "
                                      "TorchScript spelling in ember's writer")
    if not any(x != "None" for x in adv):
        return e, None
    while adv and adv[-1] == "None":
        adv.pop()
    return e, adv


def _getitem(w, a, idx):
    e, adv = _split(w, a, idx)
    if adv is None:
        return e if e != w.r(a) else f"torch.alias({e})"
    return f"torch.index({e}, annotate(List[Optional[Tensor]], [{', '.join(adv)}]))"


def _values(w, a, v):
    dt = np.dtype(a.dtype) if type(a) is Value else np.asarray(a).dtype
    if type(v) is _Data:
        v = v.v
    if type(v) is Value:
        return w.r(v) if np.dtype(v.dtype) == dt else f"torch.to({w.r(v)}, {w.r(dt)}, False, False)"
    return w.const(np.asarray(v._data if hasattr(v, "_data") else v, dtype=dt))


def _setitem(w, a, v, idx):
    """``a[idx] = v`` in place: the statement, then ``a`` (the node's output) is its result."""
    e, adv = _split(w, a, idx)
    vals = _values(w, a, v)
    if adv is None:
        w.lines.append(f"{w.fresh()} = torch.copy_({e}, {vals})")
    else:
        w.lines.append(f"{w.fresh()} = torch.index_put_({e}, annotate(List[Optional[Tensor]], "
                       f"[{', '.join(adv)}]), {vals})")
    return w.r(a)


def _rnn(w, x, hx, params, *, mode, has_biases, num_layers, dropout, train, bidirectional,
         batch_first, state_sizes):
    from ._ts_write import _lit

    xs = w.r(x)
    batched = len(w.shape(x)) == 3
    bd = 0 if batch_first else 1
    if not batched:
        xs = f"torch.unsqueeze({xs}, {bd})"
    L = num_layers * (2 if bidirectional else 1)
    if hx is None:
        b = f"torch.size({xs}, {bd})"
        hs = [f"torch.zeros([{L}, {b}, {s}], dtype={_lit(np.dtype(x.dtype))}, layout=None, "
              f"device=None, pin_memory=False)" for s in state_sizes]
    else:
        hs = [w.r(h) if batched else f"torch.unsqueeze({w.r(h)}, 1)" for h in hx]
    hxs = f"[{', '.join(hs)}]" if mode == "LSTM" else hs[0]
    call = (f"torch.{_RNN_ATEN[mode]}({xs}, {hxs}, {w.r(list(params))}, {has_biases}, {num_layers}, "
            f"{_lit(float(dropout))}, {train}, {bidirectional}, {batch_first})")
    if batched:
        return call
    t = w.fresh()
    w.lines.append(f"{t} = {call}")
    n = 3 if mode == "LSTM" else 2
    return [f"torch.squeeze({t}[0], {bd})"] + [f"torch.squeeze({t}[{k}], 1)" for k in range(1, n)]


def emit_call(w, aten, args, kwargs):
    """A recorded call (``_calls``) as ``torch.<aten>(args, name=value)``."""
    parts = [w.r(a) for a in args]
    parts += [f"{k}={w.r(v)}" for k, v in kwargs.items() if v is not None and k != "out"]
    return f"torch.{aten}({', '.join(parts)})"


_PLACEMENT = ("layout", "device", "pin_memory", "requires_grad", "memory_format", "out")


def _factory(aten):
    """zeros/ones/empty/rand/randn(*size) and full(size, value), new_*(x, size): the size as a
    list, the dtype as its ScalarType code (placement arguments are CPU defaults)."""
    def f(w, *args, **kw):
        self_ = []
        if aten.startswith("new_"):
            self_, args = [w.r(args[0])], args[1:]
        size = kw.pop("size", None)
        rest = []
        if size is None:
            if aten in ("full", "new_full"):
                size, rest = args[0], list(args[1:])
            else:
                size = args[0] if len(args) == 1 and type(args[0]) in (tuple, list) else list(args)
        elif aten in ("full", "new_full"):
            rest = list(args)
        dt = kw.get("dtype")
        parts = self_ + [w.r(list(size))] + [w.r(a) for a in rest]
        parts += [f"dtype={'None' if dt is None else w.r(dt)}", "layout=None", "device=None",
                  "pin_memory=False"]
        return f"torch.{aten}({', '.join(parts)})"
    return f


def _arange(w, start=0, end=None, step=1, **kw):
    if end is None:
        start, end = 0, start
    dt = kw.get("dtype")
    return (f"torch.arange({w.r(start)}, {w.r(end)}, {w.r(step)}, dtype={'None' if dt is None else w.r(dt)}, "
            "layout=None, device=None, pin_memory=False)")


def _like(aten):
    def f(w, x, *args, **kw):
        parts = [w.r(x)] + [w.r(a) for a in args]
        parts += [f"{k}={w.r(v)}" for k, v in kw.items() if v is not None and k not in _PLACEMENT]
        return f"torch.{aten}({', '.join(parts)})"
    return f


_UPSAMPLE = {"linear": "upsample_linear1d", "bilinear": "upsample_bilinear2d",
             "bicubic": "upsample_bicubic2d", "trilinear": "upsample_trilinear3d"}


def _interp(w, input, size=None, scale_factor=None, mode="nearest", align_corners=None,
            recompute_scale_factor=None, antialias=False):
    """``F.interpolate`` as the ``.vec`` upsample overload torch's tracer records: an output
    size (which may read the input's sizes) or scale factors the kernel applies to any size."""
    from ._ts_write import _lit

    nd = len(w.shape(input)) - 2
    x = w.r(input)
    if antialias:
        raise NotImplementedError("ember.jit.save: interpolate(antialias=True) has no TorchScript "
                                  "spelling in ember's writer")
    scales = None
    if size is not None:
        osize = w.r(list(size) if isinstance(size, (tuple, list)) else [size] * nd)
    else:
        sf = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * nd
        if recompute_scale_factor or mode == "area":    # the output size from the input's
            osize = "[" + ", ".join(f"int(torch.size({x}, {i + 2}) * {_lit(float(s))})"
                                    for i, s in enumerate(sf)) + "]"
        else:
            osize, scales = "None", "[" + ", ".join(_lit(float(s)) for s in sf) + "]"
    if mode == "area":
        return f"torch.adaptive_avg_pool{nd}d({x}, {osize})"
    if mode in ("nearest", "nearest-exact"):
        fn = f"upsample_nearest{nd}d" if mode == "nearest" else f"_upsample_nearest_exact{nd}d"
        return f"torch.{fn}({x}, {osize}, {scales or 'None'})"
    if mode not in _UPSAMPLE:
        raise NotImplementedError(f"ember.jit.save: interpolate mode {mode!r} has no TorchScript spelling")
    return f"torch.{_UPSAMPLE[mode]}({x}, {osize}, {bool(align_corners)}, {scales or 'None'})"


def _pad_index(w, x, maps):
    from ._replay import pad_args

    mode, flat = pad_args(maps, w.shape(x))
    n = len(maps)
    if mode == "circular":
        return f"torch._pad_circular({w.r(x)}, {flat})"
    return f"torch.{'reflection' if mode == 'reflect' else 'replication'}_pad{n}d({w.r(x)}, {flat})"


def _lp_pool(w, x, nd, p, k, s, sp, out, pads, scale):
    """torch's F.lp_pool: ``(sign(a) * relu(|a|) * prod(k)) ** (1/p)``, ``a`` the average of ``x**p``."""
    from ._replay import pool_args
    from ._ts_write import _lit

    _, ceil, _, _ = pool_args(nd, k, s, sp, out, pads)
    a = w.fresh()
    w.lines.append(f"{a} = torch.avg_pool{nd}d(torch.pow({w.r(x)}, {_lit(float(p))}), {list(k)}, "
                   f"{list(s)}, {[0] * nd}, {ceil}{'' if nd == 1 else ', True, None'})")
    return (f"torch.pow(torch.mul(torch.mul(torch.sign({a}), torch.relu(torch.abs({a}))), "
            f"{int(np.prod(k))}), {_lit(1.0 / float(p))})")


EMIT = {
    "ember.ops.indexing:Select": _getitem, "ember.ops.indexing:Slice": _getitem,
    "ember.ops.indexing:Alias": _getitem, "ember.ops.indexing:_Basic": _getitem,
    "ember.ops.indexing:Unsqueeze": _getitem, "ember.ops.indexing:Index": _getitem,
    "ember.ops.indexing:CopySlices": _setitem, "ember.ops.indexing:IndexPut": _setitem,
    "ember.jit._calls:rnn": _rnn, "ember.jit._calls:interpolate": _interp, "ember.jit._calls:getitem": _getitem,
    "ember.ops.indexing:Where": lambda w, x, y, cond, npd: f"torch.where({w.r(cond)}, {w.r(x)}, {w.r(y)})",
    "ember.ops.gather:Gather": lambda w, a, idx, dim: f"torch.gather({w.r(a)}, {dim}, {w.r(idx)})",
    "ember.ops.gather:IndexSelect": lambda w, a, idx, dim: f"torch.index_select({w.r(a)}, {dim}, {w.r(idx)})",
    "ember.ops.sampling:_PadIndex": _pad_index, "ember.ops.pooling:_LpPool": _lp_pool,
    "ember.ops.conv:_Unfold": lambda w, x, k, dil, pad, stride:
        f"torch.im2col({w.r(x)}, {list(k)}, {list(dil)}, {list(pad)}, {list(stride)})",
    "MaskedFill": lambda w, a, m, v: f"torch.masked_fill({w.r(a)}, {w.r(m)}, {w.r(v)})",
    "MaskedFillT": lambda w, a, m, v: f"torch.masked_fill({w.r(a)}, {w.r(m)}, {w.r(v)})",
}
for _n in ("zeros", "ones", "empty", "full", "rand", "randn"):
    EMIT[f"ember.jit._calls:ember.{_n}"] = _factory(_n)
for _n in ("new_zeros", "new_ones", "new_empty", "new_full"):
    EMIT[f"ember.jit._calls:Tensor.{_n}"] = _factory(_n)
for _n in ("zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"):
    EMIT[f"ember.jit._calls:ember.{_n}"] = EMIT[f"ember.jit._calls:Tensor.{_n}"] = _like(_n)
EMIT["ember.jit._calls:ember.arange"] = _arange
