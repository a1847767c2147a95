"""Process-wide set-up that must run before the first array: the memory allocator and
NumPy's floating-point warnings. ``import ember`` imports this module first.

(The ops use NumPy directly; a second array library, CuPy for CUDA, is planned and will
need its own indirection: see design.md.)

Allocator: NumPy takes every array from C ``malloc``. glibc serves blocks above its
mmap threshold with fresh ``mmap`` pages and hands freed memory back to the kernel,
so a training step that allocates the same activation-sized arrays every iteration
page-faults each of their pages again (thousands of faults per step, 1-3 us each on
a VM). PyTorch users fix this with jemalloc or tcmalloc; ember asks glibc to keep
blocks up to 32 MiB on its heap and not to trim freed memory below 256 MiB, which is
the reuse a caching allocator gives. ``EMBER_MALLOC_TUNING=0`` turns it off; it is a
no-op off glibc.

Floating-point warnings: see the filter at the bottom.
"""
import os
import warnings

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20


def tune_allocator(mmap_threshold=MMAP_THRESHOLD, trim_threshold=TRIM_THRESHOLD):
    """Set glibc's mmap and trim thresholds; return True when glibc took both."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (macOS, Windows, musl without mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) & bool(mallopt(_M_TRIM_THRESHOLD, trim_threshold))


allocator_tuned = os.environ.get("EMBER_MALLOC_TUNING", "1") != "0" and tune_allocator()

# IEEE results (sqrt(-1) = nan, 1/0 = inf, inf * 0 = nan) come back silently from
# PyTorch; NumPy reports them as RuntimeWarnings. Ignore those warnings when ember's own
# code raised them (an np.errstate around every op would cost ~1 us each); NumPy calls
# elsewhere in the program keep warning.
warnings.filterwarnings(
    "ignore", message=r"(invalid value|divide by zero|overflow|underflow) encountered",
    category=RuntimeWarning, module=r"ember(\.|$)")
