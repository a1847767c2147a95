"""``ember.nn.functional``: the functional form of every layer."""
import math
import warnings

import numpy as np

from .._tensor import Tensor, _wrap
from .. import _dtype as D
from .. import _random
from ..ops._apply import Op, apply, apply_, wrap_dim
from ..ops.activation import *  # noqa: F401,F403
from ..ops.activation import _softmax_dim  # noqa: F401
from ..ops.normalization import *  # noqa: F401,F403
from ..ops.loss import *  # noqa: F401,F403

for _m in ("conv", "pooling", "sampling"):
    try:
        _mod = __import__(f"ember.ops.{_m}", fromlist=["*"])
        _names = getattr(_mod, "__all__", [n for n in dir(_mod) if not n.startswith("_")])
        globals().update({n: getattr(_mod, n) for n in _names if hasattr(_mod, n)})
    except ImportError:  # pragma: no cover
        pass

_TN = {"f": {4: "Float", 8: "Double", 2: "Half"}, "i": {8: "Long", 4: "Int"}}


def _tname(dt):
    return _TN.get(dt.kind, {}).get(dt.itemsize, str(dt))


# ---- linear -------------------------------------------------------------------------------

class _Linear(Op):
    name = "AddmmBackward0"
    saves = (0, 1)

    def forward(self, x, w, b=None):
        if x.dtype != w.dtype:
            raise RuntimeError(
                f"mat1 and mat2 must have the same dtype, but got {_tname(x.dtype)} and {_tname(w.dtype)}")
        if x.shape[-1] != w.shape[-1] if w.ndim == 2 else x.shape[-1] != w.shape[0]:
            xs = x.reshape(-1, x.shape[-1]) if x.ndim else x
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({xs.shape[0]}x{x.shape[-1]} and "
                f"{w.shape[1] if w.ndim == 2 else w.shape[0]}x{w.shape[0] if w.ndim == 2 else 1})")
        self.x, self.w, self.hasb = x, w, b is not None
        y = x @ w.T
        if b is not None:
            if y.ndim:
                y += b
            else:
                y = y + b
        return y

    def backward(self, g):
        x, w = self.x, self.w
        nf = getattr(self, "next_functions", None)
        gx = None if (nf is not None and nf[0][0] is None) else g @ w
        if nf is not None and nf[1][0] is None:
            gw = None
        elif x.ndim == 1:
            gw = np.multiply.outer(g, x) if w.ndim == 2 else g * x
        else:
            x2 = x.reshape(-1, x.shape[-1])
            g2 = g.reshape(-1, g.shape[-1]) if w.ndim == 2 else g.reshape(-1)
            gw = g2.T @ x2 if w.ndim == 2 else g2 @ x2
        gb = None
        if self.hasb:
            gb = g.reshape(-1, g.shape[-1]).sum(0) if (g.ndim > 1 and w.ndim == 2) else (
                g if g.ndim <= 1 and w.ndim == 2 else g.sum())
        return gx, gw, gb


def linear(input, weight, bias=None):
    return apply(_Linear, input, weight, bias)


class _Bilinear(Op):
    name = "BilinearBackward"
    saves = (0, 1, 2)

    def forward(self, x1, x2, A, b=None):
        if x1.shape[:-1] != x2.shape[:-1]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match: got {x1.shape[:-1]} and {x2.shape[:-1]}")
        if A.shape[1] != x1.shape[-1] or A.shape[2] != x2.shape[-1]:
            raise RuntimeError(
                f"bilinear(): input1 size does not match weight size: got {x1.shape[-1]} but expected {A.shape[1]}")
        self.x1, self.x2, self.A, self.hasb = x1, x2, A, b is not None
        y = np.einsum("...i,kij,...j->...k", x1, A, x2, optimize=True)
        if b is not None:
            y = y + b
        return y

    def backward(self, g):
        x1, x2, A = self.x1, self.x2, self.A
        g1 = np.einsum("...k,kij,...j->...i", g, A, x2, optimize=True)
        g2 = np.einsum("...k,kij,...i->...j", g, A, x1, optimize=True)
        gA = np.einsum("...k,...i,...j->kij", g, x1, x2, optimize=True)
        gb = g.reshape(-1, g.shape[-1]).sum(0) if self.hasb else None
        return g1, g2, gA, gb


def bilinear(input1, input2, weight, bias=None):
    return apply(_Bilinear, input1, input2, weight, bias)


# ---- dropout ------------------------------------------------------------------------------

class _MaskMul(Op):
    name = "MulBackward0"

    def forward(self, x, mask, shift=None, inplace=False):
        self.mask = mask
        y = x * mask
        if shift is not None:
            y = y + shift
        return y.astype(x.dtype, copy=False)

    def backward(self, g):
        return g * self.mask, None


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_mask(x, p, shape):
    if p == 1:
        return np.zeros(shape, dtype=x.dtype)
    # PyTorch: noise = empty_like(x).bernoulli_(1 - p); noise.div_(1 - p)
    keep = _random.bernoulli(1.0 - p, shape)
    return keep.astype(x.dtype) / x.dtype.type(1.0 - p)


def _apply_mask(input, mask, inplace, shift=None):
    if inplace:
        return apply_(_MaskMul, input, _wrap(mask), shift, inplace=True)
    return apply(_MaskMul, input, _wrap(mask), shift)


def dropout(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    return _apply_mask(input, _dropout_mask(x, p, x.shape), inplace)


def _feature_dropout(input, p, training, inplace, name, ranks):
    _check_p(p)
    nd = input.ndim
    if nd not in ranks:
        raise RuntimeError(
            f"{name}: Expected {'2D or 3D' if ranks == (2, 3) else '3D or 4D' if ranks == (3, 4) else '4D or 5D'} "
            f"input, but received a {nd}D input. ")
    if not training or p == 0:
        return input
    x = input._data
    batched = nd == ranks[1]
    shape = x.shape[:2] + (1,) * (nd - 2) if batched else x.shape[:1] + (1,) * (nd - 1)
    return _apply_mask(input, _dropout_mask(x, p, shape), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, "dropout1d", (2, 3))


def dropout2d(input, p=0.5, training=True, inplace=False):
    nd = input.ndim
    if nd not in (3, 4):
        warnings.warn(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and "
                      "will result in an error in a future release.")
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    shape = x.shape[:2] + (1,) * (nd - 2)
    return _apply_mask(input, _dropout_mask(x, p, shape), inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, "dropout3d", (4, 5))


def _alpha(input, p, training, inplace, shape_fn):
    _check_p(p)
    if not training or p == 0:
        return input
    x = input._data
    if p == 1:
        return _apply_mask(input, np.zeros(x.shape, x.dtype), inplace)
    alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    noise = _random.bernoulli(1.0 - p, shape_fn(x)).astype(x.dtype)
    b = ((noise - 1) * (alpha * a) + alpha * a * p).astype(x.dtype)
    return _apply_mask(input, noise * x.dtype.type(a), inplace, shift=b)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _alpha(input, p, training, inplace, lambda x: x.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _alpha(input, p, training, inplace, lambda x: x.shape[:2] + (1,) * (x.ndim - 2))


# ---- embedding ----------------------------------------------------------------------------

class _Embedding(Op):
    name = "EmbeddingBackward0"

    def forward(self, w, idx, padding_idx=None, scale_grad_by_freq=False):
        if idx.dtype.kind not in "iu":
            raise RuntimeError(
                "Expected tensor for argument #1 'indices' to have one of the following scalar "
                f"types: Long, Int; but got torch.{_tname(idx.dtype)}Tensor instead (while checking "
                "arguments for embedding)")
        n = w.shape[0]
        if idx.size and (idx.min() < -n or idx.max() >= n or idx.min() < 0):
            raise IndexError("index out of range in self")
        self.idx, self.shape, self.pad, self.sgf = idx, w.shape, padding_idx, scale_grad_by_freq
        return w[idx]

    def backward(self, g):
        gw = np.zeros(self.shape, dtype=g.dtype)
        idx = self.idx.reshape(-1)
        g2 = g.reshape(-1, self.shape[1])
        if self.sgf:
            counts = np.bincount(idx, minlength=self.shape[0])
            g2 = g2 / counts[idx][:, None]
        np.add.at(gw, idx, g2)
        if self.pad is not None:
            gw[self.pad] = 0
        return gw, None


def _renorm(weight, input, max_norm, norm_type):
    w = weight._data
    rows = np.unique(input._data.reshape(-1))
    sub = w[rows]
    norms = (np.abs(sub) ** norm_type).sum(1) ** (1.0 / norm_type)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    w[rows] = sub * scale[:, None]
    weight._bump()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    if max_norm is not None:
        _renorm(weight, input, max_norm, norm_type)
    return apply(_Embedding, weight, input, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    if input.ndim == 2:
        B, L = input.shape
        offs = list(range(0, B * L, L))
        flat = input._data.reshape(-1)
    else:
        flat = input._data
        offs = [int(o) for o in offsets._data.reshape(-1)]
        if include_last_offset:
            offs = offs[:-1]
    return apply(_EmbBag, weight, _wrap(flat), offs=offs, mode=mode,
                 psw=None if per_sample_weights is None else per_sample_weights._data,
                 padding_idx=padding_idx)


class _EmbBag(Op):
    name = "EmbeddingBagBackward0"

    def forward(self, w, idx, offs=None, mode="mean", psw=None, padding_idx=None):
        n = len(idx)
        bounds = list(offs) + [n]
        out = np.zeros((len(offs), w.shape[1]), w.dtype)
        self.bags = []
        for i in range(len(offs)):
            ids = idx[bounds[i]:bounds[i + 1]]
            keep = ids != padding_idx if padding_idx is not None else np.ones(len(ids), bool)
            ids_k = ids[keep]
            rows = w[ids_k]
            sw = psw[bounds[i]:bounds[i + 1]][keep] if psw is not None else None
            if sw is not None:
                rows = rows * sw[:, None]
            if len(ids_k) == 0:
                self.bags.append((ids_k, None, sw))
                continue
            if mode == "sum":
                out[i] = rows.sum(0)
            elif mode == "mean":
                out[i] = rows.mean(0)
            else:
                am = rows.argmax(0)
                out[i] = rows[am, np.arange(w.shape[1])]
                self.bags.append((ids_k, am, sw))
                continue
            self.bags.append((ids_k, None, sw))
        self.shape, self.mode = w.shape, mode
        return out

    def backward(self, g):
        gw = np.zeros(self.shape, g.dtype)
        for i, (ids, am, sw) in enumerate(self.bags):
            if len(ids) == 0:
                continue
            if self.mode == "max":
                np.add.at(gw, (ids[am], np.arange(self.shape[1])), g[i])
                continue
            gi = g[i] / len(ids) if self.mode == "mean" else g[i]
            rows = np.broadcast_to(gi, (len(ids), self.shape[1]))
            if sw is not None:
                rows = rows * sw[:, None]
            np.add.at(gw, ids, rows)
        return gw, None


# ---- misc ---------------------------------------------------------------------------------

def one_hot(tensor, num_classes=-1):
    a = tensor._data
    if a.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(a.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, a[..., None], 1, axis=-1)
    return _wrap(out)


class _Normalize(Op):
    name = "DivBackward0"
    saves = (0,)

    def forward(self, x, p, dim, eps):
        ax = np.abs(x)
        if p == 2:
            n = np.sqrt((x * x).sum(axis=dim, keepdims=True))
        elif p == float("inf"):
            n = ax.max(axis=dim, keepdims=True)
        else:
            n = (ax ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        d = np.maximum(n, np.asarray(eps, x.dtype))
        self.x, self.n, self.d, self.p, self.dim, self.eps = x, n, d, p, dim, eps
        return (x / d).astype(x.dtype, copy=False)

    def backward(self, g):
        x, n, d, p, dim = self.x, self.n, self.d, self.p, self.dim
        s = (g * x).sum(axis=dim, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            if p == 2:
                dn = x / np.where(n > 0, n, 1)
            elif p == float("inf"):
                ax = np.abs(x)
                dn = np.sign(x) * (ax == n) / np.maximum((ax == n).sum(axis=dim, keepdims=True), 1)
            else:
                dn = np.sign(x) * np.abs(x) ** (p - 1) / np.where(n > 0, n, 1) ** (p - 1)
        act = n > self.eps
        gx = g / d - np.where(act, s / (d * d) * dn, 0)
        return gx.astype(g.dtype, copy=False)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    dim = wrap_dim(dim, input.ndim)
    return apply(_Normalize, input, p=p, dim=dim, eps=eps)


class _CosSim(Op):
    name = "SumBackward1"
    saves = (0, 1)

    def forward(self, x1, x2, dim, eps):
        x1, x2 = np.broadcast_arrays(x1, x2)
        n1 = np.maximum(np.sqrt((x1 * x1).sum(axis=dim, keepdims=True)), eps)
        n2 = np.maximum(np.sqrt((x2 * x2).sum(axis=dim, keepdims=True)), eps)
        c = ((x1 / n1) * (x2 / n2)).sum(axis=dim, keepdims=True)
        self.s = (x1, x2, n1, n2, c, dim)
        return np.squeeze(c, axis=dim).astype(x1.dtype, copy=False)

    def backward(self, g):
        x1, x2, n1, n2, c, dim = self.s
        g = np.expand_dims(g, dim)
        g1 = g * (x2 / (n1 * n2) - c * x1 / (n1 * n1))
        g2 = g * (x1 / (n1 * n2) - c * x2 / (n2 * n2))
        return g1, g2


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    nd = max(x1.ndim, x2.ndim)
    return apply(_CosSim, x1, x2, dim=wrap_dim(dim, nd), eps=eps)


class _PDist(Op):
    name = "NormBackward1"
    saves = (0, 1)

    def forward(self, x1, x2, p, eps, keepdim):
        d = x1 - x2 + eps
        dim = -1 if d.ndim else None
        ad = np.abs(d)
        if p == 2:
            n = np.sqrt((d * d).sum(axis=dim, keepdims=True))
        elif p == float("inf"):
            n = ad.max(axis=dim, keepdims=True)
        elif p == 0:
            n = (ad != 0).sum(axis=dim, keepdims=True).astype(d.dtype)
        else:
            n = (ad ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        self.d, self.n, self.p, self.keepdim = d, n, p, keepdim
        return n if keepdim else np.squeeze(n, axis=-1) if n.ndim else n

    def backward(self, g):
        d, n, p = self.d, self.n, self.p
        if not self.keepdim and d.ndim:
            g = g[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            nz = np.where(n > 0, n, 1)
            if p == 2:
                gd = g * d / nz
            elif p == float("inf"):
                ad = np.abs(d)
                gd = g * np.sign(d) * (ad == n) / np.maximum((ad == n).sum(-1, keepdims=True), 1)
            elif p == 0:
                gd = np.zeros_like(d)
            else:
                gd = g * np.sign(d) * np.abs(d) ** (p - 1) / nz ** (p - 1)
        gd = np.where(n > 0, gd, 0)
        return gd, -gd


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return apply(_PDist, x1, x2, p=p, eps=eps, keepdim=keepdim)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    if distance_function is None:
        return triplet_margin_loss(anchor, positive, negative, margin=margin, swap=swap,
                                   reduction=reduction)
    dp = distance_function(anchor, positive)
    dn = distance_function(anchor, negative)
    if swap:
        ds = distance_function(positive, negative)
        from .. import minimum
        dn = minimum(dn, ds)
    v = relu(dp - dn + margin)
    if reduction == "mean":
        return v.mean()
    if reduction == "sum":
        return v.sum()
    return v


def softmax2d(input):
    return softmax(input, -3)


def pdist(input, p=2):
    """Distances between the rows of ``input`` (N, M): the upper triangle, (N*(N-1)/2,)."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from .. import triu_indices
    i, j = triu_indices(input.shape[0], input.shape[0], 1)
    return (input[i] - input[j]).norm(p, dim=1)


# ---- attention ----------------------------------------------------------------------------

def _float_mask(mask, dtype, name, other_name=None, other=None):
    """A boolean mask (True = masked out) as an additive float mask of ``dtype``."""
    if mask is None:
        return None
    if mask.dtype == D.bool:
        from .. import zeros
        return zeros(mask.shape, dtype=dtype).masked_fill_(mask, float("-inf"))
    if not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(Q K^T * scale + mask) V over the last two dims.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev). A boolean
    ``attn_mask`` marks with True the positions that TAKE PART (the opposite of
    ``MultiheadAttention``'s masks); a float mask is added to the scores."""
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        key = key.repeat_interleave(query.shape[-3] // key.shape[-3], -3)
        value = value.repeat_interleave(query.shape[-3] // value.shape[-3], -3)
    scores = (query @ key.transpose(-2, -1)) * scale
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        from .. import ones
        keep = ones(L, S, dtype=D.bool).tril(0)
        scores = scores.masked_fill(keep.logical_not(), float("-inf"))
    elif attn_mask is not None:
        if attn_mask.dtype == D.bool:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    w = softmax(scores, -1)
    if dropout_p > 0.0:
        w = dropout(w, dropout_p, training=True)
    return w @ value


def multi_head_attention_forward(
        query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
        bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
        training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
        use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
        v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
        is_causal=False):
    """The functional form of ``nn.MultiheadAttention``: sequence-first inputs
    query (L, N, E) or unbatched (L, E); returns (output, weights or None)."""
    from .. import cat, zeros
    unbatched = query.dim() == 2
    if unbatched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, "
                             f"but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if key.shape[:2] != value.shape[:2]:
        raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                             f"{tuple(value.shape)}")
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask.")
    # projections
    if not use_separate_proj_weight:
        b = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
        wq, wk, wv = in_proj_weight.chunk(3)
    else:
        wq, wk, wv = q_proj_weight, k_proj_weight, v_proj_weight
        b = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
    q, k, v = linear(query, wq, b[0]), linear(key, wk, b[1]), linear(value, wv, b[2])
    dt = q.dtype
    attn_mask = _float_mask(attn_mask, dt, "attn_mask")
    key_padding_mask = _float_mask(key_padding_mask, dt, "key_padding_mask")
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but should be {(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but should be {(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    # (L, N, E) -> (N*heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = (static_k if static_k is not None else
         k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1))
    v = (static_v if static_v is not None else
         v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1))
    if add_zero_attn:
        k = cat([k, zeros((bsz * num_heads, 1, head_dim), dtype=dt)], dim=1)
        v = cat([v, zeros((bsz * num_heads, 1, head_dim), dtype=dt)], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                                 f"{tuple(key_padding_mask.shape)}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
    if attn_mask is not None:
        scores = scores + attn_mask
    w = softmax(scores, -1)
    if dropout_p > 0.0:
        w = dropout(w, dropout_p)
    out = (w @ v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    weights = None
    if need_weights:
        weights = w.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if unbatched:
            weights = weights.squeeze(0)
    if unbatched:
        out = out.squeeze(1)
    return out, weights


# ---- multi-class margin losses, channel shuffle, gumbel softmax ---------------------------

def _reduce_loss(loss, reduction):
    from ..ops.loss import _check_red
    _check_red(reduction)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """input (N, C) or (C,), target (N,) class indices -> per-sample
    ``sum_{i != y} w[y] * max(0, margin - x[y] + x[i])^p / C``."""
    from ..ops.loss import _reduction
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    x = input if input.dim() > 0 else input.reshape(1)
    unbatched = x.dim() == 1
    x2 = x.reshape(1, -1) if unbatched else x
    N, C = x2.shape
    t = target._data.reshape(-1)
    if input.dim() > 2 or t.shape[0] != N or (not unbatched and target.dim() != 1):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{N}], but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    if t.size and (t.min() < 0 or t.max() >= C):
        raise RuntimeError("target out of range")
    rows = np.arange(N)
    xy = x2[rows, t].reshape(N, 1)
    z = relu(margin - xy + x2)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[_wrap(t)].reshape(N, 1)
    other = np.ones((N, C), dtype=x2._data.dtype)
    other[rows, t] = 0
    loss = (z * _wrap(other)).sum(1) / C
    if unbatched and target.dim() == 0:
        loss = loss.reshape(())
    return _reduce_loss(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """input (N, C) or (C,), target of the same shape holding class indices, cut at the
    first -1 -> ``sum_{j in y, i not in y} max(0, 1 - (x[j] - x[i])) / C`` per sample."""
    from ..ops.loss import _reduction
    reduction = _reduction(size_average, reduce, reduction)
    unbatched = input.dim() <= 1
    x2 = input.reshape(1, -1) if unbatched else input
    t = target._data.reshape(1, -1) if unbatched else target._data
    if input.dim() > 2 or tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    N, C = x2.shape
    valid = np.cumprod(t != -1, axis=1).astype(bool)          # target slots before the first -1
    if (t[valid] < 0).any() or (t[valid] >= C).any():
        raise RuntimeError("argument #2 'target' is out of range")
    tc = np.where(valid, t, 0)
    is_target = np.zeros((N, C), bool)
    rows = np.broadcast_to(np.arange(N)[:, None], tc.shape)
    is_target[rows[valid], tc[valid]] = True
    xt = x2[_wrap(rows), _wrap(tc)]                              # (N, C) target-slot scores
    term = relu(1 - xt.unsqueeze(2) + x2.unsqueeze(1))
    mask = (valid[:, :, None] & ~is_target[:, None, :]).astype(x2._data.dtype)
    loss = (term * _wrap(mask)).sum((1, 2)) / C
    if unbatched:
        loss = loss.reshape(() if input.dim() <= 1 else (1,))
    return _reduce_loss(loss, reduction)


def channel_shuffle(input, groups):
    """(N, C, *) -> (N, C, *): channels viewed as (groups, C/groups), transposed."""
    if groups <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    C = input.shape[1]
    if C % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {C} channels "
                           f"and {groups} groups.")
    n = input.shape[0]
    rest = tuple(input.shape[2:])
    return input.reshape((n, groups, C // groups) + rest).transpose(1, 2) \
        .reshape((n, C) + rest)


native_channel_shuffle = channel_shuffle


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Samples from Gumbel-softmax(logits / tau) along ``dim``; ``hard`` returns one-hot
    vectors with the soft sample's gradient (straight-through)."""
    from .. import empty_like, zeros_like
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place ``rrelu``: slopes drawn from U(lower, upper) in training, else their mean."""
    if not training:
        return leaky_relu_(input, (lower + upper) / 2)
    a = input._data
    return input.mul_(_wrap(_random.rrelu_slopes(a, lower, upper)))
