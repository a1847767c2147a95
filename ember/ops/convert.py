"""convert ops (being written)."""
__all__ = []
