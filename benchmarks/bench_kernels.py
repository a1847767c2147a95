"""Per-kernel timings behind the fair table: each layer or optimizer step alone (the CNN's
and resnet18's layers, the LSTM, the GRU, embedding, Adam, SGD, a large add), forward
(+ backward), in its own process per framework / kernel path.

    .venv/bin/python benchmarks/bench_kernels.py              # every case, 3 rounds
    .venv/bin/python benchmarks/bench_kernels.py conv2 pool1 --rounds 5
    .venv/bin/python benchmarks/bench_kernels.py --threads 1 --cpu   # one thread, CPU time

Like bench_fair.py: torch at 2 threads, ember on ``EMBER_KERNELS=numba`` and ``numpy``;
each child prints the median of 7 repeats, the parent the median over rounds.
``--threads 1 --cpu`` runs every framework on one thread (BLAS, OpenMP, numba) and
times process CPU time: on a machine shared with other jobs that still measures the
work each kernel does, where wall time on two threads mostly measures the neighbours.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# name: (description, builder(m, rng) -> step)
CASES = {}


def case(desc):
    def deco(f):
        CASES[f.__name__] = (desc, f)
        return f
    return deco


def _layer(m, rng, layer, shape, backward=True, grad=True):
    x = m.from_numpy(rng.standard_normal(shape).astype("float32"))
    if backward:
        x.requires_grad_(grad)

    def step():
        if not backward:
            with m.no_grad():
                layer(x)
            return
        y = layer(x)
        y.backward(m.ones_like(y))
    return step


@case("Conv2d(1->32, 3x3, p1) fwd+bwd on (64,1,28,28), no input grad")
def conv1(m, rng):
    return _layer(m, rng, m.nn.Conv2d(1, 32, 3, padding=1), (64, 1, 28, 28), grad=False)


@case("Conv2d(32->64, 3x3, p1) fwd+bwd on (64,32,14,14)")
def conv2(m, rng):
    return _layer(m, rng, m.nn.Conv2d(32, 64, 3, padding=1), (64, 32, 14, 14))


@case("Conv2d(32->64, 3x3, p1) fwd (no grad) on (64,32,14,14)")
def conv2_fwd(m, rng):
    return _layer(m, rng, m.nn.Conv2d(32, 64, 3, padding=1), (64, 32, 14, 14), backward=False)


@case("MaxPool2d(2) fwd+bwd on (64,32,28,28)")
def pool1(m, rng):
    return _layer(m, rng, m.nn.MaxPool2d(2), (64, 32, 28, 28))


@case("ReLU fwd+bwd on (64,32,28,28)")
def relu(m, rng):
    return _layer(m, rng, m.nn.ReLU(), (64, 32, 28, 28))


@case("resnet stem Conv2d(3->64, 7x7, s2, p3) fwd, batch 1, 224x224")
def stem(m, rng):
    return _layer(m, rng, m.nn.Conv2d(3, 64, 7, 2, 3, bias=False), (1, 3, 224, 224), backward=False)


@case("resnet Conv2d(64->64, 3x3, p1) fwd, batch 1, 56x56")
def r3x3_56(m, rng):
    return _layer(m, rng, m.nn.Conv2d(64, 64, 3, 1, 1, bias=False), (1, 64, 56, 56), backward=False)


@case("resnet Conv2d(256->512, 3x3, s2, p1) fwd, batch 1, 14x14")
def r3x3_14(m, rng):
    return _layer(m, rng, m.nn.Conv2d(256, 512, 3, 2, 1, bias=False), (1, 256, 14, 14), backward=False)


@case("resnet BatchNorm2d(64) eval, batch 1, 112x112")
def bn_eval(m, rng):
    return _layer(m, rng, m.nn.BatchNorm2d(64).eval(), (1, 64, 112, 112), backward=False)


@case("resnet MaxPool2d(3, 2, 1) fwd, batch 1, (64,112,112)")
def pool_r(m, rng):
    return _layer(m, rng, m.nn.MaxPool2d(3, 2, 1), (1, 64, 112, 112), backward=False)



@case("BatchNorm2d(32) train fwd+bwd on (64,32,28,28)")
def bn_train(m, rng):
    return _layer(m, rng, m.nn.BatchNorm2d(32), (64, 32, 28, 28))


@case("LayerNorm(512) fwd+bwd on (64,128,512)")
def layer_norm(m, rng):
    return _layer(m, rng, m.nn.LayerNorm(512), (64, 128, 512))


@case("GELU fwd+bwd on (64,128,512)")
def gelu(m, rng):
    return _layer(m, rng, m.nn.GELU(), (64, 128, 512))


@case("SiLU fwd+bwd on (64,128,512)")
def silu(m, rng):
    return _layer(m, rng, m.nn.SiLU(), (64, 128, 512))


@case("Dropout(0.5) train fwd+bwd on (64,128,512)")
def dropout(m, rng):
    return _layer(m, rng, m.nn.Dropout(0.5), (64, 128, 512))


@case("softmax(dim=-1) fwd+bwd on (64,128,512)")
def softmax(m, rng):
    return _layer(m, rng, m.nn.Softmax(-1), (64, 128, 512))


@case("cross_entropy fwd+bwd on (2048,1000) logits")
def cross_entropy(m, rng):
    x = m.from_numpy(rng.standard_normal((2048, 1000)).astype("float32")).requires_grad_()
    t = m.from_numpy(rng.integers(0, 1000, 2048))

    def step():
        m.nn.functional.cross_entropy(x, t).backward()
    return step

@case("1M float32 a + b")
def add(m, rng):
    a, b = (m.from_numpy(rng.standard_normal(1 << 20).astype("float32")) for _ in range(2))
    return lambda: a + b


@case("LSTM(64->256, batch_first) fwd+bwd on (32,64,64)")
def lstm(m, rng):
    return _layer(m, rng, lambda x, f=m.nn.LSTM(64, 256, batch_first=True): f(x)[0], (32, 64, 64))


@case("GRU(64->256, batch_first) fwd+bwd on (32,64,64)")
def gru(m, rng):
    return _layer(m, rng, lambda x, f=m.nn.GRU(64, 256, batch_first=True): f(x)[0], (32, 64, 64))


@case("Embedding(10000, 128) fwd+bwd on (64,128) indices")
def embedding(m, rng):
    emb = m.nn.Embedding(10000, 128)
    idx = m.from_numpy(rng.integers(0, 10000, (64, 128)))

    def step():
        y = emb(idx)
        y.backward(m.ones_like(y))
    return step


def _opt_step(m, rng, make):
    params = [m.nn.Parameter(m.from_numpy(rng.standard_normal(s).astype("float32")))
              for s in ((1024, 1024), (1024,), (512, 1024))]
    for p in params:
        p.grad = m.from_numpy(rng.standard_normal(tuple(p.shape)).astype("float32"))
    return make(params).step


@case("Adam step over 1.5M parameters (3 tensors)")
def adam(m, rng):
    return _opt_step(m, rng, lambda ps: m.optim.Adam(ps, lr=1e-3))


@case("SGD(momentum=0.9) step over 1.5M parameters (3 tensors)")
def sgd(m, rng):
    return _opt_step(m, rng, lambda ps: m.optim.SGD(ps, lr=1e-2, momentum=0.9))


def child(framework, name, threads, clock):
    import time

    import numpy as np
    if framework == "torch":
        import torch as m
        m.set_num_threads(threads)
    else:
        import ember as m
    m.manual_seed(0)
    fn = CASES[name][1](m, np.random.default_rng(0))
    for _ in range(3):
        fn()
    now = time.process_time if clock == "cpu" else time.perf_counter
    n, t = 1, 0.0
    while t < 0.05:
        t0 = now()
        for _ in range(n):
            fn()
        t = now() - t0
        n *= 2
    n //= 2
    times = []
    for _ in range(7):
        t0 = now()
        for _ in range(n):
            fn()
        times.append((now() - t0) / n)
    print(statistics.median(times))


def measure(framework, name, path, threads, clock):
    env = dict(os.environ)
    if path:
        env["EMBER_KERNELS"] = path
    if threads != 2:
        for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS", "MKL_NUM_THREADS"):
            env[v] = str(threads)
    out = subprocess.check_output([sys.executable, __file__, "--child", framework, name, str(threads), clock],
                                  env=env, text=True)
    return float(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", help=f"any of {', '.join(CASES)} (default: all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="threads for every framework (default 2)")
    ap.add_argument("--cpu", action="store_true", help="time process CPU time instead of wall time")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.child[0], a.child[1], int(a.child[2]), a.child[3])
    clock = "cpu" if a.cpu else "wall"
    names = a.cases or list(CASES)
    cols = ["torch", "numba", "numpy"]
    print(f"# separate processes, median of per-round medians; {a.threads} thread(s), {clock} time")
    print("| case | torch | ember numba | ember numpy | numba/torch | numpy/numba |")
    print("|---|---|---|---|---|---|")
    for n in names:
        t = {c: [] for c in cols}
        for _ in range(a.rounds):
            for c in cols:
                t[c].append(measure("torch" if c == "torch" else "ember", n, None if c == "torch" else c,
                                    a.threads, clock))
        md = {c: statistics.median(v) * 1e3 for c, v in t.items()}
        print(f"| {CASES[n][0]} | {md['torch']:.2f} ms | {md['numba']:.2f} ms | {md['numpy']:.2f} ms | "
              f"{md['numba'] / md['torch']:.2f}x | {md['numpy'] / md['numba']:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
