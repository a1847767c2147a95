"""The detection-recipe transforms (SSD's): random zoom-out, IoU-constrained crop and
photometric distortion (torchvision's ``RandomZoomOut``, ``RandomIoUCrop``,
``RandomPhotometricDistort``), drawing from ember's default generator as torchvision does."""
import numpy as np

from .... import _random
from ...._tensor import Tensor, _wrap
from ... import tv_tensors
from .. import _rand, _randint, _uniform
from . import functional as F
from ._geometry import _fill_for, query_size
from ._transform import Transform, _RandomApplyTransform

__all__ = ["RandomZoomOut", "RandomIoUCrop", "RandomPhotometricDistort"]


def _rand2():
    return _random.uniform((2,), np.float32)


class RandomZoomOut(_RandomApplyTransform):
    """With probability ``p``, place the image on a canvas ``r`` times larger (``r`` uniform in
    ``side_range``) filled with ``fill``, at a random position; boxes and masks follow."""

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        super().__init__(p=p)
        self.fill = fill
        if len(side_range) != 2:
            raise ValueError("If side_range is a sequence, it must be of len 2.")
        self.side_range = side_range
        if side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise ValueError(f"Invalid side range provided {side_range}.")

    def make_params(self, flat_inputs):
        h, w = query_size(flat_inputs)
        f32 = np.float32
        r = f32(self.side_range[0]) + f32(_rand()) * f32(self.side_range[1] - self.side_range[0])
        cw, ch = int(f32(w) * r), int(f32(h) * r)
        r = _rand2()
        left, top = int(f32(cw - w) * r[0]), int(f32(ch - h) * r[1])
        return dict(padding=[left, top, cw - (left + w), ch - (top + h)])

    def transform(self, inpt, params):
        return F.pad(inpt, params["padding"], _fill_for(self.fill, inpt))


class RandomIoUCrop(Transform):
    """SSD's crop: pick a minimum IoU from ``sampler_options``, then try up to ``trials``
    random crops (scale and aspect bounded) until one overlaps some box (whose centre it
    contains) that much; boxes outside it become zeros (follow with SanitizeBoundingBoxes)."""

    def __init__(self, min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0,
                 sampler_options=None, trials=40):
        super().__init__()
        self.min_scale, self.max_scale = min_scale, max_scale
        self.min_aspect_ratio, self.max_aspect_ratio = min_aspect_ratio, max_aspect_ratio
        self.options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] if sampler_options is None else sampler_options
        self.trials = trials

    def check_inputs(self, flat_inputs):
        has_boxes = any(isinstance(x, tv_tensors.BoundingBoxes) for x in flat_inputs)
        has_image = any(isinstance(x, tv_tensors.Image) or F._utils.is_pil(x) or F._utils.is_pure_tensor(x)
                        for x in flat_inputs)
        if not (has_boxes and has_image):
            raise TypeError(f"{type(self).__name__}() requires input sample to contain tensor or PIL images and "
                            "bounding boxes. Sample can also contain masks.")

    def make_params(self, flat_inputs):
        from ....vision.ops import box_iou
        h, w = query_size(flat_inputs)
        boxes = next(x for x in flat_inputs if isinstance(x, tv_tensors.BoundingBoxes))
        xyxy = F.convert_bounding_box_format(boxes.as_subclass(Tensor), boxes.format, "XYXY")._data
        f32 = np.float32
        while True:
            min_iou = self.options[_randint(0, len(self.options))]
            if min_iou >= 1.0:   # the leave-as-is option
                return {}
            for _ in range(self.trials):
                r = f32(self.min_scale) + f32(self.max_scale - self.min_scale) * _rand2()
                new_w, new_h = int(f32(w) * r[0]), int(f32(h) * r[1])
                if new_h == 0 or not (self.min_aspect_ratio <= new_w / new_h <= self.max_aspect_ratio):
                    continue
                r = _rand2()
                left, top = int(f32(w - new_w) * r[0]), int(f32(h - new_h) * r[1])
                right, bottom = left + new_w, top + new_h
                if left == right or top == bottom:
                    continue
                t = xyxy.dtype.type
                cx, cy = t(0.5) * (xyxy[..., 0] + xyxy[..., 2]), t(0.5) * (xyxy[..., 1] + xyxy[..., 3])
                inside = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
                if not inside.any():
                    continue
                ious = box_iou(_wrap(xyxy[inside]), _wrap(np.array([[left, top, right, bottom]], dtype=xyxy.dtype)))
                if ious._data.max() < min_iou:
                    continue
                return dict(top=top, left=left, height=new_h, width=new_w, is_within_crop_area=inside)

    def transform(self, inpt, params):
        if not params:
            return inpt
        out = F.crop(inpt, params["top"], params["left"], params["height"], params["width"])
        if isinstance(out, tv_tensors.BoundingBoxes):
            a = out._data.copy()
            a[~params["is_within_crop_area"]] = 0
            out = tv_tensors.wrap(_wrap(a), like=out)
        return out


class RandomPhotometricDistort(Transform):
    """SSD's colour distortion: brightness, contrast (before or after), saturation, hue and a
    channel permutation, each applied with probability ``p``; boxes and masks pass through."""

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5), hue=(-0.05, 0.05),
                 p=0.5):
        super().__init__()
        self.brightness, self.contrast, self.hue, self.saturation, self.p = brightness, contrast, hue, saturation, p

    def _needs_transform_list(self, flat_inputs):
        skip = (tv_tensors.Mask, tv_tensors.BoundingBoxes)
        return [n and not isinstance(x, skip) for x, n in zip(flat_inputs, super()._needs_transform_list(flat_inputs))]

    def make_params(self, flat_inputs):
        images = [x for x in flat_inputs if not isinstance(x, (tv_tensors.Mask, tv_tensors.BoundingBoxes))]
        num_channels = F.get_num_channels(images[0])
        params = {}
        for key, (lo, hi) in (("brightness_factor", self.brightness), ("contrast_factor", self.contrast),
                              ("saturation_factor", self.saturation), ("hue_factor", self.hue)):
            params[key] = _uniform(lo, hi) if _rand() < self.p else None
        params["contrast_before"] = bool(_rand() < 0.5)
        params["channel_permutation"] = _random.randperm(num_channels).tolist() if _rand() < self.p else None
        return params

    def transform(self, inpt, params):
        if params["brightness_factor"] is not None:
            inpt = F.adjust_brightness(inpt, params["brightness_factor"])
        if params["contrast_factor"] is not None and params["contrast_before"]:
            inpt = F.adjust_contrast(inpt, params["contrast_factor"])
        if params["saturation_factor"] is not None:
            inpt = F.adjust_saturation(inpt, params["saturation_factor"])
        if params["hue_factor"] is not None:
            inpt = F.adjust_hue(inpt, params["hue_factor"])
        if params["contrast_factor"] is not None and not params["contrast_before"]:
            inpt = F.adjust_contrast(inpt, params["contrast_factor"])
        if params["channel_permutation"] is not None:
            inpt = F.permute_channels(inpt, params["channel_permutation"])
        return inpt
