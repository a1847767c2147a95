"""Complete IoU loss (torchvision.ops.complete_box_iou_loss)."""
import math

from ._utils import _reduce_loss, _upcast_non_float
from .diou_loss import _diou_iou_loss

__all__ = ["complete_box_iou_loss"]


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - CIoU`` of matching ``(x1, y1, x2, y2)`` boxes (Zheng et al.): the DIoU loss plus an
    aspect-ratio consistency term (its weight is not differentiated).

    Args:
        boxes1, boxes2 (Tensor[..., 4]): predicted and target boxes, paired elementwise.
        reduction (str, optional): ``"none"``, ``"mean"`` or ``"sum"``. Default: ``"none"``
        eps (float, optional): Default: 1e-7
    """
    from ...autograd.grad_mode import no_grad
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    v = (4 / (math.pi ** 2)) * (((x2g - x1g) / (y2g - y1g)).atan() - ((x2 - x1) / (y2 - y1)).atan()) ** 2
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce_loss(diou_loss + alpha * v, reduction)
