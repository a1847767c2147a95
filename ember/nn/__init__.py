"""``ember.nn``: modules, parameters, functional, init."""
from .parameter import Parameter, Buffer, UninitializedParameter  # noqa: F401
# every layer family's __all__ (what ``from .modules import *`` exports), spelled per family
# so that type checkers see the names
from .modules.module import *  # noqa: F401,F403
from .modules.container import *  # noqa: F401,F403
from .modules.linear import *  # noqa: F401,F403
from .modules.activation import *  # noqa: F401,F403
from .modules.dropout import *  # noqa: F401,F403
from .modules.sparse import *  # noqa: F401,F403
from .modules.flatten import *  # noqa: F401,F403
from .modules.normalization import *  # noqa: F401,F403
from .modules.loss import *  # noqa: F401,F403
from .modules.rnn import *  # noqa: F401,F403
from .modules.transformer import *  # noqa: F401,F403
from .modules.lazy import *  # noqa: F401,F403
from .modules.distance import *  # noqa: F401,F403
from .modules.conv import *  # noqa: F401,F403
from .modules.pooling import *  # noqa: F401,F403
from .modules.upsampling import *  # noqa: F401,F403
from .modules.padding import *  # noqa: F401,F403
from .modules.pixelshuffle import *  # noqa: F401,F403
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
