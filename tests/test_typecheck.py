"""mypy on ember's public surface: a user's program type-checks clean against ember's annotations
and the Tensor stub, and mistakes in such a program are reported ([tool.mypy] in pyproject.toml
lists the checked files)."""
import os
import re
import runpy
import subprocess
import sys

import pytest

pytest.importorskip("mypy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MISTAKES = os.path.join("tests", "typecheck", "user_mistakes.py")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("mypy_cache"))   # shared by this file's runs: the second is warm


def _mypy(cache, *files):
    r = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", cache, "--no-error-summary", *files],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def test_public_surface_passes(cache):
    code, out = _mypy(cache)
    assert code == 0, out


def test_mistakes_are_reported(cache):
    code, out = _mypy(cache, MISTAKES)
    with open(os.path.join(ROOT, MISTAKES)) as f:
        expected = {i: m.group(1) for i, line in enumerate(f, 1)
                    if (m := re.search(r"# error: ([\w-]+)", line))}
    got = {}
    for line in out.splitlines():
        m = re.match(r".*user_mistakes\.py:(\d+): error: .*\[([\w-]+)\]$", line)
        if m:
            got[int(m.group(1))] = m.group(2)
    assert code == 1 and len(expected) >= 7
    assert got == expected, out


def test_user_program_runs():
    """The type-checked program is a working ember program too."""
    loss = runpy.run_path(os.path.join(ROOT, "tests", "typecheck", "user_program.py"))["train"]()
    assert loss > 0
