"""Run a PyTorch program on ember, unchanged.

    python -m ember.run train.py --epochs 1      # as ``python train.py --epochs 1``
    python -m ember.run -m mypkg.train --lr 0.1  # as ``python -m mypkg.train --lr 0.1``

Inside the program ``import torch`` gives ``ember``, ``import torch.nn.functional as F``
gives ``ember.nn.functional``, ``import torchvision`` gives ``ember.vision``: the very
same module objects (``torch.Tensor is ember.Tensor``). A torch module ember lacks raises
``ModuleNotFoundError`` naming it. Processes the program starts (DataLoader workers,
``multiprocessing`` spawn and forkserver children, ``subprocess`` running Python) resolve
``torch`` the same way: a directory holding two stand-in packages, ``torch`` and
``torchvision``, is put on their ``PYTHONPATH``; importing either installs the hook.

In a notebook or a script, ``ember.install_as_torch()`` does the same from then on.
"""
import importlib
import importlib.abc
import importlib.util
import os
import sys

__all__ = ["install_as_torch", "main"]

_SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_shim")
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PREFIXES = (("torchvision", "ember.vision"), ("torch", "ember"))


def _ember_name(fullname):
    """``torch.nn`` -> ``ember.nn``, ``torchvision.models`` -> ``ember.vision.models``; None
    for other modules."""
    for prefix, target in _PREFIXES:
        if fullname == prefix or fullname.startswith(prefix + "."):
            return target + fullname[len(prefix):]
    return None


class _AliasLoader(importlib.abc.Loader):
    """Loads ``torch.X`` as the already imported ``ember.X`` (the same object)."""

    _ATTRS = ("__name__", "__loader__", "__package__", "__spec__", "__path__", "__file__")

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        mod = sys.modules.get(self.target) or importlib.import_module(self.target)
        # the import system stamps the alias's spec on the module: put ember's back after
        self._saved = {k: getattr(mod, k) for k in self._ATTRS if hasattr(mod, k)}
        return mod

    def get_code(self, fullname):
        """``python -m torch.distributed.run`` runs ``ember.distributed.run``'s code (runpy asks)."""
        spec = importlib.util.find_spec(self.target)
        return spec.loader.get_code(self.target) if spec and hasattr(spec.loader, "get_code") else None

    def exec_module(self, module):
        for k in self._ATTRS:
            if k in self._saved:
                setattr(module, k, self._saved[k])
            elif hasattr(module, k):
                try:
                    delattr(module, k)
                except AttributeError:
                    pass


class _TorchFinder(importlib.abc.MetaPathFinder):
    """Answers ``import torch...`` / ``import torchvision...`` with ember's modules."""

    def find_spec(self, fullname, path=None, target=None):
        name = _ember_name(fullname)
        if name is None:
            return None
        mod = sys.modules.get(name)
        if mod is None:
            try:
                spec = importlib.util.find_spec(name)
            except ModuleNotFoundError:
                spec = None
            if spec is None:
                raise ModuleNotFoundError(f"No module named '{fullname}' (ember has no {name})",
                                          name=fullname)
            is_pkg = spec.submodule_search_locations is not None
        else:
            is_pkg = hasattr(mod, "__path__")
        return importlib.util.spec_from_loader(fullname, _AliasLoader(name), is_package=is_pkg)


def _children_too():
    """Child interpreters find the stand-in ``torch``/``torchvision`` packages first: through
    ``PYTHONPATH`` (``subprocess``) and through ``sys.path``, which ``multiprocessing``'s spawn
    and forkserver children copy from this process before they import anything."""
    parts = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if _SHIM not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([_SHIM, _ROOT] + [p for p in parts if p])
    if _SHIM not in sys.path:
        sys.path.insert(1 if sys.path else 0, _SHIM)


def install_as_torch():
    """From now on ``import torch`` (and ``torchvision``) gives ember, here and in the
    processes this one starts.

    Raises:
        RuntimeError: if the real ``torch`` is already imported in this process.

    Example::

        import ember
        ember.install_as_torch()
        import torch
        assert torch.Tensor is ember.Tensor
    """
    import ember

    for prefix in ("torch", "torchvision"):
        mod = sys.modules.get(prefix)
        if mod is not None and not getattr(mod, "_ember_shim", False) and \
                not (mod is ember or getattr(mod, "__name__", "").startswith("ember")):
            raise RuntimeError(f"install_as_torch: the real '{prefix}' is already imported "
                               f"(from {getattr(mod, '__file__', '?')}); call it before any "
                               f"'import {prefix}'")
    if not any(isinstance(f, _TorchFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _TorchFinder())
    sys.modules["torch"] = ember
    if getattr(sys.modules.get("torchvision"), "_ember_shim", False):
        sys.modules["torchvision"] = importlib.import_module("ember.vision")
    _children_too()


_USAGE = "usage: python -m ember.run [-m module | script.py] [args ...]"


def main(argv=None):
    """``python -m ember.run script.py args...``: run the script as ``python`` would, on ember."""
    import runpy

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    install_as_torch()
    if argv[0] == "-m":
        if len(argv) < 2:
            print("Argument expected for the -m option\n" + _USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        sys.path[0] = os.getcwd()
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    script = argv[0]
    if not os.path.exists(script):
        print(f"{sys.executable}: can't open file {os.path.abspath(script)!r}: "
              "[Errno 2] No such file or directory", file=sys.stderr)
        return 2
    sys.argv = argv
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
