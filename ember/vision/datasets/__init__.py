"""``ember.vision.datasets`` (torchvision.datasets): datasets in torchvision's folder layouts,
downloaded on ``download=True`` (verified by MD5), plus ``mean_std`` for ``Normalize``."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder, IMG_EXTENSIONS, default_loader
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST, read_idx
from .stl10 import STL10
from .svhn import SVHN
from .vision import VisionDataset
from ._stats import compute_mean_std, mean_std

__all__ = ("MNIST", "FashionMNIST", "KMNIST", "EMNIST", "CIFAR10", "CIFAR100", "SVHN", "STL10",
           "FakeData", "DatasetFolder", "ImageFolder", "VisionDataset", "IMG_EXTENSIONS",
           "default_loader", "mean_std", "compute_mean_std", "read_idx")
