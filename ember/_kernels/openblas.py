"""NumPy's OpenBLAS through ctypes: its thread count and its threading callback.

Linux only (the loaded libraries are found in ``/proc/self/maps``); elsewhere, or with
another BLAS, :func:`libraries` is empty and ember leaves the BLAS alone. No numba here:
``ember.set_num_threads`` uses it on the NumPy path too.
"""
import ctypes

_libs = []
_found = [False]


def fn(lib, name):
    """``openblas_<name>`` under any of the prefixes and suffixes builds give it, or None."""
    for sym in (f"openblas_{name}", f"openblas_{name}64_", f"scipy_openblas_{name}64_", f"scipy_openblas_{name}"):
        f = getattr(lib, sym, None)
        if f is not None:
            return f
    return None


def libraries():
    """The OpenBLAS libraries loaded in this process (looked for once)."""
    if not _found[0]:
        _found[0] = True
        try:
            with open("/proc/self/maps") as f:
                paths = sorted({ln.split()[-1] for ln in f if "openblas" in ln.rsplit("/", 1)[-1].lower()})
        except OSError:
            paths = []
        for path in paths:
            try:
                lib = ctypes.CDLL(path)   # already loaded: the same handle
            except OSError:
                continue
            if fn(lib, "set_num_threads") is not None and fn(lib, "get_num_threads") is not None:
                _libs.append(lib)
    return _libs


def set_threads(n):
    for lib in libraries():
        fn(lib, "set_num_threads")(n)


def threads(lib):
    return fn(lib, "get_num_threads")()


def pthreads(lib):
    """True for OpenBLAS's own pthread server (not an OpenMP build)."""
    par = fn(lib, "get_parallel")
    return par is not None and par() == 1
