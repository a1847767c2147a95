"""``ember.vision``: torchvision's role: ``transforms``, ``datasets`` and ``models``."""
from . import transforms  # noqa: F401


def __getattr__(name):
    if name in ("datasets", "models"):
        import importlib
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.vision' has no attribute '{name}'")
