"""Every random function gives PyTorch's CPU numbers bit for bit after ``manual_seed``,
leaves the generator where PyTorch's is (the next draw agrees too), and generator states
move between ember and PyTorch in PyTorch's 5056-byte layout."""
import os
import pickle

import numpy as np
import pytest
import torch

import ember

SIZES = [1, 5, 15, 16, 17, 33, 256, 1000]
FLOATS = ["float32", "float64", "float16"]


def _same(fn, seed=7):
    """``fn(lib)`` under both frameworks after ``manual_seed(seed)``: equal values, dtypes,
    shapes, and the same next draw."""
    out = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        r = fn(lib)
        rs = r if isinstance(r, tuple) else (r,)
        out.append(([x.detach().numpy() for x in rs], lib.rand(2).tolist()))
    (t, tn), (e, en) = out
    for a, b in zip(t, e):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(b, a)
    assert en == tn, "the generators ended in different places"


def _dt(lib, name):
    return getattr(lib, name)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_sizes_and_dtypes(n, dtype):
    _same(lambda L: L.randn(n, dtype=_dt(L, dtype)))
    _same(lambda L: L.empty(n, dtype=_dt(L, dtype)).normal_(-1.5, 2.5), seed=3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_cache_noncontiguous_and_helpers(dtype):
    _same(lambda L: (L.randn(3, dtype=_dt(L, dtype)), L.randn(5, dtype=_dt(L, dtype)),
                     L.randn(40, dtype=_dt(L, dtype)), L.randn(1, dtype=_dt(L, dtype))))
    _same(lambda L: L.empty(40, 3, dtype=_dt(L, dtype)).t().normal_())
    _same(lambda L: L.empty(6, 8, dtype=_dt(L, dtype))[:, ::2].normal_(1, 2))
    _same(lambda L: L.normal(2.0, 3.0, (7, 9), dtype=_dt(L, dtype)))
    _same(lambda L: L.normal(L.arange(20, dtype=_dt(L, dtype)), L.arange(1, 21, dtype=_dt(L, dtype))))
    _same(lambda L: L.randn_like(L.empty(4, 33, dtype=_dt(L, dtype))))
    _same(lambda L: L.nn.init.kaiming_normal_(L.empty(64, 3, 5, 5, dtype=_dt(L, dtype))))
    _same(lambda L: L.nn.init.xavier_normal_(L.empty(17, 9, dtype=_dt(L, dtype))))
    _same(lambda L: L.nn.init.trunc_normal_(L.empty(300, dtype=_dt(L, dtype)), std=0.02))


def test_normal_long_float32_stream():
    """Many blocks of 16, where an ulp of difference in log or sincos would show."""
    _same(lambda L: L.randn(1 << 16), seed=11)
    _same(lambda L: L.randn(4096, 7) * 3, seed=12)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 17, 1001])
def test_continuous_distributions(dtype, n):
    def t(L):
        return L.empty(n, dtype=_dt(L, dtype))
    _same(lambda L: t(L).uniform_())
    _same(lambda L: t(L).uniform_(-3.0, 0.5))
    _same(lambda L: t(L).exponential_())
    _same(lambda L: t(L).exponential_(3.5))
    _same(lambda L: t(L).cauchy_(1.0, 0.5))
    _same(lambda L: t(L).log_normal_(0.3, 0.6))
    _same(lambda L: t(L).geometric_(0.2))
    _same(lambda L: t(L).bernoulli_(0.35))
    _same(lambda L: L.rand(n, dtype=_dt(L, dtype)))
    _same(lambda L: L.poisson(L.rand(n, dtype=_dt(L, dtype)) * 30))
    if dtype != "float16":
        _same(lambda L: L.binomial(L.full((n,), 40.0, dtype=_dt(L, dtype)),
                                   L.rand(n, dtype=_dt(L, dtype))))


def test_distributions_noncontiguous_fill_in_memory_order():
    _same(lambda L: L.empty(30, 4).t().uniform_())
    _same(lambda L: L.empty(30, 4, dtype=L.float64).t().exponential_())
    _same(lambda L: L.empty(5, 6, 7).permute(2, 0, 1).bernoulli_(0.5))
    _same(lambda L: L.empty(9, 3, dtype=L.int64).t().random_(100))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64", "float32",
                                   "float64", "float16", "bool"])
def test_random_and_randint(dtype):
    _same(lambda L: L.empty(50, dtype=_dt(L, dtype)).random_())
    if dtype != "bool":
        _same(lambda L: L.empty(50, dtype=_dt(L, dtype)).random_(3, 100))
        _same(lambda L: L.randint(0, 100, (50,), dtype=_dt(L, dtype)))


def test_integers_permutations_and_masks():
    _same(lambda L: (L.randint(-7, 2 ** 40, (33,)), L.randint(5, (4, 4))))
    _same(lambda L: (L.randperm(1), L.randperm(17), L.randperm(70000)))
    x = np.random.RandomState(0).randn(6, 5, 4, 4).astype(np.float32)
    _same(lambda L: L.nn.functional.dropout(L.tensor(x), 0.3))
    _same(lambda L: L.nn.functional.dropout2d(L.tensor(x), 0.4))
    _same(lambda L: L.nn.functional.alpha_dropout(L.tensor(x), 0.2, True))
    _same(lambda L: L.nn.functional.feature_alpha_dropout(L.tensor(x), 0.2, True))
    _same(lambda L: L.nn.functional.rrelu(L.tensor(x), training=True))
    _same(lambda L: L.nn.functional.rrelu(L.tensor(x, dtype=L.float64), 0.1, 0.6, training=True))
    _same(lambda L: (L.bernoulli(L.rand(7, 9)), L.bernoulli(L.rand(7, 9, dtype=L.float64)),
                     L.bernoulli(L.rand(3, 4), p=0.3), L.empty(4, 5).bernoulli_(L.rand(5))))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(2,), (10,), (4, 50), (3, 1000)])
def test_multinomial(dtype, shape):
    p = np.random.RandomState(sum(shape)).rand(*shape).astype(dtype)
    p[..., ::7] = 0
    for n, replacement in [(1, False), (1, True), (2, False), (2, True), (40, True)]:
        _same(lambda L, n=n, rep=replacement: L.multinomial(L.tensor(p), n, rep), seed=543)


def test_multinomial_documented_example():
    """seed 543, p = [.3, .7], 12 draws with replacement (the issue's example)."""
    ember.manual_seed(543)
    got = ember.multinomial(ember.tensor([0.3, 0.7]), 12, True).tolist()
    torch.manual_seed(543)
    assert got == torch.multinomial(torch.tensor([0.3, 0.7]), 12, True).tolist()
    assert got == [1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1]
    _same(lambda L: L.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 3.0], 9)
          .__iter__().__next__() + L.zeros(1, dtype=L.int64))


@pytest.mark.parametrize("args", [
    ([0.0, 0.0], 1, False), ([1.0, -1.0], 1, True), ([1.0, float("inf")], 3, True),
    ([[1.0, 0.0], [0.0, 0.0]], 3, True), ([1.0, 2.0], 3, False), ([1.0, 2.0], 0, True)])
def test_multinomial_bad_input(args):
    p, n, rep = args
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(RuntimeError) as e:
            lib.multinomial(lib.tensor(p), n, rep)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
    with pytest.raises(RuntimeError, match="floating-point dtypes"):
        ember.multinomial(ember.tensor([1, 2]), 1)


# ---- generator state: PyTorch's layout ---------------------------------------------------

def _advance(lib):
    lib.randn(3, dtype=lib.float64)          # leaves a cached double normal
    lib.rand(1000)


def test_state_bytes_match_torch():
    for seed in (0, 5, 2 ** 40 + 3, -2):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        for _ in range(2):
            t, e = torch.get_rng_state(), ember.get_rng_state()
            assert e.dtype == ember.uint8 and tuple(e.shape) == (5056,)
            np.testing.assert_array_equal(e.numpy(), t.numpy())
            _advance(torch)
            _advance(ember)


@pytest.mark.parametrize("direction", ["torch->ember", "ember->torch"])
def test_states_cross_and_continue_the_stream(direction):
    src, dst = (torch, ember) if direction == "torch->ember" else (ember, torch)
    src.manual_seed(21)
    _advance(src)
    state = src.get_rng_state()
    expect = (src.randn(1, dtype=src.float64), src.randn(5), src.randint(0, 9, (6,)))
    dst.manual_seed(0)
    dst.set_rng_state(dst.tensor(state.numpy()))
    got = (dst.randn(1, dtype=dst.float64), dst.randn(5), dst.randint(0, 9, (6,)))
    for a, b in zip(expect, got):
        np.testing.assert_array_equal(a.numpy(), b.numpy())    # the cached normal came along
    g = dst.Generator().set_state(dst.tensor(state.numpy()))
    assert g.initial_seed() == 21
    np.testing.assert_array_equal(g.get_state().numpy(), state.numpy())


def test_state_with_pending_outputs():
    """A valid state whose position is not at the block's usual place (left + next != 625)."""
    torch.manual_seed(9)
    torch.rand(100)
    s = torch.get_rng_state().numpy().copy()
    s[8:12] = np.frombuffer(np.int32(6).tobytes(), np.uint8)        # left = 6
    s[16:24] = np.frombuffer(np.uint64(40).tobytes(), np.uint8)     # next = 40
    for lib in (torch, ember):
        lib.set_rng_state(lib.tensor(s))
    np.testing.assert_array_equal(ember.get_rng_state().numpy(), s)
    _same_after = [lib.randint(0, 2 ** 31, (9,)).numpy() for lib in (torch, ember)]
    np.testing.assert_array_equal(*_same_after)
    np.testing.assert_array_equal(ember.get_rng_state().numpy(), torch.get_rng_state().numpy())


def test_bad_states_raise_torchs_errors():
    good = ember.get_rng_state().numpy()
    bad_left, unseeded = good.copy(), good.copy()
    bad_left[8:12] = 0
    unseeded[12:16] = 0
    cases = [good[:100], good[:5048], bad_left, unseeded]
    for s in cases:
        errs = []
        for lib in (torch, ember):
            with pytest.raises(RuntimeError) as e:
                lib.set_rng_state(lib.tensor(s))
            errs.append(str(e.value))
        assert errs[0] == errs[1]
    for lib in (torch, ember):
        with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
            lib.set_rng_state(lib.tensor(good.astype(np.int64)))
        with pytest.raises(TypeError):
            lib.set_rng_state([1, 2])


def test_crafted_state_never_runs_code(tmp_path):
    """The state is plain numbers: a pickle payload in it is never unpickled."""
    flag = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (open, (str(flag), "w"))

    payload = np.frombuffer(pickle.dumps(Boom()), np.uint8)
    for size in (len(payload), 5056):
        state = np.zeros(size, np.uint8)
        state[:len(payload)] = payload
        with pytest.raises(RuntimeError):
            ember.set_rng_state(ember.tensor(state))
        with pytest.raises(RuntimeError):
            ember.Generator().set_state(ember.tensor(state))
    assert not os.path.exists(flag)
    g = ember.Generator().manual_seed(4)
    ember.rand(3, generator=g)
    g2 = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(ember.rand(5, generator=g).numpy(),
                                  ember.rand(5, generator=g2).numpy())


def test_rng_state_through_save_and_load(tmp_path):
    ember.manual_seed(3)
    ember.randn(7, dtype=ember.float64)
    ember.save({"rng_state": ember.get_rng_state()}, tmp_path / "ck.pt")
    expect = ember.randn(9, dtype=ember.float64)
    ember.set_rng_state(ember.load(tmp_path / "ck.pt")["rng_state"])
    np.testing.assert_array_equal(ember.randn(9, dtype=ember.float64).numpy(), expect.numpy())


def test_random_module_and_generator_api():
    for lib in (torch, ember):
        lib.manual_seed(0)
        with lib.random.fork_rng():
            lib.rand(5)
        g = lib.Generator().manual_seed(3)
        lib.rand(2, generator=g)
        c = g.clone_state()
        assert c.initial_seed() == 3 and str(g.device) == "cpu"
        with pytest.raises(RuntimeError, match="does not use offset"):
            g.get_offset()
        assert lib.random.thread_safe_generator() is None
        assert lib.random.initial_seed() == 0
    _same(lambda L: (L.rand(2), L.rand(3, generator=L.Generator().manual_seed(3).clone_state())))
