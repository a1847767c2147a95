"""``ember.onnx.export``: trace a model and write it as an ONNX graph.

    ember.onnx.export(model, (x,), "model.onnx", input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})

The model runs once (``ember.jit``'s tracer records its ops); each op becomes ONNX
operators (``_convert.py``), parameters become initializers. Needs the ``onnx``
package (``pip install ember[export]``); an op without a conversion raises
``UnsupportedOperatorError`` naming it. ``args`` as ``torch.onnx.export``: a tensor, a
tuple of positional arguments, or a dict (alone, or last in the tuple) of keyword
arguments, as the TorchScript-based exporter reads it.

``dynamic_axes``: the model is traced a second time with each dynamic axis longer
(``_dynshape.py``); reshape/expand/split sizes that change read the input shapes at run
time, and a graph whose structure or constants change with the axis (a Python loop over
it, an interpolation matrix) raises ``UnsupportedOperatorError``. ``nn.LSTM``/``GRU``/``RNN``
become ONNX's LSTM/GRU/RNN operators (``_rnn.py``): batch and sequence length may be dynamic.
"""
import enum

__all__ = ["export", "TrainingMode", "OperatorExportTypes", "UnsupportedOperatorError",
           "is_in_onnx_export"]

_DEFAULT_OPSET = 20   # torch 2.13's default
_exporting = [False]


class TrainingMode(enum.IntEnum):
    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def is_in_onnx_export():
    return _exporting[0]


def __getattr__(name):
    if name == "UnsupportedOperatorError":
        from ._convert import UnsupportedOperatorError
        return UnsupportedOperatorError
    raise AttributeError(f"module 'ember.onnx' has no attribute '{name}'")


def _split_args(args, kwargs):
    """torch's reading of ``args``: tensor -> (tensor,); a trailing dict -> keyword args."""
    from .._tensor import Tensor

    if isinstance(args, Tensor):
        return (args,), dict(kwargs or {})
    if isinstance(args, dict):
        return (), {**args, **(kwargs or {})}
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    if args and isinstance(args[-1], dict) and not kwargs:
        return args[:-1], dict(args[-1])
    return args, dict(kwargs or {})


def export(model, args=(), f=None, *, kwargs=None, export_params=True, verbose=False,
           training=TrainingMode.EVAL, input_names=None, output_names=None,
           operator_export_type=OperatorExportTypes.ONNX, opset_version=None,
           do_constant_folding=True, dynamic_axes=None, keep_initializers_as_inputs=False,
           custom_opsets=None, export_modules_as_functions=False, dynamo=False, **ignored):
    """Export ``model`` run on ``args`` to ``f`` (a path or binary file); returns the
    ``onnx.ModelProto``. ``dynamic_axes``: {name: {axis: dim_name}} or {name: [axes]}."""
    try:
        import onnx
    except ImportError:
        raise ImportError("ember.onnx.export needs the onnx package: pip install onnx "
                          "(or ember[export])") from None
    from ..jit import _trace_for_export
    from ._rnn import record_recurrent

    opset = _DEFAULT_OPSET if opset_version is None else int(opset_version)
    pos, kw = _split_args(args, kwargs)
    is_mod = hasattr(model, "train") and hasattr(model, "training")
    was = model.training if is_mod else None
    if is_mod and training != TrainingMode.PRESERVE:
        model.train(training == TrainingMode.TRAINING)
    _exporting[0] = True
    graph2 = None
    rec = record_recurrent()
    rec.__enter__()
    try:
        graph, state = _trace_for_export(model, pos, kw)
        dyn = _dynamic(dynamic_axes)
        names = list(input_names or [])
        grow = {i: dict(dyn[n]) for i, v in enumerate(graph.inputs)
                for n in [names[i] if i < len(names) else v.name] if dyn.get(n)}
        if grow and not (is_mod and model.training):   # a second run would update BatchNorm stats again
            from ._convert import UnsupportedOperatorError
            from ._dynshape import second_trace
            try:
                graph2 = second_trace(model, pos, kw, grow)
            except Exception as e:
                raise UnsupportedOperatorError(
                    f"dynamic_axes: the model fails on inputs of other sizes along the dynamic axes "
                    f"({type(e).__name__}: {e}); export without those axes in dynamic_axes") from e
    finally:
        rec.__exit__(None, None, None)
        _exporting[0] = False
        if is_mod:
            model.train(was)
    proto = _build(graph, state, opset, input_names, output_names, dynamic_axes,
                   export_params, keep_initializers_as_inputs, onnx, graph2)
    if verbose:
        printer = getattr(onnx, "printer", None)
        print(printer.to_text(proto.graph) if printer else onnx.helper.printable_graph(proto.graph))
    if f is not None:
        onnx.save(proto, f)
    return proto


def _build(graph, state, opset, input_names, output_names, dynamic_axes, export_params,
           keep_inits, onnx, graph2=None):
    import numpy as np
    from onnx import helper, numpy_helper

    from ..jit import _flatten
    from ..jit._aten import aten_name
    from ..jit._graph import Value, op_class
    from ._convert import CONVERTERS, Ctx, UnsupportedOperatorError
    from ._rnn import RNN_KEY, rnn_aten

    def aten(node):
        return rnn_aten(node.kwargs) if node.key == RNN_KEY else aten_name(op_class(node.key), node.kwargs)

    params = {k: t._data for k, t in state.items()}
    c = Ctx(opset, params)
    c.fold_params = bool(export_params and not keep_inits)   # parameters may be folded into constants
    in_names = list(input_names or [])
    outs_flat = []
    _flatten(graph.outputs, outs_flat, Value)
    out_names = list(output_names or [])
    dyn = _dynamic(dynamic_axes)

    # graph inputs: user tensors, then (when asked) parameters as inputs
    inputs, initializers = [], []
    for i, v in enumerate(graph.inputs):
        name = in_names[i] if i < len(in_names) else v.name
        c.names[v.id] = name
        inputs.append(_vinfo(helper, name, v, dyn.get(name, {})))
    c.dynamic = {v.id: set(dyn.get(c.names[v.id], {})) for v in graph.inputs}
    for name, v in graph.params.items():
        c.names[v.id] = name
        if export_params:
            initializers.append(numpy_helper.from_array(np.ascontiguousarray(params[name]), name))
        if keep_inits or not export_params:
            inputs.append(_vinfo(helper, name, v, {}))
    if graph2 is not None:
        from ._dynshape import DynShapes
        c.dyn = DynShapes(graph, graph2)
    for v, a in graph.consts.items():
        c.names[v.id] = c.const(a)
        if c.dyn is not None and c.dyn.dynamic_axes(v):
            a = np.asarray(a)
            if a.size == 0 or not (a == a.flat[0]).all():
                raise UnsupportedOperatorError(
                    f"a tensor of shape {list(a.shape)} created inside forward depends on a dynamic axis "
                    "and is not constant-filled: pass it as an input or drop that axis from dynamic_axes")
            shape = c.dyn.shape(c, v.shape, c.dyn.shape2[v.id], infer=False)
            c.names[v.id] = c.op("Expand", [c.const(a.reshape(-1)[:1].reshape(())), shape])

    for node in graph.nodes:
        attr = node.key.split(":", 1)[1]
        conv = CONVERTERS.get(node.key) or CONVERTERS.get(attr)
        if conv is None:
            cls = op_class(node.key)
            raise UnsupportedOperatorError(
                f"Exporting the operator '{aten_name(cls, node.kwargs)}' ({cls.__name__}, "
                f"{node.key}) to ONNX opset version {opset} is not supported by ember")
        if c.dyn is not None:
            from ._dynshape import check_node
            c.dyn.current = c.dyn.node2[id(node)]
            check_node(node, c.dyn.current, aten(node))
        res = conv(c, node.args, node.kwargs)
        res = res if isinstance(res, list) else [res]
        for v, r in zip(node.outputs, res):
            c.names[v.id] = r
            if c.dyn is not None:
                c.dynamic[v.id] = c.dyn.dynamic_axes(v)
                continue
            src = node.args[0] if node.args and type(node.args[0]) is Value else None
            if src is not None and src.id in c.dynamic:   # batch dims flow through
                c.dynamic[v.id] = {a for a in c.dynamic[src.id] if a < len(v.shape)}

    outputs = []
    for i, v in enumerate(outs_flat):
        want = out_names[i] if i < len(out_names) else (
            "output" if len(outs_flat) == 1 else f"output_{i}")
        have = c.names[v.id]
        if have != want:
            c.nodes.append(helper.make_node("Identity", [have], [want], name=f"/Identity_out_{i}"))
        # axes that follow a dynamic input axis are symbolic even when not named (as torch's
        # shape inference leaves them): a fixed size would let ONNX Runtime assume it
        odyn = {a: f"{want}_dim_{a}" for a in sorted(c.dynamic.get(v.id, ())) if a < len(v.shape)}
        odyn.update(dyn.get(want, {}))
        outputs.append(_vinfo(helper, want, v, odyn))
    if c.fold_params:   # parameters only read by folded constants (re-ordered RNN weights) go
        used = {n for node in c.nodes for n in node.input} | {o.name for o in outputs}
        initializers = [t for t in initializers if t.name in used]
    g = helper.make_graph(c.nodes, "main_graph", inputs, outputs, initializer=initializers + c.inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="ember", producer_version=_version())
    model.ir_version = min(model.ir_version, _ir_for(opset))
    onnx.checker.check_model(model)
    return model


def _ir_for(opset):
    # ONNX Runtime reads IR up to the one each opset shipped with
    return {17: 8, 18: 8, 19: 9, 20: 9, 21: 10}.get(opset, 8 if opset < 17 else 10)


def _version():
    from .. import __version__
    return __version__


def _vinfo(helper, name, v, dyn):
    import numpy as np

    shape = [dyn[i] if i in dyn else s for i, s in enumerate(v.shape)]
    return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(v.dtype)), shape)


def _dynamic(dynamic_axes):
    """{name: {axis: dim_name}} from either of torch's forms (a list gets generated names)."""
    out = {}
    for name, axes in (dynamic_axes or {}).items():
        if isinstance(axes, dict):
            out[name] = {int(a): str(n) for a, n in axes.items()}
        else:
            out[name] = {int(a): f"{name}_dynamic_axes_{i + 1}" for i, a in enumerate(axes)}
    return out
