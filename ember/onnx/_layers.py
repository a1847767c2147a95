"""Converters for layer ops (recurrent cells' splits, padding, resampling, ...), merged
into ``_convert.CONVERTERS``; same contract as the converters there."""
import numpy as np

__all__ = ["LAYER_CONVERTERS"]


def _split(c, args, kw):
    """``split``/``split_with_sizes``/``tensor_split``: one Slice per piece (any bounds)."""
    x, dim, bounds = args[0], int(args[1]), args[2]
    xn = c.t(x)
    if c.dyn is not None and c.dyn.other_args()[0][2] != bounds:   # piece sizes follow a dynamic axis
        b2 = c.dyn.other_args()[0][2]
        if any(e != s for (_, e), (s, _) in zip(bounds, bounds[1:])) or bounds[0][0] != 0:
            from ._convert import UnsupportedOperatorError
            raise UnsupportedOperatorError("a split with gaps along a dynamic axis has no ONNX conversion")
        sizes = c.dyn.shape(c, [e - s for s, e in bounds], [e - s for s, e in b2], infer=False)
        return c.op("Split", [xn, sizes], n_out=len(bounds), axis=dim) if len(bounds) > 1 else [xn]
    return [c.op("Slice", [xn, c.ints([s]), c.ints([e]), c.ints([dim])]) for s, e in bounds]


def pad_mode(maps, shape):
    """(ONNX Pad mode, [(lo, hi)...]) whose index maps are ``maps`` over the last dims of
    ``shape``, or None (negative circular pads)."""
    from ..ops.sampling import _index_map

    found = None
    for mode, onnx_mode in (("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")):
        pairs = []
        for m, L in zip(maps, shape[len(shape) - len(maps):]):
            n = len(m) - L
            lo = next((lo for lo in range(n + 1) if np.array_equal(_index_map(mode, L, lo, n - lo), m)), None)
            if n < 0 or lo is None:
                break
            pairs.append((lo, n - lo))
        else:
            found = (onnx_mode, pairs)
            break
    return found


def _pad_index(c, args, kw):
    """reflect / replicate / circular padding: ONNX Pad (reflect, edge, wrap), else a Gather
    of the index map per padded dim."""
    x, maps = args[0], kw["maps"]
    y = c.t(x)
    nd = len(x.shape)
    pm = pad_mode(maps, x.shape)
    if pm is not None and (pm[0] != "wrap" or c.opset >= 19):
        lead = [0] * (nd - len(maps))
        pads = lead + [lo for lo, _ in pm[1]] + lead + [hi for _, hi in pm[1]]
        return c.op("Pad", [y, c.ints(pads)], mode=pm[0])
    if c.dyn is not None and [len(m) for m in c.dyn.other_args()[1]["maps"]] != [len(m) for m in maps]:
        from ._convert import UnsupportedOperatorError
        raise UnsupportedOperatorError(
            "circular padding along the size of a dynamic axis needs opset_version >= 19 (Pad mode 'wrap')")
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


def _emb_bag(c, args, kw):
    """embedding_bag: Gather the rows, then reduce each bag (equal bags: one Reshape + Reduce)."""
    from ._convert import UnsupportedOperatorError

    w, idx = args[0], args[1]
    psw = args[2] if len(args) > 2 else None
    offs, mode, pad = kw["offs"], kw.get("mode", "mean"), kw.get("padding_idx")
    n, D = idx.shape[0], w.shape[1]
    if mode == "max" and (pad is not None or psw is not None):
        raise UnsupportedOperatorError("embedding_bag(mode='max') with padding_idx has no ONNX conversion here")
    ix = c.t(idx)
    rows = c.op("Gather", [c.t(w), ix], axis=0)                      # (n, D)
    keep = None
    if pad is not None:
        eq = c.op("Equal", [ix, c.const(np.asarray([pad], np.dtype(idx.dtype)))])
        keep = c.op("Cast", [c.op("Not", [eq])], to=_onnx_type(w.dtype))
        keep = c.op("Unsqueeze", [keep, c.ints([1])])                # (n, 1)
        rows = c.op("Mul", [rows, keep])
    if psw is not None:
        rows = c.op("Mul", [rows, c.op("Unsqueeze", [c.t(psw, w), c.ints([1])])])
    red = {"sum": "ReduceSum", "mean": "ReduceMean" if keep is None else "ReduceSum", "max": "ReduceMax"}[mode]
    L = offs[1] - offs[0] if len(offs) > 1 else n
    # the bags of a 1-D input with fixed offsets do not multiply with its length
    fixed = c.dyn is not None and list(c.dyn.other_args()[1]["offs"]) == list(offs) and \
        c.dyn.shape2.get(idx.id) != idx.shape
    if L > 0 and list(offs) == list(range(0, n, L)) and n % L == 0 and not fixed:
        # 2-D input: bags of L; -1 keeps the batch dynamic
        r3 = c.op("Reshape", [rows, c.ints([-1, L, D])])
        out = _reduce(c, red, r3, 1)
        cnt = c.op("Reshape", [keep, c.ints([-1, L, 1])]) if keep is not None else None
        return _bag_mean(c, out, cnt, L, w, mode)
    bounds = list(offs) + [n]
    pieces = []
    for s, e in zip(bounds, bounds[1:]):
        if e <= s:
            pieces.append(c.const(np.zeros((1, D), w.dtype)))
            continue
        e = e if e < n else np.iinfo(np.int64).max   # the last bag runs to the end (a dynamic length)
        sl = c.op("Slice", [rows, c.ints([s]), c.ints([e]), c.ints([0])])
        out = c.op("Unsqueeze", [_reduce(c, red, sl, 0), c.ints([0])])
        cnt = c.op("Slice", [keep, c.ints([s]), c.ints([e]), c.ints([0])]) if keep is not None else None
        pieces.append(_bag_mean(c, out, cnt, min(e, n) - s, w, mode, axis=0))
    return c.op("Concat", pieces, axis=0) if len(pieces) > 1 else c.op("Identity", pieces)


def _reduce(c, kind, x, axis):
    if kind == "ReduceSum" or c.opset >= 18:
        return c.op(kind, [x, c.ints([axis])], keepdims=0)
    return c.op(kind, [x], axes=[axis], keepdims=0)


def _bag_mean(c, out, cnt, L, w, mode, axis=1):
    if mode != "mean" or cnt is None:   # without padding_idx a mean bag is a ReduceMean
        return out
    n = c.op("Max", [c.op("ReduceSum", [cnt, c.ints([axis])], keepdims=0 if axis == 1 else 1),
                     c.t(1.0, w)])                                   # an all-padding bag stays 0
    return c.op("Div", [out, n])


def _onnx_type(dtype):
    from onnx import helper
    return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


def nearest_scales(nidx, shape):
    """Integer scale per spatial dim when nearest's index maps are ``arange(L * s) // s`` (a
    Resize that follows dynamic sizes), else None."""
    if nidx is None:
        return None
    out = []
    for ix, L in zip(nidx, shape[len(shape) - len(nidx):]):
        if ix is None:
            out.append(1)
            continue
        s = len(ix) // L if L else 0
        if s < 1 or len(ix) != s * L or not np.array_equal(ix, np.arange(s * L) // s):
            return None
        out.append(s)
    return out


def _interp(c, args, kw):
    """interpolate / Upsample, every mode: per spatial dim, the eager op's exact index map
    (nearest modes: Gather) or (out, in) weight matrix (linear, cubic, area: MatMul)."""
    x = args[0]
    mats, nidx = kw.get("mats"), kw.get("nearest_idx")
    y, nd = c.t(x), len(x.shape)
    shape = list(x.shape)
    sc = nearest_scales(nidx, x.shape)
    if sc is not None:   # integer nearest upsampling: Resize (sizes may be dynamic)
        scales = np.asarray([1.0] * (nd - len(sc)) + [float(s) for s in sc], np.float32)
        return c.op("Resize", [y, "", c.const(scales)], mode="nearest",
                    coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    if nidx is not None:
        for i, ix in enumerate(nidx):
            if ix is not None:
                y = c.op("Gather", [y, c.ints(np.asarray(ix, np.int64))], axis=nd - len(nidx) + i)
        return y
    k = len(mats)
    for i, m in enumerate(mats):
        if m is None:
            continue
        ax = nd - k + i
        m = np.asarray(m, np.dtype(x.dtype))
        if ax == nd - 1:
            y = c.op("MatMul", [y, c.const(np.ascontiguousarray(m.T))])
        elif ax == nd - 2:
            y = c.op("MatMul", [c.const(m), y])
        else:   # depth of a 5-D input: bring the axis to the second-last place and back
            perm = list(range(nd))
            perm[ax], perm[nd - 2] = perm[nd - 2], perm[ax]
            y = c.op("Transpose", [c.op("MatMul", [c.const(m), c.op("Transpose", [y], perm=perm)])], perm=perm)
        shape[ax] = m.shape[0]
    return y


def _pixel_shuffle(down):
    def conv(c, args, kw):
        x, r = args[0], int(kw.get("r", args[1] if len(args) > 1 else 0))
        *lead, C, H, W = x.shape
        nl = len(lead)
        if nl <= 1:   # DepthToSpace / SpaceToDepth: every size may be dynamic
            y = c.t(x) if nl else c.op("Unsqueeze", [c.t(x), c.ints([0])])
            if not down:
                y = c.op("DepthToSpace", [y], blocksize=r, mode="CRD")
            else:         # SpaceToDepth orders channels (block, c); pixel_unshuffle (c, block)
                y = c.op("SpaceToDepth", [y], blocksize=r)
                perm = np.arange(C * r * r).reshape(r * r, C).T.reshape(-1)
                y = c.op("Gather", [y, c.ints(perm)], axis=1)
            return y if nl else c.op("Squeeze", [y, c.ints([0])])
        keep = [-1] if nl else []   # lead dims fold into one (dynamic batch)
        if not down:
            oc = C // (r * r)
            y = c.op("Reshape", [c.t(x), c.ints(keep + [oc, r, r, H, W])])
            b = 1 if nl else 0
            perm = list(range(b)) + [b, b + 3, b + 1, b + 4, b + 2]
            y = c.op("Transpose", [y], perm=perm)
            out = [oc, H * r, W * r]
        else:
            oh, ow = H // r, W // r
            y = c.op("Reshape", [c.t(x), c.ints(keep + [C, oh, r, ow, r])])
            b = 1 if nl else 0
            perm = list(range(b)) + [b, b + 2, b + 4, b + 1, b + 3]
            y = c.op("Transpose", [y], perm=perm)
            out = [C * r * r, oh, ow]
        if nl <= 1:
            return c.op("Reshape", [y, c.ints(keep + out)])
        return c.op("Reshape", [y, c.ints(list(lead) + out)])
    return conv


def _conv_transpose(c, args, kw):
    x, w = args[0], args[1]
    b = args[2] if len(args) > 2 else kw.get("b")
    nd = int(kw["nd"])
    xn = c.t(x)
    unbatched = len(x.shape) == nd + 1
    if unbatched:
        xn = c.op("Unsqueeze", [xn, c.ints([0])])
    ins = [xn, c.t(w)] + ([c.t(b)] if b is not None else [])
    y = c.op("ConvTranspose", ins, kernel_shape=list(w.shape[2:]), strides=list(kw["stride"]),
             pads=list(kw["pad"]) * 2, output_padding=list(kw["opad"]), dilations=list(kw["dil"]),
             group=int(kw["groups"]))
    return c.op("Squeeze", [y, c.ints([0])]) if unbatched else y


def norm_from_stats(c, x, w, b, kw):
    """Instance, group, and RMS norm (statistics of the input itself): the formula in ONNX ops."""
    gs, axes, eps, wshape = kw.get("gshape"), kw["axes"], float(kw["eps"]), kw["wshape"]
    xn = c.t(x)
    if gs is not None:   # (N, G, rest); N and the spatial sizes stay dynamic
        xn = c.op("Reshape", [xn, c.ints([0, gs[1], -1])])
    ax = c.ints(list(axes))
    if not kw.get("rms"):
        xn = c.op("Sub", [xn, _mean(c, xn, ax, axes)])
    var = _mean(c, c.op("Mul", [xn, xn]), ax, axes)
    y = c.op("Div", [xn, c.op("Sqrt", [c.op("Add", [var, c.t(eps, x)])])])
    if gs is not None:
        y = c.op("Reshape", [y, c.op("Shape", [c.t(x)])])
    if w is not None:
        y = c.op("Mul", [y, c.op("Reshape", [c.t(w), c.ints(list(wshape))])])
    if b is not None:
        y = c.op("Add", [y, c.op("Reshape", [c.t(b), c.ints(list(wshape))])])
    return y


def _mean(c, x, ax, axes):
    if c.opset >= 18:
        return c.op("ReduceMean", [x, ax], keepdims=1)
    return c.op("ReduceMean", [x], axes=list(axes), keepdims=1)


def _masked_fill(c, args, kw):
    x, mask, value = args[0], args[1], args[2]
    return c.op("Where", [c.t(mask), c.t(value, x), c.t(x)])


def _tri(upper):
    def conv(c, args, kw):
        k = args[1] if len(args) > 1 else 0
        return c.op("Trilu", [c.t(args[0]), c.const(np.asarray(int(k), np.int64))], upper=upper)
    return conv


LAYER_CONVERTERS.update({
    "MaskedFill": _masked_fill, "MaskedFillT": _masked_fill, "Tril": _tri(0), "Triu": _tri(1),
    "_EmbBag": _emb_bag, "_Interp": _interp, "_PixelShuffle": _pixel_shuffle(False),
    "_PixelUnshuffle": _pixel_shuffle(True), "_ConvTransposeNd": _conv_transpose,
})
