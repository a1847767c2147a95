"""MultiScaleRoIAlign (torchvision.ops.poolers): RoI Align over a feature pyramid, each box
pooled from the level that suits its size (FPN's level mapping)."""
import numpy as np

from ...nn.modules.module import Module
from .boxes import box_area
from .roi_align import roi_align

__all__ = ["MultiScaleRoIAlign", "LevelMapper", "initLevelMapper"]


class LevelMapper:
    """The FPN level of each box: ``floor(canonical_level + log2(sqrt(area) / canonical_scale))``
    clamped to ``[k_min, k_max]``, minus ``k_min`` (Lin et al., eq. 1)."""

    def __init__(self, k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
        self.k_min, self.k_max = k_min, k_max
        self.s0, self.lvl0, self.eps = canonical_scale, canonical_level, eps

    def __call__(self, boxlists):
        from ... import cat
        s = cat([box_area(b) for b in boxlists]).sqrt()._data
        t = s.dtype.type
        lvls = np.floor(t(self.lvl0) + np.log2(s / t(self.s0)) + t(self.eps))
        lvls = np.clip(lvls, self.k_min, self.k_max)
        return lvls.astype(np.int64) - self.k_min


def initLevelMapper(k_min, k_max, canonical_scale=224, canonical_level=4, eps=1e-6):
    return LevelMapper(k_min, k_max, canonical_scale, canonical_level, eps)


def _infer_scale(feature, original_size):
    approx = float(feature.shape[-2]) / float(original_size[0])
    return 2 ** float(np.round(np.log2(np.float32(approx))))


def _setup_scales(features, image_shapes, canonical_scale, canonical_level):
    if not image_shapes:
        raise ValueError("images list should not be empty")
    max_x = max(s[0] for s in image_shapes)
    max_y = max(s[1] for s in image_shapes)
    scales = [_infer_scale(f, (max_x, max_y)) for f in features]
    lvl_min = -float(np.log2(np.float32(scales[0])))
    lvl_max = -float(np.log2(np.float32(scales[-1])))
    return scales, initLevelMapper(int(lvl_min), int(lvl_max), canonical_scale=canonical_scale,
                                   canonical_level=canonical_level)


class MultiScaleRoIAlign(Module):
    """RoI Align on the feature maps ``featmap_names`` of a pyramid; each box is pooled from
    one level, chosen by its area. The levels' scales are inferred on the first call from
    the feature and image sizes.

    Args:
        featmap_names (list[str]): keys of the feature maps to pool from.
        output_size (int or tuple[int, int]): the pooled size.
        sampling_ratio (int): as in :func:`roi_align`.
        canonical_scale (int, optional): Default: 224
        canonical_level (int, optional): Default: 4

    Shape:
        forward(x: dict of ``[N, C, H_l, W_l]``, boxes: list of ``[L_i, 4]``,
        image_shapes: list of ``(h, w)``) -> ``[sum(L_i), C, *output_size]``
    """

    def __init__(self, featmap_names, output_size, sampling_ratio, *, canonical_scale=224, canonical_level=4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def forward(self, x, boxes, image_shapes):
        from ... import cat, tensor, zeros
        from ._utils import convert_boxes_to_roi_format
        feats = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = _setup_scales(feats, image_shapes, self.canonical_scale,
                                                         self.canonical_level)
        rois = convert_boxes_to_roi_format(boxes)
        if len(feats) == 1:
            return roi_align(feats[0], rois, self.output_size, self.scales[0], self.sampling_ratio)
        levels = self.map_levels(boxes)
        outs, order = [], []
        for level, (feat, scale) in enumerate(zip(feats, self.scales)):
            idx = np.nonzero(levels == level)[0]
            outs.append(roi_align(feat, rois[tensor(idx)], self.output_size, scale, self.sampling_ratio))
            order.append(idx)
        rest = np.nonzero(levels >= len(feats))[0]   # a level without a feature map: zeros, as torchvision
        if rest.size:
            outs.append(zeros((rest.size, feats[0].shape[1]) + self.output_size, dtype=feats[0].dtype))
            order.append(rest)
        inverse = np.argsort(np.concatenate(order), kind="stable")   # back to the boxes' order
        return cat(outs)[tensor(inverse)]

    def __repr__(self):
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, output_size={self.output_size}, "
                f"sampling_ratio={self.sampling_ratio})")
