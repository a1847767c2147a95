"""Convolutions: ``conv1d/2d/3d``, ``conv_transpose1d/2d/3d``, ``unfold`` (im2col), ``fold`` (col2im).

Layout used throughout: the input is padded straight into a ``(C, B, *spatial)``
buffer, windows are taken with ``as_strided`` as ``(C, *kernel, B, *out)`` and copied
once into a contiguous column matrix ``(C*K, B*L)``; the convolution is then ONE GEMM
``W (O, C*K) @ cols (C*K, B*L)`` (a batched matmul over groups). Backward is one GEMM
for the weight (``g (O, B*L) @ cols.T``), one GEMM for the columns of the input grad
(``W.T @ g``) followed by col2im, which loops over kernel offsets only.
"""
import math

import numpy as np

from .. import _kernels
from .._tensor import Tensor
from . import _conv2d_fast as _f2
from ._apply import Op, _type_name, apply, ntuple

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]

_as_strided = np.lib.stride_tricks.as_strided


# ---- argument helpers ---------------------------------------------------------------

_LEN_MSG = ("expected {name} to be a single integer value or a list of {n} values "
            "to match the convolution dimensions, but got {name}={v}")


def _ntuple(v, n, name):
    return ntuple(v, n, name, _LEN_MSG)


# ---- im2col / col2im kernels on raw arrays --------------------------------------------

def _pad_to(x, pads, swap):
    """x (B, C, *sp) -> (C, B, *padded) if swap else (B, C, *padded), zero-filled.

    Returns a view of ``x`` when nothing needs to move."""
    if not any(lo or hi for lo, hi in pads):
        if not swap:
            return x
        out = np.empty((x.shape[1], x.shape[0]) + x.shape[2:], dtype=x.dtype)
        np.copyto(out, x.swapaxes(0, 1))
        return out
    sp = x.shape[2:]
    lead = (x.shape[1], x.shape[0]) if swap else x.shape[:2]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(sp, pads))
    buf = np.zeros(lead + padded, dtype=x.dtype)
    inner = (slice(None), slice(None)) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(sp, pads))
    buf[inner] = x.swapaxes(0, 1) if swap else x
    return buf


def _windows(xp, k, dil, stride, out):
    """xp (A, Bd, *padded) -> read-only view (A, *k, Bd, *out)."""
    s = xp.strides
    nd = len(k)
    shape = (xp.shape[0],) + tuple(k) + (xp.shape[1],) + tuple(out)
    strides = ((s[0],) + tuple(s[2 + i] * dil[i] for i in range(nd)) + (s[1],)
               + tuple(s[2 + i] * stride[i] for i in range(nd)))
    return _as_strided(xp, shape, strides, writeable=False)


def _im2col(xp, k, dil, stride, out):
    """Contiguous columns (A, *k, Bd, *out) of a padded (A, Bd, *padded) array."""
    v = _windows(xp, k, dil, stride, out)
    cols = np.empty(v.shape, dtype=xp.dtype)
    np.copyto(cols, v)
    return cols


def _col2im(cols, padded, k, dil, stride, out):
    """Adjoint of ``_im2col``: cols (A, *k, Bd, *out) -> (A, Bd, *padded) with overlaps summed."""
    nd = len(k)
    A, Bd = cols.shape[0], cols.shape[1 + nd]
    buf = np.zeros((A, Bd) + tuple(padded), dtype=cols.dtype)
    if all(kk == 1 for kk in k) and all(st == 1 for st in stride) and tuple(out) == tuple(padded):
        buf[...] = cols.reshape(buf.shape)
        return buf
    for idx in np.ndindex(*k):
        sl = (slice(None), slice(None)) + tuple(
            slice(i * d, i * d + st * (o - 1) + 1, st) for i, d, st, o in zip(idx, dil, stride, out))
        buf[sl] += cols[(slice(None),) + idx]
    return buf


def _crop(buf, pads, sp):
    return buf[(slice(None), slice(None)) + tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, sp))]


# Scratch arrays for temporaries that never leave an op (GEMM outputs that are copied
# out, col2im accumulators). Reusing them avoids page-faulting fresh multi-MB buffers on
# every call, which otherwise costs as much as the arithmetic.
_scratch = _f2._scratch  # one scratch cache for both conv kernels


def _to_bc(a_cb):
    """(C, B, ...) -> contiguous (B, C, ...)."""
    out = np.empty((a_cb.shape[1], a_cb.shape[0]) + a_cb.shape[2:], dtype=a_cb.dtype)
    np.copyto(out, a_cb.swapaxes(0, 1))
    return out


_SMALL_K = 64  # K = C/groups * prod(kernel) up to which the per-sample layout wins


# ---- the convolution op ---------------------------------------------------------------

class _ConvNd(Op):
    name = "ConvolutionBackward0"
    saves = (0, 1)

    def forward(self, x, w, b, stride, pads, dil, groups, nd):
        self.xw, self.params = (x, w), dict(stride=stride, pads=pads, dil=dil, groups=groups, nd=nd)
        unbatched = x.ndim == nd + 1
        if unbatched:
            x = x[None]
        B, C = x.shape[:2]
        sp = x.shape[2:]
        O = w.shape[0]
        k = w.shape[2:]
        G = groups
        padded = tuple(s + lo + hi for s, (lo, hi) in zip(sp, pads))
        out = tuple((p - d * (kk - 1) - 1) // st + 1 for p, d, kk, st in zip(padded, dil, k, stride))
        L = math.prod(out)
        N = B * L
        Cg = C // G
        K = Cg * math.prod(k)
        kc = _kernels.load("conv") if _f2.kernel_covers(nd, x.dtype) and w.dtype == x.dtype else None
        if kc is not None:  # compiled im2col/col2im around BLAS
            self.small = "k"
            res = _f2.kforward(self, kc, x, w, b, stride, pads, dil, G)
            return res[0] if unbatched else res
        if _f2.covers(nd, G, K) and B > 1:  # 2-D, groups 1, a batch: channels-last kernels
            # (one sample: the weights' channels-last copy costs more than it saves)
            self.small = None
            res = _f2.forward(self, x, w, b, stride, pads, dil)
            return res[0] if unbatched else res
        if G == 1 and K <= _SMALL_K:
            # thin GEMMs: per-sample layout (B, K, L), output lands in (B, O, L) directly
            xp = _pad_to(x, pads, False)
            xp = xp.reshape((B * C, 1) + xp.shape[2:])
            cols = _im2col(xp, k, dil, stride, out).reshape(B, K, L)
            w2 = w.reshape(O, K)
            res = np.matmul(w2, cols)
            if b is not None:
                res += b.reshape(O, 1)
            self.cols, self.w2, self.G, self.small = cols, w2, G, True
            self.geo = (B, C, sp, O, k, out, pads, padded, dil, stride, unbatched, b is not None, w.shape)
            res = res.reshape((B, O) + out)
            return res[0] if unbatched else res
        self.small = False
        xp = _pad_to(x, pads, True)
        cols = _im2col(xp, k, dil, stride, out)  # (C, *k, B, *out)
        if G == 1:
            w2 = w.reshape(O, K)
            o = np.matmul(w2, cols.reshape(K, N), out=_scratch("o", (O, N), cols.dtype))
        else:
            w2 = w.reshape(G, O // G, K)
            o = np.matmul(w2, cols.reshape(G, K, N), out=_scratch("o", (G, O // G, N), cols.dtype)).reshape(O, N)
        res = np.empty((B, O) + out, dtype=o.dtype)
        r3 = res.reshape(B, O, L)
        if b is not None:
            np.add(o.reshape(O, B, L).swapaxes(0, 1), b.reshape(O, 1), out=r3)
        else:
            np.copyto(r3, o.reshape(O, B, L).swapaxes(0, 1))
        self.cols, self.w2, self.G = cols, w2, G
        self.geo = (B, C, sp, O, k, out, pads, padded, dil, stride, unbatched, b is not None, w.shape)
        return res[0] if unbatched else res

    def backward(self, g):
        if self.small is None:
            return _f2.backward(self, g)
        if self.small == "k":
            return _f2.kbackward(self, g)
        B, C, sp, O, k, out, pads, padded, dil, stride, unbatched, has_b, wshape = self.geo
        if unbatched:
            g = g[None]
        G, w2, cols = self.G, self.w2, self.cols
        L = math.prod(out)
        N = B * L
        nf = self.next_functions
        if self.small:
            g3 = np.ascontiguousarray(g).reshape(B, O, L)
            gx = gw = gb = None
            if has_b and nf[2][0] is not None:
                gb = np.einsum("bol->o", g3)
            if nf[1][0] is not None:
                gw = np.matmul(g3, cols.transpose(0, 2, 1)).sum(0).reshape(wshape)
            if nf[0][0] is not None:
                gc = np.matmul(w2.T, g3).reshape((B * C,) + tuple(k) + (1,) + tuple(out))
                buf = _col2im(gc, padded, k, dil, stride, out)
                gx = np.ascontiguousarray(_crop(buf, pads, sp)).reshape((B, C) + tuple(sp))
                if unbatched:
                    gx = gx[0]
            return gx, gw, gb
        g2 = _scratch("g2", (O, B, L), g.dtype)
        np.copyto(g2, g.reshape(B, O, L).swapaxes(0, 1))
        g2 = g2.reshape(O, N)
        gx = gw = gb = None
        if has_b and nf[2][0] is not None:
            gb = np.einsum("ol->o", g2)
        if nf[1][0] is not None:
            if G == 1:
                gw = np.matmul(g2, cols.reshape(-1, N).T).reshape(wshape)
            else:
                gw = np.matmul(g2.reshape(G, O // G, N),
                               cols.reshape(G, -1, N).transpose(0, 2, 1)).reshape(wshape)
        if nf[0][0] is not None:
            if len(k) >= 2 and all(st == 1 for st in stride) and math.prod(k) > 1:
                buf = _col2im_flat(w2, g2, G, O, C, B, k, dil, out, padded)
            else:
                if G == 1:
                    gc = np.matmul(w2.T, g2)
                else:
                    gc = np.matmul(w2.transpose(0, 2, 1), g2.reshape(G, O // G, N))
                gc = gc.reshape((C,) + tuple(k) + (B,) + tuple(out))
                buf = _col2im(gc, padded, k, dil, stride, out)
            gx = _to_bc(_crop(buf, pads, sp))
            if unbatched:
                gx = gx[0]
        return gx, gw, gb

    def backward_ops(self, g):
        return _conv_backward_ops(self, g)


def _conv_backward_ops(node, g):
    """Double backward of a convolution or transposed convolution ``node``."""
    x, w = (node.saved_input(i, a) for i, a in enumerate(node.xw))
    gx, gw = apply(_ConvGrad, g, x, w, conv=type(node), params=node.params)
    gb = None
    if node.next_functions[2][0] is not None:
        nd = node.params["nd"]
        gb = g.sum((0,) + tuple(range(2, 2 + nd)) if g.ndim == nd + 2 else tuple(range(1, 1 + nd)))
    return gx, gw, gb


def _conv_grads(conv, g, x, w, params):
    """(input gradient, weight gradient) of ``conv(x, w)`` for output gradient ``g``."""
    op = conv.__new__(conv)
    op.forward(x, w, None, **params)
    op.next_functions = ((op, 0), (op, 0), (None, 0))   # both gradients are wanted
    gx, gw, _ = op.backward(g)
    return gx, gw


class _ConvGrad(Op):
    """A convolution's backward as an op: ``(gx, gw)`` for output gradient ``g`` at
    ``(x, w)`` (``conv``: ``_ConvNd`` or ``_ConvTransposeNd``). Convolution is bilinear,
    so the derivatives of its gradients are convolutions and gradients of convolutions
    again: any order works."""

    name = "ConvolutionBackwardBackward0"

    def forward(self, g, x, w, conv, params):
        self.gxw, self.conv, self.params = (g, x, w), conv, params
        return _conv_grads(conv, g, x, w, params)

    def backward(self, u, v):   # u, v: gradients of gx, gw
        g, x, w = self.gxw
        C, P = self.conv, self.params
        gg = C.forward(C.__new__(C), u, w, None, **P) + C.forward(C.__new__(C), x, v, None, **P)
        return gg, _conv_grads(C, g, x, v, P)[0], _conv_grads(C, g, u, w, P)[1]

    def backward_ops(self, u, v):
        g, x, w = (self.saved_input(i, a) for i, a in enumerate(self.gxw))
        C, P = self.conv, self.params
        gg = apply(C, u, w, None, **P) + apply(C, x, v, None, **P)
        return (gg, apply(_ConvGrad, g, x, v, conv=C, params=P)[0],
                apply(_ConvGrad, g, u, w, conv=C, params=P)[1])


def _col2im_flat(w2, g2, G, O, C, B, k, dil, out, padded):
    """Stride-1 input gradient with contiguous adds.

    The output grad is laid out on the padded width (zeros in the extra columns), so
    each kernel offset becomes a flat shift of the padded plane: col2im is then one
    contiguous add per kernel offset instead of a strided 2-D one."""
    nd = len(k)
    ext = tuple(out[:1]) + tuple(padded[1:])       # output rows x padded trailing dims
    Le = math.prod(ext)
    dt = g2.dtype
    ge = _scratch("ge", (O, B) + ext, dt)  # columns past out[-1] stay zero: never written
    ge[(slice(None),) * 3 + tuple(slice(0, o) for o in out[1:])] = g2.reshape((O, B) + tuple(out))
    ge = ge.reshape(O, B * Le)
    K = math.prod(k)
    if G == 1:
        gc = np.matmul(w2.T, ge, out=_scratch("gc", (C * K, B * Le), dt))
    else:
        gc = np.matmul(w2.transpose(0, 2, 1), ge.reshape(G, O // G, B * Le),
                       out=_scratch("gc", (G, C // G * K, B * Le), dt))
    gc = gc.reshape(C, K, B, Le)
    P = math.prod(padded)
    pstr = [math.prod(padded[i + 1:]) for i in range(nd)]
    tail = sum((kk - 1) * d * ps for kk, d, ps in zip(k, dil, pstr))
    buf = _scratch("buf", (C, B, max(P, Le + tail)), dt, zero=True)
    for t, idx in enumerate(np.ndindex(*k)):
        sh = sum(i * d * ps for i, d, ps in zip(idx, dil, pstr))
        buf[:, :, sh:sh + Le] += gc[:, t]
    return buf[:, :, :P].reshape((C, B) + tuple(padded))


def _check_conv(x, w, b, nd, groups, stride, dil, transposed=False, fname=None):
    fname = fname or f"conv{nd}d"
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{fname}() expected Tensor arguments for input and weight, got "
                        f"{type(x).__name__} and {type(w).__name__}")
    xd, wd = x._data, w._data
    if xd.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fname}, "
                           f"but got input of size: {list(xd.shape)}")
    if wd.ndim != nd + 2:
        raise RuntimeError(f"weight should have {nd + 2} dimensions for {fname}, but got weight of "
                           f"size {list(wd.shape)}")
    if xd.dtype.kind != "f" or wd.dtype.kind != "f":
        bad = xd.dtype if xd.dtype.kind != "f" else wd.dtype
        raise RuntimeError(f'"{fname}" not implemented for \'{bad}\'')
    if xd.dtype != wd.dtype:
        raise RuntimeError(f"Input type ({_type_name(xd.dtype, cpp=True)}) and weight type "
                           f"({_type_name(wd.dtype, cpp=True)}) "
                           "should be the same")
    if b is not None:
        if not isinstance(b, Tensor):
            raise TypeError(f"{fname}(): argument 'bias' must be Tensor, not {type(b).__name__}")
        if b._data.dtype != xd.dtype:
            raise RuntimeError(f"Input type ({_type_name(xd.dtype, cpp=True)}) and bias type "
                               f"({_type_name(b._data.dtype, cpp=True)}) "
                               "should be the same")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dil):
        raise RuntimeError("dilation should be greater than zero")
    C = xd.shape[-nd - 1]
    if not transposed:
        if wd.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                               f"dimension 0, but got weight of size {list(wd.shape)} instead")
        if C != wd.shape[1] * groups:
            batched = xd if xd.ndim == nd + 2 else xd[None]
            raise RuntimeError(f"Given groups={groups}, weight of size {list(wd.shape)}, expected "
                               f"input{list(batched.shape)} to have {wd.shape[1] * groups} channels, but got "
                               f"{C} channels instead")
        if b is not None and b._data.shape != (wd.shape[0],):
            raise RuntimeError(f"Given weight of size {list(wd.shape)}, expected bias to be 1-dimensional "
                               f"with {wd.shape[0]} elements, but got bias of size {list(b._data.shape)} instead")
    else:
        if C != wd.shape[0]:
            batched = xd if xd.ndim == nd + 2 else xd[None]
            raise RuntimeError(f"Given transposed=1, weight of size {list(wd.shape)}, expected "
                               f"input{list(batched.shape)} to have {wd.shape[0]} channels, but got "
                               f"{C} channels instead")
        if wd.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                               f"dimension 0, but got weight of size {list(wd.shape)} instead")
        if b is not None and b._data.shape != (wd.shape[1] * groups,):
            raise RuntimeError(f"Given transposed=1, weight of size {list(wd.shape)}, expected bias to be "
                               f"1-dimensional with {wd.shape[1] * groups} elements, but got bias of size "
                               f"{list(b._data.shape)} instead")


def _conv_pads(padding, nd, k, dil, stride):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for kk, d in zip(k, dil):
                total = d * (kk - 1)
                lo = total // 2
                pads.append((lo, total - lo))
            return tuple(pads)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    p = _ntuple(padding, nd, "padding")
    if any(i < 0 for i in p):
        raise RuntimeError("negative padding is not supported")
    return tuple((i, i) for i in p)


def _convnd(nd, input, weight, bias, stride, padding, dilation, groups):
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    _check_conv(input, weight, bias, nd, groups, stride, dilation)
    k = weight._data.shape[2:]
    pads = _conv_pads(padding, nd, k, dilation, stride)
    sp = input._data.shape[-nd:]
    padded = [s + lo + hi for s, (lo, hi) in zip(sp, pads)]
    if any(p < d * (kk - 1) + 1 for p, d, kk in zip(padded, dilation, k)):
        eff = [d * (kk - 1) + 1 for d, kk in zip(dilation, k)]
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
            f"({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input size")
    return apply(_ConvNd, input, weight, bias, stride=stride, pads=pads, dil=dilation,
                 groups=groups, nd=nd)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) of ``input`` with the filters ``weight``, plus ``bias``.

    Args:
        input (Tensor): ``(N, C_in, L)`` or ``(C_in, L)``.
        weight (Tensor): ``(C_out, C_in / groups, k)``.
        bias (Tensor, optional): ``(C_out,)``. Default: ``None``.
        stride (int or tuple): the filter's step. Default: ``1``.
        padding (int, tuple or str): zeros added on each side, or ``'valid'`` (none) or ``'same'`` (output as
            large as the input). Default: ``0``.
        dilation (int or tuple): spacing between the filter's taps. Default: ``1``.
        groups (int): split the input channels into this many groups, each with its own filters. Default: ``1``.

    Shape:
        Output: ``(N, C_out, L_out)``, ``L_out = (L + 2 * padding - dilation * (k - 1) - 1) // stride + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.tensor([[[1., 2., 3., 4.]]])
        >>> F.conv1d(x, ember.tensor([[[1., -1.]]]))
        tensor([[[-1., -1., -1.]]])
        >>> F.conv1d(x, ember.ones(1, 1, 3), padding='same')
        tensor([[[3., 6., 9., 7.]]])
    """
    return _convnd(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) of ``input`` with the filters ``weight``, plus ``bias``.

    Args:
        input (Tensor): ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        weight (Tensor): ``(C_out, C_in / groups, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``. Default: ``None``.
        stride (int or tuple): the filter's step. Default: ``1``.
        padding (int, tuple or str): zeros added on each side, or ``'valid'`` (none) or ``'same'`` (output as
            large as the input). Default: ``0``.
        dilation (int or tuple): spacing between the filter's taps. Default: ``1``.
        groups (int): split the input channels into this many groups, each with its own filters. Default: ``1``.

    Shape:
        Output: ``(N, C_out, H_out, W_out)``, each ``(size + 2 * padding - dilation * (k - 1) - 1) // stride + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> x = ember.arange(9.).view(1, 1, 3, 3)
        >>> F.conv2d(x, ember.ones(1, 1, 2, 2))
        tensor([[[[ 8., 12.],
                  [20., 24.]]]])
        >>> F.conv2d(x, ember.ones(2, 1, 3, 3), padding=1, stride=2).shape
        torch.Size([1, 2, 2, 2])
    """
    return _convnd(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (cross-correlation) of ``input`` with the filters ``weight``, plus ``bias``.

    Args:
        input (Tensor): ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight (Tensor): ``(C_out, C_in / groups, kD, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``. Default: ``None``.
        stride (int or tuple): the filter's step. Default: ``1``.
        padding (int, tuple or str): zeros added on each side, or ``'valid'`` or ``'same'``. Default: ``0``.
        dilation (int or tuple): spacing between the filter's taps. Default: ``1``.
        groups (int): number of channel groups. Default: ``1``.

    Shape:
        Output: ``(N, C_out, D_out, H_out, W_out)``, each ``(size + 2 * padding - dilation * (k - 1) - 1) //
        stride + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.conv3d(ember.ones(1, 1, 2, 3, 3), ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[8., 8.],
                   [8., 8.]]]]])
    """
    return _convnd(3, input, weight, bias, stride, padding, dilation, groups)


# ---- transposed convolution -----------------------------------------------------------

class _ConvTransposeNd(Op):
    name = "ConvolutionBackward0"
    saves = (0, 1)

    def forward(self, x, w, b, stride, pad, opad, dil, groups, nd):
        self.xw = (x, w)
        self.params = dict(stride=stride, pad=pad, opad=opad, dil=dil, groups=groups, nd=nd)
        unbatched = x.ndim == nd + 1
        if unbatched:
            x = x[None]
        B, Ci = x.shape[:2]
        sp = x.shape[2:]
        G = groups
        Cog = w.shape[1]
        Co = Cog * G
        k = w.shape[2:]
        out = tuple((i - 1) * s - 2 * p + d * (kk - 1) + op + 1
                    for i, s, p, d, kk, op in zip(sp, stride, pad, dil, k, opad))
        full = tuple(o + 2 * p for o, p in zip(out, pad))
        L = math.prod(sp)
        N = B * L
        Kg = Cog * math.prod(k)
        x2 = _pad_to(x, ((0, 0),) * nd, True).reshape(Ci, N)  # (Ci, B*L)
        if G == 1:
            w2 = w.reshape(Ci, Kg)
            cols = np.matmul(w2.T, x2)
        else:
            w2 = w.reshape(G, Ci // G, Kg)
            cols = np.matmul(w2.transpose(0, 2, 1), x2.reshape(G, Ci // G, N))
        cols = cols.reshape((Co,) + tuple(k) + (B,) + tuple(sp))
        buf = _col2im(cols, full, k, dil, stride, sp)  # (Co, B, *full)
        pads = tuple((p, p) for p in pad)
        res = np.empty((B, Co) + out, dtype=x.dtype)
        crop = _crop(buf, pads, out).swapaxes(0, 1)
        if b is not None:
            np.add(crop, b.reshape((Co,) + (1,) * nd), out=res)
        else:
            np.copyto(res, crop)
        self.x2, self.w2, self.G = x2, w2, G
        self.geo = (B, Ci, Co, sp, out, k, pads, dil, stride, unbatched, b is not None, w.shape)
        return res[0] if unbatched else res

    def backward(self, g):
        B, Ci, Co, sp, out, k, pads, dil, stride, unbatched, has_b, wshape = self.geo
        if unbatched:
            g = g[None]
        G, w2, x2 = self.G, self.w2, self.x2
        nd = len(k)
        N = B * math.prod(sp)
        nf = self.next_functions
        gx = gw = gb = None
        if has_b and nf[2][0] is not None:
            gb = g.sum(axis=(0,) + tuple(range(2, 2 + nd)))
        need_x, need_w = nf[0][0] is not None, nf[1][0] is not None
        if need_x or need_w:
            gp = _pad_to(g, pads, True)
            gc = _im2col(gp, k, dil, stride, sp)  # (Co, *k, B, *sp)
            if G == 1:
                gc = gc.reshape(-1, N)
                if need_x:
                    gx = np.matmul(w2, gc)
                if need_w:
                    gw = np.matmul(x2, gc.T).reshape(wshape)
            else:
                gc = gc.reshape(G, -1, N)
                if need_x:
                    gx = np.matmul(w2, gc).reshape(Ci, N)
                if need_w:
                    gw = np.matmul(x2.reshape(G, Ci // G, N), gc.transpose(0, 2, 1)).reshape(wshape)
            if need_x:
                gx = _to_bc(gx.reshape((Ci, B) + tuple(sp)))
                if unbatched:
                    gx = gx[0]
        return gx, gw, gb

    def backward_ops(self, g):
        return _conv_backward_ops(self, g)


def _conv_transposend(nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    fname = f"conv_transpose{nd}d"
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        raise TypeError(f"{fname}(): argument 'padding' must be tuple of ints, not str")
    pad = _ntuple(padding, nd, "padding")
    opad = _ntuple(output_padding, nd, "output_padding")
    _check_conv(input, weight, bias, nd, groups, stride, dilation, transposed=True, fname=fname)
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in opad):
        raise RuntimeError("negative output_padding is not supported")
    if any(op >= s and op >= d for op, s, d in zip(opad, stride, dilation)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           f"output_padding: {list(opad)}, stride: {list(stride)}, dilation: {list(dilation)}")
    sp = input._data.shape[-nd:]
    k = weight._data.shape[2:]
    out = [(i - 1) * s - 2 * p + d * (kk - 1) + op + 1
           for i, s, p, d, kk, op in zip(sp, stride, pad, dilation, k, opad)]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, sp))}). Calculated output "
                           f"size per channel: ({' x '.join(map(str, out))}). Output size is too small")
    return apply(_ConvTransposeNd, input, weight, bias, stride=stride, pad=pad, opad=opad,
                 dil=dilation, groups=groups, nd=nd)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution: the gradient of :func:`conv1d` with respect to its input, plus ``bias``.

    Args:
        input (Tensor): ``(N, C_in, L)`` or ``(C_in, L)``.
        weight (Tensor): ``(C_in, C_out / groups, k)``.
        bias (Tensor, optional): ``(C_out,)``. Default: ``None``.
        stride (int or tuple): the step of the matching forward convolution. Default: ``1``.
        padding (int or tuple): the matching forward convolution's padding; crops that many entries from each
            side of the output. Default: ``0``.
        output_padding (int or tuple): extra size added to one side of the output. Default: ``0``.
        groups (int): number of channel groups. Default: ``1``.
        dilation (int or tuple): spacing between the filter's taps. Default: ``1``.

    Shape:
        Output size per dim: ``(size - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.conv_transpose1d(ember.tensor([[[1., 2.]]]), ember.tensor([[[1., 10., 100.]]]), stride=2)
        tensor([[[  1.,  10., 102.,  20., 200.]]])
    """
    return _conv_transposend(1, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution: the gradient of :func:`conv2d` with respect to its input, plus ``bias``.

    Args:
        input (Tensor): ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        weight (Tensor): ``(C_in, C_out / groups, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``. Default: ``None``.
        stride (int or tuple): the step of the matching forward convolution. Default: ``1``.
        padding (int or tuple): the matching forward convolution's padding; crops that many entries from each
            side of the output. Default: ``0``.
        output_padding (int or tuple): extra size added to one side of the output. Default: ``0``.
        groups (int): number of channel groups. Default: ``1``.
        dilation (int or tuple): spacing between the filter's taps. Default: ``1``.

    Shape:
        Output size per dim: ``(size - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.conv_transpose2d(ember.tensor([[[[1., 2.]]]]), ember.ones(1, 1, 2, 2))
        tensor([[[[1., 3., 2.],
                  [1., 3., 2.]]]])
    """
    return _conv_transposend(2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-D transposed convolution: the gradient of :func:`conv3d` with respect to its input, plus ``bias``.

    Args:
        input (Tensor): ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight (Tensor): ``(C_in, C_out / groups, kD, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``. Default: ``None``.
        stride (int or tuple): the step of the matching forward convolution. Default: ``1``.
        padding (int or tuple): the matching forward convolution's padding; crops that many entries from each
            side of the output. Default: ``0``.
        output_padding (int or tuple): extra size added to one side of the output. Default: ``0``.
        groups (int): number of channel groups. Default: ``1``.
        dilation (int or tuple): spacing between the filter's taps. Default: ``1``.

    Shape:
        Output size per dim: ``(size - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.conv_transpose3d(ember.ones(1, 1, 1, 1, 2), ember.ones(1, 2, 1, 1, 2), stride=2).shape
        torch.Size([1, 2, 1, 1, 4])
    """
    return _conv_transposend(3, input, weight, bias, stride, padding, output_padding, groups, dilation)


# ---- unfold / fold --------------------------------------------------------------------

class _Unfold(Op):
    name = "Im2ColBackward0"

    def forward(self, x, k, dil, pad, stride):
        unbatched = x.ndim == 3
        if unbatched:
            x = x[None]
        B, C, H, W = x.shape
        pads = tuple((p, p) for p in pad)
        xp = _pad_to(x, pads, False)
        xp = xp.reshape((B * C, 1) + xp.shape[2:])
        out = tuple((p - d * (kk - 1) - 1) // s + 1 for p, d, kk, s in zip(xp.shape[2:], dil, k, stride))
        cols = _im2col(xp, k, dil, stride, out)  # (B*C, kh, kw, 1, Ho, Wo)
        self.geo = (B, C, (H, W), xp.shape[2:], pads, k, dil, stride, out, unbatched)
        res = cols.reshape(B, C * math.prod(k), math.prod(out))
        return res[0] if unbatched else res

    def backward(self, g):
        B, C, sp, padded, pads, k, dil, stride, out, unbatched = self.geo
        if unbatched:
            g = g[None]
        gc = np.ascontiguousarray(g).reshape((B * C,) + tuple(k) + (1,) + tuple(out))
        buf = _col2im(gc, padded, k, dil, stride, out)
        gx = np.ascontiguousarray(_crop(buf, pads, sp)).reshape((B, C) + tuple(sp))
        return (gx[0] if unbatched else gx),

    def backward_ops(self, g):   # fold is unfold's adjoint (and the reverse): any order
        B, C, sp, padded, pads, k, dil, stride, out, unbatched = self.geo
        return apply(_Fold, g, osize=tuple(sp), k=k, dil=dil, pad=tuple(p for p, _ in pads), stride=stride)


class _Fold(Op):
    name = "Col2ImBackward0"

    def forward(self, x, osize, k, dil, pad, stride):
        unbatched = x.ndim == 2
        if unbatched:
            x = x[None]
        B, CK, L = x.shape
        C = CK // math.prod(k)
        pads = tuple((p, p) for p in pad)
        padded = tuple(o + 2 * p for o, p in zip(osize, pad))
        out = tuple((p - d * (kk - 1) - 1) // s + 1 for p, d, kk, s in zip(padded, dil, k, stride))
        cols = np.ascontiguousarray(x).reshape((B * C,) + tuple(k) + (1,) + out)
        buf = _col2im(cols, padded, k, dil, stride, out)
        res = np.ascontiguousarray(_crop(buf, pads, osize)).reshape((B, C) + tuple(osize))
        self.geo = (B, C, padded, pads, k, dil, stride, out, unbatched)
        return res[0] if unbatched else res

    def backward(self, g):
        B, C, padded, pads, k, dil, stride, out, unbatched = self.geo
        if unbatched:
            g = g[None]
        gp = _pad_to(g, pads, False).reshape((B * C, 1) + tuple(padded))
        cols = _im2col(gp, k, dil, stride, out)
        r = cols.reshape(B, C * math.prod(k), math.prod(out))
        return (r[0] if unbatched else r),

    def backward_ops(self, g):
        B, C, padded, pads, k, dil, stride, out, unbatched = self.geo
        return apply(_Unfold, g, k=k, dil=dil, pad=tuple(p for p, _ in pads), stride=stride)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extracts the sliding ``kernel_size`` blocks of a batched image as columns (im2col).

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size (int or tuple): the block size.
        dilation (int or tuple): spacing between block elements. Default: ``1``.
        padding (int or tuple): zero padding on each side. Default: ``0``.
        stride (int or tuple): the block step. Default: ``1``.

    Shape:
        Output: ``(N, C * kH * kW, L)``, ``L`` the number of blocks.

    Example:
        >>> import ember.nn.functional as F
        >>> F.unfold(ember.arange(6.).view(1, 1, 2, 3), 2)
        tensor([[[0., 1.],
                 [1., 2.],
                 [3., 4.],
                 [4., 5.]]])
    """
    k = _ntuple(kernel_size, 2, "kernel_size")
    dil = _ntuple(dilation, 2, "dilation")
    pad = _ntuple(padding, 2, "padding")
    st = _ntuple(stride, 2, "stride")
    xd = input._data
    if xd.ndim not in (3, 4):
        raise RuntimeError("Input Error: Only 3D or 4D input Tensors are supported "
                           f"(got {xd.ndim}D)")
    if any(v <= 0 for v in k + dil + st) or any(p < 0 for p in pad):
        raise RuntimeError("kernel size, dilation and stride should be greater than zero and padding "
                           f"non-negative, but got kernel_size: {k}, dilation: {dil}, padding: {pad}, stride: {st}")
    sp = xd.shape[-2:]
    out = [(s + 2 * p - d * (kk - 1) - 1) // t + 1 for s, p, d, kk, t in zip(sp, pad, dil, k, st)]
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input with spatial size ({sp[0]}, {sp[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({dil[0]}, {dil[1]}), padding=({pad[0]}, {pad[1]}), calculated shape "
                           f"of the array of sliding blocks as ({out[0]}, {out[1]}), but its components "
                           "must be at least one.")
    return apply(_Unfold, input, k=k, dil=dil, pad=pad, stride=st)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums sliding blocks given as columns back into a batched image (col2im, the adjoint of :func:`unfold`).

    Args:
        input (Tensor): ``(N, C * kH * kW, L)`` or ``(C * kH * kW, L)``.
        output_size (int or tuple): the image's ``(H, W)``.
        kernel_size (int or tuple): the block size.
        dilation (int or tuple): spacing between block elements. Default: ``1``.
        padding (int or tuple): zero padding on each side. Default: ``0``.
        stride (int or tuple): the block step. Default: ``1``.

    Shape:
        Output: ``(N, C, H, W)``.

    Example:
        >>> import ember.nn.functional as F
        >>> F.fold(ember.ones(1, 4, 2), (2, 3), 2)
        tensor([[[[1., 2., 1.],
                  [1., 2., 1.]]]])
    """
    osize = _ntuple(output_size, 2, "output_size")
    k = _ntuple(kernel_size, 2, "kernel_size")
    dil = _ntuple(dilation, 2, "dilation")
    pad = _ntuple(padding, 2, "padding")
    st = _ntuple(stride, 2, "stride")
    xd = input._data
    if xd.ndim not in (2, 3):
        raise RuntimeError("Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                           f"(got {xd.ndim}D)")
    CK, L = xd.shape[-2:]
    K = math.prod(k)
    if CK % K:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of "
                           f"kernel_size, but got input.size(1)={CK} and kernel_size=({k[0]}, {k[1]})")
    out = [(s + 2 * p - d * (kk - 1) - 1) // t + 1 for s, p, d, kk, t in zip(osize, pad, dil, k, st)]
    if out[0] * out[1] != L:
        raise RuntimeError(f"Given output_size=({osize[0]}, {osize[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({dil[0]}, {dil[1]}), padding=({pad[0]}, {pad[1]}), stride=({st[0]}, "
                           f"{st[1]}), expected size of input's dimension 2 to match the calculated number "
                           f"of sliding blocks {out[0]} * {out[1]} = {out[0] * out[1]}, but got input.size(2)={L}.")
    return apply(_Fold, input, osize=osize, k=k, dil=dil, pad=pad, stride=st)
