"""All ``nn`` layers, one module per layer family."""
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
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403

from . import (module, container, linear, activation, dropout, sparse, flatten,  # noqa: E402
               normalization, loss, rnn, transformer, lazy, distance, conv, pooling, upsampling,
               padding, pixelshuffle)

# The layers only: without this, ``from .modules import *`` in ember.nn would also export the
# submodules (ember.nn.utils would be shadowed by ember.nn.modules.utils, as in torch it is not).
__all__ = ["Module"] + [n for m in (module, container, linear, activation, dropout, sparse, flatten,
                                    normalization, loss, rnn, transformer, lazy, distance, conv,
                                    pooling, upsampling, padding, pixelshuffle) for n in m.__all__]
