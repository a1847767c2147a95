"""A model's module graph as a TensorBoard ``GraphDef``, recorded with forward hooks.

torch traces the model with TorchScript and writes one node per aten op. ember has
no tracer here, so it runs one forward pass in eval mode and writes one node per
leaf-module call, named and scoped as torch scopes them (``Net/Linear[fc1]/3``),
plus the ``input/...`` and ``output/...`` IO nodes and each leaf's parameters
(``Net/Linear[fc1]/weight/weight``, op ``prim::GetAttr``). Inputs of a call are found by
tensor identity, else through the autograd graph, else by shared memory (views).
"""
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
from tensorboard.compat.proto.versions_pb2 import VersionDef

from .summary import _shape


def _node(name, op, inputs=(), shape=None, attr=""):
    attrs = {"attr": AttrValue(s=attr.encode("utf_8"))}
    if shape is not None:
        attrs["_output_shapes"] = AttrValue(list=AttrValue.ListValue(shape=[_shape(shape)]))
    return NodeDef(name=name, op=op, input=list(inputs), attr=attrs)


def _tensors(x):
    """Tensors in a (nested) tuple/list/dict output, in order."""
    from ..._tensor import Tensor

    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for v in x for t in _tensors(v)]
    if isinstance(x, dict):
        return [t for v in x.values() for t in _tensors(v)]
    return []


def _named_inputs(model, args):
    """``(forward's argument name or None, tensor)`` for each input tensor, as torch names them."""
    import inspect

    try:
        names = list(inspect.signature(model.forward).parameters)
    except (TypeError, ValueError):
        names = []
    out = []
    for i, a in enumerate(args):
        ts = _tensors(a)
        name = names[i] if i < len(names) and len(ts) == 1 else None
        out += [(name, t) for t in ts]
    return out


class _Recorder:
    """Maps each tensor seen to the graph node that produced it."""

    def __init__(self):
        self.nodes = []
        self.by_id = {}      # id(tensor) -> node name
        self.by_fn = {}      # id(grad_fn) -> node name
        self.keep = []       # tensors kept alive so ids stay unique
        self.params = set()  # parameter node names already written
        self.count = 0

    def produce(self, t, name):
        self.by_id[id(t)] = name
        if t.grad_fn is not None:
            self.by_fn[id(t.grad_fn)] = name
        self.keep.append(t)

    def source(self, t):
        """The node a tensor came from: itself, the nearest recorded autograd ancestor,
        or a recorded tensor it is a view of."""
        import numpy as np

        name = self.by_id.get(id(t))
        if name is not None:
            return [name]
        if t.grad_fn is not None:
            found, seen, stack = [], set(), [t.grad_fn]
            while stack:
                fn = stack.pop()
                if fn is None or id(fn) in seen:
                    continue
                seen.add(id(fn))
                if id(fn) in self.by_fn:
                    found.append(self.by_fn[id(fn)])
                    continue
                stack.extend(f for f, _ in getattr(fn, "next_functions", ()))
            if found:
                return sorted(set(found), key=found.index)
        for k in reversed(self.keep):
            if np.shares_memory(k._data, t._data):
                return [self.by_id[id(k)]]
        return []


def graph(model, args, verbose=False):
    """``(GraphDef, RunMetadata)`` for ``model`` called on ``args`` (a tensor or a tuple)."""
    from ..._tensor import Tensor

    if isinstance(args, Tensor):
        args = (args,)
    elif args is None:
        args = ()
    args = tuple(args)
    base = type(model).__name__
    scopes = {m: name for name, m in model.named_modules()}
    rec = _Recorder()
    for i, (arg, t) in enumerate(_named_inputs(model, args)):
        name = f"input/{arg or f'input.{i + 1}'}"
        rec.nodes.append(_node(name, "IO Node", shape=t.shape))
        rec.produce(t, name)

    def scope_of(mod):
        parts, path = [base], ""
        for p in scopes[mod].split(".") if scopes[mod] else []:
            path = f"{path}.{p}" if path else p
            parts.append(f"{type(model.get_submodule(path)).__name__}[{p}]")
        return "/".join(parts)

    def hook(mod, inputs, output):
        scope = scope_of(mod)
        srcs = [s for t in _tensors(inputs) for s in rec.source(t)]
        for pname, _ in mod.named_parameters(recurse=False):
            pnode = f"{scope}/{pname}/{pname}"
            if pnode not in rec.params:
                rec.params.add(pnode)
                rec.nodes.append(_node(pnode, "prim::GetAttr", attr=f"{{ name :  {pname} }}"))
            srcs.append(pnode)
        for t in _tensors(output):
            rec.count += 1
            name = f"{scope}/{rec.count}"
            rec.nodes.append(_node(name, type(mod).__name__, srcs, t.shape, attr="{}"))
            rec.produce(t, name)

    leaves = [m for m in scopes if not any(True for _ in m.children())]
    handles = [m.register_forward_hook(hook) for m in leaves]
    was_training = model.training
    model.train(False)
    try:
        out = model(*args)
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    for i, t in enumerate(_tensors(out)):
        rec.nodes.append(_node(f"output/output.{i + 1}", "IO Node", rec.source(t), t.shape))
    if verbose:
        for n in rec.nodes:
            print(n.name, n.op, list(n.input))
    stats = RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device="/device:CPU:0")]))
    return GraphDef(node=rec.nodes, versions=VersionDef(producer=22)), stats
