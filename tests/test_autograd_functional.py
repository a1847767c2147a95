"""ember.autograd.functional against torch.autograd.functional."""
import numpy as np
import pytest
import torch
from oracle import assert_close

import ember

R = np.random.RandomState(0)


def f1(m):
    return lambda x: (x ** 2).sin() * 3


def f2(m):
    return lambda a, b: (a @ b, (a.exp() * 2).sum())


CASES = [
    ("single", f1, [(2, 3)]),
    ("tuple in/out", f2, [(2, 3), (3, 4)]),
    ("scalar", lambda m: (lambda x: (x * x).sum()), [(4,)]),
]


def _inputs(m, shapes, tup):
    xs = tuple(m.tensor(R2.copy()) for R2 in shapes)
    return xs if tup else xs[0]


@pytest.mark.parametrize("name,f,shapes", CASES, ids=[c[0] for c in CASES])
def test_jacobian_vjp_jvp(name, f, shapes):
    arrays = [R.randn(*s) for s in shapes]
    tup = len(arrays) > 1
    res = {}
    for m in (torch, ember):
        F = m.autograd.functional
        xs = _inputs(m, arrays, tup)
        jac = F.jacobian(f(m), xs)
        out = f(m)(*(xs if tup else (xs,)))
        outs = out if isinstance(out, tuple) else (out,)
        v = tuple(m.tensor(np.linspace(-1, 1, o.numel()).reshape(tuple(o.shape))) for o in outs)
        vjp = F.vjp(f(m), xs, v if isinstance(out, tuple) else v[0])
        u = tuple(m.tensor(np.linspace(0.5, 2, a.size).reshape(a.shape)) for a in arrays)
        jvp = F.jvp(f(m), xs, u if tup else u[0])
        res[m.__name__] = (jac, vjp, jvp)
    assert_close(res["ember"], res["torch"])


def test_errors_and_second_order():
    F = ember.autograd.functional
    x = ember.ones(3)
    with pytest.raises(RuntimeError):   # v needed for a non-scalar output (as torch)
        F.vjp(lambda t: t * 2, x)
    with pytest.raises(RuntimeError):
        torch.autograd.functional.vjp(lambda t: t * 2, torch.ones(3))
    with pytest.raises(TypeError):
        F.jacobian(lambda t: t, [x])
    assert_close(F.hessian(lambda t: (t ** 3).sum(), x),   # second order: see test_autograd_higher_order
                 torch.autograd.functional.hessian(lambda t: (t ** 3).sum(), torch.ones(3)))
    assert x.grad is None and not x.requires_grad   # the inputs are left alone
