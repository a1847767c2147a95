"""``ember.vision.utils`` (torchvision.utils): image grids, saving, and drawing boxes, masks and
keypoints on uint8 or float ``[C, H, W]`` images. Drawing uses Pillow (imported on first use)."""
import math
import warnings

import numpy as np

from .._tensor import Tensor, _wrap

__all__ = ["make_grid", "save_image", "draw_bounding_boxes", "draw_segmentation_masks",
           "draw_keypoints", "flow_to_image"]


def _is_float(a):
    return np.issubdtype(a.dtype, np.floating)


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Tile a batch of images into one image.

    Args:
        tensor (Tensor or list[Tensor]): ``[B, C, H, W]`` images, or a list of ``[C, H, W]``
            images of one size. One-channel images become three-channel.
        nrow (int, optional): images per row. Default: 8
        padding (int, optional): pixels between (and around) the images. Default: 2
        normalize (bool, optional): rescale to [0, 1] by ``value_range`` (default: the min
            and max of the images). Default: ``False``
        value_range (tuple, optional): ``(min, max)`` for ``normalize``.
        scale_each (bool, optional): normalize each image by its own min and max. Default: ``False``
        pad_value (float, optional): the padding's value. Default: 0

    Returns:
        Tensor ``[C, H', W']``: the grid.

    Example:
        >>> grid = make_grid(ember.rand(16, 3, 8, 8), nrow=4)
        >>> grid.shape
        torch.Size([3, 42, 42])
    """
    if isinstance(tensor, list):
        for t in tensor:
            if not isinstance(t, Tensor):
                raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        a = np.stack([t._data for t in tensor])
    elif isinstance(tensor, Tensor):
        a = tensor._data
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if a.ndim == 2:
        a = a[None]
    if a.ndim == 3:
        if a.shape[0] == 1:
            a = np.concatenate((a, a, a), 0)
        a = a[None]
    if a.ndim == 4 and a.shape[1] == 1:
        a = np.concatenate((a, a, a), 1)
    if normalize is True:
        a = a.copy()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")

        def norm(img, low, high):   # in place, in the image's dtype, as torch's clamp_/sub_/div_
            t = img.dtype.type
            np.clip(img, t(low), t(high), out=img)
            img -= t(low)
            img /= t(max(high - low, 1e-5))

        for img in (a if scale_each is True else (a,)):
            if value_range is not None:
                norm(img, value_range[0], value_range[1])
            else:
                norm(img, float(img.min()), float(img.max()))
    if a.shape[0] == 1:
        return _wrap(a[0])
    nmaps = a.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(a.shape[2] + padding), int(a.shape[3] + padding)
    grid = np.full((a.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value, dtype=a.dtype)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = a[k]
    return _wrap(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or a batch, as a :func:`make_grid`) as an image file; values in [0, 1]
    map to 0..255 by ``x * 255 + 0.5`` clamped and truncated, as torchvision does.

    Args:
        tensor (Tensor or list[Tensor]): the image(s).
        fp (str, pathlib.Path or file object): where to write.
        format (str, optional): the file format (needed for a file object); else from the name.
        **kwargs: passed to :func:`make_grid`.

    Example:
        >>> save_image(ember.rand(16, 3, 8, 8), "grid.png", nrow=4)   # doctest: +SKIP
    """
    from PIL import Image
    grid = make_grid(tensor, **kwargs)._data
    t = grid.dtype.type if _is_float(grid) else np.float32
    a = grid.astype(t, copy=False) * t(255)
    a += t(0.5)
    np.clip(a, 0, 255, out=a)
    Image.fromarray(np.ascontiguousarray(a.transpose(1, 2, 0)).astype(np.uint8)).save(fp, format=format)


def _generate_color_palette(num_objects):
    palette = (2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1)
    return [tuple((i * p) % 255 for p in palette) for i in range(num_objects)]


def _parse_colors(colors, *, num_objects, floating=False):
    """``num_objects`` RGB tuples from None (a palette), a color, or a list of colors."""
    from PIL import ImageColor
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError("Number of colors must be equal or larger than the number of objects, but got "
                             f"{len(colors)} < {num_objects}.")
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(f"colors must be a tuple or a string, or a list thereof, but got {colors}.")
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:
        colors = [colors] * num_objects
    colors = [ImageColor.getrgb(c) if isinstance(c, str) else tuple(c) for c in colors]
    if floating:
        colors = [tuple(v / 255 for v in c) for c in colors]
    return colors


def _check_image(image, rgb_only, what="The image must be a tensor"):
    if not isinstance(image, Tensor):
        raise TypeError(f"{what}, got {type(image)}")
    a = image._data
    if not (a.dtype == np.uint8 or _is_float(a)):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if a.ndim != 3:
        raise ValueError("Pass individual images, not batches")
    if rgb_only and a.shape[0] != 3:
        raise ValueError("Pass an RGB image. Other Image formats are not supported")
    if not rgb_only and a.shape[0] not in (1, 3):
        raise ValueError("Only grayscale and RGB images are supported")
    return a


def _to_uint8(a):
    """Float [0, 1] -> uint8 as ``to_dtype(..., uint8, scale=True)``: ``x * (256 - 1e-3)``."""
    return (a * a.dtype.type(255 + 1.0 - 1e-3)).astype(np.uint8) if _is_float(a) else a


def _from_uint8(a, dtype):
    """uint8 -> float ``dtype`` as ``to_dtype(..., scale=True)``: ``x * (1 / 255)``."""
    if dtype == np.uint8:
        return a
    out = a.astype(dtype)
    out *= dtype.type(1.0 / 255)
    return out


def _dashed_line(draw, xy, fill=None, width=0, dash_length=5, space_length=5):
    """Alternate ``dash_length`` drawn and ``space_length`` skipped along the polyline ``xy``."""
    dash = True
    for (x1, y1), (x2, y2) in zip(xy[:-1], xy[1:]):
        remaining = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        while remaining > 0:
            step = min(remaining, dash_length if dash else space_length)
            angle = math.atan2(y2 - y1, x2 - x1)
            ex, ey = x1 + math.cos(angle) * step, y1 + math.sin(angle) * step
            if dash:
                draw.line([(x1, y1), (ex, ey)], fill, width, None)
            remaining -= step
            x1, y1 = ex, ey
            dash = not dash


def _oriented_rectangle(draw, xy, fill=None, outline=None, width=1):
    """A quadrilateral ``(x1, y1, ..., x4, y4)`` whose first side is dashed (its top)."""
    _dashed_line(draw, ((xy[0], xy[1]), (xy[2], xy[3])), width=width, fill=outline)
    n = len(xy)
    for i in range(2, n, 2):
        draw.line(((xy[i], xy[i + 1]), (xy[(i + 2) % n], xy[(i + 3) % n])), width=width, fill=outline)
    draw.polygon(xy, fill=fill, outline=None, width=0)


def draw_bounding_boxes(image, boxes, labels=None, colors=None, fill=False, width=1, font=None,
                        font_size=None, label_colors=None, label_background_colors=None,
                        fill_labels=False):
    """Draw boxes (and their labels) on an image.

    Args:
        image (Tensor): ``[C, H, W]``, uint8 or float in [0, 1], C 1 or 3.
        boxes (Tensor): ``[N, 4]`` ``(xmin, ymin, xmax, ymax)`` in pixels, or ``[N, 8]``
            corners of rotated boxes.
        labels (list[str], optional): one per box.
        colors (color or list of colors, optional): names, ``"#rrggbb"`` or RGB tuples;
            a palette by default.
        fill (bool, optional): fill the boxes (alpha 100). Default: ``False``
        width (int, optional): line width. Default: 1
        font (str, optional): a TrueType font file; Pillow's default font otherwise.
        font_size (int, optional): its size. Default: 10
        label_colors, label_background_colors (optional): label text and background colors.
        fill_labels (bool, optional): draw a background behind labels. Default: ``False``

    Returns:
        Tensor ``[3, H, W]`` of the image's dtype.
    """
    from PIL import Image, ImageDraw, ImageFont
    a = _check_image(image, False, "Tensor expected")
    b = boxes._data if isinstance(boxes, Tensor) else np.asarray(boxes)
    if b.shape[-1] == 4 and ((b[:, 0] > b[:, 2]).any() or (b[:, 1] > b[:, 3]).any()):
        raise ValueError("Boxes need to be in (xmin, ymin, xmax, ymax) format. Use "
                         "torchvision.ops.box_convert to convert them")
    n = b.shape[0]
    if n == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn")
        return image
    if labels is None:
        labels = [None] * n
    elif len(labels) != n:
        raise ValueError(f"Number of boxes ({n}) and labels ({len(labels)}) mismatch. Please specify "
                         "labels for each box.")
    colors = _parse_colors(colors, num_objects=n)
    if label_colors or fill_labels:
        label_colors = _parse_colors(label_colors if label_colors else "black", num_objects=n)
    else:
        label_colors = list(colors)
    if fill_labels and label_background_colors:
        label_background_colors = _parse_colors(label_background_colors, num_objects=n)
    else:
        label_background_colors = list(colors)
    if font is None:
        if font_size is not None:
            warnings.warn("Argument 'font_size' will be ignored since 'font' is not set.")
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)
    if a.shape[0] == 1:
        a = np.tile(a, (3, 1, 1))
    img = Image.fromarray(np.ascontiguousarray(_to_uint8(a).transpose(1, 2, 0)))
    draw = ImageDraw.Draw(img, "RGBA") if fill else ImageDraw.Draw(img)
    for box, color, label, lcolor, lbg in zip(b.astype(np.int64).tolist(), colors, labels,
                                              label_colors, label_background_colors):
        fill_color = color + (100,) if fill else None
        if len(box) > 4:
            _oriented_rectangle(draw, box, width=width, outline=color, fill=fill_color)
        else:
            draw.rectangle(box, width=width, outline=color, fill=fill_color)
        if label is not None:
            margin = width + 1
            if fill_labels:
                left, top, right, bottom = draw.textbbox((box[0] + margin, box[1] + margin), label, font=txt_font)
                draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=lbg)
            draw.text((box[0] + margin, box[1] + margin), label, fill=lcolor, font=txt_font)
    out = np.ascontiguousarray(np.asarray(img).transpose(2, 0, 1))
    return _wrap(_from_uint8(out, a.dtype))


def draw_segmentation_masks(image, masks, alpha=0.8, colors=None):
    """Blend colored masks into an RGB image: ``image * (1 - alpha) + colored * alpha``
    (pixels under two or more masks are blended with black).

    Args:
        image (Tensor): ``[3, H, W]``, uint8 or float.
        masks (Tensor): bool ``[N, H, W]`` or ``[H, W]``.
        alpha (float, optional): the masks' opacity. Default: 0.8
        colors (optional): as in :func:`draw_bounding_boxes`.

    Returns:
        Tensor ``[3, H, W]`` of the image's dtype.
    """
    a = _check_image(image, True)
    m = masks._data if isinstance(masks, Tensor) else np.asarray(masks)
    if m.ndim == 2:
        m = m[None]
    if m.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if m.dtype != np.bool_:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if m.shape[-2:] != a.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    if m.shape[0] == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn")
        return image
    overlap = m.sum(axis=0) > 1
    drawn = a.copy()
    for mask, color in zip(m, _parse_colors(colors, num_objects=m.shape[0], floating=_is_float(a))):
        drawn[:, mask] = np.asarray(color, dtype=a.dtype)[:, None]
    drawn[:, overlap] = 0
    t = a.dtype.type if _is_float(a) else np.float32
    out = a.astype(t) * t(1 - alpha) + drawn.astype(t) * t(alpha)
    return _wrap(out.astype(a.dtype))


def draw_keypoints(image, keypoints, connectivity=None, colors=None, radius=2, width=3, visibility=None):
    """Draw keypoints (discs of ``radius``) and the lines of ``connectivity`` between them.

    Args:
        image (Tensor): ``[3, H, W]``, uint8 or float.
        keypoints (Tensor): ``[num_instances, K, 2]`` ``(x, y)`` in pixels.
        connectivity (list[tuple[int, int]], optional): keypoint index pairs to join.
        colors (str or tuple, optional): the discs' color.
        radius (int, optional): the discs' radius. Default: 2
        width (int, optional): the lines' width. Default: 3
        visibility (Tensor, optional): bool ``[num_instances, K]``: draw only these.

    Returns:
        Tensor ``[3, H, W]`` of the image's dtype.
    """
    from PIL import Image, ImageDraw
    a = _check_image(image, True)
    k = keypoints._data if isinstance(keypoints, Tensor) else np.asarray(keypoints)
    if k.ndim != 3:
        raise ValueError("keypoints must be of shape (num_instances, K, 2)")
    v = np.ones(k.shape[:-1], dtype=bool) if visibility is None else \
        (visibility._data if isinstance(visibility, Tensor) else np.asarray(visibility))
    if v.ndim == 3:
        v = v.squeeze(-1)
    if v.ndim != 2:
        raise ValueError(f"visibility must be of shape (num_instances, K). Got ndim={v.ndim}")
    if v.shape != k.shape[:-1]:
        raise ValueError("keypoints and visibility must have the same dimensionality for num_instances "
                         f"and K. Got visibility.shape={tuple(v.shape)} and keypoints.shape={tuple(k.shape)}")
    img = Image.fromarray(np.ascontiguousarray(_to_uint8(a).transpose(1, 2, 0)))
    draw = ImageDraw.Draw(img)
    for inst, vis in zip(k.astype(np.int64).tolist(), v.astype(bool).tolist()):
        for (x, y), shown in zip(inst, vis):
            if shown:
                draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colors, outline=None, width=0)
        for i, j in connectivity or ():
            if vis[i] and vis[j]:
                draw.line(((inst[i][0], inst[i][1]), (inst[j][0], inst[j][1])), width=width)
    out = np.ascontiguousarray(np.asarray(img).transpose(2, 0, 1))
    return _wrap(_from_uint8(out, a.dtype))


def _make_colorwheel():
    """The 55 colors of the optical-flow color wheel (Baker et al.), float32 ``[55, 3]``."""
    segments = ((15, 0, 1, True), (6, 1, 0, False), (4, 1, 2, True), (11, 2, 1, False),
                (13, 2, 0, True), (6, 0, 2, False))   # (length, full channel, ramp channel, rising)
    wheel = np.zeros((55, 3), dtype=np.float32)
    col = 0
    for n, full, ramp, rising in segments:
        r = np.floor(np.float32(255) * np.arange(n, dtype=np.float32) / np.float32(n))
        wheel[col:col + n, full] = 255
        wheel[col:col + n, ramp] = r if rising else 255 - r
        col += n
    return wheel


def flow_to_image(flow):
    """Color an optical flow ``[2, H, W]`` or ``[N, 2, H, W]`` (float32) as uint8 RGB images:
    hue for direction, saturation for magnitude (normalized by the largest)."""
    if not isinstance(flow, Tensor) or flow._data.dtype != np.float32:
        raise ValueError(f"Flow should be of dtype torch.float, got {getattr(flow, 'dtype', type(flow))}.")
    f = flow._data
    orig = f.shape
    if f.ndim == 3:
        f = f[None]
    if f.ndim != 4 or f.shape[1] != 2:
        raise ValueError(f"Input flow should have shape (2, H, W) or (N, 2, H, W), got {tuple(orig)}.")
    max_norm = np.sqrt(np.sum(f ** 2, axis=1)).max()
    f = f / (max_norm + np.finfo(np.float32).eps)
    wheel = _make_colorwheel()
    ncols = wheel.shape[0]
    norm = np.sqrt(np.sum(f ** 2, axis=1))
    ang = np.arctan2(-f[:, 1], -f[:, 0]) / np.float32(np.pi)
    fk = (ang + 1) / 2 * np.float32(ncols - 1)
    k0 = np.floor(fk).astype(np.int64)
    k1 = k0 + 1
    k1[k1 == ncols] = 0
    frac = fk - k0.astype(np.float32)
    img = np.zeros((f.shape[0], 3, f.shape[2], f.shape[3]), dtype=np.uint8)
    for c in range(3):
        col = (1 - frac) * (wheel[k0, c] / np.float32(255.0)) + frac * (wheel[k1, c] / np.float32(255.0))
        img[:, c] = np.floor(255 * (1 - norm * (1 - col)))
    return _wrap(img[0] if len(orig) == 3 else img)
