"""Image functions (torchvision.transforms.functional) for PIL images, NumPy HWC arrays
and ember CHW tensors (``[..., C, H, W]``). Each returns the kind it was given."""
import math
import numbers

import numpy as np

from ..._tensor import Tensor, _wrap
from ...ops._apply import Op, apply

try:  # Pillow is optional
    from PIL import Image, ImageEnhance
except ImportError:  # pragma: no cover
    Image = ImageEnhance = None

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "normalize", "resize",
           "crop", "center_crop", "resized_crop", "pad", "hflip", "vflip", "rotate",
           "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue",
           "rgb_to_grayscale", "to_grayscale", "gaussian_blur", "rgb_to_yuv", "yuv_to_rgb",
           "get_image_size", "get_image_num_channels", "get_dimensions", "convert_image_dtype"]


class InterpolationMode:
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _pil_resample(mode):
    return {"nearest": Image.NEAREST, "nearest-exact": Image.NEAREST, "bilinear": Image.BILINEAR,
            "bicubic": Image.BICUBIC, "box": Image.BOX, "hamming": Image.HAMMING,
            "lanczos": Image.LANCZOS}.get(mode, mode)


def _is_pil(img):
    return Image is not None and isinstance(img, Image.Image)


def _check(img):
    if not (_is_pil(img) or isinstance(img, (Tensor, np.ndarray))):
        raise TypeError(f"img should be PIL Image, ndarray or Tensor. Got {type(img)}")


def _to_chw(img):
    """(array [..., C, H, W], back) where ``back(array)`` restores the input's kind/layout."""
    if _is_pil(img):
        mode = img.mode
        a = np.asarray(img)
        a3 = a[None] if a.ndim == 2 else np.moveaxis(a, -1, 0)

        def back(x):
            x = x[0] if a.ndim == 2 else np.moveaxis(x, 0, -1)
            return Image.fromarray(np.ascontiguousarray(x.astype(a.dtype, copy=False)),
                                   mode=mode if mode in ("L", "RGB", "RGBA", "I", "F") else None)
        return a3, back
    if isinstance(img, Tensor):
        a = img._data
        if a.ndim == 2:
            return a[None], lambda x: _wrap(np.ascontiguousarray(x[0]))
        return a, lambda x: _wrap(np.ascontiguousarray(x))
    if isinstance(img, np.ndarray):
        if img.ndim == 2:
            return img[None], lambda x: np.ascontiguousarray(x[0])
        return np.moveaxis(img, -1, 0), lambda x: np.ascontiguousarray(np.moveaxis(x, 0, -1))
    raise TypeError(f"img should be PIL Image, ndarray or Tensor. Got {type(img)}")


def _max_value(dtype):
    return float(np.iinfo(dtype).max) if np.issubdtype(dtype, np.integer) else 1.0


def _cast_like(x, dtype):
    if np.issubdtype(dtype, np.integer) or dtype == np.bool_:
        info = np.iinfo(dtype) if dtype != np.bool_ else None
        x = np.round(x)
        if info is not None:
            x = np.clip(x, info.min, info.max)
    return x.astype(dtype, copy=False)


def get_dimensions(img):
    a, _ = _to_chw(img)
    return [a.shape[-3], a.shape[-2], a.shape[-1]]


def get_image_size(img):
    c, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


# ---- conversion -------------------------------------------------------------------------
def to_tensor(pic):
    """PIL image or HWC ndarray -> CHW float tensor; uint8 data scaled to [0, 1]."""
    if _is_pil(pic):
        if pic.mode == "1":
            a = np.asarray(pic, dtype=np.uint8) * 255
        else:
            a = np.asarray(pic)
        if a.ndim == 2:
            a = a[:, :, None]
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        a = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    a = np.ascontiguousarray(a.transpose(2, 0, 1))
    if a.dtype == np.uint8:
        return _wrap((a.astype(np.float32) / np.float32(255)))
    return _wrap(a.copy() if not a.flags.owndata else a)


def pil_to_tensor(pic):
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    a = np.asarray(pic)
    if a.ndim == 2:
        a = a[:, :, None]
    return _wrap(np.ascontiguousarray(a.transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """CHW tensor or HWC ndarray -> PIL image (floats are scaled by 255)."""
    if Image is None:
        raise RuntimeError("to_pil_image needs Pillow: pip install Pillow")
    if isinstance(pic, Tensor):
        a = pic._data
        if a.ndim == 2:
            a = a[None]
        if a.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {a.ndim} dimensions.")
        a = np.moveaxis(a, 0, -1)
        if np.issubdtype(a.dtype, np.floating) and mode != "F":
            a = (a * 255).astype(np.uint8)
    elif isinstance(pic, np.ndarray):
        a = pic[:, :, None] if pic.ndim == 2 else pic
        if a.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if a.shape[-1] == 1:
        a = a[:, :, 0]
        if mode is None:
            mode = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.int32): "I",
                    np.dtype(np.float32): "F"}.get(a.dtype)
        if mode is None:
            raise TypeError(f"Input type {a.dtype} is not supported")
    elif mode is None:
        if a.dtype != np.uint8:
            raise TypeError(f"Input type {a.dtype} is not supported")
        mode = {2: "LA", 3: "RGB", 4: "RGBA"}.get(a.shape[-1])
    return Image.fromarray(np.ascontiguousarray(a)).convert(mode) if mode not in ("I;16",) else \
        Image.fromarray(np.ascontiguousarray(a))


def convert_image_dtype(image, dtype):
    from ... import _dtype as D
    a = image._data
    out = D.to_dtype(dtype).np
    if a.dtype == out:
        return image
    if np.issubdtype(a.dtype, np.floating):
        if np.issubdtype(out, np.floating):
            return _wrap(a.astype(out))
        m = np.iinfo(out).max
        return _wrap((a * (m + 1.0 - 0.001)).astype(out))
    if np.issubdtype(out, np.floating):
        return _wrap(a.astype(out) / out.type(np.iinfo(a.dtype).max))
    return _wrap((a.astype(np.float64) / np.iinfo(a.dtype).max * np.iinfo(out).max).astype(out))


def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean[c]) / std[c]`` per channel of a float ``[..., C, H, W]`` tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    a = tensor._data
    if not np.issubdtype(a.dtype, np.floating):
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if a.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tuple(a.shape)}")
    m = np.asarray(mean._data if isinstance(mean, Tensor) else mean, dtype=a.dtype)
    s = np.asarray(std._data if isinstance(std, Tensor) else std, dtype=a.dtype)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.")
    if m.ndim == 1:
        m = m.reshape(-1, 1, 1)
    if s.ndim == 1:
        s = s.reshape(-1, 1, 1)
    if inplace:
        np.subtract(a, m, out=a)
        np.divide(a, s, out=a)
        if hasattr(tensor, "_bump"):
            try:
                tensor._bump()
            except Exception:
                pass
        return tensor
    return _wrap((a - m) / s)


# ---- geometry ---------------------------------------------------------------------------
def _setup_size(size, name="size"):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    size = list(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    if len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return int(size[0]), int(size[1])


def _output_size(h, w, size, max_size=None):
    if isinstance(size, numbers.Number) or (isinstance(size, (list, tuple)) and len(size) == 1):
        s = size if isinstance(size, numbers.Number) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = int(s), int(s * long / short)
        if max_size is not None:
            if max_size <= s:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                                 f"size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    return int(size[0]), int(size[1])


def _resize_array(a, oh, ow, interpolation, antialias=True):
    """Resize the last two axes as torchvision resizes tensors: nearest indexing, or
    ``interpolate(bilinear|bicubic, align_corners=False, antialias)`` in float32/64 with
    integer images rounded (and clamped for bicubic) back to their dtype."""
    h, w = a.shape[-2:]
    if (oh, ow) == (h, w):
        return a.copy()
    if interpolation in ("nearest", "nearest-exact"):
        if interpolation == "nearest":
            ri = np.minimum((np.arange(oh) * (h / oh)).astype(np.int64), h - 1)
            ci = np.minimum((np.arange(ow) * (w / ow)).astype(np.int64), w - 1)
        else:
            ri = np.minimum(((np.arange(oh) + 0.5) * (h / oh)).astype(np.int64), h - 1)
            ci = np.minimum(((np.arange(ow) + 0.5) * (w / ow)).astype(np.int64), w - 1)
        return a[..., ri[:, None], ci[None, :]]
    from ...nn.functional import interpolate
    mode = "bicubic" if interpolation == "bicubic" else "bilinear"
    ft = a.dtype if a.dtype in (np.float32, np.float64) else np.dtype(np.float32)
    x = np.ascontiguousarray(a, dtype=ft).reshape((1, -1, h, w))
    out = interpolate(_wrap(x), size=(oh, ow), mode=mode, align_corners=False, antialias=antialias)._data
    out = out.reshape(a.shape[:-2] + (oh, ow))
    if np.issubdtype(a.dtype, np.integer):
        if mode == "bicubic" and a.dtype == np.uint8:
            out = np.clip(out, 0, 255)
        out = np.round(out)
    return out.astype(a.dtype, copy=False)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the shorter side keeping the aspect ratio)."""
    _check(img)
    c, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    if _is_pil(img):
        if (oh, ow) == (h, w):
            return img.copy()
        return img.resize((ow, oh), _pil_resample(interpolation))
    a, back = _to_chw(img)
    return back(_resize_array(a, oh, ow, interpolation, antialias))


def crop(img, top, left, height, width):
    """Crop ``[top:top+height, left:left+width]``, zero-padding where it leaves the image."""
    _check(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    a, back = _to_chw(img)
    h, w = a.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [(0, 0)] * (a.ndim - 2) + [(max(-top, 0), max(bottom - h, 0)), (max(-left, 0), max(right - w, 0))]
        a = np.pad(a[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)], pads)
        return back(a)
    return back(a[..., top:bottom, left:right].copy())


def center_crop(img, output_size):
    _check(img)
    th, tw = _setup_size(output_size)
    _, h, w = get_dimensions(img)
    if tw > w or th > h:
        pl = (tw - w) // 2 if tw > w else 0
        pt = (th - h) // 2 if th > h else 0
        pr = (tw - w + 1) // 2 if tw > w else 0
        pb = (th - h + 1) // 2 if th > h else 0
        img = pad(img, [pl, pt, pr, pb], fill=0)
        _, h, w = get_dimensions(img)
        if tw == w and th == h:
            return img
    top = int(round((h - th) / 2.0))
    left = int(round((w - tw) / 2.0))
    return crop(img, top, left, th, tw)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _parse_pad(padding):
    if isinstance(padding, numbers.Number):
        p = int(padding)
        return p, p, p, p
    padding = list(padding)
    if len(padding) == 1:
        return (int(padding[0]),) * 4
    if len(padding) == 2:
        return int(padding[0]), int(padding[1]), int(padding[0]), int(padding[1])
    if len(padding) == 4:
        return tuple(int(p) for p in padding)
    raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad by ``padding`` (int, (lr, tb) or (left, top, right, bottom))."""
    _check(img)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    l, t, r, b = _parse_pad(padding)
    a, back = _to_chw(img)
    pads = [(0, 0)] * (a.ndim - 2) + [(t, b), (l, r)]
    if padding_mode == "constant":
        if isinstance(fill, (list, tuple)) and len(fill) > 1:
            out = np.stack([np.pad(a[..., i, :, :], pads[1:] if a.ndim == 3 else pads[:-3] + pads[-2:],
                                   constant_values=f) for i, f in enumerate(fill)], axis=-3)
        else:
            f = fill[0] if isinstance(fill, (list, tuple)) else (fill or 0)
            out = np.pad(a, pads, mode="constant", constant_values=f)
    else:
        out = np.pad(a, pads, mode=padding_mode)
    return back(out)


def hflip(img):
    _check(img)
    if _is_pil(img):
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    a, back = _to_chw(img)
    return back(a[..., ::-1].copy())


def vflip(img):
    _check(img)
    if _is_pil(img):
        return img.transpose(Image.FLIP_TOP_BOTTOM)
    a, back = _to_chw(img)
    return back(a[..., ::-1, :].copy())


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about the centre (or ``center`` (x, y))."""
    _check(img)
    if _is_pil(img):
        kw = {}
        if fill is not None:
            kw["fillcolor"] = tuple(fill) if isinstance(fill, (list, tuple)) else fill
        return img.rotate(angle, _pil_resample(interpolation), expand, center, **kw)
    a, back = _to_chw(img)
    h, w = a.shape[-2:]
    cx, cy = ((w - 1) * 0.5, (h - 1) * 0.5) if center is None else (center[0], center[1])
    th = math.radians(angle)
    cos, sin = math.cos(th), math.sin(th)
    oh, ow = h, w
    ocx, ocy = cx, cy
    if expand:
        corners = np.array([[-cx, -cy], [w - 1 - cx, -cy], [-cx, h - 1 - cy], [w - 1 - cx, h - 1 - cy]])
        xs = cos * corners[:, 0] + sin * corners[:, 1]
        ys = -sin * corners[:, 0] + cos * corners[:, 1]
        ow = int(math.ceil(xs.max() - xs.min() + 1 - 1e-6))
        oh = int(math.ceil(ys.max() - ys.min() + 1 - 1e-6))
        ocx, ocy = (ow - 1) * 0.5, (oh - 1) * 0.5
    yy, xx = np.meshgrid(np.arange(oh, dtype=np.float64) - ocy, np.arange(ow, dtype=np.float64) - ocx,
                         indexing="ij")
    sx = cos * xx - sin * yy + cx
    sy = sin * xx + cos * yy + cy
    f = 0 if fill is None else fill
    if interpolation == InterpolationMode.BILINEAR:
        x0, y0 = np.floor(sx).astype(np.int64), np.floor(sy).astype(np.int64)
        fx, fy = sx - x0, sy - y0
        ft = a.dtype if np.issubdtype(a.dtype, np.floating) else np.float32
        out = np.zeros(a.shape[:-2] + (oh, ow), dtype=ft)
        wsum = np.zeros((oh, ow))
        for dy, dx, wt in ((0, 0, (1 - fx) * (1 - fy)), (0, 1, fx * (1 - fy)), (1, 0, (1 - fx) * fy), (1, 1, fx * fy)):
            xi, yi = x0 + dx, y0 + dy
            ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            vals = a[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
            out += (vals * (wt * ok)).astype(ft)
            wsum += wt * ok
        fv = np.asarray(f, dtype=ft)
        if fv.ndim == 1:
            fv = fv.reshape(-1, 1, 1)
        out += ((1 - wsum).astype(ft) * fv).astype(ft)
        return back(_cast_like(out, a.dtype))
    xi, yi = np.floor(sx + 0.5).astype(np.int64), np.floor(sy + 0.5).astype(np.int64)
    ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    out = a[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
    fillv = np.asarray(f, dtype=a.dtype)
    if fillv.ndim == 1:
        fillv = fillv.reshape(-1, 1, 1)
    out = np.where(ok, out, fillv)
    return back(out.astype(a.dtype, copy=False))


# ---- colour -----------------------------------------------------------------------------
def _gray(a):
    """[..., 3, H, W] -> [..., 1, H, W] float luma (ITU-R 601-2 weights, as torchvision), computed
    in the image's float dtype (float32 for integer images), as torch does."""
    t = (a.dtype if np.issubdtype(a.dtype, np.floating) else np.dtype(np.float32)).type
    r, g, b = (a[..., i, :, :].astype(t, copy=False) for i in range(3))
    l = t(0.2989) * r + t(0.587) * g + t(0.114) * b
    return l[..., None, :, :]


def rgb_to_grayscale(img, num_output_channels=1):
    _check(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        g = img.convert("L")
        return g if num_output_channels == 1 else g.convert("RGB")
    a, back = _to_chw(img)
    if a.shape[-3] == 1:
        l = a.astype(np.float32)
    elif a.shape[-3] == 3:
        l = _gray(a)
    else:
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {a.shape[-3]}")
    l = l.astype(a.dtype, copy=False)   # integer images truncate, as torch's .to(dtype)
    if num_output_channels == 3:
        l = np.concatenate([l, l, l], axis=-3)
    return back(l)


to_grayscale = rgb_to_grayscale


def _blend(a, b, ratio):
    """``ratio * a + (1 - ratio) * b`` clamped to the dtype's range, in the image's float dtype
    (float32 for integer images, which truncate back), as torchvision's tensor kernel."""
    t = (a.dtype if np.issubdtype(a.dtype, np.floating) else np.dtype(np.float32)).type
    out = t(ratio) * a.astype(t) + t(1.0 - ratio) * np.asarray(b).astype(t)
    return np.clip(out, 0, _max_value(a.dtype)).astype(a.dtype)


def _pil_or_array(img, pil_fn, arr_fn):
    _check(img)
    if _is_pil(img):
        return pil_fn(img)
    a, back = _to_chw(img)
    return back(arr_fn(a))


def adjust_brightness(img, brightness_factor):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    return _pil_or_array(img, lambda im: ImageEnhance.Brightness(im).enhance(brightness_factor),
                         lambda a: _blend(a, 0, brightness_factor))


def adjust_contrast(img, contrast_factor):
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")

    def f(a):
        ft = a.dtype if np.issubdtype(a.dtype, np.floating) else np.float32
        g = _gray(a) if a.shape[-3] == 3 else a
        g = g.astype(a.dtype).astype(ft)   # the grey image in the image's dtype (truncated), then float
        mean = g.mean(axis=(-3, -2, -1), keepdims=True, dtype=ft)
        return _blend(a, mean, contrast_factor)
    return _pil_or_array(img, lambda im: ImageEnhance.Contrast(im).enhance(contrast_factor), f)


def adjust_saturation(img, saturation_factor):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")

    def f(a):
        if a.shape[-3] == 1:
            return a.copy()
        return _blend(a, _gray(a).astype(a.dtype), saturation_factor)   # the grey image truncated, as torch
    return _pil_or_array(img, lambda im: ImageEnhance.Color(im).enhance(saturation_factor), f)


def _rgb2hsv(img):
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc, minc = img.max(axis=-3), img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    cr_divisor = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / cr_divisor, (maxc - g) / cr_divisor, (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return np.stack((h, s, maxc), axis=-3)


def _hsv2rgb(img):
    h, s, v = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    sel = [i == k for k in range(6)]
    r = np.select(sel, [v, q, p, p, t, v])
    g = np.select(sel, [t, v, v, q, p, p])
    b = np.select(sel, [p, p, t, v, v, q])
    return np.stack((r, g, b), axis=-3)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")

    def f(a):
        if a.shape[-3] == 1:
            return a.copy()
        is_int = not np.issubdtype(a.dtype, np.floating)
        x = a.astype(np.float32) / 255.0 if is_int else a
        hsv = _rgb2hsv(x)
        hsv[..., 0, :, :] = np.fmod(hsv[..., 0, :, :] + hue_factor, 1.0)
        hsv[..., 0, :, :] = np.where(hsv[..., 0, :, :] < 0, hsv[..., 0, :, :] + 1, hsv[..., 0, :, :])
        out = _hsv2rgb(hsv)
        return (out * np.float32(255 + 1.0 - 1e-3)).astype(a.dtype) if is_int else out.astype(a.dtype)

    def fp(im):
        mode = im.mode
        if mode in ("L", "1", "I", "F"):
            return im
        a = np.moveaxis(np.asarray(im.convert("RGB")), -1, 0)
        return Image.fromarray(np.moveaxis(f(a), 0, -1)).convert(mode)
    return _pil_or_array(img, fp, f)


def gaussian_blur(img, kernel_size, sigma=None):
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    for k in kernel_size:
        if k % 2 == 0 or k < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if isinstance(sigma, numbers.Number):
        sigma = [float(sigma), float(sigma)]
    elif len(sigma) == 1:
        sigma = [float(sigma[0])] * 2

    def kern(k, s):
        x = np.linspace(-(k - 1) * 0.5, (k - 1) * 0.5, k)
        p = np.exp(-0.5 * (x / s) ** 2)
        return p / p.sum()

    kx, ky = kern(kernel_size[0], sigma[0]), kern(kernel_size[1], sigma[1])

    def f(a):
        ft = a.dtype if np.issubdtype(a.dtype, np.floating) else np.float32
        x = a.astype(ft)
        px, py = kernel_size[0] // 2, kernel_size[1] // 2
        pads = [(0, 0)] * (x.ndim - 2) + [(py, py), (px, px)]
        x = np.pad(x, pads, mode="reflect")
        h, w = a.shape[-2:]
        y = sum(ky[i] * x[..., i:i + h, :] for i in range(len(ky)))
        z = sum(kx[i] * y[..., :, i:i + w] for i in range(len(kx)))
        return _cast_like(z.astype(ft), a.dtype)
    _check(img)
    if _is_pil(img):
        a, back = _to_chw(img)
        return back(f(a))
    a, back = _to_chw(img)
    return back(f(a))


# ---- RGB <-> YUV (BT.601), differentiable -----------------------------------------------
_RGB2YUV = np.array([[0.299, 0.587, 0.114],
                     [-0.14713, -0.28886, 0.436],
                     [0.615, -0.51499, -0.10001]])
_YUV2RGB = np.linalg.inv(_RGB2YUV)


def _mix(a, m):
    """Apply the 3x3 matrix ``m`` over axis -3 of ``a`` ([..., 3, H, W])."""
    m = m.astype(a.dtype)
    return np.einsum("ij,...jhw->...ihw", m, a)


class _ColorMatrix(Op):
    name = "ColorMatrixBackward0"
    promote = "float"

    def forward(self, a, matrix=None):
        if a.ndim < 3 or a.shape[-3] != 3:
            raise ValueError(f"Expected an image of shape [..., 3, H, W], got {tuple(a.shape)}")
        self.m = matrix
        return _mix(a, matrix)

    def backward(self, g):
        return (_mix(g, self.m.T),)


def rgb_to_yuv(img):
    """RGB -> YUV (BT.601 analog: Y in [0, 1], U in [-0.436, 0.436], V in [-0.615, 0.615])
    for ``[..., 3, H, W]`` tensors; differentiable."""
    return apply(_ColorMatrix, img, matrix=_RGB2YUV)


def yuv_to_rgb(img):
    """The inverse of :func:`rgb_to_yuv`; differentiable."""
    return apply(_ColorMatrix, img, matrix=_YUV2RGB)
