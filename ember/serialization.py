"""``ember.save`` / ``ember.load`` in PyTorch's own file format, both ways.

A file is a zip archive (stored, not compressed) with ``<name>/data.pkl``, a
pickle (protocol 2) in which each tensor is the call
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
and each storage a persistent id ``('storage', torch.FloatStorage, key, 'cpu', numel)``
whose bytes are the record ``<name>/data/<key>``. Tensors that share memory share
a storage, so they are stored once and share memory again after loading.
``torch.load(weights_only=True)`` reads what ``ember.save`` writes; ``ember.load``
reads what ``torch.save`` writes, including PyTorch's older non-zip format.

Loading is safe by default (``weights_only=True``): the unpickler resolves only an
allow-list of names (tensors, storages, containers, dtypes, devices), so a file
cannot run code. ``add_safe_globals`` extends the list; ``weights_only=False``
lifts it for files you trust (whole pickled models).
"""
import collections
import io
import os
import pickle
import struct
import sys
import tempfile
import zipfile

import numpy as np

from . import _dtype as D
from ._device import device as _device_cls
from ._tensor import Tensor, Size, _wrap, _root

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
            return ("storage", _STORAGE_TYPES[_STORAGE_OF[obj.dtype]], obj.key, "cpu", obj.numel)
        return None

    def _storage_for(self, t):
        """(StorageRef, offset, stride) for tensor ``t``; shares storage with other views."""
        a = t._data
        dt = D.from_np[a.dtype]
        root = _root(a)
        ok = (root.dtype == a.dtype and root.flags.c_contiguous and
              all(s >= 0 for s in a.strides) and all(s % a.itemsize == 0 for s in a.strides))
        if ok:
            key = self._keys.get(id(root))
            if key is None:
                key = self._keys[id(root)] = str(len(self.storages))
                self.storages[key] = root.reshape(-1)
                self._roots.append(root)
            offset = (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize
            stride = tuple(s // a.itemsize for s in a.strides)
            numel = root.size
        else:  # a layout PyTorch cannot express (negative strides, reinterpreted bytes): copy
            c = np.ascontiguousarray(a)
            key = str(len(self.storages))
            self.storages[key] = c.reshape(-1)
            self._roots.append(c)
            offset, stride, numel = 0, t.stride(), c.size
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
            return (_rebuild_tensor_v2,
                    (ref, offset, tuple(obj._data.shape), stride, obj._rg, collections.OrderedDict()))
        return NotImplemented


def _dumps(obj, protocol, storages, pickler=_Pickler):
    buf = io.BytesIO()
    pickler(buf, protocol, storages).dump(obj)
    data = buf.getvalue()
    for ours, theirs in _TORCH_NAME_PAIRS:
        if ours in data:
            data = data.replace(ours, theirs)
    return data


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
        d = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".ember-save-", dir=d)
        _default_mode(fd)
        try:
            with os.fdopen(fd, "wb") as out:
                _write_archive(out, name, pkl, storages)
                out.flush()
                os.fsync(out.fileno())  # the rename below must not expose unwritten data
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    else:
        _write_archive(f, "archive", pkl, storages)


def _default_mode(fd):
    """mkstemp makes 0600 files; give the checkpoint the mode ``open(path, 'w')`` would."""
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)


def _write_archive(out, name, pkl, storages):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        _zip_write(zf, f"{name}/data.pkl", pkl)
        _zip_write(zf, f"{name}/.format_version", b"1")
        _zip_write(zf, f"{name}/.storage_alignment", b"64")
        _zip_write(zf, f"{name}/byteorder", sys.byteorder.encode())
        from concurrent.futures import ThreadPoolExecutor
        import zlib

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
        self.dtype = _STORAGE[name]

    def __reduce__(self):
        return self.name  # a global of this module, renamed to torch.<name> in the file


_STORAGE_TYPES = {n: _StorageType(n) for n in _STORAGE}
globals().update(_STORAGE_TYPES)


class TypedStorage:
    """A loaded storage: a flat array of one dtype (``map_location`` callables receive it)."""

    def __init__(self, array, dtype, location="cpu"):
        self.array, self.dtype, self.location = array, dtype, location

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


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    arr = storage.array
    item = arr.itemsize
    size = tuple(size)
    if not size:
        view = arr[storage_offset:storage_offset + 1].reshape(())
    elif 0 in size:
        view = np.empty(size, arr.dtype)
    else:
        need = storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
        if need > arr.size:
            raise RuntimeError(
                f"corrupted checkpoint: a tensor of size {list(size)} and stride {list(stride)} "
                f"at offset {storage_offset} needs {need} elements, its storage has {arr.size}")
        view = np.lib.stride_tricks.as_strided(
            arr[storage_offset:], size, tuple(s * item for s in stride))
    t = _wrap(view)
    if requires_grad:
        t._rg = True
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, *args):
    from .nn.parameter import Parameter

    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    if state:
        p.__dict__.update(state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    t = func(*args)
    return t


def _codecs_encode(s, encoding="latin1"):
    import codecs

    return codecs.encode(s, encoding)


def _torch_size(t):
    return Size(t)


def _torch_device(*a):
    return _device_cls(*a)


_SAFE = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "defaultdict"): collections.defaultdict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): lambda s, o, size, stride: _rebuild_tensor_v2(s, o, size, stride),
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
    ("torch", "Size"): _torch_size,
    ("torch", "device"): _torch_device,
    ("_codecs", "encode"): _codecs_encode,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "complex"): complex,
    ("builtins", "slice"): slice,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "tuple"): tuple,
    ("builtins", "list"): list,
    ("builtins", "dict"): dict,
    ("builtins", "int"): int,
    ("builtins", "float"): float,
    ("builtins", "bool"): bool,
    ("builtins", "str"): str,
}
for _n in _STORAGE:
    _SAFE[("torch", _n)] = _STORAGE_TYPES[_n]
_TORCH_NAME_PAIRS = _torch_names()
for _d in D._ALL:
    _SAFE[("torch", _d.name)] = _d
    _SAFE[("ember", _d.name)] = _d

_user_safe = {}


def add_safe_globals(safe_globals):
    """Allow more names under ``weights_only=True``: classes/functions or (obj, "module.name")."""
    for g in safe_globals:
        if isinstance(g, tuple):
            obj, full = g
            mod, _, name = full.rpartition(".")
        else:
            obj, mod, name = g, g.__module__, g.__qualname__
        _user_safe[(mod, name)] = obj


def get_safe_globals():
    return list(_user_safe.values())


def clear_safe_globals():
    _user_safe.clear()


class safe_globals:
    """Context manager: ``with ember.serialization.safe_globals([MyClass]): ember.load(f)``."""

    def __init__(self, globals_list):
        self.globals_list = globals_list

    def __enter__(self):
        self._saved = dict(_user_safe)
        add_safe_globals(self.globals_list)

    def __exit__(self, *exc):
        _user_safe.clear()
        _user_safe.update(self._saved)


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
        if obj is not None:
            return obj
        if module.startswith("torch.nn"):
            import ember.nn as enn

            obj = getattr(enn, name, None)
            if obj is not None:
                return obj
        raise pickle.UnpicklingError(
            f"the file names '{module}.{name}', a PyTorch class ember does not have; "
            "load its state_dict into an ember model instead")
    return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, load_storage, weights_only):
        super().__init__(file, encoding="utf-8")
        self._load_storage = load_storage
        self._weights_only = weights_only

    def find_class(self, module, name):
        key = (module, name)
        if key in _SAFE:
            return _SAFE[key]
        if key in _user_safe:
            return _user_safe[key]
        if self._weights_only:
            raise pickle.UnpicklingError(
                "Weights only load failed. The file names the global "
                f"'{module}.{name}', which is not in the allowed set of tensors, containers and "
                "dtypes, so it was not loaded (a pickled object can run arbitrary code). If you "
                f"trust this file, either allow the name with ember.serialization.add_safe_globals"
                f"([{name}]) or the `with ember.serialization.safe_globals([{name}]):` context "
                "manager, or load with weights_only=False.")
        mapped = _map_torch_module(module, name)
        if mapped is not None:
            return mapped
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unsupported persistent id in checkpoint: {pid!r}")
        return self._load_storage(*pid[1:])


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
        try:
            if head[:2] == b"PK":
                return _load_zip(fobj, path, map_location, weights_only, mmap)
            if mmap:
                raise RuntimeError("mmap can only be used with files saved with "
                                   "`torch.save(_use_new_zipfile_serialization=True)`")
            return _load_legacy(fobj, map_location, weights_only)
        except (zipfile.BadZipFile, EOFError, struct.error, KeyError, ValueError,
                pickle.UnpicklingError, IndexError) as e:
            if isinstance(e, pickle.UnpicklingError) and str(e).startswith("Weights only load failed"):
                raise
            name = path or "the file object"
            raise RuntimeError(
                f"ember.load: {name} is not a readable PyTorch checkpoint (truncated or corrupted?): "
                f"{type(e).__name__}: {e}") from e
    finally:
        if path is not None:
            fobj.close()


def _load_zip(fobj, path, map_location, weights_only, mmap):
    zf = zipfile.ZipFile(fobj)
    names = zf.namelist()
    pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
    if not pkl:
        raise RuntimeError("ember.load: the archive has no data.pkl record: not a PyTorch checkpoint")
    prefix = pkl[0][: -len("data.pkl")]
    if f"{prefix}byteorder" in names:
        order = zf.read(f"{prefix}byteorder").decode()
    else:
        order = "little"
    mm = None
    if mmap:
        mm = np.memmap(path, dtype=np.uint8, mode="r")
    cache = {}

    def load_storage(storage_type, key, location, numel):
        if key in cache:
            return cache[key]
        _location_ok(location, map_location)
        dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else D.uint8
        if dtype.np is None:
            raise RuntimeError(f"the checkpoint holds {dtype} tensors: pip install ml_dtypes to load them")
        name = f"{prefix}data/{key}"
        info = zf.getinfo(name)
        if info.compress_type == zipfile.ZIP_STORED and info.file_size and fobj.seekable():
            fobj.seek(info.header_offset)
            hdr = fobj.read(30)
            if len(hdr) != 30 or hdr[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header for record {name}")
            nlen, xlen = struct.unpack("<HH", hdr[26:30])
            off = info.header_offset + 30 + nlen + xlen
            if mm is not None:
                if off + info.file_size > mm.size:
                    raise EOFError(f"record {name} runs past the end of the file")
                arr = np.frombuffer(mm, dtype=np.uint8, count=info.file_size, offset=off).view(dtype.np)
            else:  # one read straight into the array: no CRC pass, no intermediate bytes
                buf = np.empty(info.file_size, np.uint8)
                fobj.seek(off)
                if fobj.readinto(memoryview(buf)) != info.file_size:
                    raise EOFError(f"record {name} is truncated")
                arr = buf.view(dtype.np)
        else:
            raw = zf.read(name)
            arr = np.frombuffer(bytearray(raw), dtype=dtype.np)
        if order != sys.byteorder and arr.itemsize > 1:
            arr = arr.byteswap()
        if arr.size < numel:
            raise RuntimeError(f"corrupted checkpoint: storage {key} has {arr.size} elements, expected {numel}")
        st = _apply_map_location(TypedStorage(arr, dtype, location), location, map_location)
        cache[key] = st
        return st

    data = zf.read(f"{prefix}data.pkl")
    return _Unpickler(io.BytesIO(data), load_storage, weights_only).load()


def _load_legacy(fobj, map_location, weights_only):
    """PyTorch's pre-1.6 format: magic, protocol, sys info, object pickle, keys, raw storages.

    Tensors are rebuilt before their bytes are read, so each storage is allocated
    when first named and filled in place once the object pickle is done.
    """
    arrays = {}
    def header():  # even the header pickles go through the restricted unpickler
        return _Unpickler(fobj, None, True).load()

    magic = header()
    if magic != _MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = header()
    if protocol != 1001:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    header()  # sys info

    def load_storage(storage_type, key, location, numel, view_metadata=None):
        _location_ok(location, map_location)
        if key not in arrays:
            arrays[key] = TypedStorage(np.empty(numel, storage_type.dtype.np), storage_type.dtype, location)
        st = arrays[key]
        if view_metadata is not None:  # (view key, offset, size) of an old storage view
            _, offset, size = view_metadata
            st = TypedStorage(st.array[offset:offset + size], st.dtype, location)
        return st

    result = _Unpickler(fobj, load_storage, weights_only).load()
    keys = header()
    for key in keys:
        st = arrays[key]
        n = struct.unpack("<q", fobj.read(8))[0]
        nbytes = n * st.array.itemsize
        raw = fobj.read(nbytes)
        if len(raw) != nbytes or n > st.array.size:
            raise EOFError("truncated storage data")
        st.array[:n] = np.frombuffer(raw, dtype=st.array.dtype)
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
    d = os.path.dirname(os.path.abspath(filename))
    fd, tmp = tempfile.mkstemp(prefix=".ember-save-", suffix=".safetensors", dir=d)
    _default_mode(fd)
    os.close(fd)
    try:
        save_file(arrays, tmp, metadata=metadata)
        os.replace(tmp, filename)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_safetensors(filename, device="cpu"):
    """Read a .safetensors file into ``{name: tensor}`` (needs ``safetensors``)."""
    try:
        from safetensors.numpy import load_file
    except ImportError:
        raise ImportError("safetensors files need the 'safetensors' package: pip install safetensors") from None
    from ._device import check_device

    check_device(device)
    return {k: _wrap(np.array(v)) for k, v in load_file(filename).items()}
