"""Embedding backward: rows of the gradient added into the table's rows (the NumPy reference
is ``_rows_add_np`` in ember/ops/embedding.py)."""
from . import jit


@jit
def rows_add(out, idx, src):
    """``out[idx[n]] += src[n]`` for every n, in order (``np.add.at(out, idx, src)``)."""
    D = src.shape[1]
    for n in range(idx.shape[0]):
        r = idx[n]
        for d in range(D):
            out[r, d] += src[n, d]
