"""``ember.vision``: torchvision's role: ``transforms``, ``datasets``, ``models``, ``utils``,
``ops``, ``io`` and ``tv_tensors`` (each but ``transforms`` loads on first use)."""
from . import transforms  # noqa: F401

_LAZY = ("datasets", "models", "utils", "ops", "io", "tv_tensors")


def __getattr__(name):
    if name in _LAZY:
        import importlib
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.vision' has no attribute '{name}'")
