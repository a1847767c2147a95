"""FakeData (torchvision.datasets.FakeData): random images, the same ones torchvision makes."""
from ... import _random
from ...ops import creation as _creation
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """Random PIL images and labels; item ``i`` is drawn with the seed ``i + random_offset``
    (the global generator's state is restored), so it is the image torchvision's FakeData gives.

    Args:
        size (int, optional): number of items. Default: 1000
        image_size (tuple, optional): ``(C, H, W)`` of the images. Default: ``(3, 224, 224)``
        num_classes (int, optional): labels are drawn from ``[0, num_classes)``. Default: 10
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the label (a 0-d int64 tensor).
        random_offset (int, optional): added to the index to make the seed. Default: 0

    Example:
        >>> img, label = FakeData(size=8, image_size=(3, 64, 64))[0]
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        from ... import int64
        from ..transforms import ToPILImage
        state = _random.get_rng_state()
        try:
            _random.manual_seed(index + self.random_offset)
            img = _creation.randn(*self.image_size)
            target = _creation.randint(0, self.num_classes, size=(1,), dtype=int64)[0]
        finally:
            _random.set_rng_state(state)
        img, target = self._apply(ToPILImage()(img), target)
        return img, target.item()

    def __len__(self):
        return self.size
