"""Creation functions, dtype inference, attributes, random streams and devices vs torch."""
import numpy as np
import pytest
import torch
from oracle import E, T, assert_close, check, check_raises, rand

import ember


@pytest.mark.parametrize("data", [
    [1, 2, 3], [1.0, 2], [True, False], [[1, 2], [3, 4]], 3, 2.5, True, [], [[1.5]],
    np.arange(3, dtype=np.int32), np.float64(2.0), [np.float32(1), 2], (1, 2.5),
])
def test_tensor_inference(data):
    assert_close(ember.tensor(data), torch.tensor(data))


@pytest.mark.parametrize("fn,args,kw", [
    ("zeros", (2, 3), {}), ("ones", ((2, 3),), {}), ("zeros", ([2, 3],), {"dtype": "int32"}),
    ("full", ([2, 3], 7.0), {}), ("full", ((2,), 7), {}), ("full", ((2,), True), {}),
    ("arange", (5,), {}), ("arange", (1, 4, 0.5), {}), ("arange", (0, 10, 3), {}),
    ("arange", (1.0, 1000, 0.1), {}), ("arange", (10, 0, -3), {}), ("arange", (5,), {"dtype": "float64"}),
    ("linspace", (0, 10, 5), {}), ("linspace", (-1, 1, 1), {}), ("linspace", (0, 1, 0), {}),
    ("logspace", (0, 2, 3), {}), ("logspace", (0, 3, 4), {"base": 2}),
    ("eye", (3,), {}), ("eye", (2, 4), {}), ("empty", (0, 3), {}),
])
def test_factories(fn, args, kw):
    if "dtype" in kw:
        kw_e = {"dtype": getattr(ember, kw["dtype"])}
        kw_t = {"dtype": getattr(torch, kw["dtype"])}
    else:
        kw_e = kw_t = kw
    e = getattr(ember, fn)(*args, **kw_e)
    t = getattr(torch, fn)(*args, **kw_t)
    if fn == "empty":
        assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    else:
        assert_close(e, t)


def test_like_and_requires_grad():
    x = ember.ones(2, 3, dtype=ember.float64)
    for f in ["zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"]:
        y = getattr(ember, f)(x)
        assert y.shape == (2, 3) and y.dtype is ember.float64
    assert ember.full_like(x, 3).tolist() == [[3.0] * 3] * 2
    assert ember.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        ember.zeros(2, dtype=ember.int64, requires_grad=True)


def test_bad_factory_args():
    check_raises(lambda m: m.zeros(-1, 2))
    check_raises(lambda m: m.arange(0, 10, 0))
    check_raises(lambda m: m.arange(10, 0, 1))
    check_raises(lambda m: m.randint(5, 3, (2,)))
    check_raises(lambda m: m.tensor([[1, 2], [3]]))
    check_raises(lambda m: m.rand(2, dtype=m.int64))


def test_attributes():
    t = torch.arange(24.0).view(2, 3, 4)
    e = ember.arange(24.0).view(2, 3, 4)
    assert e.shape == t.shape and e.size() == t.size() and e.size(-1) == t.size(-1)
    assert e.dim() == t.dim() and e.ndim == t.ndim and e.numel() == t.numel()
    assert e.stride() == t.stride() and e.is_contiguous() and e.element_size() == 4
    assert str(e.dtype) == "torch.float32" and str(e.device) == "cpu"
    assert e.T.shape == (4, 3, 2) if hasattr(e, "T") else True
    assert e[1, 2, 3].item() == 23.0 and e.tolist() == t.tolist()
    assert repr(e.shape) == repr(t.shape) == "torch.Size([2, 3, 4])"
    assert e.is_floating_point() and not ember.tensor([1]).is_floating_point()
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        e.item()
    p = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        p.numpy()
    assert p.detach().numpy().tolist() == [1.0]


@pytest.mark.parametrize("dt", ["float", "double", "half", "long", "int", "short", "byte", "char", "bool"])
def test_conversions(dt):
    a = np.array([-1.5, 0.0, 2.7], dtype=np.float32)
    assert_close(getattr(ember.tensor(a), dt)(), getattr(torch.tensor(a), dt)())
    assert ember.tensor(a).to(ember.float64).dtype is ember.float64
    assert ember.tensor(a).type(ember.int32).dtype is ember.int32
    assert ember.tensor(a).type("torch.DoubleTensor").dtype is ember.float64


def test_conversion_gradient():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "ToCopyBackward0"
    y.sum().backward()
    assert x.grad.dtype is ember.float32 and x.grad.tolist() == [3.0, 3.0]


def test_random_reproducible_and_generators():
    ember.manual_seed(0)
    a = ember.rand(5)
    b = ember.randn(3, 4)
    ember.manual_seed(0)
    assert ember.equal(a, ember.rand(5)) and ember.equal(b, ember.randn(3, 4))
    g = ember.Generator().manual_seed(42)
    x = ember.randn(4, generator=g)
    g2 = ember.Generator().manual_seed(42)
    assert ember.equal(x, ember.randn(4, generator=g2))
    assert a.dtype is ember.float32 and 0 <= a.min().item() and a.max().item() < 1
    r = ember.randint(3, 7, (1000,))
    assert r.dtype is ember.int64 and r.min().item() >= 3 and r.max().item() <= 6
    assert sorted(ember.randperm(20).tolist()) == list(range(20))
    state = ember.get_rng_state()
    u = ember.rand(3)
    ember.set_rng_state(state)
    assert ember.equal(u, ember.rand(3))
    n = ember.normal(2.0, 0.5, size=(20000,))
    assert abs(n.mean().item() - 2.0) < 0.02 and abs(n.std().item() - 0.5) < 0.02


def test_from_numpy_as_tensor_share_memory():
    arr = np.arange(4, dtype=np.float32)
    t = ember.from_numpy(arr)
    t[0] = 10
    assert arr[0] == 10
    assert ember.as_tensor(arr) is not None and ember.as_tensor(arr).numpy() is arr
    with pytest.raises(TypeError):
        ember.from_numpy(np.array(["a"]))
    c = ember.tensor(arr)
    c[1] = -5
    assert arr[1] == 1  # tensor() copies


def test_device_objects():
    d = ember.device("cpu")
    assert d == ember.device("cpu") and str(d) == "cpu" and repr(d) == repr(torch.device("cpu"))
    assert repr(ember.device("cuda:1")) == repr(torch.device("cuda:1"))
    assert ember.ones(2, device="cpu").device == d
    with pytest.raises(AssertionError):
        ember.ones(2, device="cuda")
    check_raises(lambda m: m.device("nope"))


def test_dtype_objects_and_promotion_api():
    assert ember.float is ember.float32 and ember.long is ember.int64 and ember.double is ember.float64
    assert repr(ember.float16) == "torch.float16"
    for a, b in [("int8", "uint8"), ("int64", "float16"), ("bool", "int32"), ("float16", "bfloat16")]:
        e = ember.promote_types(getattr(ember, a), getattr(ember, b))
        t = torch.promote_types(getattr(torch, a), getattr(torch, b))
        assert str(e) == str(t)
    assert ember.finfo(ember.float32).eps == torch.finfo(torch.float32).eps
    assert ember.iinfo(ember.int8).max == 127
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.5]).dtype is ember.float64 and ember.zeros(1).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)


def test_import_ember_leaves_optional_packages_unloaded():
    """``import ember`` loads none of the optional packages (ml_dtypes costs ~0.5 s); bfloat16
    brings ml_dtypes in on first use, and arrays made with it before that are recognised."""
    import subprocess
    import sys
    code = ("import sys, ember\n"
            "heavy = [m for m in ('ml_dtypes', 'numba', 'torch', 'scipy', 'PIL', 'onnx', 'mpi4py', 'tqdm')"
            " if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "import numpy as np, ml_dtypes\n"
            "t = ember.from_numpy(np.ones(2, dtype=ml_dtypes.bfloat16))\n"
            "assert t.dtype is ember.bfloat16, t.dtype\n"
            "assert ember.zeros(2, dtype=ember.bfloat16).dtype is ember.bfloat16\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# ---- window functions, frombuffer, new_* and strided creation ---------------------------------

@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "bartlett", "kaiser"])
def test_windows(name):
    for n in (0, 1, 2, 5, 8):
        for periodic in (True, False):
            check(lambda m: getattr(m, name + "_window")(n, periodic), [], atol=1e-6)
            check(lambda m: getattr(m, name + "_window")(n, periodic=periodic, dtype=m.float64),
                  [], rtol=1e-9)
    check(lambda m: getattr(m, name + "_window")(4, requires_grad=True), [], grad=False)
    check_raises(lambda m: getattr(m, name + "_window")(-1))
    check_raises(lambda m: getattr(m, name + "_window")(3, dtype=m.long))


def test_window_parameters():
    check(lambda m: m.hamming_window(7, True, 0.5, 0.3), [])
    check(lambda m: m.hamming_window(7, False, 0.6, 0.4, dtype=m.float64), [], rtol=1e-9)
    check(lambda m: m.kaiser_window(6, False, 3.0), [], atol=1e-6)
    check(lambda m: m.kaiser_window(6, True, 0.5, dtype=m.float64), [], rtol=1e-9)


def test_frombuffer():
    import array

    buf = bytearray(np.arange(6, dtype=np.int32).tobytes())
    check(lambda m: m.frombuffer(buf, dtype=m.int32), [])
    check(lambda m: m.frombuffer(buf, dtype=m.int16, count=3, offset=4), [])
    check(lambda m: m.frombuffer(array.array("f", [1, 2, 3]), dtype=m.float32, offset=4), [])
    t = ember.frombuffer(buf, dtype=ember.int32)
    buf[0] = 9
    assert t[0].item() == 9  # shares the buffer's memory
    for kw in ({}, {"count": 0}):
        check_raises(lambda m: m.frombuffer(bytearray(), dtype=m.int32, **kw))
    check_raises(lambda m: m.frombuffer(bytearray(b"abc"), dtype=m.int32))
    check_raises(lambda m: m.frombuffer(bytearray(b"abcd"), dtype=m.int32, count=2))
    check_raises(lambda m: m.frombuffer(bytearray(b"abcd"), dtype=m.int32, offset=4))


def test_new_and_strided():
    x = rand(2, 3)
    for args in ((), (2, 2), (0,)):
        check(lambda m, a: (tuple(a.new(*args).shape), str(a.new(*args).dtype)), [x], grad=False)
    check(lambda m, a: tuple(a.new(m.Size([3, 1])).shape), [x])
    check(lambda m, a: a.new([1.5, 2.5]), [x], grad=False)
    check(lambda m, a: a.new((4, 1)), [x], grad=False)
    check(lambda m, a: a.new([1, 2]), [np.arange(3)])
    check(lambda m, a: str(a.new(2).dtype), [np.arange(3)])
    for m, conv in ((ember, E), (torch, T)):
        t = conv(x).new_empty_strided((2, 3), (1, 2))
        assert t.stride() == (1, 2) and t.shape == (2, 3) and t.dtype == (m.float32)
        t = m.empty_strided((2, 3, 4), (1, 2, 6), dtype=m.float64)
        assert t.stride() == (1, 2, 6) and t.dtype == m.float64
        t.fill_(1.0)
        assert t.sum().item() == 24
    p = rand(4, 5, low=0, high=1)
    for m, conv in ((ember, E), (torch, T)):
        b = conv(p).bernoulli()
        assert b.shape == (4, 5) and b.dtype == m.float32 and set(b.unique().tolist()) <= {0.0, 1.0}
        assert conv(p).bernoulli(0.0).sum().item() == 0 and conv(p).bernoulli(p=1.0).sum().item() == 20
