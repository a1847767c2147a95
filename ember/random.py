"""``ember.random``, as ``torch.random``: the default CPU generator's seed and state, and
``fork_rng`` to run code on a copy of the stream."""
import contextlib

from ._random import (
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = [
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
    "thread_safe_generator",
]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Restore the CPU generator's state on exit, so random draws inside do not move the
    stream outside. ember has no accelerator generators: ``devices`` is accepted and unused.

    Example::

        >>> with ember.random.fork_rng():
        ...     noise = ember.randn(3)        # the stream outside continues as before
    """
    if not enabled:
        yield
        return
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)


def thread_safe_generator():
    """The generator of the current DataLoader thread worker, or None (the default
    generator) elsewhere: ember's DataLoader workers are processes, so always None."""
