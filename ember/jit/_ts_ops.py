"""The ``torch.<op>`` calls of TorchScript source, run with ember's functions.

TorchScript code calls aten operators with their schema's argument order
(``torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
eps, cudnn_enabled)``), which is not always the Python API's. ``OPS`` holds an adapter
where the two differ; ``lookup`` falls back to ``ember.<name>`` and then to the Tensor
method of that name (``torch.view(x, [2, -1])`` is ``x.view([2, -1])``). An operator
with neither raises ``NotImplementedError`` naming ``aten::<name>``.
"""
import numpy as np

__all__ = ["SCALAR_TYPE", "lookup", "dtype_of", "clean_kwargs"]

# c10::ScalarType codes (the ``dtype=6`` of TorchScript source)
SCALAR_TYPE = {"uint8": 0, "int8": 1, "int16": 2, "int32": 3, "int64": 4, "float16": 5,
               "float32": 6, "float64": 7, "complex64": 9, "complex128": 10, "bool": 11,
               "bfloat16": 15}
_BY_CODE = {v: k for k, v in SCALAR_TYPE.items()}
_INT64_MAX = 9223372036854775807


def dtype_of(code):
    """A ScalarType code (or a dtype) -> ember dtype."""
    from .. import _dtype as D

    if code is None or isinstance(code, D.dtype):
        return code
    if type(code) is int and code in _BY_CODE:
        return getattr(D, _BY_CODE[code])
    raise NotImplementedError(f"ember.jit.load: ScalarType {code!r} is not supported")


def clean_kwargs(kw):
    """Drop the placement arguments aten factories take (layout, pin_memory, memory_format)."""
    out = {}
    for k, v in kw.items():
        if k in ("layout", "pin_memory", "memory_format", "non_blocking", "copy"):
            continue
        if k == "dtype":
            v = dtype_of(v)
        if k == "device" and v is not None:
            v = str(v)
        out[k] = v
    return out


def _F():
    from ..nn import functional as F
    return F


def _convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups, *rest):
    F = _F()
    nd = w.dim() - 2
    if transposed:
        f = getattr(F, f"conv_transpose{nd}d")
        return f(x, w, b, stride, padding, output_padding, groups, dilation)
    return getattr(F, f"conv{nd}d")(x, w, b, stride, padding, dilation, groups)


def _convolution_mode(x, w, b, stride, padding, dilation, groups):
    return getattr(_F(), f"conv{w.dim() - 2}d")(x, w, b, stride, padding, dilation, groups)


def _conv(nd):
    def f(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
        return getattr(_F(), f"conv{nd}d")(x, w, b, stride, padding, dilation, groups)
    return f


def _batch_norm(x, w, b, rm, rv, training, momentum, eps, cudnn=True):
    return _F().batch_norm(x, rm, rv, w, b, training, momentum, eps)


def _layer_norm(x, shape, w=None, b=None, eps=1e-5, cudnn=True):
    return _F().layer_norm(x, shape, w, b, eps)


def _group_norm(x, groups, w=None, b=None, eps=1e-5, cudnn=True):
    return _F().group_norm(x, groups, w, b, eps)


def _embedding(w, idx, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return _F().embedding(idx, w, None if padding_idx == -1 else padding_idx,
                          scale_grad_by_freq=scale_grad_by_freq)


def _embedding_bag(w, idx, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                   per_sample_weights=None, include_last_offset=False, padding_idx=None):
    from .._tensor import _wrap
    out = _F().embedding_bag(idx, w, offsets, scale_grad_by_freq=scale_grad_by_freq,
                             mode={0: "sum", 1: "mean", 2: "max"}[mode],
                             per_sample_weights=per_sample_weights,
                             include_last_offset=include_last_offset,
                             padding_idx=None if padding_idx is None or padding_idx < 0 else padding_idx)
    empty = _wrap(np.zeros(0, np.int64))
    return out, empty, empty, empty


def _pool(kind, nd):
    def f(x, k, s=(), p=0, *rest):
        F = _F()
        s = s if s else None     # aten's empty stride means "the kernel size"
        if kind in ("max", "maxi"):
            d, ceil = rest + (1, False)[len(rest):]
            return getattr(F, f"max_pool{nd}d")(x, k, s, p, d, ceil, return_indices=kind == "maxi")
        ceil, inc, div = rest + (False, True, None)[len(rest):]
        extra = {} if nd == 1 else {"divisor_override": div}
        return getattr(F, f"avg_pool{nd}d")(x, k, s, p, ceil, inc, **extra)
    return f


def _slice(x, dim=0, start=None, end=None, step=1):
    n = x.shape[dim]
    start = 0 if start is None else start
    end = n if end is None or end >= _INT64_MAX else end
    idx = (slice(None),) * (dim % x.dim()) + (slice(start, end, step),)
    return x[idx]


def _dropout(x, p, train):
    return _F().dropout(x, p, train)


def _to(x, *args, **kw):
    """aten::to's overloads: (dtype, ...), (device, dtype, ...), (other, ...)."""
    from .._tensor import Tensor
    kw = clean_kwargs(kw)
    for a in args:
        if isinstance(a, Tensor):
            return x.to(a)
        if type(a) is int:
            return x.to(dtype_of(a))
    if "dtype" in kw and kw["dtype"] is not None:
        return x.to(kw["dtype"])
    return x


def _factory(name):
    def f(*args, **kw):
        import ember
        kw = clean_kwargs(kw)
        kw.pop("device", None)
        return getattr(ember, name)(*args, **kw)
    return f


def _rnn(mode):
    """aten::lstm / gru / rnn_tanh / rnn_relu over ember's RNN implementation."""
    def f(x, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
        from ..nn.modules import rnn as R
        from ..nn.modules.module import Module

        cls = {"LSTM": R.LSTM, "GRU": R.GRU}.get(mode, R.RNN)
        m = cls.__new__(cls)
        Module.__init__(m)
        ndir = 2 if bidirectional else 1
        per = len(params) // (num_layers * ndir)
        lstm = mode == "LSTM"
        proj = per in (3, 5) and lstm and (per == 5 or not has_biases)
        gates = R._GATES[mode]
        hidden = params[1].shape[0] // gates if not proj else params[per - 1].shape[1]
        d = m.__dict__
        d.update(mode=mode, hidden_size=hidden, num_layers=num_layers, bias=bool(has_biases),
                 batch_first=bool(batch_first), dropout=float(dropout), bidirectional=bool(bidirectional),
                 proj_size=params[per - 1].shape[0] if proj else 0, input_size=x.shape[-1])
        d["training"] = bool(train)
        d["nonlinearity"] = "relu" if mode == "RNN_RELU" else "tanh"
        names, all_w = [], []
        for i in range(num_layers * ndir):
            layer = [f"_w{i}_{j}" for j in range(per)]
            for n, p in zip(layer, params[i * per:(i + 1) * per]):
                d[n] = p
            names += layer
            all_w.append(layer)
        d["_flat_weights_names"], d["_all_weights"] = names, all_w
        hx = tuple(hx) if isinstance(hx, (list, tuple)) else (hx,)
        out, hid = m._forward(x, hx)
        return (out,) + (tuple(hid) if lstm else (hid,))
    return f


def _upsample(mode):
    def f(x, size, *rest):
        if mode in ("nearest", "nearest-exact"):
            scale = rest[0] if rest else None
            corners = None
        else:
            corners, scale = (rest + (None, None)[len(rest):])[:2]
        return _F().interpolate(x, size=size, scale_factor=scale, mode=mode,
                                align_corners=corners)
    return f


def _index(x, indices):
    """aten::index: a list of index tensors, None for a full slice."""
    return x[tuple(slice(None) if i is None else i for i in indices)]


def _size(x, dim=None):
    return tuple(x.shape) if dim is None else x.shape[dim]


def _list(*a):
    return list(a)


def _alias(x):
    return x[...]


OPS = {
    "_convolution": _convolution, "_convolution_mode": _convolution_mode,
    "conv1d": _conv(1), "conv2d": _conv(2), "conv3d": _conv(3),
    "batch_norm": _batch_norm, "layer_norm": _layer_norm, "group_norm": _group_norm,
    "embedding": _embedding, "embedding_bag": _embedding_bag,
    "max_pool1d": _pool("max", 1), "max_pool2d": _pool("max", 2), "max_pool3d": _pool("max", 3),
    "max_pool1d_with_indices": _pool("maxi", 1), "max_pool2d_with_indices": _pool("maxi", 2),
    "max_pool3d_with_indices": _pool("maxi", 3),
    "avg_pool1d": _pool("avg", 1), "avg_pool2d": _pool("avg", 2), "avg_pool3d": _pool("avg", 3),
    "slice": _slice, "dropout": _dropout, "feature_dropout": _dropout, "alpha_dropout": _dropout,
    "to": _to, "size": _size, "alias": _alias, "index": _index,
    "zeros": _factory("zeros"), "ones": _factory("ones"), "full": _factory("full"),
    "arange": _factory("arange"), "empty": _factory("zeros"), "tensor": _factory("tensor"),
    "zeros_like": _factory("zeros_like"), "ones_like": _factory("ones_like"),
    "lstm": _rnn("LSTM"), "gru": _rnn("GRU"), "rnn_tanh": _rnn("RNN_TANH"), "rnn_relu": _rnn("RNN_RELU"),
    "upsample_nearest1d": _upsample("nearest"), "upsample_nearest2d": _upsample("nearest"),
    "upsample_nearest3d": _upsample("nearest"), "upsample_linear1d": _upsample("linear"),
    "upsample_bilinear2d": _upsample("bilinear"), "upsample_bicubic2d": _upsample("bicubic"),
    "upsample_trilinear3d": _upsample("trilinear"),
    "_upsample_nearest_exact1d": _upsample("nearest-exact"), "_upsample_nearest_exact2d": _upsample("nearest-exact"),
    "_upsample_nearest_exact3d": _upsample("nearest-exact"),
    "numel": lambda x: x.numel(), "dim": lambda x: x.dim(),
    "contiguous": lambda x, memory_format=0: x.contiguous(),
    "detach": lambda x: x.detach(),
    "expand": lambda x, size, implicit=False: x.expand(*size),
    "view": lambda x, size: x.view(*size) if isinstance(size, (list, tuple)) else x.view(size),
    "reshape": lambda x, size: x.reshape(*size),
    "permute": lambda x, dims: x.permute(*dims),
    "repeat": lambda x, reps: x.repeat(*reps),
    "constant_pad_nd": lambda x, pad, value=0: _F().pad(x, pad, "constant", value),
    "softmax": lambda x, dim, dtype=None: _F().softmax(x, dim, dtype=dtype_of(dtype)),
    "log_softmax": lambda x, dim, dtype=None: _F().log_softmax(x, dim, dtype=dtype_of(dtype)),
    "sum": lambda x, dim=None, keepdim=False, dtype=None: _reduce("sum", x, dim, keepdim, dtype),
    "mean": lambda x, dim=None, keepdim=False, dtype=None: _reduce("mean", x, dim, keepdim, dtype),
    "linear": lambda x, w, b=None: _F().linear(x, w, b),
    "hardtanh": lambda x, lo=-1.0, hi=1.0: _F().hardtanh(x, lo, hi),
    "elu": lambda x, alpha=1.0, scale=1.0, input_scale=1.0: _F().elu(x, alpha),
    "leaky_relu": lambda x, slope=0.01: _F().leaky_relu(x, slope),
    "softplus": lambda x, beta=1.0, threshold=20.0: _F().softplus(x, beta, threshold),
    "scaled_dot_product_attention": lambda *a, **k: _F().scaled_dot_product_attention(*a, **k),
    "log_sigmoid": lambda x: _F().logsigmoid(x),
    "floor_divide": lambda a, b: a // b,
    "list": _list,
    "adaptive_max_pool1d": lambda x, o: _F().adaptive_max_pool1d(x, o, return_indices=True),
    "adaptive_max_pool2d": lambda x, o: _F().adaptive_max_pool2d(x, o, return_indices=True),
    "adaptive_max_pool3d": lambda x, o: _F().adaptive_max_pool3d(x, o, return_indices=True),
    "reflection_pad1d": lambda x, p: _F().pad(x, p, "reflect"),
    "reflection_pad2d": lambda x, p: _F().pad(x, p, "reflect"),
    "reflection_pad3d": lambda x, p: _F().pad(x, p, "reflect"),
    "replication_pad1d": lambda x, p: _F().pad(x, p, "replicate"),
    "replication_pad2d": lambda x, p: _F().pad(x, p, "replicate"),
    "replication_pad3d": lambda x, p: _F().pad(x, p, "replicate"),
    "_pad_circular": lambda x, p: _F().pad(x, p, "circular"),
    "pad": lambda x, p, mode="constant", value=None: _F().pad(x, p, mode, value),
    "im2col": lambda x, k, d, p, s: _F().unfold(x, k, d, p, s),
    "col2im": lambda x, o, k, d, p, s: _F().fold(x, o, k, d, p, s),
    "unfold": lambda x, dim, size, step: x.unfold(dim, size, step),
    "instance_norm": lambda x, w, b, rm, rv, use_input_stats, momentum, eps, cudnn=True:
        _F().instance_norm(x, rm, rv, w, b, use_input_stats, momentum, eps),
}


def _reduce(name, x, dim, keepdim, dtype):
    import ember
    f = getattr(ember, name)
    dt = dtype_of(dtype)
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0 and name == "sum"):
        return f(x, dtype=dt) if dt is not None else f(x)
    return f(x, tuple(dim) if isinstance(dim, list) else dim, keepdim, dtype=dt)


def lookup(name):
    """The ember callable for TorchScript's ``torch.<name>`` (aten argument order)."""
    f = OPS.get(name)
    if f is not None:
        return f
    if name.startswith("_") or not name.isidentifier():   # the name comes from the file
        raise NotImplementedError(f"ember.jit.load: the TorchScript operator aten::{name} has no "
                                  "ember implementation")
    import ember

    from .._tensor import Tensor

    inplace = name.endswith("_") and not name.endswith("__")
    if name.startswith("linalg_"):      # aten::linalg_det is ember.linalg.det
        g = getattr(ember.linalg, name[len("linalg_"):], None)
        if callable(g):
            return g
    if inplace:     # torch.add_(torch.select(x, 0, 1), 5): in place, so x sees it
        meth = getattr(Tensor, name, None)
        if callable(meth):
            return lambda x, *a, **k: getattr(x, name)(*a, **k)
    g = getattr(ember, name, None)
    if callable(g) and not isinstance(g, type):
        return g
    if inplace:     # no in-place method: the functional op
        return lookup(name[:-1])
    F = _F()
    g = getattr(F, name, None)
    if callable(g):
        return g
    meth = getattr(Tensor, name, None)
    if callable(meth):
        return lambda x, *a, **k: getattr(x, name)(*a, **k)
    raise NotImplementedError(f"ember.jit.load: the TorchScript operator aten::{name} has no "
                              "ember implementation")
