"""Every public Tensor method and every public function of ember's torch-like namespaces has a
docstring (``help(x.sum)`` and the API reference in docs/ show it)."""
import inspect

import pytest

import ember
import ember.nn.functional as F

# Names allowed to go without a docstring, each with its reason.
ALLOW = {}


def _doc(v):
    f = v.fget if isinstance(v, property) else getattr(v, "__func__", v)
    d = getattr(f, "__doc__", None)
    return bool(d and d.strip())


def _tensor_members():
    for n in dir(ember.Tensor):
        if n.startswith("_"):
            continue
        v = inspect.getattr_static(ember.Tensor, n)
        if callable(v) or isinstance(v, (property, staticmethod, classmethod)):
            yield f"Tensor.{n}", v


def _functions(mod, label):
    for n in getattr(mod, "__all__", None) or dir(mod):
        v = getattr(mod, n, None)
        if n.startswith("_") or v is None or isinstance(v, type) or inspect.ismodule(v) or not callable(v):
            continue
        yield f"{label}.{n}", v


def _public():
    yield from _tensor_members()
    for mod, label in ((ember, "ember"), (ember.linalg, "ember.linalg"), (ember.fft, "ember.fft"),
                       (ember.special, "ember.special"), (F, "ember.nn.functional")):
        yield from _functions(mod, label)


def test_public_names_have_docstrings():
    missing = sorted(name for name, v in _public() if name not in ALLOW and not _doc(v))
    assert missing == [], f"{len(missing)} public names without a docstring: {missing[:40]}"


def test_allowlist_is_current():
    names = dict(_public())
    stale = [n for n in ALLOW if n not in names or _doc(names[n])]
    assert stale == [], f"remove from ALLOW (gone, or documented now): {stale}"


@pytest.mark.parametrize("name", ["Tensor.sum", "Tensor.T", "ember.matmul", "ember.linalg.inv_ex"])
def test_checker_sees_docstrings(name):
    """The walk reaches methods, properties and namespace functions (the test above is not vacuous)."""
    assert name in dict(_public())
