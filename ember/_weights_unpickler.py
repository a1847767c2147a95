"""The restricted unpickler behind ``load(weights_only=True)``: PyTorch's rules.

It reads the pickle opcodes PyTorch's weights-only unpickler reads (plus the bytes
opcodes of protocol 3) and nothing else. A global resolves only if it is on the
allow-list (``allowed``: ``"module.name" -> object``); calls (REDUCE, NEWOBJ) run
only allowed objects; BUILD (setting an object's state) only on tensors,
parameters, ordered dicts and instances of allowed classes, never on a shared
object such as a dtype, a class or a function. Lengths read from the file are
checked against the bytes left before anything is allocated.
"""
import collections
import pickle
import struct
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from pickle import UnpicklingError

__all__ = ["Unpickler", "UnpicklingError", "Refused", "BLOCKED_MODULES", "unsupported_global"]

BLOCKED_MODULES = ("sys", "os", "posix", "nt")


class Refused(UnpicklingError):
    """The file asks for something the weights-only rules forbid (not a corrupt file)."""


def unsupported_global(full_path):
    """PyTorch's message for a global that is not allowed (builtins shown bare)."""
    shown = full_path[len("builtins."):] if full_path.startswith("builtins.") else full_path
    return (f"Unsupported global: GLOBAL {shown} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{shown}])` or the "
            f"`torch.serialization.safe_globals([{shown}])` context manager to allowlist this "
            "global if you trust this class/function.")


class Unpickler:
    """``Unpickler(file, allowed, persistent_load, limit).load()``.

    ``limit`` is the number of bytes the pickle may still hold (the rest of the
    file): no string or bytes, and no call of a ``sized`` callable (``bytearray(n)``,
    ``FloatTensor(n, m)``), may claim more.
    """

    def __init__(self, file, allowed, persistent_load, limit, special=None, sized=()):
        self._file = file
        self._allowed = allowed
        self._ids = {id(v) for v in allowed.values()}
        self._sized = {id(v) for v in sized}   # callables that allocate what their int args say
        self._persistent_load = persistent_load
        self._end = file.tell() + limit
        self._fread = file.read
        self._special = special or {}   # id(cls) -> builder for NEWOBJ/BUILD (Parameter, Tensor)

    # ---- input -------------------------------------------------------------------
    @property
    def _left(self):
        return self._end - self._file.tell()

    def _read(self, n):
        """``n`` bytes of a fixed-size field (at most 8)."""
        data = self._fread(n)
        if len(data) != n:
            raise UnpicklingError("pickle data was truncated")
        return data

    def _read_declared(self, n):
        """``n`` bytes whose count the file declares: checked against what remains first."""
        left = self._left
        if n > left:
            raise UnpicklingError(
                f"the pickle declares {n} bytes of data but only {max(left, 0)} remain "
                "(truncated or corrupted file)")
        return self._read(n)

    def _readline(self):
        line = self._file.readline(max(0, min(self._left, 1 << 16)))
        if not line.endswith(b"\n"):
            raise UnpicklingError("pickle data was truncated (a GLOBAL name has no end)")
        return line[:-1]

    def _u(self, fmt):
        st = _STRUCTS[fmt]
        return st.unpack(self._read(st.size))[0]

    # ---- the loop ----------------------------------------------------------------
    def load(self):
        self.stack, self.metastack, self.memo = [], [], {}
        ops, read = _DISPATCH, self._fread
        while True:
            key = read(1)
            if not key:
                raise UnpicklingError("pickle data was truncated")
            op = ops.get(key[0])
            if op is None:
                raise UnpicklingError(f"Unsupported operand {key[0]}")
            if op is _stop:
                if not self.stack:
                    raise UnpicklingError("the pickle ends with an empty stack")
                return self.stack.pop()
            op(self)

    def _pop_mark(self):
        if not self.metastack:
            raise UnpicklingError("the pickle pops a MARK it never set")
        items, self.stack = self.stack, self.metastack.pop()
        return items

    def _top(self, op):
        if not self.stack:
            raise UnpicklingError(f"{op} on an empty stack")
        return self.stack[-1]

    def _pop(self, op):
        self._top(op)
        return self.stack.pop()

    def _check_call(self, func, args):
        if id(func) not in self._ids:
            raise Refused(f"Trying to call reduce for unrecognized function {func!r}")
        if type(args) is not tuple:
            raise UnpicklingError(f"the arguments of a call must be a tuple, got {type(args).__name__}")
        if id(func) in self._sized:  # bytearray(n), FloatTensor(n, m): no more than the file holds
            n = 1
            for a in args:
                if type(a) is int:
                    n *= max(a, 0)
            if n > max(self._left, 0) + (1 << 16):
                raise Refused(
                    f"the pickle calls {getattr(func, '__name__', func)} with sizes {args}: {n} "
                    "elements, more than the file holds (a memory bomb?)")


def _global(u):
    module = u._readline().decode("utf-8")
    name = u._readline().decode("utf-8")
    if (module, name) in NAME_MAPPING:
        module, name = NAME_MAPPING[(module, name)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    full = f"{module}.{name}"
    if module in BLOCKED_MODULES:
        raise Refused(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
    try:
        obj = u._allowed[full]
    except KeyError:
        raise Refused(unsupported_global(full)) from None
    u.stack.append(obj)


def _reduce(u):
    args = u._pop("REDUCE")
    func = u._top("REDUCE")
    u._check_call(func, args)
    u.stack[-1] = func(*args)


def _newobj(u):
    args = u._pop("NEWOBJ")
    cls = u._pop("NEWOBJ")
    special = u._special.get(id(cls))
    if special is not None:
        u._check_call(cls, args)
        u.stack.append(special(*args))
        return
    if id(cls) not in u._ids or not isinstance(cls, type):
        raise Refused(
            f"Can only create new object for nn.Parameter or classes allowlisted via "
            f"`add_safe_globals` but got {cls!r}")
    u._check_call(cls, args)
    u.stack.append(cls.__new__(cls, *args))


def _build(u):
    state = u._pop("BUILD")
    inst = u._top("BUILD")
    kind = type(inst)
    special = u._special.get(("build", id(kind)))
    if special is not None:
        special(inst, state)
    elif kind is collections.OrderedDict:
        if not isinstance(state, dict):
            raise UnpicklingError(f"the state of an OrderedDict must be a dict, got {type(state).__name__}")
        inst.__dict__.update(state)
    elif id(kind) in u._ids:
        setstate = getattr(kind, "__setstate__", None)
        if setstate is not None and setstate is not getattr(object, "__setstate__", None):
            inst.__setstate__(state)
            return
        slots = None
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
        if state:
            inst.__dict__.update(state)
        if slots:
            for k, v in slots.items():
                setattr(inst, k, v)
    else:
        raise Refused(
            "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
            f"`add_safe_globals`, but got {kind}")


def _append(u):
    item = u._pop("APPEND")
    lst = u._top("APPEND")
    if type(lst) is not list:
        raise Refused(f"Can only append to lists, but got {type(lst)}")
    lst.append(item)


def _appends(u):
    items = u._pop_mark()
    lst = u._top("APPENDS")
    if type(lst) is not list:
        raise Refused(f"Can only extend lists, but got {type(lst)}")
    lst.extend(items)


def _set_target(u, op):
    d = u._top(op)
    if type(d) not in (dict, collections.OrderedDict, collections.Counter):
        raise Refused(
            f"Can only {op} for dict, collections.OrderedDict, collections.Counter, but got {type(d)}")
    return d


def _setitem(u):
    v = u._pop("SETITEM")
    k = u._pop("SETITEM")
    _set_target(u, "SETITEM")[k] = v


def _setitems(u):
    items = u._pop_mark()
    if len(items) % 2:
        raise UnpicklingError("SETITEMS with an odd number of items")
    d = _set_target(u, "SETITEMS")
    for i in range(0, len(items), 2):
        d[items[i]] = items[i + 1]


def _mark(u):
    u.metastack.append(u.stack)
    u.stack = []


def _tuple(u):
    items = tuple(u._pop_mark())  # before touching u.stack: MARK swapped it
    u.stack.append(items)


def _tuple_n(n):
    def op(u):
        if len(u.stack) < n:
            raise UnpicklingError(f"TUPLE{n} on a stack of {len(u.stack)}")
        items = tuple(u.stack[len(u.stack) - n:])
        del u.stack[len(u.stack) - n:]
        u.stack.append(items)
    return op


def _push(value_fn):
    return lambda u: u.stack.append(value_fn(u))


def _binunicode(u):
    return str(u._read_declared(u._u("<I")), "utf-8", "surrogatepass")


def _short_binstring(u):
    data = u._read_declared(u._read(1)[0])
    return data.decode("utf-8", "strict")


def _binpersid(u):
    pid = u._pop("BINPERSID")
    if type(pid) is not tuple and type(pid) is not int:
        raise Refused(f"persistent_load id must be tuple or int, but got {type(pid)}")
    if type(pid) is tuple:
        tag = pid[0] if pid else None
        if isinstance(tag, bytes):
            tag = tag.decode("ascii", "replace")
        if tag != "storage":
            raise Refused(f"Only persistent_load of storage is allowed, but got {tag!r}")
    if u._persistent_load is None:
        raise UnpicklingError("unsupported persistent id encountered")
    u.stack.append(u._persistent_load(pid))


def _get(fmt):
    def op(u):
        i = u._u(fmt)
        if i not in u.memo:
            raise UnpicklingError(f"Memo value not found at index {i}")
        u.stack.append(u.memo[i])
    return op


def _put(fmt):
    def op(u):
        u.memo[u._u(fmt)] = u._top("PUT")
    return op


def _proto(u):
    p = u._read(1)[0]
    if p > pickle.HIGHEST_PROTOCOL:
        raise UnpicklingError(f"unsupported pickle protocol: {p}")


def _stop(u):  # handled in load()
    pass


_STRUCTS = {f: struct.Struct(f) for f in ("<I", "<i", "<H", "<B", ">d")}
_O = {k: v[0] for k, v in vars(pickle).items() if k.isupper() and isinstance(v, bytes) and len(v) == 1}
_DISPATCH = {
    _O["GLOBAL"]: _global, _O["REDUCE"]: _reduce, _O["NEWOBJ"]: _newobj, _O["BUILD"]: _build,
    _O["APPEND"]: _append, _O["APPENDS"]: _appends, _O["SETITEM"]: _setitem,
    _O["SETITEMS"]: _setitems, _O["MARK"]: _mark, _O["TUPLE"]: _tuple,
    _O["TUPLE1"]: _tuple_n(1), _O["TUPLE2"]: _tuple_n(2), _O["TUPLE3"]: _tuple_n(3),
    _O["NONE"]: _push(lambda u: None), _O["NEWFALSE"]: _push(lambda u: False),
    _O["NEWTRUE"]: _push(lambda u: True), _O["EMPTY_TUPLE"]: _push(lambda u: ()),
    _O["EMPTY_LIST"]: _push(lambda u: []), _O["EMPTY_DICT"]: _push(lambda u: {}),
    _O["EMPTY_SET"]: _push(lambda u: set()),
    _O["BININT"]: _push(lambda u: u._u("<i")), _O["BININT1"]: _push(lambda u: u._read(1)[0]),
    _O["BININT2"]: _push(lambda u: u._u("<H")), _O["BINFLOAT"]: _push(lambda u: u._u(">d")),
    _O["BINUNICODE"]: _push(_binunicode), _O["SHORT_BINSTRING"]: _push(_short_binstring),
    _O["SHORT_BINBYTES"]: _push(lambda u: u._read_declared(u._read(1)[0])),
    _O["BINBYTES"]: _push(lambda u: u._read_declared(u._u("<I"))),
    _O["BINPERSID"]: _binpersid, _O["BINGET"]: _get("<B"), _O["LONG_BINGET"]: _get("<I"),
    _O["BINPUT"]: _put("<B"), _O["LONG_BINPUT"]: _put("<I"),
    _O["LONG1"]: _push(lambda u: pickle.decode_long(u._read_declared(u._read(1)[0]))),
    _O["PROTO"]: _proto, _O["STOP"]: _stop,
}
