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
