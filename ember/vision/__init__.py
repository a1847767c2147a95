"""``ember.vision``: torchvision's role: ``transforms``, ``datasets``, ``models``, ``utils``,
``ops``, ``io`` and ``tv_tensors`` (each but ``transforms`` loads on first use)."""
from . import transforms  # noqa: F401
from ..version import ember as _ember_version

__version__ = "0.29.1+ember." + _ember_version   # torchvision 0.29's API, on ember
_LAZY = ("datasets", "models", "utils", "ops", "io", "tv_tensors")
_image_backend = "PIL"


def get_image_backend():
    """The package loading images in the datasets: ``"PIL"``."""
    return _image_backend


def set_image_backend(backend):
    """Choose the image-loading package; ember supports ``"PIL"`` (Pillow) only."""
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. ember supports 'PIL' only (torchvision also has "
                         "'accimage')")


def __getattr__(name):
    if name in _LAZY:
        import importlib
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.vision' has no attribute '{name}'")
