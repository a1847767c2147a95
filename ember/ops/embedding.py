"""Embedding lookups: ``embedding``, ``embedding_bag``, and ``one_hot``."""
import numpy as np

from .. import _kernels
from .._tensor import _wrap
from . import _apply
from ._apply import Op, _type_name, apply, linear_backward_ops

__all__ = ["embedding", "embedding_bag", "one_hot"]


class _Embedding(Op):
    name = "EmbeddingBackward0"

    def forward(self, w, idx, padding_idx=None, scale_grad_by_freq=False):
        if idx.dtype.kind not in "iu":
            raise RuntimeError(
                "Expected tensor for argument #1 'indices' to have one of the following scalar "
                f"types: Long, Int; but got torch.{_type_name(idx.dtype)}Tensor instead (while checking "
                "arguments for embedding)")
        n = w.shape[0]
        if idx.size and (idx.min() < -n or idx.max() >= n or idx.min() < 0):
            raise IndexError("index out of range in self")
        self.idx, self.shape, self.pad, self.sgf = idx, w.shape, padding_idx, scale_grad_by_freq
        return w[idx]

    def backward(self, g):
        gw = np.zeros(self.shape, dtype=g.dtype)
        idx = self.idx.reshape(-1)
        g2 = g.reshape(-1, self.shape[1])
        if self.sgf:
            counts = np.bincount(idx, minlength=self.shape[0])
            g2 = g2 / counts[idx][:, None]
        _rows_add(gw, idx, g2)
        if self.pad is not None:
            gw[self.pad] = 0
        return gw, None

    backward_ops = linear_backward_ops

    def jvp(self, u):
        r = u[self.idx]
        if self.sgf:
            counts = np.bincount(self.idx.reshape(-1), minlength=self.shape[0])
            r = r / counts[self.idx][..., None]
        if self.pad is not None:
            r = r * (self.idx != self.pad)[..., None]
        return r


def _rows_add_np(out, idx, src):
    """``np.add.at(out, idx, src)`` for rows, without the scatter: the rows sorted by index
    (stable, so each row sums in order) and summed per index with one ``reduceat``."""
    if idx.size == 0:
        return
    order = np.argsort(idx, kind="stable")
    s = idx[order]
    starts = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
    out[s[starts]] += np.add.reduceat(src[order], starts, axis=0)


def _rows_add(out, idx, src):
    k = _kernels.load("embedding") if out.dtype.kind == "f" and out.itemsize >= 4 else None
    if k is None or src.dtype != out.dtype:
        return _rows_add_np(out, idx, src)
    k.rows_add(out, np.ascontiguousarray(idx), np.ascontiguousarray(src))


def _renorm(weight, input, max_norm, norm_type):
    w = weight._data
    rows = np.unique(input._data.reshape(-1))
    sub = w[rows]
    norms = (np.abs(sub) ** norm_type).sum(1) ** (1.0 / norm_type)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    w[rows] = sub * scale[:, None]
    weight._bump()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Looks up rows of ``weight`` by index: ``weight[input]``.

    Args:
        input (Tensor): integer indices of any shape.
        weight (Tensor): the table, ``(num_embeddings, embedding_dim)``.
        padding_idx (int, optional): the row at this index gets no gradient. Default: ``None``.
        max_norm (float, optional): the looked-up rows with a larger norm are rescaled to it, in ``weight``
            itself. Default: ``None``.
        norm_type (float): the p of the norm for ``max_norm``. Default: ``2.0``.
        scale_grad_by_freq (bool): divide the gradients by the indices' frequency in the batch. Default: ``False``.
        sparse (bool): return a sparse gradient for ``weight``. Default: ``False``.

    Shape:
        Input: ``(*)``. Output: ``(*, embedding_dim)``.

    Example:
        >>> import ember.nn.functional as F
        >>> w = ember.tensor([[0., 0.], [1., 1.], [2., 4.]])
        >>> F.embedding(ember.tensor([[2, 0], [1, 1]]), w)
        tensor([[[2., 4.],
                 [0., 0.]],
        <BLANKLINE>
                [[1., 1.],
                 [1., 1.]]])
    """
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    if max_norm is not None:
        _renorm(weight, input, max_norm, norm_type)
    return apply(_Embedding, weight, input, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """Sums, averages or maxes the embeddings of each bag of indices, without building the looked-up tensor.

    Args:
        input (Tensor): ``(B, L)`` bags of fixed length, or a 1-D list of indices cut into bags by ``offsets``.
        weight (Tensor): the table, ``(num_embeddings, embedding_dim)``.
        offsets (Tensor, optional): start of each bag in a 1-D ``input``. Default: ``None``.
        max_norm (float, optional): rows with a larger norm are rescaled to it, in ``weight`` itself. Default:
            ``None``.
        norm_type (float): the p of the norm for ``max_norm``. Default: ``2``.
        scale_grad_by_freq (bool): divide the gradients by the indices' frequency. Default: ``False``.
        mode (str): ``'sum'``, ``'mean'`` or ``'max'``. Default: ``'mean'``.
        sparse (bool): return a sparse gradient for ``weight``. Default: ``False``.
        per_sample_weights (Tensor, optional): weights of the indices (``mode='sum'`` only). Default: ``None``.
        include_last_offset (bool): ``offsets`` has one more entry, the end of the last bag. Default: ``False``.
        padding_idx (int, optional): entries equal to it are left out of the bags. Default: ``None``.

    Shape:
        Output: ``(B, embedding_dim)``.

    Example:
        >>> import ember.nn.functional as F
        >>> w = ember.tensor([[0., 0.], [1., 1.], [2., 4.]])
        >>> F.embedding_bag(ember.tensor([0, 2, 1, 2]), w, ember.tensor([0, 1]), mode='sum')
        tensor([[0., 0.],
                [5., 9.]])
    """
    if input.ndim == 2:
        B, L = input.shape
        offs = list(range(0, B * L, L))
        if type(B) is not int:   # a traced shape read: replay cuts the new batch into bags
            from ..jit._sym import sym_range
            offs = sym_range(B * L, L)
        flat = input.reshape(-1)   # a recorded op: a traced/exported bag reads its input
    else:
        flat = input
        offs = [int(o) for o in offsets._data.reshape(-1)]
        if _apply._observers:   # a trace bakes the offsets in: the patched tolist warns as torch
            offsets.tolist()
        if include_last_offset:
            offs = offs[:-1]
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    psw = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    return apply(_EmbBag, weight, flat, psw, offs=offs, mode=mode, padding_idx=padding_idx)


class _EmbBag(Op):
    """Bags of embedding rows reduced by ``mode``; ``psw`` (per-sample weights, 'sum' mode) is
    differentiable too."""
    name = "EmbeddingBagBackward0"

    def forward(self, w, idx, psw=None, offs=None, mode="mean", padding_idx=None):
        n = len(idx)
        bounds = list(offs) + [n]
        out = np.zeros((len(offs), w.shape[1]), w.dtype)
        self.bags, self.w, self.idx, self.psw = [], w, idx, psw
        for i in range(len(offs)):
            pos = np.arange(bounds[i], bounds[i + 1])
            ids = idx[pos]
            if padding_idx is not None:
                pos, ids = pos[ids != padding_idx], ids[ids != padding_idx]
            rows = w[ids]
            sw = psw[pos] if psw is not None else None
            if sw is not None:
                rows = rows * sw[:, None]
            am = None
            if len(ids):
                if mode == "sum":
                    out[i] = rows.sum(0)
                elif mode == "mean":
                    out[i] = rows.mean(0)
                else:
                    am = rows.argmax(0)
                    out[i] = rows[am, np.arange(w.shape[1])]
            self.bags.append((pos, ids, am, sw))
        self.shape, self.mode = w.shape, mode
        return out

    def backward(self, g):
        gw = np.zeros(self.shape, g.dtype)
        gp = None if self.psw is None else np.zeros(self.psw.shape, g.dtype)
        for i, (pos, ids, am, sw) in enumerate(self.bags):
            if len(ids) == 0:
                continue
            if self.mode == "max":
                np.add.at(gw, (ids[am], np.arange(self.shape[1])), g[i])
                continue
            gi = g[i] / len(ids) if self.mode == "mean" else g[i]
            rows = np.broadcast_to(gi, (len(ids), self.shape[1]))
            if sw is not None:
                gp[pos] = self.w[ids] @ gi
                rows = rows * sw[:, None]
            _rows_add(gw, ids, rows)
        return gw, None, gp


def one_hot(tensor, num_classes=-1):
    """One-hot encoding: each integer ``i`` becomes a vector of zeros with a 1 at position ``i``.

    Args:
        tensor (Tensor): int64 class indices of any shape.
        num_classes (int): length of the vectors; ``-1`` means ``tensor.max() + 1``. Default: ``-1``.

    Shape:
        Input: ``(*)``. Output: ``(*, num_classes)``, int64.

    Example:
        >>> import ember.nn.functional as F
        >>> F.one_hot(ember.tensor([0, 2, 1]))
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
        >>> F.one_hot(ember.tensor([1]), num_classes=4)
        tensor([[0, 1, 0, 0]])
    """
    a = tensor._data
    if a.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size and a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(a.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, a[..., None], 1, axis=-1)
    return _wrap(out)
