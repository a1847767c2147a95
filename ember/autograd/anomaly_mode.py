"""Anomaly detection: ``detect_anomaly`` / ``set_detect_anomaly``.

With anomaly mode on (and ``check_nan``), the backward walk checks every gradient a
node returns and raises ``RuntimeError("Function 'DivBackward0' returned nan values in
its 1th output.")`` at the first NaN, as PyTorch does. The walk reads one flag,
``graph._check_nan``, so the check costs nothing when the mode is off. (PyTorch also
prints the forward traceback of the failing op; ember does not record it.)
"""
import functools
import warnings

from . import graph

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "set_anomaly_enabled"]

_state = [False, True]  # (enabled, check_nan)


def set_anomaly_enabled(enabled, check_nan=True):
    """Turns anomaly detection on or off for the whole process (see ``detect_anomaly``).

    Example:
        >>> torch.set_anomaly_enabled(True); torch.is_anomaly_enabled()
        True
        >>> torch.set_anomaly_enabled(False)
    """
    _state[:] = [bool(enabled), bool(check_nan)]
    graph._check_nan = _state[0] and _state[1]


def is_anomaly_enabled():
    """Whether anomaly detection is on.

    Example:
        >>> torch.is_anomaly_enabled()
        False
    """
    return _state[0]


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection checks backward results for NaN.

    Example:
        >>> torch.is_anomaly_check_nan_enabled()
        True
    """
    return _state[1]


class set_detect_anomaly:
    """Turn anomaly detection on or off now; as a context manager, restore it on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = tuple(_state)
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(*self.prev)


class detect_anomaly:
    """Context manager (or decorator) that enables anomaly detection inside its block."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = tuple(_state)
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(*self.prev)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_detect_anomaly(True, self.check_nan):
                return fn(*args, **kwargs)
        return wrapper
