"""pytorch/examples' vae, dcgan (fake data and an image folder) and siamese_network run unchanged
under ``python -m ember.run`` on small fake datasets (skipped without a checkout of the examples)."""
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.environ.get("PYTORCH_EXAMPLES", "/work/ext/examples")
pytestmark = pytest.mark.skipif(not os.path.isdir(EXAMPLES), reason="no pytorch/examples checkout")
Image = pytest.importorskip("PIL.Image")


def fake_mnist(root, n_train, n_test):
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw)
    rng = np.random.default_rng(0)
    imgs = (rng.random((n_train + n_test, 28, 28)) ** 3 * 255).astype(np.uint8)
    labels = np.concatenate([rng.permutation(np.arange(n) % 10) for n in (n_train, n_test)]).astype(np.uint8)
    for name, arr in (("train-images-idx3-ubyte", imgs[:n_train]), ("train-labels-idx1-ubyte", labels[:n_train]),
                      ("t10k-images-idx3-ubyte", imgs[n_train:]), ("t10k-labels-idx1-ubyte", labels[n_train:])):
        head = struct.pack(">BBBB", 0, 0, 8, arr.ndim) + b"".join(struct.pack(">I", s) for s in arr.shape)
        with open(os.path.join(raw, name), "wb") as f:
            f.write(head + arr.tobytes())


def run_example(tmp_path, name, *args):
    work = tmp_path / "ex" / name
    shutil.copytree(os.path.join(EXAMPLES, name), work)
    env = dict(os.environ, PYTHONPATH=ROOT, TORCH_HOME=str(tmp_path / "torch_home"))
    p = subprocess.run([sys.executable, "-m", "ember.run", "main.py", *args], cwd=work, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-3000:]
    return work, p.stdout


def test_vae(tmp_path):
    fake_mnist(tmp_path / "ex" / "data", 64, 32)   # the script reads ../data
    work, out = run_example(tmp_path, "vae", "--epochs", "1", "--batch-size", "32")
    assert "====> Epoch: 1 Average loss" in out and "====> Test set loss" in out
    for f in ("reconstruction_1.png", "sample_1.png"):
        img = Image.open(work / "results" / f)
        assert img.mode == "RGB"
    assert Image.open(work / "results" / "sample_1.png").size == (242, 242)   # 64 samples, 8 per row


def test_dcgan_fake_and_folder(tmp_path):
    common = ["--dry-run", "--batchSize", "8", "--ngf", "8", "--ndf", "8", "--manualSeed", "1"]
    work, out = run_example(tmp_path, "dcgan", "--dataset", "fake", "--workers", "0", "--outf", "out", *common)
    assert "Loss_D" in out
    assert Image.open(work / "out" / "real_samples.png").size == (530, 68)   # 8 images of 64x64, one row
    assert (work / "out" / "netG_epoch_0.pth").is_file()
    rng = np.random.default_rng(0)
    for c in ("cats", "dogs"):
        (tmp_path / "imgs" / c).mkdir(parents=True)
        for i in range(4):
            Image.fromarray(rng.integers(0, 256, (70, 90, 3), dtype=np.uint8)).save(tmp_path / "imgs" / c / f"{i}.jpg")
    shutil.rmtree(tmp_path / "ex")
    work, out = run_example(tmp_path, "dcgan", "--dataset", "folder", "--dataroot", str(tmp_path / "imgs"),
                            "--workers", "2", "--outf", "out", *common)
    assert "[0/1][0/1]" in out and (work / "out" / "fake_samples_epoch_000.png").is_file()


def test_siamese_network(tmp_path):
    fake_mnist(tmp_path / "ex" / "data", 40, 40)   # >= 2 images per class (the pair sampler needs them)
    work, out = run_example(tmp_path, "siamese_network", "--epochs", "1", "--dry-run", "--batch-size", "8",
                            "--test-batch-size", "8")
    assert "Train Epoch: 1" in out and "Test set: Average loss" in out
