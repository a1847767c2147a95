"""Calls a trace records whole, as ``torch.jit.trace`` records one aten op for them.

Some work does not reach the op recorder as ops that replay right on new inputs:

- ``nn.LSTM``/``GRU``/``RNN`` run a loop over the time steps of the example (a graph fixed to
  its sequence length and batch): recorded as one node, torch's ``aten::lstm`` (``gru``,
  ``rnn_tanh``, ``rnn_relu``), that replays the layer on the new input's shape;
- results that carry no gradient (comparisons, ``argmax``, ``sort``/``topk`` indices,
  ``nonzero``) skip the recorder and would be baked in: recorded as one node each, and so
  are views of them (``mask[0]``);
- factories whose sizes are read from traced shapes (``zeros(1, x.size(0), 4)``) and the
  ``*_like`` ones; ``F.interpolate`` (its resampling matrices are the example's size);
  ``chunk``/``tensor_split`` (bounds follow the size); ``contiguous`` (a no-op at the
  example's layout may copy at another's);
- ``x[i]`` with a 0-d integer tensor ``i`` reads ``int(i)``: recorded as a read of ``i``;
  an index tensor made inside forward is baked in with the constant TracerWarning.

While a trace records (``install``/``uninstall``), these functions are swapped for wrappers:
when an argument is a traced tensor, the call runs with the recorder paused and one node
(key ``ember.jit._calls:<name>``, replayed by ``_graph.FUNCS``) stands for it.
"""
import functools

from . import _graph, _sym

__all__ = ["install", "uninstall"]

_saved = []   # (owner, attribute, original)


def _tracer():
    return _sym._active[-1] if _sym._active else None


def _traced(tr, x):
    """Whether ``x`` (nested) holds a tensor the trace follows (an input, an op's result or a
    parameter)."""
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return _sym._value(x) is not None or id(x) in tr.named
    if isinstance(x, _sym.SymInt):      # a size read: zeros(x.size(0), 3)
        return True
    if type(x) in (tuple, list) or isinstance(x, tuple):
        return any(_traced(tr, a) for a in x)
    if type(x) is dict:
        return any(_traced(tr, a) for a in x.values())
    return False


class _Paused:
    """The recorder set aside while a recorded call runs (its inner ops are not nodes)."""

    def __init__(self, tr):
        self.tr = tr

    def __enter__(self):
        from ..ops import _apply
        _apply.remove_observer(self.tr)
        _sym._active.remove(self.tr)

    def __exit__(self, *exc):
        from ..ops import _apply
        _sym._active.append(self.tr)
        _apply.add_observer(self.tr)


def _register(name, fn, aten):
    key = f"ember.jit._calls:{name}"

    def replay(*a, **k):
        return fn(*a, **k)
    replay.aten = aten
    _graph.FUNCS[key] = replay
    return key


def _plain(x):
    from .._tensor import Size

    if isinstance(x, _sym.SymInt):
        return int(x)
    if type(x) in (tuple, list, Size):
        return type(x)(_plain(a) for a in x)
    if type(x) is slice:
        return slice(_plain(x.start), _plain(x.stop), _plain(x.step))
    return x


def _flat_out(out):
    from .._tensor import Tensor
    if isinstance(out, Tensor):
        return out
    if isinstance(out, tuple) and all(isinstance(o, Tensor) for o in out):
        return tuple(out)
    return None


def _wrap_call(name, fn, aten):
    """``fn`` recorded as one node when a traced tensor reaches it."""
    key = _register(name, fn, aten)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        tr = _tracer()
        if tr is None or kwargs.get("out") is not None or not (
                _traced(tr, args) or _traced(tr, kwargs)):
            return fn(*args, **kwargs)
        with _Paused(tr):     # the node keeps the size reads; the call sees plain ints
            out = fn(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
        flat = _flat_out(out)
        if flat is None:
            return out
        tr.record(key, args, {k: v for k, v in kwargs.items() if k != "out"}, flat)
        return out
    return call


# ---- the recurrent layers ----------------------------------------------------------------

_RNN_ATEN = {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu"}


def rnn(x, hx, params, *, mode, has_biases, num_layers, dropout, train, bidirectional,
        batch_first, state_sizes):
    """``aten::lstm``/``gru``/``rnn_*`` on ember's layer: (output, h_n[, c_n]). ``hx`` None
    starts from zeros of ``state_sizes`` with the input's batch."""
    from ..ops.creation import zeros
    from ._ts_ops import _rnn

    if hx is None:
        batched = x.dim() == 3
        b = (x.shape[0] if batch_first else x.shape[1]) if batched else None
        L = num_layers * (2 if bidirectional else 1)
        hx = [zeros(L, b, s, dtype=x.dtype) if batched else zeros(L, s, dtype=x.dtype)
              for s in state_sizes]
    return _rnn(mode)(x, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)


rnn.aten = lambda kw: _RNN_ATEN[kw["mode"]]
RNN_KEY = "ember.jit._calls:rnn"
_graph.FUNCS[RNN_KEY] = rnn


def _rnn_forward(orig):
    @functools.wraps(orig)
    def _forward(self, input, hx):
        from ..nn.utils.rnn import PackedSequence

        tr = _tracer()
        if tr is None or isinstance(input, PackedSequence):
            return orig(self, input, hx)
        lstm = self.mode == "LSTM"
        real = self.proj_size if self.proj_size > 0 else self.hidden_size
        kw = dict(mode=self.mode, has_biases=bool(self.bias), num_layers=self.num_layers,
                  dropout=float(self.dropout), train=bool(self.training),
                  bidirectional=bool(self.bidirectional), batch_first=bool(self.batch_first),
                  state_sizes=(real, self.hidden_size) if lstm else (real,))
        params = [getattr(self, n) for n in self._flat_weights_names]
        hl = None if hx is None else list(hx)
        with _Paused(tr):
            out, hid = orig(self, input, hx)
        outs = (out,) + (tuple(hid) if lstm else (hid,))
        tr.record(RNN_KEY, (input, hl, params), kw, outs)
        return out, hid
    return _forward


# ---- indexing by a 0-d tensor -------------------------------------------------------------

GETITEM_KEY = "ember.jit._calls:getitem"


def _getitem(orig):
    def replay(x, idx):
        return orig(x, idx)
    replay.aten = "index"
    _graph.FUNCS[GETITEM_KEY] = replay

    @functools.wraps(orig)
    def __getitem__(self, idx):
        tr = _tracer()
        if tr is None:
            return orig(self, idx)
        idx = _sym_index(idx)
        _warn_constant_indices(tr, idx)
        if self._rg or (_sym._value(self) is None and id(self) not in tr.named):
            return orig(self, idx)
        # a traced tensor or buffer without grad (a mask, argmax, arange, a positional
        # encoding table sliced by x.size(0)): its views skip the recorder
        with _Paused(tr):
            out = orig(self, _plain(idx))
        tr.record(GETITEM_KEY, (self, idx), {}, out)
        return out
    return __getitem__


def _setitem(orig):
    @functools.wraps(orig)
    def __setitem__(self, idx, value):
        tr = _tracer()
        if tr is not None:
            idx = _sym_index(idx)
            _warn_constant_indices(tr, idx)
        return orig(self, idx, value)
    return __setitem__


def _warn_constant_indices(tr, idx):
    """An index tensor the trace does not follow (made inside forward) is baked in: say so,
    as the trace says for any such constant."""
    from .._tensor import Tensor

    for k in idx if type(idx) is tuple else (idx,):
        if isinstance(k, Tensor) and _sym._value(k) is None and id(k) not in tr.named \
                and id(k) not in tr.vals:
            tr.tensor(k)


def _sym_index(idx):
    """0-d integer tensors of an index -> ints that read the tensor again at replay."""
    from .._tensor import Tensor

    def one(k):
        if isinstance(k, Tensor) and k._data.ndim == 0 and k._data.dtype.kind in "iu":
            v = _sym._value(k)
            if v is not None:
                return _sym.SymInt(int(k._data), ("item", v.id))
        return k
    return tuple(one(k) for k in idx) if type(idx) is tuple else one(idx)


# ---- results without gradient ----------------------------------------------------------------

# Tensor method / ember function -> aten name
_NOGRAD = {
    "eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge",
    "__eq__": "eq", "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge",
    "logical_not": "logical_not", "logical_and": "logical_and", "logical_or": "logical_or",
    "logical_xor": "logical_xor", "bitwise_not": "bitwise_not", "__invert__": "bitwise_not",
    "__and__": "bitwise_and", "__or__": "bitwise_or", "__xor__": "bitwise_xor",
    "bitwise_and": "bitwise_and", "bitwise_or": "bitwise_or", "bitwise_xor": "bitwise_xor",
    "isnan": "isnan", "isinf": "isinf", "isfinite": "isfinite", "signbit": "signbit",
    "argmax": "argmax", "argmin": "argmin", "argsort": "argsort", "sort": "sort", "topk": "topk",
    "nonzero": "nonzero", "any": "any", "all": "all", "isin": "isin", "bucketize": "bucketize",
    "searchsorted": "searchsorted", "where": "where",
    # factories: their sizes may be read from traced shapes, *_like follow the input's shape
    "zeros": "zeros", "ones": "ones", "empty": "empty", "full": "full", "arange": "arange",
    "rand": "rand", "randn": "randn", "zeros_like": "zeros_like", "ones_like": "ones_like",
    "empty_like": "empty_like", "full_like": "full_like", "rand_like": "rand_like",
    "randn_like": "randn_like", "new_zeros": "new_zeros", "new_ones": "new_ones",
    "new_full": "new_full", "new_empty": "new_empty",
    # a no-op at the example's layout may copy at another's (channel shuffle's view after it)
    "contiguous": "contiguous",
    # pieces whose bounds follow the size being split
    "chunk": "chunk", "tensor_split": "tensor_split",
}


def _install_all():
    import ember

    from .._tensor import Tensor
    from ..nn.modules.rnn import RNNBase

    todo = [(RNNBase, "_forward", _rnn_forward), (Tensor, "__getitem__", _getitem),
            (Tensor, "__setitem__", _setitem)]
    for name, aten in _NOGRAD.items():
        for owner in (Tensor, ember):
            f = (owner.__dict__ if owner is Tensor else vars(owner)).get(name)
            if callable(f):
                todo.append((owner, name, lambda g, n=f"{owner.__name__}.{name}", a=aten: _wrap_call(n, g, a)))
    import importlib

    interp = lambda g: _wrap_call("interpolate", g, "interpolate")   # noqa: E731
    for mod, name in (("ember.ops.sampling", "interpolate"), ("ember.nn.functional", "interpolate"),
                      ("ember.nn.modules.upsampling", "_interpolate")):
        todo.append((importlib.import_module(mod), name, interp))
    for owner, name, make in todo:
        orig = (owner.__dict__ if owner is Tensor or isinstance(owner, type) else vars(owner))[name]
        _saved.append((owner, name, orig))
        setattr(owner, name, make(orig))


_users = []


def install(tr):
    if not _users:
        _install_all()
    _users.append(tr)


def uninstall(tr):
    _users.remove(tr)
    if not _users:
        while _saved:
            owner, name, orig = _saved.pop()
            setattr(owner, name, orig)

