"""sampling ops (being written)."""
__all__ = []
