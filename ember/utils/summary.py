"""``ember.utils.summary(model, input_size)``: a layer table in the style of ``torchinfo``.

One real forward pass (eval mode, no grad) with hooks on every module records the
call tree, input and output shapes; parameter counts, mult-adds and sizes follow
torchinfo's rules. The module is callable: ``ember.utils.summary(model, ...)``.
"""
import math
import sys
import types

__all__ = ["summary", "ModelStatistics", "LayerInfo"]

COLUMNS = {"input_size": "Input Shape", "output_size": "Output Shape", "num_params": "Param #",
           "params_percent": "Param %", "kernel_size": "Kernel Shape", "mult_adds": "Mult-Adds",
           "trainable": "Trainable"}


def _first_shape(x):
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return list(x.shape)
    if isinstance(x, (tuple, list)):
        for v in x:
            s = _first_shape(v)
            if s is not None:
                return s
    if isinstance(x, dict):
        return _first_shape(list(x.values()))
    return None


def _nbytes(x):
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return x._data.nbytes
    if isinstance(x, (tuple, list)):
        return sum(_nbytes(v) for v in x)
    if isinstance(x, dict):
        return sum(_nbytes(v) for v in x.values())
    return 0


class LayerInfo:
    """One module call: where it sits in the tree and what it computed."""

    def __init__(self, module, depth, depth_index, parent):
        self.module, self.depth, self.depth_index, self.parent = module, depth, depth_index, parent
        self.class_name = type(module).__name__
        self.children = []
        self.is_leaf_layer = not any(True for _ in module.children())
        self.is_recursive = False
        self.input_size = self.output_size = None
        self.output_bytes = 0
        params = list(module.named_parameters())
        self.num_params = sum(p.numel() for _, p in params)
        self.trainable_params = sum(p.numel() for _, p in params if p.requires_grad)
        self.param_bytes = sum(p._data.nbytes for _, p in params)
        k = getattr(module, "kernel_size", None)
        self.kernel_size = list(k) if isinstance(k, (tuple, list)) else k
        self.macs = 0

    def calculate_macs(self):
        """torchinfo's count: a weight or bias times the output positions it is used at."""
        out = self.output_size or [1]
        for name, p in self.module.named_parameters():
            if name in ("weight", "bias"):
                pos = math.prod(out[:1] + out[2:]) if "Conv" in self.class_name else out[0]
                self.macs += p.numel() * pos
            elif "weight" in name or "bias" in name:  # RNN weight_ih_l0, ...
                self.macs += math.prod(out[:2]) * p.numel()

    def leftover_params(self):
        """Parameters held directly, not by a child shown in the table."""
        return sum(p.numel() for p in self.module.parameters(recurse=False))

    def leftover_trainable_params(self):
        return sum(p.numel() for p in self.module.parameters(recurse=False) if p.requires_grad)

    @property
    def trainable(self):
        if self.num_params == 0:
            return "--"
        if self.trainable_params == 0:
            return "False"
        return "True" if self.trainable_params == self.num_params else "Partial"

    def num_params_to_str(self, at_max_depth):
        if self.num_params == 0:
            return "--"
        if self.is_recursive:
            return "(recursive)"
        if at_max_depth or self.is_leaf_layer:
            s = f"{self.num_params:,}"
            return s if self.trainable_params else f"({s})"
        left = self.leftover_params()
        return f"{left:,}" if left > 0 else "--"

    def params_percent(self, total, at_max_depth):
        if total == 0:
            return "     --"
        if self.is_recursive:
            return "(recursive)"
        n = self.num_params if at_max_depth or self.is_leaf_layer else self.leftover_params()
        return f"{n / total:>7.2%}" if n else "     --"

    def macs_to_str(self, at_max_depth):
        if self.is_leaf_layer:
            return f"{self.macs:,}" if self.macs > 0 else "--"
        if at_max_depth:
            total = sum(c.macs for c in _descendants(self) if c.is_leaf_layer)
            return f"{total:,}" if total > 0 else "--"
        return "--"

    def __repr__(self):
        return f"{self.class_name}: {self.depth}-{self.depth_index}"


def _descendants(info):
    for c in info.children:
        yield c
        yield from _descendants(c)


class ModelStatistics:
    """The result of ``summary``: ``summary_list`` of LayerInfo, totals, and the printed table."""

    def __init__(self, summary_list, input_bytes, depth, col_names, col_width=25):
        self.summary_list, self.total_input = summary_list, input_bytes
        self.depth, self.col_names, self.col_width = depth, tuple(col_names), col_width
        self.total_params = self.trainable_params = self.total_mult_adds = 0
        self.total_param_bytes = self.total_output_bytes = 0
        for info in summary_list:
            if info.is_leaf_layer:
                self.total_mult_adds += info.macs
                if info.num_params > 0:
                    self.total_output_bytes += info.output_bytes * 2  # x2: the gradients
                if info.is_recursive:
                    continue
                self.total_params += info.num_params
                self.trainable_params += info.trainable_params
                self.total_param_bytes += info.param_bytes
            elif not info.is_recursive:
                self.total_params += info.leftover_params()
                self.trainable_params += info.leftover_trainable_params()
                self.total_param_bytes += sum(p._data.nbytes for p in info.module.parameters(recurse=False))
        longest = max((i.depth * 5 + 1 + len(repr(i)) for i in summary_list), default=0)
        self.name_width = max(40, math.ceil(longest / 5) * 5)

    @property
    def non_trainable_params(self):
        return self.total_params - self.trainable_params

    def _row(self, name, values):
        line = f"{name:<{self.name_width}} " + "".join(f"{v:<{self.col_width}} " for v in values)
        return line.rstrip() + "\n"

    def __str__(self):
        bar = "=" * (self.name_width + self.col_width * len(self.col_names))
        lines = [bar + "\n", self._row("Layer (type:depth-idx)", [COLUMNS[c] for c in self.col_names]),
                 bar + "\n"]
        for info in self.summary_list:
            if info.depth > self.depth:
                continue
            at_max = info.depth == self.depth
            start = ("" if info.depth == 0 else "├─" if info.depth == 1
                     else "│    " * (info.depth - 1) + "└─")
            vals = {"input_size": str(info.input_size) if info.input_size else "--",
                    "output_size": str(info.output_size) if info.output_size else "--",
                    "num_params": info.num_params_to_str(at_max),
                    "params_percent": info.params_percent(self.total_params, at_max),
                    "kernel_size": str(info.kernel_size) if info.kernel_size else "--",
                    "mult_adds": info.macs_to_str(at_max), "trainable": info.trainable}
            name = info.class_name if info.depth == 0 else repr(info)
            lines.append(self._row(start + name, [vals[c] for c in self.col_names]))
        mb = lambda b: f"{b / 1e6:0.2f}"  # noqa: E731
        macs = self.total_mult_adds
        unit, div = ("T", 1e12) if macs >= 1e12 else ("G", 1e9) if macs >= 1e9 else ("M", 1e6)
        macs = macs / div
        macs = f"{int(macs):,d}" if macs.is_integer() else f"{macs:,.2f}"
        lines += [bar + "\n", f"Total params: {self.total_params:,}\n",
                  f"Trainable params: {self.trainable_params:,}\n",
                  f"Non-trainable params: {self.non_trainable_params:,}\n",
                  f"Total mult-adds ({unit}): {macs}\n", bar + "\n",
                  f"Input size (MB): {mb(self.total_input)}\n",
                  f"Forward/backward pass size (MB): {mb(self.total_output_bytes)}\n",
                  f"Params size (MB): {mb(self.total_param_bytes)}\n",
                  f"Estimated Total Size (MB): "
                  f"{mb(self.total_input + self.total_output_bytes + self.total_param_bytes)}\n", bar]
        return "".join(lines)

    __repr__ = __str__


def summary(model, input_size=None, input_data=None, depth=3,
            col_names=("output_size", "num_params"), col_width=25, dtypes=None, verbose=1):
    """Layer tree, output shapes, parameter counts, mult-adds and sizes of ``model``,
    from one forward pass on ``input_data`` or on random tensors of ``input_size``
    (a shape, or a list of shapes for several inputs). Printed when ``verbose`` >= 1.

    >>> import ember.vision
    >>> s = summary(ember.vision.models.resnet18(), input_size=(1, 3, 224, 224), verbose=0)
    >>> s.total_params
    11689512
    """
    import ember

    bad = set(col_names) - set(COLUMNS)
    if bad:
        raise ValueError(f"{sorted(bad)} is not a valid column name; choose from {list(COLUMNS)}")
    if input_data is None and input_size is not None:
        sizes = [input_size] if all(isinstance(d, int) for d in input_size) else list(input_size)
        dtypes = dtypes or [ember.float32] * len(sizes)
        input_data = [ember.randn(*s).to(dt) for s, dt in zip(sizes, dtypes)]
    if input_data is None:
        raise ValueError("summary needs input_size or input_data to run a forward pass")
    args = list(input_data) if isinstance(input_data, (list, tuple)) else [input_data]
    infos, stack, seen, counters = [], [], set(), {}

    def pre(mod, inputs):
        d = len(stack)
        counters[d] = counters.get(d, 0) + 1
        info = LayerInfo(mod, d, counters[d], stack[-1] if stack else None)
        info.is_recursive = id(mod) in seen
        seen.add(id(mod))
        info.input_size = _first_shape(inputs)
        if info.parent is not None:
            info.parent.children.append(info)
        infos.append(info)
        stack.append(info)

    def post(mod, inputs, output):
        info = stack.pop()
        info.output_size = _first_shape(output)
        info.output_bytes = _nbytes(output)
        info.calculate_macs()

    handles = []
    for m in model.modules():
        handles += [m.register_forward_pre_hook(pre), m.register_forward_hook(post)]
    was_training = model.training
    model.eval()
    try:
        with ember.no_grad():
            model(*args)
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    stats = ModelStatistics(infos, sum(_nbytes(a) for a in args), depth, col_names, col_width)
    if verbose:
        print(stats)
    return stats


class _CallableModule(types.ModuleType):
    """``ember.utils.summary(...)`` calls ``summary``, as ``torchinfo.summary`` is called."""

    def __call__(self, *args, **kwargs):
        return summary(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
