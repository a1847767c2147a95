"""``ember.cuda`` as PyTorch's CPU build has it: no devices, clear errors on use."""
__all__ = ["is_available", "device_count", "synchronize", "current_device", "manual_seed",
           "manual_seed_all", "empty_cache", "is_initialized", "get_device_name", "set_device",
           "memory_allocated", "max_memory_allocated", "Event", "Stream"]


def _lazy_init(device=None):
    kind = getattr(device, "type", "cuda")
    if kind == "mps":
        raise RuntimeError("MPS backend is not available: ember runs on the CPU only.")
    if kind == "xpu":
        raise RuntimeError("XPU backend is not available: ember runs on the CPU only.")
    raise AssertionError("Torch not compiled with CUDA enabled")


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def synchronize(device=None):
    """PyTorch's CPU build raises here; so does ember (time CPU code without it)."""
    _lazy_init()


def current_device():
    _lazy_init()


def set_device(device):
    _lazy_init()


def get_device_name(device=None):
    _lazy_init()


def get_device_properties(device=None):
    _lazy_init()


def manual_seed(seed):
    """Seeding CUDA without CUDA is silently ignored, as in PyTorch."""


manual_seed_all = manual_seed


def empty_cache():
    pass


def memory_allocated(device=None):
    return 0


max_memory_allocated = memory_reserved = max_memory_reserved = memory_allocated


class Event:
    def __init__(self, *args, **kwargs):
        _lazy_init()


class Stream:
    def __init__(self, *args, **kwargs):
        _lazy_init()


# legacy tensor types: isinstance(x, ember.cuda.FloatTensor) is always False on this build
class _NeverTensorMeta(type):
    def __instancecheck__(cls, obj):
        return False


def _cuda_type(name):
    def __new__(cls, *args, **kwargs):
        _lazy_init()
    return _NeverTensorMeta(name, (), {"__new__": __new__})


FloatTensor = _cuda_type("FloatTensor")
DoubleTensor = _cuda_type("DoubleTensor")
HalfTensor = _cuda_type("HalfTensor")
LongTensor = _cuda_type("LongTensor")
IntTensor = _cuda_type("IntTensor")
ByteTensor = _cuda_type("ByteTensor")
BoolTensor = _cuda_type("BoolTensor")


def __getattr__(name):
    """``ember.cuda.amp`` loads on first use, as ``torch.cuda.amp`` is there after ``import torch``."""
    if name == "amp":
        import importlib

        return importlib.import_module(".amp", __name__)
    raise AttributeError(f"module 'ember.cuda' has no attribute '{name}'")
