"""Linear maps as one fused op each: ``linear`` (one GEMM plus bias; the training hot
path) and ``bilinear``."""
import numpy as np

from ._apply import Op, _type_name, apply, holomorphic

__all__ = ["linear", "bilinear"]


@holomorphic
class _Linear(Op):
    name = "AddmmBackward0"
    saves = (0, 1)

    def forward(self, x, w, b=None):
        if x.dtype != w.dtype:
            raise RuntimeError(
                f"mat1 and mat2 must have the same dtype, but got {_type_name(x.dtype)} and {_type_name(w.dtype)}")
        if x.shape[-1] != w.shape[-1] if w.ndim == 2 else x.shape[-1] != w.shape[0]:
            xs = x.reshape(-1, x.shape[-1]) if x.ndim else x
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({xs.shape[0]}x{x.shape[-1]} and "
                f"{w.shape[1] if w.ndim == 2 else w.shape[0]}x{w.shape[0] if w.ndim == 2 else 1})")
        self.x, self.w, self.hasb = x, w, b is not None
        # a permuted input (a batch_first RNN's output): one GEMM over its rows in memory
        # order, then the (narrower) output copied to C order, not a GEMM per batch entry
        self.perm = _row_order(x) if w.ndim == 2 and w.shape[0] <= x.shape[-1] else None
        if self.perm is not None:
            xp = x.transpose(self.perm)
            y = xp.reshape(-1, x.shape[-1]) @ w.T
            if b is not None:
                y += b
            y = y.reshape(xp.shape[:-1] + y.shape[-1:])
            return np.ascontiguousarray(y.transpose(np.argsort(self.perm)))
        y = x @ w.T
        if b is not None:
            if y.ndim:
                y += b
            else:
                y = y + b
        return y

    def backward(self, g):
        x, w = self.x, self.w
        nf = getattr(self, "next_functions", None)
        gx = None if (nf is not None and nf[0][0] is None) else g @ w
        if nf is not None and nf[1][0] is None:
            gw = None
        elif x.ndim == 1:
            gw = np.multiply.outer(g, x) if w.ndim == 2 else g * x
        elif self.perm is not None:   # x's rows in memory order (a view), g's in the same order
            x2 = x.transpose(self.perm).reshape(-1, x.shape[-1])
            gw = g.transpose(self.perm).reshape(-1, g.shape[-1]).T @ x2
        else:
            x2 = x.reshape(-1, x.shape[-1])
            g2 = g.reshape(-1, g.shape[-1]) if w.ndim == 2 else g.reshape(-1)
            gw = g2.T @ x2 if w.ndim == 2 else g2 @ x2
        gb = None
        if self.hasb:
            gb = g.reshape(-1, g.shape[-1]).sum(0) if (g.ndim > 1 and w.ndim == 2) else (
                g if g.ndim <= 1 and w.ndim == 2 else g.sum())
        return gx, gw, gb

    def backward_ops(self, g):
        if self.w.ndim != 2:
            return self.no_double_backward(g)
        x, w = self.saved_input(0, self.x), self.saved_input(1, self.w)
        nf = self.next_functions
        gx = g.matmul(w) if nf[0][0] is not None else None
        gw = gb = None
        if nf[1][0] is not None:
            gw = (g.unsqueeze(1) * x if x.ndim == 1 else
                  g.reshape(-1, g.shape[-1]).t().matmul(x.reshape(-1, x.shape[-1])))
        if self.hasb:
            gb = g.reshape(-1, g.shape[-1]).sum(0) if g.ndim > 1 else g
        return gx, gw, gb


def _row_order(x):
    """The axes order (last axis kept last) in which a non-contiguous ``x`` of 3 or more dims
    is C-contiguous, or None (contiguous, fewer dims, or no such order)."""
    if x.ndim < 3 or x.flags.c_contiguous or x.strides[-1] != x.itemsize:
        return None
    perm = sorted(range(x.ndim - 1), key=lambda d: -x.strides[d]) + [x.ndim - 1]
    return perm if x.transpose(perm).flags.c_contiguous else None


def linear(input, weight, bias=None):
    """Affine map of the last dimension: ``input @ weight.T + bias``.

    Args:
        input (Tensor): the input, ``(*, in_features)``.
        weight (Tensor): ``(out_features, in_features)`` or ``(in_features,)``.
        bias (Tensor, optional): ``(out_features,)`` or ``()``. Default: ``None``.

    Shape:
        Input: ``(*, in_features)``. Output: ``(*, out_features)``.

    Example:
        >>> import ember.nn.functional as F
        >>> w = ember.tensor([[1., 0.], [1., 1.], [0., -1.]])
        >>> F.linear(ember.tensor([[1., 2.]]), w, ember.tensor([0., 0., 10.]))
        tensor([[1., 3., 8.]])
    """
    return apply(_Linear, input, weight, bias)


class _Bilinear(Op):
    name = "BilinearBackward"
    saves = (0, 1, 2)

    def forward(self, x1, x2, A, b=None):
        if x1.shape[:-1] != x2.shape[:-1]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match: got {x1.shape[:-1]} and {x2.shape[:-1]}")
        if A.shape[1] != x1.shape[-1] or A.shape[2] != x2.shape[-1]:
            raise RuntimeError(
                f"bilinear(): input1 size does not match weight size: got {x1.shape[-1]} but expected {A.shape[1]}")
        self.x1, self.x2, self.A, self.hasb = x1, x2, A, b is not None
        y = np.einsum("...i,kij,...j->...k", x1, A, x2, optimize=True)
        if b is not None:
            y = y + b
        return y

    def backward(self, g):
        x1, x2, A = self.x1, self.x2, self.A
        g1 = np.einsum("...k,kij,...j->...i", g, A, x2, optimize=True)
        g2 = np.einsum("...k,kij,...i->...j", g, A, x1, optimize=True)
        gA = np.einsum("...k,...i,...j->kij", g, x1, x2, optimize=True)
        gb = g.reshape(-1, g.shape[-1]).sum(0) if self.hasb else None
        return g1, g2, gA, gb

    def backward_ops(self, g):
        from .linalg import einsum

        x1, x2, A = (self.saved_input(i, a) for i, a in enumerate((self.x1, self.x2, self.A)))
        G, X1, X2 = g.reshape(-1, g.shape[-1]), x1.reshape(-1, x1.shape[-1]), x2.reshape(-1, x2.shape[-1])
        g1 = einsum("nk,kij,nj->ni", G, A, X2).reshape(x1.shape)
        g2 = einsum("nk,kij,ni->nj", G, A, X1).reshape(x2.shape)
        return g1, g2, einsum("nk,ni,nj->kij", G, X1, X2), (G.sum(0) if self.hasb else None)


def bilinear(input1, input2, weight, bias=None):
    """Bilinear map of two inputs: ``y[..., k] = x1 @ weight[k] @ x2 + bias[k]``.

    Args:
        input1 (Tensor): ``(*, in1_features)``.
        input2 (Tensor): ``(*, in2_features)``, same leading dimensions.
        weight (Tensor): ``(out_features, in1_features, in2_features)``.
        bias (Tensor, optional): ``(out_features,)``. Default: ``None``.

    Shape:
        Output: ``(*, out_features)``.

    Example:
        >>> import ember.nn.functional as F
        >>> w = ember.stack([ember.eye(2), ember.ones(2, 2)])
        >>> F.bilinear(ember.tensor([[1., 2.]]), ember.tensor([[3., 4.]]), w)
        tensor([[11., 21.]])
    """
    return apply(_Bilinear, input1, input2, weight, bias)
