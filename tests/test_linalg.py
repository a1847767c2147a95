"""Linear algebra against the torch oracle: values, dtypes, shapes, gradients, errors."""
import numpy as np
import pytest
from oracle import check, check_raises, gradcheck, rand

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
