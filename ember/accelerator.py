"""``ember.accelerator`` as PyTorch's CPU build has it: no accelerator.

``is_available()`` is False, ``device_count()`` is 0, ``current_accelerator()`` is None;
everything that needs a device raises PyTorch's "Cannot access accelerator device when
none is available." so code that probes first (``if torch.accelerator.is_available():``)
takes its CPU branch.
"""
__all__ = ["current_accelerator", "current_device_idx", "current_device_index", "current_stream",
           "device_count", "device_index", "empty_cache", "empty_host_cache",
           "get_device_capability", "get_memory_info", "is_available", "max_memory_allocated",
           "max_memory_reserved", "memory_allocated", "memory_reserved", "memory_stats",
           "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx",
           "set_device_index", "set_stream", "synchronize"]

_NONE = "Cannot access accelerator device when none is available."


def _unavailable(*args, **kwargs):
    raise RuntimeError(_NONE)


def is_available():
    return False


def device_count():
    return 0


def current_accelerator(check_available=False):
    """The accelerator's device type, or None: ember runs on the CPU only."""
    return None


def set_device_index(device, /):
    if device is None:
        raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{device}")
    _unavailable()


set_device_idx = set_device_index

(current_device_index, current_device_idx, current_stream, set_stream, synchronize, empty_cache,
 empty_host_cache, get_device_capability, get_memory_info, memory_stats, memory_allocated,
 memory_reserved, max_memory_allocated, max_memory_reserved, reset_accumulated_memory_stats,
 reset_peak_memory_stats) = (_unavailable,) * 16


class device_index:
    """``with torch.accelerator.device_index(i):`` — raises on entry (no accelerator)."""

    def __init__(self, device, /):
        self.idx = device

    def __enter__(self):
        if self.idx is not None:
            _unavailable()

    def __exit__(self, *exc):
        return False
