"""Issue 'ember core': per-op overhead, large tensors, matmul rate, import time.

    .venv/bin/python benchmarks/bench_core.py

Small-tensor rows time both frameworks in this process (single-threaded work: overhead).
Large-tensor rows run each framework in its own process, alternating, 3 rounds, medians:
in one process torch's OpenMP threads and ember's (numba's, which BLAS shares) spin
against each other.
"""
import json
import os
import statistics
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from harness import run, median_time, fmt  # noqa: E402

import ember  # noqa: E402
import torch  # noqa: E402

FW = {"ember": ember, "torch": torch}


def small(expr, grad=False):
    def make(m):
        g = {"m": m}
        a = np.random.RandomState(0).randn(4, 4).astype(np.float32)
        g["a"] = m.tensor(a, requires_grad=grad)
        g["b"] = m.tensor(a + 1)
        code = compile(expr, "<bench>", "eval")
        return lambda: eval(code, g)
    return make


def large(expr):
    def make(m):
        rs = np.random.RandomState(0)
        g = {"m": m, "a": m.tensor(rs.rand(1 << 20).astype(np.float32) + 0.5),
             "b": m.tensor(rs.rand(1 << 20).astype(np.float32) + 0.5),
             "A": m.tensor(rs.rand(1024, 1024).astype(np.float32))}
        code = compile(expr, "<bench>", "eval")
        return lambda: eval(code, g)
    return make


LARGE = ["a + b", "a * b", "a / b", "a.exp()", "a.sqrt()", "a.sum()", "a.mean()", "a.max()", "a.sum(0)",
         "A.sum(1)"]


def large_child(fw):
    m = FW[fw]
    if fw == "torch":
        m.set_num_threads(2)
    print(json.dumps([median_time(large(e)(m), 0.3) for e in LARGE]))


def large_rows(rounds=3):
    print("\n## Large tensors (1M float32 elements), each framework in its own process")
    print(f"{'case':44s}{'ember':>14s}{'torch':>14s}{'ratio':>9s}")
    times = {"ember": [], "torch": []}
    for _ in range(rounds):
        for fw in times:
            out = subprocess.check_output([sys.executable, __file__, "--large-child", fw], text=True)
            times[fw].append(json.loads(out.strip().splitlines()[-1]))
    for i, e in enumerate(LARGE):
        te, tt = (statistics.median(r[i] for r in times[fw]) for fw in ("ember", "torch"))
        print(f"{'1M f32 ' + e:44s}{fmt(te)}{fmt(tt)}{te / tt:9.2f}")


def main():
    cases = []
    for expr in ["a + b", "a * b", "a @ b", "a.sum()", "a[1]", "a[:, 1:3]"]:
        cases.append((f"4x4 {expr} (no grad)", small(expr), "3x"))
    for expr in ["a + b", "a * b", "a @ b", "a.sum()", "a[1]"]:
        cases.append((f"4x4 {expr} (requires_grad)", small(expr, True), "4x"))
    run("Per-op overhead, small tensors", cases, FW)

    large_rows()

    rs = np.random.RandomState(0)
    A = rs.rand(1024, 1024).astype(np.float32)
    B = rs.rand(1024, 1024).astype(np.float32)
    ea, eb = ember.tensor(A), ember.tensor(B)
    t_np = median_time(lambda: A @ B, 0.5)
    t_em = median_time(lambda: ea @ eb, 0.5)
    print(f"\n## 1024x1024 float32 matmul\nnumpy {fmt(t_np)}  ember {fmt(t_em)}  "
          f"ember rate / numpy rate = {t_np / t_em:.2f} (target >= 0.9)")

    def import_time(mod):
        code = f"import time; t=time.perf_counter(); import {mod}; print(time.perf_counter()-t)"
        ts = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(5)]
        return sorted(ts)[2]
    ti_e, ti_t = import_time("ember"), import_time("torch")
    print(f"\n## import time (median of 5 fresh processes)\nimport ember {ti_e:.3f} s   "
          f"import torch {ti_t:.3f} s   (target: ember <= 0.2 s)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--large-child"]:
        large_child(sys.argv[2])
    else:
        main()
