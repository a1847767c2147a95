"""Embedding lookups: ``embedding``, ``embedding_bag``, and ``one_hot``."""
import numpy as np

from .._tensor import _wrap
from ._apply import Op, apply, _type_name, linear_backward_ops

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
        np.add.at(gw, idx, g2)
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
    if input.ndim == 2:
        B, L = input.shape
        offs = list(range(0, B * L, L))
        flat = input._data.reshape(-1)
    else:
        flat = input._data
        offs = [int(o) for o in offsets._data.reshape(-1)]
        if include_last_offset:
            offs = offs[:-1]
    return apply(_EmbBag, weight, _wrap(flat), offs=offs, mode=mode,
                 psw=None if per_sample_weights is None else per_sample_weights._data,
                 padding_idx=padding_idx)


class _EmbBag(Op):
    name = "EmbeddingBagBackward0"

    def forward(self, w, idx, offs=None, mode="mean", psw=None, padding_idx=None):
        n = len(idx)
        bounds = list(offs) + [n]
        out = np.zeros((len(offs), w.shape[1]), w.dtype)
        self.bags = []
        for i in range(len(offs)):
            ids = idx[bounds[i]:bounds[i + 1]]
            keep = ids != padding_idx if padding_idx is not None else np.ones(len(ids), bool)
            ids_k = ids[keep]
            rows = w[ids_k]
            sw = psw[bounds[i]:bounds[i + 1]][keep] if psw is not None else None
            if sw is not None:
                rows = rows * sw[:, None]
            if len(ids_k) == 0:
                self.bags.append((ids_k, None, sw))
                continue
            if mode == "sum":
                out[i] = rows.sum(0)
            elif mode == "mean":
                out[i] = rows.mean(0)
            else:
                am = rows.argmax(0)
                out[i] = rows[am, np.arange(w.shape[1])]
                self.bags.append((ids_k, am, sw))
                continue
            self.bags.append((ids_k, None, sw))
        self.shape, self.mode = w.shape, mode
        return out

    def backward(self, g):
        gw = np.zeros(self.shape, g.dtype)
        for i, (ids, am, sw) in enumerate(self.bags):
            if len(ids) == 0:
                continue
            if self.mode == "max":
                np.add.at(gw, (ids[am], np.arange(self.shape[1])), g[i])
                continue
            gi = g[i] / len(ids) if self.mode == "mean" else g[i]
            rows = np.broadcast_to(gi, (len(ids), self.shape[1]))
            if sw is not None:
                rows = rows * sw[:, None]
            np.add.at(gw, ids, rows)
        return gw, None


def one_hot(tensor, num_classes=-1):
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
