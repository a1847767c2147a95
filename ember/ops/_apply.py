"""``Op`` and ``apply``: the one path every differentiable op takes.

An op is a small class with ``forward`` and ``backward`` side by side, both on raw
arrays::

    class Mul(Op):
        name = "MulBackward0"
        promote = SAME
        def forward(self, a, b):
            self.a, self.b = a, b          # saved for backward
            return a * b
        def backward(self, g):
            return g * self.b, g * self.a  # broadcast grads; apply's metadata sums them back

``apply(Mul, x, y)`` unwraps tensors, promotes dtypes (``promote``), runs
``forward``, and records a graph node only when grad mode is on and an input
requires grad. Gradients an op returns for broadcast inputs are reduced to each
input's shape and dtype by the backward walk, so ops never do it themselves.

Class attributes an op may set:

* ``name``: the node name users see (``AddBackward0``); defaults to the class name.
* ``promote``: ``None`` (inputs as they are), ``SAME`` (PyTorch's common dtype),
  ``FLOAT`` (common dtype, integers and bool lifted to the default float).
* ``view``: the output is a view of input 0 (shares storage and version counter).
* ``saves``: indices of tensor inputs saved for backward, checked against in-place
  modification; ``"out"`` in it means the output is saved too.
* ``nondiff``: output indices that never carry gradient (e.g. argmax indices).
* ``unsigned``: whether the op takes PyTorch's barebones dtypes (uint16/32/64), which
  have few kernels: ``None`` (default) means yes for ``promote=None`` ops and no for
  ``SAME`` ops (which then raise NotImplementedError as PyTorch does); ``True``/``False``
  say so explicitly.

An op may also define ``forward_(self, a, *rest)``: its in-place form, writing into ``a``
(the tensor's own array) and returning it; ``apply_`` calls it when ``a`` is that array, so
the result need not be copied back.

A holomorphic op (its backward the plain chain rule ``g * f'(z)``) is decorated with
``@holomorphic`` so that complex gradients follow PyTorch's conjugate convention.

An op that can be differentiated twice also defines ``backward_ops(*grads)``: its
backward written with ember ops on tensors, run under ``create_graph=True`` (see
``saved_input``/``saved_output`` on ``Node``, and the helpers at the end of this file).
"""
import numpy as np

from .. import _dtype as D
from .._dims import wrap_dim, wrap_dims
from .._tensor import Tensor, _new_tensor, _wrap
from ..autograd import grad_mode
from ..autograd.graph import Node, _fit

__all__ = ["Op", "apply", "apply_", "SAME", "FLOAT", "wrap_dim", "wrap_dims", "norm_size", "ntuple",
           "add_observer", "remove_observer", "holomorphic"]

SAME, FLOAT = "same", "float"
_FLOATS = (float,)
_INTLIKE = (int, bool)


class _NodeName(str):
    """An op's node name: a string for ember's own use and, called, ``grad_fn.name()``
    as in PyTorch."""

    __slots__ = ()

    def __call__(self):
        return str(self)


class Op(Node):
    name: str | None = None
    promote = None
    view = False
    saves = ()
    nondiff = ()
    unsigned = None
    forward_ = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.name:
            cls.__name__ = cls.__qualname__ = cls.name
            if type(cls.__dict__.get("name")) is str:
                cls.name = _NodeName(cls.name)


# ---- observers: the op recorder's hook (ember.jit tracing, ember.profiler) ----------

_observers = []   # empty on the hot path: apply costs one truthiness test


def add_observer(ob):
    """Install ``ob``: ``ob.op_enter(cls, inputs, kwargs)`` runs before each op and
    ``ob.op_exit(token, result)`` after it (``token``: what ``op_enter`` returned)."""
    global _observers
    _observers = _observers + [ob]


def remove_observer(ob):
    global _observers
    _observers = [o for o in _observers if o is not ob]


def _observed(fn, cls, inputs, kwargs):
    """Run ``fn`` (apply or apply_) between the observers' enter and exit calls.

    Ops that run inside the op (nested applies) are not seen: the observers are set
    aside while it runs, so a trace or profile lists what user code called."""
    global _observers
    obs = _observers
    tokens = [o.op_enter(cls, inputs, kwargs) for o in obs]
    _observers = []
    out = None
    try:
        out = fn(cls, *inputs, **kwargs)
    finally:
        _observers = obs
        for o, t in zip(obs, tokens):
            o.op_exit(t, out)   # out is None when the op raised
    return out


def _unsigned_refused(cls, npd):
    """PyTorch's error for an op without a kernel for a barebones unsigned dtype."""
    what = getattr(cls, "kernel", None) or (cls.name or cls.__name__).split("Backward")[0].lower().lstrip("_")
    return D.unsigned_error(npd, what)


def _promote(inputs, mode, cls=None):
    """Cast tensor inputs' arrays to the common dtype; returns (arrays, dtype)."""
    res = D.result_type(*inputs)
    if mode == FLOAT and res.category < D._FLOAT:
        res = D.get_default_dtype()
    elif res.np in D._BAREBONES_NP and cls is not None and not cls.unsigned:
        raise _unsigned_refused(cls, res.np)
    npd = res.np
    arrays = []
    for x in inputs:
        if type(x) is Tensor or isinstance(x, Tensor):
            a = x._data
            arrays.append(a if a.dtype == npd else a.astype(npd))
        elif type(x) is int and res.category == D._INT:
            arrays.append(np.asarray(x, dtype=np.int64).astype(npd)[()])
        else:
            arrays.append(x)
    return arrays, res


def _arrays(inputs, mode, cls=None):
    """Unwrap inputs; promote only when dtypes or scalar categories disagree. ``cls``
    (the op) is checked against barebones unsigned inputs (see ``Op.unsigned``)."""
    first = None
    mixed = False
    arrays = []
    for x in inputs:
        if isinstance(x, Tensor):
            a = x._data
            if first is None:
                first = a.dtype
            elif a.dtype != first:
                mixed = True
            arrays.append(a)
        elif isinstance(x, np.generic):
            arrays.append(x.item())  # NumPy scalars promote like Python numbers, as in PyTorch
        else:
            arrays.append(x)
    if mode is None:
        if cls is not None and cls.unsigned is False and first is not None and first in D._BAREBONES_NP:
            raise _unsigned_refused(cls, first)
        return arrays
    if first is None:
        raise TypeError("expected at least one Tensor argument")
    kind = first.kind
    if mixed or (mode == FLOAT and kind in "biu"):
        return _promote(inputs, mode, cls)[0]
    for x in arrays:
        t = type(x)
        if (t is float and kind in "biu") or (t is int and kind == "b") or t is complex:
            return _promote(inputs, mode, cls)[0]
        if t is int and kind in "iu" and not _fits(x, first):
            return _promote(inputs, mode, cls)[0]  # wraps the scalar into the dtype, as PyTorch
    if kind == "u" and first.itemsize > 1 and mode == SAME and cls is not None and not cls.unsigned:
        raise _unsigned_refused(cls, first)
    return arrays


_INT_BOUNDS = {}


def _fits(v, npdtype):
    b = _INT_BOUNDS.get(npdtype)
    if b is None:
        info = np.iinfo(npdtype)
        b = _INT_BOUNDS[npdtype] = (int(info.min), int(info.max))
    return b[0] <= v <= b[1]


_autocast = None   # set by ember.amp inside an autocast region: (cls, inputs, kwargs) -> result or None


def apply(cls, *inputs, **kwargs):
    """Run op ``cls`` on ``inputs`` (tensors, numbers, None) and wrap the result."""
    if _observers:
        return _observed(apply, cls, inputs, kwargs)
    if _autocast is not None:
        out = _autocast(cls, inputs, kwargs)
        if out is not None:
            return out
    op = cls.__new__(cls)
    arrays = _arrays(inputs, cls.promote, cls)
    out = op.forward(*arrays, **kwargs)
    record = False
    if grad_mode.enabled:
        for x in inputs:
            if isinstance(x, Tensor) and x._rg:
                record = True
                break
    if type(out) is tuple:
        return _wrap_many(op, cls, inputs, arrays, out, record)
    result = _wrap(out)
    if cls.view:
        _make_view(result, inputs[0])
    if record:
        _record(op, cls, inputs, arrays)
        if cls.saves:
            _save_versions(op, cls, inputs, result)
        result.grad_fn = op
        result._rg = True
    return result


def _wrap_many(op, cls, inputs, arrays, outs, record):
    results = tuple(_wrap(o) for o in outs)
    if cls.view:
        for r in results:
            _make_view(r, inputs[0])
    if record:
        _record(op, cls, inputs, arrays)
        op._nout = len(outs)
        op._outs = [(o.shape, o.dtype) for o in outs]
        for i, r in enumerate(results):
            if i in cls.nondiff:
                continue
            r.grad_fn = op
            r._rg = True
            r._out_idx = i
        if cls.saves:
            _save_versions(op, cls, inputs, results[0])
    return results


def _record(op, cls, inputs, arrays):
    nf = []
    meta = []
    for x, _a in zip(inputs, arrays):
        if isinstance(x, Tensor):
            if x._base is not None:
                _refresh_view(x)
            if x.grad_fn is not None:
                nf.append((x.grad_fn, x._out_idx))
            elif x._rg:
                nf.append((x._accumulator(), 0))
            else:
                nf.append((None, 0))
            xd = x._data
            meta.append((xd.shape, xd.dtype))
        else:
            nf.append((None, 0))
            meta.append(None)
    op.next_functions = tuple(nf)
    op._meta = meta
    op._vers = None


def _save_versions(op, cls, inputs, result):
    """Remember the version of each tensor ``cls.saves`` names, for the check at backward.

    An entry is ``(counter, version, tensor)``. The op's own output is not held (it holds
    the op through ``grad_fn``, and the cycle would keep its array alive until the
    garbage collector runs): its entry carries ``(index, shape, dtype)`` instead.
    """
    vers = []
    for i in cls.saves:
        if i == "out":
            t = result
            if t._vc is None:
                t._vc = [0]
            d = t._data
            vers.append((t._vc, t._vc[0], (t._out_idx, d.shape, d.dtype)))
        else:
            t = inputs[i]
            if isinstance(t, Tensor):
                if t._vc is None:
                    t._vc = [0]
                vers.append((t._vc, t._vc[0], t))
    op._vers = vers


def _make_view(result, base):
    if isinstance(base, Tensor):
        root = base._base if base._base is not None else base
        result._base = root
        if root._rebases:
            result._seen_rebases = root._rebases
        if base._vc is None:
            base._vc = [0]
        result._vc = base._vc


def _refresh_view(view):
    """After an in-place op through another view rebased the base, this view's history
    is the base's new one (PyTorch regenerates such a view's grad_fn the same way)."""
    base = view._base
    if base._rebases != view._seen_rebases:
        view._seen_rebases = base._rebases
        if base._rg:
            view.grad_fn = AsStrided(base, _view_index(view, base))
            view._rg = True
            view._out_idx = 0


def apply_(cls, self, *inputs, **kwargs):
    """In-place form: compute ``cls(self, *inputs)`` and write it into ``self``.

    ``self`` takes the new node as its ``grad_fn``; its version counter is bumped so
    that backward through a node that saved the old value fails, as in PyTorch.
    """
    if _observers:
        return _observed(apply_, cls, (self,) + inputs, kwargs)
    recording = grad_mode.enabled and (self._rg or any(
        isinstance(x, Tensor) and x._rg for x in inputs))
    if recording:
        _check_inplace(self)
    op = cls.__new__(cls)
    arrays = _arrays((self,) + inputs, cls.promote, cls)
    if recording and 0 in cls.saves and arrays[0] is self._data:
        arrays[0] = arrays[0].copy()  # backward needs the value from before the write
    data = self._data
    if cls.forward_ is not None and arrays[0] is data and data.flags.writeable:
        out = op.forward_(*arrays, **kwargs)
    else:
        out = op.forward(*arrays, **kwargs)
    if out.dtype != data.dtype:
        if not D.can_cast(D.from_np[out.dtype], D.from_np[data.dtype]):
            raise RuntimeError(
                f"result type {_type_name(out.dtype)} can't be cast to the desired output type "
                f"{_type_name(data.dtype)}")
    if out is not data:
        if not data.flags.writeable:
            raise RuntimeError(
                "unsupported operation: the input tensor is a broadcast (expanded) view whose "
                "elements share memory; call .clone() before writing to it in place.")
        data[...] = out
    self._bump()
    if recording:
        _record(op, cls, (self,) + inputs, arrays)
        if cls.saves:
            _save_versions(op, cls, (self,) + inputs, self)
        if self._base is not None:
            _rebase_view(self, op)
        else:
            self.grad_fn = op
            self._rg = True
            self._out_idx = 0
    return self


class CopySlices(Node):
    """The base's node after an in-place op on one of its views (PyTorch's ``CopySlices``).

    Backward: the gradient of the region the view covers goes through the in-place
    op's own backward; the rest of the base's gradient passes through unchanged.
    """

    def __init__(self, base, idx, fn):
        self.idx = idx            # flat positions of the view's elements inside the base
        self.fn = fn              # the in-place op's node (its edge 0 is replaced by ours)
        base_edge = _edge(base)
        self.next_functions = (base_edge,) + fn.next_functions[1:]
        self._meta = None
        self._vers = None

    def backward(self, g):
        g_view = g.reshape(-1)[self.idx]
        grads = self.fn.backward(g_view)
        if type(grads) is not tuple:
            grads = (grads,)
        meta = self.fn._meta
        grads = tuple(_fit(gr, m) if gr is not None and m is not None else gr
                      for gr, m in zip(grads, meta))
        g_base = np.array(g, copy=True)
        flat = g_base.reshape(-1)
        flat[self.idx] = 0
        if grads[0] is not None:
            np.add.at(flat, self.idx, grads[0])
        return (g_base,) + tuple(grads[1:])


class AsStrided(Node):
    """A view's node after its base was rebased: the view's region of the base's gradient."""

    name = "AsStridedBackward0"

    def __init__(self, base, idx):
        self.idx, self.shape, self.dtype = idx, base._data.shape, base._data.dtype
        self.next_functions = (_edge(base),)
        self._meta = None
        self._vers = None

    def backward(self, g):
        out = np.zeros(self.shape, self.dtype)
        np.add.at(out.reshape(-1), self.idx, g)
        return out


AsStrided.__name__ = AsStrided.__qualname__ = "AsStridedBackward0"


def _edge(t):
    if t._base is not None:
        _refresh_view(t)
    if t.grad_fn is not None:
        return (t.grad_fn, t._out_idx)
    if t._rg:
        return (t._accumulator(), 0)
    return (None, 0)


def _view_index(view, base):
    """Flat indices into ``base`` of each element of ``view`` (same shape as ``view``)."""
    b, v = base._data, view._data
    if not b.flags.c_contiguous:
        raise RuntimeError(
            "ember cannot record an in-place op on a view of a non-contiguous tensor for "
            "autograd; call .contiguous() on the base first")
    item = b.itemsize
    off = (v.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // item
    ar = np.arange(b.size, dtype=np.int64)
    return np.lib.stride_tricks.as_strided(
        ar[off:], v.shape, tuple(s // item * 8 for s in v.strides)).copy()


def _rebase_view(view, op):
    base = view._base
    idx = _view_index(view, base)
    base.grad_fn = CopySlices(base, idx, op)
    base._rg = True
    base._out_idx = 0
    base._rebases += 1
    view.grad_fn = AsStrided(base, idx)
    view._rg = True
    view._out_idx = 0
    view._seen_rebases = base._rebases


def _type_name(npdtype, cpp=False):
    """A NumPy dtype's PyTorch ScalarType name ('Float', 'Long'), as error messages print it;
    ``cpp=True``: its C++ element type ('float', 'long int'), as some kernels print it."""
    d = D.from_np.get(np.dtype(npdtype))
    if d is None:
        return str(npdtype)
    return D.cpp_type_name(d) if cpp else D.scalar_type_name(d)


def _check_inplace(t):
    if t.grad_fn is None and t._rg:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    base = t._base
    if base is not None and base.grad_fn is None and base._rg:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.")


# ---- argument normalisation, written once -------------------------------------------

def norm_size(args, name="size"):
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(ember.Size([2, 3]))`` -> ``(2, 3)``."""
    if len(args) == 1 and not isinstance(args[0], int):
        a = args[0]
        if isinstance(a, Tensor):
            a = a.tolist() if a.ndim else [int(a.item())]
        args = a
    try:
        return tuple(int(s) if not isinstance(s, int) else s for s in args)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of ints, got {args!r}") from None


def ntuple(v, n, name, msg="{name} must either be a single int, or a tuple of {n} ints"):
    """``v`` (an int, a Tensor, or a sequence of 1 or ``n`` ints) -> a tuple of ``n`` ints.

    Any other length raises RuntimeError(``msg``), formatted with ``name``, ``n`` and
    ``v`` (as a list): pooling's wording by default, conv passes its own."""
    if isinstance(v, Tensor):
        v = v.tolist()
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise RuntimeError(msg.format(name=name, n=n, v=list(v)))
    return v


def new_tensor(data, dtype=None):
    return _new_tensor(data, dtype)


# ---- double backward helpers: backward formulas as recorded ops ------------------------

def _snapshot(node):
    """A shallow copy of ``node`` (same saved arrays) that outlives the node's release."""
    c = type(node).__new__(type(node))
    c.__dict__.update(node.__dict__)
    c.next_functions, c._meta, c._vers = node.next_functions, node._meta, None
    return c


class _BackwardOf(Op):
    """``node.backward(g)`` as an op, for a node whose backward is linear in ``g`` with
    coefficients that do not vary with its input (pooling's window sums and argmax
    scatters). Its own backward is the node's ``jvp`` (the forward's derivative along
    a direction), and each of the pair records the other: any order works."""

    name = "BackwardOfBackward0"

    def forward(self, g, node):
        self.node = node
        return _first(node.backward(g, *[None] * (node._nout - 1)))

    def backward(self, u):
        return self.node.jvp(u)

    def backward_ops(self, u):
        return apply(_JvpOf, u, node=self.node)


class _JvpOf(Op):
    name = "JvpOfBackward0"

    def forward(self, u, node):
        self.node = node
        return node.jvp(u)

    def backward(self, g):
        return _first(self.node.backward(g, *[None] * (self.node._nout - 1)))

    def backward_ops(self, g):
        return apply(_BackwardOf, g, node=self.node)


def _first(grads):
    return grads[0] if type(grads) is tuple else grads


def linear_backward_ops(self, g, *rest):
    """``backward_ops`` of an op whose input gradient is ``_BackwardOf`` its output
    gradient (the op defines ``jvp(u)`` on arrays)."""
    return apply(_BackwardOf, g, node=_snapshot(self))


class _Alias(Op):
    name = "AliasBackward0"

    def forward(self, a):
        return a.view()

    def backward(self, g):
        return g

    def backward_ops(self, g):
        return g


def composite_backward(fn, inputs, grads):
    """Gradients of ``fn(*inputs)`` w.r.t. ``inputs`` for output gradients ``grads``, as
    recorded, differentiable tensors.

    ``fn`` is a fused op's forward written with ember ops; ``inputs`` are the op's inputs
    on the graph (``saved_input``) or None. This is the double backward of fused ops
    (normalization) whose fast array backward is not written with ops.
    """
    from ..autograd.graph import run_backward

    with grad_mode.enable_grad():
        proxies = [apply(_Alias, x) if x is not None and x._rg else x for x in inputs]
        outs = fn(*proxies)
        outs = outs if type(outs) is tuple else (outs,)
        keys = [(p.grad_fn, 0) if p is not None and p.grad_fn is not None else None
                for p in proxies]
        capture = {}
        for k in keys:
            if k is not None:
                capture.setdefault(k, len(capture))
        pairs = [(o, g) for o, g in zip(outs, grads) if g is not None and o._rg]
        if not capture or not pairs:
            return (None,) * len(inputs)
        got = run_backward([o for o, _ in pairs], [g for _, g in pairs], retain_graph=True,
                           capture=capture, accumulate=False, create_graph=True)
    return tuple(got[capture[k]] if k is not None else None for k in keys)


def scaled_backward_ops(self, *grads):
    """``backward_ops`` of an elementwise op whose backward is each output gradient times
    coefficients that do not vary with the input where it is differentiable (masks, signs,
    rounded quotients): the coefficients are ``backward``'s result for gradients of ones."""
    ones = [np.ones(g._data.shape, g._data.dtype) for g in grads]
    coefs = self.backward(*ones)
    coefs = coefs if type(coefs) is tuple else (coefs,)
    g = grads[0]
    return tuple(None if c is None else g * _wrap(np.asarray(c, g._data.dtype)) for c in coefs)
# ---- complex gradients ------------------------------------------------------------------

def _cj(x):
    return x if x is None else x.conj() if isinstance(x, (np.ndarray, np.generic, Tensor)) else np.conjugate(x)


def _conj_all(grads):
    return tuple(_cj(x) for x in grads) if type(grads) in (tuple, list) else _cj(grads)


def _complex(grads):
    for x in grads:
        if isinstance(x, Tensor):
            if x.dtype.is_complex:
                return True
        elif x is not None and x.dtype.kind == "c":
            return True
    return False


def holomorphic(cls):
    """Class decorator for an op whose ``backward`` (and ``backward_ops``) is the plain chain
    rule, ``g * f'(z)``: PyTorch's gradient for complex numbers is the conjugate Wirtinger one,
    ``g * conj(f'(z))``, which for a holomorphic op is ``conj(backward(conj(g)))``. Real
    gradients take the undecorated path (one dtype test)."""
    bw, bw_ops = cls.backward, cls.__dict__.get("backward_ops")

    code = bw.__code__
    if code.co_argcount == 2 and not code.co_flags & 0x04:   # backward(self, g): one output
        def backward(self, g):
            if g.dtype.kind != "c":
                return bw(self, g)
            return _conj_all(bw(self, g.conj()))
    else:
        def backward(self, *gs):
            if not _complex(gs):
                return bw(self, *gs)
            return _conj_all(bw(self, *[_cj(x) for x in gs]))

    cls.backward = backward
    if bw_ops is not None:   # on tensors (also when it is ``backward`` itself: "g times constants")
        def backward_ops(self, *gs):
            if not _complex(gs):
                return bw_ops(self, *gs)
            return _conj_all(bw_ops(self, *[_cj(x) for x in gs]))
        cls.backward_ops = backward_ops
    return cls
