"""Worker functions for tests/test_multiprocessing.py. A module of their own, importing
ember but not torch, so that spawned children start quickly."""
import os

import numpy as np

import ember


def make_model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 3))


def data(lib):
    rs = np.random.RandomState(1)
    x = lib.tensor(rs.randn(16, 4).astype(np.float32))
    y = lib.tensor(rs.randint(0, 3, 16))
    return x, y


def train(lib, model, steps):
    x, y = data(lib)
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    for _ in range(steps):
        opt.zero_grad()
        lib.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()


def hogwild_in_turn(rank, model, events, steps):
    events[rank].wait()                  # worker r trains after worker r - 1
    train(ember, model, steps)
    events[rank + 1].set()


def hogwild_together(rank, model, steps):
    train(ember, model, steps)


def fill_from_queue(q, done, value):
    t = q.get()
    t.fill_(value)
    done.set()


def send_back(q, r, done):
    t = q.get()
    r.put((t * 2, t[1:]))
    done.wait()                          # keep the sender alive until the parent has the fds


def add_rank(rank, t):
    t[rank] += rank + 1


def raise_in_one(rank):
    if rank == 1:
        raise ValueError("worker one failed")


def exit_with_code(rank):
    os._exit(3 if rank == 0 else 0)


def fill_from_pipe(conn, value):
    t = conn.recv()
    t.fill_(value)
    conn.send("done")


def double(t):
    return t * 2


def share_and_send(q, done):
    import ember.multiprocessing as mp

    mp.set_sharing_strategy("file_system")
    q.put(ember.full((4,), 2.0))
    done.wait()
