"""Second derivatives (``create_graph=True``) of PyTorch's OpInfo database against torch.

One test per OpInfo that torch marks ``supports_gradgrad`` (CPU float64): on the first
``SAMPLES`` float64 samples, the gradient ``g`` of the outputs for random cotangents ``v``
and the gradient of ``g . u`` with respect to the inputs and ``v`` must agree with torch's
(``tests/opinfo_harness.py``, ``run_gradgrad_sample``). Ops in ``XFAIL`` are expected to
fail on one of those samples; the test fails when one of them passes, so the list only
shrinks. Figures over 20 samples per op: ``PYTHONPATH=. python scripts/gradgrad_report.py``.
"""
import warnings

import opinfo_harness as H
import pytest

SAMPLES = 2   # per op: enough to cover each op's formula, small enough for the suite's budget

# torch-side cost: one sample of these takes seconds in torch itself
SLOW = {"grid_sampler_3d"}

XFAIL = {
    "linalg.eig": "complex eigenvectors: the second derivative through the eigenvectors differs from torch's",
    "as_strided_scatter": "first-order gradient differs from torch's (see tests/opinfo_xfail.py)",
    "masked.logaddexp": "torch's second derivative is NaN where one operand is masked out (-inf): its formula "
                        "g / (1 + exp(b - a)) differentiates to 0 * inf; ember's (sigmoids) gives the true 0 "
                        "(test_logaddexp_second_derivative_is_finite)",
    "nn.functional.linear_cross_entropy.chunked": "torch's chunked path does not support gradgrad (documented in "
                                                  "LinearCrossEntropyOptions): its gradient for class targets is "
                                                  "constant in input and weight, so torch's second derivative is 0; "
                                                  "ember's is the reference path's (options=None), as torch's own",
    "to_sparse": "ToSparseBackward1 has no double backward",
    "linalg.norm.subgradients_at_zero": "at an all-zero input torch's second derivative is NaN (0/0 inside "
                                        "its formula); ember's is 0",
}

_OPS = {}
for _op in H.gradgrad_ops():
    _OPS.setdefault(H.op_id(_op), _op)


def test_xfail_names_are_ops():
    unknown = sorted(set(XFAIL) - set(_OPS))
    assert not unknown, f"XFAIL names ops the database lacks: {unknown}"


@pytest.mark.parametrize("name", sorted(set(_OPS) - SLOW))
def test_gradgrad(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, res = H.run_gradgrad_op(_OPS[name], SAMPLES)
    assert status == "ran", res[0].error
    bad = [r.error for r in res if not r.ok]
    if name in XFAIL:
        assert bad, f"{name} now passes its second-order samples: remove it from XFAIL"
        pytest.xfail(XFAIL[name])
    assert not bad, f"{name}: {len(bad)} of {len(res)} samples fail; first: {bad[0]}"


# ops whose later samples (zeros in products, repeated einsum subscripts, 3-D grid_sample,
# broadcast cosine_similarity) once failed: every sample of theirs runs (a few seconds in all)
ALL_SAMPLES = ("prod", "cumprod", "einsum", "index_reduce.prod", "scatter_reduce.prod",
               "nn.functional.grid_sample", "nn.functional.cosine_similarity")


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_gradgrad_all_samples(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, res = H.run_gradgrad_op(_OPS[name], 1000)
    assert status == "ran", res[0].error
    bad = [r.error for r in res if not r.ok]
    assert not bad, f"{name}: {len(bad)} of {len(res)} samples fail; first: {bad[0]}"
