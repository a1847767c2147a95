"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

Each works as a context manager and as a decorator. The flag they flip is the
module global ``enabled``, read once per op by ``ember.ops._apply.apply``.
"""
import functools
import inspect

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled"]

enabled = True
inference = False


def is_grad_enabled():
    """Whether autograd records operations (False inside ``no_grad``).

    Example:
        >>> with torch.no_grad():
        ...     print(torch.is_grad_enabled())
        False
        >>> torch.is_grad_enabled()
        True
    """
    return enabled


def is_inference_mode_enabled():
    """Whether ``inference_mode`` is on.

    Example:
        >>> with torch.inference_mode():
        ...     print(torch.is_inference_mode_enabled())
        True
    """
    return inference


class _Mode:
    """Base: subclasses set ``_target`` (grad enabled inside the block)."""

    _target = True
    _inference = None

    def __enter__(self):
        global enabled, inference
        self._prev = (enabled, inference)
        enabled = self._target
        if self._inference is not None:
            inference = self._inference

    def __exit__(self, *exc):
        global enabled, inference
        enabled, inference = self._prev
        return False

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                with self.clone():
                    yield from fn(*args, **kwargs)
            return gen

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_Mode):
    """Ops inside record no graph: results have ``requires_grad=False``.

    >>> x = ember.ones(2, requires_grad=True)
    >>> with ember.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _target = False

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)  # used as @no_grad without parentheses


class enable_grad(_Mode):
    """Turn recording back on inside a ``no_grad`` block."""

    _target = True

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` sets the mode now; as a context manager it restores it on exit."""

    def __init__(self, mode):
        global enabled
        self._target = bool(mode)
        self._prev_call = enabled
        enabled = self._target

    def __enter__(self):
        global enabled, inference
        self._prev = (self._prev_call, inference)
        enabled = self._target

    def clone(self):
        return set_grad_enabled(self._target)


class inference_mode(_Mode):
    """Like ``no_grad``, for inference code: ``with ember.inference_mode(): model(x)``."""

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self._target = not self.mode if self.mode else enabled
        self._inference = self.mode

    def __enter__(self):
        global enabled, inference
        self._prev = (enabled, inference)
        if self.mode:
            enabled = False
        inference = self.mode

    def clone(self):
        return inference_mode(self.mode)
