"""Image files to and from uint8 tensors (torchvision.io.image), decoded and encoded with Pillow.

Decoded images are ``[C, H, W]`` uint8 tensors; the channel count follows the file
(``UNCHANGED``) or the requested :class:`ImageReadMode`. 16-bit PNGs decode to int32 tensors
holding 0..65535 (torchvision returns ``torch.uint16``, a dtype ember does not have)."""
import io
import os
from enum import Enum

import numpy as np

from ..._tensor import Tensor, _wrap

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "decode_png", "decode_jpeg",
           "decode_webp", "encode_png", "encode_jpeg", "write_png", "write_jpeg", "read_image"]


class ImageReadMode(Enum):
    """Channels to decode to: ``UNCHANGED`` (as stored), ``GRAY``, ``GRAY_ALPHA``, ``RGB``,
    ``RGB_ALPHA`` (alias ``RGBA``)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """The bytes of the file ``path`` as a 1-d uint8 tensor."""
    with open(os.fspath(path), "rb") as f:
        data = f.read()
    if not data:
        raise RuntimeError(f"Expected a non empty file: {path}")
    return _wrap(np.frombuffer(data, dtype=np.uint8).copy())


def write_file(filename, data):
    """Write a 1-d uint8 tensor's bytes to ``filename``."""
    a = _bytes_of(data)
    with open(os.fspath(filename), "wb") as f:
        f.write(a)


def _bytes_of(data):
    if not isinstance(data, Tensor):
        raise TypeError(f"Expected a tensor, got {type(data).__name__}")
    a = data._data
    if a.dtype != np.uint8:
        raise RuntimeError(f"Input tensor must have uint8 data type, got {data.dtype}")
    if a.ndim != 1 or a.size == 0:
        raise RuntimeError(f"Input tensor must be 1-dimensional and non-empty, got {a.ndim} dims and "
                           f"{a.size} numel")
    return a.tobytes()


def _mode(mode):
    return ImageReadMode[mode.upper()] if isinstance(mode, str) else mode


def _png_gray(rgb):
    """libpng's RGB -> gray as torchvision configures it (0.2989, 0.587, 0.114 in 1/32768ths,
    truncated; already-gray pixels kept)."""
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    gray = (9794 * r + 19234 * g + 3740 * b) >> 15
    return np.where((r == g) & (g == b), r, gray).astype(np.uint8)


def _decode(data, mode, apply_exif_orientation, expect=None):
    from PIL import Image, ImageOps
    mode = _mode(mode)
    try:
        img = Image.open(io.BytesIO(data))
    except Exception as e:   # Pillow's UnidentifiedImageError
        raise RuntimeError("Unsupported image file. Only jpeg, png, webp and gif are currently supported. "
                           f"({e})") from None
    if expect is not None and img.format != expect:
        raise RuntimeError("Content is not png!" if expect == "PNG" else f"Content is not {expect.lower()}: "
                           f"got a {img.format} file")
    if img.format == "JPEG":
        if mode in (ImageReadMode.GRAY_ALPHA, ImageReadMode.RGB_ALPHA):
            raise RuntimeError("The provided mode is not supported for JPEG files")
        if mode == ImageReadMode.GRAY:
            img.draft("L", img.size)   # libjpeg's grayscale output: the decoded Y channel
    try:
        img.load()
    except Exception as e:
        raise RuntimeError(f"Could not decode the {img.format} image: {e}") from None
    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    if img.mode.startswith("I;16") or img.mode == "I":   # 16-bit gray PNG, alpha 65535
        a = np.asarray(img).astype(np.int32)   # torchvision gives uint16, a dtype ember lacks
        full = np.full_like(a, 65535)
        chans = {ImageReadMode.UNCHANGED: [a], ImageReadMode.GRAY: [a], ImageReadMode.GRAY_ALPHA: [a, full],
                 ImageReadMode.RGB: [a, a, a], ImageReadMode.RGB_ALPHA: [a, a, a, full]}[mode]
        return _wrap(np.stack(chans))
    if mode == ImageReadMode.UNCHANGED:
        if img.mode == "P":   # palette images decode to RGB(A), as libpng's expansion
            img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        elif img.mode not in ("L", "LA", "RGB", "RGBA"):
            img = img.convert("RGB" if img.mode in ("CMYK", "YCbCr") else "L")
        a = np.asarray(img)
    elif mode in (ImageReadMode.GRAY, ImageReadMode.GRAY_ALPHA) and img.mode not in ("L", "LA"):
        rgba = np.asarray(img.convert("RGBA"))
        gray = _png_gray(rgba) if img.format == "PNG" else np.asarray(img.convert("L"))
        a = gray if mode == ImageReadMode.GRAY else np.stack([gray, rgba[..., 3]], -1)
    else:
        a = np.asarray(img.convert(_PIL_MODE[mode]))
    if a.ndim == 2:
        a = a[:, :, None]
    return _wrap(np.ascontiguousarray(a.transpose(2, 0, 1)))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode a JPEG, PNG, WebP or GIF image (a 1-d uint8 tensor of its bytes, or a path).

    Args:
        input (Tensor or str): the file's bytes, or its path.
        mode (ImageReadMode or str, optional): channels to decode to. Default: ``UNCHANGED``
        apply_exif_orientation (bool, optional): rotate/flip by the EXIF orientation tag.

    Returns:
        Tensor[C, H, W] (uint8)
    """
    if not isinstance(input, Tensor):
        input = read_file(str(input))
    return _decode(_bytes_of(input), mode, apply_exif_orientation)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Read a JPEG, PNG, WebP or GIF file into a ``[C, H, W]`` uint8 tensor.

    Example:
        >>> img = read_image("cat.jpg", ImageReadMode.RGB)   # doctest: +SKIP
    """
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG bytes (a 1-d uint8 tensor) into a ``[C, H, W]`` tensor (int32 for 16-bit files)."""
    return _decode(_bytes_of(input), mode, apply_exif_orientation, expect="PNG")


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    """Decode JPEG bytes (a 1-d uint8 tensor, or a list of them) into ``[C, H, W]`` uint8 tensors."""
    if str(device) != "cpu":
        raise RuntimeError(f"decode_jpeg: ember decodes on the CPU only, got device={device!r}")
    if isinstance(input, list):
        if len(input) == 0:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [_decode(_bytes_of(t), mode, apply_exif_orientation, expect="JPEG") for t in input]
    return _decode(_bytes_of(input), mode, apply_exif_orientation, expect="JPEG")


def decode_webp(input, mode=ImageReadMode.UNCHANGED):
    """Decode WebP bytes (a 1-d uint8 tensor) into a ``[C, H, W]`` uint8 tensor."""
    return _decode(_bytes_of(input), mode, False, expect="WEBP")


def _image_array(input, channels):
    if not isinstance(input, Tensor):
        raise TypeError(f"Expected a tensor, got {type(input).__name__}")
    a = input._data
    if a.dtype != np.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if a.ndim != 3:
        raise RuntimeError(f"Input data should be a 3-dimensional tensor, got shape {tuple(a.shape)}")
    if a.shape[0] not in channels:
        raise RuntimeError(f"The number of channels should be {' or '.join(map(str, channels))}, got: {a.shape[0]}")
    a = a.transpose(1, 2, 0)
    return np.ascontiguousarray(a[:, :, 0] if a.shape[2] == 1 else a)


def _encode(a, fmt, **kw):
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format=fmt, **kw)
    return _wrap(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def encode_png(input, compression_level=6):
    """Encode a ``[C, H, W]`` uint8 tensor (C 1 or 3) as PNG bytes (a 1-d uint8 tensor)."""
    if compression_level < 0 or compression_level > 9:
        raise RuntimeError(f"Compression level should be between 0 and 9, got {compression_level}")
    return _encode(_image_array(input, (1, 3)), "PNG", compress_level=compression_level)


def write_png(input, filename, compression_level=6):
    """Encode a ``[C, H, W]`` uint8 tensor as PNG into ``filename``."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality=75):
    """Encode a ``[C, H, W]`` uint8 tensor (C 1 or 3), or a list of them, as JPEG bytes."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is passed")
        return [encode_jpeg(t, quality) for t in input]
    return _encode(_image_array(input, (1, 3)), "JPEG", quality=quality)


def write_jpeg(input, filename, quality=75):
    """Encode a ``[C, H, W]`` uint8 tensor as JPEG into ``filename``."""
    write_file(filename, encode_jpeg(input, quality))
