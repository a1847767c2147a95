"""Wrapping negative dims, written once (PyTorch's IndexError and messages).

A leaf module: ``Tensor.size(dim)`` and every op use it (ops import it from ``ops._apply``).
"""


def wrap_dim(dim, ndim, name="dim"):
    """Wrap a possibly negative ``dim`` into ``[0, ndim)``; IndexError as PyTorch's."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def wrap_dims(dims, ndim):
    """``dims``: int, sequence or None (all) -> a tuple of wrapped dims, in the given order
    (a dim given twice raises RuntimeError, as PyTorch)."""
    if dims is None:
        return tuple(range(ndim))
    if isinstance(dims, int):
        return (wrap_dim(dims, ndim),)
    out = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out} appears multiple times in the list of dims")
    return out
