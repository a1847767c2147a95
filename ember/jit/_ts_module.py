"""TorchScript archives <-> ember modules: what ``ember.jit.save`` and ``ember.jit.load`` call.

``save_traced``: a module ``ember.jit.trace`` returned -> one TorchScript class per
(sub)module, named after the traced model's classes as torch names them
(``__torch__.torch.nn.modules.linear.Linear``), the top class holding the generated
``forward``. ``load``: an archive -> ``RecursiveScriptModule`` tree whose methods run
the archive's code (``_ts_read``). ``save_loaded`` writes a loaded module back with its
own code and its current parameter values.
"""
import re
import textwrap

from ._ts_read import Interpreter, read_archive
from ._ts_write import ModObj, class_source, graph_source, write_archive

__all__ = ["save_traced", "save_loaded", "load", "graph_text", "code_text"]


def _ident(s):
    s = re.sub(r"\W", "_", s) or "_"
    return "_" + s if s[0].isdigit() else s


def _qual_names(paths, types, top_name):
    """{module path: qualified class name (without ``__torch__.``)}, unique per path."""
    used, out = set(), {}
    for p in paths:
        mod, name = types.get(p, ("", top_name if p == "" else "Module"))
        if mod.startswith("ember."):
            mod = "torch." + mod[len("ember."):]
        elif mod in ("__main__", "builtins"):
            mod = ""
        parts = [_ident(x) for x in mod.split(".") if x]
        base = ".".join(parts + [_ident(name)])
        q, n = base, 0
        while q in used:
            q = ".".join(parts + [f"___torch_mangle_{n}", _ident(name)])
            n += 1
        used.add(q)
        out[p] = q
    return out


def save_traced(m, f, extra=None, name=None):
    """Write ``m`` (from ``ember.jit.trace``) as a TorchScript archive."""
    g = m._graph
    mods = dict(m.named_modules(remove_duplicate=False))
    types = dict(getattr(m, "_ts_types", {}))
    from . import _cls

    if isinstance(m, _cls("ScriptFunction")):
        types[""] = ("", "PlaceholderModule")
    quals = _qual_names(list(mods), types, _ident(m._orig_name))
    forward, consts = graph_source(g, g.in_struct, quals[""])
    files = {}
    for path, sub in mods.items():
        q = quals[path]
        subs = [(k, quals[f"{path}.{k}" if path else k]) for k in sub._modules]
        lines = class_source(q.rsplit(".", 1)[-1], list(sub._parameters), list(sub._buffers), subs,
                             [forward] if path == "" else [])
        mod = "__torch__" + ("." + q.rsplit(".", 1)[0] if "." in q else "")
        files.setdefault(mod, []).append("\n".join(lines))

    def tree(path, sub):
        state = {"training": bool(sub.training)}
        state.update(sub._parameters)
        state.update(sub._buffers)
        for k, s in sub._modules.items():
            state[k] = tree(f"{path}.{k}" if path else k, s)
        return ModObj("__torch__." + quals[path], state)
    sources = {k: "\n".join(v) + "\n" for k, v in files.items()}
    write_archive(f, name or archive_name(f), sources, tree("", m), consts, extra)


def save_loaded(m, f, extra=None, name=None):
    """Write a module ``ember.jit.load`` returned, with its code and current tensors."""
    def tree(sub):
        state = {}
        for k in sub._ts_keys:
            if k == "training":
                state[k] = bool(sub.training)
            elif k in sub._parameters:
                state[k] = sub._parameters[k]
            elif k in sub._buffers:
                state[k] = sub._buffers[k]
            elif k in sub._modules:
                state[k] = tree(sub._modules[k])
            else:
                state[k] = sub._ts_attrs[k]
        return ModObj(sub._ts_class.qual, state)
    arch = m._ts_interp.arch
    write_archive(f, name or archive_name(f), arch.sources, tree(m), list(arch.constants), extra)


def archive_name(f):
    import os

    if isinstance(f, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
    return "archive"


def load(f, extra=None):
    """An archive -> its root ``RecursiveScriptModule``."""
    from . import _cls

    arch = read_archive(f, extra)
    interp = Interpreter(arch)
    cls = _cls("RecursiveScriptModule")
    return _build(cls, interp, arch, arch.root, {})


def _build(cls, interp, arch, obj, shared):
    """``shared``: id(tensor) -> its Parameter, so a tensor the archive holds under two names
    (tied weights) is one Parameter."""
    from .._tensor import Tensor
    from ..nn.parameter import Parameter
    from ._ts_read import TSObject

    info = arch.classes.get(obj._qual)
    m = cls.__new__(cls)
    cls._init_loaded(m, interp, info, list(vars(obj)))
    for k, v in vars(obj).items():
        if k in info.params:
            if v is None:
                m.register_parameter(k, None)
            else:
                p = shared.get(id(v))
                if p is None:
                    p = v if isinstance(v, Parameter) else Parameter(v, requires_grad=v.requires_grad)
                    shared[id(v)] = p
                    shared[id(p)] = p
                m.register_parameter(k, p)
        elif k in info.buffers:
            m.register_buffer(k, v)
        elif isinstance(v, TSObject) and arch.classes[v._qual].is_module:
            m.add_module(k, _build(cls, interp, arch, v, shared))
        elif k == "training":
            m.training = bool(v)
        elif isinstance(v, Tensor):
            m._ts_attrs[k] = v
        else:
            m._ts_attrs[k] = v
    return m


def code_text(info):
    """The ``forward`` source, as torch's ``ScriptModule.code`` shows it."""
    import ast

    fn = info.methods.get("forward")
    if fn is None:
        return ""
    seg = ast.get_source_segment(info.text, fn, padded=True)
    return textwrap.dedent(seg) + "\n"


def graph_text(info):
    """A printable graph: the forward's statements as ``%out = aten::op(%in, ...)``."""
    import ast

    fn = info.methods.get("forward")
    if fn is None:
        return "graph():\n"
    args = ", ".join(f"%{a.arg}" + (f" : {ast.unparse(a.annotation)}" if a.annotation else "")
                     for a in fn.args.args)
    lines = [f"graph({args}):"]
    for st in fn.body:
        if isinstance(st, ast.Assign):
            lhs = ", ".join(f"%{ast.unparse(t)}" for t in st.targets)
            lines.append(f"  {lhs} = {_ir(ast.unparse(st.value))}")
        elif isinstance(st, ast.Return):
            lines.append(f"  return ({_ir(ast.unparse(st.value))})")
    return "\n".join(lines) + "\n"


def _ir(src):
    src = re.sub(r"\btorch\.(\w+)\(", r"aten::\1(", src)
    src = re.sub(r"\bops\.(\w+)\.(\w+)\(", r"\1::\2(", src)
    return re.sub(r"(?<![\w.:\"'%])([A-Za-z_]\w*)\b(?!\s*[(:=])", r"%\1", src)
