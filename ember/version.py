"""``ember.version`` (``torch.version``): the PyTorch API level ember implements, and its build."""
from .torch_version import TorchVersion

__all__ = ["__version__", "ember", "debug", "cuda", "git_version", "hip", "rocm", "xpu"]

ember = "0.1.0"                              # ember's own release (pyproject's version)
__version__ = TorchVersion("2.13.0+ember." + ember)   # torch 2.13's API, on ember
debug = False
cuda = None    # a CPU build: no CUDA, ROCm or XPU
hip = None
rocm = None
xpu = None
git_version = "Unknown"
