"""PackedSequence and the pad/pack helpers of ``torch.nn.utils.rnn``.

Every data move is one ``index_select`` over a flat row index (padding rows point at an
appended padding row), so gradients flow through packing and padding."""
from collections.abc import Iterable
from typing import NamedTuple, Optional

import numpy as np

from ..._tensor import Tensor, _wrap
from ...ops.creation import full
from ...ops.gather import index_select
from ...ops.joining import cat

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


def _long(a):
    return _wrap(np.ascontiguousarray(a, dtype=np.int64))


def _bind(t, fn):
    return None if t is None else fn(t)


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor]
    unsorted_indices: Optional[Tensor]


class PackedSequence(PackedSequence_):
    """data (sum of lengths, *) in time-major packed order; batch_sizes (T,) int64 on CPU;
    sorted_indices / unsorted_indices: the batch permutation and its inverse (or None)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with(self, data):
        return self if data is self.data else type(self)(
            data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        """``data.to(...)``; batch_sizes and the indices stay as they are (CPU)."""
        return self._with(self.data.to(*args, **kwargs))

    def cpu(self, *args, **kwargs):
        return self

    def pin_memory(self):
        return self

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


for _n in ("double", "float", "half", "long", "int", "short", "char", "byte"):
    setattr(PackedSequence, _n, lambda self, _n=_n: self._with(getattr(self.data, _n)()))
del _n


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    p = permutation._data
    out = np.empty_like(p)
    out[p] = np.arange(p.size, dtype=p.dtype)
    return _wrap(out)


def _lengths(lengths):
    a = lengths._data if isinstance(lengths, Tensor) else np.asarray(lengths)
    return np.asarray(a, dtype=np.int64).reshape(-1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Padded (T, B, *) (or (B, T, *) with batch_first) and per-sequence lengths -> PackedSequence."""
    lengths = _lengths(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = _long(order)
        input = index_select(input, 0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    T, B = input.shape[0], input.shape[1]
    if lengths.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lengths.size} (batch_size={B})")
    if B and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    if np.any(lengths[1:] > lengths[:-1]):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` "
                           "is True. You can pass `enforce_sorted=False` to pack_padded_sequence "
                           "and/or pack_sequence to sidestep this requirement if you do not need "
                           "ONNX exportability.")
    if B and lengths[0] > T:
        raise RuntimeError(f"Expected sequence length to be at most {T}, but got {lengths[0]}")
    steps = int(lengths[0]) if B else 0
    batch_sizes = (lengths[None, :] > np.arange(steps)[:, None]).sum(1)
    idx = np.concatenate([t * B + np.arange(b) for t, b in enumerate(batch_sizes)])
    flat = input.reshape((T * B,) + tuple(input.shape[2:]))
    data = index_select(flat, 0, _long(idx))
    return PackedSequence(data, _long(batch_sizes), sorted_indices, None)


def _scatter_rows(data, idx, total, padding_value):
    """Rows ``data[idx[k]]`` (``idx == -1``: padding) as a (total, *) tensor, differentiably."""
    pad = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    src = cat([data, pad], 0)
    idx = np.where(idx < 0, data.shape[0], idx)
    return index_select(src, 0, _long(idx))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of pack_padded_sequence: (padded (T, B, *), lengths int64 (B,)),
    batch back in the original order."""
    bs = sequence.batch_sizes._data.astype(np.int64)
    max_len = bs.size
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max_len}")
        max_len = total_length
    B = int(bs[0]) if bs.size else 0
    lengths = (bs[None, :] > np.arange(B)[:, None]).sum(1)
    pos = np.full((max_len, B), -1, np.int64)
    off = 0
    for t, b in enumerate(bs):
        pos[t, :b] = np.arange(off, off + b)
        off += b
    uns = sequence.unsorted_indices
    if uns is not None:
        pos = pos[:, uns._data]
        lengths = lengths[uns._data]
    if batch_first:
        pos = pos.T
    data = sequence.data
    out = _scatter_rows(data, pos.reshape(-1), pos.size, padding_value)
    return out.reshape(pos.shape + tuple(data.shape[1:])), _long(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """List of (L_i, *) tensors -> (max L, B, *) (or (B, max L, *)) filled with padding_value;
    ``padding_side="left"`` right-aligns the sequences."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of "
                           f"type: {type(sequences)}")
    sequences = tuple(sequences)
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    lens = [s.shape[0] for s in sequences]
    T, B = max(lens), len(lens)
    pos = np.full((B, T), -1, np.int64)
    off = 0
    for b, n in enumerate(lens):
        start = 0 if padding_side == "right" else T - n
        pos[b, start:start + n] = np.arange(off, off + n)
        off += n
    if not batch_first:
        pos = pos.T
    data = cat(list(sequences), 0)
    out = _scatter_rows(data, pos.reshape(-1), pos.size, padding_value)
    return out.reshape(pos.shape + tuple(data.shape[1:]))


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Padded (T, B, *) and lengths -> list of (L_i, *) tensors."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[b, :int(n)] for b, n in enumerate(_lengths(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    """List of (L_i, *) tensors -> PackedSequence (pad_sequence + pack_padded_sequence)."""
    lengths = [v.size(0) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """PackedSequence -> list of (L_i, *) tensors in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
