"""How much of PyTorch's OpInfo database ember passes.

    PYTHONPATH=. python scripts/opinfo_report.py            # figures
    PYTHONPATH=. python scripts/opinfo_report.py --failures # and each failing op's first error
    PYTHONPATH=. python scripts/opinfo_report.py --write-xfail   # rewrite tests/opinfo_xfail.py

Figures are over float32 samples (ops without float32 run in float64 and are counted
apart), at most ``MAX_SAMPLES`` per op, as ``tests/test_opinfo.py`` runs them; then over
the complex64 (else complex128) samples of the ops that differentiate complex inputs
(``test_op_complex``: gradients in PyTorch's conjugate Wirtinger convention).
"""
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
warnings.filterwarnings("ignore")

import torch  # noqa: E402

import opinfo_harness as H  # noqa: E402

_HEAD = ('"""OpInfo ops ember does not yet pass on every sample, each with the reason\n'
         "(the first failing sample's error): ``XFAIL`` for the float32 (else float64) samples,\n"
         "``XFAIL_COMPLEX`` for the complex samples of ops that differentiate complex inputs.\n"
         "tests/test_opinfo.py fails when one of these starts passing: remove it here then.\n"
         'The lists only shrink."""\n')


def _run(ops, dtype_of):
    """(stats by dtype, ops passing, ops run, missing, internal, failing)"""
    stats = {}   # dtype -> [samples, forward ok, ok with grads]
    ops_ok, ops_ran, missing, internal, failing = 0, 0, [], [], {}
    for op in ops:
        dt = dtype_of(op)
        if dt is None:
            continue
        status, res = H.run_op(op, dt)
        oid = H.op_id(op)
        if status == "internal":
            internal.append(oid)
            continue
        if status == "missing":
            missing.append(oid)
            failing[oid] = "missing: " + res[0].error
            continue
        ops_ran += 1
        st = stats.setdefault(dt, [0, 0, 0])
        st[0] += len(res)
        st[1] += sum(r.forward is True for r in res)
        st[2] += sum(r.ok for r in res)
        bad = [r for r in res if not r.ok]
        if bad:
            failing[oid] = f"{len(bad)} of {len(res)} samples: {bad[0].error}"
        else:
            ops_ok += 1
    return stats, ops_ok, ops_ran, missing, internal, failing


def _print(stats):
    for dt, (n, f, g) in stats.items():
        print(f"{str(dt)[6:]}: {n} samples; forward agrees {100 * f / n:.1f}%; "
              f"forward and gradients {100 * g / n:.1f}%")


def main(argv):
    t0 = time.time()
    ops = H.selected_ops()
    stats, ops_ok, ops_ran, missing, internal, failing = _run(ops, H.test_dtype)
    _print(stats)
    print(f"ops: {ops_ok} of {ops_ran} run pass every sample; {len(missing)} missing; "
          f"{len(internal)} torch-internal not run")
    cstats, cok, cran, _, _, cfailing = _run([op for op in ops if not H.is_internal(op)], H.complex_dtype)
    _print(cstats)
    print(f"complex: {cok} of {cran} ops that differentiate complex inputs pass every complex sample")
    print(f"({time.time() - t0:.0f} s)")
    if "--failures" in argv:
        for title, fails in (("float", failing), ("complex", cfailing)):
            print(f"{title} failures:")
            for k, v in sorted(fails.items()):
                print(f"  {k}: {v}")
    if "--write-xfail" in argv:   # reasons already written (and perhaps edited) are kept
        path = os.path.join(os.path.dirname(__file__), "..", "tests", "opinfo_xfail.py")
        try:
            from opinfo_xfail import XFAIL as old, XFAIL_COMPLEX as cold
        except ImportError:
            old, cold = {}, {}
        with open(path, "w") as f:
            f.write(_HEAD)
            for name, fails, kept in (("XFAIL", failing, old), ("XFAIL_COMPLEX", cfailing, cold)):
                f.write(f"\n{name} = {{\n")
                for k, v in sorted(fails.items()):
                    f.write(f"    {k!r}: {kept.get(k, v)!r},\n")
                f.write("}\n")
        print(f"wrote {len(failing)} + {len(cfailing)} expected failures to {os.path.normpath(path)}")


if __name__ == "__main__":
    main(sys.argv[1:])
