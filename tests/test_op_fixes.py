"""Cases the OpInfo run found wrong (issue #10, part 3), each against torch: silent wrong
values, wrong dtypes, 0-d and empty tensors, signatures, and bad input ember accepted."""
import numpy as np
import pytest
import torch
from oracle import check, check_raises, rand

import ember

F = "nn.functional"


def fn(m, path):
    for p in path.split("."):
        m = getattr(m, p)
    return m


# ---- silent wrong values ---------------------------------------------------------------

def test_select_scatter():
    check(lambda m, x, s: m.select_scatter(x, s, 1, -1), [rand(3, 4, 2), rand(3, 2)])
    check(lambda m, x, s: m.select_scatter(x, s, 0, 0), [rand(3), rand()])


def test_as_strided_partial_view():
    check(lambda m, x: x[1:].as_strided((2, 2), (1, 2), 1), [rand(10)])
    check(lambda m, x: m.as_strided(x[1:], (2, 2), (3, 1)), [rand(3, 3)])
    check(lambda m, x: x[:, 1:].as_strided((2, 2), (1, 3), 2), [rand(3, 3)])


def test_gaussian_nll_var_grad():
    check(lambda m, x, t, v: fn(m, F).gaussian_nll_loss(x, t, v), [rand(4, 3), rand(4, 3, seed=1),
                                                                   rand(4, 1, seed=2, low=0.1, high=1)])
    check(lambda m, x, t, v: fn(m, F).gaussian_nll_loss(x, t, v, full=True, reduction="sum"),
          [rand(4, 3), rand(4, 3, seed=1), rand(4, 3, seed=2, low=0.1, high=1)])


def test_eigh_grad():
    a = rand(4, 4, dtype=np.float64)
    a = a + a.T
    check(lambda m, x: m.linalg.eigh(x)[0], [a])
    check(lambda m, x: m.linalg.eigh((x + x.mT) / 2)[1].abs(), [a])
    check(lambda m, x: m.linalg.eigh(x, UPLO="U")[0], [rand(3, 4, 4, dtype=np.float64)])


def test_logcumsumexp_neg_inf():
    x = np.array([-np.inf, 0.5, -np.inf, 1.0], dtype=np.float32)
    check(lambda m, x: m.logcumsumexp(x, 0), [x])
    check(lambda m, x: m.logcumsumexp(x, 0), [np.full(3, -np.inf, np.float32)])


def test_cross_entropy_all_ignored():
    t = np.array([-100, -100, -100])
    check(lambda m, x, t: fn(m, F).cross_entropy(x, t), [rand(3, 4), t])
    check(lambda m, x, t: fn(m, F).nll_loss(x, t, ignore_index=1), [rand(2, 4), np.array([1, 1])])


def test_adaptive_avg_pool_inf():
    x = rand(1, 2, 4, 4)
    x[0, 0, 1, 1] = np.inf
    check(lambda m, x: fn(m, F).adaptive_avg_pool2d(x, 2), [x], grad=False)
    check(lambda m, x: fn(m, F).adaptive_avg_pool1d(x, 3), [x[0]], grad=False)


@pytest.mark.parametrize("name", ["threshold", "softshrink", "hardshrink"])
def test_shrink_nan(name):
    x = np.array([np.nan, -1.0, 0.2, 2.0], dtype=np.float32)
    args = (0.5, 0.0) if name == "threshold" else (0.5,)
    check(lambda m, x: getattr(fn(m, F), name)(x, *args), [x])


# ---- dtypes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_integer_div_rounding(mode):
    a, b = np.array([7, -7, 5, -3]), np.array([2, 2, -3, 4])
    check(lambda m, a, b: m.div(a, b, rounding_mode=mode), [a, b])
    check(lambda m, a: m.div(a, 2, rounding_mode=mode), [a])
    check(lambda m, x, y: m.div(x, y, rounding_mode=mode), [rand(5) * 4, rand(5, seed=2) + 2])


# ---- 0-d and empty tensors ---------------------------------------------------------------

def test_zero_d():
    check(lambda m, x: x.transpose(0, 0), [rand()])
    check(lambda m, x: m.aminmax(x), [rand()], grad=False)
    check(lambda m, x: m.aminmax(x, dim=0), [rand()], grad=False)
    check(lambda m, x: m.count_nonzero(x, 0), [rand()], grad=False)


def test_empty():
    e = np.zeros((0, 3), np.float32)
    check(lambda m, x: m.softmax(x, 0), [e])
    check(lambda m, x: m.log_softmax(x, 1), [e])
    check(lambda m, x: fn(m, F).group_norm(x, 1), [np.zeros((0, 2, 3), np.float32)])
    check(lambda m, x: m.prod(x, 1), [np.zeros((2, 0), np.float32)])
    check(lambda m, x: m.prod(x), [np.zeros((2, 0), np.float32)])


# ---- signatures -----------------------------------------------------------------------------

def test_signatures():
    x = rand(3, 4)
    check(lambda m, x: m.flip(x, dims=(0,)), [x])
    check(lambda m, x: x.flip(dims=[0, 1]), [x])
    check(lambda m, x, p: m.diff(x, dim=1, prepend=p), [x, rand(3, 2)])
    check(lambda m, x, p: m.diff(x, n=2, dim=0, append=p), [x, rand(1, 4)])
    check(lambda m, x: m.quantile(x, 0.3, dim=1, keepdim=True), [x])
    check(lambda m, x: m.quantile(x, m.tensor([0.2, 0.5]), dim=0, keepdim=True), [x])
    check(lambda m, x: m.quantile(x, 0.5, keepdim=True), [x])
    check(lambda m, x: m.nanquantile(x, 0.5, keepdim=True), [x])
    idx = np.array([[0, 1], [2, 0]], dtype=np.int32)
    check(lambda m, x, i: m.gather(x, 1, i), [x, idx])
    check(lambda m, x, i: m.scatter(x, 1, i, 2.0), [x, idx])
    check(lambda m, x: x.to(m.float64, False, True), [x])
    check(lambda m, x: m.std_mean(x, axis=1), [x])
    check(lambda m, x: m.linalg.pinv(x, 1e-3), [rand(3, 4, dtype=np.float64)])
    check(lambda m, x: m.pinverse(x, 1e-3), [rand(3, 4, dtype=np.float64)])


# ---- bad input ----------------------------------------------------------------------------------

def test_bad_input():
    b = np.array([True, False])
    i = np.array([3, 4])
    check_raises(lambda m, a: -a, b)
    check_raises(lambda m, a: m.neg(a), b)
    check_raises(lambda m, a: a - a, b)
    check_raises(lambda m, a: m.div(a, 0, rounding_mode="floor"), i)
    check_raises(lambda m, a: a // 0, i)
    check_raises(lambda m, a: a % 0, i)
    check_raises(lambda m, a: m.remainder(a, m.zeros_like(a)), i)
    check_raises(lambda m, a: a ** -1, i)
    check(lambda m, a: m.pow(a, m.tensor([-1, 2])), [i], grad=False)   # tensor exponents: torch computes


def test_eig_and_pinv_gradients():
    a = rand(4, 4, dtype=np.float64, seed=3)
    check(lambda m, x: m.linalg.eig(x).eigenvalues.abs(), [a])
    check(lambda m, x: m.linalg.eigvals(x).real, [a])
    check(lambda m, x: m.linalg.eig(x).eigenvectors.abs(), [a])
    s = rand(4, 2, dtype=np.float64) @ rand(2, 5, dtype=np.float64)     # rank 2
    check(lambda m, x: m.linalg.pinv(x), [s])
    check(lambda m, x: m.linalg.pinv(x @ x.mT, hermitian=True), [rand(3, 3, dtype=np.float64)])


def test_histogramdd():
    x = rand(50, 2)
    for kw in [dict(bins=[2, 3]), dict(bins=4, range=[-1., 1., 0., 2.]), dict(bins=3, density=True)]:
        check(lambda m, x: tuple(m.histogramdd(x, **kw).hist for _ in [0]) + m.histogramdd(x, **kw).bin_edges,
              [x], grad=False)
    check(lambda m, x, w: m.histogramdd(x, bins=[m.tensor([-1., 0., 1.]), m.tensor([-1., 0.5, 1.])], weight=w,
                                        density=True).hist, [x, rand(50, low=0, high=1)], grad=False)
    check(lambda m, x: m.histogramdd(x, bins=2).hist, [rand(4, 3, 3)], grad=False)
    check_raises(lambda m, x: m.histogramdd(x, bins=[2, 2, 2]), x)


@pytest.mark.parametrize("driver", ["gels", "gelsy", "gelsd", "gelss"])
def test_lstsq_gradients(driver):
    a, b = rand(5, 3, dtype=np.float64), rand(5, 2, dtype=np.float64, seed=1)
    check(lambda m, a, b: m.linalg.lstsq(a, b, driver=driver).solution, [a, b])
    check(lambda m, a, b: m.linalg.lstsq(a, b, driver=driver).residuals, [a, b])


def test_edge_cases_from_opinfo():
    check(lambda m, x: m.quantile(x, 0.5, dim=0, keepdim=True), [rand()])
    check(lambda m, x: m.nanquantile(x, 0.5, dim=0, keepdim=True), [rand()])
    check(lambda m, x: m.gradient(x, spacing=None)[0], [rand(5)])
    check(lambda m, x, y: fn(m, F).hinge_embedding_loss(x, y), [rand(), rand(seed=3)])
    check(lambda m, x, y: fn(m, F).hinge_embedding_loss(x, y, reduction="none"), [rand(4), np.array([1., -1., 0.5, 2.], np.float32)])


def test_embedding_bag_per_sample_weights_and_padding():
    w, psw = rand(10, 4), rand(6, seed=2)
    idx, offs = np.array([1, 2, 4, 5, 4, 3]), np.array([0, 2, 5])
    check(lambda m, w, p: fn(m, F).embedding_bag(m.tensor(idx), w, m.tensor(offs), mode="sum", per_sample_weights=p),
          [w, psw])
    check(lambda m, w, p: fn(m, F).embedding_bag(m.tensor(idx.reshape(2, 3)), w, mode="sum",
                                                 per_sample_weights=p.reshape(2, 3)), [w, psw])
    check(lambda m, w: fn(m, F).embedding_bag(m.tensor(idx), w, m.tensor(offs), padding_idx=-6), [w])


def test_more_edge_cases_from_opinfo():
    check(lambda m, x: m.gather(x, 0, m.tensor([], dtype=m.uint8)), [rand(5)])
    check(lambda m, x: fn(m, F).normalize(x, p=0.0, dim=-1), [np.array([[1., 0, 2], [0, 0, 0]], np.float32)])
    check(lambda m, x: m.linalg.vander(x, N=3), [rand()])
    check(lambda m, x: fn(m, F).batch_norm(x, m.tensor([]), m.tensor([]), training=True), [np.zeros(0, np.float32)])


@pytest.mark.parametrize("mode", ["circular", "reflect", "replicate"])
@pytest.mark.parametrize("pads", [(-2, 3), (3, -2), (2, -3), (-1, -1), (-1, 2, 1, -2), (-4, 2)])
def test_pad_negative(mode, pads):
    """Negative pads: circular crops first and wraps the rest; reflect and replicate index the
    input (circular wrapped over the whole input before; reflect and replicate refused)."""
    shape = (2, 3, 6) if len(pads) == 2 else (2, 3, 5, 6)
    check(lambda m, x: m.nn.functional.pad(x, pads, mode=mode), [rand(*shape)])


def test_pad_circular_wrap_of_nothing():
    """Cropping a dimension away and wrapping the remainder: torch 2.13 returns uninitialised
    memory (or refuses with an aliasing error); ember refuses clearly."""
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        ember.nn.functional.pad(ember.ones(1, 1, 6), (-6, 2), mode="circular")


@pytest.mark.parametrize("dt,lo,hi", [("uint8", -1.0, 1.0), ("uint8", 0.0, 6.0), ("uint16", 0.0, 6.0),
                                      ("uint64", 0.0, 6.0), ("int64", -1.5, 1.5), ("int8", -1.0, 1.0),
                                      ("int32", -1, 1), ("bool", -1.0, 1.0), ("float32", -0.5, 2.0)])
def test_hardtanh_dtypes_as_torch(dt, lo, hi):
    """hardtanh on integer inputs clamps (limits truncated to the dtype); unsigned and bool
    inputs raise torch's errors."""
    res = []
    for m in (torch, ember):
        x = m.tensor([0, 1, 3, 7], dtype=getattr(m, dt)) if dt != "bool" else m.tensor([True, False])
        try:
            y = m.nn.functional.hardtanh(x, lo, hi)
            res.append((y.tolist(), str(y.dtype)))
        except Exception as e:   # noqa: BLE001 (the class and message are compared)
            res.append((type(e).__name__, str(e)))
    assert res[0] == res[1]
