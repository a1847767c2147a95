"""SVHN (torchvision.datasets.svhn): the cropped-digits ``.mat`` files (read with SciPy)."""
import os

import numpy as np

from .utils import check_integrity, download_url, verify_str_arg
from .vision import VisionDataset

__all__ = ["SVHN"]


class SVHN(VisionDataset):
    """`SVHN <http://ufldl.stanford.edu/housenumbers/>`_: 32x32 house-number digits; label 10
    (the digit 0) becomes 0.

    Args:
        root (str or pathlib.Path): folder holding ``{train,test,extra}_32x32.mat``.
        split (str, optional): ``"train"``, ``"test"`` or ``"extra"``. Default: ``"train"``
        transform, target_transform, download: as :class:`CIFAR10`.

    ``data`` is a uint8 ndarray ``[N, 3, 32, 32]`` and ``labels`` an int64 ndarray. Reading the
    files needs SciPy (``pip install scipy``).
    """

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"],
    }

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it, "
                               f"or place {self.filename} in {os.path.abspath(self.root)}")
        try:
            import scipy.io as sio
        except ImportError:
            raise ImportError("SVHN reads .mat files with SciPy: pip install scipy") from None
        mat = sio.loadmat(os.path.join(self.root, self.filename))
        self.labels = mat["y"].astype(np.int64).squeeze()
        np.place(self.labels, self.labels == 10, 0)
        self.data = np.transpose(mat["X"], (3, 2, 0, 1))

    def __getitem__(self, index):
        from PIL import Image
        img = Image.fromarray(np.transpose(self.data[index], (1, 2, 0)))
        return self._apply(img, int(self.labels[index]))

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.split_list[self.split][2])

    def download(self):
        download_url(self.url, self.root, self.filename, self.split_list[self.split][2])

    def extra_repr(self):
        return f"Split: {self.split}"
