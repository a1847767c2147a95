"""Issue 'ember core': per-op overhead, large tensors, matmul rate, import time.

    .venv/bin/python benchmarks/bench_core.py
"""
import os
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


def main():
    cases = []
    for expr in ["a + b", "a * b", "a @ b", "a.sum()", "a[1]", "a[:, 1:3]"]:
        cases.append((f"4x4 {expr} (no grad)", small(expr), "3x"))
    for expr in ["a + b", "a * b", "a @ b", "a.sum()", "a[1]"]:
        cases.append((f"4x4 {expr} (requires_grad)", small(expr, True), "4x"))
    run("Per-op overhead, small tensors", cases, FW)

    cases = [(f"1M f32 {e}", large(e), "1.2x") for e in
             ["a + b", "a * b", "a / b", "a.exp()", "a.sqrt()", "a.sum()", "a.mean()", "a.max()",
              "a.sum(0)", "A.sum(1)"]]
    run("Large tensors (1M float32 elements)", cases, FW)

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
    main()
