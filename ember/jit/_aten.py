"""PyTorch's ``aten::`` operator name for each ember op: the one table the profiler
and the traced graph's printout share.

An op class's ``name`` is its autograd node name (``AddmmBackward0``); the aten name
is that without ``Backward<n>``, in snake case (``aten::addmm``), except where the
table below says otherwise (``F.linear`` runs ``_Linear``: ``aten::linear``).
"""
import re

__all__ = ["aten_name"]

# op class attribute name (or autograd node name) -> aten name
_BY_ATTR = {
    "_Linear": "linear", "_Embedding": "embedding", "_EmbBag": "embedding_bag",
    "_ConvTransposeNd": "conv_transpose{nd}d", "_LayerNormOp": "layer_norm",
    "_GroupNormOp": "group_norm", "Matmul": "mm", "Square": "square", "RSub": "rsub",
    "RDiv": "div", "RPow": "pow", "Softsign": "softsign", "Tanhshrink": "tanhshrink",
    "Prelu": "prelu", "Cat": "cat", "Stack": "stack", "ToCopy": "to",
    "ember.ops.linalg:UnsafeView": "matmul", "ember.ops.shape:UnsafeView": "reshape",
    "ember.ops.shape:Reshape": "reshape",
}
_BY_NODE = {
    "ConvolutionBackward0": "conv{nd}d", "NativeBatchNormBackward0": "batch_norm",
    "NativeLayerNormBackward0": "layer_norm", "NativeGroupNormBackward0": "group_norm",
    "MaxPool2DWithIndicesBackward0": "max_pool2d", "MaxPool1DWithIndicesBackward0": "max_pool1d",
    "MaxPool3DWithIndicesBackward0": "max_pool3d", "AvgPool2DBackward0": "avg_pool2d",
    "AvgPool1DBackward0": "avg_pool1d", "AvgPool3DBackward0": "avg_pool3d",
    "AdaptiveAvgPool2DBackward0": "adaptive_avg_pool2d",
    "AdaptiveAvgPool1DBackward0": "adaptive_avg_pool1d",
    "AdaptiveMaxPool2DBackward0": "adaptive_max_pool2d", "ClampBackward1": "clamp",
    "MaxBackward1": "max", "MinBackward1": "min", "TBackward0": "t",
    "CopyBackwards": "copy_", "Log1PBackward0": "log1p", "NllLossBackward0": "nll_loss",
    "LinalgVectorNormBackward0": "linalg_vector_norm", "IndexBackward0": "index",
    "AliasBackward0": "alias",
}
_CACHE = {}


def aten_name(cls, kwargs=None):
    """``aten::<name>`` for op class ``cls`` (``kwargs``: the op's, for conv's ``nd``)."""
    name = _CACHE.get(cls)
    if name is None:
        name = _CACHE[cls] = _lookup(cls)
    if "{nd}" in name:
        name = name.replace("{nd}", str((kwargs or {}).get("nd", 2)))
    return name


def _lookup(cls):
    from ._graph import TracingError, op_key

    node = getattr(cls, "name", None)
    if not isinstance(node, str):
        node = cls.__name__
    try:
        key = op_key(cls)
    except TracingError:
        key = ":"
    base = _BY_ATTR.get(key) or _BY_ATTR.get(key.split(":", 1)[1]) or _BY_NODE.get(node)
    if base is None:
        stem = re.sub(r"Backward\d*$", "", node)
        base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", stem).lower()
    return "aten::" + base
