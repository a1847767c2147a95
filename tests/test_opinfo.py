"""PyTorch's OpInfo database as ember's op test (see tests/opinfo_harness.py).

One test per OpInfo: every sample (the first ``MAX_SAMPLES``) must agree with torch in
values, dtype, shape and gradients. Ops listed in ``opinfo_xfail.py`` are expected to
fail; the test fails when one of them passes, so that list can only shrink.
Figures: ``PYTHONPATH=. python scripts/opinfo_report.py``.
"""
import warnings

import opinfo_harness as H
import pytest
from opinfo_xfail import XFAIL

_OPS = {}
for _op in H.selected_ops():
    if not H.is_internal(_op):
        _OPS.setdefault(H.op_id(_op), _op)


def test_xfail_names_are_ops():
    unknown = sorted(set(XFAIL) - set(_OPS))
    assert not unknown, f"opinfo_xfail.py names ops the database lacks: {unknown}"


@pytest.mark.parametrize("name", sorted(_OPS))
def test_op(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, res = H.run_op(_OPS[name])
    bad = [r.error for r in res if not r.ok]
    if name in XFAIL:
        assert bad, f"{name} now passes every sample: remove it from tests/opinfo_xfail.py"
        pytest.xfail(XFAIL[name])
    assert not bad, f"{name}: {len(bad)} of {len(res)} samples fail; first: {bad[0]}"
