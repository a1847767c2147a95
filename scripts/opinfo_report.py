"""How much of PyTorch's OpInfo database ember passes.

    PYTHONPATH=. python scripts/opinfo_report.py            # figures
    PYTHONPATH=. python scripts/opinfo_report.py --failures # and each failing op's first error
    PYTHONPATH=. python scripts/opinfo_report.py --write-xfail   # rewrite tests/opinfo_xfail.py

Figures are over float32 samples (ops without float32 run in float64 and are counted
apart), at most ``MAX_SAMPLES`` per op, as ``tests/test_opinfo.py`` runs them.
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
warnings.filterwarnings("ignore")

import torch  # noqa: E402

import opinfo_harness as H  # noqa: E402


def main(argv):
    stats = {torch.float32: [0, 0, 0], torch.float64: [0, 0, 0]}   # samples, forward ok, ok with grads
    ops_ok, ops_ran, missing, internal, failing = 0, 0, [], [], {}
    for op in H.selected_ops():
        status, res = H.run_op(op)
        oid = H.op_id(op)
        if status == "internal":
            internal.append(oid)
            continue
        if status == "missing":
            missing.append(oid)
            failing[oid] = "missing: " + res[0].error
            continue
        ops_ran += 1
        st = stats[H.test_dtype(op)]
        st[0] += len(res)
        st[1] += sum(r.forward is True for r in res)
        st[2] += sum(r.ok for r in res)
        bad = [r for r in res if not r.ok]
        if bad:
            n = len(bad)
            failing[oid] = f"{n} of {len(res)} samples: {bad[0].error}"
        else:
            ops_ok += 1
    for dt, (n, f, g) in stats.items():
        if n:
            print(f"{str(dt)[6:]}: {n} samples; forward agrees {100 * f / n:.1f}%; "
                  f"forward and gradients {100 * g / n:.1f}%")
    print(f"ops: {ops_ok} of {ops_ran} run pass every sample; {len(missing)} missing; "
          f"{len(internal)} torch-internal not run")
    if "--failures" in argv:
        for k, v in sorted(failing.items()):
            print(f"  {k}: {v}")
    if "--write-xfail" in argv:
        path = os.path.join(os.path.dirname(__file__), "..", "tests", "opinfo_xfail.py")
        with open(path, "w") as f:
            f.write('"""OpInfo ops ember does not yet pass on every sample, each with the reason\n'
                    "(the first failing sample's error). tests/test_opinfo.py fails when one of these\n"
                    'starts passing: remove it here then. The list only shrinks."""\n\nXFAIL = {\n')
            for k, v in sorted(failing.items()):
                f.write(f"    {k!r}: {v!r},\n")
            f.write("}\n")
        print(f"wrote {len(failing)} expected failures to {os.path.normpath(path)}")


if __name__ == "__main__":
    main(sys.argv[1:])
