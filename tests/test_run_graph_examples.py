"""pytorch/examples' gcn and gat (tests/programs/gcn.py, gat.py, unmodified) run under
``python -m ember.run`` on sparse adjacency matrices and print the numbers torch prints.

The data is a small Cora-shaped graph made here. gat reads it from ./cora; gcn always
fetches Cora with ``requests.get``, which a stand-in module on PYTHONPATH answers with the
local archive (no test touches the internet).
"""
import os
import re
import shutil
import subprocess
import sys
import tarfile

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")

_REQUESTS = '''
import os


class _Response:
    def __init__(self, path):
        self.raw = open(path, "rb")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.raw.close()


def get(url, stream=False, **kwargs):
    return _Response(os.environ["FAKE_REQUESTS_FILE"])
'''


def _fake_cora(root, nodes=1700, feats=40, classes=7, edges=3000):
    rng = np.random.RandomState(0)
    ids = rng.choice(100000, nodes, replace=False)
    os.makedirs(os.path.join(root, "cora"))
    with open(os.path.join(root, "cora", "cora.content"), "w") as f:
        for i in range(nodes):
            row = (rng.rand(feats) < 0.1).astype(int)
            f.write(f"{ids[i]}\t" + "\t".join(map(str, row)) + f"\tClass_{rng.randint(classes)}\n")
    with open(os.path.join(root, "cora", "cora.cites"), "w") as f:
        for _ in range(edges):
            a, b = rng.randint(nodes, size=2)
            f.write(f"{ids[a]}\t{ids[b]}\n")
    with tarfile.open(os.path.join(root, "cora.tgz"), "w:gz") as t:
        t.add(os.path.join(root, "cora"), arcname="cora")


def _run(cmd, cwd, shim):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([shim, ROOT]), OMP_NUM_THREADS="1",
               PYTHONWARNINGS="ignore", FAKE_REQUESTS_FILE=os.path.join(cwd, "..", "cora.tgz"))
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    # epoch timings differ; everything else must be equal
    return [re.sub(r"\(\d+\.\d+s\)", "(t)", line) for line in r.stdout.splitlines()]


@pytest.mark.parametrize("program, args", [("gcn.py", ["--epochs", "3", "--val-every", "1"]),
                                           ("gat.py", ["--epochs", "3"])])
def test_graph_example_matches_torch(program, args, tmp_path):
    _fake_cora(str(tmp_path))
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "requests.py").write_text(_REQUESTS)
    outs = []
    for cmd in ([sys.executable, "-m", "ember.run", program], [sys.executable, program]):
        work = tmp_path / ("ember" if "ember.run" in cmd else "torch")
        work.mkdir()
        shutil.copy(os.path.join(PROGRAMS, program), work / program)
        if program == "gat.py":
            shutil.copytree(tmp_path / "cora", work / "cora")
        outs.append(_run(cmd + args, str(work), str(shim)))
    ember_out, torch_out = outs
    assert any("Test set results" in line for line in ember_out), ember_out
    assert ember_out == torch_out
