"""Printing tensors as PyTorch prints them: ``tensor([[1., 2.]], requires_grad=True)``.

The rules follow PyTorch's: one width for every element; floats that are all
whole print as ``1.``; fixed point with ``precision`` decimals unless the spread
of magnitudes asks for scientific notation; more than ``threshold`` elements are
summarised with ``edgeitems`` at each end; dtype suffix unless the dtype is a default.
"""
import math
from contextlib import contextmanager

import numpy as np

from . import _dtype as D

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]

_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
_opts = dict(_DEFAULTS)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """As ``torch.set_printoptions``: ``profile`` is 'default', 'short' or 'full'.

    Example:
        >>> torch.set_printoptions(precision=2)
        <BLANKLINE>
        >>> torch.tensor([1.23456])
        tensor([1.23])
        >>> torch.set_printoptions(profile="default")
        <BLANKLINE>
    """
    if profile is not None:
        _opts.update(_DEFAULTS)
        if profile == "short":
            _opts.update(precision=2, edgeitems=2)
        elif profile == "full":
            _opts.update(threshold=math.inf)
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            _opts[k] = v
    _opts["sci_mode"] = sci_mode


def get_printoptions():
    return dict(_opts)


@contextmanager
def printoptions(**kwargs):
    old = dict(_opts)
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        _opts.clear()
        _opts.update(old)


class _Formatter:
    """Decides width, and int / fixed / scientific mode, from the values shown."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        p = _opts["precision"]
        flat = values.reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.width = max(self.width, len(str(v)))
            return
        f = flat.astype(np.float64)
        nz = f[np.isfinite(f) & (f != 0)]
        if nz.size == 0:
            return
        absv = np.abs(nz)
        lo, hi = absv.min(), absv.max()
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        sci = _opts["sci_mode"]
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if sci is None else sci
        vals = nz.tolist()
        if self.sci_mode:
            fmt = f"{{:.{p}e}}"
            self.width = max(self.width, max(len(fmt.format(v)) for v in vals))
        elif self.int_mode:
            self.width = max(self.width, max(len(f"{v:.0f}") + 1 for v in vals))
        else:
            fmt = f"{{:.{p}f}}"
            self.width = max(self.width, max(len(fmt.format(v)) for v in vals))

    def format(self, v):
        p = _opts["precision"]
        if self.floating:
            if self.sci_mode:
                s = f"{{:{self.width}.{p}e}}".format(v)
            elif self.int_mode:
                s = f"{v:.0f}"
                if not (math.isinf(v) or math.isnan(v)):
                    s += "."
            else:
                s = f"{{:.{p}f}}".format(v)
        else:
            s = str(v)
        return " " * (self.width - len(s)) + s


class _ComplexFormatter:
    """PyTorch's complex layout: the real and the imaginary parts each get their own formatter
    (width, int / fixed / scientific mode); an element is ``real`` then the signed ``imag`` + ``j``,
    the imaginary part unpadded."""

    def __init__(self, values):
        self.real, self.imag = _Formatter(values.real, True), _Formatter(values.imag, True)
        self.width = self.real.width + self.imag.width + 1

    def format(self, v):
        v = complex(v)
        imag = (self.imag.format(v.imag) + "j").lstrip()
        return self.real.format(v.real) + (imag if imag[0] in "+-" else "+" + imag)


def _summarized(a):
    """The values that will be shown (edges only, when summarising)."""
    e = _opts["edgeitems"]
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:e], a[-e:]]) if a.shape[0] > 2 * e else a
    if a.shape[0] > 2 * e:
        rows = [a[i] for i in range(e)] + [a[i] for i in range(a.shape[0] - e, a.shape[0])]
    else:
        rows = list(a)
    return np.stack([_summarized(r) for r in rows])


def _vector(a, indent, summarize, fmt):
    e = _opts["edgeitems"]
    per_line = max(1, math.floor((_opts["linewidth"] - indent) / (fmt.width + 2)))
    if summarize and a.shape[0] > 2 * e:
        data = [fmt.format(v) for v in a[:e].tolist()] + [" ..."] + \
               [fmt.format(v) for v in a[-e:].tolist()]
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    e = _opts["edgeitems"]
    n = a.shape[0]
    if summarize and n > 2 * e:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."] + \
                [_body(a[i], indent + 1, summarize, fmt) for i in range(n - e, n)]
    else:
        parts = [_body(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(s, suffixes, indent, force_newline=False):
    out = [s]
    last = len(s) - s.rfind("\n") + 1
    for suf in suffixes:
        if force_newline or last + len(suf) + 2 > _opts["linewidth"]:
            out.append(",\n" + " " * indent + suf)
            last = indent + len(suf)
            force_newline = False
        else:
            out.append(", " + suf)
            last += len(suf) + 2
    out.append(")")
    return "".join(out)


def body_str(a, indent, prefix="tensor("):
    """The bracketed values of array ``a`` (no prefix or suffixes), lines indented by ``indent``."""
    if a.size == 0:
        return "[]"
    summarize = a.size > _opts["threshold"]
    shown = _summarized(a) if summarize else a
    if a.dtype.kind == "c":
        return _body(a, indent, summarize, _ComplexFormatter(shown))
    return _body(a, indent, summarize, _Formatter(shown, a.dtype.kind == "f"))


def tensor_repr(t, prefix="tensor("):
    a = t._data
    dtype = t.dtype
    if dtype is D.bfloat16:
        a = a.astype(np.float32)
    indent = len(prefix)
    suffixes = []
    default = dtype in (D.get_default_dtype(), D.int64, D.bool,
                        D.complex128 if D.get_default_dtype() is D.float64 else D.complex64)
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append("size=" + str(tuple(a.shape)))
        if dtype is not D.get_default_dtype():
            suffixes.append("dtype=" + str(dtype))
        body = "[]"
    else:
        if not default:
            suffixes.append("dtype=" + str(dtype))
        body = body_str(a, indent, prefix)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
