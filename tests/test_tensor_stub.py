"""ember/_tensor.pyi: the static view of Tensor (every method the op modules attach)."""
import ast
import importlib.util
import os

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_tensor_pyi", os.path.join(ROOT, "scripts", "gen_tensor_pyi.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _stub_tensor_names():
    with open(os.path.join(ROOT, "ember", "_tensor.pyi")) as f:
        tree = ast.parse(f.read())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Tensor")
    names = set()
    for n in cls.body:
        if isinstance(n, ast.FunctionDef):
            names.add(n.name)
        elif isinstance(n, ast.AnnAssign):
            names.add(n.target.id)
    return names, cls


def test_stub_is_current():
    """Regenerate with ``python scripts/gen_tensor_pyi.py`` after adding a Tensor method."""
    with open(os.path.join(ROOT, "ember", "_tensor.pyi")) as f:
        assert f.read() == _generator().render()


def test_stub_lists_every_public_method():
    names, _ = _stub_tensor_names()
    public = {n for n in dir(ember.Tensor) if not n.startswith("_")}
    assert public - names == set()
    assert names - set(dir(ember.Tensor)) == set()


def test_stub_signatures_match_runtime():
    _, cls = _stub_tensor_names()
    defs = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    a = defs["add"].args
    assert [x.arg for x in a.args] == ["self", "other"]
    assert [x.arg for x in a.kwonlyargs] == ["alpha", "out"]
    assert [x.arg for x in defs["view"].args.args] == ["self"] and defs["view"].args.vararg.arg == "shape"
    assert any(isinstance(d, ast.Name) and d.id == "property" for d in defs["T"].decorator_list)
    setters = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "real"]
    assert len(setters) == 2    # x.real is a property with a setter, as torch's
