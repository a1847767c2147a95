"""The weights API: ``Weights``, ``WeightsEnum``, the model registry and its look-ups, as torchvision's."""
import fnmatch
import functools
import importlib
import inspect
import warnings
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Callable, get_args

from ...hub import load_state_dict_from_url

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models", "register_model"]


@dataclass
class Weights:
    """Pretrained weights: where they are (``url``), their preset (``transforms``, a constructor)
    and ``meta`` (categories, num_params, min_size, _metrics, _docs, ...)."""

    url: str
    transforms: Callable
    meta: dict

    def __eq__(self, other):
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        if isinstance(self.transforms, partial) and isinstance(other.transforms, partial):
            return (self.transforms.func == other.transforms.func and self.transforms.args == other.transforms.args
                    and self.transforms.keywords == other.transforms.keywords)
        return self.transforms == other.transforms


class WeightsEnum(Enum):
    """Parent of every ``*_Weights`` enum; each member's value is a :class:`Weights`."""

    @classmethod
    def verify(cls, obj):
        """``obj`` as a member of this enum (a member or its name); TypeError for another enum."""
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                                f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        """Download (once) and load the state_dict at ``self.url`` (``ember.hub.load_state_dict_from_url``)."""
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def get_weight(name):
    """The weights member named like ``"ResNet50_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    base = importlib.import_module(__name__.rsplit(".", 1)[0])
    cls = base.__dict__.get(enum_name)
    if not (isinstance(cls, type) and issubclass(cls, WeightsEnum)):
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
    return cls[value_name]


def get_model_weights(name):
    """The weights enum class of a model builder (the builder or its registered name)."""
    model = get_model_builder(name) if isinstance(name, str) else name
    return _get_enum_from_fn(model)


def _get_enum_from_fn(fn):
    sig = inspect.signature(fn)
    if "weights" not in sig.parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = sig.parameters["weights"].annotation
    if isinstance(ann, type) and issubclass(ann, WeightsEnum):
        return ann
    for t in get_args(ann):
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing "
                     "info is correct.")


BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator adding a model builder to the registry under ``name`` (default: its own name)."""
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered models, optionally of one module, filtered by fnmatch patterns."""
    all_models = {k for k, v in BUILTIN_MODELS.items()
                  if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        include = [include] if isinstance(include, str) else include
        models = set()
        for f in include:
            models |= set(fnmatch.filter(all_models, f))
    else:
        models = all_models
    if exclude:
        for f in [exclude] if isinstance(exclude, str) else exclude:
            models -= set(fnmatch.filter(all_models, f))
    return sorted(models)


def get_model_builder(name):
    """The builder registered under ``name`` (case-insensitive)."""
    try:
        return BUILTIN_MODELS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """Build the model registered under ``name`` with ``config`` as its keyword arguments."""
    return get_model_builder(name)(**config)


# ---- builder helpers (torchvision's models/_utils.py) -----------------------------------------

def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def handle_legacy_interface(**weights):
    """Map the legacy ``pretrained=True/False`` keyword (``name=(legacy, default)``) onto ``weights``,
    with torchvision's deprecation warnings."""
    def outer(builder):
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                if pretrained_param not in kwargs:
                    continue
                if weights_param in kwargs and kwargs[weights_param] is not None:
                    continue
                pretrained = kwargs.pop(pretrained_param)
                value = (default(kwargs) if callable(default) else default) if pretrained else None
                if pretrained and not isinstance(value, WeightsEnum):
                    raise ValueError(f"No weights available for model {builder.__name__}")
                if not pretrained:
                    msg = f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed in the " \
                          f"future, please use '{weights_param}' instead."
                else:
                    msg = (f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed in the "
                           f"future. The current behavior is equivalent to passing `{weights_param}={value}`. You "
                           f"can also use `{weights_param}={type(value).__name__}.DEFAULT` to get the most "
                           f"up-to-date weights.")
                warnings.warn(msg, UserWarning, stacklevel=2)
                kwargs[weights_param] = value
            return builder(*args, **kwargs)
        return inner
    return outer


def _load_weights(model, weights, progress):
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model




def _make_divisible(v, divisor, min_value=None):
    """``v`` rounded to a multiple of ``divisor`` (at least ``min_value``), never more than 10% below ``v``."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v
