"""Ops, one module per family. Each module attaches its Tensor methods where it defines them."""
from . import elementwise, reduction, shape, indexing, linalg, convert, creation  # noqa: F401
