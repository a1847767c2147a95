"""Box formats, clamping and sanitizing, sizes, and type/dtype conversion (v2 functionals)."""
import numpy as np

from ....._tensor import Tensor, _wrap
from .... import tv_tensors
from ....tv_tensors import BoundingBoxFormat
from ... import functional as F1
from ._utils import is_pil, is_pure_tensor, kind, rewrap

__all__ = ["convert_bounding_box_format", "clamp_bounding_boxes", "sanitize_bounding_boxes", "get_size",
           "get_dimensions", "get_num_channels", "to_image", "to_dtype", "to_pure_tensor", "pil_to_tensor",
           "to_pil_image", "normalize", "grayscale_to_rgb"]

_OPS_FORMAT = {BoundingBoxFormat.XYXY: "xyxy", BoundingBoxFormat.XYWH: "xywh", BoundingBoxFormat.CXCYWH: "cxcywh",
               BoundingBoxFormat.XYWHR: "xywhr", BoundingBoxFormat.CXCYWHR: "cxcywhr",
               BoundingBoxFormat.XYXYXYXY: "xyxyxyxy"}


def _fmt(f):
    return BoundingBoxFormat[f.upper()] if isinstance(f, str) else f


def _convert(boxes, old, new):
    """A pure tensor's boxes from format ``old`` to ``new``, in its dtype."""
    from ....ops import box_convert
    old, new = _fmt(old), _fmt(new)
    if old == new:
        return boxes.clone()
    if boxes.is_floating_point():
        return box_convert(boxes, _OPS_FORMAT[old], _OPS_FORMAT[new])
    out = box_convert(boxes.float(), _OPS_FORMAT[old], _OPS_FORMAT[new])
    return out.to(boxes.dtype)


def convert_bounding_box_format(inpt, old_format=None, new_format=None, inplace=False):
    """Convert boxes to ``new_format`` (a BoundingBoxes keeps its metadata, with the new format).

    Example:
        >>> b = tv_tensors.BoundingBoxes([[1, 2, 5, 8]], format="XYXY", canvas_size=(10, 10))
        >>> convert_bounding_box_format(b, new_format="CXCYWH").tolist()
        [[3, 5, 4, 6]]
    """
    if new_format is None:
        raise TypeError("convert_bounding_box_format() missing 1 required argument: 'new_format'")
    if is_pure_tensor(inpt):
        if old_format is None:
            raise ValueError("For pure tensor inputs, `old_format` has to be passed.")
        return _convert(inpt, old_format, new_format)
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        if old_format is not None:
            raise ValueError("For bounding box tv_tensor inputs, `old_format` must not be passed.")
        out = _convert(inpt.as_subclass(Tensor), inpt.format, new_format)
        return tv_tensors.wrap(out, like=inpt, format=_fmt(new_format))
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got {type(inpt)} instead.")


def _clamp(boxes, format, canvas_size, clamping_mode="soft"):
    """Clamp a pure tensor of axis-aligned boxes to ``canvas_size`` (through XYXY)."""
    format = _fmt(format)
    if clamping_mode is None:
        return boxes.clone()
    if tv_tensors.is_rotated_bounding_format(format):
        raise NotImplementedError("ember clamps axis-aligned boxes only (XYXY, XYWH, CXCYWH)")
    in_dtype = boxes.dtype
    xyxy = _convert(boxes if boxes.is_floating_point() else boxes.float(), format, BoundingBoxFormat.XYXY)
    a = xyxy._data.copy()
    np.clip(a[..., 0::2], 0, canvas_size[1], out=a[..., 0::2])
    np.clip(a[..., 1::2], 0, canvas_size[0], out=a[..., 1::2])
    return _convert(_wrap(a), BoundingBoxFormat.XYXY, format).to(in_dtype)


def clamp_bounding_boxes(inpt, format=None, canvas_size=None, clamping_mode="auto"):
    """Clamp boxes to their canvas (``(height, width)``)."""
    if clamping_mode is not None and clamping_mode not in ("soft", "hard", "auto"):
        raise ValueError(f"clamping_mode must be soft, hard, auto or None, got {clamping_mode}")
    if is_pure_tensor(inpt):
        if format is None or canvas_size is None or clamping_mode == "auto":
            raise ValueError("For pure tensor inputs, `format`, `canvas_size` and `clamping_mode` have to be passed.")
        return _clamp(inpt, format, canvas_size, clamping_mode)
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise ValueError("For bounding box tv_tensor inputs, `format` and `canvas_size` must not be passed.")
        mode = inpt.clamping_mode if clamping_mode == "auto" else clamping_mode
        return tv_tensors.wrap(_clamp(inpt.as_subclass(Tensor), inpt.format, inpt.canvas_size, mode), like=inpt)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got {type(inpt)} instead.")


def _sanitize_mask(boxes, format, canvas_size, min_size=1.0, min_area=1.0):
    xyxy = _convert(boxes, format, BoundingBoxFormat.XYXY)._data
    ws, hs = xyxy[:, 2] - xyxy[:, 0], xyxy[:, 3] - xyxy[:, 1]
    valid = (ws >= min_size) & (hs >= min_size) & (xyxy >= 0).all(axis=-1) & (ws * hs >= min_area)
    h, w = canvas_size
    valid &= (xyxy[:, 0] <= w) & (xyxy[:, 2] <= w) & (xyxy[:, 1] <= h) & (xyxy[:, 3] <= h)
    return valid


def sanitize_bounding_boxes(bounding_boxes, format=None, canvas_size=None, min_size=1.0, min_area=1.0):
    """Drop boxes smaller than ``min_size``/``min_area`` or leaving the canvas; returns
    ``(kept boxes, bool mask of the kept ones)``."""
    if is_pure_tensor(bounding_boxes):
        if format is None or canvas_size is None:
            raise ValueError("format and canvas_size cannot be None if bounding_boxes is a pure tensor. "
                             f"Got format={format} and canvas_size={canvas_size}.Set those to appropriate values "
                             "or pass bounding_boxes as a tv_tensors.BoundingBoxes object.")
        valid = _sanitize_mask(bounding_boxes, _fmt(format), canvas_size, min_size, min_area)
        return _wrap(bounding_boxes._data[valid]), _wrap(valid)
    if not isinstance(bounding_boxes, tv_tensors.BoundingBoxes):
        raise ValueError("bounding_boxes must be a tv_tensors.BoundingBoxes instance or a pure tensor.")
    if format is not None or canvas_size is not None:
        raise ValueError("format and canvas_size must be None when bounding_boxes is a tv_tensors.BoundingBoxes "
                         f"instance. Got format={format} and canvas_size={canvas_size}. Leave those to None or "
                         "pass bounding_boxes as a pure tensor.")
    valid = _sanitize_mask(bounding_boxes.as_subclass(Tensor), bounding_boxes.format, bounding_boxes.canvas_size,
                           min_size, min_area)
    return tv_tensors.wrap(_wrap(bounding_boxes._data[valid]), like=bounding_boxes), _wrap(valid)


def get_size(inpt):
    """``[height, width]`` of an image, video, mask, PIL image or (the canvas of) boxes."""
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        return list(inpt.canvas_size)
    if is_pil(inpt):
        return [inpt.height, inpt.width]
    return [int(inpt.shape[-2]), int(inpt.shape[-1])]


def get_dimensions(inpt):
    """``[channels, height, width]`` of an image."""
    return F1.get_dimensions(inpt)


def get_num_channels(inpt):
    return get_dimensions(inpt)[0]


def pil_to_tensor(pic):
    return F1.pil_to_tensor(pic)


def to_image(inpt):
    """A PIL image, HWC ndarray or tensor as a :class:`tv_tensors.Image` (``[C, H, W]``, dtype kept)."""
    if is_pil(inpt):
        return tv_tensors.Image(F1.pil_to_tensor(inpt))
    if isinstance(inpt, np.ndarray):
        a = inpt[:, :, None] if inpt.ndim == 2 else inpt
        return tv_tensors.Image(_wrap(np.ascontiguousarray(np.moveaxis(a, -1, -3))))
    if isinstance(inpt, Tensor):
        return tv_tensors.Image(inpt.as_subclass(Tensor))
    raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got {type(inpt)} instead.")


def to_pil_image(pic, mode=None):
    return F1.to_pil_image(pic.as_subclass(Tensor) if isinstance(pic, Tensor) else pic, mode)


def to_pure_tensor(inpt):
    return inpt.as_subclass(Tensor)


def _num_value_bits(dtype):
    from ..... import _dtype as D
    bits = {D.uint8: 8, D.int8: 7, D.int16: 15, D.int32: 31, D.int64: 63}
    if dtype not in bits:
        raise TypeError(f"Number of value bits is only defined for integer dtypes, but got {dtype}.")
    return bits[dtype]


def _to_dtype_image(image, dtype, scale):
    from ..... import _dtype as D
    a = image._data
    if a.dtype == D.to_dtype(dtype).np:
        return image
    if not scale:
        return image.to(dtype)
    out = D.to_dtype(dtype).np
    fin, fout = np.issubdtype(a.dtype, np.floating), np.issubdtype(out, np.floating)
    if fin and fout:
        return image.to(dtype)
    if fin:
        if (a.dtype == np.float32 and out in (np.int32, np.int64)) or (a.dtype == np.float64 and out == np.int64):
            raise RuntimeError(f"The conversion from {image.dtype} to {dtype} cannot be performed safely.")
        return _wrap((a * a.dtype.type(np.iinfo(out).max + 1.0 - 1e-3)).astype(out))
    if fout:
        r = a.astype(out)
        r *= out.type(1.0 / np.iinfo(a.dtype).max)
        return _wrap(r)
    bits_in, bits_out = _num_value_bits(image.dtype), _num_value_bits(D.to_dtype(dtype))
    if bits_in > bits_out:
        return _wrap(np.right_shift(a, bits_in - bits_out).astype(out))
    return _wrap(np.left_shift(a.astype(out), bits_out - bits_in))


def to_dtype(inpt, dtype=None, scale=False):
    """Convert to ``dtype``; with ``scale`` an image's values are rescaled between the dtypes'
    ranges (uint8 255 <-> float 1.0). Boxes and masks are only cast."""
    from ..... import float32
    dtype = float32 if dtype is None else dtype
    if kind(inpt) == "image" and isinstance(inpt, Tensor):
        return rewrap(_to_dtype_image(inpt.as_subclass(Tensor), dtype, scale), inpt)
    return rewrap(inpt.as_subclass(Tensor).to(dtype), inpt)


def normalize(inpt, mean, std, inplace=False):
    """``(image - mean[c]) / std[c]`` of a float image (boxes and masks pass through)."""
    if kind(inpt) != "image":
        return inpt
    return rewrap(F1.normalize(inpt.as_subclass(Tensor) if isinstance(inpt, Tensor) else inpt, mean, std, inplace),
                  inpt)


def grayscale_to_rgb(inpt):
    """Repeat a one-channel image three times (RGB images pass through)."""
    if is_pil(inpt):
        return inpt.convert("RGB")
    if inpt.shape[-3] == 3:
        return inpt
    return rewrap(inpt.as_subclass(Tensor).repeat(*([1] * (inpt.ndim - 3)), 3, 1, 1), inpt)
