"""Generalized IoU loss (torchvision.ops.generalized_box_iou_loss)."""
from ._utils import _loss_inter_union, _reduce_loss, _upcast_non_float

__all__ = ["generalized_box_iou_loss"]


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``1 - GIoU`` of matching ``(x1, y1, x2, y2)`` boxes (Rezatofighi et al.): also a gradient
    for boxes that do not overlap.

    Args:
        boxes1, boxes2 (Tensor[..., 4]): predicted and target boxes, paired elementwise.
        reduction (str, optional): ``"none"``, ``"mean"`` or ``"sum"``. Default: ``"none"``
        eps (float, optional): keeps the divisions finite. Default: 1e-7
    """
    from ... import max as _max
    from ... import min as _min
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    area_c = (_max(x2, x2g) - _min(x1, x1g)) * (_max(y2, y2g) - _min(y1, y1g))
    return _reduce_loss(1 - (iou - ((area_c - union) / (area_c + eps))), reduction)
