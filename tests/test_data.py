"""ember.utils.data against torch.utils.data."""
import collections
import multiprocessing
import os
import signal
import time

import numpy as np
import pytest
import torch
import torch.utils.data as TD
from oracle import assert_close

import ember
import ember.utils.data as ED

N = 10


def _arrays():
    x = np.arange(N * 3, dtype=np.float32).reshape(N, 3)
    y = np.arange(N, dtype=np.int64)
    return x, y


def _pair():
    x, y = _arrays()
    return (ED.TensorDataset(ember.tensor(x), ember.tensor(y)),
            TD.TensorDataset(torch.tensor(x), torch.tensor(y)))


# ---- datasets ---------------------------------------------------------------------------
def test_tensor_dataset():
    e, t = _pair()
    assert len(e) == len(t) == N
    assert_close(list(e[3]), list(t[3]))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        ED.TensorDataset(ember.zeros(3), ember.zeros(4))


def test_concat_subset_stack_chain():
    e, t = _pair()
    ce, ct = e + e, t + t
    assert isinstance(ce, ED.ConcatDataset) and len(ce) == len(ct) == 2 * N
    for i in (0, 9, 10, 19, -1, -20):
        assert_close(list(ce[i]), list(ct[i]))
    with pytest.raises(ValueError):
        ce[-21]
    se, st = ED.Subset(e, [5, 1, 7]), TD.Subset(t, [5, 1, 7])
    assert len(se) == 3
    assert_close(list(se[1]), list(st[1]))
    sd = ED.StackDataset(e, e)
    assert len(sd) == N and len(sd[2]) == 2
    sk = ED.StackDataset(a=e, b=e)
    assert set(sk[0]) == {"a", "b"}
    with pytest.raises(ValueError):
        ED.StackDataset(e, b=e)

    class It(ED.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    ch = It(3) + It(2)
    assert isinstance(ch, ED.ChainDataset)
    assert list(ch) == [0, 1, 2, 0, 1] and len(ch) == 5
    with pytest.raises(NotImplementedError):
        ED.Dataset()[0]


def test_random_split():
    e, _ = _pair()
    for lengths in ([3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.5, 0.5]):
        a = [len(s) for s in ED.random_split(e, lengths, generator=ember.Generator().manual_seed(0))]
        b = [len(s) for s in TD.random_split(range(N), lengths, generator=torch.Generator().manual_seed(0))]
        assert a == b
    parts = ED.random_split(range(N), [4, 6], generator=ember.Generator().manual_seed(1))
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(N))
    parts2 = ED.random_split(range(N), [4, 6], generator=ember.Generator().manual_seed(1))
    assert list(parts[0]) == list(parts2[0])
    with pytest.raises(ValueError, match="Sum of input lengths"):
        ED.random_split(range(N), [3, 3])


# ---- samplers ---------------------------------------------------------------------------
def test_samplers():
    assert list(ED.SequentialSampler(range(5))) == list(TD.SequentialSampler(range(5)))
    for bs in (1, 3, 4, 10, 11):
        for dl in (False, True):
            e = ED.BatchSampler(ED.SequentialSampler(range(N)), bs, dl)
            t = TD.BatchSampler(TD.SequentialSampler(range(N)), bs, dl)
            assert list(e) == list(t) and len(e) == len(t)
    with pytest.raises(ValueError):
        ED.BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError):
        ED.BatchSampler(range(3), 2, 1)
    rs = ED.RandomSampler(range(N), generator=ember.Generator().manual_seed(0))
    assert sorted(rs) == list(range(N)) and len(rs) == N
    rs2 = ED.RandomSampler(range(N), generator=ember.Generator().manual_seed(0))
    assert list(ED.RandomSampler(range(N), generator=ember.Generator().manual_seed(0))) == list(rs2)
    r = list(ED.RandomSampler(range(4), replacement=True, num_samples=50))
    assert len(r) == 50 and set(r) <= set(range(4))
    r = list(ED.RandomSampler(range(4), num_samples=10))
    assert len(r) == 10 and sorted(r[:4]) == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        ED.RandomSampler(range(4), num_samples=0)
    with pytest.raises(TypeError):
        ED.RandomSampler(range(4), replacement=1)
    ember.manual_seed(3)
    a = list(ED.RandomSampler(range(N)))
    ember.manual_seed(3)
    assert list(ED.RandomSampler(range(N))) == a
    assert sorted(ED.SubsetRandomSampler([2, 5, 7])) == [2, 5, 7]
    w = list(ED.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 20))
    assert len(w) == 20 and set(w) <= {1, 3}
    w = list(ED.WeightedRandomSampler([1.0, 1.0, 0.0, 3.0], 3, replacement=False))
    assert sorted(w) == [0, 1, 3]
    with pytest.raises(ValueError):
        ED.WeightedRandomSampler([[1.0]], 2)


@pytest.mark.parametrize("n", [10, 11, 3])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_vs_torch(n, replicas, drop_last):
    for rank in range(replicas):
        e = ED.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        t = TD.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(e) == list(t) and len(e) == len(t)


def test_distributed_sampler_shuffle():
    parts = [list(ED.DistributedSampler(range(12), 3, r, seed=5)) for r in range(3)]
    assert sorted(sum(parts, [])) == list(range(12))
    s = ED.DistributedSampler(range(12), 3, 0, seed=5)
    first = list(s)
    assert list(s) == first
    s.set_epoch(1)
    assert list(s) != first
    with pytest.raises(ValueError, match="Invalid rank"):
        ED.DistributedSampler(range(12), 3, 3)


# ---- collate ----------------------------------------------------------------------------
Point = collections.namedtuple("Point", "x y")


def _collate_cases(m):
    t = m.tensor
    return [
        [1, 2, 3],
        [1.5, 2.5],
        [True, False],
        [np.arange(3, dtype=np.float32), np.arange(3, dtype=np.float32)],
        [np.float64(1.0), np.float64(2.0)],
        [np.int32(1), np.int32(2)],
        [t([1.0, 2.0]), t([3.0, 4.0])],
        [{"a": 1, "b": t([1, 2])}, {"a": 2, "b": t([3, 4])}],
        [(1, 2.0), (3, 4.0)],
        [[1, 2], [3, 4]],
        [Point(1, 2.0), Point(3, 4.0)],
    ]


def _cmp(e, t):
    if isinstance(t, torch.Tensor):
        assert_close(e, t)
    elif isinstance(t, dict):
        assert type(e) is type(t) and set(e) == set(t)
        for k in t:
            _cmp(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            _cmp(a, b)
    else:
        assert e == t


def test_default_collate_vs_torch():
    for ce, ct in zip(_collate_cases(ember), _collate_cases(torch)):
        _cmp(ED.default_collate(ce), TD.default_collate(ct))
    assert ED.default_collate(["a", "b"]) == ["a", "b"]
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        ED.default_collate([ember.zeros(2), ember.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        ED.default_collate([[1, 2], [1]])
    with pytest.raises(TypeError):
        ED.default_collate([object(), object()])


def test_default_convert():
    e = ED.default_convert({"a": np.arange(3), "b": (np.float32(1.0), "s"), "p": Point(np.zeros(2), 1)})
    t = TD.default_convert({"a": np.arange(3), "b": (np.float32(1.0), "s"), "p": Point(np.zeros(2), 1)})
    _cmp(e, t)


# ---- DataLoader, single process -----------------------------------------------------------
@pytest.mark.parametrize("bs,drop_last", [(1, False), (3, False), (3, True), (10, True), (4, True)])
def test_loader_vs_torch(bs, drop_last):
    e, t = _pair()
    le = ED.DataLoader(e, batch_size=bs, drop_last=drop_last)
    lt = TD.DataLoader(t, batch_size=bs, drop_last=drop_last)
    assert len(le) == len(lt)
    be, bt = list(le), list(lt)
    assert len(be) == len(bt)
    for a, b in zip(be, bt):
        assert_close(a, b)


def test_loader_batch_size_none_and_batch_sampler():
    e, t = _pair()
    a = list(ED.DataLoader(e, batch_size=None))
    b = list(TD.DataLoader(t, batch_size=None))
    assert len(a) == len(b) == N
    assert_close(a[4], b[4])
    bs = [[0, 1], [5, 6, 7], [9]]
    a = list(ED.DataLoader(e, batch_sampler=bs))
    b = list(TD.DataLoader(t, batch_sampler=bs))
    for x, y in zip(a, b):
        assert_close(x, y)
    assert len(ED.DataLoader(e, batch_sampler=bs)) == 3
    # dict samples and numpy samples
    class D(ED.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full((2,), i, np.float32), "y": i, "name": str(i)}

    class DT(TD.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full((2,), i, np.float32), "y": i, "name": str(i)}

    _cmp(list(ED.DataLoader(D(), batch_size=2)), list(TD.DataLoader(DT(), batch_size=2)))


def test_loader_shuffle_reproducible():
    e, _ = _pair()
    g = lambda: ember.Generator().manual_seed(7)  # noqa: E731
    a = [b[1].tolist() for b in ED.DataLoader(e, batch_size=3, shuffle=True, generator=g())]
    b = [b[1].tolist() for b in ED.DataLoader(e, batch_size=3, shuffle=True, generator=g())]
    assert a == b and sorted(sum(a, [])) == list(range(N))


def test_loader_argument_errors():
    e, t = _pair()
    cases = [
        dict(sampler=[0, 1], shuffle=True),
        dict(batch_sampler=[[0]], batch_size=2),
        dict(batch_sampler=[[0]], shuffle=True),
        dict(batch_sampler=[[0]], sampler=[0]),
        dict(batch_sampler=[[0]], drop_last=True),
        dict(num_workers=-1),
        dict(prefetch_factor=2),
        dict(persistent_workers=True),
        dict(batch_size=None, drop_last=True),
        dict(timeout=-1),
    ]
    for kw in cases:
        with pytest.raises(ValueError) as te:
            TD.DataLoader(t, **kw)
        with pytest.raises(ValueError) as ee:
            ED.DataLoader(e, **kw)
        assert str(ee.value) == str(te.value)
    loader = ED.DataLoader(e)
    with pytest.raises(ValueError):
        loader.batch_size = 3


class Count(ED.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = ED.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


class NoLen(ED.IterableDataset):
    def __iter__(self):
        return iter(range(5))


def test_iterable_dataset_single():
    assert [b.tolist() for b in ED.DataLoader(Count(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in ED.DataLoader(Count(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert len(ED.DataLoader(Count(7), batch_size=3)) == 3
    assert len(ED.DataLoader(Count(7), batch_size=3, drop_last=True)) == 2
    with pytest.raises(TypeError):
        len(ED.DataLoader(NoLen()))
    with pytest.raises(ValueError):
        ED.DataLoader(Count(3), shuffle=True)
    assert [int(x) for x in ED.DataLoader(Count(3), batch_size=None)] == [0, 1, 2]


# ---- DataLoader, worker processes -------------------------------------------------------------
def _no_children():
    deadline = time.time() + 5
    while multiprocessing.active_children() and time.time() < deadline:
        time.sleep(0.05)
    return multiprocessing.active_children() == []


class Slow(ED.Dataset):
    """Later items are faster, so workers finish out of order."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        time.sleep(0.02 * ((12 - i) % 4))
        return np.full((3,), i, np.int64), i


def test_workers_in_order():
    a = [b[1].tolist() for b in ED.DataLoader(Slow(), batch_size=2, num_workers=2)]
    assert a == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]
    a = [b[1].tolist() for b in ED.DataLoader(Slow(), batch_size=2, num_workers=2, prefetch_factor=1)]
    assert sum(a, []) == list(range(12))
    assert _no_children()


def test_workers_match_single_process_and_torch():
    e, t = _pair()
    for a, b in zip(ED.DataLoader(e, batch_size=3, num_workers=2), TD.DataLoader(t, batch_size=3)):
        assert_close(a, b)


class Big(ED.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return ember.tensor(np.full((64, 64), i, np.float32)), np.full((32, 32), i, np.float64)


def test_large_arrays_via_shared_memory():
    from ember.utils.data import _worker
    p = _worker.pack([ember.tensor(np.ones((100, 100), np.float32)), np.zeros(3)])
    assert p.shm_name is not None and len(p.payload) < 2000
    name = p.shm_name
    out = _worker.unpack(p)
    assert float(out[0]._data.sum()) == 1e4 and out[1].shape == (3,)
    assert not os.path.exists("/dev/shm/" + name)
    batches = list(ED.DataLoader(Big(), batch_size=2, num_workers=2))
    assert batches[1][0].shape == (2, 64, 64) and batches[1][0].dtype == ember.float32
    assert batches[1][0]._data[1, 5, 5] == 3 and batches[1][1]._data[0, 0, 0] == 2


def _record_init(worker_id):
    info = ED.get_worker_info()
    assert info.id == worker_id
    os.environ["EMBER_TEST_WORKER"] = str(worker_id)


class InfoDS(ED.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = ED.get_worker_info()
        return (info.id, info.num_workers, info.seed, int(os.environ.get("EMBER_TEST_WORKER", -1)),
                os.getpid(), float(np.random.rand()), float(ember._random.rng().random()))


def test_worker_info_init_fn_and_seeds():
    assert ED.get_worker_info() is None
    rows = []
    for b in ED.DataLoader(InfoDS(), batch_size=1, num_workers=2, worker_init_fn=_record_init,
                           generator=ember.Generator().manual_seed(0)):
        rows.append([x.tolist()[0] for x in b])
    ids = [r[0] for r in rows]
    assert ids == [0, 1, 0, 1, 0, 1]
    assert all(r[1] == 2 for r in rows)
    assert all(r[3] == r[0] for r in rows)          # worker_init_fn ran in that worker
    seeds = {r[0]: r[2] for r in rows}
    assert seeds[1] == seeds[0] + 1
    assert rows[0][5] != rows[1][5] and rows[0][6] != rows[1][6]   # differently seeded workers
    rows2 = []
    for b in ED.DataLoader(InfoDS(), batch_size=1, num_workers=2, worker_init_fn=_record_init,
                           generator=ember.Generator().manual_seed(0)):
        rows2.append([x.tolist()[0] for x in b])
    assert [r[5:] for r in rows] == [r[5:] for r in rows2]      # reproducible
    assert _no_children()


class ThreadsDS:
    def __init__(self, m):
        self.m = m

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return self.m.get_num_threads()


def test_workers_run_one_thread_as_torch():
    want = [int(x) for x in TD.DataLoader(ThreadsDS(torch), batch_size=None, num_workers=2)]
    got = [int(x) for x in ED.DataLoader(ThreadsDS(ember), batch_size=None, num_workers=2)]
    assert got == want == [1, 1]
    assert _no_children()


def test_iterable_sharding_with_workers():
    items = [x for b in ED.DataLoader(Count(23), batch_size=4, num_workers=3) for x in b.tolist()]
    assert sorted(items) == list(range(23))
    items = [int(x) for x in ED.DataLoader(Count(9), batch_size=None, num_workers=2)]
    assert sorted(items) == list(range(9))
    assert _no_children()


class Raises(ED.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError("bad sample 5")
        return i


def test_worker_exception_reraised():
    msg = None
    try:
        list(ED.DataLoader(Raises(), batch_size=2, num_workers=2))
    except ValueError as e:   # the iterator stays usable while the exception is alive, as torch
        msg = str(e)
    assert msg is not None
    assert "Caught ValueError in DataLoader worker process 0" in msg
    assert "Traceback" in msg and "bad sample 5" in msg and "__getitem__" in msg
    assert _no_children()


class Killer(ED.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


def test_killed_worker_raises():
    t0 = time.time()
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(ED.DataLoader(Killer(), batch_size=1, num_workers=2))
    assert time.time() - t0 < 10
    assert _no_children()


class Hangs(ED.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i >= 1:
            time.sleep(60)
        return i


def test_timeout_raises():
    t0 = time.time()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 1 seconds"):
        list(ED.DataLoader(Hangs(), batch_size=1, num_workers=1, timeout=1))
    assert time.time() - t0 < 8
    assert _no_children()


def test_timeout_fires_at_the_timeout():
    """Issue #16 item 9: the error came after the hung worker's shutdown grace (4 s for timeout=2)."""
    it = iter(ED.DataLoader(Hangs(), batch_size=1, num_workers=1, timeout=2))
    assert next(it).tolist() == [0]
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 2 seconds"):
        next(it)
    assert 1.9 <= time.monotonic() - t0 < 3.5
    assert _no_children()


def test_early_break_and_gc_leave_no_children():
    loader = ED.DataLoader(Slow(), batch_size=1, num_workers=2)
    for i, _ in enumerate(loader):
        if i == 1:
            break
    assert _no_children()
    it = iter(loader)
    next(it)
    assert len(multiprocessing.active_children()) == 2
    del it
    assert _no_children()
    loader = ED.DataLoader(Slow(), batch_size=1, num_workers=2, persistent_workers=True)
    next(iter(loader))
    del loader
    assert _no_children()


class PidDS(ED.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return os.getpid()


def test_persistent_workers_reuse_pids():
    loader = ED.DataLoader(PidDS(), batch_size=1, num_workers=2, persistent_workers=True)
    e1 = {int(x) for x in loader}
    e2 = {int(x) for x in loader}
    it = iter(loader)
    next(it)                                         # an epoch broken early
    e3 = {int(x) for x in loader}
    assert e1 == e2 == e3 and len(e1) == 2
    it = iter(ED.DataLoader(Count(6), batch_size=2, num_workers=2, persistent_workers=True))
    assert sorted(x for b in it for x in b.tolist()) == list(range(6))
    del loader, it
    assert _no_children()


def test_spawn_context():
    e, _ = _pair()
    out = list(ED.DataLoader(e, batch_size=5, num_workers=1, multiprocessing_context="spawn"))
    assert out[1][1].tolist() == [5, 6, 7, 8, 9]
    assert _no_children()


def test_generic_classes_subscript_as_torch():
    """Typed programs write ``Dataset[int]``, ``DataLoader[Tensor]``, ``Sampler[int]``: which of
    the classes take type arguments is torch's."""
    for name in ("Dataset", "IterableDataset", "DataLoader", "Sampler", "Subset", "ConcatDataset",
                 "DistributedSampler", "TensorDataset", "SequentialSampler", "BatchSampler"):
        t_cls, e_cls = getattr(TD, name), getattr(ED, name)
        try:
            t_cls[int]
        except TypeError:
            with pytest.raises(TypeError):
                e_cls[int]
        else:
            assert e_cls[int].__origin__ is e_cls

    class Squares(ED.Dataset[int]):
        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return 4

    loader: ED.DataLoader[int] = ED.DataLoader(Squares(), batch_size=2)
    assert [b.tolist() for b in loader] == [[0, 1], [4, 9]]
