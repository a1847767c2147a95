"""``torchrun`` for ember: start N workers under MPI with torchrun's environment.

    python -m ember.distributed.run --nproc_per_node=2 train.py --lr 0.1
    emberrun --standalone --nproc-per-node=2 -m mypkg.train

Each worker is an MPI rank started by ``mpiexec`` (the one the ``mpich`` wheel installs
next to this Python, or ``$EMBER_MPIEXEC``) and sees RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, GROUP_RANK, ROLE_RANK, ROLE_WORLD_SIZE, MASTER_ADDR and MASTER_PORT,
so ``init_process_group("gloo")`` with ``env://`` works unchanged. Single node only;
the elastic flags (rendezvous, restarts) are accepted and ignored.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import uuid

__all__ = ["main", "get_args_parser", "mpiexec_path"]


def get_args_parser():
    p = argparse.ArgumentParser(prog="emberrun", description="ember distributed launcher (torchrun's flags, on MPI)")

    def opt(*names, **kw):
        p.add_argument(*names, *[n.replace("-", "_").replace("__", "--", 1) for n in names
                                 if "-" in n[2:]], **kw)
    opt("--nnodes", default="1:1", help="number of nodes (only 1 is supported)")
    opt("--nproc-per-node", default="1", help="workers on this node: an int, 'cpu' or 'auto'")
    opt("--node-rank", type=int, default=0)
    opt("--master-addr", default="127.0.0.1")
    opt("--master-port", type=int, default=29500)
    opt("--standalone", action="store_true", help="single node on a free port of localhost")
    for name in ("--rdzv-backend", "--rdzv-endpoint", "--rdzv-id", "--rdzv-conf", "--max-restarts",
                 "--monitor-interval", "--start-method", "--role", "--log-dir", "--redirects",
                 "--tee", "--local-addr", "--local-ranks-filter"):
        opt(name, default=None, help=argparse.SUPPRESS)
    p.add_argument("-m", "--module", action="store_true", help="run the script as a module (python -m)")
    opt("--no-python", action="store_true", help="run the script as an executable, without python")
    opt("--run-path", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("training_script")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def _nproc(value):
    if value in ("cpu", "auto"):
        return os.cpu_count() or 1
    if value in ("gpu", "xpu"):
        raise ValueError("Cuda is not available.")
    n = int(value)
    if n < 1:
        raise ValueError(f"--nproc-per-node must be at least 1, got {n}")
    return n


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mpiexec_path():
    """The MPI launcher: ``$EMBER_MPIEXEC``, the mpich wheel's beside this Python, or PATH's."""
    found = os.environ.get("EMBER_MPIEXEC")
    for d in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        found = found or shutil.which("mpiexec", path=d)
    found = found or shutil.which("mpiexec")
    if not found:
        raise RuntimeError("mpiexec not found: pip install 'ember[distributed]' (mpi4py and the mpich wheel)")
    return found


def command(args):
    """(argv for mpiexec, environment) that start the workers of ``args``."""
    if str(args.nnodes) not in ("1", "1:1"):
        raise ValueError(f"--nnodes={args.nnodes}: ember's launcher runs one node; for several, "
                         "start the script with mpiexec and a host file")
    n = _nproc(args.nproc_per_node)
    env = dict(os.environ)
    env.update(MASTER_ADDR="localhost" if args.standalone else args.master_addr,
               MASTER_PORT=str(_free_port() if args.standalone else args.master_port),
               WORLD_SIZE=str(n), LOCAL_WORLD_SIZE=str(n), ROLE_WORLD_SIZE=str(n), GROUP_RANK="0",
               GROUP_WORLD_SIZE="1", ROLE_NAME=args.role or "default", TORCHELASTIC_RESTART_COUNT="0",
               TORCHELASTIC_MAX_RESTARTS="0", TORCHELASTIC_RUN_ID=args.rdzv_id or uuid.uuid4().hex)
    if n > 1:
        env.setdefault("OMP_NUM_THREADS", "1")
    if args.no_python:
        worker = [args.training_script]
    elif args.module:  # through _worker: a failing rank aborts the job instead of hanging it
        worker = [sys.executable, "-u", "-m", "ember.distributed._worker", "-m", args.training_script]
    else:
        worker = [sys.executable, "-u", "-m", "ember.distributed._worker", args.training_script]
    worker += args.training_script_args
    argv = [mpiexec_path()]
    for rank in range(n):
        if rank:
            argv.append(":")
        argv += ["-n", "1"]
        for k in ("RANK", "LOCAL_RANK", "ROLE_RANK"):
            argv += ["-env", k, str(rank)]
        argv += worker
    return argv, env


def run(args):
    """Start the workers and wait; SIGTERM/SIGHUP to the launcher end every worker."""
    argv, env = command(args)
    proc = subprocess.Popen(argv, env=env)

    def forward(sig, frame):
        proc.send_signal(sig)

    old = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def main(args=None):
    args = get_args_parser().parse_args(args)
    rc = run(args)
    if rc:
        print(f"emberrun: workers of {args.training_script} failed (exit code {rc})", file=sys.stderr)
    sys.exit(rc)


if __name__ == "__main__":
    main()
