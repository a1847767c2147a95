"""Random number generation: ``manual_seed``, ``Generator``, the default generator.

The streams are PyTorch's CPU streams: a Mersenne Twister (MT19937) seeded as
``at::mt19937`` seeds it, and the same transformations from its 32-bit outputs, so
after ``manual_seed(s)`` ember's ``rand``, ``randn``, ``randint``, ``randperm``,
``uniform_``, ``normal_``, ``random_`` and the ``nn.init`` functions built on them
give PyTorch's numbers (``randn`` of 16 or more float32 values to within an ulp:
PyTorch's vectorised log/sin/cos round differently from NumPy's).

Other distributions (exponential, Poisson, multinomial, ...) draw from the same
twister through NumPy's algorithms: reproducible, not PyTorch's numbers.
"""
import numpy as np

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "default_generator"]

_DEFAULT_SEED = 67280421310721


def _mt_key(seed):
    """MT19937's state after ``init_genrand(seed & 0xffffffff)`` (PyTorch's seeding)."""
    key = np.empty(624, np.uint32)
    x = seed & 0xFFFFFFFF
    key[0] = x
    for i in range(1, 624):
        x = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
        key[i] = x
    return key


class Generator:
    """``g = ember.Generator().manual_seed(0)``; pass ``generator=g`` to random functions."""

    def __init__(self, device="cpu"):
        self.device = device
        self._bits = None          # the MT19937, made on first use (numpy.random costs ~10 ms to import)
        self.manual_seed(_DEFAULT_SEED)

    @property
    def _mt(self):
        if self._bits is None:
            self._bits = np.random.MT19937()
            self._bits.state = {"bit_generator": "MT19937",
                                "state": {"key": _mt_key(self._seed), "pos": 624}}
            self._numpy = np.random.Generator(self._bits)   # NumPy's algorithms, same stream
        return self._bits

    @property
    def _np(self):
        if self._bits is None:
            self._mt  # noqa: B018  (makes the twister and its NumPy Generator)
        return self._numpy

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        if self._bits is not None:
            self._bits.state = {"bit_generator": "MT19937",
                                "state": {"key": _mt_key(seed), "pos": 624}}
        self._normal = None       # PyTorch caches the second Box-Muller value of a pair
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy) % (1 << 63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    # ---- raw draws -----------------------------------------------------------------------
    def random32(self, n):
        """The next ``n`` 32-bit outputs (``generator->random()``), as uint64."""
        return self._mt.random_raw(n)

    def random64(self, n):
        """``n`` 64-bit values from pairs of outputs, the first one high (``random64()``)."""
        r = self._mt.random_raw(2 * n).reshape(n, 2)
        return (r[:, 0] << np.uint64(32)) | r[:, 1]

    # ---- state ---------------------------------------------------------------------------
    def get_state(self):
        from ._tensor import _wrap
        import pickle

        blob = pickle.dumps((self._mt.state, self._normal))
        return _wrap(np.frombuffer(blob, dtype=np.uint8).copy())

    def set_state(self, state):
        import pickle

        self._mt.state, self._normal = pickle.loads(state._data.tobytes())
        return self

    def __reduce__(self):
        return (_rebuild_generator, (self._seed, self._mt.state, self._normal))


def _rebuild_generator(seed, state, normal=None):
    g = Generator()
    g._seed = seed
    g._mt.state = state
    g._normal = normal
    return g


default_generator = Generator()


def gen(generator=None):
    return generator if generator is not None else default_generator


def rng(generator=None):
    """A NumPy ``Generator`` drawing from ``generator``'s (or the default) twister."""
    return gen(generator)._np


# ---- PyTorch's transformations --------------------------------------------------------

_HALF_LIKE = {np.dtype(np.float16)}


def _unit(g, n, np_dtype):
    """``n`` uniforms on [0, 1) as PyTorch's ``uniform_real_distribution``: 24 bits of a
    32-bit draw for float32/16 (computed in float32), 53 bits of a 64-bit draw for float64."""
    if np_dtype == np.float64:
        return (g.random64(n) & np.uint64((1 << 53) - 1)).astype(np.float64) * (2.0 ** -53)
    return (g.random32(n) & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(2.0 ** -24)


def _fma64(a, b, c):
    """``a * b + c`` rounded once, for float64 arrays (Dekker's product and Knuth's sum)."""
    p = a * b
    split = 134217729.0                      # 2**27 + 1
    t = split * a
    ah = t - (t - a)
    al = a - ah
    t = split * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl   # a * b == p + e exactly
    s = p + c
    v = s - p
    return s + (((p - (s - v)) + (c - v)) + e)


def uniform(shape, np_dtype, low=0.0, high=1.0, generator=None):
    """``tensor.uniform_(low, high)``; ``np_dtype`` float16/32/64 (bfloat16 as float32)."""
    g = gen(generator)
    n = int(np.prod(shape))
    x = _unit(g, n, np_dtype)
    if (low, high) != (0.0, 1.0):
        op = x.dtype.type
        span = op(high) - op(low)            # PyTorch: (to - from) in the op dtype, then
        if op is np.float32:                 # x * span + from fused (FMA): exact via float64
            x = (x.astype(np.float64) * float(span) + float(op(low))).astype(np.float32)
        else:
            x = _fma64(x, span, float(low))
    out = x.astype(np_dtype, copy=False)
    if out.dtype != x.dtype or (low, high) != (0.0, 1.0):
        out[out == out.dtype.type(high)] = out.dtype.type(low)   # a value rounded up to ``high``
    return out.reshape(shape)


def _box_muller16(d, mean, std):
    """PyTorch's ``normal_fill_16`` on rows of 16 uniforms (in place on ``d`` (k, 16))."""
    op = d.dtype.type
    u1 = op(1) - d[:, :8]
    u2 = d[:, 8:]
    radius = np.sqrt(op(-2) * np.log(u1))
    theta = op(2.0 * np.pi) * u2
    c, s = radius * np.cos(theta), radius * np.sin(theta)
    if d.dtype == np.float32:   # a fused multiply-add, as PyTorch's: exact in float64
        d[:, :8] = c.astype(np.float64) * float(std) + float(mean)
        d[:, 8:] = s.astype(np.float64) * float(std) + float(mean)
    else:
        d[:, :8] = c * std + mean
        d[:, 8:] = s * std + mean


def normal(shape, np_dtype, mean=0.0, std=1.0, generator=None, contiguous=True):
    """``tensor.normal_(mean, std)``: Box-Muller over blocks of 16 uniforms when there are
    16 or more contiguous values, else PyTorch's serial double-precision sampler (which
    keeps the second value of each pair for the next call)."""
    g = gen(generator)
    n = int(np.prod(shape))
    if n >= 16 and contiguous:
        op = np.float64 if np_dtype == np.float64 else np.float32
        d = _unit(g, n, op)
        k = n // 16
        _box_muller16(d[:16 * k].reshape(k, 16), mean, std)
        if n % 16:
            tail = _unit(g, 16, op).reshape(1, 16)
            _box_muller16(tail, mean, std)
            d[n - 16:] = tail[0]
        return d.astype(np_dtype, copy=False).reshape(shape)
    out = np.empty(n, np.float64)
    for i in range(n):
        if g._normal is not None:
            z, g._normal = g._normal, None
        else:
            u1, u2 = _unit(g, 2, np.float64)
            r = np.sqrt(-2.0 * np.log1p(-u2))
            theta = 2.0 * np.pi * u1
            g._normal = r * np.sin(theta)
            z = r * np.cos(theta)
        out[i] = z * std + mean
    return out.astype(np_dtype).reshape(shape)


def bernoulli(p, shape, generator=None):
    """``bernoulli_(p)``: ``uniform < p`` as a bool array; a double uniform (64-bit draw) for
    a number or float64 probabilities, a float one (32-bit draw) for float32/16 ones."""
    g = gen(generator)
    n = int(np.prod(shape))
    if isinstance(p, np.ndarray) and p.dtype != np.float64:
        return _unit(g, n, np.float32).reshape(shape) < np.broadcast_to(p, shape).astype(np.float32)
    return _unit(g, n, np.float64).reshape(shape) < p


def randint(low, high, shape, generator=None):
    """``random_(low, high)``: a 32-bit draw modulo the range (64-bit for ranges of 2**32
    or more), plus ``low``; int64."""
    g = gen(generator)
    n = int(np.prod(shape))
    rng_ = int(high) - int(low)
    raw = g.random64(n) if rng_ >= 1 << 32 else g.random32(n)
    return ((raw % np.uint64(rng_)).astype(np.int64) + np.int64(low)).reshape(shape)


def random_full(shape, np_dtype, generator=None):
    """``tensor.random_()``: uniform over [0, 2**mantissa] for floats, [0, max] for ints."""
    g = gen(generator)
    n = int(np.prod(shape))
    dt = np.dtype(np_dtype)
    if dt == np.bool_:
        return (g.random32(n) & np.uint64(1)).astype(np.bool_).reshape(shape)
    wide = dt in (np.dtype(np.int64), np.dtype(np.float64))
    raw = g.random64(n) if wide else g.random32(n)
    if dt.kind == "f":
        mod = (1 << np.finfo(dt).nmant + 1) + 1
    else:
        mod = int(np.iinfo(dt).max) + 1
    return (raw % np.uint64(mod)).astype(dt).reshape(shape)


def randperm(n, generator=None):
    """PyTorch's CPU ``randperm``: a forward Fisher-Yates shuffle with 32-bit draws."""
    g = gen(generator)
    if n >= (1 << 32) // 20:
        return g._np.permutation(n)
    raw = g.random32(max(n - 1, 0))
    # swap targets j_i = i + draw_i % (n - i), vectorised; the swaps themselves are
    # sequential (~10 ms for 60k)
    j = ((raw % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
         + np.arange(max(n - 1, 0), dtype=np.int64)).tolist()
    r = np.arange(n, dtype=np.int64)
    m = memoryview(r)   # element access on a memoryview is the fastest Python has
    for i, k in enumerate(j):
        m[i], m[k] = m[k], m[i]
    return r


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
