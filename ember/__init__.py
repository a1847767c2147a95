"""ember: PyTorch's programming model in Python on NumPy.

    import ember as torch
    x = torch.randn(3, requires_grad=True)
    (x * x).sum().backward()
    x.grad            # 2 * x
"""

from __future__ import annotations

from . import _backend  # noqa: F401  (tunes the allocator first: see _backend)
from .version import __version__  # noqa: F401  (torch's API level: "2.13.0+ember.0.1.0")
from ._dtype import *  # noqa: F401,F403
from ._dtype import dtype, get_default_dtype, set_default_dtype, promote_types, finfo, iinfo  # noqa: F401
from ._device import device  # noqa: F401
from ._tensor import (Tensor, Size, is_tensor, FloatTensor, DoubleTensor, HalfTensor,  # noqa: F401
                      BFloat16Tensor, ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor,
                      BoolTensor)
from ._random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator  # noqa: F401
from ._tensor_str import set_printoptions  # noqa: F401
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,  # noqa: F401
                                 is_grad_enabled, is_inference_mode_enabled)
from . import ops as _ops
from .ops.arithmetic import *  # noqa: F401,F403
from .ops.ternary import *  # noqa: F401,F403
from .ops.unary import *  # noqa: F401,F403
from .ops.special import *  # noqa: F401,F403
from .ops.comparison import *  # noqa: F401,F403
from .ops.complex import *  # noqa: F401,F403
from .ops.reduction import *  # noqa: F401,F403
from .ops.norms import *  # noqa: F401,F403
from .ops.sorting import *  # noqa: F401,F403
from .ops.statistics import *  # noqa: F401,F403
from .ops.cumulative import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.joining import *  # noqa: F401,F403
from .ops.grids import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.gather import *  # noqa: F401,F403
from .ops.scatter import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.matrices import *  # noqa: F401,F403
from .ops.distance import cdist, dist  # noqa: F401
from .ops.decomposition import *  # noqa: F401,F403
from .ops.convert import *  # noqa: F401,F403
from .ops.creation import *  # noqa: F401,F403
from .ops.sparse import *  # noqa: F401,F403
from .ops.lu import *  # noqa: F401,F403
from .ops.fft import stft, istft  # noqa: F401
from .ops.lowrank import *  # noqa: F401,F403
from .ops.aten_aliases import *  # noqa: F401,F403
from .ops.lu import lu_legacy as lu, lu_solve_legacy as lu_solve  # noqa: F401
from ._layout import *  # noqa: F401,F403
from .ops.creation import range  # noqa: F401
from .ops.random_special import (_standard_gamma, _standard_gamma_grad, _sample_dirichlet,  # noqa: F401
                                 _dirichlet_grad)
from .ops.complex import complex_ as complex  # noqa: F401  (the module keeps the builtin)
from .ops.reduction import return_types  # noqa: F401
from . import autograd, cuda  # noqa: F401
from .autograd.anomaly_mode import (is_anomaly_enabled, is_anomaly_check_nan_enabled,  # noqa: F401
                                    set_anomaly_enabled)
from ._dtype import bool, int, float  # noqa: F401,E402  (ember.float is the dtype, as torch.float)
from .ops import _out as _out_mechanism  # noqa: E402

_out_mechanism.install(globals())  # every public function taking out= writes into it
_out_mechanism.guard_methods(Tensor)  # and no Tensor method drops an out= silently

_LAZY = {"nn", "optim", "utils", "vision", "serialization", "linalg", "onnx", "jit",
         "distributed", "profiler", "accelerator", "backends", "func", "version", "torch_version",
         "testing", "functional", "amp", "cpu", "distributions", "hub", "sparse", "fft",
         "multiprocessing", "random", "special", "signal", "masked"}


_FROM_FUNCTIONAL = {
    "softmax", "log_softmax", "softmin", "dropout", "alpha_dropout", "feature_alpha_dropout",
    "cosine_similarity", "pairwise_distance", "relu_", "selu", "selu_", "celu", "celu_", "rrelu",
    "prelu", "hardshrink", "threshold", "threshold_", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d", "max_pool2d",
    "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "layer_norm",
    "batch_norm", "group_norm", "instance_norm", "embedding", "embedding_bag", "pixel_shuffle",
    "pixel_unshuffle", "bilinear", "pdist", "cdist_", "binary_cross_entropy_with_logits",
    "rms_norm",
}


_FROM_AMP = {"autocast", "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype",
             "set_autocast_dtype", "is_autocast_cpu_enabled", "set_autocast_cpu_enabled",
             "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "get_autocast_gpu_dtype",
             "is_autocast_cache_enabled", "set_autocast_cache_enabled", "autocast_increment_nesting",
             "autocast_decrement_nesting", "clear_autocast_cache"}


def __getattr__(name):
    """Sub-packages load on first use, keeping ``import ember`` fast."""
    if name in _LAZY:
        import importlib

        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    if name in _FROM_AMP:
        from .amp import autocast_mode

        return getattr(autocast_mode, name)
    if name in ("save", "load"):
        from . import serialization

        return getattr(serialization, name)
    if name in _FROM_FUNCTIONAL:  # torch.dropout, torch.conv2d, ... live in nn.functional here
        from .nn import functional

        fn = getattr(functional, name)
        globals()[name] = fn
        return fn
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def _method_as_function(name):
    """``ember.name(input, *args)`` as ``input.name(*args)``, for the torch functions that are
    plain aliases of a Tensor method."""
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``input.{name}(...)``."
    return fn


for _n in ("is_floating_point", "is_complex", "numel", "is_nonzero", "is_same_size", "is_signed",
           "is_conj", "is_neg", "detach", "detach_", "fill_", "zero_", "get_device"):
    globals()[_n] = _method_as_function(_n)
del _n


def typename(obj):
    """The type name of ``obj``: a tensor's ``type()`` string, otherwise its class name.

    Example:
        >>> torch.typename(torch.zeros(2))
        'torch.FloatTensor'
        >>> torch.typename(1.5)
        'float'
    """
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def get_num_threads():
    """The number of threads used for intra-op parallelism: the last
    :func:`set_num_threads`, else the CPU count.

    Example:
        >>> torch.get_num_threads() >= 1
        True
    """
    import os

    from . import _kernels

    return _kernels._state["threads"] or os.cpu_count() or 1


def set_num_threads(n):
    """Sets the number of threads used for intra-op parallelism on CPU: NumPy's OpenBLAS
    threads and ember's compiled kernels' (at most numba's ``NUMBA_NUM_THREADS``).

    Args:
        n (int): a positive number of threads.

    Example:
        >>> torch.set_num_threads(2); torch.get_num_threads()
        2
    """
    from . import _kernels

    if not isinstance(n, _builtins.int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _kernels.set_num_threads(n)


def get_num_interop_threads():
    """The number of threads used for inter-op parallelism (1: ember runs ops one after another).

    Example:
        >>> torch.get_num_interop_threads() >= 1
        True
    """
    return 1


def set_num_interop_threads(n):
    """Accepted for compatibility: ember runs one op at a time.

    Example:
        >>> torch.set_num_interop_threads(1)
    """
    pass


import builtins as _builtins
import math as _math

pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan
newaxis = None

_deterministic = [False, False]   # (enabled, warn_only)
_matmul_precision = ["highest"]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Recorded only: every ember kernel is already deterministic.

    Example:
        >>> torch.use_deterministic_algorithms(True); torch.are_deterministic_algorithms_enabled()
        True
        >>> torch.use_deterministic_algorithms(False)
        <BLANKLINE>
    """
    _deterministic[:] = [_builtins.bool(mode), _builtins.bool(warn_only)]


def are_deterministic_algorithms_enabled():
    """Whether ``use_deterministic_algorithms(True)`` is in effect.

    Example:
        >>> torch.are_deterministic_algorithms_enabled()
        False
    """
    return _deterministic[0]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether deterministic algorithms were requested with ``warn_only=True``.

    Example:
        >>> torch.is_deterministic_algorithms_warn_only_enabled()
        False
    """
    return _deterministic[1]


def set_deterministic_debug_mode(debug_mode):
    """0 / "default", 1 / "warn", 2 / "error": sets the deterministic-algorithms flags as torch.

    Example:
        >>> torch.set_deterministic_debug_mode("warn"); torch.get_deterministic_debug_mode()
        1
        >>> torch.set_deterministic_debug_mode(0)
        <BLANKLINE>
    """
    modes = {"default": 0, "warn": 1, "error": 2}
    if isinstance(debug_mode, str):
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = modes[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """The deterministic debug mode: 0 (default), 1 (warn) or 2 (error).

    Example:
        >>> torch.get_deterministic_debug_mode()
        0
    """
    return 0 if not _deterministic[0] else 1 if _deterministic[1] else 2


_warn_always = [False]


def set_warn_always(b):
    """Sets whether warnings that are normally issued once are issued every time.

    Example:
        >>> torch.set_warn_always(True); torch.is_warn_always_enabled()
        True
        >>> torch.set_warn_always(False)
    """
    _warn_always[0] = _builtins.bool(b)


def is_warn_always_enabled():
    """Whether ``set_warn_always(True)`` is in effect.

    Example:
        >>> torch.is_warn_always_enabled()
        False
    """
    return _warn_always[0]


def set_float32_matmul_precision(precision):
    """Recorded only: NumPy's float32 GEMM has one precision.

    Example:
        >>> torch.set_float32_matmul_precision("high"); torch.get_float32_matmul_precision()
        'high'
        >>> torch.set_float32_matmul_precision("highest")
        <BLANKLINE>
    """
    if precision not in ("highest", "high", "medium"):
        import warnings

        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect.")
        return
    _matmul_precision[0] = precision


def get_float32_matmul_precision():
    """The float32 matmul precision last set: ``"highest"``, ``"high"`` or ``"medium"``.

    Example:
        >>> torch.get_float32_matmul_precision()
        'highest'
    """
    return _matmul_precision[0]


def set_flush_denormal(mode):
    """True when the CPU supports flushing denormals (x86 does); NumPy keeps them regardless.

    Example:
        >>> torch.set_flush_denormal(False)
        True
    """
    return True


def get_default_device():
    """The device new tensors are created on (the CPU).

    Example:
        >>> torch.get_default_device()
        device(type='cpu')
    """
    from ._device import cpu

    return cpu


def set_default_device(device):  # noqa: F811 (torch's parameter name)
    """Only the CPU exists here: ``None`` or a CPU device is accepted, others raise as torch's CPU build.

    Example:
        >>> torch.set_default_device("cpu"); torch.zeros(1).device
        device(type='cpu')
    """
    from ._device import check_device

    if device is not None:
        check_device(device)


def fill(input, value) -> Tensor:
    """A copy of ``input`` with every element set to ``value``.

    Example:
        >>> torch.fill(torch.zeros(3), 2.5)
        tensor([2.5000, 2.5000, 2.5000])
    """
    return input.clone().fill_(value)


def resize_as_(input, the_template, *, memory_format=None) -> Tensor:
    """Resizes ``input`` in place to the shape of ``the_template``; returns ``input``.

    Example:
        >>> torch.resize_as_(torch.zeros(2, 3), torch.zeros(6)).shape
        torch.Size([6])
    """
    return input.resize_as_(the_template)


def kl_div(input, target, reduction=0, *, log_target=False) -> Tensor:
    """ATen's form: ``reduction`` is an int (0 none, 1 mean, 2 sum); unreduced by default, as torch.

    Example:
        >>> torch.kl_div(torch.tensor([-1.]), torch.tensor([0.5]))
        tensor([0.1534])
    """
    from .nn.functional import kl_div as _kl

    out = _kl(input, target, reduction="none", log_target=log_target)
    return out if reduction == 0 else out.mean() if reduction == 1 else out.sum()


def compile(model=None, **kwargs):
    """No compiler here: returns the model (or decorator) unchanged, so code that calls it runs.

    Example:
        >>> m = torch.nn.Linear(2, 2)
        <BLANKLINE>
        >>> torch.compile(m)(torch.ones(1, 2)).shape
        torch.Size([1, 2])
    """
    if model is None:
        return lambda m: m
    return model


def install_as_torch():
    """From now on ``import torch`` / ``import torchvision`` give ember / ember.vision, here and
    in child processes (see ``ember.run``)."""
    from .run import install_as_torch as _install

    _install()
