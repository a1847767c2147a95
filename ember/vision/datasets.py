"""``ember.vision.datasets``: MNIST, FashionMNIST, CIFAR10, ImageFolder / DatasetFolder from
local files in torchvision's folder layout, and ``mean_std`` for ``Normalize``.
Nothing is ever downloaded: ``download=True`` with missing files names the files to place."""
import gzip
import os
import pickle

import numpy as np

from ..utils.data import Dataset
from .._tensor import Tensor, _wrap

try:
    from PIL import Image
except ImportError:  # pragma: no cover
    Image = None

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "DatasetFolder", "ImageFolder", "VisionDataset",
           "mean_std", "compute_mean_std", "IMG_EXTENSIONS", "default_loader", "read_idx"]


class VisionDataset(Dataset):
    def __init__(self, root, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(str(root)) if root is not None else root
        self.transform = transform
        self.target_transform = target_transform
        self.transforms = transforms

    def _apply(self, img, target):
        if self.transforms is not None:
            return self.transforms(img, target)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self):
        lines = [f"Dataset {self.__class__.__name__}", f"    Number of datapoints: {len(self)}",
                 f"    Root location: {self.root}"]
        if self.transform is not None:
            lines.append(f"    Transform: {self.transform!r}")
        return "\n".join(lines)


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an IDX file (optionally gzipped) into an ndarray."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number)")
    dtype, ndim = _IDX_DTYPES[data[2]], data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    arr = np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise RuntimeError(f"{path}: expected {int(np.prod(shape))} values, found {arr.size}")
    return arr.reshape(shape).astype(np.dtype(dtype).newbyteorder("="), copy=False)


def _missing(name, folder, files, download):
    where = os.path.abspath(folder)
    listing = "\n".join(f"    {f}" for f in files)
    msg = (f"{name}: dataset files not found. ember never downloads; place these files (gzipped "
           f"'.gz' or uncompressed) in {where}:\n{listing}")
    if download:
        msg = "download=True is not supported (no network access). " + msg
    raise RuntimeError(msg)


class MNIST(VisionDataset):
    """MNIST from ``root/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]``.

    ``dataset[i]`` is ``(PIL image mode 'L' (uint8 HxW array without Pillow), int label)``."""

    resources = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        prefix = "train" if train else "t10k"
        names = [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]
        paths = [self._find(n) for n in names]
        if any(p is None for p in paths):
            _missing(type(self).__name__, self.raw_folder, [n + ".gz" for n in self.resources], download)
        self.data = read_idx(paths[0])
        self.targets = read_idx(paths[1]).astype(np.int64)
        if len(self.data) != len(self.targets):
            raise RuntimeError(f"{type(self).__name__}: {len(self.data)} images but {len(self.targets)} labels")

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _find(self, name):
        for cand in (name, name + ".gz"):
            p = os.path.join(self.raw_folder, cand)
            if os.path.isfile(p):
                return p
        return None

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        if Image is not None:
            img = Image.fromarray(img)   # uint8 HxW -> mode 'L'
        else:
            img = img.copy()
        return self._apply(img, target)

    def __len__(self):
        return len(self.data)


class FashionMNIST(MNIST):
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot"]


class CIFAR10(VisionDataset):
    """CIFAR-10 from the python pickle batches in ``root/cifar-10-batches-py``.

    ``dataset[i]`` is ``(PIL RGB image (uint8 HxWx3 array without Pillow), int label)``."""

    base_folder = "cifar-10-batches-py"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta_file = "batches.meta"
    label_key = "labels"
    label_names_key = "label_names"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        folder = os.path.join(self.root, self.base_folder)
        files = self.train_list if train else self.test_list
        if not all(os.path.isfile(os.path.join(folder, f)) for f in files):
            _missing(type(self).__name__, folder, self.train_list + self.test_list + [self.meta_file], download)
        data, targets = [], []
        for f in files:
            with open(os.path.join(folder, f), "rb") as fh:
                entry = pickle.load(fh, encoding="latin1")
            data.append(np.asarray(entry["data"], dtype=np.uint8))
            targets.extend(entry["labels"] if "labels" in entry else entry[self.label_key])
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
        self.targets = [int(t) for t in targets]
        meta = os.path.join(folder, self.meta_file)
        if os.path.isfile(meta):
            with open(meta, "rb") as fh:
                self.classes = pickle.load(fh, encoding="latin1")[self.label_names_key]
        else:
            self.classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                            "ship", "truck"]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        img = Image.fromarray(img) if Image is not None else img.copy()
        return self._apply(img, target)

    def __len__(self):
        return len(self.data)


IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def default_loader(path):
    if Image is None:
        raise RuntimeError("ImageFolder's default loader needs Pillow: pip install Pillow")
    with open(path, "rb") as f:
        img = Image.open(f)
        return img.convert("RGB")


def _has_ext(name, extensions):
    return name.lower().endswith(tuple(extensions))


class DatasetFolder(VisionDataset):
    """Samples in ``root/<class>/**/<file>``; ``classes`` sorted, ``class_to_idx``, ``samples``."""

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx, extensions, is_valid_file, allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.imgs = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def find_classes(directory):
        classes = sorted(e.name for e in os.scandir(directory) if e.is_dir())
        if not classes:
            raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
        return classes, {c: i for i, c in enumerate(classes)}

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False):
        if class_to_idx is None:
            _, class_to_idx = DatasetFolder.find_classes(directory)
        if (extensions is None) == (is_valid_file is None):
            raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
        if is_valid_file is None:
            def is_valid_file(p):
                return _has_ext(p, extensions)
        instances, found = [], set()
        for cls in sorted(class_to_idx):
            idx = class_to_idx[cls]
            d = os.path.join(directory, cls)
            if not os.path.isdir(d):
                continue
            for root, _, fnames in sorted(os.walk(d, followlinks=True)):
                for fname in sorted(fnames):
                    path = os.path.join(root, fname)
                    if is_valid_file(path):
                        instances.append((path, idx))
                        found.add(cls)
        empty = set(class_to_idx) - found
        if empty and not allow_empty:
            msg = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
            if extensions is not None:
                msg += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
            raise FileNotFoundError(msg)
        return instances

    def __getitem__(self, index):
        path, target = self.samples[index]
        return self._apply(self.loader(path), target)

    def __len__(self):
        return len(self.samples)


class ImageFolder(DatasetFolder):
    def __init__(self, root, transform=None, target_transform=None, loader=default_loader,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file, allow_empty=allow_empty)


# ---- statistics for Normalize ---------------------------------------------------------------
def _as_chw_array(x):
    if isinstance(x, Tensor):
        return x._data
    if Image is not None and isinstance(x, Image.Image):
        from .transforms import functional as F
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
    from ..utils.data import DataLoader

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
