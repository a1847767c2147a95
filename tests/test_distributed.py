"""ember.distributed: errors in-process against torch; collectives and DDP in real 2-rank MPI runs
(through the launcher and through a bare mpiexec)."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
import torch
from oracle import check_raises

import ember
import ember.distributed  # noqa: F401  (ember.distributed resolves as an attribute after this)
from ember.distributed import run as erun

try:
    MPIEXEC = erun.mpiexec_path() if ember.distributed.is_available() else None
except RuntimeError:
    MPIEXEC = None
needs_mpi = pytest.mark.skipif(
    MPIEXEC is None, reason="mpi4py or mpiexec missing: pip install -e '.[distributed]' (mpi4py, mpich)")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---- in-process: no MPI is started ----------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda m: m.distributed.get_rank(),
    lambda m: m.distributed.get_world_size(),
    lambda m: m.distributed.barrier(),
    lambda m: m.distributed.all_reduce(m.ones(2)),
    lambda m: m.distributed.broadcast(m.ones(2), 0),
    lambda m: m.distributed.new_group([0]),
    lambda m: m.nn.parallel.DistributedDataParallel(m.nn.Linear(2, 2)),
    pytest.param(lambda m: m.utils.data.DistributedSampler(range(4)), marks=needs_mpi),
])
def test_uninitialised_errors(call):
    e = check_raises(call)
    assert str(e) == ("Default process group has not been initialized, please make sure to call "
                      "init_process_group.")


def test_backends_and_availability(monkeypatch):
    d = ember.distributed
    assert not d.is_initialized() and not d.is_nccl_available()
    assert d.is_available() == d.is_mpi_available() == d.is_gloo_available()
    e = check_raises(lambda m: m.distributed.init_process_group("gloo"))   # no RANK in the env
    assert "environment variable RANK expected" in str(e)
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", str(erun._free_port()))
    e = check_raises(lambda m: m.distributed.init_process_group("nccl", rank=0, world_size=1))
    assert str(e) == "Distributed package doesn't have NCCL built in"
    assert not d.is_initialized()
    assert d.Backend("GLOO") == d.Backend.GLOO == "gloo" and d.Backend.MPI == "mpi"
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        assert int(getattr(d.ReduceOp, name)) == int(getattr(torch.distributed.ReduceOp, name))
    assert str(d.ReduceOp.SUM) == str(torch.distributed.ReduceOp.SUM)
    assert d.group.WORLD is None and d.GroupMember.NON_GROUP_MEMBER == -100


def test_import_does_not_load_mpi():
    code = "import sys, ember, ember.distributed, ember.nn.parallel; print('mpi4py' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def test_launcher_command(monkeypatch):
    monkeypatch.setattr(erun, "mpiexec_path", lambda: "mpiexec")
    args = erun.get_args_parser().parse_args(
        ["--nproc_per_node=2", "--master_addr", "10.0.0.1", "--master-port=1234", "train.py", "--lr", "1"])
    argv, env = erun.command(args)
    assert argv[0] == "mpiexec" and argv.count(":") == 1
    first = argv[:argv.index(":")]
    assert first[-3:] == ["train.py", "--lr", "1"] and first[first.index("RANK") + 1] == "0"
    assert argv[argv.index("RANK", len(first)) + 1] == "1"
    assert (env["WORLD_SIZE"], env["LOCAL_WORLD_SIZE"], env["MASTER_ADDR"], env["MASTER_PORT"]) == \
        ("2", "2", "10.0.0.1", "1234")
    args = erun.get_args_parser().parse_args(["--standalone", "--nproc-per-node", "3", "-m", "pkg.train"])
    argv, env = erun.command(args)
    assert argv[-5:] == ["-u", "-m", "ember.distributed._worker", "-m", "pkg.train"]
    assert env["MASTER_ADDR"] == "localhost"
    with pytest.raises(ValueError):
        erun.command(erun.get_args_parser().parse_args(["--nnodes=2", "t.py"]))


# ---- real runs: 2 MPI ranks ----------------------------------------------------------

COLLECTIVES = """
import json
import ember as torch
import ember.distributed as dist

dist.init_process_group("gloo", init_method="env://")
r, n = dist.get_rank(), dist.get_world_size()
out = {"env": [os.environ[k] for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE")],
       "backend": dist.get_backend(), "rank": r, "n": n}
base = torch.zeros(2, 3)
v = base[:, 1]
v += r + 1
dist.all_reduce(v)
out["view"] = base.tolist()
for name in ("SUM", "PRODUCT", "MIN", "MAX", "AVG"):
    t = torch.tensor([r + 1.0, 2.0 * (r + 1)])
    dist.all_reduce(t, op=getattr(dist.ReduceOp, name))
    out[name] = t.tolist()
t = torch.tensor([6, 3]) if r else torch.tensor([5, 1])
dist.all_reduce(t, op=dist.ReduceOp.BXOR)
out["bxor"] = t.tolist()
t = torch.tensor([r == 0, False])
dist.all_reduce(t)
out["bool"] = t.tolist()
t = torch.tensor([1.5], dtype=torch.float16) * (r + 1)
dist.all_reduce(t)
out["half"] = [t.tolist(), str(t.dtype)]
t = torch.full((2,), float(r))
dist.broadcast(t, src=1)
out["bcast"] = t.tolist()
l = [torch.zeros(2) for _ in range(n)]
dist.all_gather(l, torch.full((2,), r + 1.0))
out["all_gather"] = [x.tolist() for x in l]
o = torch.zeros(n, 2)
dist.all_gather_into_tensor(o, torch.full((2,), r + 1.0))
out["all_gather_into_tensor"] = o.tolist()
t = torch.tensor([r + 1.0])
dist.reduce(t, dst=0)
out["reduce"] = t.tolist()
g = [torch.zeros(1) for _ in range(n)] if r == 0 else None
dist.gather(torch.tensor([r * 10.0]), g, dst=0)
out["gather"] = [x.tolist() for x in g] if g else None
s = torch.zeros(2)
dist.scatter(s, [torch.full((2,), i + 5.0) for i in range(n)] if r == 1 else None, src=1)
out["scatter"] = s.tolist()
o = torch.zeros(2)
dist.reduce_scatter_tensor(o, torch.arange(4.) * (r + 1))
out["reduce_scatter_tensor"] = o.tolist()
o = torch.zeros(1)
dist.reduce_scatter(o, [torch.tensor([1.0 + i]) for i in range(n)])
out["reduce_scatter"] = o.tolist()
o = torch.zeros(n)
dist.all_to_all_single(o, torch.arange(n) + 10.0 * r)
out["all_to_all_single"] = o.tolist()
ol = [torch.zeros(1, dtype=torch.int64) for _ in range(n)]
dist.all_to_all(ol, [torch.tensor([100 * r + i]) for i in range(n)])
out["all_to_all"] = [x.tolist() for x in ol]
if r == 0:
    dist.send(torch.tensor([7.0, 8.0]), dst=1)
else:
    t = torch.zeros(2)
    out["recv_src"] = dist.recv(t)
    out["recv"] = t.tolist()
t = torch.zeros(1)
works = [dist.isend(torch.tensor([float(r)]), dst=1 - r), dist.irecv(t, src=1 - r)]
[w.wait() for w in works]
out["irecv"] = t.tolist()
t = torch.ones(3)
w = dist.all_reduce(t, async_op=True)
out["async"] = [w.wait(), w.is_completed(), t.tolist()]
objs = [None, None] if r else [{"a": 1}, "x"]
dist.broadcast_object_list(objs, src=0)
out["bobj"] = objs
ol = [None] * n
dist.all_gather_object(ol, ["r", r])
out["agobj"] = ol
g = dist.new_group([1])
out["sub"] = [dist.get_rank(g), dist.get_world_size(g)]
if r == 1:
    t = torch.ones(1)
    dist.all_reduce(t, group=g)
    out["sub_reduce"] = t.tolist()
errs = []
for f in (lambda: dist.all_reduce(torch.ones(2, dtype=torch.int64), op=dist.ReduceOp.AVG),
          lambda: dist.all_reduce(torch.ones(2), op=dist.ReduceOp.BAND),
          lambda: dist.all_gather([torch.zeros(1)], torch.ones(1)),
          lambda: dist.init_process_group("gloo"),
          lambda: dist.send(torch.ones(1), dst=r)):
    try:
        f()
    except Exception as e:
        errs.append(type(e).__name__)
out["errors"] = errs
dist.barrier()
dist.destroy_process_group()
out["after"] = dist.is_initialized()
open(f"result{r}.json", "w").write(json.dumps(out))
"""

DDP = """
import json
import ember as torch
import ember.distributed as dist
from ember import nn
from ember.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
torch.manual_seed(rank)                    # different inits: DDP broadcasts rank 0's


def net():
    m = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    m.register_buffer("seen", torch.full((1,), float(rank)))
    return m


model = DDP(net())
init = {k: v.clone() for k, v in model.module.state_dict().items()}
torch.manual_seed(0)
x, y = torch.randn(8, 4), torch.randn(8, 2)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
mine = slice(rank * 4, rank * 4 + 4)
for step in range(3):
    opt.zero_grad()
    with model.no_sync():                   # micro-batch 1: local grads only
        nn.functional.mse_loss(model(x[mine][:2]), y[mine][:2]).backward()
    nn.functional.mse_loss(model(x[mine][2:]), y[mine][2:]).backward()
    opt.step()
final = {k: v.tolist() for k, v in model.module.state_dict().items()}
out = {"rank": rank, "keys": list(model.state_dict()), "final": final, "buffer": float(init["seen"])}
if rank == 0:                                # the same steps in one process on the full batch
    ref = net()
    ref.load_state_dict(init)
    ropt = torch.optim.SGD(ref.parameters(), lr=0.1)
    a, b = [0, 1, 4, 5], [2, 3, 6, 7]
    for step in range(3):
        ropt.zero_grad()
        nn.functional.mse_loss(ref(x[a]), y[a]).backward()
        nn.functional.mse_loss(ref(x[b]), y[b]).backward()
        ropt.step()
    out["ref"] = {k: v.tolist() for k, v in ref.state_dict().items()}

# find_unused_parameters: a branch used on rank 1 only gets rank 1's grad / 2 on both ranks
class Two(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.c = nn.Linear(2, 1), nn.Linear(2, 1), nn.Linear(2, 1)

    def forward(self, x):
        return self.a(x) + (self.b(x) if rank == 1 else 0)

two = DDP(Two(), find_unused_parameters=True)
two(torch.ones(1, 2)).sum().backward()
out["unused"] = [two.module.b.weight.grad.tolist(), two.module.c.weight.grad is None,
                 two.module.a.weight.grad.tolist()]
open(f"result{rank}.json", "w").write(json.dumps(out))
dist.destroy_process_group()
"""


def _launch(tmp_path, body, via):
    script = tmp_path / "script.py"
    script.write_text("import os\n" + textwrap.dedent(body))
    if via == "launcher":
        argv = [sys.executable, "-m", "ember.distributed.run", "--standalone", "--nproc_per_node=2", str(script)]
    else:
        argv = [MPIEXEC, "-n", "2", sys.executable, str(script)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return [json.loads((tmp_path / f"result{r}.json").read_text()) for r in range(2)]


@needs_mpi
@pytest.mark.parametrize("via", ["launcher", "mpiexec"])
def test_collectives(tmp_path, via):
    r0, r1 = _launch(tmp_path, COLLECTIVES, via)
    assert r0["env"] == ["0", "0", "2", "2"] and r1["env"] == ["1", "1", "2", "2"]
    for r in (r0, r1):
        assert r["backend"] == "gloo" and r["n"] == 2
        assert r["view"] == [[0, 3, 0], [0, 3, 0]]       # in place, through the view
        assert (r["SUM"], r["PRODUCT"], r["MIN"], r["MAX"], r["AVG"]) == \
            ([3, 6], [2, 8], [1, 2], [2, 4], [1.5, 3])
        assert r["bxor"] == [3, 2] and r["bool"] == [True, False]
        assert r["half"] == [[4.5], "torch.float16"]
        assert r["bcast"] == [1, 1]
        assert r["all_gather"] == [[1, 1], [2, 2]] and r["all_gather_into_tensor"] == [[1, 1], [2, 2]]
        assert r["async"] == [True, True, [2, 2, 2]]
        assert r["bobj"] == [{"a": 1}, "x"] and r["agobj"] == [["r", 0], ["r", 1]]
        assert r["errors"] == ["RuntimeError", "RuntimeError", "RuntimeError", "ValueError", "ValueError"]
        assert r["after"] is False
    assert (r0["reduce"], r1["reduce"]) == ([3], [2])     # non-destination keeps its tensor
    assert r0["gather"] == [[0], [10]] and r1["gather"] is None
    assert (r0["scatter"], r1["scatter"]) == ([5, 5], [6, 6])
    assert (r0["reduce_scatter_tensor"], r1["reduce_scatter_tensor"]) == ([0, 3], [6, 9])
    assert (r0["reduce_scatter"], r1["reduce_scatter"]) == ([2], [4])
    assert (r0["all_to_all_single"], r1["all_to_all_single"]) == ([0, 10], [1, 11])
    assert (r0["all_to_all"], r1["all_to_all"]) == ([[0], [100]], [[1], [101]])
    assert (r1["recv_src"], r1["recv"]) == (0, [7, 8])
    assert (r0["irecv"], r1["irecv"]) == ([1], [0])
    assert r0["sub"] == [-1, -1] and r1["sub"] == [0, 1] and r1["sub_reduce"] == [1]


@needs_mpi
@pytest.mark.parametrize("via", ["launcher", "mpiexec"])
def test_ddp_matches_single_process(tmp_path, via):
    import numpy as np

    r0, r1 = _launch(tmp_path, DDP, via)
    assert r0["final"] == r1["final"]                      # bit-identical replicas
    assert r0["keys"] == ["module.seen", "module.0.weight", "module.0.bias", "module.2.weight",
                          "module.2.bias"]
    assert r0["buffer"] == r1["buffer"] == 0.0             # rank 0's buffer broadcast
    for k, v in r0["ref"].items():
        np.testing.assert_allclose(r0["final"][k], v, rtol=1e-5, atol=1e-6)
    for r in (r0, r1):
        assert r["unused"][1] is True                       # unused everywhere: grad stays None
        assert r["unused"][0] == r0["unused"][0] and r["unused"][2] == r0["unused"][2]
        np.testing.assert_allclose(r["unused"][0], [[0.5, 0.5]])  # rank 1's grad averaged over 2
        np.testing.assert_allclose(r["unused"][2], [[1.0, 1.0]])


@needs_mpi
def test_single_process_without_launcher(tmp_path):
    script = tmp_path / "one.py"
    script.write_text(textwrap.dedent("""
        import ember as torch
        import ember.distributed as dist
        dist.init_process_group("gloo", rank=0, world_size=1)
        t = torch.ones(2)
        dist.all_reduce(t, op=dist.ReduceOp.AVG)
        assert t.tolist() == [1, 1] and dist.get_world_size() == 1 and dist.group.WORLD is not None
        dist.destroy_process_group()
        dist.init_process_group("mpi")
        assert dist.get_backend() == "mpi"
        dist.destroy_process_group()
        try:
            dist.init_process_group("gloo", rank=0, world_size=2)
        except RuntimeError as e:
            assert "does not match the MPI world" in str(e)
        else:
            raise AssertionError("world_size 2 in a 1-process MPI world")
        """))
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr


@needs_mpi
def test_launcher_failure_exit_code(tmp_path):
    script = tmp_path / "fail.py"
    script.write_text("import os, sys\nsys.exit(3 if os.environ['RANK'] == '1' else 0)\n")
    p = subprocess.run([sys.executable, "-m", "ember.distributed.run", "--nproc_per_node=2", str(script)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode != 0 and "failed" in p.stderr


def test_mpiexec_found_beside_python():
    if shutil.which("mpiexec", path=os.path.dirname(sys.executable)) and MPIEXEC:
        assert os.path.dirname(MPIEXEC) == os.path.dirname(sys.executable)


# ---- a failing rank ends the job (issue #16 item 7) -----------------------------------

FAILING = """
import sys, time, datetime
import ember, ember.distributed as dist
dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=float(sys.argv[2])))
mode = sys.argv[1]
sub = dist.new_group([0, 1], timeout=datetime.timedelta(seconds=2)) if mode == "subgroup" else None
if dist.get_rank() == 1:
    if mode == "raise":
        raise ValueError("boom on rank 1")
    if mode == "exit1":
        sys.exit(1)
    if mode == "exit0":
        sys.exit(0)
    if mode == "objects":
        time.sleep(60)
    if mode == "subgroup":
        time.sleep(60)
t = ember.ones(2)
start = time.monotonic()
try:
    if mode == "objects":
        out = [None, None]
        dist.all_gather_object(out, 1)
    elif mode == "subgroup":  # the group's own timeout (2 s), not the default group's (600 s)
        dist.all_reduce(t, group=sub)
    else:
        dist.all_reduce(t)
except RuntimeError as e:
    print("TIMEOUT", round(time.monotonic() - start, 1), e, flush=True)
    raise
print("finished", flush=True)
"""


@needs_mpi
@pytest.mark.parametrize("via,mode", [("launcher", "raise"), ("launcher", "exit1"), ("launcher", "exit0"),
                                      ("mpiexec", "raise"), ("mpiexec", "exit0"), ("launcher", "objects"),
                                      ("mpiexec", "subgroup")])
def test_failing_rank_ends_the_job(tmp_path, via, mode):
    """One rank raising or exiting early: the job ends (no hang); a waiting peer times out."""
    import time

    script = tmp_path / "fail.py"
    script.write_text(FAILING)
    timeout = "2" if mode in ("exit0", "objects") else "600"
    if via == "launcher":
        argv = [sys.executable, "-m", "ember.distributed.run", "--nproc_per_node=2", str(script), mode, timeout]
    else:
        argv = [MPIEXEC, "-n", "2", sys.executable, str(script), mode, timeout]
    env = dict(os.environ, PYTHONPATH=ROOT)
    start = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    took = time.monotonic() - start
    assert p.returncode != 0 and "finished" not in p.stdout, p.stdout + p.stderr
    assert took < 60, took
    if mode == "raise":
        assert "boom on rank 1" in p.stderr
    if mode in ("exit0", "objects", "subgroup"):  # the peer waited for the timeout; its error ended the job
        assert "TIMEOUT" in p.stdout and "Timed out waiting 2000ms for" in p.stdout, p.stdout + p.stderr
        waited = float(p.stdout.split("TIMEOUT", 1)[1].split()[0])
        assert 1.9 <= waited < 30, waited


OBJECTS = """
import json, ember, ember.distributed as dist
dist.init_process_group("gloo")
r = dist.get_rank()
g = [None, None] if r == 0 else None
dist.gather_object({"r": r, "big": "x" * (r * 1000)}, g, dst=0)
out = [None]
dist.scatter_object_list(out, [["a", 1], {"b": 2}] if r == 1 else None, src=1)
objs = [None, None]
dist.all_gather_object(objs, ("rank", r))
b = [r, "z"] if r == 0 else [None, None]
dist.broadcast_object_list(b, src=0)
dist.monitored_barrier()
res = {"gather": g and [[x["r"], len(x["big"])] for x in g], "scatter": out, "all": objs, "bcast": b}
open(f"result{r}.json", "w").write(json.dumps(res))
dist.destroy_process_group()
"""


@needs_mpi
def test_object_collectives_of_any_size(tmp_path):
    """Object collectives run on non-blocking MPI (so they honour the timeout); sizes differ per rank."""
    r0, r1 = _launch(tmp_path, OBJECTS, "mpiexec")
    assert r0["gather"] == [[0, 0], [1, 1000]] and r1["gather"] is None
    assert r0["scatter"] == [["a", 1]] and r1["scatter"] == [{"b": 2}]
    assert r0["all"] == r1["all"] == [["rank", 0], ["rank", 1]]
    assert r0["bcast"] == r1["bcast"] == [0, "z"]
