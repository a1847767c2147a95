"""nn.conv modules (being written)."""
__all__ = []
