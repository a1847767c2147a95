"""Linear algebra: matmul and its relatives, einsum, tensordot, det, inverse, matrix_power,
matrix_exp, slogdet (kron, trace, diag, tril/triu live in matrices.py; cdist, dist in distance.py)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _new_tensor, _wrap, tensor_method
from . import linalg_backward as _lb
from . import sparse as _sparse  # sparse operands of matmul / mm / addmm take its kernels
from ._apply import SAME, Op, _type_name, apply, apply_, holomorphic, wrap_dim

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv",
           "addbmm", "baddbmm", "einsum", "tensordot", "det", "inverse", "addr", "addmv_",
           "matrix_power", "matrix_exp", "slogdet", "logdet", "chain_matmul"]


class _LinAlgError(RuntimeError):
    """Raised for singular or non-definite inputs (``torch.linalg.LinAlgError``)."""


LinAlgError = _LinAlgError


def _same_dtype(a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_type_name(a.dtype, cpp=True)} != {_type_name(b.dtype, cpp=True)}")
    if a.dtype == np.bool_:
        raise RuntimeError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def _shp(s):
    return "x".join(str(x) for x in s)


def _swap(x):
    return np.swapaxes(x, -1, -2)


# ---- matmul --------------------------------------------------------------------------

@holomorphic
class Matmul(Op):
    name = "MmBackward0"
    unsigned, kernel = False, "addmm_impl_cpu_"   # PyTorch has no uint16/32/64 kernel
    saves = (0, 1)

    def forward(self, a, b):
        if a.dtype != b.dtype or a.dtype == np.bool_:
            _same_dtype(a, b)
        na, nb = a.ndim, b.ndim
        if na == 0 or nb == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                               f"{na}D and {nb}D")
        ka = a.shape[-1]
        kb = b.shape[-2] if nb > 1 else b.shape[0]
        if ka != kb:
            if na == 1 and nb == 1:
                raise RuntimeError(
                    f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have the "
                    f"same number of elements, but got {ka} and {kb} elements respectively")
            if na <= 2 and nb == 1:
                raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({_shp(a.shape)}), "
                                   f"vec ({kb})")
            sa = a.shape if na > 1 else (1,) + a.shape
            sb = b.shape if nb > 1 else b.shape + (1,)
            sa = (int(np.prod(sa[:-1])), sa[-1])
            sb = (sb[-2], int(np.prod(sb[:-2] + sb[-1:]))) if nb > 2 else sb
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shp(sa)} and {_shp(sb)})")
        self.a, self.b = a, b
        try:
            return np.matmul(a, b)
        except ValueError:
            raise RuntimeError(f"The size of tensor a must match the size of tensor b at a "
                               f"non-singleton batch dimension: {a.shape} and {b.shape}") from None

    def backward(self, g):
        a, b = self.a, self.b
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        if a.ndim == 1:      # (k) @ (..., k, m) -> (..., m)
            gg = g[..., None, :]
            return np.matmul(gg, _swap(b))[..., 0, :], np.matmul(a[:, None], gg)
        if b.ndim == 1:      # (..., n, k) @ (k) -> (..., n)
            gg = g[..., :, None]
            return np.matmul(gg, b[None, :]), np.matmul(_swap(a), gg)[..., 0]
        return np.matmul(g, _swap(b)), np.matmul(_swap(a), g)

    def backward_ops(self, g):
        a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        if a.ndim == 1:
            gg = g.unsqueeze(-2)
            return gg.matmul(b.transpose(-1, -2)).squeeze(-2), a.unsqueeze(-1).matmul(gg)
        if b.ndim == 1:
            gg = g.unsqueeze(-1)
            return gg.matmul(b.unsqueeze(0)), a.transpose(-1, -2).matmul(gg).squeeze(-1)
        return g.matmul(b.transpose(-1, -2)), a.transpose(-1, -2).matmul(g)


class Dot(Matmul):
    name = "DotBackward0"
    kernel = "dot"


class Mv(Matmul):
    name = "MvBackward0"
    kernel = "addmv_impl_cpu"


class Bmm(Matmul):
    name = "BmmBackward0"
    kernel = "bmm"


class UnsafeView(Matmul):
    name = "UnsafeViewBackward0"


def _t(x):
    return x if isinstance(x, Tensor) else _new_tensor(x)


@tensor_method("matmul", "__matmul__")
def matmul(input, other, *, out=None) -> Tensor:
    """The matrix product of two tensors, with NumPy's rules for 1-D operands and batch broadcasting.

    Example:
        >>> torch.matmul(torch.ones(2, 3), torch.ones(3)).shape
        torch.Size([2])
        >>> torch.matmul(torch.ones(5, 2, 3), torch.ones(3, 4)).shape
        torch.Size([5, 2, 4])
    """
    if input._sparse or other._sparse:
        return _sparse.matmul(input, other)
    na, nb = input._data.ndim, other._data.ndim
    if na == 2 and nb == 2:
        return apply(Matmul, input, other)
    if na == 1:
        return apply(Dot if nb == 1 else Matmul, input, other)
    if nb == 1:
        return apply(Mv if na == 2 else UnsafeView, input, other)
    return apply(UnsafeView, input, other)


@tensor_method("__rmatmul__")
def _rmatmul(self, other):
    return matmul(_t(other), self)


@tensor_method()
def mm(input, mat2, *, out=None) -> Tensor:
    """The matrix product of two 2-D tensors (no broadcasting).

    Example:
        >>> torch.mm(torch.tensor([[1., 2.]]), torch.tensor([[3.], [4.]]))
        tensor([[11.]])
    """
    if input._sparse or mat2._sparse:
        return _sparse.matmul(input, mat2)
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError("self must be a matrix" if input.ndim != 2 else "mat2 must be a matrix")
    return apply(Matmul, input, mat2)


@tensor_method()
def bmm(input, mat2, *, out=None) -> Tensor:
    """The batched matrix product of two 3-D tensors: ``(b, n, m) @ (b, m, p) -> (b, n, p)``.

    Example:
        >>> torch.bmm(torch.ones(4, 2, 3), torch.ones(4, 3, 5)).shape
        torch.Size([4, 2, 5])
    """
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"batch{1 if input.ndim != 3 else 2} must be a 3D tensor")
    s1, s2 = tuple(input.shape), tuple(mat2.shape)
    if s1[0] != s2[0] or s1[2] != s2[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{s1[0]}, {s1[2]}] but got: [{s2[0]}, {s2[1]}].")
    return apply(Bmm, input, mat2)


@tensor_method()
def mv(input, vec, *, out=None) -> Tensor:
    """The product of a matrix and a vector.

    Example:
        >>> torch.mv(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
        tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    return apply(Mv, input, vec)


@tensor_method()
def dot(input, other, *, out=None) -> Tensor:
    """The dot product of two 1-D tensors.

    Example:
        >>> torch.dot(torch.tensor([2, 3]), torch.tensor([2, 1]))
        tensor(7)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{D.scalar_type_name(input.dtype)} and {D.scalar_type_name(other.dtype)}")
    return apply(Dot, input, other)


@tensor_method()
def vdot(input, other, *, out=None) -> Tensor:
    """The dot product of two 1-D tensors, conjugating the first.

    Example:
        >>> torch.vdot(torch.tensor([1j, 2]), torch.tensor([1j, 1]))
        tensor(3.+0.j)
    """
    if input.is_complex():
        input = _wrap(np.conj(input._data)) if not input._rg else input.conj()
    return dot(input, other)


@holomorphic
class Outer(Op):
    name = "OuterBackward0"
    promote = SAME
    unsigned = True   # PyTorch has this kernel for uint16/32/64
    saves = (0, 1)

    def forward(self, a, b):
        if a.ndim != 1 or b.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument self, but got {a.ndim}-D")
        self.a, self.b = a, b
        return a[:, None] * b[None, :]

    def backward(self, g):
        return g @ self.b, self.a @ g

    backward_ops = _lb.outer


@tensor_method("outer", "ger")
def outer(input, vec2, *, out=None) -> Tensor:
    """The outer product of two 1-D tensors (``ger`` is an alias).

    Example:
        >>> torch.outer(torch.tensor([1, 2]), torch.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    return apply(Outer, input, vec2)


ger = outer


@holomorphic
class Addmm(Op):
    """``beta * input + alpha * (m1 @ m2)`` for addmm / addmv / baddbmm / addbmm."""
    name = "AddmmBackward0"
    unsigned, kernel = False, "addmm_impl_cpu_"
    saves = (1, 2)
    reduce_batch = False

    def forward(self, c, a, b, beta=1, alpha=1):
        _same_dtype(a, b)
        if c.dtype != a.dtype:
            _same_dtype(c, a)
        p = np.matmul(a, b)
        if self.reduce_batch:
            p = p.sum(0, dtype=p.dtype)   # NumPy would widen small integers
        self.a, self.b, self.alpha, self.beta = a, b, alpha, beta
        if alpha != 1:
            p = p * a.dtype.type(alpha)
        if beta == 0:
            return np.broadcast_to(np.zeros((), p.dtype), np.broadcast_shapes(c.shape, p.shape)) + p
        return (c * c.dtype.type(beta) if beta != 1 else c) + p

    def backward(self, g):
        a, b, al = self.a, self.b, self.alpha
        gc = g * g.dtype.type(self.beta) if self.beta != 1 else g
        gp = g * g.dtype.type(al) if al != 1 else g
        if self.reduce_batch:
            gp = np.broadcast_to(gp, (a.shape[0],) + gp.shape)
        if b.ndim == 1:
            return gc, np.outer(gp, b), a.T @ gp
        return gc, np.matmul(gp, _swap(b)), np.matmul(_swap(a), gp)

    def backward_ops(self, g):
        a, b = self.saved_input(1, self.a), self.saved_input(2, self.b)
        gc = g * self.beta if self.beta != 1 else g
        gp = g * self.alpha if self.alpha != 1 else g
        if self.reduce_batch:
            gp = gp.expand((self.a.shape[0],) + tuple(gp.shape))
        if self.b.ndim == 1:
            return gc, gp.unsqueeze(1) * b, a.t().matmul(gp)
        return gc, gp.matmul(b.transpose(-1, -2)), a.transpose(-1, -2).matmul(gp)


class Addmv(Addmm):
    name = "AddmvBackward0"
    kernel = "addmv_impl_cpu"


class Baddbmm(Addmm):
    name = "BaddbmmBackward0"
    kernel = "baddbmm"


class Addbmm(Addmm):
    name = "AddbmmBackward0"
    reduce_batch = True


class Addr(Addmm):
    """``addr`` is ``addmm`` with a column times a row."""
    name = "AddrBackward0"
    kernel = "addr_cpu"

    def forward(self, c, a, b, beta=1, alpha=1):
        return super().forward(c, a[:, None], b[None, :], beta, alpha)

    def backward(self, g):
        gc, ga, gb = super().backward(g)
        return gc, ga[:, 0], gb[0]

    def backward_ops(self, g):
        """Addmm's with vectors (Addmm's would give (n, 1) and (1, m) gradients)."""
        a, b = self.saved_input(1, self.a[:, 0]), self.saved_input(2, self.b[0])
        cx = g.dtype.is_complex   # conjugate Wirtinger gradients, as @holomorphic gives Addmm
        if cx:
            g = g.conj()
        gc = g * self.beta if self.beta != 1 else g
        gp = g * self.alpha if self.alpha != 1 else g
        out = gc, gp.matmul(b), gp.t().matmul(a)
        return tuple(x.conj() for x in out) if cx else out


def _addchk(x, n, what, arg):
    if x.ndim != n:
        raise RuntimeError(f"{arg} must be a {n}D tensor" if n == 3 else f"{arg} must be a matrix"
                           if n == 2 else f"vector + matrix @ vector expected, got {x.ndim}")


def _addmm_common(cls, input, a, b, beta, alpha, shape, run=apply):
    """``run``: ``apply``, or ``apply_`` for the in-place forms (``input`` is written)."""
    try:
        np.broadcast_shapes(tuple(input.shape), shape)
    except ValueError:
        raise RuntimeError(f"The expanded size of the tensor must match the existing size: "
                           f"{tuple(input.shape)} vs {shape}") from None
    if run is apply_ and tuple(input.shape) != shape:
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast "
                           f"shape {list(shape)}")
    if beta == 1 and alpha == 1:
        return run(cls, input, a, b)
    return run(cls, input, a, b, beta=beta, alpha=alpha)


def _addmm_shape(mat1, mat2):
    _addchk(mat1, 2, "addmm", "mat1")
    _addchk(mat2, 2, "addmm", "mat2")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shp(mat1.shape)} and "
                           f"{_shp(mat2.shape)})")
    return (mat1.shape[0], mat2.shape[1])


def _addmv_shape(input, mat, vec):
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), "
                           f"mat ({_shp(mat.shape)}), vec ({vec.shape[0]})")
    return (mat.shape[0],)


def _bmm_shapes(batch1, batch2, what):
    _addchk(batch1, 3, what, "batch1")
    _addchk(batch2, 3, what, "batch2")
    s1, s2 = tuple(batch1.shape), tuple(batch2.shape)
    if s1[0] != s2[0] or s1[2] != s2[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{s1[0]}, {s1[2]}] but got: [{s2[0]}, {s2[1]}].")
    return s1, s2


def _addr_shape(vec1, vec2):
    for v, n in ((vec1, "vec1"), (vec2, "vec2")):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {v.ndim}-D")
    return (vec1.shape[0], vec2.shape[0])


@tensor_method()
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``.

    Example:
        >>> torch.addmm(torch.ones(2, 2), torch.eye(2), torch.eye(2), beta=0.5, alpha=2)
        tensor([[2.5000, 0.5000],
                [0.5000, 2.5000]])
    """
    if mat1._sparse or mat2._sparse:
        return _sparse.addmm(input, mat1, mat2, beta=beta, alpha=alpha)
    return _addmm_common(Addmm, input, mat1, mat2, beta, alpha, _addmm_shape(mat1, mat2))


@tensor_method()
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``.

    Example:
        >>> torch.addmv(torch.ones(2), torch.eye(2), torch.tensor([1., 2.]))
        tensor([2., 3.])
    """
    return _addmm_common(Addmv, input, mat, vec, beta, alpha, _addmv_shape(input, mat, vec))


@tensor_method()
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``.

    Example:
        >>> torch.baddbmm(torch.zeros(3, 2, 2), torch.ones(3, 2, 4), torch.ones(3, 4, 2)).shape
        torch.Size([3, 2, 2])
    """
    s1, s2 = _bmm_shapes(batch1, batch2, "baddbmm")
    return _addmm_common(Baddbmm, input, batch1, batch2, beta, alpha, (s1[0], s1[1], s2[2]))


@tensor_method()
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * sum(bmm(batch1, batch2))`` over the batch.

    Example:
        >>> torch.addbmm(torch.zeros(2, 2), torch.ones(3, 2, 4), torch.ones(3, 4, 2))
        tensor([[12., 12.],
                [12., 12.]])
    """
    s1, s2 = _bmm_shapes(batch1, batch2, "addbmm")
    return _addmm_common(Addbmm, input, batch1, batch2, beta, alpha, (s1[1], s2[2]))


@tensor_method()
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``.

    Example:
        >>> torch.addr(torch.zeros(2, 2), torch.tensor([1., 2.]), torch.tensor([1., 3.]))
        tensor([[1., 3.],
                [2., 6.]])
    """
    return _addmm_common(Addr, input, vec1, vec2, beta, alpha, _addr_shape(vec1, vec2))


@tensor_method()
def addmm_(self, mat1, mat2, *, beta=1, alpha=1) -> Tensor:
    """In-place ``addmm``.

    Example:
        >>> torch.ones(2, 2).addmm_(torch.eye(2), torch.eye(2))
        tensor([[2., 1.],
                [1., 2.]])
    """
    return _addmm_common(Addmm, self, mat1, mat2, beta, alpha, _addmm_shape(mat1, mat2), apply_)


@tensor_method()
def addmv_(self, mat, vec, *, beta=1, alpha=1) -> Tensor:
    """In-place ``addmv``.

    Example:
        >>> torch.ones(2).addmv_(torch.eye(2), torch.tensor([1., 2.]))
        tensor([2., 3.])
    """
    return _addmm_common(Addmv, self, mat, vec, beta, alpha, _addmv_shape(self, mat, vec), apply_)


@tensor_method()
def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """In-place ``baddbmm``.

    Example:
        >>> torch.zeros(1, 2, 2).baddbmm_(torch.ones(1, 2, 3), torch.ones(1, 3, 2))
        tensor([[[3., 3.],
                 [3., 3.]]])
    """
    s1, s2 = _bmm_shapes(batch1, batch2, "baddbmm")
    return _addmm_common(Baddbmm, self, batch1, batch2, beta, alpha, (s1[0], s1[1], s2[2]), apply_)


@tensor_method()
def addbmm_(self, batch1, batch2, *, beta=1, alpha=1) -> Tensor:
    """In-place ``addbmm``.

    Example:
        >>> torch.zeros(2, 2).addbmm_(torch.ones(3, 2, 1), torch.ones(3, 1, 2))
        tensor([[3., 3.],
                [3., 3.]])
    """
    s1, s2 = _bmm_shapes(batch1, batch2, "addbmm")
    return _addmm_common(Addbmm, self, batch1, batch2, beta, alpha, (s1[1], s2[2]), apply_)


@tensor_method()
def addr_(self, vec1, vec2, *, beta=1, alpha=1) -> Tensor:
    """In-place ``addr``: ``self = beta * self + alpha * outer(vec1, vec2)``.

    Example:
        >>> torch.zeros(2, 2).addr_(torch.tensor([1., 2.]), torch.tensor([1., 3.]))
        tensor([[1., 3.],
                [2., 6.]])
    """
    return _addmm_common(Addr, self, vec1, vec2, beta, alpha, _addr_shape(vec1, vec2), apply_)


# ---- einsum / tensordot / inner --------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_einsum(eq, shapes):
    """Explicit form of ``eq`` (no ellipsis, with '->'): (list of input subscripts, output)."""
    eq = eq.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs, out = eq, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(shapes) > len(ins) else
                           "einsum(): fewer operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    free = [c for c in _LETTERS if c not in used]
    ell_n = 0
    for s, shp in zip(ins, shapes):
        if "..." in s:
            ell_n = max(ell_n, len(shp) - (len(s) - 3))
    ell = "".join(free[:ell_n])
    res = []
    for s, shp in zip(ins, shapes):
        if "..." in s:
            k = len(shp) - (len(s) - 3)
            s = s.replace("...", ell[ell_n - k:] if k else "")
        if len(s) != len(shp):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(s)}) does "
                               f"not match the number of dimensions ({len(shp)}) for operand")
        res.append(s)
    if out is None:
        counts = {}
        for s in res:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c in counts if counts[c] == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return res, out


@holomorphic
class Einsum(Op):
    name = "EinsumBackward0"

    def forward(self, *ops, eq):
        subs, out = _parse_einsum(eq, [o.shape for o in ops])
        self.ops, self.subs, self.out = ops, subs, out
        dt = ops[0].dtype
        for o in ops[1:]:
            if o.dtype != dt:
                raise RuntimeError(f"expected scalar type {dt.name} but found {o.dtype.name}")
        if dt.kind in "bu":   # as PyTorch: a contraction between operands runs on bmm (no bool or
            summed = [c for c in set("".join(subs)) if c not in out]   # uint16/32/64 kernel), a letter
            if any(sum(c in s for s in subs) > 1 for c in summed):     # summed in one operand on sum
                if dt.kind == "b":
                    raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
                D.refuse_unsigned(dt, "bmm")
            if any(sum(c in s for s in subs) == 1 for c in summed):    # (which gives int64)
                ops = [o.astype(np.int64) for o in ops]
        elif dt.kind == "i" and dt != np.int64 and any(c not in out and sum(c in s for s in subs) == 1
                                                      for c in set("".join(subs))):
            ops = [o.astype(np.int64) for o in ops]
        try:
            return np.asarray(np.einsum(",".join(subs) + "->" + out, *ops, optimize=len(ops) > 2))
        except ValueError as e:
            raise RuntimeError(f"einsum(): {e}") from None

    def backward(self, g):
        ops, subs, out = self.ops, self.subs, self.out
        grads = []
        for i, (a, s) in enumerate(zip(ops, subs)):
            others = [(ops[j], subs[j]) for j in range(len(ops)) if j != i]
            avail = set(out).union(*[set(sj) for _, sj in others])
            letters = "".join(dict.fromkeys(s))
            t = "".join(c for c in letters if c in avail)
            eq = ",".join([out] + [sj for _, sj in others]) + "->" + t
            gt = np.einsum(eq, g, *[o for o, _ in others], optimize=len(others) > 1)
            if t != letters:  # letters summed only inside this operand: broadcast back
                sizes = {c: a.shape[s.index(c)] for c in letters}
                gt = _bcast_letters(gt, t, letters, sizes)
            if letters != s:  # repeated subscripts (diagonals); sum the broadcast size-1 dims first
                wide = tuple(k for k, c in enumerate(letters) if gt.shape[k] != a.shape[s.index(c)])
                gt = gt.sum(axis=wide, keepdims=True) if wide else gt
                z = np.zeros(a.shape, g.dtype)
                np.einsum(s + "->" + letters, z)[...] = gt
                gt = z
            grads.append(gt)
        return tuple(grads)

    backward_ops = _lb.einsum


def _bcast_letters(gt, t, letters, sizes):
    perm = [t.index(c) for c in letters if c in t]
    x = np.transpose(gt, perm)
    full = []
    k = 0
    for c in letters:
        if c in t:
            full.append(x.shape[k])
            k += 1
        else:
            full.append(1)
    x = x.reshape(full)
    return np.broadcast_to(x, [sizes[c] for c in letters])


def einsum(equation, *operands):
    """Sums products of the operands' elements over the indices named in ``equation``.

    Example:
        >>> a, b = torch.ones(2, 3), torch.ones(3, 4)
        >>> torch.einsum("ij,jk->ik", a, b)
        tensor([[3., 3., 3., 3.],
                [3., 3., 3., 3.]])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return apply(Einsum, *operands, eq=equation)


def tensordot(a, b, dims=2, out=None):
    """Contracts ``a`` and ``b`` over the last ``dims`` dimensions of ``a`` and first of ``b`` (or listed dims).

    Example:
        >>> torch.tensordot(torch.ones(2, 3, 4), torch.ones(3, 4, 5)).shape
        torch.Size([2, 5])
        >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 2), dims=([1], [0]))
        tensor([[3., 3.],
                [3., 3.]])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = dims
        if isinstance(da, int):
            da, db = [da], [db]
        da = [wrap_dim(d, a.ndim) for d in da]
        db = [wrap_dim(d, b.ndim) for d in db]
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    D.refuse_unsigned(a, "addmm_impl_cpu_")   # PyTorch's tensordot always runs on mm
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:   # a size-1 dimension broadcasts, as torch's
            if a.shape[x] == 1:
                b = b.sum(y, keepdim=True)
                continue
            if b.shape[y] == 1:
                a = a.sum(x, keepdim=True)
                continue
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[x]} in dim {x} and second has size {b.shape[y]} in dim {y}")
    la = _LETTERS[:a.ndim]
    lb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for x, y in zip(da, db):
        lb[y] = la[x]
    lb = "".join(lb)
    out_s = "".join(c for i, c in enumerate(la) if i not in da) + \
        "".join(c for i, c in enumerate(lb) if i not in db)
    return apply(Einsum, a, b, eq=f"{la},{lb}->{out_s}")


@tensor_method()
def inner(input, other, *, out=None) -> Tensor:
    """The inner product over the last dimension (the dot product for 1-D tensors).

    Example:
        >>> torch.inner(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
        tensor(11.)
    """
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


# ---- det / inverse ---------------------------------------------------------------------

def _square(a, what):
    if a.ndim < 2:
        raise RuntimeError(f"{what}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{what}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{what}: Expected a floating point or complex tensor as input. Got "
                           f"{D.scalar_type_name(D.from_np[a.dtype])}")


@holomorphic
class Det(Op):
    name = "LinalgDetBackward0"
    saves = (0,)

    def forward(self, a):
        _square(a, "linalg.det")
        self.a = a
        self.out = np.asarray(np.linalg.det(a)).astype(a.dtype, copy=False)
        return self.out

    def backward(self, g):
        a = self.a
        gg = (g * self.out)[..., None, None]
        try:
            return (gg * _swap(np.linalg.inv(a))).astype(a.dtype, copy=False)
        except np.linalg.LinAlgError:  # singular: gradient is the adjugate transposed
            u, s, vh = np.linalg.svd(a)
            n = a.shape[-1]
            prods = np.stack([np.prod(np.delete(s, i, -1), -1) for i in range(n)], -1)
            adj = np.matmul(_swap(vh) * prods[..., None, :], _swap(u)) * \
                (np.linalg.det(u) * np.linalg.det(vh))[..., None, None]
            return (g[..., None, None] * _swap(adj)).astype(a.dtype, copy=False)

    backward_ops = _lb.det


@tensor_method()
def det(input) -> Tensor:
    """The determinant (``linalg.det``).

    Example:
        >>> torch.det(torch.tensor([[2., 1.], [1., 2.]]))
        tensor(3.)
    """
    return apply(Det, input)


@holomorphic
class Inverse(Op):
    name = "LinalgInvExBackward0"
    saves = ("out",)

    def forward(self, a, what="linalg.inv"):
        _square(a, what)
        try:
            inv = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"{what}: The diagonal element 1 is zero, the inversion could not be "
                              "completed because the input matrix is singular.") from None
        self.inv = inv.astype(a.dtype, copy=False)
        return self.inv

    def backward(self, g):
        it = _swap(self.inv)
        return -np.matmul(np.matmul(it, g), it)

    backward_ops = _lb.inverse


@tensor_method()
def inverse(input, *, out=None) -> Tensor:
    """The matrix inverse (``linalg.inv``).

    Example:
        >>> torch.inverse(torch.tensor([[2., 0.], [0., 4.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return apply(Inverse, input)


def _check_square(A, what):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{what}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{what}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


@tensor_method()
def matrix_power(input, n, *, out=None) -> Tensor:
    """``input @ input @ ...`` ``n`` times (``n < 0``: of the inverse), by repeated squaring.

    Example:
        >>> torch.matrix_power(torch.tensor([[1., 1.], [0., 1.]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    _check_square(input, "linalg.matrix_power")
    if n == 0:  # identity copied over input (zero gradient, as torch's CopyBackwards)
        from .fill import Copy

        return apply(Copy, input, _wrap(np.eye(input.shape[-1], dtype=input._data.dtype)))
    if n < 0:
        input = apply(Inverse, input, what="linalg.inv")
        n = -n
    result, base = None, input
    while True:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if not n:
            return result
        base = matmul(base, base)


def _expm(a):
    """exp of a batch of square matrices: scaling and squaring over a degree-18 Taylor sum."""
    norm = np.abs(a).sum(-2).max(-1).max() if a.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0.5 else 0
    x = a / a.dtype.type(2.0 ** s)
    term = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    out = term.copy()
    for k in range(1, 19):
        term = np.matmul(term, x) / a.dtype.type(k)
        out = out + term
    for _ in range(s):
        out = np.matmul(out, out)
    return out


class MatrixExp(Op):
    name = "LinalgMatrixExpBackward0"
    saves = (0,)

    def forward(self, a):
        _square(a, "linalg.matrix_exp")
        self.a = a
        return _expm(a.astype(np.float64) if a.dtype != np.float64 and a.dtype.kind == "f" else a
                     ).astype(a.dtype, copy=False)

    def backward(self, g):
        # the Frechet derivative's adjoint: the top-right block of exp([[A^H, G], [0, A^H]])
        a = self.a
        n = a.shape[-1]
        ah = np.conj(_swap(a))
        big = np.zeros(a.shape[:-2] + (2 * n, 2 * n), np.result_type(a.dtype, g.dtype, np.float64))
        big[..., :n, :n] = ah
        big[..., n:, n:] = ah
        big[..., :n, n:] = g
        return _expm(big)[..., :n, n:].astype(g.dtype, copy=False)

    backward_ops = _lb.matrix_exp


@tensor_method()
def matrix_exp(input) -> Tensor:
    """The matrix exponential of each square matrix.

    Example:
        >>> torch.matrix_exp(torch.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    return apply(MatrixExp, input)


class Slogdet(Op):
    """(sign, log|det|); the sign's gradient is zero (real inputs), log|det|'s is ``inv(A)^H``."""
    name = "LinalgSlogdetBackward0"
    saves = (0,)

    def forward(self, a, what="linalg.slogdet"):
        _square(a, what)
        s, l = np.linalg.slogdet(a)
        self.a, self.s = a, np.asarray(s, a.dtype)
        return self.s, np.asarray(l, a.real.dtype)

    def backward(self, gs, gl):
        if self.s.dtype.kind == "c":   # the complex sign moves too: d sign = i Im(tr(A^-1 dA)) sign
            gl = gl - 1j * (gs.conj() * self.s).imag
        return gl[..., None, None] * np.conj(_swap(np.linalg.inv(self.a)))

    backward_ops = _lb.slogdet


@tensor_method()
def slogdet(input):
    """``(sign, logabsdet)`` of the determinant (``linalg.slogdet``).

    Example:
        >>> torch.slogdet(torch.tensor([[2., 0.], [0., 3.]]))
        torch.return_types.slogdet(
        sign=tensor(1.),
        logabsdet=tensor(1.7918))
    """
    from .reduction import return_types

    return return_types.slogdet(*apply(Slogdet, input, what="linalg.slogdet"))


@tensor_method()
def logdet(input) -> Tensor:
    """log(det): NaN for a negative determinant, -inf for a singular matrix (composite, as torch).

    Example:
        >>> torch.logdet(torch.tensor([[2., 0.], [0., 3.]]))
        tensor(1.7918)
    """
    from .indexing import where

    sign, logabs = slogdet(input)
    if sign.is_complex():   # log det = log|det| + i arg(det)
        return logabs + 1j * sign.angle()
    return where(sign < 0, _wrap(np.asarray(np.nan, logabs._data.dtype)), logabs)


def chain_matmul(*matrices, out=None):
    """The product of the matrices in order (deprecated: use ``linalg.multi_dot``).

    Example:
        >>> torch.chain_matmul(torch.ones(2, 3), torch.ones(3, 4), torch.ones(4, 1))
        tensor([[12.],
                [12.]])
    """
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    result = matrices[0]
    for m in matrices[1:]:
        result = matmul(result, m)
    return result if len(matrices) > 1 else result.clone()
