"""Issue 'serialization': save/load of a ResNet-50-sized state_dict (~100 MB float32).

    .venv/bin/python benchmarks/bench_serialization.py

ember.save/ember.load vs torch.save/torch.load(weights_only=True), files in a temp dir.
Runs are interleaved (ember, torch, ember, ...) so machine noise hits both alike;
medians of REPEAT runs; ratio = ember time / torch time (target <= 1.0 for both).
"""
import os
import statistics
import sys
import tempfile
import time
from collections import OrderedDict

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from harness import fmt  # noqa: E402

import ember  # noqa: E402
import torch  # noqa: E402

REPEAT = 5


def resnet50_shapes():
    """(name, shape, dtype) of torchvision's resnet50().state_dict(), in order."""
    out = []

    def conv(name, cout, cin, k):
        out.append((f"{name}.weight", (cout, cin, k, k), np.float32))

    def bn(name, c):
        for p in ("weight", "bias", "running_mean", "running_var"):
            out.append((f"{name}.{p}", (c,), np.float32))
        out.append((f"{name}.num_batches_tracked", (), np.int64))

    conv("conv1", 64, 3, 7)
    bn("bn1", 64)
    cin = 64
    for li, (blocks, width) in enumerate(zip([3, 4, 6, 3], [64, 128, 256, 512]), 1):
        for b in range(blocks):
            p = f"layer{li}.{b}"
            conv(f"{p}.conv1", width, cin, 1)
            bn(f"{p}.bn1", width)
            conv(f"{p}.conv2", width, width, 3)
            bn(f"{p}.bn2", width)
            conv(f"{p}.conv3", width * 4, width, 1)
            bn(f"{p}.bn3", width * 4)
            if b == 0:
                conv(f"{p}.downsample.0", width * 4, cin, 1)
                bn(f"{p}.downsample.1", width * 4)
            cin = width * 4
    out.append(("fc.weight", (1000, 2048), np.float32))
    out.append(("fc.bias", (1000,), np.float32))
    return out


def make_arrays():
    rs = np.random.default_rng(0)
    arrays = OrderedDict()
    for name, shape, dt in resnet50_shapes():
        if dt == np.int64:
            arrays[name] = np.array(0, dtype=np.int64)
        else:
            arrays[name] = rs.standard_normal(shape, dtype=np.float32)
    return arrays


def timed(fn):
    t0 = time.perf_counter()
    r = fn()
    return time.perf_counter() - t0, r


def main():
    arrays = make_arrays()
    n_params = sum(a.size for k, a in arrays.items() if "running" not in k and a.ndim)
    nbytes = sum(a.nbytes for a in arrays.values())
    sd_e = OrderedDict((k, ember.from_numpy(a.copy())) for k, a in arrays.items())
    sd_t = OrderedDict((k, torch.from_numpy(a.copy())) for k, a in arrays.items())
    print(f"# serialization: ResNet-50 state_dict, {len(arrays)} tensors, {n_params / 1e6:.2f}M params, "
          f"{nbytes / 2**20:.1f} MiB; torch {torch.__version__}, threads {torch.get_num_threads()}; "
          f"median of {REPEAT} interleaved runs")
    with tempfile.TemporaryDirectory() as d:
        pe, pt = os.path.join(d, "ember.pt"), os.path.join(d, "torch.pt")
        ops = {
            "save": (lambda: ember.save(sd_e, pe), lambda: torch.save(sd_t, pt)),
            "load": (lambda: ember.load(pe, weights_only=True),
                     lambda: torch.load(pt, weights_only=True)),
        }
        # warm-up: one save/load each (file creation, page cache, lazy imports)
        for fe, ft in ops.values():
            fe()
            ft()
        print(f"\n{'case':44s}{'ember':>14s}{'torch':>14s}{'ratio':>9s}{'target':>9s}")
        for name, (fe, ft) in ops.items():
            te, tt = [], []
            for _ in range(REPEAT):
                te.append(timed(fe)[0])
                tt.append(timed(ft)[0])
            me, mt = statistics.median(te), statistics.median(tt)
            print(f"{name + ' ~100 MB state_dict':44s}{fmt(me)}{fmt(mt)}{me / mt:9.2f}{'1.0x':>9s}")
        size_e, size_t = os.path.getsize(pe), os.path.getsize(pt)
        print(f"\nfile sizes: ember {size_e / 2**20:.1f} MiB, torch {size_t / 2**20:.1f} MiB")

        # sanity: each framework reads the other's file, bit-exact
        def same(sd, conv):
            return (list(sd) == list(arrays)
                    and all(np.array_equal(conv(sd[k]), arrays[k]) for k in arrays))
        try:
            ok_t = same(torch.load(pe, weights_only=True), lambda t: t.numpy())
        except Exception as e:
            ok_t = f"FAILED {type(e).__name__}: {e}"
        try:
            ok_e = same(ember.load(pt, weights_only=True), lambda t: t.numpy())
        except Exception as e:
            ok_e = f"FAILED {type(e).__name__}: {e}"
        print(f"cross-load: torch.load(ember file) exact={ok_t}; ember.load(torch file) exact={ok_e}")


if __name__ == "__main__":
    main()
