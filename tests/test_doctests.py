"""The ``>>>`` examples in ember's docstrings run and print what they show."""
import doctest
import importlib

import numpy as np
import pytest
from ember_modules import ember_modules

import ember

# Modules that need an optional package to import; skipped when it is absent.
_OPTIONAL = {"ember.utils.tensorboard": "tensorboard", "ember.onnx": "onnx", "ember.distributed": "mpi4py"}


def _has_examples(mod):
    finder = doctest.DocTestFinder(exclude_empty=True)
    try:
        return [t for t in finder.find(mod) if t.examples]
    except Exception:  # a module attribute that doctest cannot inspect
        return []


@pytest.mark.parametrize("name", ember_modules())
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # examples that write files (SummaryWriter) write here
    for prefix, pkg in _OPTIONAL.items():
        if name.startswith(prefix):
            pytest.importorskip(pkg)
    mod = importlib.import_module(name)
    tests = _has_examples(mod)
    if not tests:
        return
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    for t in tests:
        if t.name.split(".")[0] != "ember" or not t.name.startswith(name):
            continue   # names re-exported from another module are tested there
        t.globs.update({"ember": ember, "torch": ember, "np": np, "nn": ember.nn})
        ember.manual_seed(0)
        runner.run(t)
    res = runner.summarize(verbose=False)
    assert res.failed == 0, f"{res.failed} docstring example(s) failed in {name}"
