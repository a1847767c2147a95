"""The fair speed table: each framework in its own process, alternating, several rounds.

    .venv/bin/python benchmarks/bench_fair.py                 # all workloads, 3 rounds
    .venv/bin/python benchmarks/bench_fair.py cnn mlp --rounds 5
    .venv/bin/python benchmarks/bench_fair.py --paths numba numpy   # ember on both kernel paths
    .venv/bin/python benchmarks/bench_fair.py --threads 1 --cpu     # work done, on a busy machine
    .venv/bin/python benchmarks/bench_fair.py cnn --numba-threads 1  # ember's kernels serial, BLAS at 2

In one process, torch's OpenMP threads spin while NumPy's BLAS threads run, which slows
torch and flatters ember; here every measurement is a fresh ``python`` running one
framework only (torch at 2 threads, ember with its defaults). Each child warms up, then
prints the median of 7 timed repeats; the parent alternates frameworks round by round and
reports the median of the per-round medians. ratio = ember / torch.

A child is ``bench_fair.py --child FRAMEWORK WORKLOAD``.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

WORKLOADS = {
    "mlp": "MLP 784-256-256-10, b128, SGD train step",
    "cnn": "CNN (2 conv+pool, 2 linear), b64, SGD train step",
    "char_lstm": "char LSTM (Embedding 65x64, LSTM 64->256, Linear), seq 64, b32, Adam step",
    "resnet18": "resnet18 inference, batch 1, 224x224",
}


# ---------------------------------------------------------------- workloads (run in the child)

def _train_step(m, model, x, y, opt):
    crit = m.nn.CrossEntropyLoss()

    def step():
        out = model(x)
        loss = crit(out.reshape(-1, out.shape[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def mlp(m, rng):
    nn = m.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    x = m.from_numpy(rng.standard_normal((128, 784)).astype("float32"))
    y = m.from_numpy(rng.integers(0, 10, 128))
    return _train_step(m, model, x, y, m.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))


def cnn(m, rng):
    nn = m.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    x = m.from_numpy(rng.standard_normal((64, 1, 28, 28)).astype("float32"))
    y = m.from_numpy(rng.integers(0, 10, 64))
    return _train_step(m, model, x, y, m.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))


def char_lstm(m, rng):
    nn = m.nn

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(65, 64)
            self.lstm = nn.LSTM(64, 256, batch_first=True)
            self.fc = nn.Linear(256, 65)

        def forward(self, x):
            h, _ = self.lstm(self.emb(x))
            return self.fc(h)

    model = CharLSTM()
    x = m.from_numpy(rng.integers(0, 65, (32, 64)))
    y = m.from_numpy(rng.integers(0, 65, 32 * 64))
    return _train_step(m, model, x, y, m.optim.Adam(model.parameters(), lr=1e-3))


def resnet18(m, rng):
    nn = m.nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            idt = x if self.down is None else self.down(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + idt)

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    model = nn.Sequential(*layers).eval()
    x = m.from_numpy(rng.standard_normal((1, 3, 224, 224)).astype("float32"))

    def step():
        with m.no_grad():
            model(x)
    return step


def child(framework, workload, threads=2, clock="wall"):
    import numpy as np
    from harness import median_time
    if framework == "torch":
        import torch as m
        m.set_num_threads(threads)
    else:
        import ember as m
    m.manual_seed(0)
    fn = globals()[workload](m, np.random.default_rng(0))
    for _ in range(3):
        fn()
    if clock == "cpu":   # process CPU time over 7 batches of 5 calls, median
        ts = []
        for _ in range(7):
            t0 = time.process_time()
            for _ in range(5):
                fn()
            ts.append((time.process_time() - t0) / 5)
        print(statistics.median(ts))
        return
    print(median_time(fn, min_time=1.0, repeat=7))


# ---------------------------------------------------------------- the parent

def measure(framework, workload, path=None, threads=2, clock="wall", numba_threads=None):
    env = dict(os.environ)
    if path:
        env["EMBER_KERNELS"] = path
    if threads != 2:
        for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS", "MKL_NUM_THREADS"):
            env[v] = str(threads)
    if numba_threads and framework == "ember":
        env["NUMBA_NUM_THREADS"] = str(numba_threads)
    out = subprocess.check_output([sys.executable, __file__, "--child", framework, workload, str(threads), clock],
                                  env=env, text=True)
    return float(out.strip().splitlines()[-1])


def fmt(t):
    return f"{t * 1e3:8.2f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workloads", nargs="*", help=f"any of {', '.join(WORKLOADS)} (default: all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--paths", nargs="+", default=["auto"], choices=["auto", "numba", "numpy"],
                    help="ember kernel paths to measure (EMBER_KERNELS)")
    ap.add_argument("--threads", type=int, default=2,
                    help="threads for both frameworks (BLAS, OpenMP, numba); default 2")
    ap.add_argument("--numba-threads", type=int, default=None,
                    help="numba's threads for ember alone (BLAS keeps --threads): is a parallel kernel "
                         "worth waking threads next to BLAS's?")
    ap.add_argument("--cpu", action="store_true",
                    help="time process CPU time (with --threads 1: the work done, on a machine shared with other jobs)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        fw, wl = a.child[:2]
        return child(fw, wl, *([int(a.child[2]), a.child[3]] if len(a.child) > 2 else []))
    clock = "cpu" if a.cpu else "wall"
    a.workloads = a.workloads or list(WORKLOADS)
    for w in a.workloads:
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w!r}; choose from {', '.join(WORKLOADS)}")
    print(f"# separate processes, {a.rounds} rounds, median of per-round medians; {a.threads} thread(s), "
          f"{clock} time" + (f", numba {a.numba_threads} thread(s)" if a.numba_threads else "")
)
    print(f"| workload | torch | {' | '.join('ember ' + p for p in a.paths)} | ratio |")
    print("|---|---|" + "---|" * len(a.paths) + "---|")
    for w in a.workloads:
        times = {k: [] for k in ["torch", *a.paths]}
        t0 = time.time()
        for _ in range(a.rounds):
            times["torch"].append(measure("torch", w, threads=a.threads, clock=clock))
            for p in a.paths:
                times[p].append(measure("ember", w, None if p == "auto" else p, a.threads, clock, a.numba_threads))
        med = {k: statistics.median(v) for k, v in times.items()}
        ratios = " / ".join(f"{med[p] / med['torch']:.2f}x" for p in a.paths)
        print(f"| {WORKLOADS[w]} | {fmt(med['torch'])} | {' | '.join(fmt(med[p]) for p in a.paths)} | {ratios} |"
              f"  <!-- {time.time() - t0:.0f} s -->", flush=True)


if __name__ == "__main__":
    main()
