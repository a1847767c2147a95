"""``ember.cpu`` (``torch.cpu``): the CPU device module, and its deprecated ``amp``."""
from . import amp  # noqa: F401

__all__ = ["is_available", "device_count", "current_device", "synchronize", "amp"]


def is_available():
    """Always True: the CPU is ember's device."""
    return True


def device_count():
    return 1


def current_device():
    return "cpu"


def synchronize(device=None):
    """Nothing to wait for: CPU ops run synchronously."""
