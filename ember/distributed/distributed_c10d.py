"""Process groups and collectives (``torch.distributed``'s API) over MPI.

Every process is an MPI rank: start them with ``python -m ember.distributed.run
--nproc_per_node=N script.py`` (torchrun's flags) or ``mpiexec -n N python script.py``.
Backend ``"mpi"`` is native; ``"gloo"``, the name PyTorch's CPU scripts use, is
accepted and runs over the same MPI transport. mpi4py is imported by
``init_process_group`` only, so ``import ember`` never loads MPI.

Collectives work in place on the tensor's storage: a contiguous tensor is the MPI
buffer itself; any other is copied in and the result written back through its view.
Each collective starts a non-blocking MPI request; ``async_op=True`` returns the
``Work`` handle, otherwise it is waited on before returning.
"""
import enum
import os
import pickle
import sys
import time
import warnings
from datetime import timedelta

import numpy as np

__all__ = [
    "Backend", "ReduceOp", "Work", "ProcessGroup", "group", "GroupMember", "P2POp",
    "init_process_group", "destroy_process_group", "is_initialized", "is_available",
    "is_mpi_available", "is_gloo_available", "is_nccl_available", "is_ucc_available",
    "is_xccl_available", "is_torchelastic_launched", "is_backend_available",
    "get_rank", "get_world_size", "get_backend", "get_process_group_ranks", "get_global_rank",
    "get_group_rank", "get_node_local_rank", "new_group", "barrier", "monitored_barrier",
    "all_reduce", "reduce", "broadcast", "all_gather", "all_gather_into_tensor", "gather",
    "scatter", "reduce_scatter", "reduce_scatter_tensor", "all_to_all", "all_to_all_single",
    "send", "recv", "isend", "irecv", "batch_isend_irecv", "broadcast_object_list",
    "all_gather_object", "gather_object", "scatter_object_list",
]

_NOT_INIT = ("Default process group has not been initialized, please make sure to call "
             "init_process_group.")
default_pg_timeout = timedelta(minutes=30)


def _have_mpi4py():
    import importlib.util

    return importlib.util.find_spec("mpi4py") is not None


def _mpi():
    """The ``mpi4py.MPI`` module, imported (and MPI initialised) on first use."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise RuntimeError(
            "ember.distributed runs on MPI and needs mpi4py with an MPI library: "
            "pip install 'ember[distributed]' (mpi4py and the mpich wheel)") from e
    return MPI


def is_available():
    """True when the MPI transport (mpi4py) can be imported."""
    return _have_mpi4py()


is_mpi_available = is_gloo_available = is_available


def is_nccl_available():
    return False


is_ucc_available = is_xccl_available = is_nccl_available


def is_backend_available(backend):
    return backend.lower() in ("gloo", "mpi") and is_available()


def is_torchelastic_launched():
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


class Backend(str):
    """A backend name: ``Backend("GLOO") == "gloo"``."""

    UNDEFINED, GLOO, NCCL, UCC, MPI, XCCL = "undefined", "gloo", "nccl", "ucc", "mpi", "xccl"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend name must be a string, but got: {name}")
        return str.__new__(cls, name.lower())


def _check_backend(backend):
    """The CPU backend named by ``backend`` ("gloo" or "mpi"), or torch's CPU-build error."""
    if backend is None:
        return Backend.GLOO
    name = Backend(backend)
    if ":" in name:  # "cpu:gloo,cuda:nccl"
        parts = dict(p.split(":", 1) for p in name.split(","))
        if "cpu" not in parts:
            raise RuntimeError(f"No backend for the CPU device in {backend!r}")
        name = Backend(parts["cpu"])
    if name in (Backend.NCCL, Backend.UCC, Backend.XCCL):
        raise RuntimeError(f"Distributed package doesn't have {name.upper()} built in")
    if name not in (Backend.GLOO, Backend.MPI):
        raise AssertionError(f"Unknown backend type {name}")
    return name


class ReduceOp:
    """Reduction operators: ``ReduceOp.SUM``, ``PRODUCT``, ``MIN``, ``MAX``, ``AVG``, bitwise ones."""

    class RedOpType(enum.IntEnum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8

        def __str__(self):
            return f"RedOpType.{self.name}"

    SUM, AVG, PRODUCT, MIN, MAX = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT, RedOpType.MIN, RedOpType.MAX
    BAND, BOR, BXOR, PREMUL_SUM = RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR, RedOpType.PREMUL_SUM


_Op = ReduceOp.RedOpType
_NP_REDUCE = {_Op.SUM: np.add, _Op.AVG: np.add, _Op.PRODUCT: np.multiply, _Op.MIN: np.minimum,
              _Op.MAX: np.maximum, _Op.BAND: np.bitwise_and, _Op.BOR: np.bitwise_or,
              _Op.BXOR: np.bitwise_xor}
_NATIVE = set("bBhHiIlLqQfdFD")  # dtypes MPI reduces itself; the rest (bool, half, ...) in NumPy


def _mpi_op(op):
    MPI = _mpi()
    return {_Op.SUM: MPI.SUM, _Op.AVG: MPI.SUM, _Op.PRODUCT: MPI.PROD, _Op.MIN: MPI.MIN,
            _Op.MAX: MPI.MAX, _Op.BAND: MPI.BAND, _Op.BOR: MPI.BOR, _Op.BXOR: MPI.BXOR}[op]


def _check_op(op, arr, name):
    if not isinstance(op, _Op):
        raise TypeError(f"{name}(): op must be a ReduceOp (e.g. ReduceOp.SUM), got {op!r}")
    if op is _Op.PREMUL_SUM:
        raise RuntimeError(f"{name}(): ReduceOp.PREMUL_SUM is only supported by the NCCL backend")
    kind = arr.dtype.kind
    if op in (_Op.BAND, _Op.BOR, _Op.BXOR) and kind not in "biu":
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    if op is _Op.AVG and kind in "biu":
        from .._dtype import from_np, scalar_type_name

        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{scalar_type_name(from_np[arr.dtype])}")
    if op in (_Op.MIN, _Op.MAX) and kind == "c":
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with complex inputs")
    return op


def _np_reduce(op, stacked, n):
    out = _NP_REDUCE[op].reduce(stacked, axis=0)
    return out / n if op is _Op.AVG else out


# ---- process groups ----------------------------------------------------------------------

class ProcessGroup:
    """A set of ranks with its own MPI communicator. ``rank()``/``size()`` are group-local."""

    def __init__(self, comm, ranks, backend, name="", timeout=None):
        self._comm = comm
        self._ranks = list(ranks)
        self._backend = backend
        self.group_name = name
        self._timeout = timeout   # None: the default group's

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return len(self._ranks)

    def name(self):
        return self._backend.upper()

    def _global(self, group_rank):
        return self._ranks[group_rank]

    def _local(self, global_rank):
        try:
            return self._ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"Global rank {global_rank} is not part of group {self}") from None

    def __repr__(self):
        return f"<ember.distributed.ProcessGroup ranks={self._ranks} backend={self._backend}>"


class _State:
    world = None        # the default ProcessGroup
    groups = []         # every ProcessGroup made since init (freed by destroy_process_group)
    timeout = default_pg_timeout


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return _State.world


class group(metaclass=_WorldMeta):
    """``group.WORLD``: the default process group (None before init)."""


class GroupMember(metaclass=_WorldMeta):
    NON_GROUP_MEMBER = -100


def _default_group():
    if _State.world is None:
        raise ValueError(_NOT_INIT)
    return _State.world


def _pg(group):
    """The ProcessGroup for ``group``; None when this rank is not a member."""
    if group is None or group is GroupMember.WORLD:
        return _default_group()
    if group is GroupMember.NON_GROUP_MEMBER:
        _default_group()
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup, got {type(group).__name__}")
    return group


def _skip(name):
    warnings.warn(f"Running {name} on global rank {get_rank()} which does not belong to the given "
                  "group.", stacklevel=3)


def is_initialized():
    return _State.world is not None


def _launched_by_mpi():
    return any(k in os.environ for k in ("PMI_RANK", "PMIX_RANK", "OMPI_COMM_WORLD_RANK"))


def _env_int(name, value):
    if value is not None and int(value) >= 0:
        return int(value)
    if name in os.environ:
        return int(os.environ[name])
    return None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Join the default process group. Rank and world size are the MPI runtime's; any given
    (arguments or ``RANK``/``WORLD_SIZE`` from the launcher) must agree with them."""
    if _State.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None and init_method is not None:
        raise ValueError("Cannot specify both init_method and store.")
    rank, world_size = _env_int("RANK", rank), _env_int("WORLD_SIZE", world_size)
    if (backend is None or Backend(backend) != Backend.MPI) and store is None and rank is None \
            and not _launched_by_mpi():  # torch's rendezvous fails before it looks at the backend
        raise ValueError("Error initializing torch.distributed using env:// rendezvous: "
                         "environment variable RANK expected, but not set")
    backend = _check_backend(backend)
    MPI = _mpi()
    comm = MPI.COMM_WORLD
    me, size = comm.Get_rank(), comm.Get_size()
    if backend != Backend.MPI and ((rank is not None and rank != me)
                                   or (world_size is not None and world_size != size)):
        raise RuntimeError(
            f"init_process_group: rank {rank} of world_size {world_size} does not match the MPI "
            f"world (rank {me} of {size}). ember.distributed runs on MPI: start the workers with "
            "`python -m ember.distributed.run --nproc_per_node=N script.py` or "
            "`mpiexec -n N python script.py`")
    if timeout is not None and not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout).__name__}")
    _State.timeout = timeout if timeout is not None else default_pg_timeout
    _abort_on_uncaught_exception()
    _State.world = ProcessGroup(comm.Dup(), range(size), backend, group_name or "0")
    _State.groups = [_State.world]


def destroy_process_group(group=None):
    """Free ``group``'s communicator, or every group and the default one when None."""
    if group is None or group is GroupMember.WORLD:
        if _State.world is None:
            raise AssertionError("Process group cannot be None")
        for pg in _State.groups:
            pg._comm.Free()
        _State.world, _State.groups = None, []
    elif group is not GroupMember.NON_GROUP_MEMBER:
        group._comm.Free()
        _State.groups.remove(group)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None):
    """A group of ``ranks`` (global ranks; all of them when None). Every rank must call it;
    those outside get ``GroupMember.NON_GROUP_MEMBER``."""
    world = _default_group()
    n = world.size()
    ranks = sorted(set(ranks)) if ranks else list(range(n))
    for r in ranks:
        if r < 0 or r >= n:
            raise ValueError("The new group's rank should be within the world_size set by "
                             "init_process_group")
    me = world.rank()
    MPI = _mpi()
    comm = world._comm.Split(0 if me in ranks else MPI.UNDEFINED, me)
    if me not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, ranks, _check_backend(backend) if backend else world._backend,
                      str(len(_State.groups)), timeout)
    _State.groups.append(pg)
    return pg


def get_rank(group=None):
    pg = _pg(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    pg = _pg(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    pg = _pg(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg._backend


def get_process_group_ranks(group):
    return list(_pg(group)._ranks)


def get_global_rank(group, group_rank):
    return _pg(group)._global(group_rank)


def get_group_rank(group, global_rank):
    return _pg(group)._local(global_rank)


def get_node_local_rank(fallback_rank=None):
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError("LOCAL_RANK is not in the environment. Consider passing fallback_rank to "
                       "allow `get_node_local_rank` to work, assuming you are not running in a "
                       "multi-device context and want the code to run locally instead.")


def _peer(pg, rank, group_rank, what):
    """Group-local rank from a global ``rank`` or a ``group_rank``."""
    if rank is not None and group_rank is not None:
        raise ValueError(f"Can not specify both {what} and group_{what}")
    if group_rank is not None:
        return group_rank
    return pg._local(0 if rank is None else rank)


# ---- work handles ------------------------------------------------------------------------

class Work:
    """Handle of a started operation: ``wait()`` blocks until done and writes results back."""

    def __init__(self, reqs, finish=None, result=None, keep=None):
        self._reqs = reqs
        self._finish = finish
        self._result = result
        self._keep = keep      # buffers MPI reads or writes until completion
        self._done = False
        self._status = None
        self._name = sys._getframe(2).f_code.co_name  # the collective that started it
        self._timeout = None   # the process group's (set by _run)

    def _complete(self):
        if self._finish is not None:
            self._finish()
        self._done, self._finish, self._keep = True, None, None

    def wait(self, timeout=None):
        if not self._done:
            _wait(self._reqs, self._status, self._timeout if timeout is None else timeout, self._name)
            self._complete()
        return True

    def is_completed(self):
        if not self._done and _mpi().Request.Testall(self._reqs):
            self._complete()
        return self._done

    def is_success(self):
        return self.is_completed()

    def exception(self):
        return None

    def source_rank(self):
        self.wait()
        return self._status.Get_source() if self._status is not None else -1

    def result(self):
        self.wait()
        return self._result or []

    def synchronize(self):
        self.wait()

    def get_future(self):
        return _Future(self)


class _Future:
    """The ``torch.futures.Future`` subset a Work offers: ``wait``, ``value``, ``done``, ``then``."""

    def __init__(self, work):
        self._work = work

    def wait(self):
        return self._work.result()

    value = wait

    def done(self):
        return self._work.is_completed()

    def then(self, callback):
        fut = _Future(self._work)
        fut.wait = fut.value = lambda: callback(self)
        return fut


def _seconds(timeout):
    return timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)


def _wait(reqs, status=None, timeout=None, name="collective"):
    """Wait for MPI requests until the process group's timeout, then raise torch's error.

    Polls (briefly spinning, then sleeping up to 5 ms) instead of MPI's busy wait,
    so a rank whose peer died neither hangs forever nor burns a core.
    """
    MPI = _mpi()
    if status is not None:
        def test():
            return reqs[0].Test(status)
    else:
        def test():
            return MPI.Request.Testall(reqs)
    if test():
        return
    limit = _seconds(_State.timeout if timeout is None else timeout)
    start = time.monotonic()
    pause = 0.0
    while not test():
        waited = time.monotonic() - start
        if waited > limit:
            raise RuntimeError(
                f"[ember.distributed] Timed out waiting {int(limit * 1000)}ms for {name} operation to "
                f"complete (rank {MPI.COMM_WORLD.Get_rank()}: a peer rank did not join it; it may have "
                "failed or exited)")
        if waited > 0.002:
            pause = min(max(2 * pause, 5e-5), 0.005)
            time.sleep(pause)


def _abort_on_uncaught_exception():
    """An uncaught exception on any rank ends the whole job (MPI abort), as torchrun does."""
    prev = sys.excepthook
    if getattr(prev, "_ember_abort", False):
        return

    def hook(kind, value, tb):
        prev(kind, value, tb)
        world = _State.world
        if world is not None and world.size() > 1:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            _mpi().COMM_WORLD.Abort(1)

    hook._ember_abort = True
    sys.excepthook = hook


def _run(pg, reqs, finish=None, async_op=False, result=None, keep=None):
    work = Work(reqs, finish, result, keep)
    work._timeout = pg._timeout
    if async_op:
        return work
    work.wait()
    return None


# ---- tensor buffers ----------------------------------------------------------------------

def _arr(t, name):
    from .._tensor import Tensor

    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"torch.Tensor\n             but got {type(t)} instead.")
    return t._data


def _arrs(ts, name):
    if not isinstance(ts, (list, tuple)):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"List[torch.Tensor]\n             but got {type(ts)} instead.")
    return [_arr(t, name) for t in ts]


def _inout(t):
    """(contiguous buffer, write-back) for a tensor a collective writes into."""
    a = t._data
    if t._vc is not None:
        t._vc[0] += 1
    if a.flags.c_contiguous and a.flags.writeable:
        return a, None
    buf = np.ascontiguousarray(a)

    def back():
        a[...] = buf
    return buf, back


def _then(*fns):
    fns = [f for f in fns if f is not None]
    if not fns:
        return None

    def run():
        for f in fns:
            f()
    return run


def _bytes(a):
    return a.reshape(-1).view(np.uint8)


def _fill(outs, stacked):
    """Copy rows of ``stacked`` into the tensors ``outs`` (through their views)."""
    for t, row in zip(outs, stacked):
        if t._vc is not None:
            t._vc[0] += 1
        t._data[...] = row.reshape(t._data.shape)


def _check_list(ts, n, what):
    if len(ts) != n:
        raise RuntimeError(f"ProcessGroupGloo::{what}: invalid output tensor list at index 0 "
                           f"(expected length {n}, got {len(ts)})")


# ---- collectives -------------------------------------------------------------------------

def barrier(group=None, async_op=False, device_ids=None):
    pg = _pg(group)
    if pg is None:
        return _skip("barrier")
    return _run(pg, [pg._comm.Ibarrier()], async_op=async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier that raises after ``timeout`` (the group's by default) if a rank is missing."""
    work = barrier(group, async_op=True)
    if work is not None:
        work.wait(timeout)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` over the group, in place on every rank."""
    a = _arr(tensor, "tensor")
    op = _check_op(op, a, "all_reduce")
    pg = _pg(group)
    if pg is None:
        return _skip("all_reduce")
    n = pg.size()
    buf, back = _inout(tensor)
    if a.dtype.char in _NATIVE:
        req = pg._comm.Iallreduce(_mpi().IN_PLACE, buf, _mpi_op(op))
        avg = (lambda: np.divide(buf, n, out=buf)) if op is _Op.AVG else None
        return _run(pg, [req], _then(avg, back), async_op, [tensor], buf)
    stacked = np.empty((n,) + buf.shape, buf.dtype)
    req = pg._comm.Iallgather(_bytes(buf), _bytes(stacked))

    def fin():
        buf[...] = _np_reduce(op, stacked, n)
    return _run(pg, [req], _then(fin, back), async_op, [tensor], (buf, stacked))


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` over the group into rank ``dst``'s tensor; the others keep theirs."""
    a = _arr(tensor, "tensor")
    op = _check_op(op, a, "reduce")
    pg = _pg(group)
    if pg is None:
        return _skip("reduce")
    n, root = pg.size(), _peer(pg, dst, group_dst, "dst")
    mine = pg.rank() == root
    buf, back = _inout(tensor) if mine else (np.ascontiguousarray(a), None)
    if a.dtype.char in _NATIVE:
        MPI = _mpi()
        send = MPI.IN_PLACE if mine else buf
        req = pg._comm.Ireduce(send, buf if mine else None, _mpi_op(op), root)
        avg = (lambda: np.divide(buf, n, out=buf)) if mine and op is _Op.AVG else None
        return _run(pg, [req], _then(avg, back), async_op, [tensor], buf)
    stacked = np.empty((n,) + buf.shape, buf.dtype) if mine else None
    req = pg._comm.Igather(_bytes(buf), _bytes(stacked) if mine else None, root)

    def fin():
        if mine:
            buf[...] = _np_reduce(op, stacked, n)
    return _run(pg, [req], _then(fin, back), async_op, [tensor], (buf, stacked))


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy rank ``src``'s tensor into every rank's ``tensor``."""
    _arr(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return _skip("broadcast")
    buf, back = _inout(tensor)
    req = pg._comm.Ibcast(_bytes(buf), _peer(pg, src, group_src, "src"))
    return _run(pg, [req], back, async_op, [tensor], buf)


def _gather_into(pg, buf, stacked, async_op, finish, result):
    req = pg._comm.Iallgather(_bytes(buf), _bytes(stacked))
    return _run(pg, [req], finish, async_op, result, (buf, stacked))


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill ``tensor_list[i]`` with rank i's ``tensor``."""
    a = _arr(tensor, "tensor")
    _arrs(tensor_list, "tensor_list")
    pg = _pg(group)
    if pg is None:
        return _skip("all_gather")
    _check_list(tensor_list, pg.size(), "allgather")
    buf = np.ascontiguousarray(a)
    stacked = np.empty((pg.size(),) + buf.shape, buf.dtype)
    return _gather_into(pg, buf, stacked, async_op, lambda: _fill(tensor_list, stacked), tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Rank i's ``input_tensor`` becomes the i-th chunk (along dim 0) of ``output_tensor``."""
    out, a = _arr(output_tensor, "output_tensor"), _arr(input_tensor, "input_tensor")
    pg = _pg(group)
    if pg is None:
        return _skip("all_gather_into_tensor")
    if out.size != pg.size() * a.size or out.dtype != a.dtype:
        raise ValueError("output tensor size must be equal to world_size times input tensor size")
    obuf, back = _inout(output_tensor)
    return _gather_into(pg, np.ascontiguousarray(a), obuf, async_op, back, [output_tensor])


def _rooted(pg, rank, group_rank, what, tensors, name, role):
    """(root, whether this rank is it, the list's arrays there) for gather and scatter."""
    root = _peer(pg, rank, group_rank, what)
    if pg.rank() == root:
        arrs = _arrs(tensors or [], name)
        _check_list(arrs, pg.size(), name.split("_")[0])
        return root, True, arrs
    if tensors:
        raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")
    return root, False, None


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Rank ``dst`` receives every rank's ``tensor`` into ``gather_list``."""
    a = _arr(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return _skip("gather")
    root, mine, _ = _rooted(pg, dst, group_dst, "dst", gather_list, "gather_list", "destination")
    buf = np.ascontiguousarray(a)
    stacked = np.empty((pg.size(),) + buf.shape, buf.dtype) if mine else None
    req = pg._comm.Igather(_bytes(buf), _bytes(stacked) if mine else None, root)
    fin = (lambda: _fill(gather_list, stacked)) if mine else None
    return _run(pg, [req], fin, async_op, gather_list if mine else [], (buf, stacked))


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank i receives ``scatter_list[i]`` of rank ``src`` into ``tensor``."""
    _arr(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return _skip("scatter")
    root, mine, arrs = _rooted(pg, src, group_src, "src", scatter_list, "scatter_list", "source")
    stacked = np.stack([np.asarray(x, tensor._data.dtype) for x in arrs]) if mine else None
    buf, back = _inout(tensor)
    req = pg._comm.Iscatter(_bytes(stacked) if mine else None, _bytes(buf), root)
    return _run(pg, [req], back, async_op, [tensor], (buf, stacked))


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` over the group; rank i keeps the i-th chunk (dim 0) in ``output``."""
    out, a = _arr(output, "output"), _arr(input, "input")
    op = _check_op(op, a, "reduce_scatter")
    pg = _pg(group)
    if pg is None:
        return _skip("reduce_scatter_tensor")
    n = pg.size()
    if a.size != n * out.size or out.dtype != a.dtype:
        raise ValueError("input tensor must be the same size as output size times world size")
    obuf, back = _inout(output)
    src = np.ascontiguousarray(a)
    if a.dtype.char in _NATIVE:
        req = pg._comm.Ireduce_scatter_block(src, obuf, _mpi_op(op))
        avg = (lambda: np.divide(obuf, n, out=obuf)) if op is _Op.AVG else None
        return _run(pg, [req], _then(avg, back), async_op, [output], (src, obuf))
    stacked = np.empty((n,) + src.shape, src.dtype)
    req = pg._comm.Iallgather(_bytes(src), _bytes(stacked))

    def fin():
        part = stacked.reshape(n, n, -1)[:, pg.rank()]
        obuf[...] = _np_reduce(op, part, n).reshape(obuf.shape)
    return _run(pg, [req], _then(fin, back), async_op, [output], (src, stacked, obuf))


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce the lists over the group; rank i gets the reduced ``input_list[i]`` in ``output``."""
    arrs = _arrs(input_list, "input_list")
    from .._tensor import _wrap

    pg = _pg(group)
    if pg is None:
        return _skip("reduce_scatter")
    _check_list(arrs, pg.size(), "reduce_scatter")
    return reduce_scatter_tensor(output, _wrap(np.stack(arrs)), op, group, async_op)


def _alltoallv(pg, send, send_counts, recv, recv_counts, finish, async_op, result):
    """Alltoallv on byte views: rank i's j-th send block of ``send_counts[j]`` bytes goes to j."""
    def spec(buf, counts):
        return [_bytes(buf), (counts, np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist())]
    req = pg._comm.Ialltoallv(spec(send, send_counts), spec(recv, recv_counts))
    return _run(pg, [req], finish, async_op, result, (send, recv))


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """Split ``input`` along dim 0 (``input_split_sizes`` rows each, or equally), send chunk j to
    rank j; ``output`` receives rank i's chunk at the i-th slot."""
    out, a = _arr(output, "output"), _arr(input, "input")
    pg = _pg(group)
    if pg is None:
        return _skip("all_to_all_single")
    n = pg.size()

    def counts(arr, splits):
        rows = arr.shape[0] if arr.ndim else 1
        row = arr.itemsize * (arr.size // rows if rows else 0)
        if not splits:
            if rows % n:
                raise ValueError(f"Tensor's dim 0 does not divide equally across group size {n}")
            splits = [rows // n] * n
        if len(splits) != n or sum(splits) != rows:
            raise ValueError("Split sizes doesn't match total dim 0 size")
        return [int(s) * row for s in splits]
    sc, rc = counts(a, input_split_sizes), counts(out, output_split_sizes)
    obuf, back = _inout(output)
    return _alltoallv(pg, np.ascontiguousarray(a), sc, obuf, rc, back, async_op, [output])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Send ``input_tensor_list[j]`` to rank j; receive rank i's into ``output_tensor_list[i]``."""
    ins, outs = _arrs(input_tensor_list, "input_tensor_list"), _arrs(output_tensor_list, "output_tensor_list")
    pg = _pg(group)
    if pg is None:
        return _skip("all_to_all")
    _check_list(ins, pg.size(), "alltoall")
    _check_list(outs, pg.size(), "alltoall")
    send = np.concatenate([_bytes(np.ascontiguousarray(x)) for x in ins])
    recv = np.empty(sum(x.nbytes for x in outs), np.uint8)

    def fin():
        off = 0
        for t, x in zip(output_tensor_list, outs):
            t._data[...] = recv[off:off + x.nbytes].view(x.dtype).reshape(x.shape)
            off += x.nbytes
    return _alltoallv(pg, send, [x.nbytes for x in ins], recv, [x.nbytes for x in outs], fin,
                      async_op, output_tensor_list)


# ---- point to point ----------------------------------------------------------------------

def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work."""
    a = _arr(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return _skip("isend")
    buf = np.ascontiguousarray(a)
    return _run(pg, [pg._comm.Isend(_bytes(buf), _peer(pg, dst, group_dst, "dst"), tag)], None, True,
                [tensor], buf)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None); returns a Work."""
    _arr(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return _skip("irecv")
    MPI = _mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _peer(pg, src, group_src, "src")
    buf, back = _inout(tensor)
    work = _run(pg, [pg._comm.Irecv(_bytes(buf), peer, tag)], back, True, [tensor], buf)
    work._status = MPI.Status()
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and wait until it is delivered to MPI."""
    pg = _pg(group)
    if pg is not None and _peer(pg, dst, group_dst, "dst") == pg.rank():
        raise ValueError("Invalid destination rank: destination rank should not be the same as "
                         "the rank of the current process.")
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank."""
    pg = _pg(group)
    if pg is None:
        _skip("recv")
        return -1
    if (src is not None or group_src is not None) and _peer(pg, src, group_src, "src") == pg.rank():
        raise ValueError("Invalid source rank: source rank should not be the same as the rank of "
                         "the current process.")
    work = irecv(tensor, src, group, tag, group_src)
    return pg._global(work.source_rank())


class P2POp:
    """One send or receive for ``batch_isend_irecv``: ``P2POp(dist.isend, tensor, peer)``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` "
                             "or ``torch.distributed.irecv``.")
        self.op, self.tensor, self.peer, self.group, self.tag, self.group_peer = (
            op, tensor, peer, group, tag, group_peer)


def batch_isend_irecv(p2p_op_list):
    """Start every op of the list; returns their Works."""
    return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in p2p_op_list]


# ---- picklable objects -------------------------------------------------------------------

def _pickled(obj):
    return np.frombuffer(pickle.dumps(obj), np.uint8)


def _counts(pg, n, rooted=None):
    """Every rank's byte count (all of them, or at ``rooted``'s root only)."""
    mine = np.array([n], np.int64)
    got = np.zeros(pg.size(), np.int64)
    MPI = _mpi()
    if rooted is None:
        _wait([pg._comm.Iallgather([mine, MPI.INT64_T], [got, MPI.INT64_T])], timeout=pg._timeout, name="all_gather")
    else:
        _wait([pg._comm.Igather([mine, MPI.INT64_T], [got, MPI.INT64_T], rooted)], timeout=pg._timeout, name="gather")
    return got


def _unpickle_parts(buf, counts):
    out, at = [], 0
    for c in counts:
        out.append(pickle.loads(buf[at:at + c].tobytes()))
        at += c
    return out


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replace ``object_list``'s items with rank ``src``'s (pickled)."""
    pg = _pg(group)
    if pg is None:
        return _skip("broadcast_object_list")
    root = _peer(pg, src, group_src, "src")
    MPI = _mpi()
    data = _pickled(list(object_list)) if pg.rank() == root else None
    n = np.array([0 if data is None else data.size], np.int64)
    _wait([pg._comm.Ibcast([n, MPI.INT64_T], root)], timeout=pg._timeout, name="broadcast")
    buf = data if data is not None else np.empty(int(n[0]), np.uint8)
    _wait([pg._comm.Ibcast([buf, MPI.BYTE], root)], timeout=pg._timeout, name="broadcast")
    object_list[:] = pickle.loads(buf.tobytes())


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` becomes rank i's ``obj``."""
    pg = _pg(group)
    if pg is None:
        return _skip("all_gather_object")
    data = _pickled(obj)
    counts = _counts(pg, data.size)
    buf = np.empty(int(counts.sum()), np.uint8)
    displs = np.concatenate([[0], np.cumsum(counts)[:-1]])
    _wait([pg._comm.Iallgatherv([data, _mpi().BYTE], [buf, counts, displs, _mpi().BYTE])],
          timeout=pg._timeout, name="all_gather")
    for i, o in enumerate(_unpickle_parts(buf, counts)):
        object_list[i] = o


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    pg = _pg(group)
    if pg is None:
        return _skip("gather_object")
    root = _peer(pg, dst, group_dst, "dst")
    data = _pickled(obj)
    counts = _counts(pg, data.size, root)
    MPI = _mpi()
    if pg.rank() == root:
        buf = np.empty(int(counts.sum()), np.uint8)
        displs = np.concatenate([[0], np.cumsum(counts)[:-1]])
        recv = [buf, counts, displs, MPI.BYTE]
    else:
        recv = None
    _wait([pg._comm.Igatherv([data, MPI.BYTE], recv, root)], timeout=pg._timeout, name="gather")
    if pg.rank() == root:
        for i, o in enumerate(_unpickle_parts(buf, counts)):
            object_gather_list[i] = o


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    pg = _pg(group)
    if pg is None:
        return _skip("scatter_object_list")
    root = _peer(pg, src, group_src, "src")
    MPI = _mpi()
    if pg.rank() == root:
        parts = [_pickled(o) for o in scatter_object_input_list]
        counts = np.array([p.size for p in parts], np.int64)
        send = [np.concatenate(parts) if parts else np.empty(0, np.uint8), counts,
                np.concatenate([[0], np.cumsum(counts)[:-1]]), MPI.BYTE]
    else:
        counts, send = np.zeros(pg.size(), np.int64), None
    n = np.zeros(1, np.int64)
    _wait([pg._comm.Iscatter([counts, MPI.INT64_T] if send else None, [n, MPI.INT64_T], root)],
          timeout=pg._timeout, name="scatter")
    buf = np.empty(int(n[0]), np.uint8)
    _wait([pg._comm.Iscatterv(send, [buf, MPI.BYTE], root)], timeout=pg._timeout, name="scatter")
    scatter_object_output_list[0] = pickle.loads(buf.tobytes())
