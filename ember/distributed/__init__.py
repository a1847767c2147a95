"""``torch.distributed`` on MPI: process groups, collectives, point-to-point, objects.

Start N workers with the launcher (torchrun's flags)::

    python -m ember.distributed.run --nproc_per_node=2 train.py   # or: emberrun ...
    mpiexec -n 2 python train.py                                 # plain MPI works too

and in each::

    import ember.distributed as dist
    dist.init_process_group("gloo")     # "gloo" runs over MPI here, as "mpi" does
    dist.all_reduce(t)                  # in place, like torch

Needs the ``distributed`` extra (mpi4py and the mpich wheel, which ships ``mpiexec``).
"""
import os as _os

from .distributed_c10d import *  # noqa: F401,F403
from .distributed_c10d import _launched_by_mpi


def _env_from_mpi():
    """Under a bare ``mpiexec``, give the worker torchrun's variables (RANK, LOCAL_RANK, ...)."""
    env = _os.environ
    if "RANK" in env or not _launched_by_mpi():
        return
    for name, keys in (("RANK", ("PMI_RANK", "PMIX_RANK", "OMPI_COMM_WORLD_RANK")),
                       ("WORLD_SIZE", ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")),
                       ("LOCAL_RANK", ("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK")),
                       ("LOCAL_WORLD_SIZE", ("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE"))):
        value = next((env[k] for k in keys if k in env), None)
        if value is not None:
            env.setdefault(name, value)
    env.setdefault("MASTER_ADDR", "127.0.0.1")
    env.setdefault("MASTER_PORT", "29500")


_env_from_mpi()
