"""dtypes and PyTorch's type-promotion rules, in one place.

An ``ember.dtype`` names a NumPy dtype the way PyTorch names its own
(``ember.float32``, ``ember.long``). Promotion follows PyTorch, not NumPy:

* categories rank bool < integer < floating;
* tensors with dimensions decide the result within their category; 0-d tensors
  and Python scalars only lift it to a higher category (``int_tensor / 2`` and
  ``int_tensor + 2.5`` give the default float dtype, ``float32 + 2.0`` stays
  float32, ``uint8 + 1000`` stays uint8);
* mixing categories takes the floating type whatever the integer's width
  (``int64 + float16 -> float16``), ``int8 + uint8 -> int16``;
* ``uint16``/``uint32``/``uint64`` are "barebones" as in PyTorch: they promote only with
  themselves and with floating types (anything else raises RuntimeError), and few ops
  take them (see ``ember.ops._apply``).
"""
import numpy as np

__all__ = [
    "dtype", "float16", "half", "bfloat16", "float32", "float", "float64", "double",
    "int8", "int16", "short", "int32", "int", "int64", "long", "uint8", "uint16", "uint32",
    "uint64", "bool",
    "complex64", "cfloat", "complex128", "cdouble",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
    "can_cast", "finfo", "iinfo",
]

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, e.g. ``ember.float32``; wraps a NumPy dtype."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex",
                 "is_signed", "category", "_tensor_type")

    def __init__(self, name, np_dtype, category, is_signed, tensor_type):
        self.name = name
        npd = np.dtype(np_dtype) if np_dtype is not None else None
        self.np = npd
        self.itemsize = npd.itemsize if npd is not None else 2
        self.category = category
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = is_signed
        self._tensor_type = tensor_type

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return self.name  # pickled by name: ember._dtype.float32 (torch.float32 in checkpoints)

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        return {float32: complex64, float64: complex128, float16: complex64}.get(self, self)


_CPP_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
              "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
              "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half",
              "bfloat16": "BFloat16", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


_CPP_TYPES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int", "int16": "short int",
              "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
              "uint16": "unsigned short", "uint32": "unsigned int", "uint64": "unsigned long",
              "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def scalar_type_name(d):
    """PyTorch's ScalarType name of a dtype, as most error messages print it: 'Long', 'Float'."""
    return _CPP_NAMES.get(d.name, d.name)


def cpp_type_name(d):
    """The C++ element type of a dtype, as some kernels' messages print it: 'float', 'long int'."""
    return _CPP_TYPES.get(d.name, d.name)


bool = dtype("bool", np.bool_, _BOOL, False, "BoolTensor")
uint8 = dtype("uint8", np.uint8, _INT, False, "ByteTensor")
uint16 = dtype("uint16", np.uint16, _INT, False, "UInt16Tensor")
uint32 = dtype("uint32", np.uint32, _INT, False, "UInt32Tensor")
uint64 = dtype("uint64", np.uint64, _INT, False, "UInt64Tensor")
int8 = dtype("int8", np.int8, _INT, True, "CharTensor")
int16 = short = dtype("int16", np.int16, _INT, True, "ShortTensor")
int32 = int = dtype("int32", np.int32, _INT, True, "IntTensor")
int64 = long = dtype("int64", np.int64, _INT, True, "LongTensor")
float16 = half = dtype("float16", np.float16, _FLOAT, True, "HalfTensor")
float32 = float = dtype("float32", np.float32, _FLOAT, True, "FloatTensor")
float64 = double = dtype("float64", np.float64, _FLOAT, True, "DoubleTensor")
complex64 = cfloat = dtype("complex64", np.complex64, _COMPLEX, True, "ComplexFloatTensor")
complex128 = cdouble = dtype("complex128", np.complex128, _COMPLEX, True, "ComplexDoubleTensor")

class _MLDtype(dtype):
    """A dtype whose NumPy type comes from ``ml_dtypes`` (bfloat16), imported on first use:
    ``import ember`` stays fast, and ``.np`` is None when the package is missing."""

    __slots__ = ("_np", "_ml_name")

    def __init__(self, name, category, tensor_type):
        self._np, self._ml_name = False, name   # False: not looked up yet
        super().__init__(name, None, category, True, tensor_type)

    @property
    def np(self):
        if self._np is False:
            try:
                import ml_dtypes
            except ImportError:
                self._np = None
            else:
                self._np = np.dtype(getattr(ml_dtypes, self._ml_name))
                from_np[self._np] = from_np[self._np.type] = self
        return self._np

    @np.setter
    def np(self, value):
        if value is not None:
            self._np = value


class _FromNumpy(dict):
    """NumPy dtype -> ember dtype. A bfloat16 array made before ember looked ml_dtypes up
    resolves it here, on the first miss."""

    def __missing__(self, key):
        if getattr(key, "name", None) == "bfloat16" or getattr(key, "__name__", None) == "bfloat16":
            if bfloat16.np is not None:
                return dict.__getitem__(self, key)
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except (KeyError, TypeError):
            return default

    def __contains__(self, key):
        return self.get(key) is not None


bfloat16 = _MLDtype("bfloat16", _FLOAT, "BFloat16Tensor")

_ALL = [bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
        complex64, complex128, uint16, uint32, uint64]
#: the unsigned types wider than a byte: PyTorch's "barebones" dtypes (few kernels, no promotion)
BAREBONES = (uint16, uint32, uint64)
_BAREBONES_NP = frozenset(d.np for d in BAREBONES)


def unsigned_error(npd, kernel):
    """PyTorch's error for its ``kernel`` lacking the uint16/32/64 NumPy dtype ``npd``."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{scalar_type_name(from_np[npd])}\'')


def refuse_unsigned(x, kernel):
    """Raise PyTorch's ``NotImplementedError`` if ``x`` (a tensor, array or dtype) is
    uint16/32/64, for which PyTorch's ``kernel`` has no implementation."""
    d = getattr(x, "dtype", x)
    npd = d.np if isinstance(d, dtype) else d
    if npd in _BAREBONES_NP:
        raise unsigned_error(npd, kernel)

#: NumPy dtype -> ember dtype (bfloat16 joins when ml_dtypes is first needed)
from_np = _FromNumpy({d.np: d for d in _ALL if d is not bfloat16})
for _t in (np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16,
           np.float32, np.float64, np.complex64, np.complex128, np.uint16, np.uint32, np.uint64):
    from_np[_t] = from_np[np.dtype(_t)]

_default = [float32]


def get_default_dtype():
    """The dtype of ``ember.tensor([1.5])`` and of ``ember.zeros(2)``: float32 unless set.

    Example:
        >>> torch.get_default_dtype()
        torch.float32
    """
    return _default[0]


def set_default_dtype(d):
    """Sets the floating-point dtype of new float tensors (float32, float64, float16 or bfloat16).

    Example:
        >>> torch.set_default_dtype(torch.float64); torch.tensor([1.5]).dtype
        torch.float64
        >>> torch.set_default_dtype(torch.float32)
    """
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default[0] = d


def to_dtype(d):
    """Accept an ember dtype, a NumPy dtype or a Python type; return an ember dtype."""
    if d.__class__ is dtype or d.__class__ is _MLDtype:
        return d
    if d is builtins_float:
        return get_default_dtype()
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool
    if d is builtins_complex:
        return complex64
    try:
        return from_np[np.dtype(d)]
    except (TypeError, KeyError):
        raise TypeError(f"dtype must be an ember dtype such as ember.float32, got {d!r}") from None


import builtins as _b  # noqa: E402

builtins_float, builtins_int, builtins_bool, builtins_complex = _b.float, _b.int, _b.bool, _b.complex


def _promote_pair(a, b):
    if a is b:
        return a
    if a in BAREBONES or b in BAREBONES:
        if a.category == _FLOAT or b.category == _FLOAT:
            return a if a.category == _FLOAT else b
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted to "
                           f"promote {scalar_type_name(a)} and {scalar_type_name(b)}")
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == _COMPLEX and lo.category == _FLOAT and 2 * lo.itemsize > hi.itemsize:
            return complex128  # float64 with complex64: the float's precision wins
        return hi
    if a.category == _FLOAT:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    if a.category == _COMPLEX:
        return a if a.itemsize >= b.itemsize else b
    if a.category == _BOOL:
        return a
    # integers: mixing signed and unsigned widens so that both fit
    if a.is_signed == b.is_signed:
        return a if a.itemsize >= b.itemsize else b
    s, u = (a, b) if a.is_signed else (b, a)
    if s.itemsize > u.itemsize:
        return s
    return {1: int16, 2: int32, 4: int64, 8: int64}[u.itemsize]


_pair_cache = {}


def promote_types(a, b):
    """``ember.promote_types(ember.int8, ember.uint8) -> ember.int16``.

    Example:
        >>> torch.promote_types(torch.int32, torch.float32)
        torch.float32
    """
    key = (a, b)
    r = _pair_cache.get(key)
    if r is None:
        r = _pair_cache[key] = _promote_pair(a, b)
    return r


def scalar_dtype(x):
    """The dtype PyTorch gives a Python scalar: bool, int64, the default float, complex64."""
    t = type(x)
    if t is builtins_float:
        return _default[0]
    if t is builtins_int:
        return int64
    if t is builtins_bool:
        return bool
    if t is builtins_complex:
        return complex64 if _default[0] is not float64 else complex128
    if isinstance(x, np.generic):  # NumPy scalars count as Python numbers of their kind
        return scalar_dtype(x.item())
    raise TypeError(f"expected a number, got {t.__name__}")


def _combine(dim, zero, wrapped):
    """PyTorch's rule: lower-priority groups only lift the category."""
    result = dim
    for other in (zero, wrapped):
        if other is None:
            continue
        if result is None:
            result = other
        elif other.category > result.category:
            result = promote_types(result, other)
    return result


def result_type(*operands):
    """The dtype of an elementwise op on ``operands`` (tensors and Python numbers).

    Example:
        >>> torch.result_type(torch.tensor([1, 2]), 1.5)
        torch.float32
    """
    from ._tensor import Tensor

    dim = zero = wrapped = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x.dtype
            if x._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif x is not None:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, zero, wrapped)


def can_cast(from_, to):
    """Whether an in-place op may write a ``from_`` result into a ``to`` tensor.

    Example:
        >>> torch.can_cast(torch.float64, torch.int32), torch.can_cast(torch.int32, torch.float32)
        (False, True)
    """
    return from_.category <= to.category


class finfo:
    """Machine limits of a floating dtype, as ``torch.finfo``."""

    def __init__(self, type=None):
        type = get_default_dtype() if type is None else type
        if not (type.is_floating_point or type.is_complex):
            raise TypeError(f"torch.finfo() requires a floating point input type, got {type}")
        fi = np.finfo(type.to_real().np)
        self.dtype = type.to_real().name
        self.bits = fi.bits
        self.eps = builtins_float(fi.eps)
        self.max = builtins_float(fi.max)
        self.min = builtins_float(fi.min)
        self.tiny = self.smallest_normal = builtins_float(fi.tiny)
        self.resolution = builtins_float(fi.resolution)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:e}, max={self.max:e}, "
                f"eps={self.eps:e}, smallest_normal={self.tiny:e}, tiny={self.tiny:e}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``."""

    def __init__(self, type):
        if type.is_floating_point or type.is_complex:
            raise TypeError(f"torch.iinfo() requires an integer input type, got {type}")
        ii = np.iinfo(type.np)
        self.dtype = type.name
        self.bits = ii.bits
        self.max = builtins_int(ii.max)
        self.min = builtins_int(ii.min)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
