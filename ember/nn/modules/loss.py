from ...ops.loss import _reduction
from .. import functional as F
from .module import Module

__all__ = ["L1Loss", "NLLLoss", "NLLLoss2d", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss",
           "MSELoss", "BCELoss", "BCEWithLogitsLoss", "HingeEmbeddingLoss",
           "MultiLabelSoftMarginLoss", "SmoothL1Loss", "HuberLoss", "SoftMarginLoss",
           "CrossEntropyLoss", "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss",
           "TripletMarginWithDistanceLoss", "MultiMarginLoss", "MultiLabelMarginLoss", "CTCLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = _reduction(size_average, reduce, reduction)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.weight = weight


class L1Loss(_Loss):
    """Mean absolute error between input and target: :math:`|x_n - y_n|`, reduced.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> x = ember.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], requires_grad=True)
        >>> y = ember.tensor([[1.0, -1.0, 0.0], [1.0, 1.0, 0.0]])
        >>> loss = nn.L1Loss()(x, y)
        >>> loss
        tensor(0.7500, grad_fn=<L1LossBackward0>)
        >>> loss.backward()
        >>> x.grad
        tensor([[-0.1667,  0.0000,  0.1667],
                [ 0.1667, -0.1667, -0.1667]])
    """
    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log likelihood of class indices, given log-probabilities (e.g. from ``LogSoftmax``).

    Args:
        weight (Tensor, optional): a rescaling weight per class, shape :math:`(C)`.
        ignore_index (int): a target value that contributes nothing. Default: -100.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(N, C)`, :math:`(C)` or :math:`(N, C, d_1, ..., d_K)`: log-probabilities.
        - Target: :math:`(N)` or :math:`(N, d_1, ..., d_K)`, class indices in :math:`[0, C)`.
        - Output: a scalar; with ``reduction='none'``, the target's shape.

    Example:
        >>> logp = nn.LogSoftmax(dim=1)(ember.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]))
        >>> nn.NLLLoss()(logp, ember.tensor([0, 2]))
        tensor(0.1755)
    """
    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


NLLLoss2d = NLLLoss


class PoissonNLLLoss(_Loss):
    r"""Negative log likelihood of a Poisson target: :math:`e^x - y x` with ``log_input``.

    Args:
        log_input (bool): the input is the log of the rate. Default: True.
        full (bool): add the Stirling term :math:`y \log y - y + \frac12 \log(2 \pi y)`. Default: False.
        eps (float): avoids :math:`\log 0` when ``log_input=False``. Default: 1e-8.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> nn.PoissonNLLLoss()(ember.tensor([0.5, 1.0]), ember.tensor([1., 3.]))
        tensor(0.4335)
    """
    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    r"""Negative log likelihood of the target under a Gaussian with the input as mean and ``var``
    as variance: :math:`\frac12 (\log \max(var, eps) + (x - y)^2 / \max(var, eps))`.

    Args:
        full (bool): add the constant :math:`\frac12 \log 2\pi`. Default: False.
        eps (float): lower clamp of the variance. Default: 1e-6.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: 'mean'.

    Shape:
        - Input: :math:`(N, *)`; Target: the input's shape; Var: the input's shape, or one
          dimension of size 1 less.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> nn.GaussianNLLLoss()(ember.tensor([0.5, 1.0]), ember.tensor([1., 3.]), ember.tensor([1., 2.]))
        tensor(0.7358)
    """
    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class KLDivLoss(_Loss):
    r"""Kullback-Leibler divergence :math:`y (\log y - x)` with the input given as log-probabilities.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.
            ``'batchmean'`` divides the sum by the batch size, the mathematically correct KL.
        log_target (bool): the target is given as log-probabilities too. Default: False.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> x = nn.LogSoftmax(dim=1)(ember.tensor([[1., 2., 3.]]))
        >>> y = ember.tensor([[0.2, 0.3, 0.5]])
        >>> nn.KLDivLoss(reduction='batchmean')(x, y)
        tensor(0.0780)
    """
    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MSELoss(_Loss):
    """Mean squared error between input and target: :math:`(x_n - y_n)^2`, reduced.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> x = ember.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], requires_grad=True)
        >>> y = ember.tensor([[1.0, -1.0, 0.0], [1.0, 1.0, 0.0]])
        >>> loss = nn.MSELoss()(x, y)
        >>> loss
        tensor(0.9583, grad_fn=<MseLossBackward0>)
        >>> nn.MSELoss(reduction='sum')(x, y)
        tensor(5.7500, grad_fn=<MseLossBackward0>)
    """
    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    r"""Binary cross-entropy between probabilities and targets in [0, 1]:
    :math:`-w [y \log x + (1 - y) \log (1 - x)]` (logs clamped at -100).

    Args:
        weight (Tensor, optional): a rescaling weight broadcast to the input.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> p = ember.tensor([0.9, 0.2, 0.6])
        >>> nn.BCELoss()(p, ember.tensor([1., 0., 0.]))
        tensor(0.4149)
    """
    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid followed by binary cross-entropy, computed stably from logits.

    Args:
        weight (Tensor, optional): a rescaling weight broadcast to the input.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.
        pos_weight (Tensor, optional): a weight of the positive examples, per class.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> logits = ember.tensor([2.0, -1.0, 0.5])
        >>> nn.BCEWithLogitsLoss()(logits, ember.tensor([1., 0., 0.]))
        tensor(0.4714)
        >>> nn.BCEWithLogitsLoss(pos_weight=ember.tensor([3.]))(logits, ember.tensor([1., 0., 0.]))
        tensor(0.5560)
    """
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    r"""Hinge loss for targets in {1, -1}: :math:`x` where :math:`y = 1`, :math:`\max(0, margin - x)` where :math:`y
    = -1`.

    Args:
        margin (float): the margin. Default: 1.0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> nn.HingeEmbeddingLoss()(ember.tensor([0.3, 0.8]), ember.tensor([1., -1.]))
        tensor(0.2500)
    """
    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Multi-label one-versus-all logistic loss, averaged over classes.

    Args:
        weight (Tensor, optional): a weight per class, shape :math:`(C)`.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(N, C)`; Target: :math:`(N, C)` of 0/1 labels.
        - Output: a scalar; with ``reduction='none'``, :math:`(N)`.

    Example:
        >>> nn.MultiLabelSoftMarginLoss()(ember.tensor([[0.3, -0.8, 1.2]]), ember.tensor([[1., 0., 1.]]))
        tensor(0.3962)
    """
    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta`` and absolute error above it (scaled to join smoothly).

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.
        beta (float): where the loss switches from quadratic to linear. Default: 1.0.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> x = ember.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], requires_grad=True)
        >>> y = ember.tensor([[1.0, -1.0, 0.0], [1.0, 1.0, 0.0]])
        >>> nn.SmoothL1Loss()(x, y)
        tensor(0.3958, grad_fn=<SmoothL1LossBackward0>)
    """
    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss: squared error below ``delta``, ``delta``-scaled absolute error above it.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: 'mean'.
        delta (float): where the loss switches from quadratic to linear. Default: 1.0.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> x = ember.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], requires_grad=True)
        >>> y = ember.tensor([[1.0, -1.0, 0.0], [1.0, 1.0, 0.0]])
        >>> nn.HuberLoss(delta=0.5)(x, y)
        tensor(0.2708, grad_fn=<HuberLossBackward0>)
    """
    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SoftMarginLoss(_Loss):
    r"""Two-class logistic loss for targets in {1, -1}: :math:`\log(1 + e^{-y x})`, averaged.

    Args:
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Target: :math:`(*)`, the input's shape.
        - Output: a scalar; with ``reduction='none'``, the input's shape.

    Example:
        >>> nn.SoftMarginLoss()(ember.tensor([0.3, -0.8]), ember.tensor([1., -1.]))
        tensor(0.4627)
    """
    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy between logits and class indices (or class probabilities):
    ``log_softmax`` over the class dimension followed by the negative log likelihood.

    Args:
        weight (Tensor, optional): a rescaling weight per class, shape :math:`(C)`.
        ignore_index (int): a target value that contributes nothing to the loss or its
            gradient (class-index targets only). Default: -100.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.
        label_smoothing (float): in [0, 1]; mixes the target with the uniform distribution. Default: 0.0.

    Shape:
        - Input: :math:`(N, C)`, :math:`(C)` or :math:`(N, C, d_1, ..., d_K)`: unnormalised logits.
        - Target: class indices :math:`(N)` (or :math:`(N, d_1, ..., d_K)`) in :math:`[0, C)`, or
          probabilities of the input's shape.
        - Output: a scalar; with ``reduction='none'``, the target's shape (indices).

    Example:
        >>> logits = ember.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], requires_grad=True)
        >>> target = ember.tensor([0, 2])
        >>> loss = nn.CrossEntropyLoss()(logits, target)
        >>> loss
        tensor(0.1755, grad_fn=<NllLossBackward0>)
        >>> loss.backward()
        >>> logits.grad
        tensor([[-0.1072,  0.0876,  0.0196],
                [ 0.0247,  0.0272, -0.0519]])
        >>> nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target)
        tensor(0.3455, grad_fn=<NllLossBackward0>)
    """
    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class CosineEmbeddingLoss(_Loss):
    r"""Loss on the cosine similarity of two inputs: :math:`1 - \cos` where :math:`y = 1`,
    :math:`\max(0, \cos - margin)` where :math:`y = -1`.

    Args:
        margin (float): in [-1, 1]. Default: 0.0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input1, Input2: :math:`(N, D)` or :math:`(D)`; Target: :math:`(N)` or scalar.
        - Output: a scalar; with ``reduction='none'``, :math:`(N)`.

    Example:
        >>> a = ember.tensor([[1., 0.], [0., 1.]])
        >>> b = ember.tensor([[1., 1.], [1., 0.]])
        >>> nn.CosineEmbeddingLoss()(a, b, ember.tensor([1., -1.]))
        tensor(0.1464)
    """
    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(_Loss):
    r"""Ranking loss of two inputs: :math:`\max(0, -y (x_1 - x_2) + margin)`, with :math:`y` in {1, -1}
    saying which input should rank higher.

    Args:
        margin (float): the margin. Default: 0.0.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Input1, Input2, Target: :math:`(N)` or scalars.
        - Output: a scalar; with ``reduction='none'``, :math:`(N)`.

    Example:
        >>> nn.MarginRankingLoss(margin=0.5)(ember.tensor([1., 2.]), ember.tensor([2., 1.]), ember.tensor([1., 1.]))
        tensor(0.7500)
    """
    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class TripletMarginLoss(_Loss):
    r"""Triplet loss: :math:`\max(d(a, p) - d(a, n) + margin, 0)` with the p-norm distance.

    Args:
        margin (float): the margin. Default: 1.0.
        p (float): the norm degree of the distance. Default: 2.
        eps (float): added inside the norm for stability. Default: 1e-6.
        swap (bool): use the smaller of :math:`d(a, n)` and :math:`d(p, n)`. Default: False.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: what to do with the per-element
            losses. Default: 'mean'.
        size_average, reduce: deprecated; when given they set ``reduction`` as in PyTorch.

    Shape:
        - Anchor, Positive, Negative: :math:`(N, D)` or :math:`(D)`.
        - Output: a scalar; with ``reduction='none'``, :math:`(N)`.

    Example:
        >>> a, p, n = ember.tensor([[0., 0.]]), ember.tensor([[1., 0.]]), ember.tensor([[0., 0.5]])
        >>> nn.TripletMarginLoss()(a, p, n)
        tensor(1.5000)
    """
    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """Triplet loss with a distance function of your choice (pairwise Euclidean by default).

    Args:
        distance_function (callable, optional): a function of two tensors giving distances.
        margin (float): the margin. Default: 1.0.
        swap (bool): use the smaller of :math:`d(a, n)` and :math:`d(p, n)`. Default: False.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: 'mean'.

    Shape:
        - Anchor, Positive, Negative: :math:`(N, *)`.
        - Output: a scalar; with ``reduction='none'``, :math:`(N)`.

    Example:
        >>> a, p, n = ember.tensor([[0., 0.]]), ember.tensor([[1., 0.]]), ember.tensor([[0., 0.5]])
        >>> nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1))(a, p, n)
        tensor(1.5000)
    """
    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction=reduction)
        self.distance_function, self.margin, self.swap = distance_function, margin, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss: input (N, C), target (N,) class indices."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(
                f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D "
                "instead")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge loss: input (N, C), target (N, C) class indices padded with -1."""

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class CTCLoss(_Loss):
    """The Connectionist Temporal Classification loss (see ``nn.functional.ctc_loss``):
    ``forward(log_probs, targets, input_lengths, target_lengths)``."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
