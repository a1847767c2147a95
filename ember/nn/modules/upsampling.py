"""nn.upsampling modules (being written)."""
__all__ = []
