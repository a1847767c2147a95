"""``ember.jit.load``: run a TorchScript archive (``torch.jit.trace(...).save``) with ember's ops.

Reading, step by step:

1. the zip's ``<name>/code/**.py`` records are parsed with ``ast`` (TorchScript source is
   a Python subset): each ``class X(Module)`` gives its ``__parameters__``,
   ``__buffers__`` and methods;
2. ``data.pkl`` (the module tree) and ``constants.pkl`` go through ember's restricted
   unpickler (``ember._weights_unpickler``) with PyTorch's weights-only allow-list plus,
   for this archive only, a harmless placeholder class for each ``__torch__.*`` class
   its code defines: a GLOBAL for anything else (``os.system``) is refused with
   ``pickle.UnpicklingError`` before anything runs, and storages are read only from the
   archive's own ``data/`` and ``constants/`` records, sizes checked;
3. the objects become ember modules (parameters, buffers, submodules by name), and
   ``forward`` is interpreted statement by statement: ``torch.<op>`` calls run through
   ``_ts_ops`` (aten argument order), ``(self.fc).forward(x)`` runs the submodule's
   method, ``ops.prim.NumToTensor``/``int(...)`` carry traced sizes.

Control flow (``if``/``for``/``while``: code from ``torch.jit.script``) and operators
ember cannot run are refused when the file is loaded, with ``NotImplementedError``
naming the construct or ``aten::<op>``.
"""
import ast
import io
import os
import pickle
import zipfile

from ._ts_ops import clean_kwargs, lookup

__all__ = ["read_archive", "Archive", "Interpreter"]


class TSObject:
    """A ``__torch__.*`` object from data.pkl: a placeholder holding its attribute dict."""

    _qual = "?"


class ClassInfo:
    """What a TorchScript class declaration says: parameters, buffers, methods."""

    def __init__(self, qual, node, path, text):
        self.qual, self.path, self.text = qual, path, text
        self.short = node.name
        self.params, self.buffers, self.methods = [], [], {}
        self.is_module = any(isinstance(b, ast.Name) and b.id == "Module" for b in node.bases)
        for st in node.body:
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
                key = st.targets[0].id
                if key in ("__parameters__", "__buffers__") and isinstance(st.value, ast.List):
                    names = [e.value for e in st.value.elts if isinstance(e, ast.Constant)]
                    (self.params if key == "__parameters__" else self.buffers).extend(names)
            elif isinstance(st, ast.FunctionDef):
                self.methods[st.name] = st


class Archive:
    """The parsed contents of one TorchScript zip."""

    def __init__(self):
        self.classes = {}     # qualified name (without __torch__.) -> ClassInfo
        self.functions = {}   # qualified name -> FunctionDef
        self.sources = {}     # module path ("__torch__.torch.nn.modules.linear") -> text
        self.constants = ()
        self.root = None
        self.extra = {}


def _module_of(path, prefix):
    rel = path[len(prefix) + len("code/"):-3]
    return rel.replace("/", ".")


_FLOW = {ast.If: "an if statement", ast.For: "a for loop", ast.While: "a while loop",
         ast.With: "a with block", ast.Try: "a try block", ast.Raise: "a raise statement",
         ast.Assert: "an assert", ast.IfExp: "a conditional expression",
         ast.ListComp: "a list comprehension", ast.Lambda: "a lambda",
         ast.Break: "a break", ast.Continue: "a continue"}


def _check(fn, info_path, arch):
    """Refuse what the interpreter cannot run, naming it (at load, not at the first call)."""
    for node in ast.walk(fn):
        for kind, what in _FLOW.items():
            if isinstance(node, kind):
                raise NotImplementedError(
                    f"ember.jit.load: {info_path} line {node.lineno} has {what} in "
                    f"'{fn.name}': control flow (code from torch.jit.script) cannot run in "
                    "ember, which runs traced TorchScript (straight-line code from "
                    "torch.jit.trace) only")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if isinstance(f.value, ast.Name) and f.value.id == "torch" and f.attr != "device":
                lookup(f.attr)
            elif (isinstance(f.value, ast.Attribute) and isinstance(f.value.value, ast.Name)
                  and f.value.value.id == "ops"):
                space = f.value.attr
                if space == "aten":
                    lookup(f.attr)
                elif space != "prim" or f.attr not in _PRIM:
                    raise NotImplementedError(f"ember.jit.load: the TorchScript operator "
                                              f"{space}::{f.attr} has no ember implementation")


def _allowed(arch):
    """PyTorch's weights-only allow-list, the TorchScript pickle helpers, and a placeholder
    class for each ``__torch__`` class this archive's code defines."""
    from ..serialization import _default_allowed

    allowed = dict(_default_allowed())
    for qual in arch.classes:
        allowed[qual] = type(qual.rsplit(".", 1)[1], (TSObject,), {"_qual": qual})
    ident = _identity
    for n in ("build_intlist", "build_tensorlist", "build_doublelist", "build_boollist"):
        allowed[f"torch.jit._pickle.{n}"] = ident
    allowed["torch.jit._pickle.restore_type_tag"] = _restore_type_tag
    return allowed


def _identity(x):
    return x


def _restore_type_tag(value, type_str):
    return value


def read_archive(f, _extra_files=None):
    """Parse the zip at ``f`` (a path or a binary file object) into an ``Archive``."""
    from .. import _dtype as D
    from .. import _weights_unpickler as W
    from ..serialization import TypedStorage, _file_size, _record, _StorageType

    own = isinstance(f, (str, os.PathLike))
    fobj = open(f, "rb") if own else f
    try:
        size = _file_size(fobj)
        zf = zipfile.ZipFile(fobj)
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if not pkl:
            raise RuntimeError("ember.jit.load: not a TorchScript archive (no <name>/data.pkl record)")
        prefix = pkl[0][:-len("data.pkl")]
        budget = [max(256 << 20, 100 * size)]

        def text(name):
            return _record(zf, fobj, size, name, D.uint8, budget=budget).tobytes()

        arch = Archive()
        code = [n for n in names if n.startswith(prefix + "code/") and n.endswith(".py")]
        if not code:
            raise RuntimeError("ember.jit.load: the archive has no TorchScript code "
                               "(a torch.save checkpoint? load it with ember.load)")
        for n in sorted(code):
            mod = _module_of(n, prefix)
            src = text(n).decode("utf-8")
            arch.sources[mod] = src
            tree = ast.parse(src, filename=n)
            for node in tree.body:
                q = f"{mod}.{node.name}" if hasattr(node, "name") else None
                if isinstance(node, ast.ClassDef):
                    arch.classes[q] = ClassInfo(q, node, n[len(prefix):], src)
                elif isinstance(node, ast.FunctionDef):
                    arch.functions[q] = node
        for info in arch.classes.values():
            for fn in info.methods.values():
                _check(fn, info.path, arch)
        for q, fn in arch.functions.items():
            _check(fn, q, arch)
        allowed = _allowed(arch)

        def unpickle(record, folder):
            cache = {}

            def load_storage(pid):
                if type(pid) is not tuple or len(pid) != 5:
                    raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
                _, st, key, location, numel = pid
                if key in cache:
                    return cache[key]
                if not isinstance(st, _StorageType) or type(key) is not str or "/" in key or ".." in key:
                    raise pickle.UnpicklingError(f"bad storage reference {pid!r}")
                if type(numel) is not int or numel < 0:
                    raise RuntimeError(f"storage {key} declares {numel!r} elements")
                arr = _record(zf, fobj, size, f"{prefix}{folder}/{key}", st.dtype, budget=budget)
                if arr.size < numel:
                    raise RuntimeError(f"corrupted archive: storage {key} has {arr.size} "
                                       f"elements, expected {numel}")
                cache[key] = TypedStorage(arr, st.dtype, location)
                return cache[key]
            data = text(f"{prefix}{record}")
            try:
                return W.Unpickler(io.BytesIO(data), allowed, load_storage, len(data)).load()
            except W.Refused as e:
                raise pickle.UnpicklingError(
                    f"ember.jit.load: {record} asks for something a TorchScript archive never "
                    f"holds, refused (the file may be crafted to run code): {e}") from None
        arch.root = unpickle("data.pkl", "data")
        if f"{prefix}constants.pkl" in names:
            arch.constants = unpickle("constants.pkl", "constants")
        if _extra_files is not None:
            for k in _extra_files:
                if f"{prefix}extra/{k}" in names:
                    _extra_files[k] = text(f"{prefix}extra/{k}")
        if not isinstance(arch.root, TSObject):
            raise RuntimeError("ember.jit.load: data.pkl does not hold a TorchScript module")
        return arch
    finally:
        if own:
            fobj.close()


# ---- the interpreter ----------------------------------------------------------------------

def _num_to_tensor(n):
    import numpy as np

    from .._tensor import _wrap
    return _wrap(np.array(n, np.int64 if isinstance(n, int) else np.float64))


def _prim_dtype(x):
    from ._ts_ops import SCALAR_TYPE
    return SCALAR_TYPE[x.dtype.name] if hasattr(x.dtype, "name") else x.dtype


_PRIM = {"NumToTensor": _num_to_tensor, "dtype": _prim_dtype, "device": lambda x: x.device,
         "data": lambda x: x.detach(), "unchecked_cast": lambda x: x,
         "min": min, "max": max, "abs": abs, "layout": lambda x: 0}


def _to_int(x):
    from .._tensor import Tensor
    return int(x.item()) if isinstance(x, Tensor) else int(x)


def _to_float(x):
    from .._tensor import Tensor
    return float(x.item()) if isinstance(x, Tensor) else float(x)


_BUILTINS = {"int": _to_int, "float": _to_float, "bool": bool, "len": len, "str": str,
             "list": list, "tuple": tuple, "range": range, "min": min, "max": max, "abs": abs}
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b,
           ast.Mod: lambda a, b: a % b, ast.Pow: lambda a, b: a ** b}
_CMP = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
        ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
        ast.Is: lambda a, b: a is b, ast.IsNot: lambda a, b: a is not b}


_TENSOR_ATTRS = {"shape", "dtype", "device", "requires_grad", "is_cuda", "data", "grad", "T", "mT"}
_SCALAR = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "floordiv": lambda a, b: a // b,
           "floor_divide": lambda a, b: a // b, "remainder": lambda a, b: a % b,
           "pow": lambda a, b: a ** b, "neg": lambda a: -a, "eq": lambda a, b: a == b,
           "ne": lambda a, b: a != b, "lt": lambda a, b: a < b, "gt": lambda a, b: a > b,
           "le": lambda a, b: a <= b, "ge": lambda a, b: a >= b}


class _Const:
    def __init__(self, values):
        self.values = values

    def get(self, name):
        if not name.startswith("c") or not name[1:].isdigit() or int(name[1:]) >= len(self.values):
            raise RuntimeError(f"ember.jit.load: CONSTANTS.{name} is not in constants.pkl")
        return self.values[int(name[1:])]


class Interpreter:
    """Runs the methods of one archive's classes on ember modules."""

    def __init__(self, arch):
        self.arch = arch
        self.consts = _Const(arch.constants)

    def call(self, mod, method, args, kwargs):
        info = mod._ts_class
        fn = info.methods.get(method)
        if fn is None:
            raise AttributeError(f"'{info.short}' (TorchScript class {info.qual}) has no method "
                                 f"'{method}'")
        return self.run(fn, [mod] + list(args), kwargs)

    def run(self, fn, args, kwargs):
        a = fn.args
        params = [p.arg for p in a.args]
        if len(args) > len(params):
            raise RuntimeError(f"{fn.name}() expected at most {len(params) - 1} argument(s) but "
                               f"received {len(args) - 1} argument(s)")
        env = dict(zip(params, args))
        defaults = dict(zip(params[len(params) - len(a.defaults):], a.defaults))
        for p in params[len(args):]:
            if p in kwargs:
                env[p] = kwargs.pop(p)
            elif p in defaults:
                env[p] = self.ev(defaults[p], env)
            else:
                raise RuntimeError(f"{fn.name}() is missing value for argument '{p}'")
        if kwargs:
            raise RuntimeError(f"{fn.name}() got unexpected keyword argument(s) {sorted(kwargs)}")
        for st in fn.body:
            if isinstance(st, ast.Return):
                return None if st.value is None else self.ev(st.value, env)
            if isinstance(st, ast.Assign):
                v = self.ev(st.value, env)
                for t in st.targets:
                    self.assign(t, v, env)
            elif isinstance(st, ast.AnnAssign):
                self.assign(st.target, self.ev(st.value, env), env)
            elif isinstance(st, ast.Expr):
                self.ev(st.value, env)
            elif not isinstance(st, ast.Pass):
                raise NotImplementedError(f"ember.jit.load: cannot run a {type(st).__name__} "
                                          f"statement (line {st.lineno})")
        return None

    def assign(self, t, v, env):
        if isinstance(t, ast.Name):
            env[t.id] = v
        elif isinstance(t, (ast.Tuple, ast.List)):
            v = list(v)
            if len(v) != len(t.elts):
                raise RuntimeError(f"cannot unpack {len(v)} values into {len(t.elts)} names "
                                   f"(line {t.lineno})")
            for a, b in zip(t.elts, v):
                self.assign(a, b, env)
        else:
            raise NotImplementedError(f"ember.jit.load: cannot assign to a {type(t).__name__} "
                                      f"(line {t.lineno})")

    def ev(self, e, env):
        k = type(e)
        if k is ast.Name:
            try:
                return env[e.id]
            except KeyError:
                raise RuntimeError(f"ember.jit.load: name '{e.id}' is not defined (line {e.lineno})") from None
        if k is ast.Constant:
            return e.value
        if k is ast.Call:
            return self.call_expr(e, env)
        if k is ast.Attribute:
            if isinstance(e.value, ast.Name) and e.value.id == "CONSTANTS":
                return self.consts.get(e.attr)
            return self.attr(self.ev(e.value, env), e.attr)
        if k is ast.Subscript:
            return self.ev(e.value, env)[self.ev(e.slice, env)]
        if k is ast.Tuple:
            return tuple(self.ev(x, env) for x in e.elts)
        if k is ast.List:
            return [self.ev(x, env) for x in e.elts]
        if k is ast.Dict:
            return {self.ev(a, env): self.ev(b, env) for a, b in zip(e.keys, e.values)}
        if k is ast.UnaryOp:
            v = self.ev(e.operand, env)
            if isinstance(e.op, ast.USub):
                return -v
            if isinstance(e.op, ast.Not):
                return not v
            if isinstance(e.op, ast.UAdd):
                return v
        if k is ast.BinOp and type(e.op) in _BINOPS:
            return _BINOPS[type(e.op)](self.ev(e.left, env), self.ev(e.right, env))
        if k is ast.Compare and len(e.ops) == 1 and type(e.ops[0]) in _CMP:
            return _CMP[type(e.ops[0])](self.ev(e.left, env), self.ev(e.comparators[0], env))
        raise NotImplementedError(f"ember.jit.load: cannot evaluate a {k.__name__} expression "
                                  f"(line {getattr(e, 'lineno', '?')})")

    def attr(self, obj, name):
        from ..nn.modules.module import Module

        if isinstance(obj, Module):
            if name in obj._parameters:
                return obj._parameters[name]
            if name in obj._buffers:
                return obj._buffers[name]
            if name in obj._modules:
                return obj._modules[name]
            attrs = obj.__dict__.get("_ts_attrs", {})
            if name in attrs:
                return attrs[name]
            if name == "training":
                return obj.training
            raise RuntimeError(f"ember.jit.load: module has no attribute '{name}'")
        from .._tensor import Tensor
        if isinstance(obj, Tensor) and name in _TENSOR_ATTRS:
            return getattr(obj, name)
        # the code comes from the file: no reaching into Python objects (x.__class__...)
        raise NotImplementedError(f"ember.jit.load: the code reads attribute '{name}' of a "
                                  f"{type(obj).__name__}, which TorchScript from torch.jit.trace "
                                  "never does: refused")

    def call_expr(self, e, env):
        f = e.func
        if isinstance(f, ast.Name):       # annotate(List[int], []): the type is not evaluated
            if f.id in ("annotate", "unchecked_cast"):
                return self.ev(e.args[1], env)
            if f.id == "uninitialized":
                return None
        if any(isinstance(a, ast.Starred) for a in e.args):
            raise NotImplementedError(f"ember.jit.load: a *argument (line {e.lineno})")
        args = [self.ev(a, env) for a in e.args]
        kw = {x.arg: self.ev(x.value, env) for x in e.keywords}
        if isinstance(f, ast.Name):
            if f.id == "getattr":
                if type(args[1]) is not str:
                    raise RuntimeError("getattr() needs a string attribute name")
                return self.attr(args[0], args[1])
            if f.id in _BUILTINS:
                return _BUILTINS[f.id](*args)
            raise NotImplementedError(f"ember.jit.load: cannot call '{f.id}' (line {e.lineno})")
        if isinstance(f, ast.Attribute):
            base = f.value
            if isinstance(base, ast.Name) and base.id == "torch":
                if f.attr == "device":
                    from .. import device
                    return device(*args)
                return self.op(f.attr, args, kw)
            if (isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name)
                    and base.value.id == "ops"):
                if base.attr == "prim":
                    return _PRIM[f.attr](*args, **kw)
                return self.op(f.attr, args, kw)
            dotted = _dotted(f)
            if dotted is not None and dotted.startswith("__torch__."):
                fn = self.arch.functions.get(dotted[len("__torch__."):])
                if fn is None:
                    raise NotImplementedError(f"ember.jit.load: cannot call {dotted}")
                return self.run(fn, args, kw)
            obj = self.ev(base, env)
            if getattr(obj, "_ts_class", None) is not None:
                return self.arch_call(obj, f.attr, args, kw)
            from .._tensor import Tensor
            if isinstance(obj, Tensor):
                return self.op(f.attr, [obj] + args, kw)
            raise NotImplementedError(f"ember.jit.load: the code calls method '{f.attr}' of a "
                                      f"{type(obj).__name__} (line {e.lineno}): refused")
        raise NotImplementedError(f"ember.jit.load: cannot call a {type(f).__name__} (line {e.lineno})")

    def arch_call(self, mod, method, args, kw):
        return self.call(mod, method, args, kw)

    def op(self, name, args, kw):
        if name in _SCALAR and args and all(type(a) in (int, float, bool) for a in args):
            return _SCALAR[name](*args)     # aten::mul.int and friends: TorchScript's int math
        fn = lookup(name)
        if name.endswith("_") and not name.endswith("__"):
            from .._tensor import Tensor
            if args and isinstance(args[0], Tensor) and hasattr(Tensor, name):
                return getattr(args[0], name)(*args[1:], **clean_kwargs(kw))
        return fn(*args, **clean_kwargs(kw))


def _dotted(e):
    parts = []
    while isinstance(e, ast.Attribute):
        parts.append(e.attr)
        e = e.value
    if isinstance(e, ast.Name):
        parts.append(e.id)
        return ".".join(reversed(parts))
    return None
