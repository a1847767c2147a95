"""Every Python block in README.md runs as written (each in a fresh interpreter, in a temp dir).

A block that uses ``ember.distributed`` runs under the launcher with two workers, as the README
says to start it.
"""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocks():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    out = []
    for m in re.finditer(r"^```python\n(.*?)^```", text, flags=re.S | re.M):
        line = text.count("\n", 0, m.start()) + 1
        out.append(pytest.param(m.group(1), id=f"line{line}"))
    return out


@pytest.mark.parametrize("code", _blocks())
def test_readme_block(code, tmp_path):
    (tmp_path / "block.py").write_text(code)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if "init_process_group" in code:
        pytest.importorskip("mpi4py")
        cmd = [sys.executable, "-m", "ember.distributed.run", "--standalone", "--nproc_per_node=2", "block.py"]
    else:
        cmd = [sys.executable, "block.py"]
    r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"README block failed:\n{code}\n--- stderr ---\n{r.stderr[-4000:]}"
