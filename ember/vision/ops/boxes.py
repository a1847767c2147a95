"""Box operations (torchvision.ops.boxes): NMS, IoUs, areas, format conversion, clipping.

Boxes are ``[..., 4]`` tensors in ``(x1, y1, x2, y2)`` unless a ``fmt`` says otherwise; the
IoU functions are tensor compositions, so they carry gradients."""
import numpy as np

from ... import _dtype as D
from ... import stack
from ..._tensor import Tensor, _wrap
from ._box_convert import (
    _box_cxcywh_to_xyxy,
    _box_cxcywhr_to_xywhr,
    _box_xywh_to_xyxy,
    _box_xywhr_to_cxcywhr,
    _box_xywhr_to_xyxyxyxy,
    _box_xyxy_to_cxcywh,
    _box_xyxy_to_xywh,
    _box_xyxyxyxy_to_xywhr,
)

__all__ = ["nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert",
           "box_area", "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou",
           "masks_to_boxes"]


def _upcast(t):
    """Float16 -> float32 and int32-or-smaller -> int64, so products don't overflow."""
    if t.is_floating_point():
        return t if t.dtype in (D.float32, D.float64) else t.float()
    return t if t.dtype in (D.int32, D.int64) else t.int()


def _check_nms_args(boxes, scores):
    if not isinstance(boxes, Tensor) or not isinstance(scores, Tensor):
        raise TypeError(f"nms expects tensors, got boxes {type(boxes).__name__} and scores "
                        f"{type(scores).__name__}")
    if boxes.dim() != 2 or boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 2 dimensions and size 4 in dimension 1, got {tuple(boxes.shape)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}d with shape {tuple(scores.shape)}")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError(f"boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.size(0)} and {scores.size(0)}")


def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression: keep the highest-scoring box, drop those overlapping it
    with IoU > ``iou_threshold``, repeat.

    Args:
        boxes (Tensor[N, 4]): ``(x1, y1, x2, y2)`` boxes, ``0 <= x1 < x2``, ``0 <= y1 < y2``.
        scores (Tensor[N]): their scores.
        iou_threshold (float): drop boxes with IoU above this.

    Returns:
        Tensor[K] (int64): indices of the kept boxes, by decreasing score.

    Example:
        >>> nms(ember.tensor([[0., 0, 10, 10], [1, 1, 10, 10]]), ember.tensor([0.9, 0.8]), 0.5)
        tensor([0])
    """
    _check_nms_args(boxes, scores)
    b, s = boxes._data, scores._data
    if b.shape[0] == 0:
        return _wrap(np.empty((0,), dtype=np.int64))
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-s, kind="stable")
    suppressed = np.zeros(b.shape[0], dtype=bool)
    keep = []
    for pos, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        rest = order[pos + 1:]
        rest = rest[~suppressed[rest]]
        if rest.size == 0:
            continue
        w = np.maximum(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0)
        h = np.maximum(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0)
        inter = w * h
        ovr = inter / (areas[i] + areas[rest] - inter)
        suppressed[rest[ovr.astype(np.float64) > iou_threshold]] = True   # compared in double, as torchvision
    return _wrap(np.asarray(keep, dtype=np.int64))


def batched_nms(boxes, scores, idxs, iou_threshold):
    """NMS within each category ``idxs`` (boxes of different categories never suppress each other).

    Args:
        boxes (Tensor[N, 4]), scores (Tensor[N]): as :func:`nms`.
        idxs (Tensor[N]): the category of each box.
        iou_threshold (float): as :func:`nms`.

    Returns:
        Tensor[K] (int64): kept indices by decreasing score.
    """
    _check_nms_args(boxes, scores)
    if boxes.numel() > 4000:   # torchvision's switch: per-category NMS for many boxes
        b, s, ids = boxes._data, scores._data, np.asarray(idxs._data)
        keep_mask = np.zeros(s.shape, dtype=bool)
        for c in np.unique(ids):
            cur = np.nonzero(ids == c)[0]
            keep_mask[cur[nms(_wrap(b[cur]), _wrap(s[cur]), iou_threshold)._data]] = True
        kept = np.nonzero(keep_mask)[0]
        return _wrap(kept[np.argsort(-s[kept], kind="stable")].astype(np.int64))
    if boxes.numel() == 0:
        return _wrap(np.empty((0,), dtype=np.int64))
    b = boxes._data   # offset each category's boxes so that they can't overlap another's
    max_coordinate = b.max()
    offsets = idxs._data.astype(b.dtype) * (max_coordinate + b.dtype.type(1))
    return nms(_wrap(b + offsets[:, None]), scores, iou_threshold)


def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose both sides are at least ``min_size``.

    Returns:
        Tensor[K] (int64)
    """
    b = boxes._data
    keep = (b[..., 2] - b[..., 0] >= min_size) & (b[..., 3] - b[..., 1] >= min_size)
    return _wrap(np.nonzero(keep)[0].astype(np.int64))


def clip_boxes_to_image(boxes, size):
    """Clip ``(x1, y1, x2, y2)`` boxes to an image of ``size`` ``(height, width)``.

    Returns:
        Tensor[N, 4]
    """
    height, width = size
    x = boxes[..., 0::2].clamp(min=0, max=width)
    y = boxes[..., 1::2].clamp(min=0, max=height)
    return stack((x, y), dim=boxes.dim()).reshape(boxes.shape)


_FORMATS = ("xyxy", "xywh", "cxcywh", "xywhr", "cxcywhr", "xyxyxyxy")
_CONVERSIONS = {
    ("xywh", "xyxy"): (_box_xywh_to_xyxy,),
    ("cxcywh", "xyxy"): (_box_cxcywh_to_xyxy,),
    ("xyxy", "xywh"): (_box_xyxy_to_xywh,),
    ("xyxy", "cxcywh"): (_box_xyxy_to_cxcywh,),
    ("xywh", "cxcywh"): (_box_xywh_to_xyxy, _box_xyxy_to_cxcywh),
    ("cxcywh", "xywh"): (_box_cxcywh_to_xyxy, _box_xyxy_to_xywh),
    ("cxcywhr", "xywhr"): (_box_cxcywhr_to_xywhr,),
    ("xywhr", "cxcywhr"): (_box_xywhr_to_cxcywhr,),
    ("cxcywhr", "xyxyxyxy"): (_box_cxcywhr_to_xywhr, _box_xywhr_to_xyxyxyxy),
    ("xyxyxyxy", "cxcywhr"): (_box_xyxyxyxy_to_xywhr, _box_xywhr_to_cxcywhr),
    ("xywhr", "xyxyxyxy"): (_box_xywhr_to_xyxyxyxy,),
    ("xyxyxyxy", "xywhr"): (_box_xyxyxyxy_to_xywhr,),
}


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between ``xyxy``, ``xywh``, ``cxcywh`` (and the rotated ``xywhr``,
    ``cxcywhr``, ``xyxyxyxy``, angles in degrees).

    Example:
        >>> box_convert(ember.tensor([[1., 2, 4, 6]]), "xyxy", "cxcywh")
        tensor([[2.5000, 4.0000, 3.0000, 4.0000]])
    """
    if in_fmt not in _FORMATS or out_fmt not in _FORMATS:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    steps = _CONVERSIONS.get((in_fmt, out_fmt))
    if steps is None:
        raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and "
                                  f"out_fmt {out_fmt}")
    for step in steps:
        boxes = step(boxes)
    return boxes


def box_area(boxes, fmt="xyxy"):
    """Areas of ``[..., 4]`` boxes in format ``fmt`` (``xyxy``, ``xywh`` or ``cxcywh``)."""
    if fmt not in ("xyxy", "xywh", "cxcywh"):
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _corners(boxes, fmt, n_axis):
    """Left-top and right-bottom corners, broadcast for pairwise ops (``n_axis``: where the
    other set's axis goes)."""
    b = boxes[..., None, :] if n_axis == 1 else boxes[..., None, :, :]
    if fmt == "xyxy":
        return b[..., :2], b[..., 2:]
    if fmt == "xywh":
        return b[..., :2], b[..., :2] + b[..., 2:]
    return b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    from ... import max as _max
    from ... import min as _min
    area1, area2 = box_area(boxes1, fmt=fmt), box_area(boxes2, fmt=fmt)
    lt1, rb1 = _corners(boxes1, fmt, 1)
    lt2, rb2 = _corners(boxes2, fmt, 2)
    wh = _upcast(_min(rb1, rb2) - _max(lt1, lt2)).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection-over-union of two sets of boxes.

    Args:
        boxes1 (Tensor[..., N, 4]), boxes2 (Tensor[..., M, 4]): boxes in format ``fmt``.
        fmt (str, optional): ``xyxy``, ``xywh`` or ``cxcywh``. Default: ``"xyxy"``

    Returns:
        Tensor[..., N, M]
    """
    if fmt not in ("xyxy", "xywh", "cxcywh"):
        if fmt in ("cxcywhr", "xywhr", "xyxyxyxy"):
            raise NotImplementedError(f"box_iou of rotated boxes (fmt '{fmt}') is not implemented in ember")
        raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: ('xyxy', 'xywh', "
                         "'cxcywh'). Supported rotated formats: ('cxcywhr', 'xywhr', 'xyxyxyxy').")
    inter, union = _box_inter_union(boxes1, boxes2, fmt=fmt)
    return inter / union


def _enclosing_wh(boxes1, boxes2):
    from ... import max as _max
    from ... import min as _min
    lti = _min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rbi = _max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rbi - lti).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU (IoU minus the empty fraction of the enclosing box) of
    ``(x1, y1, x2, y2)`` boxes: Tensor[N, M]."""
    inter, union = _box_inter_union(boxes1, boxes2)
    iou = inter / union
    whi = _enclosing_wh(boxes1, boxes2)
    areai = whi[..., 0] * whi[..., 1]
    return iou - (areai - union) / areai


def _box_diou_iou(boxes1, boxes2, eps=1e-7):
    iou = box_iou(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    diag = (whi[..., 0] ** 2) + (whi[..., 1] ** 2) + eps
    x_p = (boxes1[..., 0] + boxes1[..., 2]) / 2
    y_p = (boxes1[..., 1] + boxes1[..., 3]) / 2
    x_g = (boxes2[..., 0] + boxes2[..., 2]) / 2
    y_g = (boxes2[..., 1] + boxes2[..., 3]) / 2
    centers = (_upcast(x_p[..., None] - x_g[..., None, :]) ** 2) + (_upcast(y_p[..., None] - y_g[..., None, :]) ** 2)
    return iou - centers / diag, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise distance IoU (IoU minus the squared centre distance over the enclosing box's
    squared diagonal): Tensor[N, M]."""
    return _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps=eps)[0]


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise complete IoU (distance IoU minus an aspect-ratio term): Tensor[N, M]."""
    import math

    from ...autograd.grad_mode import no_grad
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w_pred = boxes1[..., None, 2] - boxes1[..., None, 0]
    h_pred = boxes1[..., None, 3] - boxes1[..., None, 1]
    w_gt = boxes2[..., None, :, 2] - boxes2[..., None, :, 0]
    h_gt = boxes2[..., None, :, 3] - boxes2[..., None, :, 1]
    v = (4 / (math.pi ** 2)) * ((w_pred / h_pred).atan() - (w_gt / h_gt).atan()) ** 2
    with no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """The ``(x1, y1, x2, y2)`` box around each of ``[N, H, W]`` masks (zeros for empty ones):
    float32 Tensor[N, 4]."""
    m = masks._data
    if m.size == 0:
        return _wrap(np.zeros((0, 4), dtype=np.float32))
    n, h, w = m.shape
    rows, cols = m.astype(bool).any(axis=2), m.astype(bool).any(axis=1)
    out = np.stack([cols.argmax(1), rows.argmax(1), (w - 1) - cols[:, ::-1].argmax(1),
                    (h - 1) - rows[:, ::-1].argmax(1)], axis=1).astype(np.float32)
    out[~rows.any(axis=1)] = 0
    return _wrap(out)
