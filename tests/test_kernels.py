"""The kernel layer (ember/_kernels): lazy numba, the NumPy fallback and the switch."""
import os
import subprocess
import sys

import numpy as np
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


_SHARED = """
import os, threading, time
import numpy as np
def cpu(t):
    s = open(f"/proc/self/task/{t}/stat").read().rsplit(")", 1)[1].split()
    return int(s[11]) + int(s[12])
blas_workers = [t for t in os.listdir("/proc/self/task") if t != str(os.getpid())]   # OpenBLAS's own
from ember import _kernels
assert _kernels.available()
from ember._kernels import openblas
can = sum(openblas.pthreads(lib) and openblas.fn(lib, "set_threads_callback_function") is not None
          for lib in openblas.libraries())
shared = len(_kernels._modules["threads"]._shared) if "threads" in _kernels._modules else 0
rng = np.random.default_rng(0)
mats = [rng.standard_normal((384, 384)).astype(np.float32) for _ in range(4)]
refs = [m.astype(np.float64) @ m for m in mats]
c0 = {t: cpu(t) for t in blas_workers}
bad = []
def work(k):   # several Python threads at once: one BLAS call runs its jobs at a time
    for _ in range(40):
        if not np.allclose(mats[k] @ mats[k], refs[k], rtol=1e-4, atol=1e-3):
            bad.append(k)
ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print(can, shared, len(bad), max([cpu(t) - c0[t] for t in blas_workers] or [0]))
"""


def test_blas_jobs_run_on_numba_threads():
    pytest.importorskip("numba")
    if not os.path.exists("/proc/self/maps"):
        pytest.skip("needs /proc")
    can, shared, bad, ticks = _run(_SHARED, EMBER_KERNELS="auto", OPENBLAS_NUM_THREADS="2").split()
    if can == "0":
        pytest.skip("NumPy's BLAS is not OpenBLAS >= 0.3.27 (pthreads)")
    assert shared == can
    assert bad == "0"         # every product right, four threads calling BLAS together
    assert int(ticks) <= 2    # OpenBLAS's own thread stayed idle (10 ms clock ticks) through 160 GEMMs


_FORK = """
import os, numpy as np, ember
import ember.nn.functional as F
x = ember.randn(64, 32, 28, 28)
a = np.random.default_rng(0).standard_normal((384, 384)).astype(np.float32)
F.relu(x); a @ a                      # the parent ran a parallel kernel and a threaded GEMM
pid = os.fork()
if pid == 0:
    from ember import _kernels
    ok = bool((F.relu(x).numpy() == np.maximum(x.numpy(), 0)).all())
    ok &= np.allclose(a @ a, a.astype(np.float64) @ a, rtol=1e-4, atol=1e-3)
    F.conv2d(x, ember.randn(8, 32, 3, 3)); F.max_pool2d(x, 2)
    print("child", ok, _kernels.available(), flush=True)
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("parent", os.waitstatus_to_exitcode(status), ember._kernels.available())
"""


def test_forked_child_takes_the_numpy_path():
    # GNU OpenMP aborts a forked child that starts a team after its parent ran one
    pytest.importorskip("numba")
    out = _run(_FORK, EMBER_KERNELS="auto").split()
    assert out == ["child", "True", "False", "parent", "0", "True"]


def test_set_num_threads_matches_torch():
    torch = pytest.importorskip("torch")
    for bad in (0, -1, 1.5, "2"):
        with pytest.raises(RuntimeError) as want:
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError) as got:
            ember.set_num_threads(bad)
        assert str(got.value) == str(want.value)


_THREADS = """
import numpy as np, ember, numba
from ember import _kernels
from ember._kernels import openblas
ember.set_num_threads({n})
assert _kernels.available()
a = np.random.default_rng(0).standard_normal((512, 512)).astype(np.float32)
assert np.allclose(a @ a, a.astype(np.float64) @ a, rtol=1e-4, atol=1e-3)
print(ember.get_num_threads(), numba.get_num_threads(), [openblas.threads(lib) for lib in openblas.libraries()])
"""


def test_set_num_threads_sets_blas_and_kernels():
    pytest.importorskip("numba")
    n, nb, blas = _run(_THREADS.format(n=1), EMBER_KERNELS="auto").split(maxsplit=2)
    assert (n, nb) == ("1", "1") and "2" not in blas
    # never more BLAS jobs than numba's threads: the jobs of one GEMM wait on each other
    n, nb, blas = _run(_THREADS.format(n=2), EMBER_KERNELS="auto", NUMBA_NUM_THREADS="1").split(maxsplit=2)
    assert (n, nb) == ("2", "1") and "2" not in blas


def test_vmath_exp_float32_within_2_ulp_and_special_values():
    """``_kernels.vmath.exp`` (the vectorizable float32 exp inside kernels) against the
    correctly rounded float64 result: normal range, subnormals, overflow, inf and NaN."""
    pytest.importorskip("numba")
    from ember._kernels import jit
    from ember._kernels.vmath import exp

    @jit
    def k(a, out):
        for i in range(a.size):
            out[i] = exp(a[i])

    rng = np.random.default_rng(0)
    special = [0, -0.0, 1e-30, 88.72, 88.73, 1e4, -87.3, -100, -103.9, -104, -1e4, np.inf, -np.inf, np.nan]
    a = np.concatenate([(rng.random(1 << 16) - 0.5) * 220, special]).astype(np.float32)
    out = np.empty_like(a)
    k(a, out)
    with np.errstate(over="ignore"):
        ref = np.exp(a.astype(np.float64)).astype(np.float32)
    normal = np.isfinite(ref) & (ref >= np.finfo(np.float32).tiny)
    ulp = np.abs(out[normal].astype(np.float64) - ref[normal]) / np.spacing(ref[normal]).astype(np.float64)
    assert ulp.max() <= 2
    rest = ~normal
    np.testing.assert_allclose(out[rest], ref[rest], rtol=0, atol=2e-45)   # 0, subnormals, inf, NaN
    out64 = np.empty(a.size)
    k(a.astype(np.float64), out64)
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(out64, np.exp(a.astype(np.float64)), rtol=5e-16)   # libm


@pytest.mark.parametrize("mode", ["numba", "numpy"])
def test_large_gradients_accumulate_and_sum_as_torch(mode, monkeypatch):
    """Gradients summed in backward (a tensor used twice) and accumulated into ``.grad``
    (two backward calls): the parallel add on the numba path, NumPy's on the other; both
    bit-identical to torch's float32 sums."""
    torch = pytest.importorskip("torch")
    if mode == "numba":
        pytest.importorskip("numba")
    calls = []
    kp = _kernels.load("pointwise") if mode == "numba" else None
    if kp is not None:
        real = kp.add
        monkeypatch.setattr(kp, "add", lambda *a: (calls.append(1), real(*a))[1])
    x0 = np.random.default_rng(0).standard_normal((64, 1024)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((64, 1024)).astype(np.float32)
    grads = []
    for m in (ember, torch):
        x = m.tensor(x0, requires_grad=True)
        for _ in range(2):
            ((x * m.tensor(w)).sum() + (x * x0[0, :1].item()).sum()).backward()
        grads.append(x.grad.numpy())
    with _kernels.use(mode):
        x = ember.tensor(x0, requires_grad=True)
        for _ in range(2):
            ((x * ember.tensor(w)).sum() + (x * x0[0, :1].item()).sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), grads[1])
    assert bool(calls) == (mode == "numba")
