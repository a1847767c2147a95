"""``ember.nn``: modules, parameters, functional, init."""
from .parameter import Parameter, Buffer, UninitializedParameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from . import init  # noqa: F401
from . import modules  # noqa: F401


def __getattr__(name):
    import importlib

    if name in ("functional", "utils", "parallel"):
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    if name in ("DataParallel",):
        from .parallel import DataParallel

        return DataParallel
    raise AttributeError(f"module 'ember.nn' has no attribute '{name}'")
