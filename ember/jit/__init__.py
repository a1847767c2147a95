"""``ember.jit``: trace a model into a graph that runs, saves and loads without its class.

    m = ember.jit.trace(model, (x_dense, x_sparse))   # runs model once, records its ops
    m(x_dense, x_sparse)                               # replays the recorded ops
    m.save("wide_deep.pt"); m2 = ember.jit.load("wide_deep.pt")
    print(m.graph); print(m.code)

A trace records the ops one run took: Python control flow is fixed at the branch the
example inputs took. Shape reads (``x.size(0)``, ``x.shape``, ``x.numel()``) are recorded,
as ``torch.jit.trace`` records ``aten::size``: ``x.view(x.size(0), -1)`` and ``flatten``
replay with the new input's batch (``_sym.py``). ``nn.LSTM``/``GRU``/``RNN`` are one node
(torch's ``aten::lstm``) that runs at any batch size and sequence length; comparisons,
``argmax``, ``sort``, index tensors and masks derived from the inputs, factories sized by
shape reads and ``F.interpolate`` are recorded too (``_calls.py``); pooling, group norm and
padding replay at a new image size (``_replay.py``). Numbers read from tensor values
(``x.item()``, ``int(x)``), ``len(x)`` and sizes used in Python control flow or float
math are baked in with a ``TracerWarning``, as torch's tracer does.

Tied weights (one Parameter under two names) stay one tensor: the traced module keeps both
names, the archive pickles it once (torch loads one storage), ``load`` gives one Parameter.

Files are TorchScript archives, both ways. ``save`` writes the zip ``torch.jit.save``
writes (TorchScript source generated from the graph under ``code/``, the module tree
in ``data.pkl``) that ``torch.jit.load`` runs (``_ts_write``, ``_ts_module``).
``load`` reads archives ``torch.jit.trace(...).save(...)`` wrote and runs their code
with ember's ops (``_ts_read``, ``_ts_ops``); their pickles go through a restricted
unpickler. Scripted control flow and ops without an ember spelling fail naming them.

``jit.script`` does not compile Python: it accepts modules that are already traced and
raises ``frontend.NotSupportedError`` (with what to do instead) for anything else.
"""
import inspect

from . import _sym, frontend
from . import _ts_module
from ._graph import trace_graph, TracingError, TracerWarning
from .frontend import NotSupportedError

__all__ = ["trace", "trace_module", "script", "save", "load", "ScriptModule", "TracedModule",
           "ScriptFunction", "ignore", "unused", "export", "is_scripting", "is_tracing",
           "TracingError", "TracerWarning", "frontend", "Error", "annotate", "freeze", "optimize_for_inference"]

Error = RuntimeError
_tracing = [0]


def is_tracing():
    """True while ``ember.jit.trace`` is running the model."""
    return _tracing[0] > 0


def is_scripting():
    """Always False: ember never compiles Python (code guarded by it runs eagerly)."""
    return False


def ignore(drop=False, **kwargs):
    """``@jit.ignore`` / ``@jit.ignore(drop=True)``: a marker; the function runs as Python."""
    if callable(drop):
        drop._ember_jit_ignore = True
        return drop

    def deco(fn):
        fn._ember_jit_ignore = True
        return fn
    return deco


def unused(fn):
    """``@jit.unused``: a marker (the method stays callable from Python)."""
    fn._ember_jit_unused = True
    return fn


def export(fn):
    """``@jit.export``: a marker (methods other than forward are not part of a trace)."""
    fn._ember_jit_export = True
    return fn


def annotate(the_type, the_value):
    return the_value


def _module_base():
    from ..nn.modules.module import Module
    return Module


def _make_classes():
    Module = _module_base()

    class ScriptModule(Module):
        """A module whose forward is a recorded graph (``.graph``, ``.code``, ``.save``)."""

        def __init__(self, graph, tensors, kwnames=(), name="Module", param_names=()):
            super().__init__()
            self._graph = graph
            self._kwnames = tuple(kwnames)
            self._orig_name = name
            for k, t in tensors.items():
                _place(self, k, t, k in param_names)

        def _get_name(self):
            return self._orig_name

        def forward(self, *args, **kwargs):
            flat = []
            _flatten(args, flat)
            for k in self._kwnames:
                if k not in kwargs:
                    raise TypeError(f"forward() missing keyword argument {k!r} it was traced with")
                _flatten(kwargs[k], flat)
            extra = set(kwargs) - set(self._kwnames)
            if extra:
                raise TypeError(f"forward() got unexpected keyword argument(s) {sorted(extra)}")
            tensors = dict(self.named_parameters(remove_duplicate=False))
            tensors.update(self.named_buffers(remove_duplicate=False))
            return self._graph.run(tensors, flat)

        @property
        def graph(self):
            return self._graph

        @property
        def inlined_graph(self):
            return self._graph

        @property
        def code(self):
            return self._graph.code(len(self._graph.inputs))

        def save(self, f, _extra_files=None):
            save(self, f, _extra_files)

        def _param_names(self):
            return {k for k, _ in self.named_parameters(remove_duplicate=False)}

    class TracedModule(ScriptModule):
        pass

    class ScriptFunction(TracedModule):
        """A traced plain function (no parameters)."""

    class RecursiveScriptModule(ScriptModule):
        """A module read from a TorchScript archive: its methods run the archive's code."""

        def _init_loaded(self, interp, info, keys):
            Module.__init__(self)
            self._ts_interp, self._ts_class, self._ts_keys, self._ts_attrs = interp, info, keys, {}
            self.original_name = info.short

        def _get_name(self):
            return self._ts_class.short

        def forward(self, *args, **kwargs):
            return self._ts_interp.call(self, "forward", args, kwargs)

        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                d = self.__dict__
                info = d.get("_ts_class")
                if info is not None and name in info.methods:
                    return lambda *a, **k: d["_ts_interp"].call(self, name, a, k)
                if name in d.get("_ts_attrs", {}):
                    return d["_ts_attrs"][name]
                raise

        @property
        def graph(self):
            return _Text(_ts_module.graph_text(self._ts_class))

        inlined_graph = graph

        @property
        def code(self):
            return _ts_module.code_text(self._ts_class)

        def save(self, f, _extra_files=None):
            save(self, f, _extra_files)

    return ScriptModule, TracedModule, ScriptFunction, RecursiveScriptModule


class _Text(str):
    """``module.graph`` of a loaded archive: prints as the forward's ops."""




def _cls(name):
    g = globals()
    return g[name] if name in g else __getattr__(name)


def __getattr__(name):
    if name in ("ScriptModule", "TracedModule", "ScriptFunction", "RecursiveScriptModule",
                "TopLevelTracedModule"):
        g = globals()
        g["ScriptModule"], g["TracedModule"], g["ScriptFunction"], g["RecursiveScriptModule"] = _make_classes()
        g["TopLevelTracedModule"] = g["TracedModule"]
        return g[name]
    raise AttributeError(f"module 'ember.jit' has no attribute '{name}'")


def _place(root, dotted, t, is_param):
    """Put tensor ``t`` at ``root.<dotted>``, making empty sub-modules on the way."""
    Module = _module_base()
    *path, leaf = dotted.split(".")
    m = root
    for p in path:
        sub = m._modules.get(p)
        if sub is None:
            sub = Module()
            m.add_module(p, sub)
        m = sub
    if is_param:
        from ..nn.parameter import Parameter
        m.register_parameter(leaf, t if isinstance(t, Parameter) else Parameter(t, requires_grad=t.requires_grad))
    else:
        m.register_buffer(leaf, t)


def _flatten(x, out, leaf=None):
    """Append the ``leaf`` instances (tensors by default) of nested tuples/lists/dicts to ``out``."""
    if leaf is None:
        from .._tensor import Tensor as leaf
    if isinstance(x, leaf):
        out.append(x)
    elif type(x) in (tuple, list):
        for a in x:
            _flatten(a, out, leaf)
    elif type(x) is dict:
        for a in x.values():
            _flatten(a, out, leaf)


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):
    """Run ``func`` (a Module or function) on ``example_inputs`` and record its ops.

    ``example_inputs``: a tensor or a tuple of positional arguments;
    ``example_kwarg_inputs``: a dict of keyword arguments. Returns a ``TracedModule``
    (``ScriptFunction`` for a plain function) sharing ``func``'s parameters.
    """
    from .._tensor import Tensor

    ScriptModule = _cls("ScriptModule")
    if isinstance(func, ScriptModule):
        return func
    if example_inputs is None:
        example_inputs = ()
    args = (example_inputs,) if isinstance(example_inputs, Tensor) else tuple(example_inputs)
    kwargs = dict(example_kwarg_inputs or {})
    return _trace(func, args, kwargs)


def _trace_for_export(func, args, kwargs):
    """(graph, {name: tensor}) for ``ember.onnx.export``."""
    m = _trace(func, args, kwargs, calls=False)
    for n in m._graph.nodes:    # ONNX reads the sizes the trace saw (dynamic_axes re-traces)
        n.args = [_sym.concrete(a) for a in n.args]
        n.kwargs = {k: _sym.concrete(a) for k, a in n.kwargs.items()}
    state = dict(m.named_parameters(remove_duplicate=False))
    state.update(m.named_buffers(remove_duplicate=False))
    return m._graph, state


def _trace(func, args, kwargs, calls=True):
    Module = _module_base()
    is_mod = isinstance(func, Module)
    named, buffers, tensors, pnames = {}, [], {}, set()
    if is_mod:   # every name of a shared (tied) tensor, the graph reading it by its first
        for k, p in func.named_parameters(remove_duplicate=False):
            named.setdefault(id(p), k)
            tensors[k] = p
            pnames.add(k)
        for k, b in func.named_buffers(remove_duplicate=False):
            named.setdefault(id(b), k)
            tensors[k] = b
            buffers.append((k, b))
    _tracing[0] += 1
    try:
        graph, _ = trace_graph(func, args, kwargs, named, buffers, calls)
    finally:
        _tracing[0] -= 1
    if not is_mod:
        return _cls("ScriptFunction")(graph, {}, kwargs, getattr(func, "__name__", "fn"))
    m = _cls("TracedModule")(graph, tensors, kwargs, type(func).__name__, pnames)
    m._ts_types = {p: (type(s).__module__, type(s).__name__) for p, s in func.named_modules()}
    for p, s in m.named_modules():      # training flags of the submodules, as traced
        src = func.get_submodule(p) if p else func
        s.training = src.training
    return m


def trace_module(mod, inputs, **kw):
    """``inputs``: {"forward": example_inputs}; only ``forward`` is traced."""
    if set(inputs) != {"forward"}:
        raise NotSupportedError("ember.jit.trace_module traces only the 'forward' method")
    return trace(mod, inputs["forward"], **kw)


def save(m, f, _extra_files=None):
    """Write a traced module to ``f`` (a path or a binary file) as a TorchScript archive.

    ``torch.jit.load`` (and libtorch's ``torch::jit::load``) runs the result: the code is
    TorchScript source generated from the recorded graph, the weights are the module's.
    An op ember cannot spell in TorchScript raises ``NotImplementedError`` naming it.
    ``_extra_files``: {name: str or bytes} stored under ``extra/``.
    """
    ScriptModule = _cls("ScriptModule")
    if not isinstance(m, ScriptModule):
        raise TypeError(f"ember.jit.save expects a module returned by ember.jit.trace or "
                        f"ember.jit.load, got {type(m).__name__} (use ember.save for plain "
                        "modules and state_dicts)")
    f = _path(f)
    name = _ts_module.archive_name(f)
    write = _ts_module.save_loaded if isinstance(m, _cls("RecursiveScriptModule")) else _ts_module.save_traced
    if isinstance(f, str):
        from .._atomic_write import replacing

        with replacing(f) as tmp:
            write(m, tmp, _extra_files, name)
    else:
        write(m, f, _extra_files, name)


def load(f, map_location=None, _extra_files=None):
    """Load a TorchScript archive (``torch.jit.save`` or ``ember.jit.save`` wrote it).

    The result is a ``RecursiveScriptModule``: parameters, buffers and submodules by
    their names, ``forward`` runs the archive's TorchScript code with ember's ops,
    ``.code``/``.graph`` print it. The archive's pickles are read by a restricted
    unpickler (a file cannot run code); control flow from ``torch.jit.script`` and
    operators ember lacks are refused at load with ``NotImplementedError``.
    ``_extra_files``: {name: ""} filled with the stored bytes.
    """
    import os
    import zipfile

    p = _path(f)
    if isinstance(p, (str, os.PathLike)) and not os.path.exists(p):
        raise ValueError(f"The provided filename {p} does not exist")
    if isinstance(p, str) and os.path.isdir(p):
        raise ValueError(f"The provided filename {p} is a directory")
    if map_location is not None:
        from .._device import check_device

        if not callable(map_location) and not isinstance(map_location, dict):
            check_device(map_location)
    try:
        return _ts_module.load(p, _extra_files)
    except zipfile.BadZipFile:
        raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding "
                           "central directory (ember.jit.load: not a TorchScript archive)") from None


def _path(f):
    import os

    return os.fspath(f) if isinstance(f, os.PathLike) else f


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """TorchScript's compiler is not part of ember.

    Accepted: a module ``ember.jit.trace`` returned (returned as is). ``DataParallel``
    raises TorchScript's own error. Anything else raises ``NotSupportedError`` that
    points at ``jit.trace``: ember does not compile Python control flow.
    """
    from ..nn.parallel import DataParallel

    ScriptModule = _cls("ScriptModule")
    if isinstance(obj, ScriptModule):
        return obj
    if isinstance(obj, DataParallel):
        fwd = type(obj).forward
        try:
            src, line = inspect.getsourcelines(fwd)
            where = f"\n  File \"{inspect.getsourcefile(fwd)}\", line {line}\n    {src[0].strip()}\n"
        except (OSError, TypeError):
            where = "\ndef forward(self, *inputs, **kwargs):\n"
        raise NotSupportedError(
            "Compiled functions can't take variable number of arguments or use keyword-only "
            "arguments with defaults:" + where)
    what = type(obj).__name__ if not callable(obj) or isinstance(obj, _module_base()) else getattr(
        obj, "__name__", type(obj).__name__)
    raise NotSupportedError(
        f"ember.jit.script cannot compile {what}: ember has no TorchScript compiler, so Python "
        "control flow is not turned into a graph. What ember supports: ember.jit.trace(model, "
        "example_inputs) records the ops one run takes (control flow fixed at the branches the "
        "example took), and the traced module saves with .save() and loads with ember.jit.load "
        "without its Python class; ember.jit.script accepts such a traced module. For export to "
        "other runtimes use ember.onnx.export.")


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """Returned as is: a traced graph already holds its weights by value."""
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod
