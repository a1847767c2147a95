"""The one place ember touches its array library.

Every op imports ``xp`` from here, so a second array module (CuPy for CUDA) can be
slotted in later without touching the ops.
"""
import numpy as xp  # noqa: F401

ndarray = xp.ndarray
