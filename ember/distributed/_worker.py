"""What each launcher worker runs: the training script, then an MPI abort if it failed.

``python -m ember.distributed._worker [-m] script args...`` runs the script as
``python [-m] script args...`` would. If it raises or exits with a non-zero code
after MPI started, the whole job is aborted (``MPI_Abort``), so no rank waits
forever for a peer that is gone; torchrun likewise ends every worker when one fails.
"""
import os
import runpy
import sys
import traceback


def _abort(code):
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized() and mpi.COMM_WORLD.Get_size() > 1:
        mpi.COMM_WORLD.Abort(code)
    sys.exit(code)


def main(argv):
    module = bool(argv) and argv[0] == "-m"
    if module:
        argv = argv[1:]
    if not argv:
        sys.exit("usage: python -m ember.distributed._worker [-m] script [args...]")
    target, sys.argv = argv[0], list(argv)
    try:
        if module:
            sys.path[0] = os.getcwd()
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            sys.path[0] = os.path.dirname(os.path.abspath(target))
            runpy.run_path(target, run_name="__main__")
    except SystemExit as e:
        code = e.code
        if code is None or code == 0:
            raise
        if not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        _abort(code)
    except BaseException:
        traceback.print_exc()
        _abort(1)


if __name__ == "__main__":
    main(sys.argv[1:])
