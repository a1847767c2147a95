"""``ember.testing``: ``assert_close`` with torch.testing's rules and messages."""
import collections.abc
import numbers

import numpy as np

__all__ = ["assert_close"]

# (rtol, atol) by dtype name: torch.testing's defaults
_PRECISIONS = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


class _Mismatch(Exception):
    def __init__(self, cls, msg, id=()):
        super().__init__(msg)
        self.cls, self.msg, self.id = cls, msg, id


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) ^ (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_PRECISIONS.get(str(d).replace("torch.", ""), (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, rel_diff, rel_idx, rtol, atol):
    equality = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        text = f"{kind.title()} difference: {diff}" if idx is None else \
            f"Greatest {kind} difference: {diff} at index {idx}"
        return text + ("" if equality else f" (up to {tol} allowed)") + "\n"

    default = "Scalars" if abs_idx is None else "Tensor-likes"
    name = identifier(default) if callable(identifier) else identifier or default
    msg = f"{name} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += extra.strip() + "\n"
    msg += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _compare_scalars(actual, expected, rtol, atol, equal_nan):
    rtol, atol = _tolerances(["float64" if isinstance(v, float) else "complex128" if isinstance(v, complex)
                              else "int64" for v in (actual, expected)], rtol, atol)
    a, e = complex(actual), complex(expected)
    if a == e or (equal_nan and a != a and e != e) or abs(a - e) <= atol + rtol * abs(e):
        return
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    raise _Mismatch(AssertionError, _mismatch_msg(None, f"Expected {expected} but got {actual}.",
                                                  abs_diff, None, rel_diff, None, rtol, atol))


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, check_stride):
    from . import _dtype as D

    if isinstance(actual, np.ndarray):
        from .ops.creation import as_tensor
        actual, expected = as_tensor(actual), as_tensor(expected)
    for attr in ("shape", "dtype") if check_dtype else ("shape",):
        a, e = getattr(actual, attr), getattr(expected, attr)
        if a != e:
            raise _Mismatch(AssertionError, f"The values for attribute '{attr}' do not match: {a} != {e}.")
    if check_stride and actual.numel() > 1 and actual.stride() != expected.stride():
        raise _Mismatch(AssertionError, f"The values for attribute 'stride()' do not match: "
                        f"{actual.stride()} != {expected.stride()}.")
    rtol, atol = _tolerances([actual.dtype, expected.dtype], rtol, atol)
    common = D.promote_types(actual.dtype, expected.dtype)
    a = actual.detach().to(common)._data
    e = expected.detach().to(common)._data
    if a.dtype.kind in "fc" and a.dtype.itemsize == 2 and a.dtype != np.float16:   # bfloat16
        a, e = a.astype(np.float32), e.astype(np.float32)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if a.dtype.kind in "fc":
            matches = (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
            if equal_nan:
                matches |= np.isnan(a) & np.isnan(e)
        else:
            matches = a == e
        if matches.all():
            return
        if actual.ndim == 0:
            item = (lambda x: x.item())
            raise _Mismatch(AssertionError, _mismatch_msg(
                None, f"Expected {item(e)} but got {item(a)}.",
                abs(item(a) - item(e)), None,
                float("inf") if item(e) == 0 else abs(item(a) - item(e)) / abs(item(e)), None, rtol, atol))
        af, ef, mf = a.reshape(-1), e.reshape(-1), matches.reshape(-1)
        if af.dtype.kind not in "fc":
            af, ef = af.astype(np.int64), ef.astype(np.int64)
        abs_diff = np.abs(af - ef)
        abs_diff[mf] = 0
        i = int(np.argmax(abs_diff)) if not np.isnan(abs_diff).any() else int(np.argmax(np.isnan(abs_diff)))
        if abs_diff.dtype.kind not in "fc":   # integers: true division gives the default float
            f = D.get_default_dtype().np
            rel = abs_diff.astype(f) / np.abs(ef).astype(f)
        else:
            rel = abs_diff / np.abs(ef)
        rel[mf] = 0
        j = int(np.argmax(rel)) if not np.isnan(rel).any() else int(np.argmax(np.isnan(rel)))
    n, bad = mf.size, int(mf.size - mf.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    unravel = (lambda k: tuple(int(v) for v in np.unravel_index(k, matches.shape)))
    raise _Mismatch(AssertionError, _mismatch_msg(None, extra, abs_diff[i].item(), unravel(i),
                                                  rel[j].item(), unravel(j), rtol, atol))


def _compare(actual, expected, id, opts):
    from ._tensor import Tensor

    seq = collections.abc.Sequence
    if isinstance(actual, seq) and isinstance(expected, seq) and not isinstance(actual, (str, bytes)) \
            and not isinstance(expected, (str, bytes)):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: {len(actual)} != "
                            f"{len(expected)}", id)
        for k, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, id + (k,), opts)
        return
    mp = collections.abc.Mapping
    if isinstance(actual, mp) and isinstance(expected, mp):
        ka, ke = set(actual.keys()), set(expected.keys())
        if ka != ke:
            missing, extra = sorted(ke - ka, key=repr), sorted(ka - ke, key=repr)
            raise _Mismatch(AssertionError, "The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {missing}\n"
                            f"Additional keys in the actual mapping: {extra}", id)
        for k in sorted(ka, key=repr) if all(isinstance(k, str) for k in ka) else actual.keys():
            _compare(actual[k], expected[k], id + (k,), opts)
        return
    try:
        if isinstance(actual, Tensor) and isinstance(expected, Tensor) or \
                isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
            return _compare_tensors(actual, expected, **opts)
        scalar = (numbers.Number, np.number, np.bool_)
        if isinstance(actual, scalar) and isinstance(expected, scalar):
            return _compare_scalars(actual, expected, opts["rtol"], opts["atol"], opts["equal_nan"])
    except _Mismatch as m:
        m.id = id
        raise
    raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                    f"{type(actual)} and {type(expected)}.", id)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Assert ``actual`` and ``expected`` are close: ``|actual - expected| <= atol + rtol * |expected|``
    elementwise, with the same shape and (by default) dtype; nested sequences and mappings compare
    item by item.

    Args:
        actual, expected: tensors, NumPy arrays, Python scalars, or sequences / mappings of them.
        rtol, atol (float, optional): tolerances; both or neither. Default: by dtype
            (float32: 1.3e-6, 1e-5; float64: 1e-7, 1e-7; float16: 1e-3, 1e-5; integers: exact).
        equal_nan (bool): NaNs compare equal. check_dtype (bool): dtypes must match.
        msg (str or callable, optional): replaces the message (a callable gets the default one).

    Raises:
        AssertionError: with torch.testing's message (mismatched elements, greatest differences).

    Example::

        >>> assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
    """
    opts = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype,
                check_stride=check_stride)
    if (rtol is None) ^ (atol is None):
        _tolerances([], rtol, atol)   # raises ValueError naming the missing one
    try:
        _compare(actual, expected, (), opts)
    except _Mismatch as m:
        text = m.msg
        if m.id and m.cls is AssertionError and "length of the sequences" not in text \
                and "keys of the mappings" not in text:
            text += "\n\nThe failure occurred for item " + "".join(f"[{k!r}]" for k in m.id)
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise m.cls(text) from None
