"""Complex gradients in PyTorch's conjugate Wirtinger convention, against torch: first order
through backward and through backward_ops (create_graph=True), and second order.
(tests/test_opinfo.py's test_op_complex checks first order on every OpInfo sample.)"""
import numpy as np
import pytest
import torch
from oracle import assert_close

import ember

_rng = np.random.default_rng(3)
A = (_rng.standard_normal((3, 3)) + 1j * _rng.standard_normal((3, 3))).astype(np.complex128)
B = (_rng.standard_normal((3, 3)) + 1j * _rng.standard_normal((3, 3))).astype(np.complex128)
G = (_rng.standard_normal((3, 3)) + 1j * _rng.standard_normal((3, 3))).astype(np.complex128)

FNS = {
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "matmul": lambda m, a, b: a @ b,
    "exp_sin": lambda m, a, b: a.exp() + b.sin(),
    "pow": lambda m, a, b: a ** 3 * b.reciprocal(),
    "addcmul": lambda m, a, b: m.addcmul(a, a, b, value=0.5 - 2j),
    "sgn": lambda m, a, b: a.sgn() * b,
    "tanh_sqrt": lambda m, a, b: a.tanh() * b.sqrt(),
    "logaddexp": lambda m, a, b: m.logaddexp(a, b),
}


def _grads(m, fn, create_graph):
    a = m.tensor(A.copy(), requires_grad=True)
    b = m.tensor(B.copy(), requires_grad=True)
    out = fn(m, a, b)
    ga, gb = m.autograd.grad(out, (a, b), m.tensor(G.copy()), create_graph=create_graph)
    second = None
    if create_graph:   # a real function of the first gradients, differentiated again
        second = m.autograd.grad((ga.abs() ** 2).sum() + (gb * gb.conj()).real.sum(), (a, b),
                                 allow_unused=True)
    return (ga, gb), second


@pytest.mark.parametrize("name", sorted(FNS))
@pytest.mark.parametrize("create_graph", [False, True])
def test_complex_grad(name, create_graph):
    (ega, egb), esec = _grads(ember, FNS[name], create_graph)
    (tga, tgb), tsec = _grads(torch, FNS[name], create_graph)
    assert_close(ega, tga.resolve_conj(), rtol=1e-9, atol=1e-9)
    assert_close(egb, tgb.resolve_conj(), rtol=1e-9, atol=1e-9)
    if create_graph:
        for e, t in zip(esec, tsec):
            assert (e is None) == (t is None)
            if t is not None:
                assert_close(e, t.resolve_conj(), rtol=1e-8, atol=1e-8)
