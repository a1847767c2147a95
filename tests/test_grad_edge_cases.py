"""Gradients at the edges OpInfo's first samples miss, against torch: products with zeros
(prod, cumprod, index_reduce 'prod'), repeated einsum subscripts, grid_sample at the clip
borders and in 3-D, cosine_similarity below eps and broadcast across ranks. Values, first
gradients and (where torch has them) second gradients, in float64 and float32."""
import numpy as np
import pytest
import torch

import ember

TOL = {np.float64: (1e-7, 1e-9), np.float32: (1e-3, 1e-4)}   # as the OpInfo harness's GRAD_TOL


def _run(m, fn, arrays, dt, order):
    xs = [m.tensor(a.astype(dt), requires_grad=True) for a in arrays]
    out = fn(m, *xs)
    v = m.tensor(np.cos(np.arange(out.numel()) + 1.0).reshape(tuple(out.shape)).astype(dt), requires_grad=True)
    gs = m.autograd.grad(out, xs, v, create_graph=order > 1, allow_unused=True)
    res = [out] + [m.zeros(()) if g is None else g for g in gs]
    if order > 1:
        live = [g for g in gs if g is not None and g.requires_grad]
        loss = sum((g * m.tensor(np.sin(np.arange(g.numel()) + 2.0).reshape(tuple(g.shape)).astype(dt))).sum()
                   for g in live)
        hs = m.autograd.grad(loss, xs + [v], allow_unused=True)
        res += [m.zeros(()) if h is None else h for h in hs]
    return [r.detach().numpy() for r in res]


def check(fn, *arrays, order=2, dtypes=(np.float64, np.float32)):
    for dt in dtypes:
        want = _run(torch, fn, arrays, dt, order)
        got = _run(ember, fn, arrays, dt, order)
        assert len(got) == len(want)
        for k, (a, b) in enumerate(zip(got, want)):
            a, b = np.broadcast_arrays(a, b)
            np.testing.assert_allclose(a, b, *TOL[dt], equal_nan=True, err_msg=f"{dt.__name__} result {k}")


def _f(m):
    return torch.nn.functional if m is torch else ember.nn.functional


# ---- prod / cumprod with zeros ----------------------------------------------------------

@pytest.mark.parametrize("a", [[2., 0., 3., 4.], [2., 0., 3., 0.], [0., 0., 0., 5.], [0.5, -1.5, 2., 3.]])
def test_prod_all_zeros_in_input(a):
    check(lambda m, x: x.prod(), np.array(a))


@pytest.mark.parametrize("dim,keepdim", [(0, False), (1, True), (-1, False)])
def test_prod_dim_zeros_in_input(dim, keepdim):
    a = np.array([[2., 0., 0.], [1., 2., 3.], [0., 4., 5.], [0., 0., 0.]])
    check(lambda m, x: x.prod(dim, keepdim=keepdim), a)


def test_prod_3d_one_and_several_zeros():
    a = np.random.default_rng(0).integers(-2, 3, (3, 4, 5)).astype(float)
    for dim in (None, 0, 1, 2):
        check(lambda m, x: x.prod() if dim is None else x.prod(dim), a)


@pytest.mark.parametrize("shape,dim", [((0,), None), ((3, 0), 1), ((3, 0), 0)])
def test_prod_empty_input(shape, dim):
    check(lambda m, x: x.prod() if dim is None else x.prod(dim), np.zeros(shape))


@pytest.mark.parametrize("a", [[1., 0., 2., 0., 3.], [0., 2., 3.], [2., 3., 0.], [0., 0., 1.]])
def test_cumprod_zeros_in_input(a):
    check(lambda m, x: x.cumprod(0), np.array(a))


def test_cumprod_zeros_along_a_middle_dim():
    a = np.random.default_rng(1).integers(-1, 3, (2, 5, 3)).astype(float)
    check(lambda m, x: x.cumprod(1), a)


# ---- einsum with repeated subscripts ------------------------------------------------------

@pytest.mark.parametrize("eq,shapes", [
    ("iji->j", [(3, 2, 3)]), ("ii->", [(4, 4)]), ("iii->i", [(2, 2, 2)]),
    ("iij,jk->ik", [(3, 3, 2), (2, 4)]), ("...ii,i->...", [(2, 3, 3), (3,)]),
    ("bii,bjj->bij", [(2, 3, 3), (2, 4, 4)]), ("iji,j->j", [(3, 2, 3), (2,)]),
    # a diagonal operand whose ellipsis broadcasts (size 1 against 2): its gradient sums there
    ("...ii,...i->...", [(1, 3, 3), (2, 3)]), ("...ii->...i", [(2, 1, 3, 3)]),
    ("ijj,kj->ik", [(2, 3, 3), (4, 1)]), ("a...a->...", [(2, 3, 2)]),
])
def test_einsum_repeated_subscripts(eq, shapes):
    rng = np.random.default_rng(2)
    check(lambda m, *xs: m.einsum(eq, *xs), *[rng.standard_normal(s) for s in shapes])


# ---- index_reduce / scatter_reduce 'prod' with zeros ----------------------------------------

def test_index_reduce_prod_untouched_zero_is_not_nan():
    a = np.array([[-2., 1.], [1., 0.], [1., 0.]])     # row 2 is never indexed, and holds a zero
    s = np.array([[2., -1.], [2., 0.], [0., 0.], [-2., -1.]])
    check(lambda m, x, y: x.index_reduce(0, m.tensor([1, 1, 1, 1]), y, "prod"), a, s, order=1)


@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_prod_zeros_double_backward(include_self):
    a = np.array([[0., -2.], [-2., 0.], [-1., 0.]])
    s = np.array([[1., 1.], [1., 1.], [-1., 0.], [-2., 2.]])
    check(lambda m, x, y: x.index_reduce(0, m.tensor([1, 0, 0, 0]), y, "prod", include_self=include_self), a, s)


def test_index_reduce_prod_random_zeros():
    rng = np.random.default_rng(3)
    for _ in range(30):
        a = rng.integers(-2, 3, (3, 2)).astype(float)
        s = rng.integers(-2, 3, (4, 2)).astype(float)
        idx = rng.integers(0, 3, 4)
        n_src_zeros = np.zeros((3, 2))
        np.add.at(n_src_zeros, idx, s == 0)
        order = 1 if (n_src_zeros > 1).any() else 2   # torch: no double backward for several
        check(lambda m, x, y: x.index_reduce(0, m.tensor(idx), y, "prod", include_self=bool(idx[0] % 2)),
              a, s, order=order)


def test_index_reduce_prod_several_zeros_no_double_backward_as_torch():
    a, s = np.ones((2, 1)), np.array([[0.], [0.], [1.]])
    for m in (torch, ember):
        x, y = m.tensor(a, requires_grad=True), m.tensor(s, requires_grad=True)
        gx, gy = m.autograd.grad(x.index_reduce(0, m.tensor([0, 0, 1]), y, "prod").sum(), (x, y), create_graph=True)
        np.testing.assert_array_equal(gy.detach().numpy(), [[0.], [0.], [1.]])
        with pytest.raises(RuntimeError):
            m.autograd.grad(gy.sum(), (x, y))


# ---- grid_sample ---------------------------------------------------------------------------

@pytest.mark.parametrize("padding_mode", ["border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_grid_sample_2d_grid_on_the_borders(padding_mode, align_corners, mode):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 2, 3, 4))
    g = np.array([-1.5, -1., -0.75, -0.5, 0., 0.5, 0.75, 1., 1.25])[rng.integers(0, 9, (1, 3, 3, 2))]
    check(lambda m, a, b: _f(m).grid_sample(a, b, mode=mode, padding_mode=padding_mode,
                                            align_corners=align_corners), x, g)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_3d_borders_and_double_backward(padding_mode, align_corners, mode):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 2, 3, 2, 4))
    for g in (rng.uniform(-1.3, 1.3, (2, 2, 3, 2, 3)),
              np.array([-1., -0.5, 0., 0.5, 1., 1.2])[rng.integers(0, 6, (2, 2, 3, 2, 3))]):
        check(lambda m, a, b: _f(m).grid_sample(a, b, mode=mode, padding_mode=padding_mode,
                                                align_corners=align_corners), x, g)


# ---- cosine_similarity -------------------------------------------------------------------------

@pytest.mark.parametrize("scale,eps", [(1e-9, 1e-8), (0.0, 1e-8), (1e-3, 0.1), (1.0, 1e-8)])
def test_cosine_similarity_norm_below_eps(scale, eps):
    # torch takes the clamp without gradient: the gradient flows through the unclamped norm.
    # At a zero vector torch's second derivative is NaN (the norm's double backward at 0; the
    # gradient (x . x2) x / |x| is not differentiable there) and ember's 0: first order only.
    rng = np.random.default_rng(6)
    check(lambda m, a, b: _f(m).cosine_similarity(a, b, dim=1, eps=eps),
          rng.standard_normal((4, 3)) * scale, rng.standard_normal((4, 3)), order=1 if scale == 0 else 2)


@pytest.mark.parametrize("s1,s2,dim", [((1, 2, 3), (2, 1, 3), -2), ((2, 3), (2, 1, 3), -1), ((3,), (4, 3), 1)])
def test_cosine_similarity_broadcast(s1, s2, dim):
    rng = np.random.default_rng(7)
    check(lambda m, a, b: _f(m).cosine_similarity(a, b, dim=dim), rng.standard_normal(s1), rng.standard_normal(s2))
