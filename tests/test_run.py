"""``python -m ember.run`` and ``ember.install_as_torch``: a program's ``import torch`` gets
ember, in the program and in the processes it starts."""
import os
import subprocess
import sys
import textwrap

import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(tmp_path, code, *args, module=False, timeout=60):
    """Run ``code`` (a script in tmp_path) under ``python -m ember.run``; return stdout lines."""
    (tmp_path / "prog.py").write_text(textwrap.dedent(code))
    env = dict(os.environ, PYTHONPATH=ROOT)
    target = ["-m", "prog"] if module else [str(tmp_path / "prog.py")]
    p = subprocess.run([sys.executable, "-m", "ember.run", *target, *args], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def test_torch_is_ember_same_objects(tmp_path):
    out = run(tmp_path, """
        import torch, ember, torch.nn as nn, torch.nn.functional as F, torchvision
        from torch.utils.data import DataLoader
        from torchvision import transforms, datasets, models
        import torch.optim.lr_scheduler as sched
        print(torch is ember, torch.Tensor is ember.Tensor, nn is ember.nn, F is ember.nn.functional)
        print(torchvision is ember.vision, transforms is ember.vision.transforms,
              DataLoader is ember.utils.data.DataLoader, sched is ember.optim.lr_scheduler)
        print(ember.nn.__name__, ember.nn.__spec__.name, torch.randn(2, 3).shape)
    """)
    assert out == ["True True True True", "True True True True",
                   "ember.nn ember.nn torch.Size([2, 3])"]


def test_script_sees_python_semantics(tmp_path):
    out = run(tmp_path, """
        import sys, os
        print(sys.argv[1:], __name__, os.path.basename(__file__), sys.path[0] == os.path.dirname(__file__))
    """, "--lr", "0.1", "x")
    assert out == ["['--lr', '0.1', 'x'] __main__ prog.py True"]


def test_module_form(tmp_path):
    out = run(tmp_path, """
        import sys, torch
        print(__name__, sys.argv[1:], torch.__name__)
    """, "a", module=True)
    assert out == ["__main__ ['a'] ember"]


def test_missing_module_is_a_clear_error(tmp_path):
    out = run(tmp_path, """
        for name in ("torch.fx", "torch._dynamo", "torchvision.io_does_not_exist"):
            try:
                __import__(name)
            except ModuleNotFoundError as e:
                print(e, "|", e.name)
    """)
    assert out == ["No module named 'torch.fx' (ember has no ember.fx) | torch.fx",
                   "No module named 'torch._dynamo' (ember has no ember._dynamo) | torch._dynamo",
                   "No module named 'torchvision.io_does_not_exist' (ember has no "
                   "ember.vision.io_does_not_exist) | torchvision.io_does_not_exist"]


def test_children_get_ember(tmp_path):
    out = run(tmp_path, """
        import multiprocessing as mp, subprocess, sys
        import torch, torch.nn as nn

        def f(m):
            import torch
            return type(m).__module__, torch.__name__, tuple(m(torch.ones(1, 2)).shape)

        if __name__ == "__main__":
            for method in ("spawn", "forkserver"):
                with mp.get_context(method).Pool(1) as pool:
                    print(method, pool.map(f, [nn.Linear(2, 3)]))
            code = "import torch, torchvision, torch.nn; print(torch.__name__, torchvision.__name__)"
            print(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip())
            usage = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--help"],
                                   capture_output=True, text=True).stdout.split()[:2]
            print(*usage)
    """, timeout=120)
    assert out == ["spawn [('ember.nn.modules.linear', 'ember', (1, 3))]",
                   "forkserver [('ember.nn.modules.linear', 'ember', (1, 3))]",
                   "ember ember.vision", "usage: emberrun"]


def test_spawn_child_unpickles_torch_names(tmp_path):
    # a pickle that names torch.nn classes (as torch's own pickles do) loads in a spawned child
    out = run(tmp_path, """
        import multiprocessing as mp, pickle

        def load(blob):
            import pickle
            cls = pickle.loads(blob)
            return cls.__module__, cls.__name__

        if __name__ == "__main__":
            # protocol 0 pickle of the class torch.nn.modules.linear.Identity, as torch writes it
            blob = b"ctorch.nn.modules.linear\\nIdentity\\np0\\n."
            with mp.get_context("spawn").Pool(1) as pool:
                print(pool.map(load, [blob]))
    """, timeout=120)
    assert out == ["[('ember.nn.modules.linear', 'Identity')]"]


def test_install_as_torch_refuses_after_real_torch():
    import torch  # noqa: F401  (pytest's oracle already imported it)

    with pytest.raises(RuntimeError, match="real 'torch' is already imported"):
        ember.install_as_torch()


def test_install_as_torch_in_process(tmp_path):
    code = ("import ember; ember.install_as_torch(); import torch, torch.nn, torchvision.transforms as T;"
            "print(torch is ember, torch.nn is ember.nn, T is ember.vision.transforms)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "True", "True"]


def test_missing_script_and_usage(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-m", "ember.run", str(tmp_path / "nope.py")], env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "can't open file" in p.stderr
    p = subprocess.run([sys.executable, "-m", "ember.run"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 2 and "usage: python -m ember.run" in p.stderr


def test_exit_code_and_exception_propagate(tmp_path):
    (tmp_path / "prog.py").write_text("import sys\nsys.exit(3)\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-m", "ember.run", str(tmp_path / "prog.py")], env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 3
    (tmp_path / "prog.py").write_text("raise ValueError('boom')\n")
    p = subprocess.run([sys.executable, "-m", "ember.run", str(tmp_path / "prog.py")], env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "ValueError: boom" in p.stderr


def test_torchrun_started_by_the_program(tmp_path):
    """``python -m torch.distributed.run`` started by the program launches workers on ember."""
    pytest.importorskip("mpi4py")
    (tmp_path / "worker.py").write_text(textwrap.dedent("""
        import torch, torch.distributed as dist
        dist.init_process_group("gloo")
        t = torch.tensor([float(dist.get_rank() + 1)])
        dist.all_reduce(t)
        print(f"rank {dist.get_rank()} {torch.__name__} sum {t.item()}")
        dist.destroy_process_group()
    """))
    out = run(tmp_path, """
        import re, subprocess, sys
        r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                            "--nproc_per_node=2", "worker.py"], capture_output=True, text=True)
        # the two workers share one stdout: their lines may interleave
        print(r.returncode, sorted(re.findall(r"rank \\d \\w+ sum [\\d.]+", r.stdout)))
    """, timeout=200)
    assert out == ["0 ['rank 0 ember sum 3.0', 'rank 1 ember sum 3.0']"]
