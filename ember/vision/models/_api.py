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
    model_modules = [base] + [m for _, m in inspect.getmembers(base, inspect.ismodule)
                              if (m.__file__ or "").endswith("__init__.py")]
    weights_enum = None
    for m in model_modules:
        potential_class = m.__dict__.get(enum_name, None)
        # as torchvision: a name bound to a non-class (``"resnet50.X"``) fails in issubclass with a TypeError
        if potential_class is not None and issubclass(potential_class, WeightsEnum):
            weights_enum = potential_class
            break
    if weights_enum is None:
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")
    return weights_enum[value_name]


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
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
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


def _sequence_to_str(seq, separate_last=""):
    if not seq:
        return ""
    if len(seq) == 1:
        return f"'{seq[0]}'"
    head = "'" + "', '".join([str(item) for item in seq[:-1]]) + "'"
    tail = f"{'' if separate_last and len(seq) == 2 else ','} {separate_last}'{seq[-1]}'"
    return head + tail


def kwonly_to_pos_or_kw(fn):
    """Let ``fn``'s keyword-only parameters also be passed positionally, with torchvision's deprecation warning."""
    params = inspect.signature(fn).parameters
    try:
        keyword_only_start_idx = next(idx for idx, param in enumerate(params.values())
                                      if param.kind == param.KEYWORD_ONLY)
    except StopIteration:
        raise TypeError(f"Found no keyword-only parameter on function '{fn.__name__}'") from None
    keyword_only_params = tuple(params)[keyword_only_start_idx:]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, keyword_only_args = args[:keyword_only_start_idx], args[keyword_only_start_idx:]
        if keyword_only_args:
            keyword_only_kwargs = dict(zip(keyword_only_params, keyword_only_args))
            warnings.warn(f"Using {_sequence_to_str(tuple(keyword_only_kwargs.keys()), separate_last='and ')} as "
                          f"positional parameter(s) is deprecated since 0.13 and may be removed in the future. Please "
                          f"use keyword parameter(s) instead.")
            kwargs.update(keyword_only_kwargs)
        return fn(*args, **kwargs)

    return wrapper


def handle_legacy_interface(**weights):
    """Make a builder accept the legacy interface as torchvision does: its keyword-only parameters passed
    positionally, and ``pretrained=True/False`` (``weights_param=(legacy_name, default)``; ``default`` may be a
    callable of the keyword arguments) mapped onto ``weights``, each with torchvision's deprecation warning."""
    def outer(builder):
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                # nothing to do without either parameter, or when ``weights`` already has a new-style value
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                if ((weights_param not in kwargs and pretrained_param not in kwargs)
                        or isinstance(weights_arg, WeightsEnum)
                        or (isinstance(weights_arg, str) and weights_arg != "legacy")
                        or weights_arg is None):
                    continue
                # ``pretrained`` passed positionally arrives as ``weights`` (the shim only knows the new names)
                pretrained_positional = weights_arg is not sentinel
                if pretrained_positional:
                    kwargs[pretrained_param] = pretrained_arg = kwargs.pop(weights_param)
                else:
                    pretrained_arg = kwargs[pretrained_param]
                if pretrained_arg:
                    default_weights_arg = default(kwargs) if callable(default) else default
                    if not isinstance(default_weights_arg, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    default_weights_arg = None
                if not pretrained_positional:
                    warnings.warn(f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed "
                                  f"in the future, please use '{weights_param}' instead.")
                msg = (f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since 0.13 "
                       f"and may be removed in the future. The current behavior is equivalent to passing "
                       f"`{weights_param}={default_weights_arg}`.")
                if pretrained_arg:
                    msg = (f"{msg} You can also use `{weights_param}={type(default_weights_arg).__name__}.DEFAULT` "
                           f"to get the most up-to-date weights.")
                warnings.warn(msg)
                del kwargs[pretrained_param]
                kwargs[weights_param] = default_weights_arg
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
