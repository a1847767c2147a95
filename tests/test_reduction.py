"""Reductions and statistics against the torch oracle: values, dtypes, shapes, gradients, errors."""
import math

import numpy as np
import pytest
from oracle import E, check, check_raises, gradcheck, rand

import ember


def perm(*shape, seed=0, dtype=np.float32):
    """Distinct values (no ties), so indices of sort/topk/max agree with torch."""
    n = int(np.prod(shape))
    return (np.random.RandomState(seed).permutation(n).reshape(shape) / n - 0.5).astype(dtype)


X = perm(3, 4)
X3 = perm(2, 3, 4, seed=1)

# (name, fn, arrays)
OPS = [
    ("sum_all", lambda m, x: m.sum(x), [X3]),
    ("sum_dim", lambda m, x: x.sum(-1), [X3]),
    ("sum_tuple_keep", lambda m, x: m.sum(x, (0, 2), keepdim=True), [X3]),
    ("sum_list", lambda m, x: m.sum(x, [0, -1]), [X3]),
    ("sum_dtype", lambda m, x: m.sum(x, 1, dtype=m.float64), [X]),
    ("sum_int", lambda m, x: x.sum(0), [rand(3, 4, dtype=np.int32)]),
    ("sum_bool", lambda m, x: x.sum(), [rand(3, 4, dtype=np.bool_)]),
    ("sum_0d", lambda m, x: x.sum(0), [np.array(2.5, np.float32)]),
    ("max_0d", lambda m, x: m.max(x, 0), [np.array(2.5, np.float32)]),
    ("cumsum_0d", lambda m, x: m.cumsum(x, -1), [np.array(2.5, np.float32)]),
    ("prod_0d", lambda m, x: m.prod(x, 0), [np.array(2.5, np.float32)]),
    ("sort_0d", lambda m, x: m.sort(x), [np.array(2.5, np.float32)]),
    ("amax_empty_dim", lambda m, x: m.amax(x, 1), [np.zeros((0, 3), np.float32)]),
    ("max_empty_dim", lambda m, x: m.max(x, 1), [np.zeros((0, 3), np.float32)]),
    ("logsumexp_empty", lambda m, x: m.logsumexp(x, 0), [np.zeros((0, 3), np.float32)]),
    ("norm_empty", lambda m, x: m.norm(x), [np.zeros((0, 3), np.float32)]),
    ("cumsum_empty", lambda m, x: m.cumsum(x, 0), [np.zeros((0, 3), np.float32)]),
    ("all_empty", lambda m, x: m.all(x), [np.zeros((0,), np.bool_)]),
    ("sum_empty", lambda m, x: x.sum(0), [np.zeros((0, 3), np.float32)]),
    ("sum_noncontig", lambda m, x: x.t().sum(0) if hasattr(x, "t") else x, [X]),
    ("mean", lambda m, x: m.mean(x, 1, keepdim=True), [X3]),
    ("mean_all", lambda m, x: x.mean(), [X3]),
    ("prod", lambda m, x: m.prod(x, 1), [X]),
    ("prod_all", lambda m, x: x.prod(), [X]),
    ("prod_zero", lambda m, x: x.prod(1), [np.array([[1., 0., 2.], [0., 0., 3.]], np.float32)]),
    ("prod_int", lambda m, x: x.prod(), [rand(5, dtype=np.int32)]),
    ("var", lambda m, x: m.var(x, 1), [X3]),
    ("var_all", lambda m, x: x.var(), [X3]),
    ("var_corr0", lambda m, x: m.var(x, (0, 2), correction=0, keepdim=True), [X3]),
    ("var_unbiased", lambda m, x: m.var(x, 0, False), [X]),
    ("std", lambda m, x: m.std(x, -1), [X3]),
    ("std_corr2", lambda m, x: x.std(1, correction=2), [X]),
    ("std_mean", lambda m, x: m.std_mean(x, 1), [X]),
    ("var_mean", lambda m, x: m.var_mean(x, 0, keepdim=True), [X]),
    ("norm", lambda m, x: m.norm(x), [X3]),
    ("norm_p1", lambda m, x: x.norm(1, dim=1), [X3]),
    ("norm_p3", lambda m, x: x.norm(3, dim=(0, 2), keepdim=True), [X3]),
    ("norm_inf", lambda m, x: x.norm(float("inf"), dim=1), [X]),
    ("norm_ninf", lambda m, x: x.norm(-float("inf")), [X]),
    ("norm_p0", lambda m, x: x.norm(0), [X]),
    ("norm_fro_dim", lambda m, x: m.norm(x, "fro", dim=(1, 2)), [X3]),
    ("norm_nuc", lambda m, x: m.norm(x, "nuc"), [X.astype(np.float64)]),
    ("norm_nuc_dim", lambda m, x: m.norm(x, "nuc", dim=(0, 2), keepdim=True), [X3.astype(np.float64)]),
    ("max_all", lambda m, x: m.max(x), [X3]),
    ("max_ties", lambda m, x: x.max(), [np.array([1., 3., 3., 2.], np.float32)]),
    ("max_dim", lambda m, x: m.max(x, 1), [X3]),
    ("max_dim_keep", lambda m, x: x.max(-1, keepdim=True), [X3]),
    ("max_binary", lambda m, x, y: m.max(x, y), [X, perm(1, 4, seed=3)]),
    ("min_all", lambda m, x: x.min(), [X3]),
    ("min_dim", lambda m, x: m.min(x, 0), [X3]),
    ("min_int", lambda m, x: m.min(x, 0), [rand(3, 4, dtype=np.int64)]),
    ("amax", lambda m, x: m.amax(x, (0, 2)), [X3]),
    ("amax_ties", lambda m, x: m.amax(x, 1), [np.array([[1., 3., 3.], [2., 2., 2.]], np.float32)]),
    ("amin_keep", lambda m, x: x.amin(-1, keepdim=True), [X3]),
    ("amax_all", lambda m, x: x.amax(), [X3]),
    ("argmax", lambda m, x: m.argmax(x), [X3]),
    ("argmax_dim", lambda m, x: x.argmax(1, keepdim=True), [X3]),
    ("argmax_keep_none", lambda m, x: m.argmax(x, keepdim=True), [X]),
    ("argmin_dim", lambda m, x: m.argmin(x, -1), [X3]),
    ("aminmax", lambda m, x: m.aminmax(x), [X3]),
    ("aminmax_dim", lambda m, x: m.aminmax(x, dim=1, keepdim=True), [X3]),
    ("topk", lambda m, x: m.topk(x, 2), [X3]),
    ("topk_small", lambda m, x: x.topk(3, dim=0, largest=False), [X]),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2, 1), [X3]),
    ("kthvalue_keep", lambda m, x: x.kthvalue(3, keepdim=True), [X3]),
    ("sort", lambda m, x: m.sort(x), [X3]),
    ("sort_desc", lambda m, x: x.sort(0, descending=True), [X3]),
    ("sort_stable_ties", lambda m, x: m.sort(x, stable=True, descending=True),
     [np.array([2., 1., 2., 3., 1.], np.float32)]),
    ("sort_int", lambda m, x: m.sort(x, stable=True), [rand(7, dtype=np.int64)]),
    ("argsort", lambda m, x: m.argsort(x, 1, descending=True), [X3]),
    ("msort", lambda m, x: m.msort(x), [X3]),
    ("median_all", lambda m, x: m.median(x), [X]),
    ("median_dim", lambda m, x: m.median(x, 1), [X3]),
    ("median_even", lambda m, x: x.median(-1, keepdim=True), [X]),
    ("nanmedian", lambda m, x: m.nanmedian(x), [np.array([1., np.nan, 3., 2.], np.float32)]),
    ("nanmedian_dim", lambda m, x: m.nanmedian(x, 1),
     [np.array([[1., np.nan, 3., 2.], [5., 4., np.nan, np.nan]], np.float32)]),
    ("mode", lambda m, x: m.mode(x, 1), [np.array([[1, 2, 2, 3, 3, 1], [4, 4, 1, 2, 3, 0]], np.int64)]),
    ("cumsum", lambda m, x: m.cumsum(x, 1), [X3]),
    ("cumsum_int", lambda m, x: x.cumsum(0), [rand(4, dtype=np.int32)]),
    ("cumsum_dtype", lambda m, x: m.cumsum(x, -1, dtype=m.float64), [X]),
    ("cumprod", lambda m, x: m.cumprod(x, 1), [X]),
    ("cumprod_zero", lambda m, x: m.cumprod(x, 0), [np.array([2., 0., 3., 0.5], np.float32)]),
    ("cummax", lambda m, x: m.cummax(x, 1), [X3]),
    ("cummin", lambda m, x: m.cummin(x, 0), [X3]),
    ("cummax_ties", lambda m, x: m.cummax(x, 0), [np.array([1, 3, 3, 2, 3], np.int64)]),
    ("logcumsumexp", lambda m, x: m.logcumsumexp(x, 1), [X3]),
    ("logsumexp", lambda m, x: m.logsumexp(x, 1), [X3]),
    ("logsumexp_keep", lambda m, x: x.logsumexp((0, 2), keepdim=True), [X3]),
    ("logsumexp_int", lambda m, x: m.logsumexp(x, 0), [rand(4, dtype=np.int64)]),
    ("logsumexp_inf", lambda m, x: m.logsumexp(x, 0), [np.array([-np.inf, -np.inf], np.float32)]),
    ("all", lambda m, x: m.all(x), [rand(3, 4, dtype=np.bool_)]),
    ("all_dim", lambda m, x: x.all(1), [rand(3, 4, dtype=np.int64)]),
    ("any_dim_keep", lambda m, x: m.any(x, 0, keepdim=True), [X]),
    ("any_uint8", lambda m, x: x.any(), [rand(3, dtype=np.uint8)]),
    ("count_nonzero", lambda m, x: m.count_nonzero(x, 1), [rand(3, 4, dtype=np.int64)]),
    ("count_nonzero_all", lambda m, x: m.count_nonzero(x), [rand(3, 4, dtype=np.int64)]),
    ("nansum", lambda m, x: m.nansum(x, 1), [np.array([[1., np.nan, 3.], [np.nan, 2., 2.]], np.float32)]),
    ("nanmean", lambda m, x: m.nanmean(x), [np.array([[1., np.nan, 3.], [np.nan, 2., 2.]], np.float32)]),
    ("nanmean_dim", lambda m, x: x.nanmean(0), [np.array([[1., np.nan, 3.], [np.nan, 2., 2.]], np.float32)]),
    ("unique", lambda m, x: m.unique(x), [np.array([3, 1, 2, 3, 1], np.int64)]),
    ("unique_all", lambda m, x: m.unique(x, return_inverse=True, return_counts=True),
     [np.array([[3, 1], [2, 3], [1, 1]], np.int64)]),
    ("unique_dim", lambda m, x: m.unique(x, dim=0, return_inverse=True),
     [np.array([[1, 2], [0, 1], [1, 2]], np.int64)]),
    ("bincount", lambda m, x: m.bincount(x), [np.array([0, 2, 2, 5], np.int64)]),
    ("bincount_w", lambda m, x, w: m.bincount(x, w, minlength=8),
     [np.array([0, 2, 2, 5], np.int64), np.array([.5, 1., 2., 3.], np.float32)]),
    ("histc", lambda m, x: m.histc(x, bins=5, min=-0.5, max=0.5), [X3]),
    ("histc_auto", lambda m, x: x.histc(4), [np.array([1., 2., 1., 4.], np.float32)]),
    ("diff", lambda m, x: m.diff(x), [X3]),
    ("diff_n2", lambda m, x: m.diff(x, n=2, dim=0), [X]),
    ("diff_bool", lambda m, x: m.diff(x), [rand(5, dtype=np.bool_)]),
    ("diff_prepend", lambda m, x, p: m.diff(x, dim=1, prepend=p), [X, perm(3, 1, seed=5)]),
]


NOGRAD = {"bincount_w"}  # torch marks bincount's output requires_grad but has no derivative


@pytest.mark.parametrize("name,fn,arrays", OPS, ids=[o[0] for o in OPS])
def test_op(name, fn, arrays):
    check(fn, arrays, grad=name not in NOGRAD)


GRAD = [
    ("sum", lambda m, x: m.sum(x, 1), [X]),
    ("mean", lambda m, x: m.mean(x, 0, keepdim=True), [X]),
    ("prod", lambda m, x: m.prod(x, 1), [X]),
    ("prod_zero", lambda m, x: m.prod(x, 0), [np.array([[1., 0.], [0., 0.], [2., 3.]])]),
    ("var", lambda m, x: m.var(x, 1), [X]),
    ("std", lambda m, x: m.std(x, 0, correction=0), [X]),
    ("norm2", lambda m, x: m.norm(x, dim=1), [X]),
    ("norm3", lambda m, x: m.norm(x, 3), [X]),
    ("norm1", lambda m, x: m.norm(x, 1, dim=0), [X]),
    ("norm_inf", lambda m, x: m.norm(x, float("inf"), dim=1), [X]),
    ("norm_nuc", lambda m, x: m.norm(x, "nuc"), [X]),
    ("max_all", lambda m, x: m.max(x), [X]),
    ("max_dim", lambda m, x: m.max(x, 1)[0], [X]),
    ("min_dim", lambda m, x: m.min(x, 0, keepdim=True).values, [X]),
    ("maximum", lambda m, x, y: m.max(x, y), [X, perm(3, 4, seed=9)]),
    ("amax", lambda m, x: m.amax(x, 1), [X]),
    ("topk", lambda m, x: m.topk(x, 2)[0], [X]),
    ("kthvalue", lambda m, x: m.kthvalue(x, 2)[0], [X]),
    ("sort", lambda m, x: m.sort(x, 0)[0], [X]),
    ("median", lambda m, x: m.median(x), [X]),
    ("median_dim", lambda m, x: m.median(x, 1)[0], [X]),
    ("cumsum", lambda m, x: m.cumsum(x, 1), [X]),
    ("cumprod", lambda m, x: m.cumprod(x, 1), [X]),
    ("cumprod_zero", lambda m, x: m.cumprod(x, 0), [np.array([2., 0., 3., 0.5])]),
    ("cummax", lambda m, x: m.cummax(x, 1)[0], [X]),
    ("logcumsumexp", lambda m, x: m.logcumsumexp(x, 1), [X]),
    ("logsumexp", lambda m, x: m.logsumexp(x, 1), [X]),
    ("nansum", lambda m, x: m.nansum(x), [X]),
    ("nanmean", lambda m, x: m.nanmean(x, 1), [X]),
    ("diff", lambda m, x: m.diff(x, 2), [X]),
]


@pytest.mark.parametrize("name,fn,arrays", GRAD, ids=[o[0] for o in GRAD])
def test_gradcheck(name, fn, arrays):
    gradcheck(fn, *[a.astype(np.float64) for a in arrays])


RAISES = [
    ("sum_dim", lambda m, x: m.sum(x, 3), [X]),
    ("max_dim", lambda m, x: m.max(x, -3), [X]),
    ("argmax_dim", lambda m, x: m.argmax(x, 2), [X]),
    ("sort_dim", lambda m, x: m.sort(x, 2), [X]),
    ("topk_k", lambda m, x: m.topk(x, 5), [X]),
    ("kthvalue_k", lambda m, x: m.kthvalue(x, 5), [X]),
    ("max_empty", lambda m, x: m.max(x), [np.zeros((0,), np.float32)]),
    ("argmax_empty", lambda m, x: m.argmax(x), [np.zeros((0,), np.float32)]),
    ("mean_int", lambda m, x: m.mean(x), [rand(3, dtype=np.int64)]),
    ("var_int", lambda m, x: m.var(x), [rand(3, dtype=np.int64)]),
    ("norm_int", lambda m, x: m.norm(x), [rand(3, dtype=np.int64)]),
    ("cumsum_dim", lambda m, x: m.cumsum(x, 2), [X]),
    ("bincount_2d", lambda m, x: m.bincount(x), [rand(2, 2, dtype=np.int64)]),
    ("bincount_neg", lambda m, x: m.bincount(x), [np.array([-1, 2], np.int64)]),
]


@pytest.mark.parametrize("name,fn,arrays", RAISES, ids=[o[0] for o in RAISES])
def test_raises(name, fn, arrays):
    check_raises(fn, *arrays)


def test_named_tuples():
    x = ember.tensor(X)
    r = x.max(1)
    assert r.values.shape == (3,) and r.indices.dtype == ember.int64
    v, i = ember.sort(x)
    assert ember.topk(x, 2).indices.shape == (3, 2)
    assert ember.aminmax(x).min.item() == pytest.approx(float(X.min()))
    assert not i.requires_grad


def test_indices_not_differentiable():
    x = ember.tensor(X, requires_grad=True)
    v, i = x.max(0)
    assert v.requires_grad and not i.requires_grad
    assert type(v.grad_fn).__name__ == "MaxBackward0"


def test_norm_inf_values():
    check(lambda m, x: m.norm(x, math.inf), [X3])


@pytest.mark.parametrize("dim", [None, 0, -1, (1, 2), (0, 1), 1, (0, 2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_large_float32_sum_mean_blas_path(dim, keepdim):
    """Sums over 64K+ float32 elements take the BLAS path; results and grads still match torch."""
    a = np.random.RandomState(3).rand(32, 64, 40).astype(np.float32)
    kw = {} if dim is None else {"dim": dim, "keepdim": keepdim}
    check(lambda m, x: x.sum(**kw), [a], rtol=1e-5)
    check(lambda m, x: x.mean(**kw), [a], rtol=1e-5)


# ---- statistics: cumulative in place, quantile, cov/corrcoef, trapezoid, histogram, gradient ----

def test_cumulative_inplace():
    x = rand(3, 4)
    check(lambda m, a: (a * 1).cumsum_(1), [x])
    check(lambda m, a: (a * 1).cumprod_(0), [x])
    check(lambda m, a: (a * 1).cumsum_(-1, dtype=m.float32), [x])
    check_raises(lambda m, a: (a * 1).cumsum_(-1, dtype=m.float64), x)
    check(lambda m, a: a.clone().cumprod_(0), [np.arange(1, 7).reshape(2, 3)])


@pytest.mark.parametrize("interp", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile(interp):
    x = rand(4, 7)
    for q in (0.3, 0.5, 1.0, 0.0, np.array([0.1, 0.5, 0.75, 0.125], np.float32)):
        for dim, keep in ((None, False), (None, True), (1, False), (0, True), (-1, True)):
            check(lambda m, a, q=q: m.quantile(a, q if not isinstance(q, np.ndarray) else m.tensor(q),
                                               dim=dim, keepdim=keep, interpolation=interp), [x])
    gradcheck(lambda m, a: a.quantile(m.tensor([0.2, 0.9], dtype=m.float64), dim=0,
                                      interpolation=interp), rand(5, 3))


def test_nanquantile():
    x = rand(4, 6).astype(np.float64)
    x[0, 2] = x[1, 1] = x[1, 4] = np.nan
    x[3] = np.nan
    for q in (0.3, 0.5, 0.0, 1.0):
        check(lambda m, a: m.nanquantile(a, q, dim=1), [x], grad=False)
        check(lambda m, a: a.nanquantile(q, dim=0, keepdim=True), [x], grad=False)
        check(lambda m, a: m.quantile(a, q, dim=1), [x], grad=False)
        check(lambda m, a: m.nanquantile(a, q), [x], grad=False)
    check(lambda m, a: m.nanquantile(a, 0.4, dim=1)[:3], [x])
    check(lambda m, a: m.quantile(a, 0.5), [np.array([3.0])])
    check_raises(lambda m, a: m.quantile(a, 0.5), np.array([1, 2]))
    check_raises(lambda m, a: m.quantile(a, 1.5), rand(3))
    check_raises(lambda m, a: m.quantile(a, -0.1), rand(3))
    check_raises(lambda m, a: m.quantile(a, 0.5, interpolation="bad"), rand(3))
    check_raises(lambda m, a: m.quantile(a, m.tensor([0.5], dtype=m.float64)), rand(3))
    check_raises(lambda m, a: m.quantile(a, 0.5, dim=2), rand(3, 2))


def test_cov_corrcoef():
    x = rand(3, 6)
    check(lambda m, a: m.cov(a), [x])
    check(lambda m, a: a.cov(correction=0), [x])
    check(lambda m, a: m.cov(a), [x[0]])
    check(lambda m, a: m.cov(a), [np.array([[1, 2, 3], [2, 5, 1]])])
    fw, aw = np.array([1, 2, 1, 3, 1, 2]), rand(6, low=0.1, high=1.0)
    check(lambda m, a, f: m.cov(a, fweights=f), [x, fw])
    check(lambda m, a, w: m.cov(a, aweights=w), [x, aw])
    check(lambda m, a, f, w: m.cov(a, correction=2, fweights=f, aweights=w), [x, fw, aw])
    gradcheck(lambda m, a, w: m.cov(a, aweights=w), x, aw)
    check(lambda m, a: m.corrcoef(a), [x])
    check(lambda m, a: a.corrcoef(), [np.array([[1, 2, 3], [2, 5, 1]])])
    check(lambda m, a: m.corrcoef(a), [x[0]])
    gradcheck(lambda m, a: m.corrcoef(a), x)
    check_raises(lambda m, a: m.cov(a), rand(2, 2, 2))
    check_raises(lambda m, a, f: m.cov(a, fweights=f), x, rand(6))
    check_raises(lambda m, a, f: m.cov(a, fweights=f), x, np.arange(5))
    check_raises(lambda m, a, f: m.cov(a, fweights=f), x, -np.arange(6))
    with pytest.warns(UserWarning), np.errstate(invalid="ignore", divide="ignore"):
        ember.cov(E(x[:, :1]))


def test_trapezoid():
    y, x1 = rand(3, 5), np.sort(rand(5))
    for f in (lambda m, y: m.trapezoid(y), lambda m, y: m.trapz(y, dim=0),
              lambda m, y: m.trapezoid(y, dx=0.5), lambda m, y: m.cumulative_trapezoid(y),
              lambda m, y: m.cumulative_trapezoid(y, dx=2.0, dim=0)):
        check(f, [y])
        gradcheck(f, y)
    check(lambda m, y, x: m.trapezoid(y, x), [y, x1])
    check(lambda m, y, x: m.trapezoid(y, x), [y, np.sort(rand(3, 5), 1)])
    check(lambda m, y, x: m.cumulative_trapezoid(y, x), [y, x1])
    check(lambda m, y, x: m.trapezoid(y, x, dim=0), [y, np.sort(rand(3))])
    check(lambda m, y: m.trapezoid(y), [np.array([1, 2, 3])])
    check(lambda m, y: m.cumulative_trapezoid(y), [np.array([1, 2, 3])])
    check(lambda m, y: m.trapezoid(y), [np.zeros((2, 0), np.float32)])
    gradcheck(lambda m, y, x: m.trapezoid(y, x), y, x1)


def test_histogram():
    x = rand(50, low=-2, high=3)
    check(lambda m, a: m.histogram(a, 5), [x], grad=False)
    check(lambda m, a: a.histogram(4, range=(0.0, 2.0)), [x], grad=False)
    check(lambda m, a, w: m.histogram(a, 6, weight=w, density=True), [x, rand(50, low=0, high=1)],
          grad=False)
    check(lambda m, a, b: m.histogram(a, b), [x, np.array([-2.0, 0.0, 0.5, 3.0], np.float32)],
          grad=False)
    check(lambda m, a, b: m.histogram(a, b, density=True), [x.astype(np.float64),
                                                            np.array([-1.0, 0.0, 2.0])], grad=False)
    check(lambda m, a: m.histogram(a, 3), [np.array([1.0, 1.0])], grad=False)
    check_raises(lambda m, a: m.histogram(a, 3), np.array([1, 2]))


def test_unique_consecutive():
    x = np.array([1, 1, 2, 2, 3, 1, 1, 2])
    for kw in ({}, {"return_inverse": True}, {"return_counts": True},
               {"return_inverse": True, "return_counts": True}):
        check(lambda m, a: m.unique_consecutive(a, **kw), [x])
        check(lambda m, a: a.unique_consecutive(**kw), [x.reshape(2, 4).astype(np.float32)], grad=False)
    y = np.array([[1, 1], [1, 1], [2, 3], [1, 1]])
    check(lambda m, a: m.unique_consecutive(a, return_inverse=True, return_counts=True, dim=0), [y])
    check(lambda m, a: m.unique_consecutive(a, dim=1), [y])


def test_sum_to_size_renorm():
    x = rand(2, 3, 4)
    for size in ((3, 4), (1, 4), (2, 1, 4), (1, 1, 1), (2, 3, 4), (1,)):
        check(lambda m, a: a.sum_to_size(size), [x])
        check(lambda m, a: a.sum_to_size(*size), [x])
    check_raises(lambda m, a: a.sum_to_size(3, 3), x)
    check_raises(lambda m, a: a.sum_to_size(1, 2, 3, 4), x)
    for p, dim, mx in ((2, 0, 1.0), (1, 1, 0.5), (3, -1, 10.0), (2.5, 2, 0.7)):
        check(lambda m, a: m.renorm(a, p, dim, mx), [x])
        check(lambda m, a: (a * 1).renorm_(p, dim, mx), [x], grad=False)  # torch: in-place error
    gradcheck(lambda m, a: a.renorm(2, 1, 0.8), x)
    check_raises(lambda m, a: m.renorm(a, 2, 0, 1.0), rand(3))
    check_raises(lambda m, a: m.renorm(a, 0, 0, 1.0), x)
    check_raises(lambda m, a: m.renorm(a, 2, 0, -1.0), x)


def test_gradient():
    y = rand(4, 5)
    for kw in ({}, {"dim": 1}, {"spacing": 2.0}, {"spacing": [2.0, 0.5]}, {"edge_order": 2},
               {"dim": (0, 1), "spacing": 1.5, "edge_order": 2}, {"dim": -1, "spacing": (3.0,)}):
        check(lambda m, a: m.gradient(a, **kw), [y])
    x = np.array([0.0, 0.5, 1.5, 1.75, 3.0], np.float32)
    for eo in (1, 2):
        check(lambda m, a, c: m.gradient(a, spacing=(c,), dim=1, edge_order=eo), [y, x])
        gradcheck(lambda m, a: m.gradient(a, spacing=(m.tensor(x.astype(np.float64)),), dim=1,
                                          edge_order=eo)[0], y)
    check(lambda m, a: m.gradient(a), [np.array([1, 2, 4])])
    check(lambda m, a: m.gradient(a), [np.array([1.0, 2.0])])
    gradcheck(lambda m, a: m.gradient(a, edge_order=2)[1], y)
    check_raises(lambda m, a: m.gradient(a, edge_order=2), np.array([1.0, 2.0]))
    check_raises(lambda m, a: m.gradient(a, edge_order=3), y)
    check_raises(lambda m, a: m.gradient(a, spacing=[1.0, 2.0, 3.0]), y)
