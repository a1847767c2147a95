"""``mean_std``: per-channel statistics of a dataset, for ``transforms.Normalize`` (ember's own)."""
import numpy as np

from ..._tensor import Tensor, _wrap

__all__ = ["mean_std", "compute_mean_std"]


def _as_chw_array(x):
    if isinstance(x, Tensor):
        return x._data
    if type(x).__module__.startswith("PIL."):
        from ..transforms import functional as F
        return F.to_tensor(x)._data
    return np.asarray(x)


def _collate_images(samples):
    return _wrap(np.stack([_as_chw_array(s[0] if isinstance(s, (tuple, list)) else s) for s in samples]))


def mean_std(data, batch_size=64, num_workers=0, max_batches=None):
    """Per-channel mean and std (population, over all pixels of all images) of a dataset of
    ``[C, H, W]`` tensors (or ``(image, target)`` samples), or of a DataLoader yielding
    ``[B, C, H, W]`` batches. Streams: keeps only per-channel running sums (float64, with the
    per-batch mean subtracted for accuracy), never the whole dataset.

    Returns ``(mean, std)`` as float32 tensors of shape ``[C]`` for ``transforms.Normalize``."""
    from ...utils.data import DataLoader

    if isinstance(data, DataLoader) or not hasattr(data, "__getitem__"):
        batches = data
    else:
        batches = DataLoader(data, batch_size=batch_size, num_workers=num_workers, shuffle=False,
                             collate_fn=_collate_images)
    n = 0
    mean = m2 = None
    for k, batch in enumerate(batches):
        if max_batches is not None and k >= max_batches:
            break
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        a = _as_chw_array(batch)
        if a.ndim == 3:   # a single image (an iterable of images)
            a = a[None]
        a = a.astype(np.float64, copy=False)
        c = a.shape[1]
        x = np.moveaxis(a, 1, 0).reshape(c, -1)
        nb = x.shape[1]
        bm = x.mean(axis=1)
        bm2 = ((x - bm[:, None]) ** 2).sum(axis=1)
        if mean is None:
            n, mean, m2 = nb, bm, bm2
        else:   # Chan et al. parallel combination of (count, mean, M2)
            delta = bm - mean
            tot = n + nb
            mean = mean + delta * (nb / tot)
            m2 = m2 + bm2 + delta ** 2 * (n * nb / tot)
            n = tot
    if mean is None:
        raise ValueError("mean_std: the dataset is empty")
    return _wrap(mean.astype(np.float32)), _wrap(np.sqrt(m2 / n).astype(np.float32))


compute_mean_std = mean_std
