"""The names of ember's modules, for tests that import every one of them."""
import os
import pkgutil

import ember

# ember._shim installs the torch alias when imported; examples and __main__ modules run programs
_SKIP = ("_shim", "examples", "__main__")


def ember_modules():
    """ember's module names, found without importing them (``pkgutil.walk_packages`` would
    import each package, ember._shim among them, to look inside)."""
    names, todo = [], [("ember", list(ember.__path__))]
    while todo:
        pkg, path = todo.pop()
        names.append(pkg)
        for info in pkgutil.iter_modules(path, pkg + "."):
            short = info.name.rsplit(".", 1)[1]
            if short in _SKIP:
                continue
            if info.ispkg:
                todo.append((info.name, [os.path.join(path[0], short)]))
            else:
                names.append(info.name)
    return sorted(names)
