"""``ember.Tensor``: metadata over a NumPy array, and the core of its method surface.

The array (``_data``) is the storage; a view's array is a NumPy view of its base's,
so writes through either are seen by both, and both share one version counter.
Op families (``ember/ops/*.py``) attach their methods to this class where they are
defined, so each op lives in one place: ``x.sum()`` and ``ember.sum(x)`` are the same
function.
"""
from collections.abc import Sequence as _Sequence

import numpy as np

from . import _dtype as D
from ._device import cpu, check_device

__all__ = ["Tensor", "Size", "is_tensor"]

_ndarray = np.ndarray
_new = object.__new__


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, k):
        r = tuple.__getitem__(self, k)
        return Size(r) if isinstance(k, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


def _wrap(arr):
    """Wrap an ndarray (or NumPy scalar) as a Tensor without copying. The hot path."""
    if type(arr) is not _ndarray:
        arr = np.asarray(arr)
    t = _new(Tensor)
    t._data = arr
    t._rg = False
    t.grad_fn = None
    t._vc = None
    return t


def _infer_dtype(data):
    """PyTorch's inference: bools -> bool, ints -> int64, floats -> default float."""
    if isinstance(data, (np.ndarray, np.generic)):
        return D.from_np.get(data.dtype)
    if isinstance(data, bool):
        return D.bool
    if isinstance(data, (int, np.integer)):
        return D.int64
    if isinstance(data, (float, np.floating)):
        return D.get_default_dtype()
    if isinstance(data, complex):
        return D.complex64
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (list, tuple)):
        best = None
        for x in data:
            d = _infer_dtype(x)
            if d is None:
                continue
            if best is None or d.category > best.category:
                best = d if d.category != D._FLOAT else D.get_default_dtype() \
                    if not isinstance(x, (np.ndarray, Tensor)) else d
        return best
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _to_array(data):
    """Nested lists / tuples of numbers and tensors -> ndarray."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        if any(isinstance(x, Tensor) for x in data):
            items = [_to_array(x) for x in data]
            try:
                return np.stack([np.asarray(i) for i in items]) if items else np.array([])
            except ValueError:
                raise ValueError("expected sequence of equal-length items") from None
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal length, got ragged nested data ({e})") from None
    if arr.dtype == object:
        raise TypeError(f"can't convert {type(data).__name__} of mixed or non-numeric types to a Tensor")
    return arr


def _as_lists(data):
    """A Python sequence (``collections.deque``, ``range``, ...), nested, as lists."""
    if isinstance(data, (str, bytes, Tensor, np.ndarray)) or not isinstance(data, _Sequence):
        return data
    return [_as_lists(x) for x in data]


def _new_tensor(data, dtype=None, copy=True):
    """Build a tensor from Python data / arrays with PyTorch's dtype inference."""
    if not isinstance(data, (list, tuple, np.ndarray, Tensor, str, bytes)) and isinstance(data, _Sequence):
        data = _as_lists(data)   # deque, range, other Python sequences: as torch takes them
    if dtype is not None:
        dtype = D.to_dtype(dtype)
    else:
        dtype = _infer_dtype(data)
        if isinstance(data, np.ndarray) and dtype is None:
            raise TypeError(
                f"can't convert np.ndarray of type {data.dtype}. The only supported types are: "
                "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")
        if dtype is None:  # empty list
            dtype = D.get_default_dtype()
    arr = _to_array(data)
    if dtype.np is None:
        raise RuntimeError(f"{dtype} needs the 'ml_dtypes' package: pip install ml_dtypes")
    if arr.dtype != dtype.np:
        arr = arr.astype(dtype.np, order="C")
    elif copy or not arr.flags.c_contiguous:
        arr = arr.copy(order="C")
    return _wrap(arr)


class _TensorMeta(type):
    """Lets ``isinstance(x, ember.FloatTensor)`` style checks work."""


class Tensor(metaclass=_TensorMeta):
    """A multi-dimensional array with autograd.

    ``ember.Tensor(2, 3)`` makes an uninitialised float tensor of shape (2, 3);
    ``ember.Tensor([1, 2])`` a float tensor from data. Prefer ``ember.tensor(data)``.
    """

    __slots__ = ("_data", "_rg", "grad_fn", "_vc", "__dict__", "__weakref__")
    __array_priority__ = 1000

    grad = None
    _base = None
    _out_idx = 0
    _accum = None
    _hooks = None
    _rebases = 0        # in-place ops through views that rewrote this base's history
    _seen_rebases = 0   # a view's copy of its base's count when its grad_fn was made
    _post_acc_hooks = None  # register_post_accumulate_grad_hook's hooks (leaves only)

    def __new__(cls, *args, device=None, dtype=None):
        check_device(device)
        if len(args) == 1 and not isinstance(args[0], int):
            t = _new_tensor(args[0], dtype or D.get_default_dtype())
        else:
            arr = np.empty(tuple(args), dtype=(dtype or D.get_default_dtype()).np)
            t = _wrap(arr)
        if cls is not Tensor:
            t = t.as_subclass(cls)
        return t

    def __init__(self, *args, **kwargs):
        pass

    # ---- metadata -----------------------------------------------------------------
    @property
    def dtype(self):
        return D.from_np[self._data.dtype]

    @property
    def shape(self):
        return Size(self._data.shape)

    @property
    def device(self):
        return cpu

    is_cuda = False
    is_sparse = False
    is_quantized = False
    is_meta = False
    # the other devices and layouts a CPU strided tensor is not on, as torch reports them
    is_xpu = is_mps = is_mkldnn = is_vulkan = is_ipu = is_maia = is_mtia = is_nested = False
    is_sparse_csr = False
    layout = "torch.strided"

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        from .ops._apply import wrap_dim

        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    def stride(self, dim=None):
        a = self._data
        if a.size == 0 or a.ndim == 0:
            st = _contiguous_strides(a.shape)
        else:
            st = tuple(s // a.itemsize for s in a.strides)
            # NumPy may give any stride to a size-1 dim; PyTorch gives the contiguous one
            cs = _contiguous_strides(a.shape)
            st = tuple(c if n == 1 else s for s, c, n in zip(st, cs, a.shape))
        if dim is None:
            return st
        from .ops._apply import wrap_dim

        return st[wrap_dim(dim, a.ndim)]

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def storage_offset(self):
        a = self._data
        root = _root(a)
        return (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    const_data_ptr = data_ptr

    def dim_order(self):
        """Dims from outermost to innermost in memory (by decreasing stride; ties keep order)."""
        st = self.stride()
        return tuple(sorted(range(len(st)), key=lambda i: -st[i]))

    def untyped_storage(self):
        from ._storage import UntypedStorage

        return UntypedStorage._of(self)

    def is_floating_point(self):
        return self._data.dtype.kind == "f" or self.dtype is D.bfloat16

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def is_signed(self):
        return self.dtype.is_signed

    def get_device(self):
        return -1

    is_cpu = True

    def is_conj(self):
        return False  # conjugation is never lazy here: conj() of a complex tensor copies

    def is_neg(self):
        return False

    def is_nonzero(self):
        a = self._data
        if a.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {'more than one value' if a.size else 'no values'} is ambiguous")
        return bool(a.reshape(-1)[0] != 0)

    def is_same_size(self, other):
        return self._data.shape == other._data.shape

    # ---- nn.functional aliases (imported on first use: nn loads lazily) -------------
    def softmax(self, dim, dtype=None):
        from .nn.functional import softmax

        return softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        from .nn.functional import log_softmax

        return log_softmax(self, dim, dtype=dtype)

    def hardshrink(self, lambd=0.5):
        from .nn.functional import hardshrink

        return hardshrink(self, lambd)

    def prelu(self, weight):
        from .nn.functional import prelu

        return prelu(self, weight)

    @property
    def _version(self):
        vc = self._vc
        return vc[0] if vc is not None else 0

    def _bump(self):
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    # ---- autograd state -----------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if value and not (self.is_floating_point() or self.is_complex()):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._rg = bool(value)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def retains_grad(self):
        gf = self.grad_fn
        return gf is not None and gf._retains is not None and self._out_idx in gf._retains

    def retain_grad(self):
        """Keep ``.grad`` of a non-leaf tensor after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        gf = self.grad_fn
        if gf is None:
            return
        if gf._retains is None:
            gf._retains = {}
        gf._retains[self._out_idx] = self

    def _accumulator(self):
        from .autograd.graph import AccumulateGrad

        acc = self._accum
        if acc is None:
            acc = self._accum = AccumulateGrad(self)
        return acc

    def register_hook(self, hook):
        """``hook(grad) -> Tensor or None`` runs when the gradient of this tensor is computed."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = self.grad_fn if self.grad_fn is not None else self._accumulator()
        return node._add_pre_hook(self._out_idx if self.grad_fn is not None else 0, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after a backward pass has accumulated into this leaf's ``.grad``."""
        from .autograd.graph import RemovableHandle

        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        handle = RemovableHandle(self._post_acc_hooks)
        self._post_acc_hooks[handle.id] = hook
        return handle

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. the graph leaves (into their ``.grad``)."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new tensor sharing storage, cut from the graph."""
        t = _wrap(self._data)
        if self._vc is None:
            self._vc = [0]
        t._vc = self._vc
        return t

    def detach_(self):
        if self._base is not None and self._base._rg:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._rg = False
        return self

    @property
    def data(self):
        return _wrap(self._data)

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(other).__name__}")
        self._data = other._data

    @property
    def _grad(self):
        return self.grad

    @property
    def output_nr(self):
        return self._out_idx

    # ---- conversion to Python / NumPy ---------------------------------------------
    def item(self):
        a = self._data
        if a.size != 1:
            raise RuntimeError(f"a Tensor with {a.size} elements cannot be converted to Scalar")
        return a.item() if a.dtype.kind != "V" else float(a.reshape(-1)[0])

    def tolist(self):
        a = self._data
        if self.dtype is D.bfloat16:
            a = a.astype(np.float32)
        return a.tolist()

    def numpy(self, *, force=False):
        """The array itself: shares memory with this tensor."""
        if self._rg and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self._data
        if dtype is not None:
            return a.astype(dtype, copy=bool(copy))
        return a.copy() if copy else a

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        a = self._data
        if a.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {'more than one value' if a.size else 'no values'} is ambiguous")
        return bool(a.reshape(-1)[0])

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(-1)[0])

    __hash__ = object.__hash__

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    # ---- devices ------------------------------------------------------------------
    def cpu(self, memory_format=None):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        from .cuda import _lazy_init

        _lazy_init()
        return self  # pragma: no cover - _lazy_init raises on this build

    def pin_memory(self, device=None):
        return self

    def is_pinned(self, device=None):
        return False

    def share_memory_(self):
        return self

    def is_shared(self):
        return False

    # ---- pickling and copying -----------------------------------------------------
    def __reduce_ex__(self, protocol):
        state = self.__dict__ or None
        if self.grad_fn is not None:
            raise RuntimeError(
                "Can't pickle a Tensor that is part of an autograd graph (a non-leaf); "
                "call .detach() first.")
        return (_rebuild, (type(self), self._data, self._rg, self.grad, state))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                "because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001")
        import copy

        new = _wrap(np.copy(self._data))
        if type(self) is not Tensor:
            new = new.as_subclass(type(self))
        new._rg = self._rg
        memo[id(self)] = new
        if self.grad is not None:
            new.grad = copy.deepcopy(self.grad, memo)
        for k, v in self.__dict__.items():
            if k not in ("_accum", "_base", "grad", "_hooks"):
                setattr(new, k, copy.deepcopy(v, memo))
        return new

    def as_subclass(self, cls):
        """The same storage and autograd state, viewed as tensor subclass ``cls``."""
        t = _new(cls)
        t._data = self._data
        t._rg = self._rg
        t.grad_fn = self.grad_fn
        t._vc = self._vc
        return t

    @classmethod
    def _make_subclass(cls, subclass, data, require_grad=False):
        t = data.detach().as_subclass(subclass)
        t.requires_grad = require_grad
        return t


def _rebuild(cls, arr, requires_grad, grad, state):
    t = _wrap(arr)
    if cls is not Tensor:
        t = t.as_subclass(cls)
    t._rg = requires_grad
    if grad is not None:
        t.grad = grad
    if state:
        t.__dict__.update(state)
    return t


def _root(a):
    """The array that owns ``a``'s memory (through views and ``as_strided`` wrappers)."""
    while True:
        b = a.base
        if isinstance(b, np.ndarray):
            a = b
        elif b is not None and isinstance(getattr(b, "base", None), np.ndarray):
            a = b.base  # np.lib.stride_tricks.as_strided keeps its source behind a wrapper
        else:
            return a


def _contiguous_strides(shape):
    st = []
    acc = 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(st))


def is_tensor(obj):
    return isinstance(obj, Tensor)


def _legacy_type(name, dtype):
    class Meta(_TensorMeta):
        def __instancecheck__(cls, obj):
            return isinstance(obj, Tensor) and obj.dtype is dtype

    def __new__(cls, *args, device=None):
        return Tensor.__new__(Tensor, *args, device=device, dtype=dtype)

    return Meta(name, (Tensor,), {"__new__": __new__, "__slots__": (), "dtype_": dtype})


FloatTensor = _legacy_type("FloatTensor", D.float32)
DoubleTensor = _legacy_type("DoubleTensor", D.float64)
HalfTensor = _legacy_type("HalfTensor", D.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", D.bfloat16)
ByteTensor = _legacy_type("ByteTensor", D.uint8)
CharTensor = _legacy_type("CharTensor", D.int8)
ShortTensor = _legacy_type("ShortTensor", D.int16)
IntTensor = _legacy_type("IntTensor", D.int32)
LongTensor = _legacy_type("LongTensor", D.int64)
BoolTensor = _legacy_type("BoolTensor", D.bool)
