"""The op layer's shape (issue #14): sub-family modules under 1,000 lines, every Op class in
ember/ops, one implementation per op (the duplicates that drifted now behave as torch's)."""
import importlib
import os

import numpy as np
import pytest
from ember_modules import ember_modules
from oracle import check, check_raises, rand

import ember
from ember.ops._apply import Op

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_no_file_under_ember_over_1000_lines():
    long = []
    for d, _, files in os.walk(os.path.join(ROOT, "ember")):
        for f in files:
            if f.endswith(".py"):
                with open(os.path.join(d, f)) as fh:
                    n = sum(1 for _ in fh)
                if n > 1000:
                    long.append((os.path.relpath(os.path.join(d, f), ROOT), n))
    assert long == []


def _subclasses(c):
    for s in c.__subclasses__():
        yield s
        yield from _subclasses(s)


def test_op_classes_live_in_ops():
    for name in ember_modules():
        if name.startswith(("ember.distributed.run", "ember.run")):
            continue
        try:
            importlib.import_module(name)
        except ImportError:   # optional dependencies (onnx, PIL, ...) not installed
            continue
    outside = {c.__module__ for c in _subclasses(Op) if not c.__module__.startswith("ember.ops.")}
    # module hooks' identity node, and torchvision's own ops (colour transforms, RoI pooling),
    # stay with their library
    outside = {m for m in outside if not m.startswith("ember.vision.")}
    assert outside <= {"ember.nn.modules.module"}, outside


@pytest.mark.parametrize("fn", ["max", "min"])
def test_max_min_of_two_tensors_is_maximum(fn):
    """``torch.max(a, b)`` is ``torch.maximum``: same values, node, gradient and errors."""
    check(lambda m, a, b: getattr(m, fn)(a, b), [rand(3, 4), rand(1, 4, seed=1)])
    check(lambda m, a, b: getattr(m, fn)(a, b), [rand(2, 3, dtype=np.int64), rand(2, 3, dtype=np.int64, seed=2)],
          grad=False)
    a = ember.ones(2, requires_grad=True)
    assert type(getattr(ember, fn)(a, ember.zeros(2)).grad_fn).__name__ == \
        ("MaximumBackward0" if fn == "max" else "MinimumBackward0")
    e = check_raises(lambda m, a, b: getattr(m, fn)(a, b), rand(2, 3), rand(4, 3))
    assert isinstance(e, RuntimeError) and "must match the size of tensor b (4)" in str(e)


@pytest.mark.parametrize("shape", [(4,), (2, 4)])
def test_channel_shuffle_needs_three_dims(shape):
    for get in (lambda m: m.nn.functional.channel_shuffle, lambda m: m.channel_shuffle,
                lambda m: m.nn.functional.native_channel_shuffle):
        e = check_raises(lambda m, x: get(m)(x, 2), rand(*shape))
        assert str(e) == f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(shape)}"


def test_channel_shuffle_one_implementation():
    assert ember.nn.functional.channel_shuffle is ember.channel_shuffle
    check(lambda m, x: m.nn.functional.channel_shuffle(x, 2), [rand(2, 4, 3)])
    e = check_raises(lambda m, x: m.channel_shuffle(x, 0), rand(2, 4, 3))
    assert "groups:0" in str(e)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gelu_uses_the_one_erf(approximate, dtype):
    x = rand(1000, dtype=dtype, low=-6, high=6)
    check(lambda m, a: m.nn.functional.gelu(a, approximate=approximate), [x])


def test_load_state_dict_pre_hook_gets_the_module():
    """The public hook is called with the module first; the private one (used by lazy
    modules and weight norm) without it, as torch's (this was an ``if False`` branch)."""
    got = {}
    for m in (ember, __import__("torch")):
        lin = m.nn.Linear(2, 2)
        seen = []
        lin.register_load_state_dict_pre_hook(lambda *a: seen.append(("public", type(a[0]).__name__, len(a))))
        lin._register_load_state_dict_pre_hook(lambda *a: seen.append(("private", type(a[0]).__name__, len(a))))
        lin._register_load_state_dict_pre_hook(lambda *a: seen.append(("with", type(a[0]).__name__, len(a))),
                                               with_module=True)
        lin.load_state_dict(lin.state_dict())
        got[m.__name__] = seen
    assert got["ember"] == got["torch"]


def test_layer_argument_tuples_as_torch():
    """One layer-argument helper: torch.nn.modules.utils' _single/_pair/_triple/_quadruple."""
    import torch
    from torch.nn.modules import utils as tu

    from ember.nn.modules import utils as eu

    for name in ("_single", "_pair", "_triple", "_quadruple"):
        for v in (3, (3,), [1, 2], (1, 2, 3), 2.5):
            assert getattr(eu, name)(v) == getattr(tu, name)(v)
    assert eu._reverse_repeat_tuple((1, 2, 3), 2) == tu._reverse_repeat_tuple((1, 2, 3), 2)
    for m in (ember, torch):
        conv = m.nn.Conv2d(1, 1, (3,), stride=(2,))
        assert tuple(conv.weight.shape) == (1, 1, 3) and conv.stride == (2,)
    check_raises(lambda m, x: m.nn.Conv2d(1, 1, (3,))(x), rand(1, 1, 6, 6))
    assert repr(ember.nn.MaxUnpool2d((2, 1))) == repr(torch.nn.MaxUnpool2d((2, 1)))
