"""``default_collate`` and ``default_convert`` (torch.utils.data._utils.collate)."""
import collections.abc as abc
import copy
import re

import numpy as np

from ..._tensor import Tensor, _new_tensor, _wrap

__all__ = ["default_collate", "default_convert"]

_np_str_obj_array_pattern = re.compile(r"[SaUO]")
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")
_CONVERT_ERR = "default_convert: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _as_tensor(a):
    a = np.asarray(a)
    return _wrap(a)


def _stack(arrays):
    """``torch.stack`` on arrays with torch's error for unequal shapes."""
    first = arrays[0].shape
    for i, a in enumerate(arrays):
        if a.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(a.shape)} at entry {i}")
    return np.stack(arrays)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def default_collate(batch):
    """Merge a list of samples into a batch: tensors and arrays stacked along a new dim 0,
    numbers into tensors, dicts / (named) tuples / lists collated field-wise."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        arrs = [b._data for b in batch]
        out = _wrap(_stack(arrs))
        if type(elem) is not Tensor:
            out = out.as_subclass(type(elem))
        return out
    elem_type = type(elem)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if elem_type.__name__ in ("ndarray", "memmap"):
            if _np_str_obj_array_pattern.search(elem.dtype.str) is not None:
                raise TypeError(_ERR.format(elem.dtype))
            return _wrap(_stack([np.asarray(b) for b in batch]))
        if elem.shape == ():  # numpy scalar
            return _wrap(np.array(batch))
    if isinstance(elem, float):
        return _wrap(np.array(batch, dtype=np.float64))
    if isinstance(elem, bool) and all(isinstance(b, bool) for b in batch):
        return _wrap(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return _new_tensor(batch)  # torch.tensor(batch): int64, or the default float if mixed
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, abc.Mapping):
        if isinstance(elem, abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update({key: default_collate([d[key] for d in batch]) for key in elem})
            return clone
        try:
            return elem_type({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    if _is_namedtuple(elem):
        return elem_type(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(list(s)) for s in transposed]
        try:
            if isinstance(elem, abc.MutableSequence):
                clone = copy.copy(elem)
                for i, s in enumerate(transposed):
                    clone[i] = default_collate(list(s))
                return clone
            return elem_type([default_collate(list(s)) for s in transposed])
        except TypeError:
            return [default_collate(list(s)) for s in transposed]
    raise TypeError(_ERR.format(elem_type))


def default_convert(data):
    """Convert NumPy arrays / scalars inside ``data`` to tensors, leaving everything else as is."""
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if elem_type.__name__ == "ndarray" and _np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return _as_tensor(data)
    if isinstance(data, abc.Mapping):
        try:
            if isinstance(data, abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if _is_namedtuple(data):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
