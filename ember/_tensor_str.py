"""Printing tensors as PyTorch prints them: ``tensor([[1., 2.]], requires_grad=True)``."""
import numpy as np

from . import _dtype as D

__all__ = ["set_printoptions", "tensor_repr"]

_opts = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    if profile == "default":
        _opts.update(precision=4, threshold=1000, edgeitems=3, linewidth=80)
    elif profile == "short":
        _opts.update(precision=2, threshold=1000, edgeitems=2, linewidth=80)
    elif profile == "full":
        _opts.update(precision=4, threshold=float("inf"), edgeitems=3, linewidth=80)
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            _opts[k] = v
    _opts["sci_mode"] = sci_mode


def tensor_repr(t):
    a = t._data
    if t.dtype is D.bfloat16:
        a = a.astype(np.float32)
    body = np.array2string(a, separator=", ", precision=_opts["precision"], prefix="tensor(",
                           threshold=_opts["threshold"], edgeitems=_opts["edgeitems"])
    suffix = []
    if t.dtype not in (D.get_default_dtype(), D.int64, D.bool) or a.size == 0:
        if not (a.size == 0 and t.dtype is D.get_default_dtype()):
            suffix.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._rg:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"
