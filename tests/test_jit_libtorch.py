"""Deployment in C++ (issue #15 §2): an archive ember.jit.save wrote is loaded by libtorch's
``torch::jit::load`` in a compiled C++ program and run at a batch size (and sequence length)
other than the traced one; its outputs equal eager ember's.

The program is built once per session against the headers and libraries of the torch wheel
the tests use (``torch/include``, ``torch/lib``); the test skips without a C++ compiler or
without those headers. Compiling takes about 30 s."""
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch

import ember
import ember.jit
from ember import nn

_SRC = r"""
#include <torch/script.h>
#include <fstream>
#include <iostream>
// usage: run ARCHIVE INPUT.bin DTYPE(f32|i64) DIM0 DIM1 ...  -> prints the output's values
int main(int argc, char** argv) {
  torch::jit::script::Module m = torch::jit::load(argv[1]);
  m.eval();
  torch::NoGradGuard no_grad;
  std::vector<int64_t> shape;
  for (int i = 4; i < argc; ++i) shape.push_back(std::stoll(argv[i]));
  bool f32 = std::string(argv[3]) == "f32";
  at::Tensor x = torch::empty(shape, f32 ? torch::kFloat : torch::kLong);
  std::ifstream in(argv[2], std::ios::binary);
  in.read(static_cast<char*>(x.data_ptr()), x.numel() * x.element_size());
  std::vector<torch::jit::IValue> inputs{x};
  torch::jit::IValue r = m.forward(inputs);
  at::Tensor out = r.isTuple() ? r.toTuple()->elements()[0].toTensor() : r.toTensor();
  out = out.contiguous().to(torch::kDouble);
  std::cout.precision(17);
  for (int64_t d : out.sizes()) std::cout << d << " ";
  std::cout << "\n";
  const double* p = out.data_ptr<double>();
  for (int64_t i = 0; i < out.numel(); ++i) std::cout << p[i] << "\n";
  return 0;
}
"""


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    cxx = shutil.which("g++") or shutil.which("c++")
    root = os.path.dirname(torch.__file__)
    inc, lib = os.path.join(root, "include"), os.path.join(root, "lib")
    if cxx is None or not os.path.exists(os.path.join(inc, "torch", "script.h")):
        pytest.skip("needs a C++ compiler and the torch wheel's libtorch headers")
    d = tmp_path_factory.mktemp("libtorch")
    src, exe = d / "run.cpp", d / "run"
    src.write_text(_SRC)
    abi = int(torch._C._GLIBCXX_USE_CXX11_ABI)
    cmd = [cxx, "-std=c++17", "-O0", "-w", f"-D_GLIBCXX_USE_CXX11_ABI={abi}", str(src), "-o", str(exe),
           f"-I{inc}", f"-I{os.path.join(inc, 'torch', 'csrc', 'api', 'include')}", f"-L{lib}",
           "-ltorch", "-ltorch_cpu", "-lc10", f"-Wl,-rpath,{lib}"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)

    def run(archive, x):
        a = np.ascontiguousarray(x.numpy())
        bin_ = d / "in.bin"
        a.tofile(bin_)
        kind = "f32" if a.dtype == np.float32 else "i64"
        p = subprocess.run([str(exe), str(archive), str(bin_), kind, *map(str, a.shape)],
                           check=True, capture_output=True, text=True, timeout=300)
        lines = p.stdout.split("\n")
        shape = tuple(int(s) for s in lines[0].split())
        return np.array([float(v) for v in lines[1:] if v], dtype=np.float64).reshape(shape)
    return run


class _LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.rnn = nn.LSTM(8, 16, num_layers=2)
        self.fc = nn.Linear(16, 20)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.fc(h)


def _cases():
    ember.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(8 * 8 * 8, 10)).eval()
    from ember.vision.models import resnet18
    return {
        "cnn": (cnn, ember.randn(1, 3, 16, 16), ember.randn(3, 3, 16, 16)),
        "resnet18": (resnet18(num_classes=10).eval(), ember.randn(1, 3, 64, 64), ember.randn(2, 3, 64, 64)),
        "lstm_lm": (_LM().eval(), ember.randint(0, 20, (7, 2)), ember.randint(0, 20, (11, 3))),
    }


@pytest.mark.parametrize("name", ["cnn", "resnet18", "lstm_lm"])
def test_libtorch_runs_embers_archive(runner, tmp_path, name):
    model, example, new = _cases()[name]
    traced = ember.jit.trace(model, example)
    path = tmp_path / f"{name}.pt"
    ember.jit.save(traced, str(path))
    with ember.no_grad():
        want = model(new).double().numpy()
    got = runner(path, new)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
