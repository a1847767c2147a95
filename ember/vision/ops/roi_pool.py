"""RoI Pool (torchvision.ops.roi_pool): max over each bin of a rounded region (Fast R-CNN)."""
import numpy as np

from ...nn.modules.module import Module
from ...ops._apply import Op, apply, ntuple
from ._utils import check_roi_boxes_shape, convert_boxes_to_roi_format

__all__ = ["roi_pool", "RoIPool"]


def _round(v):
    """C's ``round``: halves away from zero."""
    return int(np.sign(v) * np.floor(abs(v) + 0.5))


class _RoIPool(Op):
    name = "RoiPoolBackward0"

    def forward(self, x, rois, spatial_scale, ph, pw):
        t = x.dtype.type
        _, c, h, w = x.shape
        k = rois.shape[0]
        out = np.zeros((k, c, ph, pw), dtype=x.dtype)
        arg = np.full((k, c, ph, pw), -1, dtype=np.int64)
        for n, roi in enumerate(rois):
            b = int(roi[0])
            x1, y1, x2, y2 = (_round(t(v) * t(spatial_scale)) for v in roi[1:])
            bh = t(max(y2 - y1 + 1, 1)) / t(ph)
            bw = t(max(x2 - x1 + 1, 1)) / t(pw)
            for i in range(ph):
                hs = min(max(int(np.floor(t(i) * bh)) + y1, 0), h)
                he = min(max(int(np.ceil(t(i + 1) * bh)) + y1, 0), h)
                for j in range(pw):
                    ws = min(max(int(np.floor(t(j) * bw)) + x1, 0), w)
                    we = min(max(int(np.ceil(t(j + 1) * bw)) + x1, 0), w)
                    if he <= hs or we <= ws:
                        continue
                    region = x[b, :, hs:he, ws:we].reshape(c, -1)
                    m = region.argmax(axis=1)   # the first maximum, as the kernel's strict ">"
                    out[n, :, i, j] = region[np.arange(c), m]
                    arg[n, :, i, j] = (hs + m // (we - ws)) * w + ws + m % (we - ws)
        self.shape, self.arg, self.batch = x.shape, arg, rois[:, 0].astype(np.int64)
        return out

    def backward(self, g):
        n, c, h, w = self.shape
        grad = np.zeros((n, c, h * w), dtype=g.dtype)
        for k in range(g.shape[0]):
            a = self.arg[k].reshape(c, -1)
            ok = a >= 0
            rows = np.broadcast_to(np.arange(c)[:, None], a.shape)
            np.add.at(grad[self.batch[k]], (rows[ok], a[ok]), g[k].reshape(c, -1)[ok])
        return grad.reshape(n, c, h, w), None


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """RoI Pool: each box (coordinates times ``spatial_scale``, rounded) split into an
    ``output_size`` grid of bins, each the max of its pixels (0 for an empty bin).

    Args:
        input (Tensor[N, C, H, W]): the feature maps.
        boxes (Tensor[K, 5] or list[Tensor[L, 4]]): as in :func:`roi_align`.
        output_size (int or tuple[int, int]): ``(height, width)`` of the output.
        spatial_scale (float, optional): box-to-feature-map scale. Default: 1.0

    Returns:
        Tensor[K, C, output_size[0], output_size[1]]; differentiable in ``input``.
    """
    check_roi_boxes_shape(boxes)
    rois = boxes if not isinstance(boxes, (list, tuple)) else convert_boxes_to_roi_format(boxes)
    if input.dim() != 4:
        raise RuntimeError(f"roi_pool expects a 4-d input [N, C, H, W], got {tuple(input.shape)}")
    if rois.dtype != input.dtype:
        raise RuntimeError(f"Expected tensor for input to have the same type as tensor for rois; but type "
                           f"{input.dtype} does not equal {rois.dtype}")
    ph, pw = ntuple(output_size, 2, "output_size")
    return apply(_RoIPool, input, rois=rois._data, spatial_scale=spatial_scale, ph=ph, pw=pw)


class RoIPool(Module):
    """:func:`roi_pool` as a module."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
