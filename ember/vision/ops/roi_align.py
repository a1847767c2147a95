"""RoI Align (torchvision.ops.roi_align): bilinear sampling of each region into a fixed grid,
with the arithmetic of torchvision's CPU kernel (float results match to the bit)."""
import numpy as np

from ...nn.modules.module import Module
from ...ops._apply import Op, apply, ntuple
from ._utils import check_roi_boxes_shape, convert_boxes_to_roi_format

__all__ = ["roi_align", "RoIAlign"]


def _axis(start, bin_size, n_bins, grid, size, t):
    """Per-axis bilinear sampling of one RoI: for the ``[n_bins, grid]`` sample points, their
    validity, low/high indices and low/high weights (the kernel's ``pre_calc``)."""
    pos = (start + np.arange(n_bins, dtype=t)[:, None] * bin_size) \
        + ((np.arange(grid, dtype=t) + t(0.5)) * bin_size) / t(grid)
    valid = (pos >= -1.0) & (pos <= size)
    pos = np.where(pos <= 0, t(0), pos)
    low = pos.astype(np.int64)
    edge = low >= size - 1
    low = np.where(edge, size - 1, low)
    high = np.where(edge, size - 1, low + 1)
    pos = np.where(edge, low.astype(t), pos)
    frac = (pos - low.astype(t)).astype(t)
    return valid, low, high, frac, (t(1) - frac).astype(t)


def _geometry(roi, scale, ph, pw, sampling_ratio, aligned, h, w, t):
    offset = t(0.5) if aligned else t(0)
    x1, y1, x2, y2 = (t(v) * t(scale) - offset for v in roi[1:])
    rw, rh = x2 - x1, y2 - y1
    if not aligned:
        rw, rh = max(rw, t(1)), max(rh, t(1))
    bh, bw = rh / t(ph), rw / t(pw)
    gh = sampling_ratio if sampling_ratio > 0 else int(np.ceil(rh / t(ph)))
    gw = sampling_ratio if sampling_ratio > 0 else int(np.ceil(rw / t(pw)))
    return _axis(y1, bh, ph, gh, h, t), _axis(x1, bw, pw, gw, w, t), gh, gw, max(gh * gw, 1)


def _corners(ay, ax, iy, ix):
    """The four (flat index pieces, weight) pairs of sample ``(iy, ix)`` over all bins."""
    vy, ylo, yhi, ly, hy = (a[:, iy] for a in ay)
    vx, xlo, xhi, lx, hx = (a[:, ix] for a in ax)
    ok = (vy[:, None] & vx[None, :])
    return [(ylo, xlo, np.where(ok, hy[:, None] * hx[None, :], 0)),
            (ylo, xhi, np.where(ok, hy[:, None] * lx[None, :], 0)),
            (yhi, xlo, np.where(ok, ly[:, None] * hx[None, :], 0)),
            (yhi, xhi, np.where(ok, ly[:, None] * lx[None, :], 0))]


class _RoIAlign(Op):
    name = "RoiAlignBackward0"

    def forward(self, x, rois, spatial_scale, ph, pw, sampling_ratio, aligned):
        t = x.dtype.type
        _, c, h, w = x.shape
        out = np.zeros((rois.shape[0], c, ph, pw), dtype=x.dtype)
        self.shape, self.batch = x.shape, rois[:, 0].astype(np.int64)
        self.geom = [_geometry(roi, spatial_scale, ph, pw, sampling_ratio, aligned, h, w, t) for roi in rois]
        groups = {}   # RoIs with the same sampling grid are computed together
        for k, geom in enumerate(self.geom):
            groups.setdefault(geom[2:], []).append(k)
        xt = np.moveaxis(x, 1, -1)   # [N, H, W, C]: a gather brings whole channel rows
        for (gh, gw, count), ks in groups.items():
            for start in range(0, len(ks), 64):
                sel = ks[start:start + 64]
                ay = [np.stack([self.geom[k][0][i] for k in sel]) for i in range(5)]   # [K, PH, GH] each
                ax = [np.stack([self.geom[k][1][i] for k in sel]) for i in range(5)]   # [K, PW, GW] each
                b = self.batch[sel][:, None, None]
                acc = np.zeros((len(sel), ph, pw, c), dtype=x.dtype)
                for iy in range(gh):   # samples in the kernel's order; each adds its four corners
                    vy, ylo, yhi, ly, hy = (a[:, :, iy] for a in ay)
                    for ix in range(gw):
                        vx, xlo, xhi, lx, hx = (a[:, :, ix] for a in ax)
                        ok = vy[:, :, None] & vx[:, None, :]

                        def wv(wy, wx, yy, xx, ok=ok, b=b):
                            wt = np.where(ok, wy[:, :, None] * wx[:, None, :], 0)[..., None]
                            return wt * xt[b, yy[:, :, None], xx[:, None, :]]
                        acc += wv(hy, hx, ylo, xlo) + wv(hy, lx, ylo, xhi) + wv(ly, hx, yhi, xlo) + wv(ly, lx, yhi, xhi)
                acc /= t(count)
                out[sel] = np.moveaxis(acc, -1, 1)
        return out

    def backward(self, g):
        n, c, h, w = self.shape
        grad = np.zeros((n, c, h * w), dtype=g.dtype)
        t = g.dtype.type
        for k, (ay, ax, gh, gw, count) in enumerate(self.geom):
            idx, wts = [], []   # in the kernel's order: bin (ph, pw), sample (iy, ix), corner
            for iy in range(gh):
                for ix in range(gw):
                    for yy, xx, wt in _corners(ay, ax, iy, ix):
                        idx.append(yy[:, None] * w + xx[None, :])
                        wts.append(wt)
            ph, pw = idx[0].shape
            idx = np.stack(idx, -1).reshape(ph * pw, -1).reshape(-1)
            wts = np.stack(wts, -1).reshape(ph * pw, -1).reshape(-1)
            gk = g[k].reshape(c, ph * pw)
            vals = (np.repeat(gk, wts.size // (ph * pw), axis=1) * wts[None, :]) / t(count)
            np.add.at(grad[self.batch[k]], (slice(None), idx), vals)
        return grad.reshape(n, c, h, w), None


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """RoI Align (Mask R-CNN): average of bilinearly sampled points in each output bin.

    Args:
        input (Tensor[N, C, H, W]): the feature maps.
        boxes (Tensor[K, 5] or list[Tensor[L, 4]]): ``(image index, x1, y1, x2, y2)`` rows, or
            ``(x1, y1, x2, y2)`` boxes per image.
        output_size (int or tuple[int, int]): ``(height, width)`` of the output.
        spatial_scale (float, optional): box coordinates times this give feature-map
            coordinates. Default: 1.0
        sampling_ratio (int, optional): sample points per bin side; adaptive
            (``ceil(roi_size / output_size)``) when <= 0. Default: -1
        aligned (bool, optional): shift boxes by -0.5 pixel (pixel-centre alignment). Default: ``False``

    Returns:
        Tensor[K, C, output_size[0], output_size[1]]; differentiable in ``input``.

    Example:
        >>> roi_align(ember.rand(1, 3, 8, 8), [ember.tensor([[0., 0, 4, 4]])], 2).shape
        torch.Size([1, 3, 2, 2])
    """
    check_roi_boxes_shape(boxes)
    rois = boxes if not isinstance(boxes, (list, tuple)) else convert_boxes_to_roi_format(boxes)
    if input.dim() != 4:
        raise RuntimeError(f"roi_align expects a 4-d input [N, C, H, W], got {tuple(input.shape)}")
    if rois.dtype != input.dtype:
        raise RuntimeError(f"Expected tensor for input to have the same type as tensor for rois; but type "
                           f"{input.dtype} does not equal {rois.dtype}")
    ph, pw = ntuple(output_size, 2, "output_size")
    return apply(_RoIAlign, input, spatial_scale=spatial_scale, ph=ph, pw=pw, rois=rois._data,
                 sampling_ratio=sampling_ratio, aligned=aligned)


class RoIAlign(Module):
    """:func:`roi_align` as a module."""

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}"
                f", sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
