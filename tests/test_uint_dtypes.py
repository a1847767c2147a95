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


# ---- differential sweep: every op below on uint8/16/32/64 inputs, against torch ---------------
# torch raises -> ember raises the same class (and, for a missing kernel, names the same dtype);
# torch computes -> ember computes the same values in the same dtype.

SWEEP_DTYPES = ("uint8",) + U
_A, _B = [[3, 7, 0], [250, 1, 9]], [[2, 3, 5], [4, 1, 9]]
_I = [[0, 1, 0], [2, 0, 1]]

SWEEP = {
    # unary
    "neg": lambda m, a, b: -a, "abs": lambda m, a, b: abs(a), "sign": lambda m, a, b: a.sign(),
    "sgn": lambda m, a, b: m.sgn(a), "bitwise_not": lambda m, a, b: m.bitwise_not(a), "invert": lambda m, a, b: ~a,
    "bitwise_not_": lambda m, a, b: a.clone().bitwise_not_(), "square": lambda m, a, b: m.square(a),
    "square_": lambda m, a, b: a.clone().square_(), "sqrt": lambda m, a, b: m.sqrt(a), "exp": lambda m, a, b: m.exp(a),
    "floor": lambda m, a, b: m.floor(a), "round": lambda m, a, b: m.round(a), "trunc": lambda m, a, b: m.trunc(a),
    "frac": lambda m, a, b: m.frac(a), "reciprocal": lambda m, a, b: m.reciprocal(a),
    "logical_not": lambda m, a, b: m.logical_not(a), "logical_not_": lambda m, a, b: a.clone().logical_not_(),
    "isnan": lambda m, a, b: m.isnan(a), "signbit": lambda m, a, b: m.signbit(a), "relu": lambda m, a, b: m.relu(a),
    "relu_": lambda m, a, b: a.clone().relu_(), "nan_to_num": lambda m, a, b: m.nan_to_num(a),
    # binary, tensor and scalar operands
    "add": lambda m, a, b: a + b, "add_alpha": lambda m, a, b: m.add(a, b, alpha=2), "sub": lambda m, a, b: a - b,
    "sub_scalar_first": lambda m, a, b: m.sub(1, a), "rsub": lambda m, a, b: 300 - a, "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b, "div_floor": lambda m, a, b: m.div(a, b, rounding_mode="floor"),
    "div_trunc": lambda m, a, b: m.div(a, b, rounding_mode="trunc"), "floor_divide": lambda m, a, b: a // b,
    "remainder": lambda m, a, b: a % b, "remainder_scalar": lambda m, a, b: a % 3, "fmod": lambda m, a, b: m.fmod(a, b),
    "pow": lambda m, a, b: a ** b, "pow_scalar": lambda m, a, b: a ** 2, "rpow": lambda m, a, b: 2 ** b,
    "add_float": lambda m, a, b: a + 1.5, "add_int64": lambda m, a, b: a + b.long(), "add_uint8": lambda m, a, b: a + b.to(m.uint8),
    "add_bool": lambda m, a, b: a + (b > 2), "iadd": lambda m, a, b: a.clone().add_(b), "imul_scalar": lambda m, a, b: a.clone().mul_(3),
    "sub_bool": lambda m, a, b: a - True, "rsub_bool": lambda m, a, b: True - a, "isub_bool": lambda m, a, b: a.clone().sub_(True),
    "bitwise_and": lambda m, a, b: a & b, "bitwise_or": lambda m, a, b: a | b, "bitwise_xor": lambda m, a, b: a ^ b,
    "lshift": lambda m, a, b: a << b, "rshift": lambda m, a, b: a >> b, "gcd": lambda m, a, b: m.gcd(a, b),
    "eq": lambda m, a, b: a == b, "ne": lambda m, a, b: a != 3, "lt": lambda m, a, b: a < b, "ge": lambda m, a, b: a >= 3,
    "eq_int64": lambda m, a, b: a == b.long(), "maximum": lambda m, a, b: m.maximum(a, b), "fmin": lambda m, a, b: m.fmin(a, b),
    "logical_and": lambda m, a, b: m.logical_and(a, b), "logical_xor": lambda m, a, b: m.logical_xor(a, b),
    "isclose": lambda m, a, b: m.isclose(a, b), "equal": lambda m, a, b: m.equal(a, b), "atan2": lambda m, a, b: m.atan2(a, b),
    "heaviside": lambda m, a, b: m.heaviside(a, b), "lerp": lambda m, a, b: m.lerp(a, b, 0.5),
    "addcmul": lambda m, a, b: m.addcmul(a, a, b), "clamp": lambda m, a, b: m.clamp(a, 2, 8),
    "clamp_tensor": lambda m, a, b: m.clamp(a, b, b + b), "where": lambda m, a, b: m.where(a.bool(), a, b),
    "where_scalar": lambda m, a, b: m.where(a.bool(), a, 0),
    # reductions, scans, sorting
    "sum": lambda m, a, b: a.sum(), "sum_dim": lambda m, a, b: a.sum(1), "prod": lambda m, a, b: a.prod(1),
    "cumsum": lambda m, a, b: a.cumsum(1), "cumprod": lambda m, a, b: a.cumprod(0), "mean": lambda m, a, b: a.mean(),
    "mean_dtype": lambda m, a, b: a.mean(dtype=m.float32), "max": lambda m, a, b: a.max(), "max_dim": lambda m, a, b: a.max(1),
    "min": lambda m, a, b: a.min(), "min_dim": lambda m, a, b: a.min(0, keepdim=True), "amax": lambda m, a, b: a.amax(1),
    "amin": lambda m, a, b: a.amin(0), "aminmax": lambda m, a, b: m.aminmax(a), "argmax": lambda m, a, b: a.argmax(),
    "argmin": lambda m, a, b: a.argmin(1), "all": lambda m, a, b: a.all(1), "any": lambda m, a, b: a.any(),
    "count_nonzero": lambda m, a, b: m.count_nonzero(a), "logsumexp": lambda m, a, b: m.logsumexp(a, 1),
    "logcumsumexp": lambda m, a, b: m.logcumsumexp(a, 1), "std": lambda m, a, b: a.std(), "var": lambda m, a, b: a.var(1),
    "sort": lambda m, a, b: a.sort(1), "sort_desc": lambda m, a, b: a.sort(0, descending=True),
    "argsort": lambda m, a, b: a.argsort(1), "topk": lambda m, a, b: a.topk(2), "kthvalue": lambda m, a, b: a.kthvalue(2),
    "median": lambda m, a, b: a.median(), "median_dim": lambda m, a, b: a.median(1), "nanmedian": lambda m, a, b: a.nanmedian(),
    "mode": lambda m, a, b: a.mode(1), "cummax": lambda m, a, b: m.cummax(a, 1), "cummin": lambda m, a, b: m.cummin(a, 0),
    "unique": lambda m, a, b: m.unique(a), "unique_counts": lambda m, a, b: m.unique(a, return_inverse=True, return_counts=True),
    "msort": lambda m, a, b: m.msort(a), "diff": lambda m, a, b: m.diff(a), "bincount": lambda m, a, b: m.bincount(a[0]),
    "histc": lambda m, a, b: m.histc(a, 3, 0, 10), "trapezoid": lambda m, a, b: m.trapezoid(b),
    "cumulative_trapezoid": lambda m, a, b: m.cumulative_trapezoid(a), "quantile": lambda m, a, b: m.quantile(a, 0.5),
    "searchsorted": lambda m, a, b: m.searchsorted(a[0].sort().values, b[0]),
    "bucketize": lambda m, a, b: m.bucketize(a, b[0].sort().values), "isin": lambda m, a, b: m.isin(a, b),
    # matrix products
    "dot": lambda m, a, b: m.dot(a[0], b[0]), "vdot": lambda m, a, b: m.vdot(a[0], b[0]), "mm": lambda m, a, b: a @ b.t(),
    "mv": lambda m, a, b: m.mv(a, b[0]), "bmm": lambda m, a, b: m.bmm(a[None], b.t()[None]),
    "matmul_3d": lambda m, a, b: a[None] @ b.t(), "addmm": lambda m, a, b: m.addmm(a[:, :2], a, b.t()),
    "addmv": lambda m, a, b: m.addmv(a[:, 0], a, b[0]), "addr": lambda m, a, b: m.addr(a, a[:, 0], b[0]),
    "baddbmm": lambda m, a, b: m.baddbmm(a[None, :, :2], a[None], b.t()[None]),
    "addbmm": lambda m, a, b: m.addbmm(a[:, :2], a[None], b.t()[None]), "outer": lambda m, a, b: m.outer(a[0], b[0]),
    "inner": lambda m, a, b: m.inner(a, b), "tensordot": lambda m, a, b: m.tensordot(a, b, ([1], [1])),
    "tensordot0": lambda m, a, b: m.tensordot(a, b, 0), "kron": lambda m, a, b: m.kron(a, b),
    "einsum_mm": lambda m, a, b: m.einsum("ij,kj->ik", a, b), "einsum_sum": lambda m, a, b: m.einsum("ij->", a),
    "einsum_trace": lambda m, a, b: m.einsum("ii", a[:, :2]), "einsum_mul": lambda m, a, b: m.einsum("ij,ij->ij", a, b),
    "einsum_outer_sum": lambda m, a, b: m.einsum("ij,k->i", a, b[0]), "trace": lambda m, a, b: m.trace(a),
    "cross": lambda m, a, b: m.cross(a, b, dim=1),
    # indexing, scatter/gather, shape
    "gather": lambda m, a, b: m.gather(a, 1, m.tensor([[0, 1], [2, 0]])), "take": lambda m, a, b: m.take(a, m.tensor([0, 4])),
    "scatter": lambda m, a, b: a.scatter(1, m.tensor(_I), b), "scatter_value": lambda m, a, b: a.scatter(1, m.tensor(_I), 3),
    "scatter_": lambda m, a, b: a.clone().scatter_(1, m.tensor(_I), b),
    "scatter_add": lambda m, a, b: a.scatter_add(1, m.tensor(_I), b),
    "scatter_reduce": lambda m, a, b: a.scatter_reduce(1, m.tensor(_I), b, "amax"),
    "index_add": lambda m, a, b: a.index_add(1, m.tensor([0, 2, 1]), b),
    "index_add_": lambda m, a, b: a.clone().index_add_(0, m.tensor([1, 0]), b),
    "index_copy": lambda m, a, b: a.index_copy(1, m.tensor([0, 2, 1]), b),
    "index_fill": lambda m, a, b: a.index_fill(1, m.tensor([0, 2]), 5),
    "index_put": lambda m, a, b: a.index_put((m.tensor([0, 1]),), b[0]), "put": lambda m, a, b: a.put(m.tensor([0, 2]), b[0, :2]),
    "index_select": lambda m, a, b: a.index_select(1, m.tensor([0, 2])), "masked_select": lambda m, a, b: a[a.bool()],
    "nonzero": lambda m, a, b: m.nonzero(a), "argwhere": lambda m, a, b: m.argwhere(a),
    "getitem_index": lambda m, a, b: a[m.tensor([1, 0])], "tril": lambda m, a, b: m.tril(a), "triu_": lambda m, a, b: a.clone().triu_(),
    "diag": lambda m, a, b: m.diag(a), "vander": lambda m, a, b: m.vander(a[0]), "cat": lambda m, a, b: m.cat([a, b]),
    "stack": lambda m, a, b: m.stack([a, b]), "repeat": lambda m, a, b: a.repeat(2, 1), "roll": lambda m, a, b: m.roll(a, 1, 1),
    "flip0": lambda m, a, b: a.flip(0), "flip1": lambda m, a, b: a.flip(1), "fliplr": lambda m, a, b: m.fliplr(a),
    "flipud": lambda m, a, b: m.flipud(a), "rot90": lambda m, a, b: m.rot90(a), "rot90_2": lambda m, a, b: m.rot90(a, 2),
    "contiguous": lambda m, a, b: a.t().contiguous(), "copy_": lambda m, a, b: a.clone().copy_(b.long()),
    "to_float": lambda m, a, b: a.float(), "full_like": lambda m, a, b: m.full_like(a, 2),
}


def _plain(x):
    if isinstance(x, (tuple, list)):
        return [_plain(y) for y in x]
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        return str(x.dtype), np.asarray(x.numpy())
    return x


def _same(t, e):
    if isinstance(t, list):
        return isinstance(e, list) and len(t) == len(e) and all(_same(x, y) for x, y in zip(t, e))
    if isinstance(t, tuple):
        (dt, vt), (de, ve) = t, e
        if dt != de or vt.shape != ve.shape:
            return False
        if vt.dtype.kind in "fc":
            return bool(np.allclose(vt, ve, rtol=1e-6, atol=0, equal_nan=True))
        return bool(np.array_equal(vt, ve))
    return t == e


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("op", sorted(SWEEP))
def test_unsigned_sweep_against_torch(op):
    for name in SWEEP_DTYPES:
        def run(m):
            a, b = (m.from_numpy(np.array(v, dtype=name)) for v in (_A, _B))
            return SWEEP[op](m, a, b)
        try:
            t = run(torch)
        except Exception as exc:
            with pytest.raises(type(exc)) as ee:
                run(ember)
            assert type(ee.value) is type(exc), (name, exc, ee.value)
            if "not implemented for" in str(exc):   # the same dtype named, the kernel alike
                assert str(ee.value).split(" not implemented for ")[1] == str(exc).split(" not implemented for ")[1]
            continue
        e = run(ember)
        assert _same(_plain(t), _plain(e)), (name, _plain(t), _plain(e))


def _layouts(m, name):
    x = m.from_numpy(np.arange(24, dtype=name).reshape(2, 3, 4))
    return [x, x.permute(2, 1, 0), x[:, :, :1], x[:, :, ::2], x[:, :1], x.reshape(2, 12)[:, None], x[0]]


@pytest.mark.parametrize("name", ("uint8", "uint16", "uint64"))
def test_unsigned_flip_follows_torch_layout_rule(name):
    """PyTorch flips uint16/32/64 by a byte copy only when the innermost dimension it walks stays."""
    for t, e in zip(_layouts(torch, name), _layouts(ember, name)):
        nd = t.ndim
        calls = [lambda m, x, d=d: x.flip(d) for d in [[i] for i in range(nd)] + [[0, nd - 1], list(range(nd))]]
        calls += [lambda m, x, k=k: m.rot90(x, k, (0, nd - 1)) for k in range(-1, 4)]
        calls += [lambda m, x: m.fliplr(x), lambda m, x: m.flipud(x)]
        for f in calls:
            try:
                want = f(torch, t).tolist()
            except NotImplementedError:
                with pytest.raises(NotImplementedError, match="flip_cpu"):
                    f(ember, e)
                continue
            assert f(ember, e).tolist() == want, (tuple(t.shape), t.stride())


@pytest.mark.parametrize("name", ("uint8", "uint16", "uint32"))
def test_unsigned_setitem(name):
    keys = [lambda m: 0, lambda m: m.tensor([0]), lambda m: m.tensor([True, False]), lambda m: [0, 1],
            lambda m: (slice(None), m.tensor([1])), lambda m: m.tensor(0), lambda m: ..., lambda m: slice(0, 1)]
    values = [lambda m: 1, lambda m: m.from_numpy(np.ones(3, name)), lambda m: m.from_numpy(np.ones((), name))]
    for k in keys:
        for v in values:
            def run(m):
                a = m.from_numpy(np.zeros((2, 3), name))
                a[k(m)] = v(m)
                return a.tolist()
            try:
                want = run(torch)
            except RuntimeError as exc:   # a missing kernel, or a shape mismatch
                with pytest.raises(RuntimeError) as ee:
                    run(ember)
                assert type(ee.value) is type(exc)
                if isinstance(exc, NotImplementedError):
                    assert str(ee.value) == str(exc)
                continue
            assert run(ember) == want
