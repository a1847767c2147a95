"""Real training programs (tests/programs/, written against torch) run unchanged under
``python -m ember.run`` and print the losses torch prints for them.

Every program runs in its own ``python -m ember.run`` process (all started at once); torch's
side runs the same programs one after another in one process (torch imports once), each as
``__main__`` with its own ``sys.argv``, as ``python program.py`` would.
"""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")
NUM = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")
SEP = "=== program done ==="

# (id, program, ember's arguments, torch's arguments, relative tolerance on printed numbers)
CASES = [
    ("mnist_cnn", "mnist_cnn.py", ["--batches", "2", "--epochs", "1", "--batch-size", "16"], None, 1e-4),
    ("word_lm-LSTM", "word_lm.py", ["--model", "LSTM", "--batches", "2"], None, 1e-5),
    ("word_lm-GRU", "word_lm.py", ["--model", "GRU", "--batches", "2"], None, 1e-5),
    ("word_lm-RNN_TANH", "word_lm.py", ["--model", "RNN_TANH", "--batches", "2"], None, 1e-5),
    ("word_lm-Transformer", "word_lm.py", ["--model", "Transformer", "--batches", "2"], None, 1e-5),
    ("vae", "vae.py", [], None, 1e-5),
    # ember: two spawned DataLoader workers; torch: the same batches loaded in-process
    ("spawn_workers", "spawn_workers.py", ["--workers", "2"], ["--workers", "0"], 1e-5),
    # bfloat16 elementwise ops (gelu, add) round differently inside: a looser tolerance
    ("amp_checkpoint_func", "amp_checkpoint_func.py", [], None, 2e-3),
]

_TORCH_DRIVER = f"""
import runpy, sys
for prog, *args in [line.split() for line in sys.stdin.read().splitlines()]:
    sys.argv = [prog] + args
    runpy.run_path(prog, run_name="__main__")
    print({SEP!r}, flush=True)
"""


def _env():
    return dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")


@pytest.fixture(scope="module")
def outputs():
    """{case id: (ember's lines or an error, torch's lines)}."""
    ember_ps = {cid: subprocess.Popen([sys.executable, "-m", "ember.run", prog, *args], cwd=PROGRAMS,
                                      env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for cid, prog, args, _, _ in CASES}
    script = "\n".join(" ".join([prog, *(targs if targs is not None else args)])
                       for _, prog, args, targs, _ in CASES)
    torch_p = subprocess.run([sys.executable, "-c", _TORCH_DRIVER], input=script, cwd=PROGRAMS, env=_env(),
                             capture_output=True, text=True, timeout=600)
    assert torch_p.returncode == 0, torch_p.stderr[-3000:]
    torch_out = torch_p.stdout.split(SEP)
    result = {}
    for (cid, *_), tout in zip(CASES, torch_out):
        out, err = ember_ps[cid].communicate(timeout=600)
        got = [ln for ln in out.splitlines() if ln.strip()] if ember_ps[cid].returncode == 0 else err[-3000:]
        result[cid] = got, [ln for ln in tout.splitlines() if ln.strip()]
    return result


def _same(a, b, rtol):
    ta, tb = a.split(), b.split()
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if NUM.match(x) and NUM.match(y):
            fx, fy = float(x), float(y)
            if abs(fx - fy) > rtol * max(abs(fx), abs(fy), 1.0):
                return False
        elif x != y:
            return False
    return True


@pytest.mark.parametrize("cid,rtol", [(c[0], c[4]) for c in CASES], ids=[c[0] for c in CASES])
def test_program_prints_torchs_losses(outputs, cid, rtol):
    got, want = outputs[cid]
    assert isinstance(got, list), f"ember.run failed:\n{got}"
    assert len(got) == len(want), (got, want)
    assert any("loss" in line for line in want)
    for g, w in zip(got, want):
        assert _same(g, w, rtol), f"\nember: {g}\ntorch: {w}"
