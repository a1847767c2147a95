"""One thread pool for NumPy's BLAS and the compiled kernels (torch shares one OpenMP pool).

NumPy's OpenBLAS runs its parallel GEMMs on its own pthreads, numba's kernels on an
OpenMP team: two pools on the same cores. OpenBLAS's threads spin about 0.1 s after each
call, on the core a following kernel needs; an OpenMP team told to sleep at once
(``OMP_WAIT_POLICY=PASSIVE``) takes about 70 us to wake on a virtual machine, every
kernel. OpenBLAS (0.3.27 on) can hand its parallel jobs to the caller instead
(``openblas_set_threads_callback_function``): :func:`share` gives them to numba's team,
so a GEMM and the kernel after it run on the same threads, which spin briefly between
calls (the OpenMP default) as torch's do.

The callback is a numba ``cfunc``: a spin lock (one BLAS call at a time: OpenBLAS keeps
one buffer per job index), then ``prange`` over the jobs. Every job must run at once (a
threaded GEMM's jobs wait on each other), so OpenBLAS never gets more threads than
numba has (``_kernels.set_num_threads``). A forked child cannot use the parent's OpenMP team:
there the callback is removed (and ember's ops take the NumPy path).
"""
import atexit
import ctypes
import os

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from . import _numba_threads, jit, openblas

_I32 = ir.IntType(32)


@intrinsic
def _call_job(typingctx, fn, i, data, arg):
    """``((void (*)(int, void *, int)) fn)(i, (void *) data, arg)``: one OpenBLAS job."""
    def codegen(context, builder, signature, args):
        fp, iv, dp, av = args
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [_I32, i8p, _I32])
        builder.call(builder.inttoptr(fp, fnty.as_pointer()), [iv, builder.inttoptr(dp, i8p), av])
        return context.get_dummy_value()
    return types.void(types.intp, types.int32, types.intp, types.int32), codegen


def _lock_word(builder):
    """The callback module's lock: an i32, 0 when free."""
    gv = builder.module.globals.get("ember_blas_lock")
    if gv is None:
        gv = ir.GlobalVariable(builder.module, _I32, "ember_blas_lock")
        gv.linkage = "internal"
        gv.initializer = ir.Constant(_I32, 0)
    return gv


@intrinsic
def _lock(typingctx):
    def codegen(context, builder, signature, args):
        word = _lock_word(builder)
        spin = builder.append_basic_block("lock.spin")
        held = builder.append_basic_block("lock.held")
        builder.branch(spin)
        builder.position_at_end(spin)
        got = builder.cmpxchg(word, ir.Constant(_I32, 0), ir.Constant(_I32, 1), "acquire", "monotonic")
        builder.cbranch(builder.extract_value(got, 1), held, spin)
        builder.position_at_end(held)
        return context.get_dummy_value()
    return types.void(), codegen


@intrinsic
def _unlock(typingctx):
    def codegen(context, builder, signature, args):
        builder.store_atomic(ir.Constant(_I32, 0), _lock_word(builder), "release", 4)
        return context.get_dummy_value()
    return types.void(), codegen


@jit(parallel=True)
def _run_jobs(dojob, numjobs, elsize, jobdata, arg):
    for i in numba.prange(numjobs):
        _call_job(dojob, np.int32(i), jobdata + i * elsize, arg)


_run_jobs(0, 0, 0, 0, 0)   # starts numba's threads: the cached callback below links against them


# void (*)(int sync, dojob_callback dojob, int numjobs, size_t jobdata_elsize, void *jobdata, int dojob_data)
@numba.cfunc(types.void(types.int32, types.intp, types.int32, types.intp, types.intp, types.int32), cache=True)
def _blas_callback(sync, dojob, numjobs, elsize, jobdata, arg):
    _lock()
    _run_jobs(dojob, numjobs, elsize, jobdata, arg)
    _unlock()


_shared = []   # the OpenBLAS libraries whose jobs run here


def _set_callback(lib, address):
    openblas.fn(lib, "set_threads_callback_function")(ctypes.c_void_p(address))


def share(libs):
    """Run the parallel jobs of ``libs`` (OpenBLAS pthread builds, 0.3.27 on) on numba's
    threads, where numba's threading layer is thread-safe (omp, tbb). Returns the libraries
    done."""
    if _shared or numba.threading_layer() not in ("omp", "tbb"):
        return _shared
    openblas.set_threads(_numba_threads(openblas.threads(libs[0])))   # never more jobs than numba's threads
    for lib in libs:
        _set_callback(lib, _blas_callback.address)
        _shared.append(lib)
    if _shared:
        os.register_at_fork(after_in_child=_unshare)   # a forked child cannot use numba's team
        atexit.register(_unshare)   # before numba's pool goes at exit
    return _shared


def _unshare():
    while _shared:
        _set_callback(_shared.pop(), 0)

