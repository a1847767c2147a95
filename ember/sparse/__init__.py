"""``ember.sparse``: products and reductions of sparse tensors (see ``ember/ops/sparse.py``).

    >>> s = ember.eye(3).to_sparse()
    >>> ember.sparse.mm(s, ember.ones(3, 2)).sum()
    tensor(6.)
"""
from ..ops import sparse as _S

__all__ = ["mm", "sum", "addmm", "sampled_addmm"]


def mm(mat1, mat2, reduce=None):
    """Sparse ``mat1`` times ``mat2`` (dense or sparse); gradients reach the values and the
    dense operand.

    Args:
        mat1: a 2-D sparse matrix (COO or CSR).
        mat2: a dense or sparse matrix.
        reduce: how each row's products combine: ``"sum"`` (default), or for a CSR ``mat1``
            ``"mean"``, ``"amax"``, ``"amin"``.

    Example::

        >>> ember.sparse.mm(ember.eye(2).to_sparse(), ember.ones(2, 3)).shape
        torch.Size([2, 3])
    """
    if isinstance(mat1, _S._SparseTensor) and not isinstance(mat2, _S._SparseTensor):
        return _S._sparse_dense_mm(mat1, mat2, _S.SparseAddmm, reduce or "sum")
    if reduce not in (None, "sum"):
        raise RuntimeError(f"sparse.mm: reduce={reduce!r} needs a sparse CSR mat1 and a dense mat2")
    return _S.matmul(mat1, mat2)


def sum(input, dim=None, dtype=None):
    """Sum of a sparse tensor over ``dim`` (all dims when None): dense when every sparse dim
    is reduced, else sparse.

    Example::

        >>> ember.sparse.sum(ember.eye(3).to_sparse())
        tensor(3.)
    """
    if not isinstance(input, _S._SparseTensor):
        raise RuntimeError("sparse.sum: expected a sparse tensor, got a strided one")
    return _S._sparse_sum(input, dim, dtype)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """``beta * mat + alpha * (mat1 @ mat2)`` with sparse ``mat1`` and dense ``mat``, ``mat2``."""
    return _S.addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def sampled_addmm(input, mat1, mat2, *, beta=1.0, alpha=1.0, out=None):
    """``beta * input + alpha * (mat1 @ mat2)`` evaluated only where the CSR ``input`` has entries
    (a CSR result with ``input``'s pattern)."""
    if not isinstance(input, _S._SparseTensor) or input.layout is not _S.L.sparse_csr:
        raise RuntimeError("sampled_addmm: Expected input to be a sparse CSR tensor")
    if mat1.ndim != 2 or mat2.ndim != 2 or mat1.shape[1] != mat2.shape[0] or \
            (mat1.shape[0], mat2.shape[1]) != tuple(input.shape):
        raise RuntimeError(f"sampled_addmm: shapes {tuple(mat1.shape)} @ {tuple(mat2.shape)} do not give "
                           f"input's {tuple(input.shape)}")
    from .._tensor import _new_tensor

    rows, cols = (_new_tensor(a, copy=False) for a in input._coo_rows())
    prod = (mat1[rows] * mat2.t()[cols]).sum(-1)
    return input._with_values(input._vals * beta + prod * alpha if beta != 0 else prod * alpha)

