"""The documentation site builds, and its pages hold the API reference and the coverage table."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytest.importorskip("sphinx")


def test_docs_build(tmp_path):
    out = tmp_path / "html"
    r = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(tmp_path / "doctrees"),
                        os.path.join(ROOT, "docs"), str(out)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    nn = (out / "api" / "nn.html").read_text()
    assert "Conv2d" in nn and "Linear" in nn
    cov = (out / "coverage.html").read_text()
    assert "torch.nn.functional" in cov and "Missing names" in cov
    assert "Known differences" in (out / "differences.html").read_text()
