"""Worker processes of the DataLoader: the worker loop, ``get_worker_info``, error wrapping
and the shared-memory transport for batch arrays."""
import io
import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

__all__ = ["get_worker_info", "WorkerInfo"]

POLL_INTERVAL = 0.5      # seconds between liveness checks (worker: parent alive; main: workers alive)
SHM_THRESHOLD = 4096     # arrays at least this many bytes travel through shared memory

_worker_info = None


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: ``id``, ``num_workers``, ``seed``,
    ``dataset`` (the worker's own copy)."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


def get_worker_info():
    """In a DataLoader worker: its ``WorkerInfo``; in the main process: ``None``."""
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback text."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where
        try:
            pickle.dumps(self.exc_type)
        except Exception:
            self.exc_type = RuntimeError

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        # no local names the exception: a frame -> exception -> traceback -> frame cycle would
        # keep the DataLoader iterator (and its workers) alive until the cyclic GC runs
        raise self._build(msg)

    def _build(self, msg):
        try:
            return self.exc_type(msg)
        except Exception:
            return RuntimeError(msg)


class _KeyErrorMessage(str):
    def __repr__(self):
        return self


class _IterableDatasetStopIteration:
    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    def __init__(self, seed=None):
        self.seed = seed


# ---- fetchers ---------------------------------------------------------------------------
class _MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            if callable(getitems):
                data = getitems(possibly_batched_index)
            else:
                data = [self.dataset[idx] for idx in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


class _IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if len(data) == 0 or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


def create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last):
    cls = _IterableDatasetFetcher if iterable else _MapDatasetFetcher
    return cls(dataset, auto_collation, collate_fn, drop_last)


# ---- shared-memory transport ------------------------------------------------------------
class _Packed:
    """A batch pickled without its large arrays, which sit in one shared-memory block."""

    __slots__ = ("payload", "shm_name", "metas")

    def __init__(self, payload, shm_name, metas):
        self.payload, self.shm_name, self.metas = payload, shm_name, metas


def _untrack(name):
    try:
        from multiprocessing import resource_tracker
        resource_tracker.unregister("/" + name if not name.startswith("/") else name, "shared_memory")
    except Exception:
        pass


def pack(obj, threshold=SHM_THRESHOLD):
    """Pickle ``obj``; ndarrays of ``threshold`` bytes or more (tensor storages included) are
    copied once into a fresh shared-memory block instead of into the pickle."""
    arrays = []

    class _P(pickle.Pickler):
        def persistent_id(self, o):
            if type(o) is np.ndarray and o.nbytes >= threshold and not o.dtype.hasobject:
                arrays.append(o)
                return len(arrays) - 1
            return None

    buf = io.BytesIO()
    _P(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    if not arrays:
        return _Packed(buf.getvalue(), None, None)
    from multiprocessing import shared_memory

    metas, off = [], 0
    for a in arrays:
        off = (off + 63) & ~63
        metas.append((off, a.shape, a.dtype.str))
        off += a.nbytes
    shm = shared_memory.SharedMemory(create=True, size=max(off, 1))
    _untrack(shm._name)   # the main process owns (and unlinks) the block from now on
    try:
        for a, (o, shape, _dt) in zip(arrays, metas):
            dst = np.ndarray(shape, dtype=a.dtype, buffer=shm.buf, offset=o)
            dst[...] = a
            del dst
        name = shm.name
    finally:
        shm.close()
    return _Packed(buf.getvalue(), name, metas)


def unpack(packed):
    """Rebuild a packed object in the main process; copies arrays out and unlinks the block."""
    if not isinstance(packed, _Packed):
        return packed
    if packed.shm_name is None:
        return pickle.loads(packed.payload)
    from multiprocessing import shared_memory

    shm = shared_memory.SharedMemory(name=packed.shm_name)
    try:
        arrays = []
        for o, shape, dt in packed.metas:
            src = np.ndarray(shape, dtype=np.dtype(dt), buffer=shm.buf, offset=o)
            arrays.append(src.copy())
            del src
    finally:
        shm.close()
        try:
            shm.unlink()
        except FileNotFoundError:
            pass

    class _U(pickle.Unpickler):
        def persistent_load(self, pid):
            return arrays[pid]

    return _U(io.BytesIO(packed.payload)).load()


def discard(packed):
    """Free the shared memory of a packed object that will never be unpacked."""
    if isinstance(packed, _Packed) and packed.shm_name is not None:
        from multiprocessing import shared_memory
        try:
            shm = shared_memory.SharedMemory(name=packed.shm_name)
            shm.close()
            shm.unlink()
        except FileNotFoundError:
            pass


# ---- the worker loop --------------------------------------------------------------------
def _seed_worker(seed, worker_id, base_seed):
    random.seed(seed)
    from ... import _random
    _random.manual_seed(seed)
    ss = np.random.SeedSequence([worker_id, base_seed])
    np.random.seed(ss.generate_state(4))


def worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers, parent_pid):
    global _worker_info
    try:
        import ember
        ember.set_num_threads(1)   # as torch's workers: num_workers processes share the cores
        seed = base_seed + worker_id
        _seed_worker(seed, worker_id, base_seed)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        init_exception = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)
        iteration_end = False
        while os.getppid() == parent_pid:
            try:
                r = index_queue.get(timeout=POLL_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                if r.seed is not None:
                    pass
                try:
                    fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
                except Exception:
                    init_exception = ExceptionWrapper(where=where)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=where)
            if not isinstance(data, (ExceptionWrapper, _IterableDatasetStopIteration)):
                if done_event.is_set():
                    continue
                try:
                    data = pack(data)
                except Exception:
                    data = ExceptionWrapper(where=where)
            data_queue.put((idx, data))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
