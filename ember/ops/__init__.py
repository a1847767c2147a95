"""Ops, one module per sub-family. Each module attaches its Tensor methods where it defines them."""
from . import (arithmetic, unary, special, comparison, complex, fill,  # noqa: F401
               reduction, sorting, statistics, cumulative, shape, joining, indexing, gather, scatter,
               linalg, decomposition, convert, creation)
