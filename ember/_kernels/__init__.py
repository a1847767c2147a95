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

Threads: NumPy's OpenBLAS hands its parallel jobs to numba's threads, so BLAS and the
kernels share one pool (:mod:`ember._kernels.threads`). Where that cannot be (OpenBLAS
before 0.3.27, another BLAS), numba's threads sleep as soon as a loop ends
(``OMP_WAIT_POLICY=PASSIVE``) rather than spin on the cores BLAS needs next.
:func:`set_num_threads` (``ember.set_num_threads``) sets both pools' threads.
"""
import importlib
import os

__all__ = ["available", "load", "use", "jit"]

_state = {"mode": None, "threads": 0}   # mode: None until first asked, then "numba" or "numpy"
_modules = {}


def _decide():
    want = os.environ.get("EMBER_KERNELS", "auto").strip().lower()
    if want not in ("auto", "numba", "numpy"):
        raise ValueError(f"EMBER_KERNELS must be 'auto', 'numba' or 'numpy', got {want!r}")
    if want == "numpy":
        return "numpy"
    from . import openblas
    shared = [lib for lib in openblas.libraries() if openblas.pthreads(lib)
              and openblas.fn(lib, "set_threads_callback_function") is not None]
    # numba's OpenMP workers spin after each parallel loop by default; with a BLAS pool of
    # its own beside them, they would spin on the cores that pool needs next
    if not shared and "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        import numba  # noqa: F401
    except ImportError:
        if want == "numba":
            raise ImportError('EMBER_KERNELS=numba but numba is not installed: pip install "ember[fast]"') from None
        return "numpy"
    os.register_at_fork(after_in_child=_forked)
    if shared:   # OpenBLAS's thread count (ember.set_num_threads's, if called) goes to numba too
        threads = _modules["threads"] = importlib.import_module(f"{__name__}.threads")
        threads.share(shared)
    elif _state["threads"]:
        _numba_threads(_state["threads"])
    return "numba"


def _forked():
    """A forked child runs the NumPy path: GNU OpenMP (numba's threads) aborts a child that
    starts a team after its parent ran one."""
    _state["mode"] = "numpy"


def set_num_threads(n):
    """``ember.set_num_threads``: OpenBLAS's threads and numba's (at most numba's maximum,
    ``NUMBA_NUM_THREADS``; the count numba takes is per calling thread). With one shared
    pool OpenBLAS gets numba's count: a GEMM's jobs must all run at once."""
    from . import openblas
    _state["threads"] = n
    if _state["mode"] == "numba":
        capped = _numba_threads(n)
        if "threads" in _modules:
            n = capped
    openblas.set_threads(n)


def _numba_threads(n):
    import numba
    n = max(1, min(n, numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n)
    return n


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
    IEEE, as the NumPy reference's), parallel loops (``numba.prange``) when asked. A kernel
    whose reference is a formula rather than NumPy's exact operations may pass
    ``fastmath={"contract"}`` (a*b+c as one FMA, as torch's vector code), and a reduction
    ``fastmath={"reassoc"}`` (sums in vector lanes, as torch's and NumPy's pairwise sums)."""
    import numba

    def wrap(f):
        return numba.njit(cache=True, parallel=parallel, nogil=True, **options)(f)
    return wrap if fn is None else wrap(fn)
