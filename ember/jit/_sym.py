"""Shape reads while a trace records: ``x.size(0)``, ``x.shape``, ``x.numel()``.

As ``torch.jit.trace`` records ``aten::size``, a trace reads sizes as ``SymInt``: an int
that remembers where it came from (``("size", value id, dim)``) and how it was computed
(``+ - * // %``). When one reaches a recorded op (a view's shape, flatten's merged size,
embedding_bag's bag offsets), the graph keeps the expression (``SymArg``) and replay
evaluates it on the new input's sizes. Numbers read from tensor *values* (``.item()``,
``int(x)``, ``bool(x)``, ``.tolist()``), ``len(x)`` (Python makes it a plain int), and
sizes that leave the integers (``x.size(0) / 2``, ``if x.size(0) > 1``) stay baked in, with
torch's TracerWarning.

The Tensor methods are swapped only while a trace records (``install``/``uninstall``):
outside a trace the hot path is the plain methods.
"""
import sys
import warnings

__all__ = ["SymInt", "SymList", "SymArg", "install", "uninstall", "sym_range", "concrete"]

_BIN = {"add": int.__add__, "sub": int.__sub__, "mul": int.__mul__,
        "floordiv": int.__floordiv__, "mod": int.__mod__}


def _e(x):
    return x.expr if isinstance(x, SymInt) else int(x)


class SymInt(int):
    """An int read from a traced tensor's shape; ``expr`` says how to read it again."""

    def __new__(cls, value, expr):
        o = int.__new__(cls, value)
        o.expr = expr
        return o

    def _bin(self, other, op, rev=False):
        if type(other) is bool or not isinstance(other, int):
            f = getattr(int, f"__{'r' if rev else ''}{op}__")
            r = f(int(self), other)
            if r is not NotImplemented:
                _baked("float" if isinstance(r, float) else "number")
            return r
        a, b = (other, self) if rev else (self, other)
        return SymInt(_BIN[op](int(a), int(b)), (op, _e(a), _e(b)))

    def __add__(self, o): return self._bin(o, "add")
    def __radd__(self, o): return self._bin(o, "add", True)
    def __sub__(self, o): return self._bin(o, "sub")
    def __rsub__(self, o): return self._bin(o, "sub", True)
    def __mul__(self, o): return self._bin(o, "mul")
    def __rmul__(self, o): return self._bin(o, "mul", True)
    def __floordiv__(self, o): return self._bin(o, "floordiv")
    def __rfloordiv__(self, o): return self._bin(o, "floordiv", True)
    def __mod__(self, o): return self._bin(o, "mod")
    def __rmod__(self, o): return self._bin(o, "mod", True)

    def __truediv__(self, o):
        _baked("float")
        return int.__truediv__(int(self), o)

    def __rtruediv__(self, o):
        _baked("float")
        return int.__rtruediv__(int(self), o)

    def __float__(self):
        _baked("float")
        return int.__float__(self)

    def _cmp(self, o, f):
        # the model's own control flow is baked; ember's and NumPy's argument checks are not
        r = f(int(self), o)
        if r is not NotImplemented and not sys._getframe(2).f_globals.get(
                "__name__", "").startswith(("ember.", "numpy.")):
            _baked("boolean")
        return r

    def __lt__(self, o): return self._cmp(o, int.__lt__)
    def __le__(self, o): return self._cmp(o, int.__le__)
    def __gt__(self, o): return self._cmp(o, int.__gt__)
    def __ge__(self, o): return self._cmp(o, int.__ge__)

    def __neg__(self):
        return SymInt(-int(self), ("sub", 0, self.expr))

    def __pos__(self):
        return self

    def __repr__(self):
        return int.__repr__(self)


class SymList(list):
    """``list(range(0, stop, step))`` with a traced ``stop`` (embedding_bag's bag offsets)."""

    def __init__(self, items, expr):
        super().__init__(items)
        self.expr = expr


def sym_range(stop, step):
    """``list(range(0, stop, step))``; remembers ``stop`` when it is a SymInt."""
    r = list(range(0, stop, step))
    return SymList(r, ("range", stop.expr, _e(step))) if isinstance(stop, SymInt) else r


class SymArg:
    """A graph argument computed from shapes at replay: ``value`` is what the trace saw."""

    __slots__ = ("expr", "value")

    def __init__(self, expr, value):
        self.expr, self.value = expr, value

    def eval(self, env):
        return _eval(self.expr, env)

    def __repr__(self):
        return show(self.expr)


class _Data:
    """A keyword array that is the data of a traced tensor (a mask, an index): replay reads
    the new tensor's array; ``value`` is the array the trace saw."""

    __slots__ = ("v", "value")

    def __init__(self, v, value):
        self.v, self.value = v, value

    def __repr__(self):
        return repr(self.v)



def _eval(e, env):
    if type(e) is int:
        return e
    k = e[0]
    if k == "size":
        return env[e[1]]._data.shape[e[2]]
    if k == "numel":
        return env[e[1]]._data.size
    if k == "item":
        return int(env[e[1]]._data)
    if k == "range":
        return list(range(0, _eval(e[1], env), _eval(e[2], env)))
    return _BIN[k](_eval(e[1], env), _eval(e[2], env))


_OPS = {"add": "+", "sub": "-", "mul": "*", "floordiv": "//", "mod": "%"}


def show(e, names=None, code=False):
    """The expression as text; ``names``: value id -> the name the graph (or ``code``) prints."""
    if type(e) is int:
        return str(e)
    k, nm = e[0], (lambda i: ("" if code else "%") + (names or {}).get(i, str(i)))
    if k == "size":
        return f"{nm(e[1])}.size({e[2]})" if code else f"aten::size({nm(e[1])}, {e[2]})"
    if k == "numel":
        return f"{nm(e[1])}.numel()" if code else f"aten::numel({nm(e[1])})"
    if k == "item":
        return f"int({nm(e[1])})" if code else f"aten::Int({nm(e[1])})"
    if k == "range":
        return f"aten::arange(0, {show(e[1], names, code)}, {show(e[2], names, code)})"
    return f"({show(e[1], names, code)} {_OPS[k]} {show(e[2], names, code)})"


def to_expr(j):
    """JSON lists back to the tuples ``_eval`` reads."""
    return tuple(to_expr(x) for x in j) if type(j) is list else j


def concrete(a):
    """``a`` with every SymArg replaced by the value the trace saw (for ONNX export)."""
    if type(a) in (SymArg, _Data):
        return a.value
    if type(a) in (tuple, list):
        return type(a)(concrete(b) for b in a)
    if type(a) is dict:
        return {k: concrete(b) for k, b in a.items()}
    if type(a) is slice:
        return slice(concrete(a.start), concrete(a.stop), concrete(a.step))
    return a


# ---- swapping the Tensor methods while a trace records ------------------------------

_active = []     # tracers, innermost last
_saved = {}
_quiet = [False]

_MSG = ("Converting a tensor to a Python {} might cause the trace to be incorrect. We can't "
        "record the data flow of Python values, so this value will be treated as a constant "
        "in the future. This means that the trace might not generalize to other inputs!")


def _baked(what):
    """A shape read leaves the graph (Python float arithmetic, a comparison for control flow)."""
    warnings.warn(_MSG.format(what), _graph_warning(), stacklevel=3)


def _value(t):
    """The graph Value of traced tensor ``t`` that depends on the inputs, else None."""
    if not _active:
        return None
    tr = _active[-1]
    v = tr.vals.get(id(t))
    if v is None and t.grad_fn is not None:
        from ._graph import TracingError
        try:
            v = tr.tensor(t)
        except TracingError:
            return None
    return v if v is not None and v.kind in ("input", "op") else None


def _install_methods():
    from .._dims import wrap_dim
    from .._tensor import Size, Tensor

    orig = {k: Tensor.__dict__[k] for k in ("size", "shape", "numel", "nelement", "__len__",
                                           "item", "tolist", "__int__", "__float__", "__bool__")}

    def size(self, dim=None):
        v = _value(self)
        shp = self._data.shape
        if dim is None:
            return Size(shp) if v is None else Size(
                SymInt(n, ("size", v.id, i)) for i, n in enumerate(shp))
        d = wrap_dim(dim, len(shp))
        return shp[d] if v is None else SymInt(shp[d], ("size", v.id, d))

    def numel(self):
        v = _value(self)
        return self._data.size if v is None else SymInt(self._data.size, ("numel", v.id))

    def length(self):   # len() returns a plain int: torch's tracer bakes it too, and says so
        if _value(self) is not None:
            warnings.warn("Using len to get tensor shape might cause the trace to be incorrect. "
                          "Recommended usage would be tensor.shape[0]. Passing a tensor of different "
                          "shape might lead to errors or silently give incorrect results.",
                          _graph_warning(), stacklevel=2)
        return orig["__len__"](self)

    def baked(name, what):
        f = orig[name]

        def g(self, *a, **k):
            if _quiet[0] or _value(self) is None:
                return f(self, *a, **k)
            warnings.warn(_MSG.format(what), _graph_warning(), stacklevel=2)
            _quiet[0] = True    # int(x) reads x.item(): one warning
            try:
                return f(self, *a, **k)
            finally:
                _quiet[0] = False
        g.__name__ = name
        return g
    return orig, {"size": size, "shape": property(lambda self: size(self)), "numel": numel,
                  "nelement": numel, "__len__": length,
                  "item": baked("item", "number"), "tolist": baked("tolist", "list"),
                  "__int__": baked("__int__", "integer"), "__float__": baked("__float__", "float"),
                  "__bool__": baked("__bool__", "boolean")}


def _graph_warning():
    from ._graph import TracerWarning
    return TracerWarning


def install(tr):
    from .._tensor import Tensor

    if not _active:
        orig, new = _install_methods()
        _saved.update(orig)
        for k, f in new.items():
            setattr(Tensor, k, f)
    _active.append(tr)


def uninstall(tr):
    from .._tensor import Tensor

    _active.remove(tr)
    if not _active:
        for k, f in _saved.items():
            setattr(Tensor, k, f)
        _saved.clear()
