"""How many of PyTorch's OpInfo second-derivative samples ember reproduces.

    PYTHONPATH=. python scripts/gradgrad_report.py              # figures
    PYTHONPATH=. python scripts/gradgrad_report.py --failures   # and each failing op's first error
    PYTHONPATH=. python scripts/gradgrad_report.py --only name1,name2

Over the OpInfos torch marks ``supports_gradgrad`` (CPU float64, not torch-internal, not
random), the first ``MAX_SAMPLES`` float64 samples of each: the gradient ``g`` of the
outputs for random cotangents ``v``, then the gradient of ``g . u`` w.r.t. the inputs and
``v``, compared with torch's (``tests/opinfo_harness.py``, ``run_gradgrad_sample``).
Samples torch itself cannot differentiate twice are not counted.
"""
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
warnings.filterwarnings("ignore")

import opinfo_harness as H  # noqa: E402


def main(argv):
    only = None
    if "--only" in argv:
        only = set(argv[argv.index("--only") + 1].split(","))
    limit = H.MAX_SAMPLES
    if "--limit" in argv:
        limit = int(argv[argv.index("--limit") + 1])
    n = ok = ops_ok = ops_ran = 0
    missing, failing, slow = [], {}, []
    for op in H.gradgrad_ops():
        oid = H.op_id(op)
        if only and oid not in only and op.name not in only:
            continue
        t0 = time.perf_counter()
        status, res = H.run_gradgrad_op(op, limit)
        dt = time.perf_counter() - t0
        slow.append((dt, oid))
        if status == "missing":
            missing.append(oid)
            continue
        ops_ran += 1
        n += len(res)
        good = sum(r.ok for r in res)
        ok += good
        if good == len(res):
            ops_ok += 1
        else:
            bad = [r for r in res if not r.ok]
            failing[oid] = (len(bad), len(res), bad[0].error)
    print(f"float64 second-order samples: {ok} of {n} agree with torch ({100 * ok / max(n, 1):.1f}%)")
    print(f"ops: {ops_ok} of {ops_ran} pass every sample; {len(missing)} missing in ember")
    if "--failures" in argv:
        for k, (b, t, e) in sorted(failing.items(), key=lambda kv: -kv[1][0]):
            print(f"  {k}: {b} of {t}: {e}")
    if "--slow" in argv:
        for dt, oid in sorted(slow, reverse=True)[:20]:
            print(f"  {dt:6.2f}s {oid}")


if __name__ == "__main__":
    main(sys.argv[1:])
