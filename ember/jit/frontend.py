"""``ember.jit.frontend``: the errors ``jit.script`` raises, named as TorchScript's."""

__all__ = ["FrontendError", "NotSupportedError", "UnsupportedNodeError"]


class FrontendError(Exception):
    pass


class NotSupportedError(FrontendError):
    pass


class UnsupportedNodeError(NotSupportedError):
    pass
