"""Small Tensor methods (new_*, in-place shape changes, resize_, fill_diagonal_, apply_, predicates,
in-place and method aliases) and the torch namespace's constants and global flags."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from oracle import E, T, assert_close, check, check_raises, gradcheck, rand

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


# ---- the torch namespace's constants and flags, tensor predicates, in-place and method aliases ----

def _spd(n, seed=0):
    a = rand(n, n, seed=seed).astype(np.float64)
    return a @ a.T + n * np.eye(n)


def test_constants():
    for n in ("pi", "e", "inf", "nan"):
        a, b = getattr(ember, n), getattr(torch, n)
        assert a == b or (math.isnan(a) and math.isnan(b))
    assert ember.newaxis is torch.newaxis is None
    x = np.arange(6.0).reshape(2, 3)
    assert E(x)[:, ember.newaxis].shape == T(x)[:, torch.newaxis].shape


def test_global_flags():
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device("cpu")
    ember.set_default_device(None)
    with pytest.raises(AssertionError):
        ember.set_default_device("cuda")
    assert ember.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    ember.set_float32_matmul_precision("high")
    assert ember.get_float32_matmul_precision() == "high"
    ember.set_float32_matmul_precision("highest")
    with pytest.warns(UserWarning):
        ember.set_float32_matmul_precision("bad")
    assert ember.set_flush_denormal(False) is True
    assert ember.are_deterministic_algorithms_enabled() is False
    ember.use_deterministic_algorithms(True, warn_only=True)
    assert ember.are_deterministic_algorithms_enabled() and ember.is_deterministic_algorithms_warn_only_enabled()
    ember.use_deterministic_algorithms(False)
    assert not ember.are_deterministic_algorithms_enabled()


def test_predicates():
    x = np.array([1.5], np.float32)
    for m, conv in ((ember, E), (torch, T)):
        t = conv(x)
        assert t.is_cpu and not t.is_conj() and not t.is_neg()
        assert t.is_nonzero() and m.is_nonzero(t) and not m.is_nonzero(conv(np.zeros(1)))
        assert m.is_same_size(t, conv(x)) and not t.is_same_size(conv(np.zeros(2)))
        assert m.is_signed(t) and not m.is_signed(conv(np.array([1], np.uint8)))
        assert t.resolve_conj() is t or (t.resolve_conj() == t).all()
        assert (m.resolve_neg(t) == t).all()
    check_raises(lambda m, a: m.is_nonzero(a), np.zeros(2))
    check_raises(lambda m, a: a.is_nonzero(), np.zeros(0))


def test_detach_fill_zero_module():
    x = rand(3)
    check(lambda m, a: m.fill(a * 2, 1.5), [x])
    check(lambda m, a: m.zero_(a * 2) + a, [x])
    check(lambda m, a: m.fill_(a * 2, 0.5) * a, [x])
    check(lambda m, a: m.detach(a) * a, [x])
    for m, conv in ((ember, E), (torch, T)):
        t = conv(x, True) * 2
        assert m.detach_(t) is t and not t.requires_grad


def test_inplace_module_forms():
    x = rand(2, 3, low=0.1, high=0.9)
    for n in ("abs_", "acos_", "asin_", "atan_", "ceil_", "cos_", "erf_", "exp_", "exp2_", "expm1_",
              "floor_", "frac_", "log_", "log1p_", "log2_", "neg_", "reciprocal_", "round_",
              "rsqrt_", "sigmoid_", "sin_", "sqrt_", "square_", "tan_", "tanh_", "trunc_",
              "arcsin_", "arctanh_", "fix_", "deg2rad_", "negative_", "logit_", "nan_to_num_"):
        check(lambda m, a: getattr(m, n)(a.clone()), [x], grad=False)
    check(lambda m, a: m.clamp_(a.clone(), 0.2, 0.5), [x], grad=False)
    check(lambda m, a: m.clip_(a.clone(), 0.2, 0.5), [x], grad=False)
    check(lambda m, a: m.clamp_min_(a.clone(), 0.5), [x], grad=False)
    check(lambda m, a: m.clamp_max_(a.clone(), 0.5), [x], grad=False)
    check(lambda m, a: m.xlogy_(a.clone(), a), [x], grad=False)


def test_inplace_method_aliases():
    x, y = rand(2, 3), rand(2, 3, low=0.5, high=1.5)
    for n in ("multiply_", "subtract_", "divide_", "true_divide_"):
        check(lambda m, a, b: getattr(a * 1, n)(b), [x, y])
    check(lambda m, a: (a * 1).negative_(), [x])
    check(lambda m, a, b: a.double().float_power_(b), [x, y])
    check(lambda m, a, b: (a.double() + 2).float_power_(2), [x, y])
    check_raises(lambda m, a: a.float_power_(2), x)


def test_softmax_methods():
    x = rand(3, 4)
    check(lambda m, a: a.softmax(1), [x])
    check(lambda m, a: a.log_softmax(dim=0), [x])
    check(lambda m, a: a.softmax(-1, dtype=m.float64), [x])
    check(lambda m, a: a.hardshrink(0.3), [x])
    check(lambda m, a: a.hardshrink(), [x])
    check(lambda m, a, w: a.prelu(w), [x, np.array([0.25], np.float32)])
    check(lambda m, a: m.rms_norm(a, (4,)), [x])
    check(lambda m, a, b: m.kl_div(a, b), [x, rand(3, 4, low=0.1, high=1)])
    check(lambda m, a, b: m.kl_div(a, b, 2, log_target=True), [x, x * 0.5])


def test_misc_small():
    check(lambda m, a: m.nonzero_static(a, size=5), [np.array([0, 1, 0, 2])])
    check(lambda m, a: m.nonzero_static(a, size=1, fill_value=7), [np.array([[0, 1], [1, 2]])])
    check(lambda m, a: a.nonzero_static(size=4, fill_value=0), [np.array([[0, 1], [1, 2]])])
    a = _spd(3)
    L = np.linalg.cholesky(a)
    b = rand(3, 2).astype(np.float64)
    check(lambda m, l, b: m.cholesky_solve(b, l), [L, b], rtol=1e-9)
    check(lambda m, l, b: b.cholesky_solve(l.mT, upper=True), [L, b], rtol=1e-9)
    check(lambda m, l: m.cholesky_inverse(l), [L], rtol=1e-9)
    check(lambda m, l: l.mT.cholesky_inverse(upper=True), [L], rtol=1e-9)
    gradcheck(lambda m, l, b: m.cholesky_solve(b, l), L, b)
    for m, conv in ((ember, E), (torch, T)):
        x = conv(rand(2, 3, 4)).permute(2, 0, 1)
        assert x.dim_order() == (1, 2, 0) and x.const_data_ptr() == x.data_ptr()
        assert m.empty_permuted((2, 3, 4), (0, 2, 1)).stride() == (12, 1, 3)
        assert m.get_device(x) == -1
        t = m.zeros(3).map_(m.ones(3), lambda u, v: u + v + 1)
        assert t.tolist() == [2.0, 2.0, 2.0]
        t = m.ones(2, 2).map2_(m.ones(2), m.full((2, 1), 3.0), lambda u, v, w: u + v * w)
        assert t.tolist() == [[4.0, 4.0], [4.0, 4.0]]
        g = m.Generator().manual_seed(0)
        b = m.binomial(m.tensor([10.0, 5.0, 3.0]), m.tensor([0.5, 0.0, 1.0]), generator=g)
        assert b.dtype == m.float32 and b[1].item() == 0 and b[2].item() == 3 and 0 <= b[0].item() <= 10
        p = m.poisson(m.tensor([2.0, 0.0]))
        assert p.dtype == m.float32 and p[1].item() == 0
        assert m.get_deterministic_debug_mode() == 0
        m.set_deterministic_debug_mode("warn")
        assert m.get_deterministic_debug_mode() == 1 and m.are_deterministic_algorithms_enabled()
        m.set_deterministic_debug_mode(0)
        assert not m.is_warn_always_enabled()
        m.set_warn_always(True)
        assert m.is_warn_always_enabled()
        m.set_warn_always(False)
    check_raises(lambda m: m.set_deterministic_debug_mode("bad"))
    check_raises(lambda m: m.poisson(m.tensor([-1.0])))
