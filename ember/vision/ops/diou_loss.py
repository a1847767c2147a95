"""Distance IoU loss (torchvision.ops.distance_box_iou_loss)."""
from ._utils import _loss_inter_union, _reduce_loss, _upcast_non_float

__all__ = ["distance_box_iou_loss"]


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    from ... import max as _max
    from ... import min as _min
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    diag = ((_max(x2, x2g) - _min(x1, x1g)) ** 2) + ((_max(y2, y2g) - _min(y1, y1g)) ** 2) + eps
    centers = (((x2 + x1) / 2 - (x1g + x2g) / 2) ** 2) + (((y2 + y1) / 2 - (y1g + y2g) / 2) ** 2)
    return 1 - iou + (centers / diag), iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - DIoU`` of matching ``(x1, y1, x2, y2)`` boxes (Zheng et al.): IoU loss plus the
    squared centre distance over the enclosing box's squared diagonal.

    Args:
        boxes1, boxes2 (Tensor[..., 4]): predicted and target boxes, paired elementwise.
        reduction (str, optional): ``"none"``, ``"mean"`` or ``"sum"``. Default: ``"none"``
        eps (float, optional): Default: 1e-7
    """
    loss, _ = _diou_iou_loss(_upcast_non_float(boxes1), _upcast_non_float(boxes2), eps)
    return _reduce_loss(loss, reduction)
