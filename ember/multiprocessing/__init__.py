"""``ember.multiprocessing``: Python's ``multiprocessing`` with tensors that share memory,
as ``torch.multiprocessing``.

Everything ``multiprocessing`` exports is here (``Process``, ``Queue``, ``Pool``,
``get_context``, ``set_start_method``, ...). Tensors put on its queues and pipes, or given
to a spawned process, move their storage into shared memory and arrive as views of the
same memory; ``Module.share_memory()`` does the same ahead of time for forked processes
(Hogwild training). Sharing strategies: ``file_descriptor`` (default; anonymous memory
files passed as descriptors) and ``file_system`` (named files in ``/dev/shm``).

Example::

    >>> import ember.multiprocessing as mp
    >>> t = ember.zeros(3).share_memory_()     # forked workers and queues now share it
    >>> t.is_shared(), mp.get_sharing_strategy()
    (True, 'file_descriptor')
"""
import multiprocessing
from multiprocessing import *  # noqa: F403  (torch.multiprocessing re-exports it all)

from .. import _shm
from .reductions import init_reductions
from .spawn import (  # noqa: F401
    ProcessContext,
    ProcessException,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

__all__ = ["get_all_sharing_strategies", "get_sharing_strategy", "set_sharing_strategy"]
__all__ += multiprocessing.__all__

_all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """Set how tensors are shared from now on: ``"file_descriptor"`` or ``"file_system"``."""
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}; expected one of "
                             f"{sorted(_all_sharing_strategies)}")
    _shm.sharing_strategy = new_strategy


def get_sharing_strategy():
    """The current strategy for sharing CPU tensors."""
    return _shm.sharing_strategy


def get_all_sharing_strategies():
    """The strategies this system supports."""
    return _all_sharing_strategies


init_reductions()
