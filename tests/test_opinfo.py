"""PyTorch's OpInfo database as ember's op test (see tests/opinfo_harness.py).

One test per OpInfo: every sample (the first ``MAX_SAMPLES``) must agree with torch in
values, dtype, shape and gradients. Ops that differentiate complex inputs run again on
their complex64 (else complex128) samples (``test_op_complex``): gradients follow
PyTorch's conjugate Wirtinger convention. Ops listed in ``opinfo_xfail.py`` (``XFAIL``,
``XFAIL_COMPLEX``) are expected to fail; the test fails when one of them passes, so those
lists can only shrink.
Figures: ``PYTHONPATH=. python scripts/opinfo_report.py``.
"""
import warnings

import opinfo_harness as H
import pytest
from opinfo_xfail import XFAIL, XFAIL_COMPLEX

_OPS = {}
for _op in H.selected_ops():
    if not H.is_internal(_op):
        _OPS.setdefault(H.op_id(_op), _op)
_COMPLEX = sorted(k for k, op in _OPS.items() if H.complex_dtype(op) is not None)


def test_xfail_names_are_ops():
    unknown = sorted(set(XFAIL) - set(_OPS)) + sorted(set(XFAIL_COMPLEX) - set(_COMPLEX))
    assert not unknown, f"opinfo_xfail.py names ops the database lacks: {unknown}"


def _check(name, dtype, xfail, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, res = H.run_op(_OPS[name], dtype)
    bad = [r.error for r in res if not r.ok]
    if name in xfail:
        assert bad, f"{name} now passes every sample: remove it from {table} in tests/opinfo_xfail.py"
        pytest.xfail(xfail[name])
    assert not bad, f"{name}: {len(bad)} of {len(res)} samples fail; first: {bad[0]}"


@pytest.mark.parametrize("name", sorted(_OPS))
def test_op(name):
    _check(name, None, XFAIL, "XFAIL")


@pytest.mark.parametrize("name", _COMPLEX)
def test_op_complex(name):
    _check(name, H.complex_dtype(_OPS[name]), XFAIL_COMPLEX, "XFAIL_COMPLEX")
