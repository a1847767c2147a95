"""ember.multiprocessing: shared-memory tensors across fork and spawn, queues, Hogwild.

Hogwild-style training is checked against torch: two workers train one shared model in
turn (each with its own SGD-with-momentum optimiser); the parent then holds the same
weights torch computes for the same sequence of steps.
"""
import gc
import os
import pickle
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest
import torch
from _mp_workers import (
    add_rank,
    data,
    double,
    exit_with_code,
    fill_from_pipe,
    fill_from_queue,
    hogwild_in_turn,
    hogwild_together,
    make_model,
    raise_in_one,
    send_back,
    share_and_send,
    train,
)

import ember
import ember.multiprocessing as mp

METHODS = ["fork", "spawn"]


# ---- sharing in one process ------------------------------------------------------------

def test_share_memory_keeps_values_views_and_autograd():
    x = ember.arange(12.0).reshape(3, 4).clone()
    v = x[1:, ::2]
    assert not x.is_shared() and not v.is_shared()
    assert v.share_memory_() is v
    assert v.is_shared() and x.is_shared()          # a view moves its base with it
    assert x.tolist() == np.arange(12.0).reshape(3, 4).tolist()
    assert v.stride() == (4, 2) and v.storage_offset() == 4
    v.fill_(-1)
    assert x[1].tolist() == [-1, 1 * 4 + 1, -1, 1 * 4 + 3]
    w = ember.nn.Parameter(ember.ones(3))
    w.share_memory_()
    (w * 2).sum().backward()
    ember.optim.SGD([w], lr=0.5).step()
    assert w.is_shared() and w.tolist() == [0.0, 0.0, 0.0]
    assert not torch.ones(3).is_shared() and not ember.ones(3).is_shared()


def test_module_share_memory_shares_params_grads_and_buffers():
    m = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.BatchNorm1d(2))
    m(ember.randn(4, 3)).sum().backward()
    assert m.share_memory() is m
    for t in list(m.parameters()) + list(m.buffers()) + [p.grad for p in m.parameters()]:
        assert t.is_shared()
    m(ember.randn(4, 3)).sum().backward()            # training keeps working after the move


def test_adagrad_share_memory():
    w = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.Adagrad([w])
    opt.share_memory()
    assert opt.state[w]["sum"].is_shared()


def test_sharing_strategies():
    assert mp.get_sharing_strategy() == torch.multiprocessing.get_sharing_strategy()
    assert mp.get_all_sharing_strategies() == torch.multiprocessing.get_all_sharing_strategies()
    for lib in (torch, ember):
        with pytest.raises(AssertionError):
            lib.multiprocessing.set_sharing_strategy("bogus")
    assert {"Process", "Queue", "SimpleQueue", "Pool", "get_context", "set_start_method",
            "spawn", "start_processes", "ProcessContext", "ProcessRaisedException",
            "ProcessExitedException"} <= set(dir(mp))


def test_non_leaf_requiring_grad_refuses_to_cross():
    for lib in (torch, ember):
        y = lib.ones(2, requires_grad=True) * 2
        with pytest.raises(RuntimeError, match="Cowardly refusing"):
            ForkingPickler.dumps(y)


def test_same_process_roundtrip_shares_and_keeps_type():
    p = ember.nn.Parameter(ember.arange(6.0).reshape(2, 3))
    q = pickle.loads(bytes(ForkingPickler.dumps(p)))
    assert type(q) is ember.nn.Parameter and q.requires_grad and q.shape == (2, 3)
    q.data.mul_(0)
    assert p.tolist() == [[0.0] * 3] * 2             # one memory


# ---- across processes ------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_hogwild_workers_in_turn_match_torch(method):
    ctx = mp.get_context(method)
    model = make_model(ember)
    model.share_memory()
    events = [ctx.Event() for _ in range(3)]
    procs = [ctx.Process(target=hogwild_in_turn, args=(r, model, events, 5)) for r in range(2)]
    for p in procs:
        p.start()
    events[0].set()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    ref = make_model(torch)
    for _ in range(2):                   # each worker: a fresh optimiser, 5 steps
        train(torch, ref, 5)
    for a, b in zip(model.parameters(), ref.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_hogwild_concurrent_updates_reach_parent():
    ctx = mp.get_context("fork")
    model = make_model(ember)
    model.share_memory()
    x, y = data(ember)
    before = ember.nn.functional.cross_entropy(model(x), y).item()
    first = [p.detach().clone() for p in model.parameters()]
    procs = [ctx.Process(target=hogwild_together, args=(r, model, 20)) for r in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    after = ember.nn.functional.cross_entropy(model(x), y).item()
    assert after < before - 0.05
    assert all(not ember.equal(a, b) for a, b in zip(model.parameters(), first))


@pytest.mark.parametrize("method", METHODS)
def test_queue_view_in_place_seen_by_parent(method):
    ctx = mp.get_context(method)
    q, done = ctx.Queue(), ctx.Event()
    x = ember.zeros(3, 4)
    p = ctx.Process(target=fill_from_queue, args=(q, done, 7.0))
    p.start()
    q.put(x[1:, ::2])
    assert done.wait(60)
    p.join(60)
    t = torch.zeros(3, 4)
    t[1:, ::2] = 7.0
    assert x.tolist() == t.tolist()


@pytest.mark.parametrize("method", METHODS)
def test_child_sends_tensors_back(method):
    ctx = mp.get_context(method)
    q, r, done = ctx.Queue(), ctx.Queue(), ctx.Event()
    p = ctx.Process(target=send_back, args=(q, r, done))
    p.start()
    x = ember.arange(6.0).reshape(3, 2)
    q.put(x)
    doubled, tail = r.get(timeout=60)
    done.set()
    p.join(60)
    assert doubled.tolist() == (np.arange(6.0).reshape(3, 2) * 2).tolist()
    assert doubled.is_shared() and tail.is_shared()
    tail.fill_(-1)                                   # the child's view of x is x's memory
    assert x.tolist() == [[0.0, 1.0], [-1.0, -1.0], [-1.0, -1.0]]


def test_pipe_simple_queue_and_pool():
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    x = ember.zeros(2, 3)
    p = ctx.Process(target=fill_from_pipe, args=(child, 5.0))
    p.start()
    parent.send(x[:, 1])
    assert parent.recv() == "done"
    p.join(60)
    assert x.tolist() == [[0.0, 5.0, 0.0], [0.0, 5.0, 0.0]]
    q = ctx.SimpleQueue()
    q.put(x)
    y = q.get()
    y.add_(1)                                        # the same memory as x
    assert x[0].tolist() == [1.0, 6.0, 1.0]
    with ctx.Pool(2) as pool:
        out = pool.map(double, [ember.ones(3), ember.arange(3.0)])
    assert [o.tolist() for o in out] == [[2.0, 2.0, 2.0], [0.0, 2.0, 4.0]]


def test_spawn_processes_and_errors():
    t = ember.zeros(3)
    t.share_memory_()
    assert mp.spawn(add_rank, args=(t,), nprocs=2) is None
    assert t.tolist() == [1.0, 2.0, 0.0]
    with pytest.raises(mp.ProcessRaisedException, match="worker one failed") as e:
        mp.spawn(raise_in_one, nprocs=2)
    assert e.value.error_index == 1
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3"):
        mp.start_processes(exit_with_code, nprocs=2, start_method="fork")
    ctx = mp.start_processes(add_rank, args=(t,), nprocs=1, join=False, start_method="fork")
    while not ctx.join():
        pass
    assert t.tolist() == [2.0, 2.0, 0.0]


def _ember_files():
    return [f for f in os.listdir("/dev/shm") if f.startswith(f"ember_{os.getpid()}_")]


@pytest.mark.parametrize("strategy", ["file_descriptor", "file_system"])
def test_no_segments_left_behind(strategy):
    old = mp.get_sharing_strategy()
    mp.set_sharing_strategy(strategy)
    try:
        ctx = mp.get_context("fork")
        q, done = ctx.Queue(), ctx.Event()
        x = ember.zeros(5)
        p = ctx.Process(target=fill_from_queue, args=(q, done, 3.0))
        p.start()
        q.put(x)
        assert done.wait(60)
        p.join(60)
        assert x.tolist() == [3.0] * 5
        assert len(_ember_files()) == (strategy == "file_system")   # removed when we exit
        if strategy == "file_descriptor":
            del x, q
            gc.collect()
            assert _ember_files() == []
    finally:
        mp.set_sharing_strategy(old)


def test_named_segments_of_children_are_removed():
    before = {f for f in os.listdir("/dev/shm") if f.startswith("ember_")}
    ctx = mp.get_context("fork")
    q, done = ctx.Queue(), ctx.Event()
    p = ctx.Process(target=share_and_send, args=(q, done))
    p.start()
    t = q.get(timeout=60)
    done.set()
    p.join(60)
    assert t.tolist() == [2.0] * 4 and t.is_shared()
    assert {f for f in os.listdir("/dev/shm") if f.startswith("ember_")} <= before
