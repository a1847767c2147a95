"""``DistributedDataParallel``: one model replica per process, gradients averaged by all-reduce.

At construction the parameters and buffers of rank 0 are broadcast to every rank. Each
forward (with grad enabled, outside ``no_sync()``) arms a post-accumulate-grad hook on
every parameter; during backward, once a parameter's ``.grad`` is accumulated and when
all parameters of a bucket (about 25 MB, reverse parameter order, as PyTorch) are
ready, the bucket's gradients (divided by the world size) start an asynchronous
all-reduce. The last hook waits for all buckets and writes the averages back into
``.grad``, so ``optimizer.step()`` sees the same gradients on every rank.
"""
import weakref
from contextlib import contextmanager

import numpy as np

from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This "
    "error indicates that your module has parameters that were not used in producing loss. You "
    "can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by making "
    "sure all `forward` function outputs participate in calculating loss.")


def _dist():
    from ... import distributed

    return distributed


def _coalesced(tensors, fn):
    """Run ``fn(flat)`` on one flat tensor per dtype holding ``tensors``, then copy back."""
    from ..._tensor import _wrap

    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault(t._data.dtype, []).append(t)
    for ts in by_dtype.values():
        flat = np.concatenate([t._data.reshape(-1) for t in ts])
        fn(_wrap(flat))
        off = 0
        for t in ts:
            n = t._data.size
            t._data[...] = flat[off:off + n].reshape(t._data.shape)
            off += n


class _Bucket:
    __slots__ = ("params", "index", "offsets", "flat", "pending", "work")

    def __init__(self, params, index):
        self.params, self.index = params, index
        self.offsets = np.cumsum([0] + [p._data.size for p in params]).tolist()
        self.flat = np.empty(self.offsets[-1], params[0]._data.dtype)
        self.pending, self.work = 0, None


def _graph_leaves(outputs):
    """ids of the leaf tensors the autograd graph of ``outputs`` reaches."""
    from ..._tensor import Tensor
    from ...autograd.graph import AccumulateGrad

    stack, seen, found = [outputs], set(), set()
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            if o.grad_fn is None:
                found.add(id(o))
            else:
                stack.append(o.grad_fn)
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.values())
        elif o is not None and hasattr(o, "next_functions") and id(o) not in seen:
            seen.add(id(o))
            if type(o) is AccumulateGrad:
                found.add(id(o.variable))
            stack.extend(nx for nx, _ in o.next_functions if nx is not None)
    return found


class DistributedDataParallel(Module):
    """Data parallelism across processes: wrap the model after ``init_process_group``.

        model = DistributedDataParallel(Net())     # device_ids=None on CPU
        loss_fn(model(x), y).backward()            # .grad: the average over ranks
        with model.no_sync(): ...                  # accumulate locally, no communication
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None,
                 find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False):
        super().__init__()
        dist = _dist()
        pg = process_group if process_group is not None else dist.distributed_c10d._default_group()
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any "
                               "parameter that requires a gradient.")
        if device_ids or output_device is not None:
            devices = {p.device for p in module.parameters()}
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters {devices}.")
        self.module = module
        self.process_group = pg
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self._params = params
        self._verify_params()
        if init_sync:
            self._sync_states(list(module.parameters()) + list(module.buffers()))
        self._buckets, self._bucket_of = self._make_buckets()
        self._armed = self._started = False
        self._left = 0
        self._ready = None
        self._unused = ()
        self._used_work = None
        ref = weakref.ref(self)
        self._hook_handles = [p.register_post_accumulate_grad_hook(self._make_hook(ref, i))
                              for i, p in enumerate(params)]

    # ---- construction ------------------------------------------------------------------
    def _verify_params(self):
        """Every rank must wrap the same parameter shapes (PyTorch's check)."""
        dist = _dist()
        mine = [(tuple(p.shape), str(p.dtype)) for p in self._params]
        every = [None] * self.process_group.size()
        dist.all_gather_object(every, mine, group=self.process_group)
        for r, theirs in enumerate(every):
            if theirs != every[0]:
                raise RuntimeError(
                    f"DDP expects same model across all ranks, but Rank {r} has {len(theirs)} "
                    f"params with shapes/dtypes {theirs}, while rank 0 has {every[0]}.")

    def _sync_states(self, tensors):
        """Broadcast ``tensors`` from the group's first rank, coalesced per dtype."""
        dist = _dist()
        src = dist.get_global_rank(self.process_group, 0)
        if tensors and self.process_group.size() > 1:
            _coalesced(tensors, lambda flat: dist.broadcast(flat, src, group=self.process_group))

    def _make_buckets(self):
        """Buckets of parameters in reverse order, one dtype each; the first capped at 1 MB."""
        buckets, cur, size, cap = [], [], 0, min(self.bucket_bytes_cap, 1024 * 1024)
        for i in reversed(range(len(self._params))):
            p = self._params[i]
            if cur and (size + p._data.nbytes > cap or p._data.dtype != self._params[cur[0]]._data.dtype):
                buckets.append(cur)
                cur, size, cap = [], 0, self.bucket_bytes_cap
            cur.append(i)
            size += p._data.nbytes
        buckets.append(cur)
        made = [_Bucket([self._params[i] for i in b], b) for b in buckets]
        where = {}
        for b in made:
            for k, i in enumerate(b.index):
                where[i] = (b, k)
        return made, where

    # ---- forward / backward ------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        from ...autograd.grad_mode import is_grad_enabled

        if self.broadcast_buffers and self.require_forward_param_sync:
            self._sync_states(list(self.module.buffers()))
        out = self.module(*inputs, **kwargs)
        if is_grad_enabled() and self.require_backward_grad_sync:
            self._prepare(out)
        else:
            self._armed = False
        return out

    def _prepare(self, out):
        if self._armed and self._started and self._left:
            raise RuntimeError(_UNFINISHED)
        for b in self._buckets:
            b.pending, b.work = len(b.params), None
        self._left = len(self._params)
        self._ready = bytearray(len(self._params))
        self._unused = ()
        self._started = False
        if self.find_unused_parameters:
            used = _graph_leaves(out)
            self._unused = [i for i, p in enumerate(self._params) if id(p) not in used]
        self._armed = True

    @staticmethod
    def _make_hook(ref, i):
        def hook(param):
            ddp = ref()
            if ddp is not None and ddp._armed and not ddp._ready[i]:
                ddp._on_grad(i)
        return hook

    def _on_grad(self, i):
        """Parameter ``i``'s ``.grad`` is final for this backward: its bucket may go."""
        if not self._started:
            self._started = True
            self._first_hook()
        self._mark_ready(i)

    def _first_hook(self):
        """Unused parameters count as ready once backward starts; ranks agree on which are used."""
        if self.find_unused_parameters:
            dist = _dist()
            from ..._tensor import _wrap

            used = np.ones(len(self._params), np.int32)
            used[list(self._unused)] = 0
            self._used = _wrap(used)
            self._used_work = dist.all_reduce(self._used, group=self.process_group, async_op=True)
            for i in self._unused:
                self._mark_ready(i)

    def _mark_ready(self, i):
        self._ready[i] = 1
        b, _ = self._bucket_of[i]
        b.pending -= 1
        if b.pending == 0:
            self._launch(b)
        self._left -= 1
        if self._left == 0:
            self._finish()

    def _launch(self, b):
        from ..._tensor import _wrap

        dist = _dist()
        for p, lo, hi in zip(b.params, b.offsets, b.offsets[1:]):
            b.flat[lo:hi] = 0 if p.grad is None else p.grad._data.reshape(-1)
        np.divide(b.flat, self.process_group.size(), out=b.flat)
        b.work = dist.all_reduce(_wrap(b.flat), group=self.process_group, async_op=True)

    def _finish(self):
        from ..._tensor import _wrap

        used = None
        if self._used_work is not None:
            self._used_work.wait()
            used, self._used_work = self._used._data, None
        for b in self._buckets:
            b.work.wait()
            for i, p, lo, hi in zip(b.index, b.params, b.offsets, b.offsets[1:]):
                avg = b.flat[lo:hi].reshape(p._data.shape)
                if p.grad is not None:
                    p.grad._data[...] = avg
                elif used is None or used[i]:
                    p.grad = _wrap(avg.copy())
        self._armed = False

    @contextmanager
    def no_sync(self):
        """Inside, backward accumulates local gradients without communication."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def _set_static_graph(self):
        self.static_graph = True
