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


# ---------------------------------------------------------------- summary (torchinfo)

COLS = ("input_size", "output_size", "num_params", "params_percent", "kernel_size", "mult_adds",
        "trainable")


def _cnn(nn):
    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8),
                                          nn.ReLU(), nn.MaxPool2d(2))
            self.fc = nn.Linear(8 * 14 * 14, 10)

        def forward(self, x):
            return self.fc(self.features(x).flatten(1))

    m = CNN()
    m.features[0].weight.requires_grad_(False)
    return m


@pytest.mark.parametrize("depth", [3, 1])
def test_summary_table_like_torchinfo(depth):
    torchinfo = pytest.importorskip("torchinfo")
    theirs = str(torchinfo.summary(_cnn(torch.nn), input_size=(2, 1, 28, 28), depth=depth,
                                   col_names=COLS, verbose=0))
    theirs = theirs.replace("(Units.MEGABYTES)", "(M)")  # torchinfo 1.8's enum-str slip on 3.11
    ours = ember.utils.summary(_cnn(ember.nn), input_size=(2, 1, 28, 28), depth=depth,
                               col_names=COLS, verbose=0)
    assert str(ours) == theirs
    assert (ours.total_params, ours.trainable_params, ours.non_trainable_params) == (15786, 15714, 72)


def test_summary_resnet18_totals(capsys):
    """torchinfo's README numbers for resnet18 at (1, 3, 224, 224)."""
    from ember.utils.summary import summary

    r = ember.utils.summary(ember.vision.models.resnet18(), input_size=(1, 3, 224, 224))
    out = capsys.readouterr().out
    assert r.total_params == 11_689_512 and r.trainable_params == 11_689_512
    for line in ("Total params: 11,689,512", "Total mult-adds (G): 1.81", "Input size (MB): 0.60",
                 "Forward/backward pass size (MB): 39.75", "Params size (MB): 46.76",
                 "Estimated Total Size (MB): 87.11", "│    │    └─Conv2d: 3-1                  [1, 64, 56, 56]"):
        assert line in out
    x = ember.randn(1, 3, 32, 32)
    small = summary(ember.vision.models.resnet18(num_classes=10), input_data=x, depth=1, verbose=0)
    assert small.summary_list[-1].output_size == [1, 10]
    assert sum(1 for i in small.summary_list if i.depth == 1) == 10
    with pytest.raises(ValueError):
        summary(ember.nn.Linear(2, 2), input_size=(1, 2), col_names=("nope",))


# ---------------------------------------------------------------- make_dot (torchviz)


def _mlp_graph(lib, make_dot, **kw):
    lib.manual_seed(0)
    m = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 2))
    y = m(lib.randn(3, 4)).pow(2).mean()
    return make_dot(y, params=dict(m.named_parameters()), **kw)


def _structure(source, collapse=()):
    """Node labels and labelled edges of DOT text; nodes named in ``collapse`` are
    bypassed (their inputs joined to their consumers)."""
    import re

    labels = dict(re.findall(r'^\t(\d+) \[label="?(.*?)"?(?: fillcolor=\S+)?\]$',
                             source.replace("\n ", " "), re.M))
    edges = re.findall(r"^\t(\d+) -> (\d+)$", source, re.M)
    for c in [n for n, lab in labels.items() if lab in collapse]:
        ins = [a for a, b in edges if b == c]
        outs = [b for a, b in edges if a == c]
        edges = [e for e in edges if c not in e] + [(a, b) for a in ins for b in outs]
        del labels[c]
    return sorted(labels.values()), sorted((labels[a], labels[b]) for a, b in edges)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torchviz uses distutils' LooseVersion
def test_make_dot_like_torchviz():
    from ember.utils.viz import make_dot

    ours = _mlp_graph(ember, make_dot)
    nodes, edges = _structure(ours.source)
    assert nodes == sorted(["AccumulateGrad"] * 4 + ["AddmmBackward0"] * 2 + [
        "MeanBackward0", "PowBackward0", "TanhBackward0", "0.weight (8, 4)", "0.bias (8)",
        "2.weight (2, 8)", "2.bias (2)", " ()"])
    assert ("0.weight (8, 4)", "AccumulateGrad") in edges and ("MeanBackward0", " ()") in edges
    try:
        import torchviz
    except Exception:  # torchviz needs distutils (Python < 3.12)
        torchviz = None
    if torchviz is not None:
        theirs = _mlp_graph(torch, torchviz.make_dot).source
    else:  # torch's grad_fn graph drawn by ember's walker
        theirs = _mlp_graph(torch, make_dot).source
    # torch's addmm takes weight.t(): one TBackward0 more between a weight and its addmm
    assert _structure(theirs, collapse=("TBackward0",)) == (nodes, edges)


def test_make_dot_saved_attrs_and_fallback(monkeypatch):
    import sys

    from ember.utils import viz

    dot = _mlp_graph(ember, viz.make_dot, show_saved=True, show_attrs=True)
    assert 'fillcolor=orange' in dot.source and "[saved tensor]" in dot.source
    monkeypatch.setitem(sys.modules, "graphviz", None)  # no graphviz: the DOT text all the same
    x = ember.randn(2, 3, requires_grad=True)
    y = (x * 2).view(6)
    plain = viz.make_dot(y, params={"x": x})
    assert isinstance(plain, viz.Digraph)
    assert "MulBackward0" in plain.source and "ViewBackward0" in plain.source
    assert '"x\n (2, 3)" fillcolor=lightblue' in plain.source
    assert "style=dotted" in plain.source  # the view's base
    monkeypatch.undo()
    graphviz = pytest.importorskip("graphviz")
    real = viz.make_dot(y, params={"x": x})
    assert isinstance(real, graphviz.Digraph) and real.source == plain.source
