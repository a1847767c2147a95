"""Tools: benchmark Timer/Measurement/Compare, the torchinfo-style model summary and
torchviz's make_dot, each checked against the torch-side tool."""
import numpy as np
import pytest
import torch
import torch.utils.benchmark as TB

import ember
import ember.utils.benchmark as EB

# ---------------------------------------------------------------- benchmark


def _measurements(B, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for threads in (1, 4):
        for sub in ("small", "large"):
            for desc in ("ember", "torch", "numpy"):
                raw = list(2e-4 * (1 + 0.3 * rng.random(9)) * (3 if desc == "torch" else 1))
                spec = B.TaskSpec("f(x)", "x = 1", label="op", sub_label=sub, description=desc,
                                  num_threads=threads)
                out.append(B.Measurement(100, raw, spec))
    return out


def test_measurement_stats_and_repr_like_torch():
    ours, theirs = _measurements(EB), _measurements(TB)
    for a, b in zip(ours, theirs):
        assert a.times == b.times
        for attr in ("mean", "median", "iqr"):
            assert getattr(a, attr) == pytest.approx(getattr(b, attr), rel=1e-12), attr
        for attr in ("significant_figures", "has_warnings", "title", "as_row_name"):
            assert getattr(a, attr) == getattr(b, attr), attr
        assert repr(a).split("\n", 1)[1] == repr(b).split("\n", 1)[1]  # past the object address
    one = [EB.Measurement(10, [3e-3], EB.TaskSpec("x + 1", "pass")),
           TB.Measurement(10, [3e-3], TB.TaskSpec("x + 1", "pass"))]
    assert repr(one[0]).split("\n", 1)[1] == repr(one[1]).split("\n", 1)[1]
    assert "300.00 us" in repr(one[0]) and "1 measurement, 10 runs , 1 thread" in repr(one[0])
    merged = EB.Measurement.merge(ours[:1] + ours[:1])
    assert len(merged) == 1 and merged[0].number_per_run == 1 and len(merged[0].times) == 18


@pytest.mark.parametrize("opt", [None, "trim_significant_figures", "highlight_warnings", "colorize"])
def test_compare_table_like_torch(opt):
    ours, theirs = EB.Compare(_measurements(EB)), TB.Compare(_measurements(TB))
    if opt:
        getattr(ours, opt)()
        getattr(theirs, opt)()
    assert str(ours) == str(theirs)
    assert "1 threads: " in str(ours) and "Times are in microseconds (us)." in str(ours)
    with pytest.raises(ValueError):
        EB.Compare([1.0])


def test_timer_warms_up_and_counts_runs():
    calls = {"n": 0}

    def f():
        calls["n"] += 1

    m = EB.Timer("f()", globals={"f": f}, label="count").timeit(300)
    assert calls["n"] == 3 + 300  # warm-up of number // 100, then the timed block
    assert m.number_per_run == 300 and len(m.raw_times) == 1 and m.mean == m.median
    calls["n"] = 0
    TB.Timer("f()", globals={"f": f}).timeit(300)
    assert calls["n"] == 303  # torch warms up the same way
    calls["n"] = 0
    r = EB.Timer("f()", globals={"f": f}).repeat(repeat=4, number=50)
    assert calls["n"] == 2 + 4 * 50 and len(r.times) == 4 and r.number_per_run == 50


def test_timer_autorange_and_globals():
    t = EB.Timer("y = x @ x", setup="x = ember.randn(16, 16)", label="mm", sub_label="16",
                 description="ember", num_threads=2)
    m = t.blocked_autorange(min_run_time=0.02)
    assert sum(m.raw_times) >= 0.02 and m.number_per_run >= 1
    assert 0 < m.median < 0.01 and m.iqr >= 0
    text = repr(m)
    assert "mm: 16\nember\nsetup: x = ember.randn(16, 16)" in text and "2 threads" in text
    a = EB.Timer("x.sum()", globals={"x": ember.ones(100)}).adaptive_autorange(
        threshold=0.5, min_run_time=0.01, max_run_time=0.2)
    assert len(a.times) >= 1 and a.median > 0
    with pytest.raises(ValueError):
        EB.Timer(lambda: None)


def test_timer_synchronises_only_with_cuda(monkeypatch):
    """The notes' pitfall: read the clock after synchronising the device. torch's clock
    synchronises only when an accelerator is available; so does ember's. On a CPU build
    ember.cuda.synchronize() raises, as torch.cuda.synchronize() does there."""
    with pytest.raises(AssertionError):
        ember.cuda.synchronize()
    assert not torch.accelerator.is_available() and not ember.cuda.is_available()
    EB.Timer("x + 1", globals={"x": ember.ones(4)}).timeit(10)  # no synchronise attempted
    calls = []
    monkeypatch.setattr(ember.cuda, "is_available", lambda: True)
    monkeypatch.setattr(ember.cuda, "synchronize", lambda device=None: calls.append(1))
    before = len(calls)
    EB.Timer("pass").timeit(10)
    assert len(calls) - before == 4  # start and stop of the warm-up and of the timed block
