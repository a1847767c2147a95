"""STL10 (torchvision.datasets.stl10): the binary files of ``stl10_binary``."""
import os

import numpy as np

from .utils import check_integrity, download_and_extract_archive, verify_str_arg
from .vision import VisionDataset

__all__ = ["STL10"]


class STL10(VisionDataset):
    """`STL10 <https://cs.stanford.edu/~acoates/stl10/>`_: 96x96 colour images, 10 classes and
    100k unlabeled images (label -1).

    Args:
        root (str or pathlib.Path): folder holding ``stl10_binary``.
        split (str, optional): ``"train"``, ``"train+unlabeled"``, ``"unlabeled"`` or ``"test"``.
        folds (int, optional): one of the 10 predefined training folds (0-9); all by default.
        transform, target_transform, download: as :class:`CIFAR10`.

    ``data`` is a uint8 ndarray ``[N, 3, 96, 96]`` and ``labels`` a NumPy array.
    """

    base_folder = "stl10_binary"
    url = "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"
    filename = "stl10_binary.tar.gz"
    tgz_md5 = "91f7769df0f17e558f3565bffb0c7dfb"
    class_names_file = "class_names.txt"
    folds_list_file = "fold_indices.txt"
    train_list = [["train_X.bin", "918c2871b30a85fa023e0c44e0bee87f"],
                  ["train_y.bin", "5a34089d4802c674881badbb80307741"],
                  ["unlabeled_X.bin", "5242ba1fed5e4be9e1e742405eb56ca4"]]
    test_list = [["test_X.bin", "7f263ba9f9e0b06b93213547f721ac82"],
                 ["test_y.bin", "36f9794fa4beb8a2c72628de14fa638e"]]
    splits = ("train", "train+unlabeled", "unlabeled", "test")

    def __init__(self, root, split="train", folds=None, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", self.splits)
        self.folds = self._verify_folds(folds)
        if download:
            self.download()
        elif not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it, "
                               f"or extract {self.filename} in {os.path.abspath(self.root)}")
        if split in ("train", "train+unlabeled"):
            self.data, self.labels = self._loadfile(self.train_list[0][0], self.train_list[1][0])
            self._load_folds(folds)
            if split == "train+unlabeled":
                unlabeled, _ = self._loadfile(self.train_list[2][0])
                self.data = np.concatenate((self.data, unlabeled))
                self.labels = np.concatenate((self.labels, np.asarray([-1] * unlabeled.shape[0])))
        elif split == "unlabeled":
            self.data, _ = self._loadfile(self.train_list[2][0])
            self.labels = np.asarray([-1] * self.data.shape[0])
        else:
            self.data, self.labels = self._loadfile(self.test_list[0][0], self.test_list[1][0])
        class_file = os.path.join(self.root, self.base_folder, self.class_names_file)
        if os.path.isfile(class_file):
            with open(class_file) as f:
                self.classes = f.read().splitlines()

    @staticmethod
    def _verify_folds(folds):
        if folds is None:
            return folds
        if isinstance(folds, int):
            if folds in range(10):
                return folds
            raise ValueError(f"Value for argument folds should be in the range [0, 10), but got {folds}.")
        raise ValueError(f"Expected type None or int for argument folds, but got type {type(folds)}.")

    def _loadfile(self, data_file, labels_file=None):
        labels = None
        if labels_file:
            labels = np.fromfile(os.path.join(self.root, self.base_folder, labels_file), dtype=np.uint8) - 1
        images = np.fromfile(os.path.join(self.root, self.base_folder, data_file), dtype=np.uint8)
        return np.transpose(images.reshape(-1, 3, 96, 96), (0, 1, 3, 2)), labels   # column-major files

    def _load_folds(self, folds):
        if folds is None:
            return
        with open(os.path.join(self.root, self.base_folder, self.folds_list_file)) as f:
            idx = np.array(f.read().splitlines()[folds].split(), dtype=np.int64)
        self.data = self.data[idx]
        if self.labels is not None:
            self.labels = self.labels[idx]

    def __getitem__(self, index):
        from PIL import Image
        target = int(self.labels[index]) if self.labels is not None else None
        return self._apply(Image.fromarray(np.transpose(self.data[index], (1, 2, 0))), target)

    def __len__(self):
        return self.data.shape[0]

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, n), md5)
                   for n, md5 in self.train_list + self.test_list)

    def download(self):
        """Download and extract the archive unless the files are already there."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self):
        return f"Split: {self.split}"
