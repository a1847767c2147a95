"""ember.profiler: per-op table in torch's layout, Chrome trace, schedule and step."""
import json
import os

import pytest

import ember
import ember.profiler as P
from ember import nn


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))


def test_table_names_and_columns():
    m, x = _model(), ember.randn(2, 3, 8, 8)
    with P.profile(activities=[P.ProfilerActivity.CPU], record_shapes=True) as prof:
        with P.record_function("model_inference"):
            y = m(x)
        y.sum().backward()
    names = {r.key: r for r in prof.key_averages()}
    for n in ("model_inference", "aten::conv2d", "aten::relu", "aten::linear", "aten::sum",
              "ConvolutionBackward0", "AddmmBackward0", "ReluBackward0"):
        assert n in names, n
    assert names["model_inference"].cpu_time_total >= names["aten::conv2d"].cpu_time_total
    t = prof.key_averages().table(sort_by="cpu_time_total", row_limit=3)
    lines = t.splitlines()
    for h in ("Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"):
        assert h in lines[1]
    assert len(lines) == 3 + 3 + 2 and lines[3].strip().startswith("model_inference")
    assert lines[-1].startswith("Self CPU time total: ")
    ts = prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=20)
    assert "Input Shapes" in ts and "[[2, 3, 8, 8], [4, 3, 3, 3], [4]]" in ts
    with pytest.raises(AttributeError):
        prof.key_averages().table(sort_by="bogus")


def test_chrome_trace(tmp_path):
    m, x = _model(), ember.randn(1, 3, 8, 8)
    with P.profile() as prof:
        m(x)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    evs = json.load(open(path))["traceEvents"]
    assert evs and all(e["ph"] == "X" and e["dur"] >= 0 and "ts" in e and "pid" in e and "tid" in e
                       for e in evs)
    assert [e["name"] for e in evs][:2] == ["aten::conv2d", "aten::relu"]


def test_schedule_step_and_tensorboard_handler(tmp_path):
    sched = P.schedule(wait=1, warmup=1, active=2, repeat=1)
    assert [sched(i).name for i in range(5)] == ["NONE", "WARMUP", "RECORD", "RECORD_AND_SAVE", "NONE"]
    m, x = _model(), ember.randn(1, 3, 8, 8)
    got = []
    handler = P.tensorboard_trace_handler(str(tmp_path / "tb"))

    def ready(p):
        got.append(sorted({e.name for e in p.events()}))
        handler(p)
    with P.profile(schedule=sched, on_trace_ready=ready) as prof:
        for _ in range(6):
            m(x)
            prof.step()
    assert len(got) == 1 and "ProfilerStep#2" in got[0] and "ProfilerStep#3" in got[0]
    assert "ProfilerStep#1" not in got[0] and "aten::conv2d" in got[0]
    files = os.listdir(tmp_path / "tb")
    assert len(files) == 1 and files[0].endswith(".pt.trace.json")


def test_no_observer_left_behind():
    from ember.autograd import graph
    from ember.ops import _apply

    with P.profile():
        ember.ones(2) + 1
    assert not _apply._observers and not graph._observers
