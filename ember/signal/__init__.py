"""``ember.signal``: signal-processing helpers, as ``torch.signal`` (its window functions)."""
from . import windows  # noqa: F401

__all__ = ["windows"]
