"""Containers, type and dtype conversions, normalization and box housekeeping (v2)."""
import warnings

import numpy as np

from ...._tensor import Tensor, _wrap
from ... import tv_tensors
from .. import _rand
from . import functional as F
from ._transform import Transform, tree_flatten, tree_unflatten

__all__ = ["Compose", "RandomApply", "RandomChoice", "RandomOrder", "Lambda", "Identity", "ToImage", "ToPureTensor",
           "PILToTensor", "ToPILImage", "ToTensor", "ToDtype", "ConvertImageDtype", "Normalize",
           "ClampBoundingBoxes", "SanitizeBoundingBoxes"]


def _call(t, inputs, needs_unpacking):
    return t(*inputs) if needs_unpacking else t(inputs)


class Compose(Transform):
    """Apply ``transforms`` one after the other (each gets the whole sample)."""

    def __init__(self, transforms):
        super().__init__()
        if not isinstance(transforms, (list, tuple)):
            raise TypeError("Argument transforms should be a sequence of callables")
        if not transforms:
            raise ValueError("Pass at least one transform")
        self.transforms = transforms

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        for t in self.transforms:
            inputs = _call(t, inputs, needs_unpacking)
            needs_unpacking = len(inputs) > 1 if isinstance(inputs, tuple) else False
        return inputs

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomApply(Transform):
    """Apply all ``transforms`` with probability ``p`` (else none). Default: 0.5"""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        if not isinstance(transforms, (list, tuple)):
            raise TypeError("Argument transforms should be a sequence of callables or a `nn.ModuleList`")
        if not (0.0 <= p <= 1.0):
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        self.transforms, self.p = transforms, p

    def forward(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        if _rand() >= self.p:
            return sample
        for t in self.transforms:
            sample = t(sample)
        return sample

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomChoice(Transform):
    """Apply one of ``transforms``, picked with probabilities ``p`` (uniform by default)."""

    def __init__(self, transforms, p=None):
        super().__init__()
        if not isinstance(transforms, (list, tuple)):
            raise TypeError("Argument transforms should be a sequence of callables")
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != {len(transforms)}")
        total = sum(p)
        self.transforms, self.p = transforms, [w / total for w in p]

    def forward(self, *inputs):
        from .... import multinomial, tensor
        idx = int(multinomial(tensor(self.p), 1))
        return self.transforms[idx](*inputs)


class RandomOrder(Transform):
    """Apply ``transforms`` in a random order."""

    def __init__(self, transforms):
        super().__init__()
        if not isinstance(transforms, (list, tuple)):
            raise TypeError("Argument transforms should be a sequence of callables")
        self.transforms = transforms

    def forward(self, *inputs):
        from .... import randperm
        sample = inputs if len(inputs) > 1 else inputs[0]
        needs_unpacking = len(inputs) > 1
        for idx in randperm(len(self.transforms)).tolist():
            sample = _call(self.transforms[idx], sample, needs_unpacking)
        return sample


class Lambda(Transform):
    """Apply ``lambd`` to the inputs of the given ``types`` (default: everything)."""

    def __init__(self, lambd, *types):
        super().__init__()
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd
        self.types = types or (object,)

    def transform(self, inpt, params):
        return self.lambd(inpt) if isinstance(inpt, self.types) else inpt

    def _needs_transform_list(self, flat_inputs):
        return [True] * len(flat_inputs)

    def extra_repr(self):
        return f"{getattr(self.lambd, '__name__', self.lambd)}, types={[t.__name__ for t in self.types]}"


class Identity(Transform):
    def transform(self, inpt, params):
        return inpt


class ToImage(Transform):
    """PIL images, ndarrays and pure tensors -> :class:`tv_tensors.Image` (dtype kept)."""

    def _needs_transform_list(self, flat_inputs):
        needs = super()._needs_transform_list(flat_inputs)
        return [n and not isinstance(x, tv_tensors.TVTensor) or isinstance(x, np.ndarray)
                for x, n in zip(flat_inputs, needs)]

    def transform(self, inpt, params):
        return F.to_image(inpt)


class ToPureTensor(Transform):
    """tv_tensors -> plain tensors."""

    def _needs_transform_list(self, flat_inputs):
        return [isinstance(x, tv_tensors.TVTensor) for x in flat_inputs]

    def transform(self, inpt, params):
        return inpt.as_subclass(Tensor)


class PILToTensor(Transform):
    """PIL image -> uint8 tensor ``[C, H, W]``."""

    def _needs_transform_list(self, flat_inputs):
        return [F._utils.is_pil(x) for x in flat_inputs]

    def transform(self, inpt, params):
        return F.pil_to_tensor(inpt)


class ToPILImage(Transform):
    """Image tensor or ndarray -> PIL image."""

    def __init__(self, mode=None):
        super().__init__()
        self.mode = mode

    def _needs_transform_list(self, flat_inputs):
        needs = super()._needs_transform_list(flat_inputs)
        return [(n and not F._utils.is_pil(x) and not isinstance(x, (tv_tensors.Mask, tv_tensors.BoundingBoxes)))
                or isinstance(x, np.ndarray) for x, n in zip(flat_inputs, needs)]

    def transform(self, inpt, params):
        return F.to_pil_image(inpt, self.mode)


class ToTensor(Transform):
    """v1's ``ToTensor`` (PIL/ndarray -> float tensor in [0, 1]); deprecated in favour of
    ``Compose([ToImage(), ToDtype(torch.float32, scale=True)])``."""

    def __init__(self):
        warnings.warn("The transform `ToTensor()` is deprecated and will be removed in a future release. Instead, "
                      "please use `v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])`.Output is "
                      "equivalent up to float precision.")
        super().__init__()

    def _needs_transform_list(self, flat_inputs):
        return [F._utils.is_pil(x) or isinstance(x, np.ndarray) for x in flat_inputs]

    def transform(self, inpt, params):
        from .. import functional as F1
        return F1.to_tensor(inpt)


class ToDtype(Transform):
    """Convert to ``dtype`` (a dtype, or a dict ``{type: dtype}``); ``scale`` rescales image
    values between the dtypes' ranges."""

    def __init__(self, dtype, scale=False):
        super().__init__()
        self.dtype, self.scale = dtype, scale

    def transform(self, inpt, params):
        if isinstance(self.dtype, dict):
            key = type(inpt) if type(inpt) in self.dtype else ("others" if "others" in self.dtype else None)
            if key is None:
                return inpt
            dtype = self.dtype[key]
            if dtype is None:
                return inpt
        else:
            if isinstance(inpt, (tv_tensors.Mask, tv_tensors.BoundingBoxes)):
                return inpt   # a single dtype converts images and videos only
            dtype = self.dtype
        return F.to_dtype(inpt, dtype, self.scale)


class ConvertImageDtype(Transform):
    """``ToDtype(dtype, scale=True)`` for images (v1's name)."""

    def __init__(self, dtype=None):
        super().__init__()
        from .... import float32
        self.dtype = float32 if dtype is None else dtype

    def transform(self, inpt, params):
        if isinstance(inpt, (tv_tensors.Mask, tv_tensors.BoundingBoxes)):
            return inpt
        return F.to_dtype(inpt, self.dtype, scale=True)


class Normalize(Transform):
    """``(image - mean) / std`` per channel (float images; boxes and masks pass through)."""

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean, self.std, self.inplace = list(mean), list(std), inplace

    def transform(self, inpt, params):
        return F.normalize(inpt, self.mean, self.std, self.inplace)


class ClampBoundingBoxes(Transform):
    """Clamp every BoundingBoxes to its canvas."""

    def __init__(self, clamping_mode="auto"):
        super().__init__()
        self.clamping_mode = clamping_mode

    def _needs_transform_list(self, flat_inputs):
        return [isinstance(x, tv_tensors.BoundingBoxes) for x in flat_inputs]

    def transform(self, inpt, params):
        return F.clamp_bounding_boxes(inpt, clamping_mode=self.clamping_mode)


def _find_labels(inputs):
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if isinstance(inputs, Tensor) and not isinstance(inputs, tv_tensors.TVTensor):
        return inputs
    if not isinstance(inputs, dict):
        raise ValueError("When using the default labels_getter, the input passed to forward must be a dictionary or "
                         f"a two-tuple whose second item is a dictionary or a tensor, but got {inputs} instead.")
    key = next((k for k in inputs if k.lower() == "labels"), None)
    if key is None:
        key = next((k for k in inputs if "label" in k.lower()), None)
    return None if key is None else inputs[key]


class SanitizeBoundingBoxes(Transform):
    """Drop degenerate boxes (smaller than ``min_size``/``min_area`` or off the canvas) and the
    matching masks and labels (found by ``labels_getter``: by default the ``"labels"`` entry of
    the sample's dict)."""

    def __init__(self, min_size=1.0, min_area=1.0, labels_getter="default"):
        super().__init__()
        if min_size < 1:
            raise ValueError(f"min_size must be >= 1, got {min_size}.")
        if min_area < 1:
            raise ValueError(f"min_area must be >= 1, got {min_area}.")
        self.min_size, self.min_area, self.labels_getter = min_size, min_area, labels_getter
        if labels_getter == "default":
            self._labels_getter = _find_labels
        elif callable(labels_getter) or labels_getter is None:
            self._labels_getter = labels_getter or (lambda inputs: None)
        else:
            raise ValueError("labels_getter should either be 'default', a callable, or None, but got "
                             f"{labels_getter}.")

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        labels = self._labels_getter(inputs)
        if labels is not None:
            labels = (labels,) if isinstance(labels, Tensor) else tuple(labels)
            for entry in labels:
                if not isinstance(entry, Tensor):
                    raise ValueError("The labels in the input to forward() must be a tensor or None, got "
                                     f"{type(entry)} instead.")
        flat, spec = tree_flatten(inputs)
        boxes = [x for x in flat if isinstance(x, tv_tensors.BoundingBoxes)]
        if not boxes:
            raise ValueError("No bounding boxes were found in the sample")
        boxes = boxes[0]
        for label in labels or ():
            if boxes.shape[0] != label.shape[0]:
                raise ValueError(f"Number of boxes (shape={boxes.shape}) and must match the number of labels."
                                 f"Found labels with shape={label.shape}).")
        valid = F._meta._sanitize_mask(boxes.as_subclass(Tensor), boxes.format, boxes.canvas_size, self.min_size,
                                       self.min_area)
        out = []
        for x in flat:
            is_label = labels is not None and any(x is lab for lab in labels)
            if is_label or isinstance(x, (tv_tensors.BoundingBoxes, tv_tensors.Mask)):
                if x.shape[0] == valid.shape[0]:
                    kept = _wrap(x._data[valid])
                    x = kept if is_label else tv_tensors.wrap(kept, like=x)
            out.append(x)
        return tree_unflatten(out, spec)
