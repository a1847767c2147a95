"""All ``nn`` layers. conv/pooling/upsampling/padding/pixelshuffle are star-imported so a
missing name there never breaks the rest."""
from .module import Module  # noqa: F401
from .module import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .lazy import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
for _m in ("conv", "pooling", "upsampling", "padding", "pixelshuffle"):
    try:
        _mod = __import__(f"{__name__}.{_m}", fromlist=["*"])
        _names = getattr(_mod, "__all__", [n for n in dir(_mod) if not n.startswith("_")])
        globals().update({n: getattr(_mod, n) for n in _names if hasattr(_mod, n)})
    except ImportError:  # pragma: no cover - being written
        pass
del _m
