"""APIs real programs reach for, each against torch 2.13: range indices, ``size=``, sequences in
``tensor()``, device flags, deprecated overloads, version, ``torch.functional``,
``torch.testing.assert_close``, ``torch.compile``, ``torch.backends``, ``autograd.profiler``."""
import collections
import warnings

import numpy as np
import pytest
import torch
import torch.functional
from oracle import assert_close

import ember
import ember.functional
import ember.testing

BOTH = (ember, torch)


def test_range_index_get_and_set():
    for m in BOTH:
        x = m.zeros(3, 4)
        x[range(3), m.tensor([0, 1, 2])] = 1
        assert x.sum().item() == 3 and x[2, 2].item() == 1
    e = ember.arange(12.).view(3, 4)[range(0, 3, 2), range(2)]
    t = torch.arange(12.).view(3, 4)[range(0, 3, 2), range(2)]
    assert_close(e, t)
    assert_close(ember.arange(5)[range(1, 4)], torch.arange(5)[range(1, 4)])


@pytest.mark.parametrize("name", ["empty", "zeros", "ones", "rand", "randn"])
def test_size_keyword(name):
    e, t = getattr(ember, name)(size=(2, 3)), getattr(torch, name)(size=(2, 3))
    assert e.shape == t.shape and e.dtype == ember.float32
    e = getattr(ember, name)(size=[4], dtype=ember.float64)
    assert e.shape == (4,) and e.dtype == ember.float64
    for m in BOTH:
        with pytest.raises(TypeError):
            getattr(m, name)(2, size=(2, 3))
    base_e, base_t = ember.ones(1, dtype=ember.float64), torch.ones(1, dtype=torch.float64)
    if name in ("empty", "zeros", "ones"):
        a, b = getattr(base_e, "new_" + name)(size=(2,)), getattr(base_t, "new_" + name)(size=(2,))
        assert a.shape == b.shape and str(a.dtype) == str(b.dtype)


def test_full_randint_normal_size_keyword():
    assert ember.full(size=(2, 3), fill_value=1.5).shape == torch.full(size=(2, 3), fill_value=1.5).shape
    assert ember.randint(0, 5, size=(2, 3)).dtype == ember.int64
    assert ember.normal(0.0, 1.0, size=(4,)).shape == (4,)
    assert_close(ember.ones(1).new_full(size=(2,), fill_value=3), torch.ones(1).new_full(size=(2,), fill_value=3))


@pytest.mark.parametrize("make", [
    lambda m: m.tensor(collections.deque([1.0, 2.0, 3.0])),
    lambda m: m.tensor(collections.deque([1, 2])),
    lambda m: m.tensor(range(4)),
    lambda m: m.tensor(collections.deque([collections.deque([1, 2]), collections.deque([3, 4])])),
    lambda m: m.tensor(collections.deque([m.tensor(1.0), m.tensor(2.0)])),
    lambda m: m.tensor(range(3), dtype=m.float64),
])
def test_tensor_from_sequences(make):
    assert_close(make(ember), make(torch))


def test_tensor_from_non_sequences_raises_as_torch():
    for m in BOTH:
        with pytest.raises(RuntimeError, match="Could not infer dtype of set"):
            m.tensor({1, 2})
        with pytest.raises(TypeError):
            m.tensor("ab")


@pytest.mark.parametrize("flag", ["is_cuda", "is_xpu", "is_mps", "is_meta", "is_quantized", "is_sparse",
                                  "is_mkldnn", "is_vulkan", "is_ipu", "is_nested", "is_sparse_csr",
                                  "is_maia", "is_mtia", "is_cpu"])
def test_device_flags(flag):
    assert getattr(ember.zeros(2), flag) == getattr(torch.zeros(2), flag)


@pytest.mark.parametrize("call", [
    lambda m, p, g: p.add_(-0.1, g),
    lambda m, p, g: p.sub_(0.5, g),
    lambda m, p, g: p.add(2, g),
    lambda m, p, g: p.sub(2, g),
    lambda m, p, g: p.addcmul_(0.5, g, g),
    lambda m, p, g: p.addcdiv_(0.5, g, g + 2),
    lambda m, p, g: m.addcmul(p, 0.5, g, g),
    lambda m, p, g: m.addcdiv(p, 0.5, g, g + 2),
    lambda m, p, g: m.add(p, 3, g),
])
def test_deprecated_scalar_first_overloads(call):
    res = []
    for m in BOTH:
        p, g = m.tensor([1.0, 2.0, 3.0]), m.tensor([0.5, -1.0, 2.0])
        if m is ember:
            with pytest.warns(UserWarning, match="This overload of .* is deprecated"):
                res.append(call(m, p, g))
        else:   # torch warns once per process
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res.append(call(m, p, g))
    assert_close(res[0], res[1])


def test_deprecated_overload_in_sgd_style_update_keeps_grad_flow():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p.data.add_(-0.1, p.grad.data)
    assert_close(p.detach(), torch.tensor([0.8, 1.6]))


def test_version():
    v = ember.__version__
    assert isinstance(v, str) and v.startswith("2.13.0")
    assert v >= "2.0" and v > (1, 13) and v < "2.14" and v >= (2, 13, 0) and v != "1.0"
    assert ember.version.__version__ is v and ember.version.cuda is None
    from ember.torch_version import TorchVersion
    for a, b in [("2.13.0+cpu", "2.13"), ("2.13.0", "2.13.0a0"), ("2.13.0rc1", "2.13.0"),
                 ("2.13.0.dev20240101", "2.13.0a0"), ("2.13.0.post1", "2.13.0"), ("parrot", "2.0"),
                 ("1.10.0a", (1, 2, 1)), ("2.13.0+cpu.1", "2.13.0+cpu")]:
        for op in ("__lt__", "__le__", "__eq__", "__ge__", "__gt__"):
            assert getattr(TorchVersion(a), op)(b) == getattr(torch.torch_version.TorchVersion(a), op)(b), (a, op, b)


def test_functional_module():
    for name in torch.functional.__all__:
        if hasattr(ember.functional, name):
            assert getattr(ember.functional, name) is getattr(ember, name)
    assert set(ember.functional.__all__) <= set(torch.functional.__all__)
    assert_close(ember.functional.einsum("ij->j", ember.ones(2, 3)), torch.functional.einsum("ij->j", torch.ones(2, 3)))


ASSERT_CASES = [
    lambda m: ((m.tensor([1., 2., 3.]), m.tensor([1., 2.1, 3.])), {}),
    lambda m: ((m.tensor(1.), m.tensor(1.1)), {}),
    lambda m: ((m.tensor([1, 2]), m.tensor([1, 3])), {}),
    lambda m: ((m.tensor([1., 2.]), m.tensor([1., 2.], dtype=m.float64)), {}),
    lambda m: ((m.tensor([1., 2.]), m.tensor([1., 2., 3.])), {}),
    lambda m: ((1.0, 1.1), {}),
    lambda m: ((1, 2), {}),
    lambda m: (([m.tensor(1.), m.tensor([2., 3.])], [m.tensor(1.), m.tensor([2., 3.5])]), {}),
    lambda m: (({"a": m.tensor([1.])}, {"a": m.tensor([2.])}), {}),
    lambda m: (([1, 2], [1, 2, 3]), {}),
    lambda m: (({"a": 1}, {"b": 1}), {}),
    lambda m: ((m.tensor([float("nan")]), m.tensor([float("nan")])), {}),
    lambda m: ((m.tensor([1., 2.]), m.tensor([1., 3.])), {"msg": "custom"}),
    lambda m: ((np.array([1., 2.]), np.array([1., 2.5])), {}),
    lambda m: ((m.tensor([1., 2.]), m.tensor([1., 2.1], dtype=m.float64)), {"check_dtype": False}),
    lambda m: ((m.tensor([[1., 2.], [3, 4]]), m.tensor([[1., 2.], [3, 5]])), {"rtol": 0, "atol": 0}),
    lambda m: ((m.tensor([True]), m.tensor([False])), {}),
    lambda m: ((m.tensor([1., 2.], dtype=m.float16), m.tensor([1., 2.01], dtype=m.float16)), {}),
    lambda m: ((m.tensor([1, 5, 3]), m.tensor([0, 5, 4])), {}),
    lambda m: ((m.tensor([1., 2.]), m.tensor([1., 2.])), {"rtol": 1e-3}),
]


@pytest.mark.parametrize("case", ASSERT_CASES)
def test_assert_close_messages(case):
    out = []
    for m, fn in ((ember, ember.testing.assert_close), (torch, torch.testing.assert_close)):
        args, kw = case(m)
        try:
            fn(*args, **kw)
            out.append(None)
        except Exception as exc:
            out.append((type(exc), str(exc)))
    assert out[0] == out[1]


def test_assert_close_passes_and_type_mismatch():
    ember.testing.assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
    ember.testing.assert_close(ember.tensor([float("nan")]), ember.tensor([float("nan")]), equal_nan=True)
    ember.testing.assert_close((1.0, [2, {"a": 3.0}]), (1.0, [2, {"a": 3.0}]))
    with pytest.raises(TypeError, match="No comparison pair was able to handle inputs of type"):
        ember.testing.assert_close(ember.tensor([1.0]), 1.0)


def test_compile_returns_the_callable():
    def f(x):
        return x + 1
    m = ember.nn.Linear(2, 2)
    assert ember.compile(f) is f and ember.compile(m) is m
    assert ember.compile(mode="max-autotune")(f) is f
    assert ember.compile(fullgraph=True, dynamic=False, backend="inductor")(f)(1) == 2

    @ember.compile
    def g(x):
        return x * 2
    assert g(3) == 6


def test_backends_flags():
    import contextlib
    for m in BOTH:
        # torch.testing._internal (the OpInfo test) freezes torch's flags in its process
        with getattr(m.backends, "__allow_nonbracketed_mutation", contextlib.nullcontext)():
            _set_and_reset_flags(m)


def _set_and_reset_flags(m):
    m.backends.cudnn.benchmark = True
    m.backends.cudnn.deterministic = True
    m.backends.cuda.matmul.allow_tf32 = True
    assert m.backends.cudnn.benchmark and m.backends.cudnn.deterministic
    assert not m.backends.mps.is_available() and not m.backends.cuda.is_built()
    m.backends.cudnn.benchmark = False
    m.backends.cudnn.deterministic = False
    m.backends.cuda.matmul.allow_tf32 = False


def test_backends_attention_switches():
    for m in BOTH:
        cuda = m.backends.cuda
        assert cuda.flash_sdp_enabled() and cuda.math_sdp_enabled() and cuda.mem_efficient_sdp_enabled()
        with pytest.warns(FutureWarning, match="sdp_kernel\\(\\)` is deprecated"):
            with cuda.sdp_kernel(enable_flash=False):
                assert not cuda.flash_sdp_enabled() and cuda.math_sdp_enabled()
        assert cuda.flash_sdp_enabled()
        cuda.enable_mem_efficient_sdp(False)
        assert not cuda.mem_efficient_sdp_enabled()
        cuda.enable_mem_efficient_sdp(True)
        m.backends.mha.set_fastpath_enabled(False)
        assert not m.backends.mha.get_fastpath_enabled()
        m.backends.mha.set_fastpath_enabled(True)


def test_autograd_profiler():
    x = ember.randn(4, 4)
    with ember.autograd.profiler.profile(record_shapes=True) as prof:
        with ember.autograd.profiler.record_function("blk"):
            (x @ x).relu().sum()
    assert "blk" in [e.name for e in prof.function_events]
    assert isinstance(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=3), str)
    assert prof.self_cpu_time_total > 0
    for m in BOTH:
        with m.autograd.profiler.profile(enabled=False) as p:
            assert p is None
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            with m.autograd.profiler.emit_nvtx():
                pass
        with m.autograd.profiler.emit_itt():
            pass
        with pytest.warns(FutureWarning, match="`use_cuda` will be deprecated"):
            with pytest.warns(UserWarning, match="CUDA is not available, disabling CUDA profiling"):
                with m.autograd.profiler.profile(use_cuda=True) as p:
                    m.ones(2) + 1
        assert len(p.function_events) > 0


def test_cpu_module_and_cuda_amp_names():
    assert ember.cpu.is_available() and ember.cpu.device_count() == torch.cpu.device_count() == 1
    for m in BOTH:
        with pytest.warns(FutureWarning, match=r"torch.cpu.amp.autocast\(args...\)` is deprecated"):
            with m.cpu.amp.autocast():
                assert m.is_autocast_enabled("cpu")
        assert m.cuda.amp.GradScaler is not None and m.amp.GradScaler is not None
