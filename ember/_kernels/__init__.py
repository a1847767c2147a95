"""Compiled kernels: hot loops written in Python and compiled by numba.

numba is optional (``pip install "ember[fast]"``, about 210 MB with llvmlite). Every
kernel has a NumPy implementation next to the op that calls it; that one is the
reference and the fallback. ``import ember`` never imports numba: the first op that asks
for a kernel module does, and numba compiles each kernel on its first call and caches
the machine code on disk (``__pycache__`` beside this package, or numba's user cache
directory when site-packages is read-only), so later processes load it in milliseconds.

``EMBER_KERNELS=numpy`` (read when the first kernel is asked for) keeps every op on the
NumPy path; :func:`use` switches inside a process (the tests run both paths with it).

An op asks for a kernel module by name and falls back when it gets ``None``::

    k = _kernels.load("pool")          # ember._kernels.pool, or None
    if k is not None:
        return k.max_pool2d_fwd(x, ...)
    ...  # the NumPy implementation

Kernel modules import numba at their top and decorate with :func:`jit` below.

Threads: numba's workers and NumPy's OpenBLAS threads share the cores. numba's sleep as
soon as a loop ends (``OMP_WAIT_POLICY=PASSIVE``); OpenBLAS's spin about 0.1 s after each
call, which speeds back-to-back GEMMs (MLP, LSTM) but holds the core a following parallel
kernel needs. ``EMBER_BLAS_TIMEOUT=N`` (4..30) shortens that spin to 2**N cycles at run
time (:func:`_calm_blas`), which ``OPENBLAS_THREAD_TIMEOUT`` can only do before NumPy
loads. It is off by default: on a shared 2-core machine it was not a clear win (#13).
"""
import importlib
import os

__all__ = ["available", "load", "use", "jit"]

_state = {"mode": None}   # None until first asked: "numba" or "numpy"
_modules = {}


def _decide():
    want = os.environ.get("EMBER_KERNELS", "auto").strip().lower()
    if want not in ("auto", "numba", "numpy"):
        raise ValueError(f"EMBER_KERNELS must be 'auto', 'numba' or 'numpy', got {want!r}")
    if want == "numpy":
        return "numpy"
    # numba's OpenMP workers spin after each parallel loop by default, on the cores that
    # NumPy's BLAS threads need next: let them sleep instead (unless the user chose)
    if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        import numba  # noqa: F401
    except ImportError:
        if want == "numba":
            raise ImportError('EMBER_KERNELS=numba but numba is not installed: pip install "ember[fast]"') from None
        return "numpy"
    t = os.environ.get("EMBER_BLAS_TIMEOUT", "").strip()
    if t:
        if not t.isdigit():
            raise ValueError(f"EMBER_BLAS_TIMEOUT must be an integer (4..30), got {t!r}")
        _calm_blas(int(t))
    return "numba"


_GET_PARALLEL = ("openblas_get_parallel", "openblas_get_parallel64_", "scipy_openblas_get_parallel64_",
                 "scipy_openblas_get_parallel")


def _calm_blas(timeout=4):
    """Let NumPy's OpenBLAS threads sleep as soon as a GEMM ends (#13).

    OpenBLAS's pthread workers spin (``sched_yield``) for 2**28 cycles, about 0.1 s, after
    each call, so between GEMMs they hold the second core that numba's workers need; the
    kernel's worker then queues on the main thread's core and the parallel loop runs
    serially. ``OPENBLAS_THREAD_TIMEOUT`` shortens the spin but is read when the library
    loads, before ember can set it, so it is applied here: read the variable again and
    restart the (idle) BLAS threads. Skipped when the user set the variable, for OpenBLAS
    built with OpenMP, and where ``/proc/self/maps`` is missing. Returns the libraries done.
    """
    if "OPENBLAS_THREAD_TIMEOUT" in os.environ or "GOTO_THREAD_TIMEOUT" in os.environ:
        return []
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({ln.split()[-1] for ln in f if "openblas" in ln.rsplit("/", 1)[-1].lower()})
    except OSError:
        return []
    done = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)   # already loaded: the same handle
        except OSError:
            continue
        par = next((getattr(lib, n) for n in _GET_PARALLEL if hasattr(lib, n)), None)
        need = ("openblas_read_env", "openblas_thread_timeout", "blas_thread_shutdown_", "blas_thread_init")
        if par is None or par() != 1 or not all(hasattr(lib, n) for n in need):
            continue   # not OpenBLAS's own pthread server
        os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(timeout)
        try:
            lib.openblas_read_env()
            if lib.openblas_thread_timeout() == timeout:
                lib.blas_thread_shutdown_()
                lib.blas_thread_init()   # reads the timeout; it stays set after the env is restored
                done.append(path)
        finally:
            del os.environ["OPENBLAS_THREAD_TIMEOUT"]
            lib.openblas_read_env()
    return done


def available():
    """True when ops run numba kernels (numba installed and not switched off)."""
    mode = _state["mode"]
    if mode is None:
        mode = _state["mode"] = _decide()
    return mode == "numba"


def load(name):
    """The kernel module ``ember._kernels.<name>``, or None on the NumPy path."""
    if not available():
        return None
    mod = _modules.get(name)
    if mod is None:
        mod = _modules[name] = importlib.import_module(f"{__name__}.{name}")
    return mod


class use:
    """Switch the kernel path: ``use("numpy")`` or ``use("numba")``; also a context manager.

    Example::

        >>> x = ember.randn(1, 1, 4, 4)
        >>> with ember._kernels.use("numpy"):
        ...     y = ember.nn.functional.max_pool2d(x, 2)   # the NumPy reference
        >>> y.shape
        torch.Size([1, 1, 2, 2])
    """

    def __init__(self, mode):
        if mode not in ("numba", "numpy"):
            raise ValueError(f"use() takes 'numba' or 'numpy', got {mode!r}")
        if mode == "numba":
            import numba  # noqa: F401  (ImportError when absent)
        self._prev = _state["mode"]
        _state["mode"] = mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _state["mode"] = self._prev


def jit(fn=None, *, parallel=False, **options):
    """``numba.njit`` with ember's defaults: cached on disk, no fastmath (results stay
    IEEE, as the NumPy reference's), parallel loops (``numba.prange``) when asked."""
    import numba

    def wrap(f):
        return numba.njit(cache=True, parallel=parallel, nogil=True, **options)(f)
    return wrap if fn is None else wrap(fn)
