"""ember: PyTorch's programming model in Python on NumPy.

    import ember as torch
    x = torch.randn(3, requires_grad=True)
    (x * x).sum().backward()
    x.grad            # 2 * x
"""
__version__ = "0.1.0"

from . import _backend  # noqa: F401  (tunes the allocator first: see _backend)
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
from .ops.elementwise import *  # noqa: F401,F403
from .ops.reduction import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.convert import *  # noqa: F401,F403
from .ops.creation import *  # noqa: F401,F403
from .ops.creation import range  # noqa: F401
from . import autograd, cuda  # noqa: F401
from ._dtype import bool, int, float  # noqa: F401,E402  (ember.float is the dtype, as torch.float)

_LAZY = {"nn", "optim", "utils", "vision", "serialization", "linalg"}


_FROM_FUNCTIONAL = {
    "softmax", "log_softmax", "softmin", "dropout", "alpha_dropout", "feature_alpha_dropout",
    "cosine_similarity", "pairwise_distance", "relu_", "selu", "selu_", "celu", "celu_", "rrelu",
    "prelu", "hardshrink", "threshold", "threshold_", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d", "max_pool2d",
    "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "layer_norm",
    "batch_norm", "group_norm", "instance_norm", "embedding", "embedding_bag", "pixel_shuffle",
    "pixel_unshuffle", "bilinear", "pdist", "cdist_", "binary_cross_entropy_with_logits",
}


def __getattr__(name):
    """Sub-packages load on first use, keeping ``import ember`` fast."""
    if name in _LAZY:
        import importlib

        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    if name in ("save", "load"):
        from . import serialization

        return getattr(serialization, name)
    if name in _FROM_FUNCTIONAL:  # torch.dropout, torch.conv2d, ... live in nn.functional here
        from .nn import functional

        fn = getattr(functional, name)
        globals()[name] = fn
        return fn
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def numel(input):
    return input.numel()


def typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def get_num_threads():
    import os

    return os.cpu_count() or 1


def set_num_threads(n):
    """Accepted for compatibility; NumPy's BLAS sets its own thread count."""


def get_num_interop_threads():
    return 1


def set_num_interop_threads(n):
    pass


def use_deterministic_algorithms(mode, *, warn_only=False):
    pass


def compile(model=None, **kwargs):
    """No compiler here: returns the model (or decorator) unchanged, so code that calls it runs."""
    if model is None:
        return lambda m: m
    return model
