"""Issue 'nn training speed': one SGD training step for an MLP and a small CNN, plus the
layers of the CNN alone so the next bottleneck is visible.

    .venv/bin/python benchmarks/bench_nn.py

A training step is: forward, CrossEntropyLoss, backward, SGD(momentum=0.9).step(),
zero_grad(). Both frameworks start from the same weights (torch's state_dict copied
into ember through numpy) and see the same batches. Thread counts are left at their
defaults and printed. ratio = ember time / torch time.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from harness import run  # noqa: E402

import ember  # noqa: E402
import torch  # noqa: E402

FW = {"ember": ember, "torch": torch}


# ---------------------------------------------------------------- models


def mlp(m):
    nn = m.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def cnn(m):
    nn = m.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def same_weights(m, build):
    """``build(m)`` with torch's seeded initial weights (copied through numpy for ember)."""
    torch.manual_seed(0)
    ref = build(torch)
    if m is torch:
        return ref
    model = build(m)
    model.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                           for k, v in ref.state_dict().items()})
    return model


def arr(*shape, seed=0):
    return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)


def labels(n, seed=1):
    return np.random.RandomState(seed).randint(0, 10, n).astype(np.int64)


def train_step(build, x_shape):
    def make(m):
        model = same_weights(m, build)
        opt = m.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        crit = m.nn.CrossEntropyLoss()
        x = m.from_numpy(arr(*x_shape))
        y = m.from_numpy(labels(x_shape[0]))

        def step():
            out = model(x)
            loss = crit(out, y)
            loss.backward()
            opt.step()
            opt.zero_grad()
            return loss
        return step
    return make


# ---------------------------------------------------------------- layers


def layer(build, x_shape, backward=True, target_cls=None):
    """Time ``layer(x)`` (and ``.backward(g)`` with a fixed cotangent) in grad mode."""
    def make(m):
        mod = same_weights(m, build)
        x = m.from_numpy(arr(*x_shape)).requires_grad_()
        g = m.from_numpy(arr(*tuple(torch.Size(mod_out_shape(build, x_shape))), seed=2))

        if not backward:
            return lambda: mod(x)

        def fb():
            mod.zero_grad()
            x.grad = None
            mod(x).backward(g)
        return fb
    return make


_shapes = {}


def mod_out_shape(build, x_shape):
    key = (build, x_shape)
    if key not in _shapes:
        with torch.no_grad():
            _shapes[key] = tuple(build(torch)(torch.zeros(x_shape)).shape)
    return _shapes[key]


def conv2(m):
    return m.nn.Conv2d(32, 64, 3, padding=1)


def pool(m):
    return m.nn.MaxPool2d(2)


def bn(m):
    return m.nn.BatchNorm2d(64).train()


def fc1(m):
    return m.nn.Linear(3136, 128)


def cross_entropy():
    def make(m):
        x = m.from_numpy(arr(64, 10)).requires_grad_()
        y = m.from_numpy(labels(64))

        def fb():
            x.grad = None
            m.nn.functional.cross_entropy(x, y).backward()
        return fb
    return make


def lstm():
    """LSTM(64->128) over (32 steps, batch 32): fwd + bwd of output.sum()."""
    def make(m):
        mod = same_weights(m, lambda m: m.nn.LSTM(64, 128))
        x = m.from_numpy(arr(32, 32, 64)).requires_grad_()

        def fb():
            mod.zero_grad()
            x.grad = None
            mod(x)[0].sum().backward()
        return fb
    return make


def check_first_step():
    """Loss after 3 steps from the same weights and data, in both frameworks."""
    out = []
    for m in (ember, torch):
        try:
            step = train_step(cnn, (64, 1, 28, 28))(m)
            for _ in range(3):
                loss = step()
            out.append(f"{loss.item():.6f}")
        except Exception as e:
            out.append(f"FAILED ({type(e).__name__}: {e})")
    return out


def main():
    print(f"# nn training step; torch {torch.__version__}: torch.get_num_threads()={torch.get_num_threads()}, "
          f"interop={torch.get_num_interop_threads()}; cpus {os.cpu_count()}; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')} (defaults left alone)")
    le, lt = check_first_step()
    print(f"# sanity, CNN loss after 3 steps from identical weights: ember {le}  torch {lt}")

    run("One training step (fwd, CrossEntropyLoss, bwd, SGD momentum 0.9 step, zero_grad)", [
        ("MLP 784-256-256-10 ReLU, batch 128", train_step(mlp, (128, 784)), "1.0x"),
        ("CNN conv-pool x2, fc 3136-128-10, b64", train_step(cnn, (64, 1, 28, 28)), "1.0/0.7"),
    ], FW, min_time=1.0, target=True)

    run("CNN layers alone (batch 64, grad mode)", [
        ("Conv2d(32->64,3x3,p1) fwd (64,32,14,14)", layer(conv2, (64, 32, 14, 14), backward=False)),
        ("Conv2d(32->64,3x3,p1) fwd+bwd", layer(conv2, (64, 32, 14, 14))),
        ("Conv2d(1->32,3x3,p1) fwd+bwd (64,1,28,28)", layer(lambda m: m.nn.Conv2d(1, 32, 3, padding=1),
                                                            (64, 1, 28, 28))),
        ("MaxPool2d(2) fwd+bwd (64,32,28,28)", layer(pool, (64, 32, 28, 28))),
        ("MaxPool2d(2) fwd+bwd (64,64,14,14)", layer(pool, (64, 64, 14, 14))),
        ("BatchNorm2d(64) train fwd+bwd (64,64,14,14)", layer(bn, (64, 64, 14, 14))),
        ("ReLU fwd+bwd (64,32,28,28)", layer(lambda m: m.nn.ReLU(), (64, 32, 28, 28))),
        ("Linear(3136->128) fwd+bwd, batch 64", layer(fc1, (64, 3136))),
        ("cross_entropy fwd+bwd (64,10)", cross_entropy()),
    ], FW, min_time=0.5)

    run("Recurrent (grad mode)", [
        ("LSTM(64->128) fwd+bwd (32 steps, batch 32)", lstm()),
    ], FW, min_time=0.5)


if __name__ == "__main__":
    main()
