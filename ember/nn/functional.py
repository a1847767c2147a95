"""``ember.nn.functional``: the functional form of every layer."""
import math

import numpy as np

from .._tensor import Tensor, _wrap  # noqa: F401  (torch.nn.functional.Tensor exists too)
from .. import _dtype as D
from .. import _random
from ..ops.activation import *  # noqa: F401,F403
from ..ops.softmax import *  # noqa: F401,F403
from ..ops.softmax import _softmax_dim  # noqa: F401
from ..ops.normalization import *  # noqa: F401,F403
from ..ops.loss import *  # noqa: F401,F403
from ..ops.loss_margin import *  # noqa: F401,F403
from ..ops.linear import *  # noqa: F401,F403
from ..ops.dropout import *  # noqa: F401,F403
from ..ops.embedding import *  # noqa: F401,F403
from ..ops.distance import *  # noqa: F401,F403
from ..ops.conv import *  # noqa: F401,F403
from ..ops.pooling import *  # noqa: F401,F403
from ..ops.unpooling import *  # noqa: F401,F403
from ..ops.fractional_pool import *  # noqa: F401,F403
from ..ops.aten_aliases import linear_cross_entropy  # noqa: F401
from ..ops.ctc import ctc_loss  # noqa: F401
from ..ops.sampling import *  # noqa: F401,F403
from ..ops.joining import channel_shuffle  # noqa: F401


# ---- misc ---------------------------------------------------------------------------------

def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """Triplet loss ``max(d(a, p) - d(a, n) + margin, 0)`` with any distance function ``d``.

    Args:
        anchor (Tensor): anchors.
        positive (Tensor): positives, same shape.
        negative (Tensor): negatives, same shape.
        distance_function (callable, optional): ``d(x, y)`` returning one distance per pair; ``None`` means
            :func:`pairwise_distance`. Default: ``None``.
        margin (float): the required gap. Default: ``1.0``.
        swap (bool): use ``min(d(a, n), d(p, n))`` as the negative distance. Default: ``False``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> a = ember.tensor([[0., 0.]])
        >>> l1 = lambda x, y: (x - y).abs().sum(-1)
        >>> F.triplet_margin_with_distance_loss(a, a + 1, a - 2, distance_function=l1)
        tensor(0.)
    """
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
    """Softmax over the channels (dim -3) of each spatial location.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.

    Shape:
        Input: ``(N, C, H, W)`` or ``(C, H, W)``. Output: the same shape.

    Example:
        >>> import ember.nn.functional as F
        >>> F.softmax2d(ember.zeros(1, 2, 1, 1))
        tensor([[[[0.5000]],
        <BLANKLINE>
                 [[0.5000]]]])
    """
    return softmax(input, -3)


# ---- attention ----------------------------------------------------------------------------

def _float_mask(mask, dtype, name, other_name=None, other=None):
    """A boolean mask (True = masked out) as an additive float mask of ``dtype``."""
    if mask is None:
        return None
    if mask.dtype == D.bool:
        from .. import zeros
        return zeros(mask.shape, dtype=dtype).masked_fill(mask, float("-inf"))   # out of place: traceable
    if not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """Attention ``softmax(query @ key.T * scale + mask) @ value`` over the last two dims.

    A boolean ``attn_mask`` marks with True the positions that TAKE PART (the opposite of
    ``MultiheadAttention``'s masks); a float mask is added to the scores.

    Args:
        query (Tensor): ``(*, L, E)``.
        key (Tensor): ``(*, S, E)``.
        value (Tensor): ``(*, S, Ev)``.
        attn_mask (Tensor, optional): boolean or float, broadcastable to ``(*, L, S)``. Default: ``None``.
        dropout_p (float): dropout probability on the attention weights. Default: ``0.0``.
        is_causal (bool): mask out the keys after each query's position. Default: ``False``.
        scale (float, optional): the scores' factor; ``None`` means ``1 / sqrt(E)``. Default: ``None``.
        enable_gqa (bool): let ``key``/``value`` have fewer heads (dim -3) than ``query``, shared by groups.
            Default: ``False``.

    Shape:
        Output: ``(*, L, Ev)``.

    Example:
        >>> import ember.nn.functional as F
        >>> q = ember.tensor([[[1., 0.], [0., 1.]]])
        >>> v = ember.tensor([[[1., 2.], [3., 4.]]])
        >>> F.scaled_dot_product_attention(q, q, v, scale=100.)
        tensor([[[1., 2.],
                 [3., 4.]]])
        >>> F.scaled_dot_product_attention(q, q, v, is_causal=True)
        tensor([[[1.0000, 2.0000],
                 [2.3395, 3.3395]]])
    """
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
        scores = scores.masked_fill(ones(L, S, dtype=D.bool).triu(1), float("-inf"))   # recorded ops
    elif attn_mask is not None:
        if attn_mask.dtype == D.bool:   # -inf where False, as recorded ops (traceable with the mask)
            from .. import full
            scores = scores + full(attn_mask.shape, float("-inf"), dtype=scores.dtype).masked_fill(attn_mask, 0.0)
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
    """The functional form of :class:`nn.MultiheadAttention`: projects, splits into heads, attends, merges,
    projects back.

    Inputs are sequence-first, ``(L, N, E)``, or unbatched ``(L, E)``; returns ``(output, weights or None)``.

    Args:
        query (Tensor): ``(L, N, E)`` or ``(L, E)``.
        key (Tensor): ``(S, N, E_k)`` or ``(S, E_k)``.
        value (Tensor): ``(S, N, E_v)`` or ``(S, E_v)``.
        embed_dim_to_check (int): the expected ``E``.
        num_heads (int): number of heads; must divide ``E``.
        in_proj_weight (Tensor, optional): the packed ``(3E, E)`` q/k/v projection.
        in_proj_bias (Tensor, optional): the packed ``(3E,)`` projection bias.
        bias_k (Tensor, optional): a ``(1, 1, E)`` row appended to the keys.
        bias_v (Tensor, optional): a ``(1, 1, E)`` row appended to the values.
        add_zero_attn (bool): append a row of zeros to the keys and values.
        dropout_p (float): dropout probability on the attention weights.
        out_proj_weight (Tensor): the ``(E, E)`` output projection.
        out_proj_bias (Tensor, optional): its ``(E,)`` bias.
        training (bool): apply dropout. Default: ``True``.
        key_padding_mask (Tensor, optional): ``(N, S)``; True (or a float added) marks keys to ignore.
            Default: ``None``.
        need_weights (bool): also return the attention weights. Default: ``True``.
        attn_mask (Tensor, optional): ``(L, S)`` or ``(N * num_heads, L, S)``; True marks pairs to ignore.
            Default: ``None``.
        use_separate_proj_weight (bool): use ``q/k/v_proj_weight`` instead of ``in_proj_weight``. Default: ``False``.
        q_proj_weight (Tensor, optional): ``(E, E)``. Default: ``None``.
        k_proj_weight (Tensor, optional): ``(E, E_k)``. Default: ``None``.
        v_proj_weight (Tensor, optional): ``(E, E_v)``. Default: ``None``.
        static_k (Tensor, optional): ready-made keys, ``(N * num_heads, S, E / num_heads)``. Default: ``None``.
        static_v (Tensor, optional): ready-made values, ``(N * num_heads, S, E / num_heads)``. Default: ``None``.
        average_attn_weights (bool): average the returned weights over the heads. Default: ``True``.
        is_causal (bool): hint that ``attn_mask`` is the causal mask. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> m = nn.MultiheadAttention(4, 2)
        >>> x = ember.randn(3, 1, 4)
        >>> out, w = F.multi_head_attention_forward(x, x, x, 4, 2, m.in_proj_weight, m.in_proj_bias, None, None,
        ...                                         False, 0., m.out_proj.weight, m.out_proj.bias)
        >>> out.shape, w.shape
        (torch.Size([3, 1, 4]), torch.Size([1, 3, 3]))
    """
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
    """Multi-class hinge loss: per sample, ``sum over i != y of w[y] * max(0, margin - x[y] + x[i]) ** p / C``.

    Args:
        input (Tensor): scores, ``(N, C)`` or ``(C,)``.
        target (Tensor): class indices, ``(N,)`` or ``()``.
        p (int): ``1`` or ``2``. Default: ``1``.
        margin (float): the required gap. Default: ``1.0``.
        weight (Tensor, optional): a weight per class, ``(C,)``. Default: ``None``.
        size_average (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per sample), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
        tensor(0.3250)
    """
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
    """Multi-label hinge loss: per sample, ``sum over j in y, i not in y of max(0, 1 - (x[j] - x[i])) / C``.

    Args:
        input (Tensor): scores, ``(N, C)`` or ``(C,)``.
        target (Tensor): the same shape; each row lists the target class indices, ended by the first ``-1``.
        size_average (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per sample), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
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


native_channel_shuffle = channel_shuffle


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Draws a relaxed one-hot sample: ``softmax((logits + gumbel_noise) / tau)`` along ``dim``.

    With ``hard=True`` the result is the one-hot vector of the sample's argmax, carrying the soft sample's
    gradient (straight-through).

    Args:
        logits (Tensor): unnormalised log-probabilities.
        tau (float): the temperature; small values approach one-hot samples. Default: ``1``.
        hard (bool): return one-hot vectors. Default: ``False``.
        eps (float): unused, kept for compatibility. Default: ``1e-10``.
        dim (int): the dimension of the categories. Default: ``-1``.

    Shape:
        Output: the shape of ``logits``.

    Example:
        >>> import ember.nn.functional as F
        >>> y = F.gumbel_softmax(ember.tensor([[1., 2., 3.]]), tau=0.5)
        >>> y.sum()
        tensor(1.)
        >>> F.gumbel_softmax(ember.tensor([[0., 0., 9.]]), hard=True)
        tensor([[0., 0., 1.]])
    """
    from .. import empty_like, zeros_like
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place :func:`rrelu`: slopes drawn from ``U(lower, upper)`` in training, else ``(lower + upper) / 2``.

    Args:
        input (Tensor): the input, overwritten.
        lower (float): smallest slope. Default: ``1/8``.
        upper (float): largest slope. Default: ``1/3``.
        training (bool): draw random slopes. Default: ``False``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.rrelu_(ember.tensor([-4., 2.]), 0.25, 0.75)
        tensor([-2.,  2.])
    """
    if not training:
        return leaky_relu_(input, (lower + upper) / 2)
    a = input._data
    return input.mul_(_wrap(_random.rrelu_slopes(a, lower, upper)))
