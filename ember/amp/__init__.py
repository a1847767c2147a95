"""``ember.amp`` (``torch.amp``): automatic mixed precision on the CPU.

``autocast("cpu")`` runs matrix products and convolutions in bfloat16 (or float16) and
losses in float32, with torch's per-op rules (see ``autocast_mode``); ``GradScaler`` scales
losses and skips steps with inf/NaN gradients.
"""
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available  # noqa: F401
from .grad_scaler import GradScaler  # noqa: F401

__all__ = ["autocast", "custom_fwd", "custom_bwd", "is_autocast_available", "GradScaler"]
