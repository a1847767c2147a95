"""Linear algebra against the torch oracle: values, dtypes, shapes, gradients, errors."""
import warnings

import numpy as np
import pytest
import torch
from oracle import E, T, assert_close, check, check_raises, gradcheck, rand

import ember


def r(*shape, seed=None, dtype=np.float32):
    return rand(*shape, seed=seed, dtype=dtype)


SPD = (lambda a: (a @ a.T + 3 * np.eye(3)).astype(np.float64))(r(3, 3, seed=7, dtype=np.float64))

OPS = [
    ("matmul_2d", lambda m, a, b: a @ b, [r(2, 3), r(3, 5)]),
    ("matmul_dot", lambda m, a, b: m.matmul(a, b), [r(4), r(4, seed=1)]),
    ("matmul_vec_mat", lambda m, a, b: a @ b, [r(3), r(3, 5)]),
    ("matmul_mat_vec", lambda m, a, b: a @ b, [r(2, 3), r(3)]),
    ("matmul_batched", lambda m, a, b: a @ b, [r(4, 2, 3), r(4, 3, 5)]),
    ("matmul_bcast_batch", lambda m, a, b: a @ b, [r(2, 1, 2, 3), r(3, 3, 4)]),
    ("matmul_batched_2d", lambda m, a, b: a @ b, [r(4, 2, 3), r(3, 5)]),
    ("matmul_2d_batched", lambda m, a, b: a @ b, [r(2, 3), r(4, 3, 5)]),
    ("matmul_vec_batched", lambda m, a, b: a @ b, [r(3), r(4, 3, 5)]),
    ("matmul_batched_vec", lambda m, a, b: a @ b, [r(4, 2, 3), r(3)]),
    ("matmul_int", lambda m, a, b: a @ b, [r(2, 3, dtype=np.int64), r(3, 2, dtype=np.int64)]),
    ("matmul_f64", lambda m, a, b: a.matmul(b), [r(2, 3, dtype=np.float64), r(3, 2, dtype=np.float64)]),
    ("matmul_empty", lambda m, a, b: a @ b, [r(0, 3), r(3, 2)]),
    ("matmul_empty_k", lambda m, a, b: a @ b, [r(2, 0), r(0, 2)]),
    ("matmul_noncontig", lambda m, a, b: a.transpose(0, 1) @ b if hasattr(a, "transpose") else a,
     [r(3, 2), r(3, 4)]),
    ("rmatmul_list", lambda m, a: m.tensor([[1.0, 2.0]]) @ a, [r(2, 3)]),
    ("mm", lambda m, a, b: m.mm(a, b), [r(2, 3), r(3, 4)]),
    ("bmm", lambda m, a, b: m.bmm(a, b), [r(2, 2, 3), r(2, 3, 4)]),
    ("mv", lambda m, a, b: m.mv(a, b), [r(2, 3), r(3)]),
    ("dot", lambda m, a, b: m.dot(a, b), [r(3), r(3, seed=2)]),
    ("dot_int", lambda m, a, b: a.dot(b), [r(3, dtype=np.int64), r(3, seed=2, dtype=np.int64)]),
    ("vdot", lambda m, a, b: m.vdot(a, b), [r(3), r(3, seed=2)]),
    ("inner", lambda m, a, b: m.inner(a, b), [r(2, 3), r(4, 3)]),
    ("inner_1d", lambda m, a, b: m.inner(a, b), [r(3), r(3, seed=2)]),
    ("inner_0d", lambda m, a, b: m.inner(a, b), [np.array(2.0, np.float32), r(3)]),
    ("outer", lambda m, a, b: m.outer(a, b), [r(3), r(4)]),
    ("ger", lambda m, a, b: a.ger(b), [r(3), r(4)]),
    ("addmm", lambda m, c, a, b: m.addmm(c, a, b), [r(2, 4), r(2, 3), r(3, 4)]),
    ("addmm_bcast_ab", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2), [r(4), r(2, 3), r(3, 4)]),
    ("addmm_beta0", lambda m, c, a, b: m.addmm(c, a, b, beta=0), [r(2, 4), r(2, 3), r(3, 4)]),
    ("addmv", lambda m, c, a, b: m.addmv(c, a, b, alpha=3), [r(2), r(2, 3), r(3)]),
    ("addbmm", lambda m, c, a, b: m.addbmm(c, a, b), [r(2, 4), r(5, 2, 3), r(5, 3, 4)]),
    ("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b, beta=2, alpha=0.5), [r(1, 2, 4), r(5, 2, 3), r(5, 3, 4)]),
    ("einsum_mm", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [r(2, 3), r(3, 4)]),
    ("einsum_list", lambda m, a, b: m.einsum("ij,jk", [a, b]), [r(2, 3), r(3, 4)]),
    ("einsum_trace", lambda m, a: m.einsum("ii", a), [r(3, 3)]),
    ("einsum_diag", lambda m, a: m.einsum("ii->i", a), [r(3, 3)]),
    ("einsum_sum", lambda m, a: m.einsum("ijk->j", a), [r(2, 3, 4)]),
    ("einsum_outer", lambda m, a, b: m.einsum("i,j->ij", a, b), [r(3), r(4)]),
    ("einsum_batch", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), [r(2, 2, 3), r(2, 3, 4)]),
    ("einsum_ellipsis", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), [r(2, 2, 3), r(2, 3, 4)]),
    ("einsum_three", lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c), [r(2, 3), r(3, 4), r(4, 2)]),
    ("einsum_transpose", lambda m, a: m.einsum("ij->ji", a), [r(2, 3)]),
    ("einsum_spaces", lambda m, a, b: m.einsum("i j , j k -> i k", a, b), [r(2, 3), r(3, 4)]),
    ("tensordot_int", lambda m, a, b: m.tensordot(a, b, 1), [r(2, 3, 4), r(4, 5)]),
    ("tensordot_2", lambda m, a, b: m.tensordot(a, b), [r(2, 3, 4), r(3, 4, 5)]),
    ("tensordot_lists", lambda m, a, b: m.tensordot(a, b, ([1, 0], [0, 2])), [r(2, 3, 4), r(3, 5, 2)]),
    ("tensordot_0", lambda m, a, b: m.tensordot(a, b, 0), [r(2), r(3)]),
    ("kron", lambda m, a, b: m.kron(a, b), [r(2, 3), r(3, 2)]),
    ("kron_mixed_ndim", lambda m, a, b: m.kron(a, b), [r(2), r(2, 3)]),
    ("kron_int", lambda m, a, b: m.kron(a, b), [r(2, 2, dtype=np.int64), r(2, dtype=np.int64)]),
    ("cross", lambda m, a, b: m.cross(a, b, dim=1), [r(4, 3), r(4, 3, seed=3)]),
    ("cross_default", lambda m, a, b: m.cross(a, b), [r(3, 4), r(3, 4, seed=3)]),
    ("cross_bcast", lambda m, a, b: m.cross(a, b, dim=-1), [r(1, 3), r(4, 3, seed=3)]),
    ("trace", lambda m, a: m.trace(a), [r(3, 4)]),
    ("trace_int", lambda m, a: a.trace(), [r(3, 3, dtype=np.int32)]),
    ("diag_vec", lambda m, a: m.diag(a), [r(3)]),
    ("diag_vec_k", lambda m, a: m.diag(a, -1), [r(3)]),
    ("diag_mat", lambda m, a: m.diag(a), [r(3, 4)]),
    ("diag_mat_k", lambda m, a: a.diag(2), [r(3, 4)]),
    ("diag_mat_negk", lambda m, a: a.diag(-1), [r(3, 4)]),
    ("tril", lambda m, a: m.tril(a), [r(3, 4)]),
    ("tril_k", lambda m, a: a.tril(-1), [r(2, 3, 4)]),
    ("triu", lambda m, a: m.triu(a, 1), [r(3, 4)]),
    ("triu_int", lambda m, a: m.triu(a), [r(3, 3, dtype=np.int64)]),
    ("det", lambda m, a: m.det(a), [r(3, 3)]),
    ("det_batched", lambda m, a: a.det(), [r(2, 3, 3)]),
    ("inverse", lambda m, a: m.inverse(a), [SPD]),
    ("inverse_batched", lambda m, a: a.inverse(), [np.stack([SPD, 2 * SPD])]),
    ("cdist", lambda m, a, b: m.cdist(a, b), [r(3, 2), r(4, 2)]),
    ("cdist_p1", lambda m, a, b: m.cdist(a, b, p=1), [r(2, 3, 2), r(2, 4, 2)]),
    ("cdist_p3", lambda m, a, b: m.cdist(a, b, p=3), [r(3, 2), r(4, 2)]),
    ("cdist_inf", lambda m, a, b: m.cdist(a, b, p=float("inf")), [r(3, 2), r(4, 2)]),
    ("dist", lambda m, a, b: m.dist(a, b), [r(3, 2), r(3, 2, seed=4)]),
    ("dist_p1_bcast", lambda m, a, b: a.dist(b, 1), [r(3, 2), r(2, seed=4)]),
]


@pytest.mark.parametrize("name,fn,arrays", OPS, ids=[o[0] for o in OPS])
def test_op(name, fn, arrays):
    check(fn, arrays)


GRAD = [
    ("matmul_2d", lambda m, a, b: a @ b, [r(2, 3), r(3, 2)]),
    ("matmul_dot", lambda m, a, b: a @ b, [r(3), r(3, seed=1)]),
    ("matmul_vec_mat", lambda m, a, b: a @ b, [r(3), r(2, 3, 2)]),
    ("matmul_mat_vec", lambda m, a, b: a @ b, [r(2, 2, 3), r(3)]),
    ("matmul_bcast", lambda m, a, b: a @ b, [r(2, 1, 2, 3), r(2, 3, 2)]),
    ("outer", lambda m, a, b: m.outer(a, b), [r(3), r(2)]),
    ("addmm", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2), [r(2), r(2, 3), r(3, 2)]),
    ("addmv", lambda m, c, a, b: m.addmv(c, a, b), [r(2), r(2, 3), r(3)]),
    ("addbmm", lambda m, c, a, b: m.addbmm(c, a, b), [r(2, 2), r(2, 2, 3), r(2, 3, 2)]),
    ("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b, alpha=2), [r(2, 2), r(2, 2, 3), r(2, 3, 2)]),
    ("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [r(2, 3), r(3, 2)]),
    ("einsum_diag", lambda m, a: m.einsum("ii->i", a), [r(3, 3)]),
    ("einsum_sum", lambda m, a, b: m.einsum("ijk,k->j", a, b), [r(2, 3, 2), r(2)]),
    ("tensordot", lambda m, a, b: m.tensordot(a, b, ([1, 0], [0, 2])), [r(2, 3, 2), r(3, 2, 2)]),
    ("kron", lambda m, a, b: m.kron(a, b), [r(2, 2), r(2, 3)]),
    ("cross", lambda m, a, b: m.cross(a, b, dim=-1), [r(2, 3), r(2, 3, seed=3)]),
    ("trace", lambda m, a: m.trace(a), [r(3, 3)]),
    ("diag", lambda m, a: m.diag(a, 1), [r(3, 4)]),
    ("diag_vec", lambda m, a: m.diag(a, -1), [r(3)]),
    ("tril", lambda m, a: m.tril(a, 1), [r(3, 3)]),
    ("triu", lambda m, a: m.triu(a), [r(3, 3)]),
    ("det", lambda m, a: m.det(a), [r(3, 3)]),
    ("inverse", lambda m, a: m.inverse(a), [SPD]),
    ("cdist", lambda m, a, b: m.cdist(a, b), [r(3, 2), r(2, 2)]),
    ("cdist_p3", lambda m, a, b: m.cdist(a, b, p=3), [r(3, 2), r(2, 2)]),
    ("dist", lambda m, a, b: m.dist(a, b), [r(3, 2), r(3, 2, seed=4)]),
]


@pytest.mark.parametrize("name,fn,arrays", GRAD, ids=[o[0] for o in GRAD])
def test_gradcheck(name, fn, arrays):
    gradcheck(fn, *[a.astype(np.float64) for a in arrays])


RAISES = [
    ("matmul_inner", lambda m, a, b: a @ b, [r(2, 3), r(4, 5)]),
    ("matmul_dot_len", lambda m, a, b: a @ b, [r(3), r(4)]),
    ("matmul_mv", lambda m, a, b: a @ b, [r(2, 3), r(4)]),
    ("matmul_batch", lambda m, a, b: a @ b, [r(2, 2, 3), r(3, 3, 4)]),
    ("matmul_0d", lambda m, a, b: a @ b, [np.array(1.0, np.float32), r(3)]),
    ("matmul_dtype", lambda m, a, b: a @ b, [r(2, 3), r(3, 2, dtype=np.float64)]),
    ("mm_rank", lambda m, a, b: m.mm(a, b), [r(3), r(3, 2)]),
    ("mm_shape", lambda m, a, b: m.mm(a, b), [r(2, 3), r(4, 2)]),
    ("bmm_rank", lambda m, a, b: m.bmm(a, b), [r(2, 3), r(3, 2)]),
    ("bmm_shape", lambda m, a, b: m.bmm(a, b), [r(2, 2, 3), r(2, 4, 2)]),
    ("mv_rank", lambda m, a, b: m.mv(a, b), [r(2, 3), r(3, 1)]),
    ("dot_rank", lambda m, a, b: m.dot(a, b), [r(2, 3), r(2, 3)]),
    ("dot_len", lambda m, a, b: m.dot(a, b), [r(3), r(4)]),
    ("dot_dtype", lambda m, a, b: m.dot(a, b), [r(3), r(3, dtype=np.float64)]),
    ("einsum_operands", lambda m, a: m.einsum("ij,jk->ik", a), [r(2, 3)]),
    ("einsum_rank", lambda m, a: m.einsum("ijk->i", a), [r(2, 3)]),
    ("tensordot_mismatch", lambda m, a, b: m.tensordot(a, b, 1), [r(2, 3), r(4, 5)]),
    ("cross_len", lambda m, a, b: m.cross(a, b, dim=1), [r(2, 4), r(2, 4)]),
    ("trace_rank", lambda m, a: m.trace(a), [r(2, 2, 2)]),
    ("diag_rank", lambda m, a: m.diag(a), [r(2, 2, 2)]),
    ("tril_rank", lambda m, a: m.tril(a), [r(3)]),
    ("det_square", lambda m, a: m.det(a), [r(2, 3)]),
    ("inverse_singular", lambda m, a: m.inverse(a), [np.ones((2, 2), np.float32)]),
    ("inverse_int", lambda m, a: m.inverse(a), [r(2, 2, dtype=np.int64)]),
    ("cdist_cols", lambda m, a, b: m.cdist(a, b), [r(3, 2), r(3, 4)]),
    ("addmm_shape", lambda m, c, a, b: m.addmm(c, a, b), [r(2, 2), r(2, 3), r(4, 2)]),
]


@pytest.mark.parametrize("name,fn,arrays", RAISES, ids=[o[0] for o in RAISES])
def test_raises(name, fn, arrays):
    check_raises(fn, *arrays)


def test_mismatch_message():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        ember.tensor(r(2, 3)) @ ember.tensor(r(4, 5))
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        ember.tensor(r(2, 3)) @ ember.tensor(r(3, 2, dtype=np.float64))


def test_matmul_no_copy_float32():
    a = ember.tensor(r(64, 64))
    out = a @ a
    assert out.dtype == ember.float32
    assert type(out.grad_fn).__name__ == "NoneType"
    x = ember.tensor(r(2, 3), requires_grad=True)
    assert type((x @ ember.tensor(r(3, 2))).grad_fn).__name__ == "MmBackward0"


LA = [
    ("la_norm", lambda m, a: m.linalg.norm(a), [r(3, 4)]),
    ("la_norm_ord1", lambda m, a: m.linalg.norm(a, 1), [r(3, 4)]),
    ("la_norm_vec3", lambda m, a: m.linalg.norm(a, 3), [r(4)]),
    ("la_norm_nuc", lambda m, a: m.linalg.norm(a, "nuc"), [r(3, 4, dtype=np.float64)]),
    ("la_vector_norm", lambda m, a: m.linalg.vector_norm(a, 1, dim=-1, keepdim=True), [r(2, 3, 4)]),
    ("la_matrix_norm", lambda m, a: m.linalg.matrix_norm(a), [r(2, 3, 4)]),
    ("la_matrix_norm_inf", lambda m, a: m.linalg.matrix_norm(a, float("inf")), [r(2, 3, 4)]),
    ("la_matrix_norm_2", lambda m, a: m.linalg.matrix_norm(a, 2), [r(3, 4, dtype=np.float64)]),
    ("la_inv", lambda m, a: m.linalg.inv(a), [SPD]),
    ("la_det", lambda m, a: m.linalg.det(a), [r(3, 3)]),
    ("la_solve", lambda m, a, b: m.linalg.solve(a, b), [SPD, r(3, 2, dtype=np.float64)]),
    ("la_solve_vec", lambda m, a, b: m.linalg.solve(a, b), [SPD, r(3, dtype=np.float64)]),
    ("la_cholesky", lambda m, a: m.linalg.cholesky(a), [SPD]),
    ("la_cholesky_upper", lambda m, a: m.linalg.cholesky(a, upper=True), [SPD]),
    ("la_eigvalsh", lambda m, a: m.linalg.eigvalsh(a), [SPD]),
    ("la_cross", lambda m, a, b: m.linalg.cross(a, b), [r(2, 3), r(2, 3, seed=3)]),
]


@pytest.mark.parametrize("name,fn,arrays", LA, ids=[o[0] for o in LA])
def test_linalg_namespace(name, fn, arrays):
    check(fn, arrays)


@pytest.mark.parametrize("name,fn,arrays", [
    ("solve", lambda m, a, b: m.linalg.solve(a, b), [SPD, r(3, 2)]),
    ("cholesky", lambda m, a: m.linalg.cholesky(m.einsum("ij,kj->ik", a, a)), [SPD]),
    ("eigvalsh", lambda m, a: m.linalg.eigvalsh(m.einsum("ij,kj->ik", a, a)), [SPD]),
    ("eigh_vec_sq", lambda m, a: m.linalg.eigh(m.einsum("ij,kj->ik", a, a))[1] ** 2, [SPD]),
    ("matrix_norm_1", lambda m, a: m.linalg.matrix_norm(a, 1), [r(3, 3)]),
])
def test_linalg_gradcheck(name, fn, arrays):
    if name == "eigh_vec_sq" and not hasattr(ember.Tensor, "__pow__"):
        pytest.skip("pow belongs to the elementwise family")
    gradcheck(fn, *[a.astype(np.float64) for a in arrays])


def test_linalg_decompositions():
    import torch
    a = r(4, 3, dtype=np.float64)
    u, s, vh = ember.linalg.svd(ember.tensor(a), full_matrices=False)
    np.testing.assert_allclose((u.numpy() * s.numpy()) @ vh.numpy(), a, atol=1e-10)
    np.testing.assert_allclose(s.numpy(), torch.linalg.svdvals(torch.tensor(a)).numpy(), atol=1e-10)
    q, rr = ember.linalg.qr(ember.tensor(a))
    np.testing.assert_allclose(q.numpy() @ rr.numpy(), a, atol=1e-10)
    w, v = ember.linalg.eigh(ember.tensor(SPD))
    np.testing.assert_allclose(v.numpy() @ np.diag(w.numpy()) @ v.numpy().T, SPD, atol=1e-10)


def test_linalg_raises():
    check_raises(lambda m, a: m.linalg.cholesky(a), -np.eye(2))
    check_raises(lambda m, a: m.linalg.inv(a), np.zeros((2, 2)))
    check_raises(lambda m, a: m.linalg.solve(a, a), r(2, 3))
    check_raises(lambda m, a: m.linalg.norm(a, "fro"), r(2, 2, 2))


# ---- addr and the in-place addmm family, tril/triu_, diag_embed, matrix_power/exp, det, delegates ----

def _spd(n, seed=0):
    a = rand(n, n, seed=seed).astype(np.float64)
    return a @ a.T + n * np.eye(n)


def test_addr_and_inplace_addmm_family():
    c, v1, v2 = rand(3, 4), rand(3), rand(4)
    check(lambda m, c, a, b: m.addr(c, a, b), [c, v1, v2])
    check(lambda m, c, a, b: c.addr(a, b, beta=0.5, alpha=2), [c, v1, v2])
    check(lambda m, c, a, b: m.addr(c, a, b), [np.arange(4), np.arange(3) + 1, np.arange(4)])
    check(lambda m, c, a, b: (c * 1).addr_(a, b, alpha=3), [c, v1, v2])
    gradcheck(lambda m, c, a, b: m.addr(c, a, b, beta=2), c, v1, v2)
    check_raises(lambda m, c, a, b: m.addr(c, a, b), c, rand(3, 1), v2)
    m1, m2, v = rand(3, 5), rand(5, 4), rand(5)
    check(lambda m, c, a, b: (c * 1).addmm_(a, b, beta=0.5), [c, m1, m2])
    check(lambda m, c, a, b: (c * 1).addmv_(a, b), [rand(3), m1, v])
    check(lambda m, c, a, b: m.addmv_(c * 1, a, b, alpha=2), [rand(3), m1, v])
    b1, b2 = rand(2, 3, 5), rand(2, 5, 4)
    check(lambda m, c, a, b: (c * 1).baddbmm_(a, b), [rand(2, 3, 4), b1, b2])
    check(lambda m, c, a, b: (c * 1).addbmm_(a, b, alpha=0.5), [c, b1, b2])
    check_raises(lambda m, c, a, b: (c * 1).addmm_(a, b), rand(1, 4), m1, m2)
    check_raises(lambda m, c, a, b: c.addmm_(a, b), c, m1, rand(4, 4))


def test_tril_triu_inplace():
    x = rand(4, 5)
    check(lambda m, a: (a * 1).tril_(), [x])
    check(lambda m, a: (a * 1).triu_(-1), [x])
    check(lambda m, a: (a * 1).tril_(diagonal=2), [x])
    check_raises(lambda m, a: a.tril_(), rand(3))


def test_diag_embed_diagflat():
    x = rand(2, 3)
    for kw in ({}, {"offset": 1}, {"offset": -2, "dim1": 0, "dim2": 2}, {"dim1": -1, "dim2": 0}):
        check(lambda m, a: m.diag_embed(a, **kw), [x])
        gradcheck(lambda m, a: a.diag_embed(**kw), x)
    check(lambda m, a: m.diagflat(a), [x])
    check(lambda m, a: a.diagflat(-1), [x])
    check(lambda m, a: m.diagflat(a, 2), [np.arange(3)])
    check_raises(lambda m, a: m.diag_embed(a, dim1=1, dim2=-2), x)


def test_matrix_power_exp():
    a = rand(3, 3) * 0.7
    for n in (0, 1, 2, 3, 5, -1, -2):
        check(lambda m, x: m.matrix_power(x, n), [a + np.eye(3, dtype=np.float32)], rtol=1e-3)
    check(lambda m, x: x.matrix_power(3), [np.arange(4).reshape(2, 2)])
    check(lambda m, x: m.linalg.matrix_power(x, 2), [rand(2, 3, 3)])
    gradcheck(lambda m, x: m.matrix_power(x, 3), rand(3, 3))
    gradcheck(lambda m, x: m.matrix_power(x, -2), rand(3, 3) + 2 * np.eye(3))
    check_raises(lambda m, x: m.matrix_power(x, 2), rand(2, 3))
    check_raises(lambda m, x: m.matrix_power(x, -1), np.arange(4).reshape(2, 2))
    for x in (a, a * 8, rand(2, 4, 4), np.zeros((2, 2), np.float32)):
        check(lambda m, x: m.matrix_exp(x), [x], rtol=1e-4)
        check(lambda m, x: x.matrix_exp(), [x.astype(np.float64)], rtol=1e-9)
    check(lambda m, x: m.linalg.matrix_exp(x), [a])
    gradcheck(lambda m, x: m.matrix_exp(x), rand(3, 3) * 2)
    check_raises(lambda m, x: m.matrix_exp(x), np.arange(4).reshape(2, 2))


def test_det_family():
    a = _spd(3)
    neg = a.copy()
    neg[0] *= -1
    for x in (a, neg, rand(2, 3, 3, seed=3).astype(np.float64)):
        check(lambda m, x: m.slogdet(x), [x], rtol=1e-9)
        check(lambda m, x: x.logdet(), [x], rtol=1e-9)
        check(lambda m, x: m.linalg.slogdet(x), [x], rtol=1e-9)
    check(lambda m, x: m.logdet(x), [np.zeros((2, 2))], grad=False)
    check(lambda m, x: m.slogdet(x).logabsdet, [a.astype(np.float32)])
    gradcheck(lambda m, x: m.slogdet(x)[1], a)
    gradcheck(lambda m, x: m.logdet(x), a)
    check_raises(lambda m, x: m.slogdet(x), np.ones((2, 3)))
    check_raises(lambda m, x: m.logdet(x), np.arange(4).reshape(2, 2))


def test_decompositions_delegate():
    warnings.filterwarnings("ignore", "torch.(cholesky|qr|svd)", UserWarning)
    a = _spd(4)
    check(lambda m, x: m.cholesky(x), [a])
    check(lambda m, x: x.cholesky(upper=True), [a])
    gradcheck(lambda m, x: m.cholesky(x + x.mT), a / 2)
    x = rand(5, 3).astype(np.float64)
    for some in (True, False):
        eq, tq = check(lambda m, x: m.qr(x, some=some).R.abs(), [x], grad=False)
        (eq_, er), (tq_, tr) = ember.qr(E(x), some), torch.qr(T(x), some)
        assert_close((eq_ @ er).abs(), (tq_ @ tr).abs(), rtol=1e-9)
        assert tuple(eq_.shape) == tuple(tq_.shape)
        eu, es, ev = E(x).svd(some=some)
        tu, ts, tv = torch.svd(T(x), some=some)
        assert_close(es, ts, rtol=1e-9)
        assert tuple(eu.shape) == tuple(tu.shape) and tuple(ev.shape) == tuple(tv.shape)
        assert_close((eu[:, :3] * es) @ ev.mT, T(x), rtol=1e-9)
    check(lambda m, x: m.svd(x, compute_uv=False), [x], grad=False)
    check(lambda m, x: m.pinverse(x), [x], grad=False, rtol=1e-9)
    check(lambda m, x: x.pinverse(rcond=0.5), [x], grad=False, rtol=1e-9)
    assert type(ember.svd(E(x))).__name__ == "svd" and ember.qr(E(x)).Q is not None


def test_chain_matmul_vander():
    a, b, c = rand(2, 3), rand(3, 4), rand(4, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x, y, z: m.chain_matmul(x, y, z), [a, b, c])
        check(lambda m, x: m.chain_matmul(x), [a])
        check_raises(lambda m, x, y: m.chain_matmul(x, y), a, rand(3))
    x = rand(4)
    # torch 2.13's vander backward fails its own in-place check: gradcheck ember only
    check(lambda m, x: m.vander(x), [x], grad=False)
    check(lambda m, x: m.vander(x, N=3, increasing=True), [x], grad=False)
    check(lambda m, x: m.vander(x, N=2), [x], grad=False)
    check(lambda m, x: m.vander(x, 0), [x])
    check(lambda m, x: m.vander(x, 1), [x])
    check(lambda m, x: m.vander(x), [np.array([1, 2, 3])])
    check(lambda m, x: m.vander(x, 5), [np.array([0.0, 2.0, -1.5])], grad=False)
    gradcheck(lambda m, x: m.vander(x, 4), x)
    check_raises(lambda m, x: m.vander(x), rand(2, 2))
