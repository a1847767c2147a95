"""Stride arithmetic shared by the view ops: PyTorch-style element strides, view
compatibility (``_compute_stride``), and strided views into a root array."""
import math

import numpy as np

from .._tensor import _root

_sl = slice(None)


# ---- stride helpers -----------------------------------------------------------------

def _elem_strides(a):
    """PyTorch-style strides in elements (size-1 dims get the contiguous stride)."""
    it = a.itemsize
    st = [s // it for s in a.strides]
    acc = 1
    for i in range(a.ndim - 1, -1, -1):
        n = a.shape[i]
        if n == 1:
            st[i] = acc
        acc *= n if n > 1 else 1
    return st


def _compute_stride(oldshape, oldstride, newshape):
    """PyTorch's ``computeStride``: strides for viewing, or None if not viewable."""
    if not oldshape:
        return [1] * len(newshape)
    numel = math.prod(oldshape)
    if numel == 0:
        if tuple(oldshape) == tuple(newshape):
            return list(oldstride)
        st = [0] * len(newshape)
        acc = 1
        for i in range(len(newshape) - 1, -1, -1):
            st[i] = acc
            acc *= max(newshape[i], 1)
        return st
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base = oldstride[-1]
    tensor_numel = 1
    view_numel = 1
    for td in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[td]
        if td == 0 or (oldshape[td - 1] != 1 and oldstride[td - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if td > 0:
                chunk_base = oldstride[td - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return newstride


def _strided(a, shape, strides, offset=0):
    """A view of ``a``'s storage with element ``strides`` and element ``offset`` from ``a``.

    Built on the root array as buffer so ``storage_offset`` stays right; falls back
    to ``as_strided`` when the root exposes no buffer.
    """
    it = a.itemsize
    bst = tuple(int(s) * it for s in strides)
    root = _root(a)
    try:
        if not (root.flags.c_contiguous or root.flags.f_contiguous):
            raise ValueError
        off = a.__array_interface__["data"][0] - root.__array_interface__["data"][0] + offset * it
        out = np.ndarray(tuple(shape), a.dtype, buffer=root, offset=off, strides=bst)
    except (ValueError, TypeError, BufferError):
        out = np.asarray(_Interface(a, tuple(shape), bst, offset * it))
    if not a.flags.writeable and out.flags.writeable:
        out.flags.writeable = False
    return out


class _Interface:
    """Array-interface holder: ``a``'s memory at a byte offset with given shape and strides."""

    def __init__(self, a, shape, strides, off):
        self.base = a
        self.__array_interface__ = {
            "data": (a.__array_interface__["data"][0] + off, not a.flags.writeable),
            "shape": shape, "strides": strides, "typestr": a.dtype.str,
            "descr": a.dtype.descr, "version": 3}


def _infer_size(shape, numel):
    """Resolve one ``-1`` in ``shape``; RuntimeError as PyTorch's for a bad shape."""
    infer = -1
    prod = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer >= 0:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            prod *= s
    if infer >= 0:
        if prod == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous")
        elif numel % prod == 0:
            shape = tuple(shape)
            return shape[:infer] + (numel // prod,) + shape[infer + 1:]
    elif prod == numel:
        return tuple(shape)
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")


_VIEW_MSG = ("view size is not compatible with input tensor's size and stride (at least one "
             "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


def _view_array(a, shape):
    """``a`` viewed as ``shape`` (a NumPy view), or None when PyTorch could not view it."""
    st = _compute_stride(a.shape, _elem_strides(a), shape)
    if st is None:
        return None
    try:
        return np.reshape(a, shape, copy=False)
    except ValueError:
        return _strided(a, shape, st)
