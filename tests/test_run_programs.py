"""Real training programs (tests/programs/, written against torch) run unchanged under
``python -m ember.run`` and print the losses torch prints for them."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")
NUM = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")

# (program, arguments, relative tolerance on every number it prints)
CASES = [
    ("mnist_cnn.py", ["--batches", "2", "--epochs", "1"], 1e-4),
    ("word_lm.py", ["--model", "LSTM", "--batches", "3"], 1e-5),
    ("word_lm.py", ["--model", "GRU", "--batches", "3"], 1e-5),
    ("word_lm.py", ["--model", "RNN_TANH", "--batches", "3"], 1e-5),
    ("word_lm.py", ["--model", "Transformer", "--batches", "3"], 1e-5),
    ("vae.py", [], 1e-5),
    ("spawn_workers.py", [], 1e-5),
    # bfloat16 elementwise ops (gelu, add) round differently inside: a looser tolerance
    ("amp_checkpoint_func.py", [], 2e-3),
]


def _start(cmd):
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    return subprocess.Popen(cmd, cwd=PROGRAMS, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(p, who):
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, f"{who} failed:\n{err[-3000:]}"
    return [line for line in out.splitlines() if line.strip()]


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


@pytest.mark.parametrize("program,args,rtol", CASES, ids=[f"{c[0]}{'-' + c[1][1] if c[1] and c[1][0] == '--model' else ''}"
                                                         for c in CASES])
def test_program_prints_torchs_losses(program, args, rtol):
    ember_p = _start([sys.executable, "-m", "ember.run", program, *args])
    torch_p = _start([sys.executable, program, *args])
    got, want = _finish(ember_p, "ember"), _finish(torch_p, "torch")
    assert len(got) == len(want), (got, want)
    assert any("loss" in line for line in want)
    for g, w in zip(got, want):
        assert _same(g, w, rtol), f"\nember: {g}\ntorch: {w}"
