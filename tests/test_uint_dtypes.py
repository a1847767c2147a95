"""uint16 / uint32 / uint64 (PyTorch's "barebones" unsigned dtypes) and hash_tensor, against torch:
which ops take them, which raise, promotion, creation, printing."""
import numpy as np
import pytest
import torch
from oracle import assert_close

import ember

U = ("uint16", "uint32", "uint64")


def _both(fn):
    """``fn(module)`` in torch and ember: the same value, or the same exception class and message."""
    try:
        t = fn(torch)
    except Exception as exc:
        with pytest.raises(type(exc)) as ee:
            fn(ember)
        return exc, ee.value
    e = fn(ember)
    if isinstance(t, torch.Tensor):
        assert_close(e, t)
    else:
        assert str(e) == str(t)
    return e, t


@pytest.mark.parametrize("name", U)
def test_dtype_attributes(name):
    d, t = getattr(ember, name), getattr(torch, name)
    assert str(d) == str(t) and d.itemsize == t.itemsize
    assert d.is_signed == t.is_signed and d.is_floating_point == t.is_floating_point
    x = ember.tensor([1, 2], dtype=d)
    assert x.type() == torch.tensor([1, 2], dtype=t).type()
    assert ember.from_numpy(np.array([3], np.dtype(name))).dtype is d
    assert ember.iinfo(d).max == torch.iinfo(t).max and ember.iinfo(d).min == 0


ALL = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
       "complex64", "complex128") + U


@pytest.mark.parametrize("a", U)
@pytest.mark.parametrize("b", ALL)
def test_promote_types(a, b):
    try:
        r = torch.promote_types(getattr(torch, a), getattr(torch, b))
    except RuntimeError as exc:
        with pytest.raises(RuntimeError) as ee:
            ember.promote_types(getattr(ember, a), getattr(ember, b))
        assert str(ee.value) == str(exc)
    else:
        assert str(ember.promote_types(getattr(ember, a), getattr(ember, b))) == str(r)


# what PyTorch 2.13 runs on uint64 and what it refuses (NotImplementedError / RuntimeError)
OPS = {
    "mul": lambda m, x: x * x, "mul_scalar": lambda m, x: x * 3, "div": lambda m, x: x / x,
    "add_float": lambda m, x: x + 1.5, "add_float_tensor": lambda m, x: x + m.ones(3),
    "eq": lambda m, x: x == x, "ne_scalar": lambda m, x: x != 2, "isclose": lambda m, x: m.isclose(x, x),
    "and": lambda m, x: x & x, "or": lambda m, x: x | x, "xor": lambda m, x: x ^ x,
    "cat": lambda m, x: m.cat([x, x]), "stack": lambda m, x: m.stack([x, x]), "outer": lambda m, x: m.outer(x, x),
    "where": lambda m, x: m.where(m.tensor([True, False, True]), x, x),
    "exp": lambda m, x: x.sqrt(), "sum": lambda m, x: x.sum(), "cumsum": lambda m, x: x.cumsum(0),
    "to_float": lambda m, x: x.float(), "to_long": lambda m, x: x.long(), "sort": lambda m, x: x.sort(),
    "unique": lambda m, x: x.unique(), "index": lambda m, x: x[1:], "any": lambda m, x: x.any(),
    "add": lambda m, x: x + x, "add_int": lambda m, x: x + 1, "sub": lambda m, x: x - x, "rsub": lambda m, x: 1 - x,
    "neg": lambda m, x: -x, "abs": lambda m, x: x.abs(), "sign": lambda m, x: x.sign(),
    "lt": lambda m, x: x < x, "ge_scalar": lambda m, x: x >= 1, "maximum": lambda m, x: m.maximum(x, x),
    "clamp": lambda m, x: x.clamp(1, 2), "floordiv": lambda m, x: x // x, "remainder": lambda m, x: x % 2,
    "fmod": lambda m, x: x.fmod(x), "pow": lambda m, x: x ** 2, "lshift": lambda m, x: x << 1,
    "logical_and": lambda m, x: m.logical_and(x, x), "addcmul": lambda m, x: m.addcmul(x, x, x),
    "add_int64": lambda m, x: x + m.tensor([1, 2, 3]), "eq_uint8": lambda m, x: x == m.ones(3, dtype=m.uint8),
    "cat_int64": lambda m, x: m.cat([x, m.tensor([1])]), "mul_bool": lambda m, x: x * m.ones(3, dtype=m.bool),
    "add_": lambda m, x: x.add_(1),
}


@pytest.mark.parametrize("name", U)
@pytest.mark.parametrize("op", sorted(OPS))
def test_op_support(op, name):
    _both(lambda m: OPS[op](m, m.tensor([1, 2, 3], dtype=getattr(m, name))))


def test_uint64_values_above_int64():
    big = [2 ** 64 - 1, 2 ** 63 + 5, 1]
    e, t = ember.tensor(big, dtype=ember.uint64), torch.tensor(big, dtype=torch.uint64)
    assert e.tolist() == t.tolist() == big
    assert repr(e) == repr(t)
    assert (e * 1).tolist() == (t * 1).tolist()
    assert e[0].item() == t[0].item()
    _both(lambda m: m.tensor([-1], dtype=m.uint64))


HASH = [
    (np.arange(6.0, dtype=np.float32).reshape(2, 3), {}),
    (np.arange(6.0, dtype=np.float32).reshape(2, 3), {"dim": 1}),
    (np.arange(24.0).reshape(2, 3, 4) - 7.5, {"dim": (0, -1), "keepdim": True}),
    (np.arange(6.0, dtype=np.float32).reshape(2, 3), {"dim": ()}),
    (np.array([np.nan, -0.0, np.inf], np.float32), {}),
    (np.array([-1, 5, 7], np.int8), {"dim": 0}),
    (np.array([[3, 5], [1, 1]], np.uint8), {"dim": 0}),
    (np.array([True, True, False]), {}),
    (np.array([1.5, -2.25], np.float16), {}),
    (np.array(3.0, np.float32), {"dim": 0}),
    (np.zeros((0, 3), np.float32), {"dim": 1}),
    (np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32), {"dim": 0}),
]


@pytest.mark.parametrize("k", range(len(HASH)))
def test_hash_tensor(k):
    a, kw = HASH[k]
    assert_close(ember.hash_tensor(ember.tensor(a), **kw), torch.hash_tensor(torch.tensor(a), **kw))
    assert_close(ember.tensor(a).hash_tensor(**kw), torch.tensor(a).hash_tensor(**kw))


@pytest.mark.parametrize("bad", [
    lambda m: m.hash_tensor(m.ones(2), mode=1),
    lambda m: m.hash_tensor(m.ones(2, dtype=m.complex64)),
    lambda m: m.hash_tensor(m.ones(2, dtype=m.uint64)),
    lambda m: m.hash_tensor(m.zeros(0, 3)),
    lambda m: m.hash_tensor(m.zeros(0, 3), 0),
    lambda m: m.hash_tensor(m.ones(2, 3), 5),
    lambda m: m.hash_tensor(m.ones(2, 3), 1, True),
])
def test_hash_tensor_errors(bad):
    t, e = _both(bad)
    if not isinstance(t, TypeError):
        assert str(e) == str(t)
