"""``ember.device``: where a tensor lives. This build has the CPU only, as PyTorch's CPU build."""

__all__ = ["device"]

_TYPES = ("cpu", "cuda", "mps", "xpu", "meta")


class device:
    """``ember.device('cpu')``, ``ember.device('cuda', 0)``, ``ember.device('cuda:1')``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments: {type!r}")
        elif ":" in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: "
                                   f"{type}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in _TYPES:
            raise RuntimeError(
                f"Expected one of cpu, cuda, mps, xpu, meta device type at start of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


cpu = device("cpu")


def check_device(d):
    """Return the CPU device for any spelling of it; raise PyTorch's error for an absent one."""
    if d is None:
        return cpu
    d = device(d) if not isinstance(d, device) else d
    if d.type == "cpu":
        return cpu
    if d.type == "meta":
        raise NotImplementedError("ember has no 'meta' device: tensors always hold their data")
    from .cuda import _lazy_init

    _lazy_init(d)  # raises: no CUDA / MPS in this build
    return cpu
