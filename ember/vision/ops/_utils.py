"""Helpers shared by the RoI ops: boxes as a list per image or one ``[K, 5]`` tensor."""
from ... import cat, full_like

__all__ = ["convert_boxes_to_roi_format", "check_roi_boxes_shape"]


def _cat(tensors, dim=0):
    return tensors[0] if len(tensors) == 1 else cat(tensors, dim)


def convert_boxes_to_roi_format(boxes):
    """A list of per-image ``[L, 4]`` boxes -> one ``[K, 5]`` tensor ``(image index, x1, y1, x2, y2)``."""
    ids = _cat([full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return cat([ids, _cat(list(boxes), dim=0)], dim=1)


def check_roi_boxes_shape(boxes):
    from ..._tensor import Tensor
    if isinstance(boxes, (list, tuple)):
        for t in boxes:
            if t.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as "
                                     f"List[Tensor[L, 4]] (got {tuple(t.shape)})")
    elif isinstance(boxes, Tensor):
        if boxes.size(1) != 5:
            raise AssertionError(f"The boxes tensor shape is not correct as Tensor[K, 5] (got {tuple(boxes.shape)})")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def _upcast_non_float(t):
    """Integer and float16 boxes -> float32 (the losses need a float dtype)."""
    from ... import float32, float64
    return t if t.dtype in (float32, float64) else t.float()


def _loss_inter_union(boxes1, boxes2):
    """Elementwise intersection and union areas of two same-shaped ``[..., 4]`` box sets."""
    from ... import max as _max
    from ... import min as _min
    from ... import where
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xkis1, ykis1 = _max(x1, x1g), _max(y1, y1g)
    xkis2, ykis2 = _min(x2, x2g), _min(y2, y2g)
    overlap = (ykis2 > ykis1) & (xkis2 > xkis1)
    inter = where(overlap, (xkis2 - xkis1) * (ykis2 - ykis1), 0.0)
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    return inter, union


def _reduce_loss(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: "
                     "'none', 'mean', 'sum'")
