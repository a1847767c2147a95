"""Fractional max pooling (Graham, 2014): max over windows whose starts follow a random,
non-uniform sequence, one per plane (``fractional_max_pool2d`` / ``3d``).

The start sequences follow torch's CPU kernel exactly (computed in the input's dtype), so
the same ``_random_samples`` give the same windows, values and indices.
"""
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._apply import Op, apply

__all__ = ["fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices"]


def _intervals(sample, L, out, pool, dtype):
    """Window starts (..., out) for random ``sample`` (...,) along a dim of size L."""
    seq = np.empty(sample.shape + (out,), np.int64)
    if out > 1:
        alpha = dtype.type(L - pool) / dtype.type(out - 1)
        i = np.arange(out - 1, dtype=dtype)
        s = sample[..., None].astype(dtype)
        seq[..., :-1] = ((i + s) * alpha).astype(np.int64) - (s * alpha).astype(np.int64)
    seq[..., -1] = L - pool
    return seq


class FractionalMaxPool(Op):
    nondiff = (1,)

    def forward(self, x, samples, pool, osize):
        nd = len(pool)
        sp = x.shape[-nd:]
        lead = x.shape[:-nd]
        starts = [_intervals(samples[..., k], sp[d], osize[d], pool[d], x.dtype)
                  for d, k in zip(range(nd), self.sample_order(nd))]
        flat = x.reshape(lead + (-1,))
        strides = [int(np.prod(sp[d + 1:], dtype=np.int64)) for d in range(nd)]
        best = bidx = None
        for off in np.ndindex(*pool):   # window offsets in row-major order, as torch's loops
            idx = 0
            for d in range(nd):
                shape = [1] * nd
                shape[d] = osize[d]
                idx = idx + (starts[d] + off[d]).reshape(lead + tuple(shape)) * strides[d]
            idx = np.broadcast_to(idx, lead + tuple(osize)).reshape(lead + (-1,))
            val = np.take_along_axis(flat, idx, -1)
            if best is None:
                best, bidx = np.full_like(val, -np.inf), idx.copy()
            take = (val > best) | np.isnan(val)
            best = np.where(take, val, best)
            bidx = np.where(take, idx, bidx)
        self.idx, self.shape = bidx, x.shape
        out = best.reshape(lead + tuple(osize))
        return out, bidx.reshape(lead + tuple(osize))

    def backward(self, g, gi=None):
        gx = np.zeros(self.shape, g.dtype)
        _scatter_add(gx.reshape(self.idx.shape[:-1] + (-1,)), self.idx, g.reshape(self.idx.shape))
        return gx


def _scatter_add(flat, idx, g):
    f2 = flat.reshape(-1, flat.shape[-1])
    i2 = idx.reshape(-1, idx.shape[-1])
    g2 = g.reshape(-1, g.shape[-1])
    rows = np.repeat(np.arange(f2.shape[0]), i2.shape[1])
    np.add.at(f2, (rows, i2.reshape(-1)), g2.reshape(-1))


class FractionalMaxPool2D(FractionalMaxPool):
    name = "FractionalMaxPool2DBackward0"

    @staticmethod
    def sample_order(nd):
        return (1, 0)       # torch's samples: [..., 0] for the width, [..., 1] for the height


class FractionalMaxPool3D(FractionalMaxPool):
    name = "FractionalMaxPool3DBackward0"

    @staticmethod
    def sample_order(nd):
        return (0, 1, 2)    # time, height, width


def _tuple(v, nd, what):
    t = (v,) * nd if isinstance(v, (int, np.integer)) else tuple(v)
    if len(t) != nd:
        raise RuntimeError(f"fractional_max_pool{nd}d: {what} must either be a single int, or a tuple "
                           f"of {nd} ints")
    return tuple(int(s) for s in t)


def _fractional(nd, input, kernel_size, output_size, output_ratio, return_indices, _random_samples):
    from .creation import rand

    if not isinstance(input, Tensor):
        raise TypeError(f"fractional_max_pool{nd}d(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if input.ndim < nd + 1 and _random_samples is None:   # torch reads input.size(-nd - 1) first
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.ndim}, "
                         f"{input.ndim - 1}], but got {-nd - 1})")
    if input.ndim not in (nd + 1, nd + 2) or input.numel() == 0:
        raise RuntimeError(f"fractional_max_pool{nd}d(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    if input.dtype.category != D._FLOAT:
        raise NotImplementedError(f'"fractional_max_pool{nd}d_out_frame" not implemented for '
                                  f"'{D.scalar_type_name(input.dtype)}'")
    pool = _tuple(kernel_size, nd, "kernel_size")
    sp = tuple(input.shape[-nd:])
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"fractional_max_pool{nd}d requires specifying either an output_size or an "
                             "output_ratio")
        ratio = (output_ratio,) * nd if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
        osize = tuple(int(s * r) for s, r in zip(sp, ratio))
    else:
        osize = _tuple(output_size, nd, "output_size")
    names = ("time", "height", "width")[3 - nd:]
    for o, p, s, nm in zip(osize, pool, sp, names):
        if o + p - 1 > s:
            raise RuntimeError(f"fractional_max_pool{nd}d_out(): pool {nm} {p} too large relative to input "
                               f"{nm} {s}")
    lead = tuple(input.shape[:-nd])
    batch = lead if len(lead) == 2 else (1,) + lead
    if _random_samples is None:
        _random_samples = rand(batch[0], batch[1], nd, dtype=input.dtype)
    samples = _random_samples._data.reshape(lead + (nd,))
    cls = FractionalMaxPool2D if nd == 2 else FractionalMaxPool3D
    out, idx = apply(cls, input, samples=samples, pool=pool, osize=osize)
    return (out, idx) if return_indices else out


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """2-D fractional max pooling over the last two dims of (N, C, H, W) or (C, H, W).

    Args:
        kernel_size: window size (int or pair).
        output_size / output_ratio: the output's size, or its ratio to the input's (one is needed).
        return_indices: also return each maximum's flat index within its plane.
        _random_samples: (N, C, 2) numbers in [0, 1) fixing the windows (drawn when None).

    Example::

        >>> ember.nn.functional.fractional_max_pool2d(ember.randn(1, 2, 9, 9), 2, output_size=4).shape
        torch.Size([1, 2, 4, 4])
    """
    return _fractional(2, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """3-D fractional max pooling over the last three dims of (N, C, T, H, W) or (C, T, H, W)."""
    return _fractional(3, input, kernel_size, output_size, output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, True, _random_samples)

