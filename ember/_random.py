"""Random number generation: ``manual_seed``, ``Generator``, the default generator.

The streams are PyTorch's CPU streams, bit for bit: a Mersenne Twister (MT19937) seeded
as ``at::mt19937`` seeds it, PyTorch's transformations from its outputs and PyTorch's
arithmetic after them (float32 ``randn`` through the vectorised log/sincos PyTorch uses,
float64 results through the C library's functions, the same fused multiply-adds). So
after ``manual_seed(s)``: ``rand``, ``randn``, ``normal``, ``randint``, ``randperm``,
``multinomial``, ``poisson``, ``bernoulli``, dropout masks, the in-place ``uniform_``,
``normal_``, ``random_``, ``exponential_``, ``geometric_``, ``cauchy_``, ``log_normal_``
and ``nn.init`` give PyTorch's numbers and leave the generator where PyTorch's is.
Generator states are PyTorch's 5056-byte ``CPUGeneratorImplState``: they load in either.

Not PyTorch's: ``binomial`` (NumPy's algorithm on the same twister), ``randperm`` of
2**32 / 20 or more values (NumPy's shuffle), float32 ``randint`` beyond 2**24.
"""

import numpy as np

__all__ = [
    "Generator",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]

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


_STATE_SIZE = 5056          # sizeof(CPUGeneratorImplState): PyTorch's CPU generator state
_TWIST = 624


def _temper(y):
    y = y ^ (y >> np.uint32(11))
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    return y ^ (y >> np.uint32(18))


class Generator:
    """A CPU random generator: PyTorch's MT19937 stream, seeded and saved as PyTorch's.

    ``g = ember.Generator().manual_seed(0)``; pass ``generator=g`` to random functions.
    ``get_state()`` is a 5056-byte uint8 tensor in PyTorch's layout: states move between
    ember and PyTorch in both directions and continue the same stream.
    """

    def __init__(self, device="cpu"):
        from ._device import device as _device

        self.device = _device(device)
        self._bits = None          # the MT19937, made on first use (numpy.random costs ~10 ms to import)
        self._pending = None       # outputs due before the next twist (states with left + next != 625)
        self.manual_seed(_DEFAULT_SEED)

    @property
    def _mt(self):
        if self._bits is None:
            self._bits = np.random.MT19937()
            self._set_key(_mt_key(self._seed), _TWIST)
            self._numpy = np.random.Generator(self._bits)   # NumPy's algorithms, same stream
        return self._bits

    @property
    def _np(self):
        if self._bits is None:
            self._mt  # noqa: B018  (makes the twister and its NumPy Generator)
        return self._numpy

    def _set_key(self, key, pos):
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        if self._bits is not None:
            self._set_key(_mt_key(seed), _TWIST)
        self._pending = None
        self._normal = None       # PyTorch caches the second Box-Muller value of a pair (double)
        self._normal_f = None     # ... and of float pairs
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
        if self._pending is not None:
            return self._from_pending(n)
        return self._mt.random_raw(n)

    def random64(self, n):
        """``n`` 64-bit values from pairs of outputs, the first one high (``random64()``)."""
        r = self.random32(2 * n).reshape(n, 2)
        return (r[:, 0] << np.uint64(32)) | r[:, 1]

    def _from_pending(self, n):
        vals, nxt = self._pending
        k = min(n, len(vals))
        head = vals[:k].astype(np.uint64)
        self._pending = (vals[k:], nxt + k) if k < len(vals) else None
        return head if k == n else np.concatenate([head, self._mt.random_raw(n - k)])

    # ---- state (PyTorch's CPUGeneratorImplState) ----------------------------------------
    def get_state(self):
        """The generator state: a 5056-byte ``uint8`` tensor, PyTorch's layout."""
        from ._tensor import _wrap

        st = self._mt.state["state"]
        key, pos = st["key"].astype(np.uint64), int(st["pos"])
        if self._pending is not None:
            vals, nxt = self._pending
            left = len(vals) + 1
        elif pos >= _TWIST:
            left, nxt = 1, 0 if np.array_equal(key, _mt_key(self._seed)) else _TWIST
        else:
            left, nxt = _TWIST + 1 - pos, pos
        buf = bytearray(_STATE_SIZE)
        head = np.frombuffer(buf, np.uint64, 3)
        head[0] = self._seed
        np.frombuffer(buf, np.int32, 2, 8)[:] = (left, 1)
        head[2] = nxt
        np.frombuffer(buf, np.uint64, _TWIST, 24)[:] = key
        if self._normal is not None:
            np.frombuffer(buf, np.float64, 1, 5024)[0] = self._normal
            np.frombuffer(buf, np.int32, 1, 5040)[0] = 1
        if self._normal_f is not None:
            np.frombuffer(buf, np.float32, 1, 5048)[0] = self._normal_f
            buf[5052] = 1
        return _wrap(np.frombuffer(buf, np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state from ``get_state`` (ember's or PyTorch's); returns ``self``."""
        from ._tensor import Tensor

        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        a = new_state._data
        if a.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if a.size != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found "
                               f"the input RNG state size to be {a.size}")
        buf = np.ascontiguousarray(a).reshape(-1)
        seed, _, nxt = (int(v) for v in buf[:24].view(np.uint64))
        left, seeded = (int(v) for v in buf[8:16].view(np.int32))
        if not (seeded and 0 < left <= _TWIST and nxt <= _TWIST):
            raise RuntimeError("Invalid mt19937 state")
        key = (buf[24:5016].view(np.uint64) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        self._seed = seed
        self._set_key(key, _TWIST if left == 1 else nxt)
        self._pending = None
        if left > 1 and left + nxt != _TWIST + 1:   # outputs state[next : next + left - 1], then twists
            self._set_key(key, _TWIST)
            self._pending = (_temper(key[nxt:nxt + left - 1]), nxt)
        self._normal = float(buf[5024:5032].view(np.float64)[0]) if buf[5040:5044].view(np.int32)[0] else None
        self._normal_f = np.float32(buf[5048:5052].view(np.float32)[0]) if buf[5052] else None
        return self

    def clone_state(self):
        """A new generator in this one's state."""
        return Generator(self.device).set_state(self.get_state())

    def get_offset(self):
        raise RuntimeError("CPU Generator does not use offset")

    def set_offset(self, offset):
        raise RuntimeError("CPU Generator does not use offset")

    def __reduce__(self):
        return (_rebuild_generator, (str(self.device), bytes(self.get_state()._data)))

    def __repr__(self):
        return f"<ember.Generator object at {hex(id(self))}>"


def _rebuild_generator(device, state):
    from ._tensor import _wrap

    if not isinstance(state, bytes):
        raise TypeError("Generator state must be bytes")
    return Generator(device).set_state(_wrap(np.frombuffer(state, np.uint8).copy()))


default_generator = Generator()


def gen(generator=None):
    return generator if generator is not None else default_generator


def rng(generator=None):
    """A NumPy ``Generator`` drawing from ``generator``'s (or the default) twister."""
    return gen(generator)._np


# ---- PyTorch's transformations --------------------------------------------------------

_HALF_LIKE = {np.dtype(np.float16)}


_LIBM = {}


def _libm(name, x, exact=True):
    """NumPy's ``name`` of float64 ``x``, or with ``exact`` the C library's (glibc's, as
    PyTorch's kernels call it: NumPy's SIMD versions differ in the last bit for a few
    percent of values). The C library is called per element (about 0.4 us each), so only
    results kept in float64 ask for it; float32 rounding hides the difference."""
    if not exact:
        return getattr(np, name)(x)
    f = _LIBM.get(name)
    if f is None:
        import math

        f = _LIBM[name] = np.frompyfunc(getattr(math, name), 1, 1)
    return f(x).astype(np.float64) if x.size else np.asarray(x, np.float64)


def in_memory_order(a, values):
    """``values`` (drawn in order, shaped as ``a``) placed so that draw ``k`` lands on ``a``'s
    ``k``-th element in memory, as PyTorch's serial kernels fill non-contiguous tensors."""
    if a.flags.c_contiguous or a.ndim < 2:
        return values
    perm = sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]) if a.shape[d] > 1 else 0)
    if perm == list(range(a.ndim)):
        return values
    out = np.empty_like(values)
    out.transpose(perm)[...] = values.reshape([a.shape[d] for d in perm])
    return out


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
    """PyTorch's ``NormalFill16`` on rows of 16 uniforms (in place on ``d`` (k, 16)):
    float32 through ``avx_mathfun``'s log and sincos, float64 through libm with an FMA."""
    u1 = d.dtype.type(1) - d[:, :8]
    u2 = d[:, 8:]
    if d.dtype == np.float32:
        from . import _vecmath as V

        f32 = np.float32
        radius = np.sqrt(f32(-2) * V.log(u1))
        s, c = V.sincos(f32(2.0 * np.pi) * u2)
        std, mean = f32(std), f32(mean)
        d[:, :8] = V.fma(radius * c, std, mean)
        d[:, 8:] = V.fma(radius * s, std, mean)
    else:
        radius = np.sqrt(-2.0 * _libm("log", u1))
        theta = 2.0 * np.pi * u2
        d[:, :8] = _fma64(radius * _libm("cos", theta), std, mean)
        d[:, 8:] = _fma64(radius * _libm("sin", theta), std, mean)


def _normal_fill(g, n, np_dtype, mean, std):
    """``normal_fill``: all ``n`` uniforms, Box-Muller per block of 16, and the last 16
    values again from 16 fresh uniforms when ``n`` is not a multiple of 16 (float32/64);
    half types draw and transform block by block in float32."""
    op = np.float64 if np_dtype == np.float64 else np.float32
    k = n // 16
    if op == np_dtype:
        d = _unit(g, n, op)
    else:
        d = np.empty(n, op)
        d[:16 * k] = _unit(g, 16 * k, op)
    _box_muller16(d[:16 * k].reshape(k, 16), mean, std)
    if n % 16:
        tail = _unit(g, 16, op).reshape(1, 16)
        _box_muller16(tail, mean, std)
        d[n - 16:] = tail[0]
    return d.astype(np_dtype, copy=False)


def _serial_normal(g, n, mean=0.0, std=1.0, exact=True):
    """``n`` draws of ``normal_distribution<double>``: Box-Muller pairs (u1, u2) of double
    uniforms giving ``r cos`` now and ``r sin`` later (the generator keeps it, as PyTorch's)."""
    out = np.empty(n, np.float64)
    i = 0
    if n and g._normal is not None:
        out[0], g._normal, i = g._normal, None, 1
    m = n - i
    pairs = (m + 1) // 2
    if pairs:
        u = _unit(g, 2 * pairs, np.float64).reshape(pairs, 2)
        r = np.sqrt(-2.0 * _libm("log1p", -u[:, 1], exact))
        theta = 2.0 * np.pi * u[:, 0]
        z = np.empty((pairs, 2))
        z[:, 0] = r * _libm("cos", theta, exact)
        z[:, 1] = r * _libm("sin", theta, exact)
        z = z.reshape(-1)
        out[i:] = z[:m]
        if m % 2:
            g._normal = float(z[m])
    return _fma64(out, std, mean)                # val * std + mean, fused as compiled


def normal(shape, np_dtype, mean=0.0, std=1.0, generator=None, contiguous=True):
    """``tensor.normal_(mean, std)``: ``normal_fill`` for 16 or more contiguous values,
    else PyTorch's serial double-precision sampler."""
    g = gen(generator)
    n = int(np.prod(shape))
    if n >= 16 and contiguous:
        return _normal_fill(g, n, np.dtype(np_dtype), mean, std).reshape(shape)
    return _serial_normal(g, n, mean, std, np_dtype == np.float64).astype(np_dtype).reshape(shape)


def log_normal(shape, np_dtype, mean=1.0, std=2.0, generator=None):
    """``tensor.log_normal_(mean, std)``: ``exp`` of serial double normals."""
    exact = np_dtype == np.float64
    z = _serial_normal(gen(generator), int(np.prod(shape)), mean, std, exact)
    return _libm("exp", z, exact).astype(np_dtype).reshape(shape)


def exponential(shape, np_dtype, lambd=1.0, generator=None):
    """``tensor.exponential_(lambd)``: ``-1 / lambd * log1p(-u)``, ``u`` a double uniform."""
    u = _unit(gen(generator), int(np.prod(shape)), np.float64)
    return ((-1.0 / lambd) * _libm("log1p", -u, np_dtype == np.float64)).astype(np_dtype).reshape(shape)


def geometric(shape, np_dtype, p, generator=None):
    """``tensor.geometric_(p)``: ``ceil(log(u) / log1p(-p))``, ``u`` a double uniform."""
    u = _unit(gen(generator), int(np.prod(shape)), np.float64)
    with np.errstate(divide="ignore"):
        return np.ceil(np.log(u) / np.log1p(-p)).astype(np_dtype).reshape(shape)   # integral: no residue


def cauchy(shape, np_dtype, median=0.0, sigma=1.0, generator=None):
    """``tensor.cauchy_(median, sigma)``: ``median + sigma * tan(pi (u - 1/2))``."""
    u = _unit(gen(generator), int(np.prod(shape)), np.float64)
    t = _libm("tan", np.pi * (u - 0.5), np_dtype == np.float64)
    return (median + sigma * t).astype(np_dtype).reshape(shape)


def bernoulli(p, shape, generator=None):
    """``bernoulli_(p)``: ``uniform < p`` as a bool array; a double uniform (64-bit draw) for
    a number or float64 probabilities, a float one (32-bit draw) for float32/16 ones."""
    g = gen(generator)
    n = int(np.prod(shape))
    if isinstance(p, np.ndarray) and p.dtype != np.float64:
        return _unit(g, n, np.float32).reshape(shape) < np.broadcast_to(p, shape).astype(np.float32)
    return _unit(g, n, np.float64).reshape(shape) < p


def randint(low, high, shape, generator=None):
    """``random_(low, high)``: a 32-bit draw modulo the range (64-bit for ranges of 2**28
    or more), plus ``low``; int64."""
    g = gen(generator)
    n = int(np.prod(shape))
    rng_ = int(high) - int(low)
    raw = g.random64(n) if rng_ >= 1 << 28 else g.random32(n)   # PyTorch 2.13 widens at 2**28
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


def rrelu_slopes(a, lower, upper, generator=None):
    """Training ``rrelu``'s slopes for array ``a``: a double uniform on [lower, upper) for
    each element <= 0 (in order), 1 elsewhere; in ``a``'s dtype."""
    neg = (np.ascontiguousarray(a) <= 0).reshape(-1)                 # flat: 0-d inputs too
    u = _unit(gen(generator), int(np.count_nonzero(neg)), np.float64)
    slopes = np.ones(neg.shape, a.dtype)
    op = np.float32 if a.dtype != np.float64 else np.float64      # the bounds in opmath
    lo, hi = float(op(lower)), float(op(upper))
    slopes[neg] = u * (hi - lo) + lo                                  # not fused (generic code)
    return slopes.reshape(a.shape)


def multinomial(p, num_samples, replacement=False, generator=None):
    """PyTorch's CPU ``multinomial`` on a checked 1-D or 2-D float array ``p`` (int64 result).

    Without replacement (or for one sample): ``argmax``/``topk`` of ``p / q``, ``q`` drawn by
    ``exponential_`` (the Gumbel trick). With replacement: per row, the cumulative sum in
    ``p``'s dtype, normalised, and a binary search for each double uniform.
    """
    g = gen(generator)
    rows = p.reshape(-1, p.shape[-1])
    if not replacement or num_samples == 1:
        q = exponential(rows.shape, rows.dtype, 1.0, g)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = rows / q
        if num_samples == 1:
            idx = np.argmax(q, axis=1)[:, None]
        else:                                        # topk: largest first, stable on ties
            idx = np.argsort(-q, axis=1, kind="stable")[:, :num_samples]
    else:
        acc = np.float32 if rows.dtype == np.float16 else rows.dtype
        idx = np.empty((rows.shape[0], num_samples), np.int64)
        for i, r in enumerate(rows):
            cum = np.cumsum(r, dtype=acc)
            total = cum[-1]
            if not total > 0:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
            cum = cum / total
            cum[-1] = 1
            idx[i] = np.searchsorted(cum.astype(np.float64), _unit(g, num_samples, np.float64), "left")
    return idx.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64, copy=False)


def manual_seed(seed):
    """Seed the default generator; returns it, as PyTorch does.

    Example:
        >>> _ = torch.manual_seed(0); a = torch.rand(2)
        <BLANKLINE>
        >>> _ = torch.manual_seed(0); torch.equal(a, torch.rand(2))
        True
    """
    return default_generator.manual_seed(seed)


def seed():
    """Seeds the default generator with a non-deterministic number and returns it.

    Example:
        >>> s = torch.seed(); torch.initial_seed() == s
        True
    """
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with.

    Example:
        >>> _ = torch.manual_seed(7); torch.initial_seed()
        7
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a ``uint8`` tensor (PyTorch's 5056-byte MT19937 state).

    Example:
        >>> torch.get_rng_state().shape
        torch.Size([5056])
    """
    return default_generator.get_state()


def set_rng_state(state):
    """Restores the default generator's state from ``get_rng_state()``: the same numbers follow.

    Example:
        >>> s = torch.get_rng_state(); a = torch.rand(2)
        >>> torch.set_rng_state(s); torch.equal(a, torch.rand(2))
        True
    """
    default_generator.set_state(state)
