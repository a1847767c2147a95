"""The kernel layer (ember/_kernels): lazy numba, the NumPy fallback and the switch."""
import os
import subprocess
import sys

import pytest

import ember
from ember import _kernels

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(code, **env):
    e = dict(os.environ, PYTHONPATH=ROOT, **env)
    return subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True, check=True).stdout


def test_import_ember_does_not_import_numba():
    out = _run("import sys, ember; print('numba' in sys.modules, 'llvmlite' in sys.modules)")
    assert out.split() == ["False", "False"]


def test_env_numpy_keeps_the_numpy_path():
    out = _run("from ember import _kernels; import sys; print(_kernels.available(), _kernels.load('x'),"
               " 'numba' in sys.modules)", EMBER_KERNELS="numpy")
    assert out.split() == ["False", "None", "False"]


def test_env_rejects_unknown_value():
    with pytest.raises(subprocess.CalledProcessError) as e:
        subprocess.run([sys.executable, "-c", "from ember import _kernels; _kernels.available()"],
                       env=dict(os.environ, PYTHONPATH=ROOT, EMBER_KERNELS="cuda"), capture_output=True,
                       text=True, check=True)
    assert "EMBER_KERNELS must be 'auto', 'numba' or 'numpy', got 'cuda'" in e.value.stderr


def test_use_switches_and_restores():
    before = _kernels.available()
    with _kernels.use("numpy"):
        assert not _kernels.available()
        assert _kernels.load("anything") is None
    assert _kernels.available() == before
    with pytest.raises(ValueError, match="use\\(\\) takes 'numba' or 'numpy', got 'gpu'"):
        _kernels.use("gpu")


def test_jit_compiles_and_caches():
    pytest.importorskip("numba")
    import numpy as np

    @_kernels.jit
    def _double(a, out):
        for i in range(a.size):
            out[i] = 2 * a[i]
    a = np.arange(10, dtype=np.float32)
    out = np.empty_like(a)
    _double(a, out)
    np.testing.assert_array_equal(out, 2 * a)
    assert ember.tensor([1.0]).item() == 1.0
