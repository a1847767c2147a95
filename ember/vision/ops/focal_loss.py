"""Sigmoid focal loss (torchvision.ops.sigmoid_focal_loss), RetinaNet's classification loss."""
from ...nn import functional as F

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Binary cross-entropy down-weighted on well-classified examples by ``(1 - p_t) ** gamma``
    and balanced by ``alpha`` (Lin et al., "Focal Loss for Dense Object Detection").

    Args:
        inputs (Tensor): logits, any shape.
        targets (Tensor): 0/1 labels of the same shape (floats).
        alpha (float, optional): weight of the positives in [0, 1]; -1 for none. Default: 0.25
        gamma (float, optional): focusing exponent. Default: 2
        reduction (str, optional): ``"none"``, ``"mean"`` or ``"sum"``. Default: ``"none"``
    """
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    p = inputs.sigmoid()
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: "
                     "'none', 'mean', 'sum'")
