"""``ember.backends``: the switches training scripts set (``torch.backends.cudnn.benchmark
= True``), with PyTorch's CPU-build answers: no cuDNN, CUDA or MPS; the flags are plain
attributes that ember accepts and ignores (they tune GPU kernels ember does not have).
"""
from contextlib import contextmanager
from types import SimpleNamespace

__all__ = ["cudnn", "cuda", "mps", "cpu", "openmp", "mkl", "mkldnn", "opt_einsum", "mha"]


class _Flags(SimpleNamespace):
    """A backend module: its settable flags plus its query functions."""


@contextmanager
def _flags_cm(module, **flags):
    old = {k: getattr(module, k) for k in flags if flags[k] is not None}
    for k in old:
        setattr(module, k, flags[k])
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


cudnn = _Flags(enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
               benchmark_limit=10, is_available=lambda: False, version=lambda: None,
               is_acceptable=lambda tensor: False)
cudnn.flags = lambda enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, \
    allow_tf32=True: _flags_cm(cudnn, enabled=enabled, benchmark=benchmark,
                               benchmark_limit=benchmark_limit, deterministic=deterministic,
                               allow_tf32=allow_tf32)

cuda = _Flags(is_built=lambda: False,
              matmul=SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                                     allow_bf16_reduced_precision_reduction=True, fp32_precision="none"),
              preferred_linalg_library=lambda backend=None: None)

# scaled-dot-product-attention kernel switches (all on, as torch's defaults); ember has one kernel
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}
for _k in _sdp:
    setattr(cuda, f"{_k}_sdp_enabled", lambda k=_k: _sdp[k])
    setattr(cuda, f"enable_{_k}_sdp", lambda enabled, k=_k: _sdp.__setitem__(k, bool(enabled)))
del _k


@contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Deprecated switch of the attention kernels (torch warns and points to sdpa_kernel)."""
    import warnings

    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context "
                  "manager will be removed. Please see `torch.nn.attention.sdpa_kernel()` for the new "
                  "context manager, with updated signature.", FutureWarning, stacklevel=3)
    old = dict(_sdp)
    _sdp.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient, cudnn=enable_cudnn)
    try:
        yield
    finally:
        _sdp.update(old)


cuda.sdp_kernel = sdp_kernel
del sdp_kernel
_fastpath = [True]
mha = _Flags(get_fastpath_enabled=lambda: _fastpath[0],
             set_fastpath_enabled=lambda value: _fastpath.__setitem__(0, bool(value)))

mps = _Flags(is_available=lambda: False, is_built=lambda: False)


def _cpu_capability():
    import numpy as np
    found = np._core._multiarray_umath.__cpu_features__
    for name in ("AVX512F", "AVX2"):
        if found.get(name):
            return name.replace("F", "") if name == "AVX512F" else name
    return "DEFAULT"


cpu = _Flags(get_cpu_capability=_cpu_capability)
openmp = _Flags(is_available=lambda: False)     # ember's threads are NumPy's BLAS threads
mkl = _Flags(is_available=lambda: False)
mkldnn = _Flags(is_available=lambda: False, enabled=True)
opt_einsum = _Flags(is_available=lambda: False, enabled=True, strategy=None)

# ``import ember.backends.cudnn as cudnn`` works as it does for torch's submodules
import sys as _sys  # noqa: E402

for _name in __all__:
    _sys.modules[f"{__name__}.{_name}"] = globals()[_name]
del _name
