"""``ember.functional`` (``torch.functional``): the tensor functions torch keeps in this module.

They are the same objects as ``ember.einsum``, ``ember.split``, ... (torch's ``stft``, ``istft``,
``lu``, ``pca_lowrank`` and ``svd_lowrank`` are not in ember yet)."""
from . import (  # noqa: F401
               atleast_1d,
               atleast_2d,
               atleast_3d,
               block_diag,
               broadcast_shapes,
               broadcast_tensors,
               cartesian_prod,
               cdist,
               chain_matmul,
               einsum,
               meshgrid,
               norm,
               split,
               tensordot,
               unique,
               unique_consecutive,
               unravel_index,
)

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
           "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "norm", "meshgrid",
           "split", "tensordot", "unique", "unique_consecutive", "unravel_index"]
