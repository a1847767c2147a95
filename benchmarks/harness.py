"""Run ember and PyTorch side by side in one process; print medians and ratios.

A case is ``(name, make)`` where ``make(module)`` returns a zero-argument callable
to time for that framework (``module`` is ``ember`` or ``torch``). Ratios are
ember's median time over torch's (below 1.0: ember is faster).
"""
import gc
import statistics
import time


def median_time(fn, min_time=0.2, repeat=7):
    """Median seconds per call over ``repeat`` runs of enough calls to last ``min_time``."""
    fn()  # warm up
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time / repeat or n >= 1 << 20:
            break
        n *= 2
    times = []
    gc.disable()
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            times.append((time.perf_counter() - t0) / n)
    finally:
        gc.enable()
    return statistics.median(times)


def fmt(t):
    if t < 1e-3:
        return f"{t * 1e6:9.2f} us"
    if t < 1:
        return f"{t * 1e3:9.2f} ms"
    return f"{t:9.2f} s "


def run(title, cases, frameworks, min_time=0.2, target=None):
    """Time every case in every framework; print a table; return rows of (name, times, ratio)."""
    names = list(frameworks)
    print(f"\n## {title}")
    header = f"{'case':44s}" + "".join(f"{n:>14s}" for n in names) + f"{'ratio':>9s}"
    if target:
        header += f"{'target':>9s}"
    print(header)
    rows = []
    for case in cases:
        name, make = case[0], case[1]
        tgt = case[2] if len(case) > 2 else None
        times = []
        for n in names:
            try:
                times.append(median_time(make(frameworks[n]), min_time))
            except Exception as e:  # a missing feature shows as a row, not a crash
                times.append(None)
                print(f"  ({n} failed on {name}: {type(e).__name__}: {e})")
        ratio = times[0] / times[1] if None not in times[:2] else None
        line = f"{name:44s}" + "".join(fmt(t) if t is not None else f"{'-':>14s}" for t in times)
        line += f"{ratio:9.2f}" if ratio is not None else f"{'-':>9s}"
        if target:
            line += f"{tgt:>9}" if tgt is not None else ""
        print(line)
        rows.append((name, times, ratio))
    return rows
