"""nn.pooling modules (being written)."""
__all__ = []
