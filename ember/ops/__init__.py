"""Ops, one module per sub-family. Each module attaches its Tensor methods where it defines them."""
from . import (arithmetic, ternary, unary, special, comparison, complex, fill,  # noqa: F401
               reduction, norms, sorting, statistics, cumulative, shape, joining, grids, indexing, gather, scatter,
               linalg, matrices, distance, decomposition, convert, creation)
