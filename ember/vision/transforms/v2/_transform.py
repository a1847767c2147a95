"""``Transform``: the v2 base. A call takes any structure (tuples, lists, dicts) of inputs, draws
random parameters once and applies them to every image, video, mask and box set in it."""
import enum

from ...._tensor import Tensor
from ....nn.modules.module import Module
from ... import tv_tensors
from .. import _rand
from .functional._utils import is_pil, is_pure_tensor

__all__ = ["Transform", "tree_flatten", "tree_unflatten"]


def tree_flatten(tree):
    """Leaves of nested tuples/lists/dicts, and a spec to rebuild the structure."""
    if isinstance(tree, (list, tuple)) and not hasattr(tree, "_fields"):
        leaves, specs = [], []
        for x in tree:
            sub, spec = tree_flatten(x)
            leaves += sub
            specs.append(spec)
        return leaves, (type(tree), specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for k, v in tree.items():
            sub, spec = tree_flatten(v)
            leaves += sub
            specs.append((k, spec))
        return leaves, (dict, specs)
    return [tree], None


def tree_unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s is None:
            return next(it)
        kind, subs = s
        if kind is dict:
            return {k: build(v) for k, v in subs}
        return kind(build(v) for v in subs)
    return build(spec)


def _has_image(flat):
    return any(isinstance(x, (tv_tensors.Image, tv_tensors.Video)) or is_pil(x) for x in flat)


class Transform(Module):
    """Base of the v2 transforms: subclasses define ``make_params(flat_inputs)`` (the random
    draws) and ``transform(inpt, params)`` (applied to each input that needs it).

    Which inputs are transformed: tensors (tv_tensors and pure) and PIL images; a pure tensor only
    when it is the first one and there is no Image/Video/PIL image (it is then the image).
    Anything else (labels, strings, numbers) passes through untouched.
    """

    _transformed_types = (Tensor,)

    def check_inputs(self, flat_inputs):
        pass

    def make_params(self, flat_inputs):
        return {}

    def transform(self, inpt, params):
        raise NotImplementedError

    def _needs_transform_list(self, flat_inputs):
        out = []
        pure_is_image = not _has_image(flat_inputs)
        for x in flat_inputs:
            needs = isinstance(x, self._transformed_types) or is_pil(x)
            if needs and is_pure_tensor(x):
                needs, pure_is_image = pure_is_image, False
            out.append(needs)
        return out

    def _run(self, inputs, flat, spec):
        needs = self._needs_transform_list(flat)
        params = self.make_params([x for x, n in zip(flat, needs) if n])
        return tree_unflatten([self.transform(x, params) if n else x for x, n in zip(flat, needs)], spec)

    def forward(self, *inputs):
        flat, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        self.check_inputs(flat)
        return self._run(inputs, flat, spec)

    def extra_repr(self):
        parts = []
        for name, value in self.__dict__.items():
            if name.startswith("_") or name == "training":
                continue
            if isinstance(value, (bool, int, float, str, tuple, list, enum.Enum)):
                parts.append(f"{name}={value}")
        return ", ".join(parts)


class _RandomApplyTransform(Transform):
    """Applies the transform with probability ``p`` (one ``torch.rand(1)`` draw per call)."""

    def __init__(self, p=0.5):
        if not (0.0 <= p <= 1.0):
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat, spec = tree_flatten(inputs)
        self.check_inputs(flat)
        if _rand() >= self.p:
            return inputs
        return self._run(inputs, flat, spec)
