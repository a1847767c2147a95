"""Dispatch for the v2 functionals: what kind of input this is, and re-wrapping outputs."""
from ....._tensor import Tensor
from .... import tv_tensors

__all__ = ["is_pure_tensor", "is_pil", "kind", "rewrap"]


def is_pure_tensor(x):
    return isinstance(x, Tensor) and not isinstance(x, tv_tensors.TVTensor)


def is_pil(x):
    return type(x).__module__.startswith("PIL.")


def kind(x):
    """``"boxes"``, ``"mask"``, ``"image"`` (images, videos, pure tensors, PIL images) or ``None``."""
    if isinstance(x, tv_tensors.BoundingBoxes):
        return "boxes"
    if isinstance(x, tv_tensors.Mask):
        return "mask"
    if isinstance(x, Tensor) or is_pil(x):
        return "image"
    return None


def rewrap(out, like, **kwargs):
    """``out`` as ``like``'s tv_tensor type (pure tensors and PIL images pass through)."""
    if isinstance(like, tv_tensors.TVTensor) and isinstance(out, Tensor):
        return tv_tensors.wrap(out, like=like, **kwargs)
    return out
