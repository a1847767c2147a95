"""``ember.vision.tv_tensors`` (torchvision.tv_tensors): tensor subclasses that tell the v2
transforms what a tensor holds (an image, a video, masks, bounding boxes), so a geometric
transform moves boxes and masks with the image.

As in torchvision, operations on a TVTensor return plain tensors, except ``clone``, ``to``,
``detach`` and ``requires_grad_``, which keep the type and metadata; :func:`wrap` re-wraps."""
from enum import Enum

from ..._tensor import Tensor

__all__ = ["TVTensor", "Image", "Video", "Mask", "BoundingBoxes", "BoundingBoxFormat",
           "is_rotated_bounding_format", "wrap"]


def _to_tensor(data, dtype=None, device=None, requires_grad=None):
    from ... import as_tensor
    if requires_grad is None:
        requires_grad = data.requires_grad if isinstance(data, Tensor) else False
    return as_tensor(data, dtype=dtype, device=device).requires_grad_(requires_grad)


class TVTensor(Tensor):
    """Base of the tv_tensors: a tensor whose type carries meaning for the v2 transforms."""

    __slots__ = ()

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return tensor.as_subclass(cls)

    def _rewrap(self, out):
        return wrap(out, like=self) if isinstance(out, Tensor) and not isinstance(out, TVTensor) else out

    def clone(self, *args, **kwargs):
        return self._rewrap(Tensor.clone(self, *args, **kwargs))

    def to(self, *args, **kwargs):
        out = Tensor.to(self, *args, **kwargs)
        return out if out is self else self._rewrap(out)

    def detach(self):
        return self._rewrap(Tensor.detach(self))

    def requires_grad_(self, requires_grad=True):
        Tensor.requires_grad_(self, requires_grad)
        return self

    def __deepcopy__(self, memo):
        return self.detach().clone().requires_grad_(self.requires_grad)

    def _plain_repr(self):
        text = Tensor.__repr__(self.as_subclass(Tensor))
        name = type(self).__name__
        pad = len(name) + 1 - len("tensor(")
        lines = text.replace("tensor(", name + "(", 1).split("\n")
        lines[1:] = [(" " * pad + line) if pad >= 0 else line[-pad:] for line in lines[1:]]
        return "\n".join(lines)

    def _make_repr(self, **kwargs):
        extra = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        return f"{self._plain_repr()[:-1]}, {extra})"

    def __repr__(self):
        return self._plain_repr()

    def __str__(self):
        return self.__repr__()


class Image(TVTensor):
    """An image ``[..., C, H, W]`` (a 2-d input gains a channel dim; a PIL image is converted).

    Example:
        >>> Image(ember.zeros(2, 3, dtype=ember.uint8)).shape
        torch.Size([1, 2, 3])
    """

    __slots__ = ()

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        if type(data).__module__.startswith("PIL."):
            from ..transforms.functional import pil_to_tensor
            data = pil_to_tensor(data)
        t = _to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if t.ndim < 2:
            raise ValueError(f"Tensor must be 2D or higher, got {t.ndim}D tensor.")
        if t.ndim == 2:
            t = t.unsqueeze(0)
        return t.as_subclass(cls)

    def __init__(self, *args, **kwargs):
        pass

    def __repr__(self):
        return self._make_repr()


class Video(TVTensor):
    """A video ``[..., T, C, H, W]``."""

    __slots__ = ()

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        t = _to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if t.ndim < 4:
            raise ValueError(f"Tensor must be 4D or higher, got {t.ndim}D tensor.")
        return t.as_subclass(cls)

    def __init__(self, *args, **kwargs):
        pass

    def __repr__(self):
        return self._make_repr()


class Mask(TVTensor):
    """Segmentation masks ``[..., H, W]`` (a PIL image is converted)."""

    __slots__ = ()

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        if type(data).__module__.startswith("PIL."):
            from ..transforms.functional import pil_to_tensor
            data = pil_to_tensor(data)
        return _to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad).as_subclass(cls)

    def __init__(self, *args, **kwargs):
        pass


class BoundingBoxFormat(Enum):
    """Box coordinate layouts: axis-aligned ``XYXY``, ``XYWH``, ``CXCYWH``, and the rotated
    ``XYWHR``, ``CXCYWHR``, ``XYXYXYXY`` (angles in degrees)."""

    XYXY = "XYXY"
    XYWH = "XYWH"
    CXCYWH = "CXCYWH"
    XYWHR = "XYWHR"
    CXCYWHR = "CXCYWHR"
    XYXYXYXY = "XYXYXYXY"


def is_rotated_bounding_format(format):
    if isinstance(format, BoundingBoxFormat):
        return format in (BoundingBoxFormat.XYWHR, BoundingBoxFormat.CXCYWHR, BoundingBoxFormat.XYXYXYXY)
    if isinstance(format, str):
        return format in ("XYWHR", "CXCYWHR", "XYXYXYXY")
    raise ValueError(f"format should be str or BoundingBoxFormat, got {type(format)}")


class BoundingBoxes(TVTensor):
    """Boxes ``[N, 4]`` (``[N, 5]`` / ``[N, 8]`` rotated) on an image of ``canvas_size``.

    Args:
        data: the coordinates (a 1-d box becomes ``[1, K]``).
        format (BoundingBoxFormat or str): their layout, e.g. ``"XYXY"``.
        canvas_size (tuple[int, int]): ``(height, width)`` of the image they belong to.
        clamping_mode (str, optional): ``"soft"``, ``"hard"`` or ``None``. Default: ``"soft"``

    Example:
        >>> BoundingBoxes([[1, 2, 8, 9]], format="XYXY", canvas_size=(10, 12))
        BoundingBoxes([[1, 2, 8, 9]], format=BoundingBoxFormat.XYXY, canvas_size=(10, 12), clamping_mode=soft)
    """

    __slots__ = ()

    @classmethod
    def _wrap(cls, tensor, *, format, canvas_size, clamping_mode="soft", check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.ndim != 2:
                raise ValueError(f"Expected a 1D or 2D tensor, got {tensor.ndim}D")
        if clamping_mode is not None and clamping_mode not in ("hard", "soft"):
            raise ValueError(f"clamping_mode must be None, hard or soft, got {clamping_mode}.")
        if isinstance(format, str):
            format = BoundingBoxFormat[format.upper()]
        boxes = tensor.as_subclass(cls)
        boxes.format = format
        boxes.canvas_size = tuple(canvas_size)
        boxes.clamping_mode = clamping_mode
        return boxes

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, format=kwargs.get("format", like.format),
                         canvas_size=kwargs.get("canvas_size", like.canvas_size),
                         clamping_mode=kwargs.get("clamping_mode", like.clamping_mode), check_dims=False)

    def __new__(cls, data, *, format, canvas_size, clamping_mode="soft", dtype=None, device=None,
                requires_grad=None):
        t = _to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if not t.is_floating_point() and is_rotated_bounding_format(format):
            raise ValueError(f"Rotated bounding boxes should be floating point tensors, got {t.dtype}.")
        return cls._wrap(t, format=format, canvas_size=canvas_size, clamping_mode=clamping_mode)

    def __init__(self, *args, **kwargs):
        pass

    def __repr__(self):
        return self._make_repr(format=self.format, canvas_size=self.canvas_size, clamping_mode=self.clamping_mode)


def wrap(wrappee, *, like, **kwargs):
    """``wrappee`` as a tv_tensor of ``like``'s type (and metadata, e.g. a box format), or
    ``kwargs`` overriding it.

    Example:
        >>> boxes = BoundingBoxes([[0, 0, 4, 4]], format="XYXY", canvas_size=(8, 8))
        >>> wrap(boxes + 1, like=boxes).canvas_size
        (8, 8)
    """
    return type(like).wrap(wrappee, like, **kwargs)

