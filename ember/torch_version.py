"""``TorchVersion``: the version string that also compares as a version (as torch's does)."""
import re
from collections.abc import Iterable

__all__ = ["TorchVersion"]

_PEP440 = re.compile(
    r"^\s*v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|alpha|b|beta|c|rc|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:-(?P<post_n1>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>\d*))?"
    r"(?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$", re.IGNORECASE)
_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc", "preview": "rc"}
_LO, _HI = (-1,), (1,)   # sort below / above every (0, value) entry


class InvalidVersion(ValueError):
    """A string that is not a PEP 440 version."""


def _key(text):
    """PEP 440 ordering key of ``text`` (packaging's ``Version`` ordering)."""
    m = _PEP440.match(str(text))
    if m is None:
        raise InvalidVersion(f"Invalid version: {text!r}")
    release = [int(p) for p in m["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    pre = (0, _PRE[m["pre_l"].lower()], int(m["pre_n"] or 0)) if m["pre_l"] else None
    post = m["post_n1"] or (m["post_n2"] or "0" if m["post_l"] else None)
    dev = (0, int(m["dev_n"] or 0)) if m["dev_l"] else _HI
    if pre is None:
        pre = _LO if post is None and m["dev_l"] else _HI
    post = (0, int(post)) if post is not None else _LO
    local = _LO if m["local"] is None else (0, tuple(
        (1, int(p), "") if p.isdigit() else (0, 0, p.lower()) for p in re.split(r"[-_.]", m["local"])))
    return int(m["epoch"] or 0), tuple(release), pre, post, dev, local


class TorchVersion(str):
    """A ``str`` that compares as a version with strings, tuples and ``packaging`` versions.

    Example::

        >>> v = TorchVersion("2.13.0+cpu")
        >>> v >= "2.1", v > (1, 13), v == "2.13.0+cpu", v.split("+")[0]
        (True, True, True, '2.13.0')
    """

    __slots__ = ()

    def _convert(self, other):
        if isinstance(other, str):
            return _key(other)
        if type(other).__name__ == "Version":   # packaging.version.Version
            return _key(str(other))
        if isinstance(other, Iterable):
            return _key(".".join(str(item) for item in other))
        raise InvalidVersion(other)

    def _cmp(self, other, method):
        try:
            return getattr(_key(self), method)(self._convert(other))
        except InvalidVersion:
            return getattr(str, method)(self, other)   # e.g. 'parrot': plain string order

    def __hash__(self):
        return str.__hash__(self)


for _m in ("__gt__", "__lt__", "__eq__", "__ge__", "__le__"):
    setattr(TorchVersion, _m, lambda x, y, method=_m: x._cmp(y, method))
del _m
