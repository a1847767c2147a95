"""``ember.save`` / ``ember.load`` in PyTorch's own file format, both ways.

A file is a zip archive (stored, not compressed) with ``<name>/data.pkl``, a
pickle (protocol 2) in which each tensor is the call
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
and each storage a persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``
(uint16/32/64, which have no storage class: ``_rebuild_tensor_v3`` over a
``torch.storage.UntypedStorage`` of bytes, with the dtype last, as PyTorch writes them)
whose bytes are the record ``<name>/data/<key>``. Tensors that share memory share
a storage, so they are stored once and share memory again after loading.
``torch.load(weights_only=True)`` reads what ``ember.save`` writes; ``ember.load``
reads what ``torch.save`` writes, including PyTorch's older non-zip format.

Loading is safe by default (``weights_only=True``): PyTorch's restricted unpickler
rules (``_weights_unpickler``) with PyTorch's allow-list (tensors, storages, a few
containers and builtins, dtypes, devices), so a file cannot run code or change
shared state. ``add_safe_globals`` / ``safe_globals`` extend the list (whole pickled
models); ``weights_only=False`` lifts it for files you trust. A hostile file fails
with ``RuntimeError`` or ``UnpicklingError``: every size, stride and offset is
checked against the archive before anything is allocated or viewed.

Saving to a path writes a temporary file beside it and renames it into place
(``_atomic_write``): an existing checkpoint is never left half-written.
"""
import collections
import io
import os
import pickle
import struct
import sys
import zipfile

import numpy as np

from . import _dtype as D
from ._atomic_write import replacing as _replacing
from ._device import device as _device_cls
from ._tensor import Size, Tensor, _contiguous_strides, _root, _wrap

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
_MAGIC = 0x1950A86A20F9469CFC6C
_ALIGN = 64

# storage class name in PyTorch's pickles <-> ember dtype
_STORAGE = {
    "FloatStorage": D.float32, "DoubleStorage": D.float64, "HalfStorage": D.float16,
    "BFloat16Storage": D.bfloat16, "LongStorage": D.int64, "IntStorage": D.int32,
    "ShortStorage": D.int16, "CharStorage": D.int8, "ByteStorage": D.uint8,
    "BoolStorage": D.bool, "ComplexFloatStorage": D.complex64,
    "ComplexDoubleStorage": D.complex128,
}
_STORAGE_OF = {d: n for n, d in _STORAGE.items()}
# dtypes without a legacy storage class (uint16/32/64): PyTorch pickles them as
# ``_rebuild_tensor_v3(UntypedStorage, ..., dtype)``, the storage's numel counted in bytes
_UNTYPED = "UntypedStorage"


# ---- writing --------------------------------------------------------------------------
#
# The C pickler writes a global as ``c<module>\n<name>\n`` (protocol 2) after checking
# that ``module.name`` is the object. ember's stand-ins live in ember's own modules,
# so the pickle names them there; ``_TORCH_NAMES`` then rewrites those GLOBAL records
# to the names PyTorch uses. Memo references are indices, so the rewrite is safe.


class _StorageRef:
    __slots__ = ("key", "dtype", "numel")

    def __init__(self, key, dtype, numel):
        self.key, self.dtype, self.numel = key, dtype, numel


def _global_record(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _torch_names():
    pairs = [(_global_record(__name__, n), _global_record("torch._utils", n))
             for n in ("_rebuild_tensor_v2", "_rebuild_parameter")]
    pairs += [(_global_record(__name__, n), _global_record("torch", n)) for n in _STORAGE]
    pairs += [(_global_record(__name__, "_rebuild_tensor_v3"), _global_record("torch._utils", "_rebuild_tensor_v3")),
              (_global_record(__name__, _UNTYPED), _global_record("torch.storage", _UNTYPED))]
    pairs += [(_global_record("ember._dtype", d.name), _global_record("torch", d.name)) for d in D._ALL]
    pairs += [(_global_record("ember._device", "device"), _global_record("torch", "device")),
              (_global_record("ember._tensor", "Size"), _global_record("torch", "Size"))]
    return pairs


class _Pickler(pickle.Pickler):
    """Pickles tensors as PyTorch does: ``_rebuild_tensor_v2`` over persistent storages."""

    def __init__(self, file, protocol, storages):
        super().__init__(file, protocol)
        self.storages = storages           # key -> 1-D ndarray of the storage's elements
        self._keys = {}                     # id(root array) -> key
        self._roots = []                    # keep roots alive while pickling

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            name = _STORAGE_OF.get(obj.dtype)
            if name is None:
                return ("storage", _STORAGE_TYPES[_UNTYPED], obj.key, "cpu", obj.numel * obj.dtype.itemsize)
            return ("storage", _STORAGE_TYPES[name], obj.key, "cpu", obj.numel)
        return None

    def _storage_for(self, t):
        """(StorageRef, offset, stride) for tensor ``t``; shares storage with other views.

        The storage is the whole memory block ``t`` views (its root array, read as
        ``t``'s dtype), so views of one tensor stay views of one storage. A layout
        PyTorch cannot express (negative strides, misaligned bytes, a block another
        tensor stores as another dtype) is saved as a C-ordered copy with C strides.
        """
        a = t._data
        dt = D.from_np[a.dtype]
        item = a.itemsize
        root = _root(a)
        off = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        key = self._keys.get(id(root))
        ok = (root.flags.c_contiguous and root.nbytes % item == 0 and off % item == 0
              and all(s >= 0 and s % item == 0 for s in a.strides)
              and (key is None or self.storages[key].dtype == a.dtype))
        if ok:
            if key is None:
                key = self._keys[id(root)] = str(len(self.storages))
                self.storages[key] = root.reshape(-1).view(np.uint8).view(a.dtype)
                self._roots.append(root)
            flat = self.storages[key]
            offset, stride, numel = off // item, tuple(s // item for s in a.strides), flat.size
        else:
            c = np.ascontiguousarray(a)
            key = str(len(self.storages))
            self.storages[key] = c.reshape(-1)
            self._roots.append(c)
            offset, stride, numel = 0, _contiguous_strides(a.shape), c.size
        if a.size == 0:
            stride = t.stride()
        return _StorageRef(key, dt, numel), offset, stride

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            if obj.grad_fn is not None:
                raise RuntimeError(
                    "Can't save a tensor that is part of an autograd graph (a non-leaf tensor); "
                    "save tensor.detach() instead.")
            if type(obj) is not Tensor and type(obj).__name__ == "Parameter":
                return (_rebuild_parameter, (_wrap(obj._data), obj._rg, collections.OrderedDict()))
            ref, offset, stride = self._storage_for(obj)
            if ref.dtype not in _STORAGE_OF:
                return (_rebuild_tensor_v3, (ref, offset, tuple(obj._data.shape), stride, obj._rg,
                                             collections.OrderedDict(), ref.dtype))
            return (_rebuild_tensor_v2,
                    (ref, offset, tuple(obj._data.shape), stride, obj._rg, collections.OrderedDict()))
        return NotImplemented


def _dumps(obj, protocol, storages, pickler=_Pickler):
    buf = io.BytesIO()
    pickler(buf, protocol, storages).dump(obj)
    return _rename_globals(buf.getvalue())


def _rename_globals(data):
    """Rewrite ember's GLOBAL records to PyTorch's names, at opcode boundaries only.

    A plain byte replace would also hit strings and bytes that happen to hold such a
    record (a pickled blob inside the checkpoint) and corrupt their length prefixes.
    """
    table = {ours: theirs for ours, theirs in _TORCH_NAME_PAIRS if ours in data}
    if not table:
        return data
    import pickletools

    parts, last = [], 0
    for op, _, pos in pickletools.genops(data):
        if op.code == "c":
            end = data.index(b"\n", data.index(b"\n", pos) + 1) + 1
            new = table.get(data[pos:end])
            if new is not None:
                parts += [data[last:pos], new]
                last = end
    parts.append(data[last:])
    return b"".join(parts)


def _aligned_info(zf, name):
    """A stored record whose data will start on a 64-byte boundary (as PyTorch's writer)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    offset = zf.fp.tell()
    header = 30 + len(name.encode("utf-8"))
    pad = (-(offset + header + 4)) % _ALIGN
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # 'FB' padding field
    return info


def _zip_write(zf, name, data):
    zf.writestr(_aligned_info(zf, name), data)


def _zip_write_big(zf, name, data, crc):
    """Write a large record whose CRC-32 another thread computes while this one writes.

    zlib and file writes both release the GIL, so checksum and I/O overlap. Falls
    back to zipfile's own checksum if its writer lacks the expected fields.
    """
    info = _aligned_info(zf, name)
    n = data.nbytes
    info.file_size = n
    with zf.open(info, "w", force_zip64=n >= zipfile.ZIP64_LIMIT) as dest:
        if all(hasattr(dest, a) for a in ("_fileobj", "_crc", "_file_size", "_compress_size")):
            dest._fileobj.write(data)
            dest._file_size += n
            dest._compress_size += n
            dest._crc = crc.result()
        else:  # pragma: no cover - other Python implementations
            dest.write(data)


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save ``obj`` to ``f`` (a path or a binary file object) in PyTorch's zip format.

    A path is written to a temporary file beside it and renamed into place, so an
    existing checkpoint is never left half-written.
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember writes only PyTorch's zip format (the default since 1.6)")
    if pickle_protocol > 3:
        raise ValueError("ember writes pickle protocol 2 or 3 (PyTorch's default is 2)")
    storages = {}
    pkl = _dumps(obj, pickle_protocol, storages)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        name = os.path.splitext(os.path.basename(path))[0] or "archive"
        with _replacing(path) as tmp:
            with open(tmp, "wb") as out:
                _write_archive(out, name, pkl, storages)
                out.flush()
                os.fsync(out.fileno())  # the rename must not expose unwritten data
    else:
        _write_archive(f, "archive", pkl, storages)


def _write_archive(out, name, pkl, storages):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        _zip_write(zf, f"{name}/data.pkl", pkl)
        _zip_write(zf, f"{name}/.format_version", b"1")
        _zip_write(zf, f"{name}/.storage_alignment", b"64")
        _zip_write(zf, f"{name}/byteorder", sys.byteorder.encode())
        import zlib
        from concurrent.futures import ThreadPoolExecutor

        bufs = [(key, memoryview(np.ascontiguousarray(arr).view(np.uint8)))
                for key, arr in storages.items()]
        with ThreadPoolExecutor(1) as pool:
            crcs = [pool.submit(zlib.crc32, b) for _, b in bufs]
            for (key, b), crc in zip(bufs, crcs):
                _zip_write_big(zf, f"{name}/data/{key}", b, crc)
        _zip_write(zf, f"{name}/version", b"3\n")
        _zip_write(zf, f"{name}/.data/serialization_id", os.urandom(20).hex().encode())


# ---- reading --------------------------------------------------------------------------

class _StorageType:
    """``torch.FloatStorage`` and friends: names in the pickle, dtypes when loading."""

    def __init__(self, name):
        self.name = name
        self.dtype = _STORAGE.get(name, D.uint8)  # UntypedStorage: bytes

    def __reduce__(self):
        return self.name  # a global of this module, renamed to torch.<name> in the file


_STORAGE_TYPES = {n: _StorageType(n) for n in (*_STORAGE, _UNTYPED)}
globals().update(_STORAGE_TYPES)


class TypedStorage:
    """A loaded storage: a flat array of one dtype (``map_location`` callables receive it)."""

    def __init__(self, array, dtype, location="cpu", swap=False):
        self.array, self.dtype, self.location = array, dtype, location
        self._swap = swap  # untyped bytes from a file of the other byte order

    @property
    def device(self):
        return _device_cls("cpu")

    def cpu(self):
        return self

    def size(self):
        return self.array.size

    def __len__(self):
        return self.array.size

    def cuda(self, *a, **k):
        from .cuda import _lazy_init
        _lazy_init()


def _check_geometry(size, stride, offset, item, nbytes):
    """Validate a tensor's size/stride/offset against its storage as ``Tensor.set_`` does."""
    if type(offset) is not int or offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if not all(type(n) is int for n in size) or not all(type(s) is int for s in stride):
        raise RuntimeError(f"a tensor's sizes and strides must be integers, got {size!r} and {stride!r}")
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: sizes {list(size)}, "
                           f"strides {list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(size)}")
    numel = 1
    for n in size:
        numel *= n
    if numel >= 1 << 63:
        raise RuntimeError("numel: integer multiplication overflow")
    if numel == 0:
        return 0
    if any(s < 0 or s * item >= 1 << 62 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    need = (offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))) * item
    if need > nbytes:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
            f"itemsize {item} requiring a storage size of {need} are out of bounds for storage "
            f"of size {nbytes}")
    return numel


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    if not isinstance(storage, TypedStorage):
        raise pickle.UnpicklingError(f"a tensor's storage must be a storage, got {type(storage).__name__}")
    arr = storage.array
    item = arr.itemsize
    if not isinstance(size, (tuple, list)) or not isinstance(stride, (tuple, list)):
        raise RuntimeError(f"a tensor's size and stride must be tuples, got {size!r} and {stride!r}")
    size, stride = tuple(size), tuple(stride)
    if _check_geometry(size, stride, storage_offset, item, arr.nbytes) == 0:
        view = np.empty(size, arr.dtype)
    else:
        view = np.lib.stride_tricks.as_strided(
            arr[storage_offset:], size, tuple(s * item for s in stride))
    t = _wrap(view)
    if requires_grad:
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        t._rg = True
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                       metadata=None):
    """A tensor over an untyped (byte) storage, read as ``dtype`` (PyTorch's uint16/32/64)."""
    if not isinstance(storage, TypedStorage):
        raise pickle.UnpicklingError(f"a tensor's storage must be a storage, got {type(storage).__name__}")
    if not isinstance(dtype, D.dtype):
        raise pickle.UnpicklingError(f"_rebuild_tensor_v3 needs a dtype, got {type(dtype).__name__}")
    if dtype.np is None:
        raise RuntimeError(f"the checkpoint holds {dtype} tensors: pip install ml_dtypes to load them")
    arr = storage.array
    if storage.dtype != dtype:
        if arr.dtype != np.uint8 or arr.nbytes % dtype.itemsize:
            raise RuntimeError(f"a storage of {arr.nbytes} bytes cannot hold {dtype} elements")
        arr = arr.view(dtype.np)
        if storage._swap and arr.itemsize > 1:
            arr = arr.byteswap()
        storage = TypedStorage(arr, dtype, storage.location)
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    from .nn.parameter import Parameter

    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    if state:
        if not isinstance(state, dict):
            raise pickle.UnpicklingError(f"a parameter's state must be a dict, got {type(state).__name__}")
        p.__dict__.update(state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    if func not in _TENSOR_REBUILDERS:
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 rebuilds tensors only, not with {func!r}")
    return func(*args)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    from ._device import check_device

    check_device(device)
    return _with_grad(data, requires_grad)


def _with_grad(t, requires_grad):
    if not isinstance(t, Tensor):
        raise pickle.UnpicklingError(f"expected a tensor, got {type(t).__name__}")
    t._rg = bool(requires_grad)
    return t


def _unsupported(kind):
    def rebuild(*args):
        raise RuntimeError(f"the checkpoint holds {kind} tensors, which ember does not have")
    rebuild.__name__ = f"_rebuild_{kind}"
    return rebuild


def _codecs_encode(s, encoding="latin1", errors="strict"):
    import codecs

    if type(s) is not str or not codecs.lookup(encoding)._is_text_encoding:
        raise pickle.UnpicklingError(f"_codecs.encode is allowed on strings with text encodings only, "
                                     f"got {type(s).__name__} and {encoding!r}")
    return codecs.encode(s, encoding, errors)


def _get_layout(name):
    return {"torch.strided": Tensor.layout}.get(name, name)


_TORCH_NAME_PAIRS = _torch_names()
_TENSOR_REBUILDERS = (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                      _rebuild_parameter_with_state, _rebuild_device_tensor_from_cpu_tensor)
_default_allowed_cache = []


def _default_allowed():
    """PyTorch's default allow-list, each name mapped to ember's object."""
    if _default_allowed_cache:
        return _default_allowed_cache[0]
    from . import _tensor
    from .nn.parameter import Parameter

    rc = {"collections.OrderedDict": collections.OrderedDict, "collections.Counter": collections.Counter,
          "torch.nn.parameter.Parameter": Parameter, "torch.serialization._get_layout": _get_layout,
          "torch.Size": Size, "torch.Tensor": Tensor, "torch.device": _device_cls,
          "_codecs.encode": _codecs_encode, "builtins.bytearray": bytearray,
          "builtins.set": set, "builtins.complex": complex,
          "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2}
    for d in D._ALL:
        rc[f"torch.{d.name}"] = d
        name = d._tensor_type
        if name and hasattr(_tensor, name):
            rc[f"torch.{name}"] = getattr(_tensor, name)
    for n, st in _STORAGE_TYPES.items():
        rc[f"torch.{n}"] = st
    rc[f"torch.storage.{_UNTYPED}"] = _STORAGE_TYPES[_UNTYPED]
    for f in _TENSOR_REBUILDERS:
        rc[f"torch._utils.{f.__name__}"] = f
    for kind in ("qtensor", "sparse_tensor", "meta_tensor_no_storage", "nested_tensor",
                 "wrapper_subclass", "device_tensor_from_numpy"):
        rc[f"torch._utils._rebuild_{kind}"] = _unsupported(kind)
    _default_allowed_cache.append(rc)
    return rc


_user_safe = []     # what add_safe_globals was given, in order (classes, functions, (obj, name))


def _user_allowed():
    rc = {}
    for g in _user_safe:
        if isinstance(g, tuple):  # checked when used, as PyTorch does
            if len(g) != 2:
                raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), "
                                 f"but got tuple of length: {len(g)}")
            if type(g[1]) is not str:
                raise TypeError(f"Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(g[1])}")
            rc[g[1]] = g[0]
        else:
            rc[f"{g.__module__}.{g.__qualname__}"] = g
    return rc


def _listed(g):
    """Where ``g`` is in the user's list (by identity; tuples by value), or None."""
    for i, h in enumerate(_user_safe):
        if g is h or (isinstance(g, tuple) and g == h):
            return i
    return None


def add_safe_globals(safe_globals):
    """Allow more globals under ``weights_only=True``: classes/functions or ``(obj, "module.name")``."""
    for g in safe_globals:
        if _listed(g) is None:
            _user_safe.append(g)


def get_safe_globals():
    """The globals ``add_safe_globals`` allowed (as given)."""
    return list(_user_safe)


def clear_safe_globals():
    _user_safe.clear()


class safe_globals:
    """Context manager: ``with ember.serialization.safe_globals([MyClass]): ember.load(f)``."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._added = [g for g in self.safe_globals if _listed(g) is None]
        add_safe_globals(self._added)

    def __exit__(self, *exc):
        for g in self._added:
            i = _listed(g)
            if i is not None:
                del _user_safe[i]


def _map_torch_module(module, name):
    """``torch.nn.modules.linear.Linear`` -> ember's class of the same name, if it exists."""
    import importlib

    if module == "torch" or module.startswith("torch."):
        target = "ember" + module[len("torch"):]
        try:
            obj = getattr(importlib.import_module(target), name, None)
        except ModuleNotFoundError as e:   # ember has no such module (a broken one still raises)
            if not (e.name and target.startswith(e.name)):
                raise
            obj = None
        if obj is None and module.startswith("torch.nn"):
            import ember.nn as enn

            obj = getattr(enn, name, None)
        if obj is not None:
            return obj
        raise pickle.UnpicklingError(
            f"the file names '{module}.{name}', a PyTorch class ember does not have; "
            "load its state_dict into an ember model instead")
    return None


class _Unpickler(pickle.Unpickler):
    """``weights_only=False``: any global (PyTorch names mapped to ember's)."""

    def __init__(self, file, load_storage):
        super().__init__(file, encoding="utf-8")
        self._load_storage = load_storage

    def find_class(self, module, name):
        obj = _default_allowed().get(f"{module}.{name}")
        if obj is not None:
            return obj
        mapped = _map_torch_module(module, name)
        if mapped is not None:
            return mapped
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unsupported persistent id in checkpoint: {pid!r}")
        return self._load_storage(*pid[1:])


_UNSAFE_MESSAGE = (
    "Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can "
    "result in arbitrary code execution. Do it only if you got the file from a trusted source.")
_DOCS_MESSAGE = ("\n\nCheck the documentation of torch.load to learn more about types accepted by "
                 "default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def _weights_only_message(message):
    """PyTorch's wording around a refusal of the weights-only unpickler."""
    if "was not an allowed global by default" in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have two "
                "options, do those steps only if you trust the source of the checkpoint. "
                f"\n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` "
                "please check the recommended steps in the following error message.\n\t"
                "WeightsUnpickler error: " + message + _DOCS_MESSAGE)
    return f"Weights only load failed. {_UNSAFE_MESSAGE}\n\n\n{message}{_DOCS_MESSAGE}"


def _unpickle(file, load_storage, weights_only, limit):
    """Run the restricted (``weights_only``) or the full unpickler over ``file``."""
    if not weights_only:
        return _Unpickler(file, load_storage).load()
    from . import _weights_unpickler as W
    from .nn.parameter import Parameter

    allowed = dict(_default_allowed())
    allowed.update(_user_allowed())
    special = {id(Parameter): lambda *a: Parameter(*a), ("build", id(Parameter)): _build_parameter,
               ("build", id(Tensor)): _build_tensor}
    def persistent_load(pid):
        if type(pid) is not tuple or load_storage is None:
            raise pickle.UnpicklingError(f"unsupported persistent id in checkpoint: {pid!r}")
        return load_storage(*pid[1:])

    sized = [bytearray, Tensor, Parameter] + [v for v in allowed.values()
                                               if isinstance(v, type) and issubclass(v, Tensor)]
    try:
        return W.Unpickler(file, allowed, persistent_load, limit, special, sized).load()
    except W.Refused as e:
        raise pickle.UnpicklingError(_weights_only_message(str(e))) from None


def _build_parameter(p, state):
    if not isinstance(state, dict):
        raise pickle.UnpicklingError(f"a parameter's state must be a dict, got {type(state).__name__}")
    p.__dict__.update(state)


def _build_tensor(t, state):
    raise pickle.UnpicklingError("legacy Tensor.set_ state in a pickle is not supported by ember")


def _location_ok(location, map_location):
    if map_location is not None or location.startswith("cpu"):
        return
    raise RuntimeError(
        "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
        "False. If you are running on a CPU-only machine, please use torch.load with "
        "map_location=torch.device('cpu') to map your storages to the CPU.")


def _apply_map_location(storage, location, map_location):
    if callable(map_location) and not isinstance(map_location, (str, _device_cls, dict)):
        r = map_location(storage, location)
        if isinstance(r, TypedStorage):
            return r
        return storage
    if isinstance(map_location, dict):
        target = map_location.get(location, location)
        if not str(target).startswith("cpu"):
            from ._device import check_device
            check_device(target)
        return storage
    if map_location is not None:
        from ._device import check_device
        check_device(map_location)
    return storage


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save``.

    ``weights_only`` defaults to True: only tensors, containers, numbers, strings,
    dtypes and devices are rebuilt. ``map_location`` (a string, device, dict or
    callable) maps storages saved on a GPU to the CPU. ``mmap=True`` maps the
    file instead of reading it whole.
    """
    if weights_only is None:
        weights_only = os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0") not in ("1", "true")
    if weights_only:
        _user_allowed()  # a malformed add_safe_globals entry fails here, not as a corrupt file
    path = None
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        if not os.path.exists(path):
            raise FileNotFoundError(f"[Errno 2] No such file or directory: '{path}'")
        fobj = open(path, "rb")
    else:
        fobj = f
        if mmap:
            raise ValueError("f must be a file path in order to use the mmap argument")
    try:
        start = fobj.tell() if hasattr(fobj, "tell") else 0
        head = fobj.read(4)
        fobj.seek(start)
        errors = _LOAD_ERRORS + (_HOSTILE_ERRORS if weights_only else ())
        try:
            if head[:2] == b"PK":
                return _load_zip(fobj, path, map_location, weights_only, mmap)
            if mmap:
                raise RuntimeError("mmap can only be used with files saved with "
                                   "`torch.save(_use_new_zipfile_serialization=True)`")
            return _load_legacy(fobj, map_location, weights_only)
        except errors as e:
            if isinstance(e, pickle.UnpicklingError) and str(e).startswith("Weights only load failed"):
                raise
            name = path or "the file object"
            raise RuntimeError(
                f"ember.load: {name} is not a readable PyTorch checkpoint (truncated or corrupted?): "
                f"{type(e).__name__}: {e}") from e
    finally:
        if path is not None:
            fobj.close()


_LOAD_ERRORS = (zipfile.BadZipFile, EOFError, struct.error, KeyError, ValueError,
                pickle.UnpicklingError, IndexError, NotImplementedError, OverflowError)
# what a hostile pickle can provoke from allowed constructors (set(1), ...) under weights_only
_HOSTILE_ERRORS = (TypeError, AttributeError, MemoryError, RecursionError)
_MAX_DEFLATE_RATIO = 1032  # deflate cannot compress better: a bigger declared size is a lie
# compressed records (PyTorch never writes them) may inflate to this much in all per load:
# 100x the file, at least 256 MiB; past it a deflate bomb is refused before allocating
_INFLATE_RATIO, _INFLATE_FLOOR = 100, 256 << 20


def _file_size(fobj):
    pos = fobj.tell()
    end = fobj.seek(0, os.SEEK_END)
    fobj.seek(pos)
    return end


def _record(zf, fobj, size, name, dtype, path=None, mmap=False, budget=None):
    """Record ``name`` as a flat array of ``dtype``, every declared size checked before allocating.

    ``budget`` (a one-item list) is what compressed records may still inflate to.
    """
    info = zf.getinfo(name)
    n = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != n:
            raise zipfile.BadZipFile(f"record {name} declares {n} bytes stored in {info.compress_size}")
        if n % dtype.itemsize:
            raise RuntimeError(f"record {name} has {n} bytes, not a whole number of {dtype} elements")
        fobj.seek(info.header_offset)
        hdr = fobj.read(30)
        if len(hdr) != 30 or hdr[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for record {name}")
        nlen, xlen = struct.unpack("<HH", hdr[26:30])
        off = info.header_offset + 30 + nlen + xlen
        if off + n > size:
            raise EOFError(f"record {name} declares {n} bytes at offset {off}, past the end of the "
                           f"{size}-byte file")
        if mmap and n:  # one copy-on-write map per storage (writable, as torch's); re-saves store it alone
            return np.memmap(path, dtype=dtype.np, mode="c", offset=off, shape=(n // dtype.itemsize,))
        arr = np.empty(n // dtype.itemsize, dtype.np)  # read straight into the array, no CRC pass
        fobj.seek(off)
        if fobj.readinto(memoryview(arr.view(np.uint8))) != n:
            raise EOFError(f"record {name} is truncated")
        return arr
    if info.compress_size > size or n > _MAX_DEFLATE_RATIO * info.compress_size + 1024:
        raise zipfile.BadZipFile(f"record {name} declares {n} bytes from {info.compress_size} "
                                 f"compressed bytes in a {size}-byte file")
    if n % dtype.itemsize:
        raise RuntimeError(f"record {name} has {n} bytes, not a whole number of {dtype} elements")
    if budget is not None:
        if n > budget[0]:
            raise RuntimeError(
                f"record {name} inflates from {info.compress_size} to {n} bytes, past the limit for "
                f"compressed records in a {size}-byte file (a deflate bomb?); PyTorch writes records "
                "uncompressed: re-save the checkpoint with torch.save")
        budget[0] -= n
    arr = np.empty(n // dtype.itemsize, dtype.np)
    buf, got = memoryview(arr.view(np.uint8)), 0
    with zf.open(info) as r:  # stops at the declared size; the CRC is checked at its end
        while True:
            chunk = r.read(min(1 << 20, n - got + 1))
            if not chunk:
                break
            if got + len(chunk) > n:
                raise zipfile.BadZipFile(f"record {name} decompresses past its declared {n} bytes")
            buf[got:got + len(chunk)] = chunk
            got += len(chunk)
    if got != n:
        raise EOFError(f"record {name} is truncated")
    return arr


def _load_zip(fobj, path, map_location, weights_only, mmap):
    size = _file_size(fobj)
    zf = zipfile.ZipFile(fobj)
    names = zf.namelist()
    pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
    if not pkl:
        raise RuntimeError("ember.load: the archive has no data.pkl record: not a PyTorch checkpoint")
    prefix = pkl[0][: -len("data.pkl")]
    order = "little"
    if f"{prefix}byteorder" in names:
        order = _record(zf, fobj, size, f"{prefix}byteorder", D.uint8)[:16].tobytes().decode()
        if order not in ("little", "big"):
            raise RuntimeError(f"the checkpoint's byteorder record is {order!r}, not 'little' or 'big'")
    cache = {}
    budget = [max(_INFLATE_FLOOR, _INFLATE_RATIO * size)]

    def load_storage(storage_type, key, location, numel):
        if key in cache:
            return cache[key]
        _location_ok(location, map_location)
        dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else D.uint8
        if dtype.np is None:
            raise RuntimeError(f"the checkpoint holds {dtype} tensors: pip install ml_dtypes to load them")
        if type(numel) is not int or numel < 0:
            raise RuntimeError(f"storage {key} declares {numel!r} elements")
        arr = _record(zf, fobj, size, f"{prefix}data/{key}", dtype, path, mmap, budget)
        if order != sys.byteorder and arr.itemsize > 1:
            arr = arr.byteswap()
        if arr.size < numel:
            raise RuntimeError(f"corrupted checkpoint: storage {key} has {arr.size} elements, expected {numel}")
        st = TypedStorage(arr, dtype, location, swap=order != sys.byteorder)
        st = _apply_map_location(st, location, map_location)
        cache[key] = st
        return st

    data = _record(zf, fobj, size, f"{prefix}data.pkl", D.uint8, budget=budget).tobytes()
    return _unpickle(io.BytesIO(data), load_storage, weights_only, len(data))


def _load_legacy(fobj, map_location, weights_only):
    """PyTorch's pre-1.6 format: magic, protocol, sys info, object pickle, keys, raw storages.

    Tensors are rebuilt before their bytes are read, so each storage is allocated
    (zeroed) when first named, after checking the file can hold it, and filled in
    place once the object pickle is done.
    """
    size = _file_size(fobj)
    arrays = {}

    def left():
        return size - fobj.tell()

    def header():  # even the header pickles go through the restricted unpickler
        return _unpickle(fobj, None, True, left())

    magic = header()
    if magic != _MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = header()
    if protocol != 1001:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    header()  # sys info

    def load_storage(storage_type, key, location, numel, view_metadata=None):
        _location_ok(location, map_location)
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"storage {key} has no storage type: {storage_type!r}")
        if key not in arrays:
            item = storage_type.dtype.itemsize
            if type(numel) is not int or numel < 0 or numel * item > left():
                raise RuntimeError(f"storage {key} declares {numel!r} elements of {item} bytes; "
                                   f"the file has {left()} bytes left")
            arrays[key] = TypedStorage(np.zeros(numel, storage_type.dtype.np), storage_type.dtype, location)
        st = arrays[key]
        if view_metadata is not None:  # (view key, offset, size) of an old storage view
            _, offset, n = view_metadata
            if type(offset) is not int or type(n) is not int or offset < 0 or n < 0 \
                    or offset + n > st.array.size:
                raise RuntimeError(f"storage view {view_metadata!r} lies outside storage {key} "
                                   f"of {st.array.size} elements")
            st = TypedStorage(st.array[offset:offset + n], st.dtype, location)
        return st

    result = _unpickle(fobj, load_storage, weights_only, left())
    keys = header()
    if not isinstance(keys, list):
        raise pickle.UnpicklingError(f"the storage key list is a {type(keys).__name__}")
    for key in keys:
        if key not in arrays:
            raise RuntimeError(f"the file holds data for storage {key!r}, which no tensor names")
        a = arrays[key].array
        n = struct.unpack("<q", fobj.read(8))[0]
        if n != a.size:
            raise RuntimeError(f"storage {key} has {n} elements in the file, {a.size} in the pickle")
        if fobj.readinto(memoryview(a.view(np.uint8))) != a.nbytes:
            raise EOFError("truncated storage data")
    return result


# ---- safetensors ----------------------------------------------------------------------

def save_safetensors(tensors, filename, metadata=None):
    """Write a flat ``{name: tensor}`` dict as a .safetensors file (needs ``safetensors``)."""
    try:
        from safetensors.numpy import save_file
    except ImportError:
        raise ImportError("safetensors files need the 'safetensors' package: pip install safetensors") from None
    arrays = {}
    for k, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"safetensors holds tensors only; '{k}' is a {type(t).__name__}")
        arrays[k] = np.ascontiguousarray(t._data)
    with _replacing(os.fspath(filename)) as tmp:
        save_file(arrays, tmp, metadata=metadata)


def load_safetensors(filename, device="cpu"):
    """Read a .safetensors file into ``{name: tensor}`` (needs ``safetensors``)."""
    try:
        from safetensors.numpy import load_file
    except ImportError:
        raise ImportError("safetensors files need the 'safetensors' package: pip install safetensors") from None
    from ._device import check_device

    check_device(device)
    return {k: _wrap(np.array(v)) for k, v in load_file(filename).items()}
