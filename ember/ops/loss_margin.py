"""Margin and embedding losses: cosine_embedding, margin_ranking, hinge_embedding, soft_margin,
triplet_margin and multilabel_soft_margin, each with a hand-written backward."""

import numpy as np

from .._tensor import _wrap
from ._apply import Op, apply
from .loss import _check_red, _pw, _reduction

__all__ = ["cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
           "triplet_margin_loss", "multilabel_soft_margin_loss"]


class _CosEmb(Op):
    name = "CosineEmbeddingLossBackward"
    saves = (0, 1)

    def forward(self, x1, x2, y, margin, reduction):
        dim = x1.ndim - 1
        eps = 1e-12
        prod = (x1 * x2).sum(axis=dim)
        m1 = (x1 * x1).sum(axis=dim) + eps
        m2 = (x2 * x2).sum(axis=dim) + eps
        denom = np.sqrt(m1 * m2)
        cos = prod / denom
        pos = y == 1
        neg = y == -1
        L = np.where(pos, 1 - cos, 0) + np.where(neg, np.maximum(cos - margin, 0), 0)
        dcos = np.where(pos, -1.0, 0) + np.where(neg & (cos - margin > 0), 1.0, 0)
        self.args = (x1, x2, cos, m1, m2, denom, dcos.astype(x1.dtype), dim)
        self.reduction, self.n = reduction, L.size
        if reduction == "none":
            return L.astype(x1.dtype)
        s = L.sum()
        if reduction == "mean":
            s = s / L.size
        return np.asarray(s, dtype=x1.dtype)

    def backward(self, g):
        x1, x2, cos, m1, m2, denom, dcos, dim = self.args
        if self.reduction == "mean":
            g = g / self.n
        c = g * dcos
        c = c[..., None] if dim else c
        cs, d = cos[..., None] if dim else cos, denom[..., None] if dim else denom
        mm1, mm2 = (m1[..., None], m2[..., None]) if dim else (m1, m2)
        gx1 = c * (x2 / d - cs * x1 / mm1)
        gx2 = c * (x1 / d - cs * x2 / mm2)
        return gx1, gx2, None

    def backward_ops(self, g):
        """The loss is piecewise linear in cos (slope ``dcos``): cos's own derivatives, weighted."""
        from ._apply import composite_backward

        x1, x2, dcos, dim = self.args[0], self.args[1], self.args[6], self.args[7]
        if self.reduction == "mean":
            g = g / self.n
        cos = lambda a, b: (a * b).sum(dim) / ((a * a).sum(dim).add(1e-12) * (b * b).sum(dim).add(1e-12)).sqrt()  # noqa: E731
        ins = (self.saved_input(0, x1), self.saved_input(1, x2))
        return composite_backward(cos, ins, (g * _wrap(dcos),)) + (None,)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """Cosine embedding loss: ``1 - cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) - margin)`` where ``y = -1``.

    Args:
        input1 (Tensor): first embeddings, ``(N, D)`` or ``(D)``.
        input2 (Tensor): second embeddings, same shape.
        target (Tensor): ``1`` or ``-1`` per pair, ``(N)`` or ``()``.
        margin (float): in ``[-1, 1]``. Default: ``0``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> a = ember.tensor([[1., 0.], [1., 1.]])
        >>> b = ember.tensor([[0., 1.], [1., 1.]])
        >>> F.cosine_embedding_loss(a, b, ember.tensor([1, -1]), reduction='none')
        tensor([1., 1.])
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_red(reduction)
    if input1.ndim not in (1, 2):
        raise RuntimeError(
            f"0D target tensor expects 1D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}.")
    return apply(_CosEmb, input1, input2, target, margin=margin, reduction=reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """Ranking loss ``max(0, -y * (x1 - x2) + margin)``: ``y = 1`` asks ``x1`` to rank above ``x2``, ``y = -1`` below.

    Args:
        input1 (Tensor): first scores.
        input2 (Tensor): second scores, same shape.
        target (Tensor): ``1`` or ``-1``, same shape.
        margin (float): the required gap. Default: ``0``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> x1, x2 = ember.tensor([1., 2.]), ember.tensor([2., 0.])
        >>> F.margin_ranking_loss(x1, x2, ember.tensor([1., 1.]), margin=0.5, reduction='none')
        tensor([1.5000, 0.0000])
    """
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")

    def fn(x1, x2, y):
        v = -y * (x1 - x2) + margin
        act = (v > 0).astype(x1.dtype)
        return np.maximum(v, 0), -y * act, y * act
    return _pw("MarginRankingLossBackward", input1, input2, fn, reduction, target._data,
               warn=False, dxy="const")


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """Hinge embedding loss: ``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1`` (``x``: often a distance).

    Args:
        input (Tensor): the inputs (e.g. distances).
        target (Tensor): ``1`` or ``-1``, same shape.
        margin (float): the margin for ``y = -1``. Default: ``1.0``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.hinge_embedding_loss(ember.tensor([0.3, 0.3, 2.]), ember.tensor([1., -1., -1.]), reduction='none')
        tensor([0.3000, 0.7000, 0.0000])
    """
    reduction = _reduction(size_average, reduce, reduction)

    def fn(x, y):
        # torch: the margin term wherever target != 1, the input term wherever target != -1
        L = np.where(y != -1, x, 0) + np.where(y != 1, np.maximum(margin - x, 0), 0)
        dx = np.where(y != -1, 1.0, 0) + np.where((y != 1) & (margin - x > 0), -1.0, 0)
        return L, dx.astype(x.dtype), None
    return _pw("HingeEmbeddingLossBackward", input, target, fn, reduction, warn=False, dxy="const")


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Two-class logistic loss ``log(1 + exp(-y * x))`` with targets ``y`` in ``{1, -1}``.

    Args:
        input (Tensor): the scores.
        target (Tensor): ``1`` or ``-1``, same shape.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.soft_margin_loss(ember.tensor([0., 2.]), ember.tensor([1., -1.]))
        tensor(1.4100)
    """
    reduction = _reduction(size_average, reduce, reduction)

    def fn(x, y):
        z = -y * x
        L = np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)
        s = 1 / (1 + np.exp(-z))
        return L, -y * s, -x * s

    def dxy(x, y):
        s = (-y * x).sigmoid()
        return -y * s, -x * s
    return _pw("SoftMarginLossBackward0", input, target, fn, reduction, warn=False, dxy=dxy)


class _Triplet(Op):
    name = "TripletMarginLossBackward"
    saves = (0, 1, 2)

    def forward(self, a, p, n, margin, pn, eps, swap, reduction):
        def dist(x, y):
            d = x - y + eps
            nr = (np.abs(d) ** pn).sum(axis=-1) ** (1.0 / pn)
            gd = np.sign(d) * np.abs(d) ** (pn - 1) / np.maximum(nr, 1e-30)[..., None] ** (pn - 1)
            return nr, gd
        dap, gap = dist(a, p)
        dan, gan = dist(a, n)
        use_pn = None
        if swap:
            dpn, gpn = dist(p, n)
            use_pn = dpn < dan
            dan = np.where(use_pn, dpn, dan)
            self.gpn = gpn
        v = dap - dan + margin
        act = (v > 0).astype(a.dtype)
        L = np.maximum(v, 0)
        self.s = (gap, gan, act, use_pn)
        self.args = (a, p, n, margin, pn, eps, swap)
        self.reduction, self.n = reduction, L.size
        if reduction == "none":
            return L.astype(a.dtype)
        s = L.sum()
        if reduction == "mean":
            s = s / L.size
        return np.asarray(s, dtype=a.dtype)

    def backward(self, g):
        gap, gan, act, use_pn = self.s
        if self.reduction == "mean":
            g = g / self.n
        c = (g * act)[..., None]
        ga = c * gap
        gp = -c * gap
        gn = np.zeros_like(gan)
        if use_pn is None:
            ga = ga - c * gan
            gn = c * gan
        else:
            u = use_pn[..., None]
            ga = ga - np.where(u, 0, c * gan)
            gn = np.where(u, c * self.gpn, c * gan)
            gp = gp - np.where(u, c * self.gpn, 0)
        return ga, gp, gn

    def backward_ops(self, g):
        """The loss written with ember ops (torch's composite), differentiated on the graph."""
        from ._apply import composite_backward

        a, p, n, margin, pn, eps, swap = self.args
        red = self.reduction

        def loss(a, p, n):
            def dist(x, y):
                return (x - y + eps).norm(pn, -1)
            dan = dist(a, n)
            if swap:
                dan = dan.minimum(dist(p, n))
            L = (dist(a, p) - dan + margin).clamp(min=0)
            return L.mean() if red == "mean" else L.sum() if red == "sum" else L
        ins = tuple(self.saved_input(i, x) for i, x in enumerate((a, p, n)))
        return composite_backward(loss, ins, (g,))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """Triplet loss ``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the p-norm distance between rows.

    Args:
        anchor (Tensor): anchors, ``(N, D)`` or ``(D)``.
        positive (Tensor): positives, same shape.
        negative (Tensor): negatives, same shape.
        margin (float): the required gap. Default: ``1.0``.
        p (float): the norm's degree. Default: ``2``.
        eps (float): added to the differences for stability. Default: ``1e-6``.
        swap (bool): use ``min(d(a, n), d(p, n))`` as the negative distance. Default: ``False``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> a = ember.tensor([[0., 0.]])
        >>> F.triplet_margin_loss(a, ember.tensor([[1., 0.]]), ember.tensor([[0., 1.5]]), p=1, eps=0.)
        tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return apply(_Triplet, anchor, positive, negative, margin=margin, pn=p, eps=eps, swap=swap,
                 reduction=reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Multi-label logistic loss: the binary cross-entropy on logits of each class, averaged over the classes.

    Args:
        input (Tensor): logits, ``(N, C)``.
        target (Tensor): ``0`` or ``1`` per class, ``(N, C)``.
        weight (Tensor, optional): a weight per class, ``(C,)``. Default: ``None``.
        size_average, reduce (bool, optional): deprecated, use ``reduction``. Default: ``None``.
        reduction (str): ``'none'`` (one loss per element), ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.multilabel_soft_margin_loss(ember.tensor([[0., 2., -1.]]), ember.tensor([[1., 1., 0.]]))
        tensor(0.3778)
    """
    reduction = _reduction(size_average, reduce, reduction)
    C = input.shape[-1]

    def fn(x, y):
        ls_p = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        ls_n = np.minimum(-x, 0) - np.log1p(np.exp(-np.abs(x)))
        L = -(y * ls_p + (1 - y) * ls_n)
        if weight is not None:
            L = L * weight._data
        sp = 1 / (1 + np.exp(-x))
        dx = sp - y
        if weight is not None:
            dx = dx * weight._data
        dy = -(ls_p - ls_n)
        if weight is not None:
            dy = dy * weight._data
        Lr = L.sum(axis=-1) / C
        return Lr, dx / C, dy / C
    return apply(_MLSM, input, target, fn=fn, reduction=reduction,
                 w=None if weight is None else weight._data)


class _MLSM(Op):
    name = "MultilabelSoftMarginLossBackward"
    saves = (0,)

    def forward(self, x, y, fn=None, reduction="mean", w=None):
        Lr, dx, dy = fn(x, y)
        self.x, self.y, self.w, self.dy = x, y, w, dy
        self.dx, self.reduction, self.n = dx, reduction, Lr.size
        if reduction == "none":
            return Lr.astype(x.dtype)
        s = Lr.sum()
        if reduction == "mean":
            s = s / Lr.size
        return np.asarray(s, dtype=x.dtype)

    def backward(self, g):
        if self.reduction == "mean":
            g = g / self.n
        if self.reduction == "none":
            g = g[..., None]
        return g * self.dx, g * self.dy

    def backward_ops(self, g):
        """``dL/dx = (sigmoid(x) - y) * w / C`` and ``dL/dy = -x * w / C`` with ember ops."""
        x, y = self.saved_input(0, self.x), self.saved_input(1, self.y)
        if self.reduction == "mean":
            g = g / self.n
        if self.reduction == "none":
            g = g.unsqueeze(-1)
        c = 1.0 / self.x.shape[-1]
        if self.w is not None:
            c = _wrap(self.w * c)
        return g * ((x.sigmoid() - y) * c), g * (-x * c)
