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


_CALM = """
import os, sys, time
import numpy as np
a = np.random.default_rng(0).standard_normal((384, 384)).astype(np.float32)
ref = a.astype(np.float64) @ a
from ember import _kernels
done = _kernels._calm_blas() if sys.argv[1] == "calm" else []
def cpu(t):
    s = open(f"/proc/self/task/{t}/stat").read().rsplit(")", 1)[1].split()
    return int(s[11]) + int(s[12])
for _ in range(5):
    np.testing.assert_allclose(a @ a, ref, rtol=1e-4, atol=1e-3)   # BLAS still right after the restart
workers = [t for t in os.listdir("/proc/self/task") if t != str(os.getpid())]
c0 = {t: cpu(t) for t in workers}
time.sleep(0.3)   # OpenBLAS's default spins ~0.1 s after a GEMM; with ember's setting its threads sleep
print(len(done), "OPENBLAS_THREAD_TIMEOUT" in os.environ, max([cpu(t) - c0[t] for t in workers] or [0]))
"""


def _calm(arg):
    e = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="2")
    return subprocess.run([sys.executable, "-c", _CALM, arg], env=e, capture_output=True, text=True,
                          check=True).stdout.split()


def test_blas_threads_sleep_after_a_gemm():
    pytest.importorskip("numba")
    if not os.path.exists("/proc/self/maps"):
        pytest.skip("needs /proc")
    n, env_left, ticks = _calm("calm")
    if n == "0":
        pytest.skip("NumPy's BLAS is not OpenBLAS's pthread build")
    assert env_left == "False"   # the variable is read, then removed again
    assert int(ticks) <= 1       # clock ticks (10 ms) taken by the idle BLAS thread over 0.3 s


def test_blas_timeout_the_user_set_is_kept():
    out = _run("from ember import _kernels; print(_kernels._calm_blas())", OPENBLAS_THREAD_TIMEOUT="28")
    assert out.split() == ["[]"]


def test_env_blas_timeout():
    pytest.importorskip("numba")
    code = ("import numpy as np; np.ones((64, 64)) @ np.ones((64, 64)); from ember import _kernels; "
            "import os; print(_kernels.available(), 'OPENBLAS_THREAD_TIMEOUT' in os.environ)")
    assert _run(code, EMBER_BLAS_TIMEOUT="6", EMBER_KERNELS="auto").split() == ["True", "False"]
    with pytest.raises(subprocess.CalledProcessError) as e:
        _run(code, EMBER_BLAS_TIMEOUT="short", EMBER_KERNELS="auto")
    assert "EMBER_BLAS_TIMEOUT must be an integer (4..30), got 'short'" in e.value.stderr
