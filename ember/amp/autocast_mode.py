"""``autocast``: run chosen ops in lower precision, as torch's CPU autocast does.

Inside ``autocast("cpu")`` (bfloat16 by default, or ``dtype=torch.float16``):

* matrix products and convolutions (``linear``, ``matmul``/``mm``/``bmm``, ``addmm``,
  ``baddbmm``, ``addbmm``, ``einsum``/``tensordot``, ``conv*``, ``conv_transpose*``, ``prelu``,
  and what is built on them: attention, RNN layers) cast their float32 inputs to the lower
  dtype; they accumulate in float32 and round the result, as torch's CPU kernels do;
* losses and precision-sensitive ops (``mse_loss``, ``cross_entropy``, ``nll_loss``, ... ,
  ``prod``, ``cdist``, ``trace``, ``inverse``, 3-D pooling, reflection/replication padding,
  ``grid_sample``) cast lower-precision inputs up to float32;
* every other op runs in the dtype of its inputs. float64 tensors are never cast.

The casts are recorded by autograd, so gradients reach float32 parameters as float32.
"""
import functools

from .. import _dtype as D
from ..ops import _apply

__all__ = ["autocast", "custom_fwd", "custom_bwd", "is_autocast_available"]

_DEVICES = ("cpu", "cuda", "xpu", "mps", "hpu", "xla", "mtia", "maia", "ipu")
# device -> [enabled, dtype]: torch's defaults (CPU bfloat16, CUDA float16)
_state = {d: [False, D.bfloat16 if d == "cpu" else D.float16] for d in _DEVICES}
_cache_enabled = [True]
_nesting = [0]

_LOWER, _FP32, _FP32_3D = "lower", "fp32", "fp32 on 5-D input"


def _policy_table():
    """Op class -> policy (subclasses inherit it): torch's CPU autocast op lists."""
    from ..nn import functional as F
    from ..ops import (
        activation,
        conv,
        distance,
        linalg,
        linear,
        loss,
        loss_margin,
        matrices,
        normalization,
        reduction,
        sampling,
    )

    lower = [linalg.Matmul, linalg.UnsafeView, linalg.Bmm, linalg.Addmm, linalg.Baddbmm,
             linalg.Addbmm, linalg.Einsum, conv._ConvNd, conv._ConvTransposeNd, linear._Linear,
             activation.Prelu]
    fp32 = [loss._NLLCore, loss._Pointwise, loss_margin._CosEmb, loss_margin._Triplet, loss_margin._MLSM,
            distance.Cdist, matrices.Trace, linalg.Inverse, reduction.Prod, normalization._LRN,
            sampling._GridSample, sampling._GridSample3D, sampling._PadIndex]
    table = {c: _LOWER for c in lower}
    table.update({c: _FP32 for c in fp32})
    for c in (linalg.Mv, linalg.Dot, linalg.Addmv, linalg.Addr):   # kept in their dtype, as torch
        table[c] = None
    for name in ("_MultiMargin", "_MultilabelMargin", "_CTC", "_CTCLoss"):
        for mod in (F, loss):
            if hasattr(mod, name):
                table[getattr(mod, name)] = _FP32
    from ..ops import pooling
    table[pooling._MaxPool] = table[pooling._AvgPool] = table[pooling._AdaptiveAvg] = _FP32_3D
    return table


_TABLE = None
_RESOLVED = {}


def _policy(cls):
    p = _RESOLVED.get(cls, 0)
    if p == 0:
        p = None
        for base in cls.__mro__:
            if base in _TABLE:
                p = _TABLE[base]
                break
        _RESOLVED[cls] = p
    return p


_CASTABLE = None


def _eligible(x):
    """A float16 / bfloat16 / float32 tensor (float64 is never cast, as in torch)."""
    global _CASTABLE
    if _CASTABLE is None:
        _CASTABLE = {d.np for d in (D.float16, D.bfloat16, D.float32) if d.np is not None}
    return getattr(x, "_data", None) is not None and x._data.dtype in _CASTABLE


def _hook(cls, inputs, kwargs):
    """``apply``'s autocast step: None (run the op as it is) or the op's result."""
    p = _policy(cls)
    if p is None:
        return None
    from .._tensor import Tensor

    if p == _FP32_3D:
        first = inputs[0] if inputs else None
        if not (isinstance(first, Tensor) and first._data.ndim == 5):
            return None
        p = _FP32
    saved = _apply._autocast
    _apply._autocast = None   # the casts and the op itself run as plain ops
    try:
        if p == _FP32:
            cast = tuple(x.to(D.float32) if isinstance(x, Tensor) and _eligible(x) else x for x in inputs)
            return _apply.apply(cls, *cast, **kwargs)
        low = _state["cpu"][1]
        # round to the lower dtype, compute in float32, round the result: torch's CPU kernels
        cast = tuple(x.to(low).to(D.float32) if isinstance(x, Tensor) and _eligible(x) else x
                     for x in inputs)
        out = _apply.apply(cls, *cast, **kwargs)
        if isinstance(out, tuple):
            return tuple(o.to(low) if _eligible(o) else o for o in out)
        return out.to(low) if _eligible(out) else out
    finally:
        _apply._autocast = saved


def _sync():
    """Install the hook while CPU autocast is on."""
    global _TABLE
    if _state["cpu"][0] and _TABLE is None:
        _TABLE = _policy_table()
    _apply._autocast = _hook if _state["cpu"][0] else None


def _lower_outputs(out):
    """Tensors in ``out`` (nested tuples) cast to the CPU autocast dtype when autocast is on:
    torch runs LSTM as one lower-precision kernel on the CPU."""
    if not _state["cpu"][0]:
        return out
    if isinstance(out, tuple):
        return tuple(_lower_outputs(o) for o in out)
    return out.to(_state["cpu"][1]) if _eligible(out) else out


def is_autocast_available(device_type):
    """Whether ``autocast`` knows ``device_type`` (torch's list; only ``"cpu"`` casts here)."""
    return device_type in _DEVICES


def _check_device(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if device_type not in _DEVICES:
        raise RuntimeError(f"Expected one of {', '.join(_DEVICES)} device type at start of "
                           f"device string: {device_type}")


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for ``device_type`` (default CUDA, as torch)."""
    if device_type is None:
        device_type = "cuda"
    _check_device(device_type)
    return _state[device_type][0]


def set_autocast_enabled(device_type, enabled=None):
    if enabled is None:   # the old one-argument form sets CUDA
        device_type, enabled = "cuda", device_type
    _check_device(device_type)
    _state[device_type][0] = bool(enabled)
    _sync()


def get_autocast_dtype(device_type):
    _check_device(device_type)
    return _state[device_type][1]


def set_autocast_dtype(device_type, dtype):
    _check_device(device_type)
    _state[device_type][1] = dtype


def is_autocast_cpu_enabled():
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return _state["cpu"][0]


def set_autocast_cpu_enabled(enabled):
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return _state["cpu"][1]


def set_autocast_cpu_dtype(dtype):
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return _state["cuda"][1]


def _deprecated(old, new):
    import warnings

    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning,
                  stacklevel=3)


def is_autocast_cache_enabled():
    return _cache_enabled[0]


def set_autocast_cache_enabled(enabled):
    _cache_enabled[0] = bool(enabled)


def autocast_increment_nesting():
    _nesting[0] += 1
    return _nesting[0]


def autocast_decrement_nesting():
    _nesting[0] -= 1
    return _nesting[0]


def clear_autocast_cache():
    """No cast cache is kept (each cast is recomputed), so there is nothing to clear."""


class autocast:
    """Context manager (and decorator) running ops in mixed precision.

    Args:
        device_type (str): ``"cpu"`` (``"cuda"`` and others: warns and disables, CUDA being absent).
        dtype (ember.dtype, optional): ``bfloat16`` (CPU default) or ``float16``.
        enabled (bool): ``False`` turns autocast off inside the region. Default: ``True``.
        cache_enabled (bool, optional): accepted; ember keeps no cast cache.

    Example::

        >>> model = ember.nn.Linear(4, 2)
        >>> with ember.autocast("cpu"):
        ...     y = model(ember.ones(3, 4))                              # bfloat16
        ...     loss = ember.nn.functional.mse_loss(y, ember.zeros(3, 2))  # float32
        >>> y.dtype, loss.dtype
        (torch.bfloat16, torch.float32)
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        import warnings

        _check_device(device_type)
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._enabled = bool(enabled)
        self._cache_enabled = _cache_enabled[0] if cache_enabled is None else bool(cache_enabled)
        if device_type == "cpu":
            if self._enabled and self.fast_dtype not in (D.bfloat16, D.float16):
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling "
                              "autocast.\nCPU Autocast only supports dtype of torch.bfloat16, "
                              "torch.float16 currently.")
                self._enabled = False
        elif self._enabled:
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast."
                          if device_type == "cuda" else f"User provided device_type of "
                          f"'{device_type}', but {device_type.upper()} is not available. Disabling")
            self._enabled = False

    def __enter__(self):
        self.prev = list(_state[self.device])
        self.prev_cache = _cache_enabled[0]
        _state[self.device][:] = [self._enabled, self.fast_dtype]
        _cache_enabled[0] = self._cache_enabled
        autocast_increment_nesting()
        _sync()
        return self

    def __exit__(self, *exc):
        autocast_decrement_nesting()
        _state[self.device][:] = self.prev
        _cache_enabled[0] = self.prev_cache
        _sync()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self.__class__(self.device, self.fast_dtype, self._enabled, self._cache_enabled):
                return func(*args, **kwargs)
        return decorated


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for a custom ``Function.forward`` under autocast: with ``cast_inputs`` its
    floating-point tensor arguments are cast to that dtype and it runs with autocast off."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
        if cast_inputs is None or not is_autocast_enabled(device_type):
            return fwd(*args, **kwargs)
        cast = tuple(a.to(cast_inputs) if _eligible(a) else a for a in args)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*cast, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for a custom ``Function.backward``: it runs with the autocast state its
    forward saw."""
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)
    return decorate_bwd


