"""MNIST, FashionMNIST, KMNIST and EMNIST (torchvision.datasets.mnist): IDX files in
``root/<ClassName>/raw``, downloaded from the class's ``mirrors`` (``url`` for EMNIST)."""
import gzip
import os
import shutil
import string

import numpy as np

from ..._tensor import _wrap
from .utils import check_integrity, download_and_extract_archive, extract_archive, verify_str_arg
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "KMNIST", "EMNIST", "read_sn3_pascalvincent_tensor",
           "read_image_file", "read_label_file", "read_idx"]

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """An IDX (SN3 PascalVincent) file, optionally gzipped, as an ndarray in native byte order."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number)")
    dtype, ndim = _IDX_DTYPES[data[2]], data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    arr = np.frombuffer(data, dtype=dtype, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise RuntimeError(f"{path}: expected {int(np.prod(shape))} values, found {arr.size}")
    return arr.reshape(shape).astype(np.dtype(dtype).newbyteorder("="))


def read_sn3_pascalvincent_tensor(path, strict=True):
    """An IDX file as a tensor of its own dtype."""
    return _wrap(read_idx(path))


def read_label_file(path):
    x = read_idx(path)
    if x.dtype != np.uint8 or x.ndim != 1:
        raise RuntimeError(f"{path}: expected a 1-d uint8 label file, got {x.ndim}-d {x.dtype}")
    return _wrap(x.astype(np.int64))


def read_image_file(path):
    x = read_idx(path)
    if x.dtype != np.uint8 or x.ndim != 3:
        raise RuntimeError(f"{path}: expected a 3-d uint8 image file, got {x.ndim}-d {x.dtype}")
    return _wrap(x)


def _existing(path):
    """``path`` or ``path.gz``, whichever exists (ember also reads the gzipped files)."""
    for p in (path, path + ".gz"):
        if os.path.isfile(p):
            return p
    return None


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: 28x28 grayscale digits.

    Args:
        root (str or pathlib.Path): folder holding ``MNIST/raw/{train,t10k}-*-ubyte``.
        train (bool, optional): the training set (60k) instead of the test set (10k).
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the int label.
        download (bool, optional): download the files (from ``mirrors``, checking their MD5s)
            unless already present.

    ``data`` is a uint8 tensor ``[N, 28, 28]`` and ``targets`` an int64 tensor ``[N]``;
    ``dataset[i]`` is ``(PIL image mode 'L', int)``.

    Example:
        >>> ds = MNIST("data", train=True, download=True)   # doctest: +SKIP
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six",
               "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if self._check_legacy_exist():
            self.data, self.targets = self._load_legacy_data()
            return
        if download:
            self.download()
        if not self._check_exists():
            files = "\n".join(f"    {os.path.splitext(f)[0]} (or {f})" for f, _ in self.resources)
            raise RuntimeError(f"Dataset not found. You can use download=True to download it, or place "
                               f"these files in {os.path.abspath(self.raw_folder)}:\n{files}")
        self.data, self.targets = self._load_data()

    @property
    def train_labels(self):
        return self.targets

    @property
    def test_labels(self):
        return self.targets

    @property
    def train_data(self):
        return self.data

    @property
    def test_data(self):
        return self.data

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _check_legacy_exist(self):
        if not os.path.exists(self.processed_folder):
            return False
        return all(check_integrity(os.path.join(self.processed_folder, f))
                   for f in (self.training_file, self.test_file))

    def _load_legacy_data(self):
        from ...serialization import load
        return load(os.path.join(self.processed_folder, self.training_file if self.train else self.test_file))

    def _raw_file(self, kind):
        return os.path.join(self.raw_folder, f"{'train' if self.train else 't10k'}-{kind}")

    def _load_data(self):
        return (read_image_file(_existing(self._raw_file("images-idx3-ubyte"))),
                read_label_file(_existing(self._raw_file("labels-idx1-ubyte"))))

    def _check_exists(self):
        return all(_existing(os.path.join(self.raw_folder, os.path.splitext(os.path.basename(f))[0]))
                   for f, _ in self.resources)

    def download(self):
        """Download (and decompress) the files not yet in ``raw_folder``, trying each mirror."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        from urllib.error import URLError
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(f"{mirror}{filename}", download_root=self.raw_folder,
                                                 filename=filename, md5=md5)
                except (RuntimeError, URLError) as e:
                    errors.append(e)
                    continue
                break
            else:
                msg = f"Error downloading {filename}:\n"
                for mirror, err in zip(self.mirrors, errors):
                    msg += f"Tried {mirror}, got:\n{err}\n"
                msg += f"Place {filename} by hand in {os.path.abspath(self.raw_folder)}"
                raise RuntimeError(msg)

    def __getitem__(self, index):
        img, target = self.data._data[index], int(self.targets._data[index])
        from PIL import Image
        return self._apply(Image.fromarray(img), target)   # uint8 [28, 28]: mode 'L'

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: 28x28 grayscale
    clothes, in ``root/FashionMNIST/raw``; arguments as :class:`MNIST`."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: 28x28 grayscale cursive
    Japanese characters, in ``root/KMNIST/raw``; arguments as :class:`MNIST`."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """`EMNIST <https://www.westernsydney.edu.au/bens/home/reproducible_research/emnist>`_:
    handwritten characters, one of six ``split``\\ s, in ``root/EMNIST/raw``.

    Args:
        root (str or pathlib.Path): folder holding ``EMNIST/raw/emnist-<split>-*-ubyte``.
        split (str): ``byclass``, ``bymerge``, ``balanced``, ``letters``, ``digits`` or ``mnist``.
        **kwargs: as :class:`MNIST` (``train``, ``transform``, ``target_transform``, ``download``).
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self):
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _load_data(self):
        return read_image_file(_existing(self.images_file)), read_label_file(_existing(self.labels_file))

    def _check_exists(self):
        return all(_existing(f) for f in (self.images_file, self.labels_file))

    def download(self):
        """Download ``gzip.zip`` and decompress its ``.gz`` files into ``raw_folder``."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for name in os.listdir(gzip_folder):
            if name.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, name), self.raw_folder)
        shutil.rmtree(gzip_folder)
