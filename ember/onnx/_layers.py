"""Converters for layer ops (recurrent cells' splits, padding, resampling, ...), merged
into ``_convert.CONVERTERS``; same contract as the converters there."""
import numpy as np

__all__ = ["LAYER_CONVERTERS"]


def _split(c, args, kw):
    """``split``/``split_with_sizes``/``tensor_split``: one Slice per piece (any bounds)."""
    x, dim, bounds = args[0], int(args[1]), args[2]
    xn = c.t(x)
    return [c.op("Slice", [xn, c.ints([s]), c.ints([e]), c.ints([dim])]) for s, e in bounds]


def _pad_index(c, args, kw):
    """reflect / replicate / circular padding: a Gather of the index map per padded dim."""
    x, maps = args[0], kw["maps"]
    y = c.t(x)
    nd = len(x.shape)
    for i, m in enumerate(maps):
        y = c.op("Gather", [y, c.ints(np.asarray(m, np.int64))], axis=nd - len(maps) + i)
    return y


def _pad_constant(c, args, kw):
    x, pairs, value = args[0], kw["pairs"], kw["value"]
    nd = len(x.shape)
    lead = [0] * (nd - len(pairs))
    pads = lead + [lo for lo, _ in pairs] + lead + [hi for _, hi in pairs]   # negatives crop
    return c.op("Pad", [c.t(x), c.ints(pads), c.t(value, x)], mode="constant")


LAYER_CONVERTERS = {
    "Split": _split, "SplitWithSizes": _split, "TensorSplit": _split,
    "_PadIndex": _pad_index, "_PadConstant": _pad_constant,
}
