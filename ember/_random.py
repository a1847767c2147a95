"""Random number generation: ``manual_seed``, ``Generator``, the default generator.

Streams are NumPy's PCG64: reproducible for a seed, not bit-identical to PyTorch's
Mersenne Twister (no framework outside PyTorch reproduces those).
"""
import numpy as np

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "default_generator"]


class Generator:
    """``g = ember.Generator().manual_seed(0)``; pass ``generator=g`` to random functions."""

    def __init__(self, device="cpu"):
        self.device = device
        self._seed = 67280421310721
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy) % (1 << 63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ._tensor import _wrap
        import pickle

        return _wrap(np.frombuffer(pickle.dumps(self._rng.bit_generator.state), dtype=np.uint8).copy())

    def set_state(self, state):
        import pickle

        self._rng.bit_generator.state = pickle.loads(state._data.tobytes())
        return self

    def __reduce__(self):
        return (_rebuild_generator, (self._seed, self._rng.bit_generator.state))


def _rebuild_generator(seed, state):
    g = Generator()
    g._seed = seed
    g._rng.bit_generator.state = state
    return g


default_generator = Generator()


def rng(generator=None):
    """The NumPy ``Generator`` behind ``generator`` (or behind the default one)."""
    return (generator or default_generator)._rng


def manual_seed(seed):
    """Seed the default generator; returns it, as PyTorch does."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)
