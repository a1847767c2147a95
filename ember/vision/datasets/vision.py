"""``VisionDataset`` and ``StandardTransform``: the base every vision dataset shares."""
import os

from ...utils.data import Dataset

__all__ = ["VisionDataset", "StandardTransform"]


def _indent_repr(transform, head):
    lines = repr(transform).splitlines()
    return [head + lines[0]] + [" " * len(head) + line for line in lines[1:]]


class StandardTransform:
    """Apply ``transform`` to the input and ``target_transform`` to the target."""

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self):
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += _indent_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _indent_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset):
    """Base class for vision datasets (torchvision's): subclasses define ``__getitem__`` and
    ``__len__``.

    Args:
        root (str or pathlib.Path, optional): the dataset's folder (``~`` expanded).
        transforms (callable, optional): takes ``(input, target)``, returns both transformed.
        transform (callable, optional): takes the input (a PIL image), returns it transformed.
        target_transform (callable, optional): takes the target, returns it transformed.

    ``transforms`` and ``transform``/``target_transform`` are mutually exclusive.
    """

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        separate = transform is not None or target_transform is not None
        if transforms is not None and separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if separate:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def _apply(self, img, target):
        if self.transforms is not None:
            return self.transforms(img, target)
        return img, target

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    def __repr__(self):
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body.append(repr(self.transforms))   # its continuation lines unindented, as torchvision
        return "\n".join(["Dataset " + self.__class__.__name__] + [" " * self._repr_indent + b for b in body])
