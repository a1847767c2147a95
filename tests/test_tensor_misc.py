"""Small Tensor methods: new_*, in-place shape changes, resize_, fill_diagonal_, apply_."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from oracle import E, T, assert_close, check_raises

import ember


@pytest.mark.parametrize("name,args", [("new_zeros", (2, 3)), ("new_ones", ((2,),)), ("new_empty", (0,))])
def test_new_factories(name, args):
    for dt in ["float64", "int32"]:
        e = getattr(ember.ones(1, dtype=getattr(ember, dt)), name)(*args)
        t = getattr(torch.ones(1, dtype=getattr(torch, dt)), name)(*args)
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    assert_close(ember.ones(1, dtype=ember.float64).new_full((2,), 3), torch.ones(1, dtype=torch.float64).new_full((2,), 3))
    assert_close(ember.ones(1, dtype=ember.float16).new_tensor([1, 2]), torch.ones(1, dtype=torch.float16).new_tensor([1, 2]))


@pytest.mark.parametrize("op", [
    lambda x: x.unsqueeze_(0), lambda x: x.squeeze_(), lambda x: x.t_(), lambda x: x.transpose_(0, 1),
    lambda x: x.resize_(3, 2), lambda x: x.fill_diagonal_(5.0),
])
def test_inplace_shape_ops(op):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    e, t = E(a), T(a)
    re, rt = op(e), op(t)
    assert re is e and rt is t
    assert_close(e, t)


def test_inplace_shape_on_leaf_requiring_grad():
    check_raises(lambda m: m.ones(2, requires_grad=True).unsqueeze_(0))
    check_raises(lambda m: m.ones(3, 3, requires_grad=True).fill_diagonal_(1.0))


def test_apply_():
    x = ember.tensor([1.0, 2.0, 3.0])
    assert x.apply_(lambda v: v * 10).tolist() == [10.0, 20.0, 30.0]


def test_subpackages_resolve_after_bare_import():
    """``torch.utils.data.DataLoader`` and friends work with only ``import ember as torch``."""
    code = ("import ember as torch; torch.utils.data.DataLoader; torch.nn.Linear; "
            "torch.optim.SGD; torch.vision.models.resnet18; torch.vision.datasets.MNIST; "
            "torch.utils.finetune.strip_prefix; torch.nn.functional.relu; torch.linalg.norm; "
            "torch.onnx.export; torch.onnx.TrainingMode.EVAL; torch.jit.trace; torch.jit.load; "
            "torch.distributed.init_process_group; torch.profiler.profile; "
            "torch.utils.tensorboard.SummaryWriter; torch.utils.benchmark.Timer; "
            "torch.backends.cudnn.benchmark; torch.accelerator.is_available")
    subprocess.run([sys.executable, "-c", code], check=True)


_FAULTS_SCRIPT = """
import resource, numpy as np, ember
def step():  # activation-sized arrays, allocated and freed as in a training step
    a = np.ones(3 << 20, np.float32); b = np.ones(3 << 20, np.float32)
    return float((a + b)[0])
for _ in range(3): step()
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20): step()
print(ember._backend.allocator_tuned, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 20)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc allocator tuning")
@pytest.mark.parametrize("tuning", ["1", "0"])
def test_allocator_reuses_large_blocks(tuning):
    """With ember's glibc tuning, freed 12 MB arrays are reused without page faults;
    EMBER_MALLOC_TUNING=0 leaves glibc's default, which faults them in again."""
    env = dict(os.environ, EMBER_MALLOC_TUNING=tuning)
    out = subprocess.run([sys.executable, "-c", _FAULTS_SCRIPT], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    tuned, faults = out[0] == "True", float(out[1])
    if tuning == "1":
        assert tuned and faults < 50
    else:
        assert not tuned and faults > 500


def test_missing_attribute_is_attribute_error():
    """``hasattr(ember, name)`` is False (not an import error) for what ember lacks."""
    assert not hasattr(ember, "no_such_thing")
    for name in ("nn", "optim", "utils", "vision", "serialization", "linalg", "onnx", "jit",
                 "distributed", "profiler", "accelerator", "backends", "func"):
        assert hasattr(ember, name)


def test_ieee_results_do_not_warn():
    """sqrt(-1), 1/0 and log(0) return nan/inf silently, as in torch (NumPy would warn);
    NumPy calls outside ember still warn."""
    code = ("import numpy as np, ember\n"
            "r = [ember.tensor([-1.0]).sqrt(), ember.tensor([1.0]) / 0, ember.tensor([0.0]).log(),\n"
            "     ember.tensor([float('inf')]) * 0]\n"
            "print([x.item() for x in r])\n"
            "try:\n"
            "    np.sqrt(np.array([-1.0]))\n"
            "    print('numpy silent')\n"
            "except RuntimeWarning:\n"
            "    print('numpy warns')\n")
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert out[0] == "[nan, inf, -inf, nan]" and out[1] == "numpy warns"


def test_accelerator_as_cpu_build():
    """``torch.accelerator`` queries behave as PyTorch's CPU build."""
    for m in (torch, ember):
        a = m.accelerator
        assert a.is_available() is False and a.device_count() == 0
        assert a.current_accelerator() is None and a.current_accelerator(check_available=True) is None
    for name in ("current_device_index", "synchronize", "memory_allocated", "empty_cache"):
        msgs = []
        for m in (torch, ember):
            with pytest.raises(RuntimeError) as info:
                getattr(m.accelerator, name)()
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]
    for m in (torch, ember):
        with pytest.raises(RuntimeError):
            m.accelerator.set_device_index(0)
        with pytest.raises(ValueError):
            m.accelerator.set_device_index(None)
        with pytest.raises(RuntimeError):
            with m.accelerator.device_index(0):
                pass


def test_backends_flags_as_cpu_build():
    """Training scripts' ``torch.backends.cudnn.benchmark = True`` and the usual queries."""
    import contextlib
    import importlib
    for m in (torch, ember):
        b = m.backends
        # torch.testing._internal (the OpInfo test) freezes torch's flags in this process
        unfreeze = getattr(b, "__allow_nonbracketed_mutation", contextlib.nullcontext)
        with unfreeze():
            _check_backends(b)
    assert importlib.import_module("ember.backends.cudnn") is ember.backends.cudnn
    assert ember.backends.cpu.get_cpu_capability() in ("AVX512", "AVX2", "DEFAULT")


def _check_backends(b):
    b.cudnn.benchmark = True
    assert b.cudnn.benchmark is True
    b.cudnn.benchmark = False
    b.cudnn.deterministic = True
    b.cudnn.deterministic = False
    assert b.cudnn.is_available() is False and b.cudnn.version() is None
    assert b.mps.is_available() is False and b.mps.is_built() is False
    assert b.cuda.is_built() is False and b.cuda.matmul.allow_tf32 is False
    with b.cudnn.flags(enabled=False):
        assert b.cudnn.enabled is False
    assert b.cudnn.enabled is True
