"""``ember.func`` (vmap, grad, grad_and_value, vjp, jacrev, jacfwd, functional_call) against
torch.func."""
import numpy as np
import pytest
import torch
import torch.func
from oracle import assert_close

import ember
import ember.func


def both(fn):
    """fn(m, func, R) with m in (ember, torch) on the same random arrays; returns both results."""
    out = []
    for m in (ember, torch):
        rs = np.random.RandomState(0)
        R = (lambda *s, m=m, rs=rs: m.tensor(rs.randn(*s).astype(np.float32)))
        out.append(fn(m, m.func, R))
    return out


def flat(x):
    """dicts -> tuples of their values (key order kept), recursively: oracle.assert_close's form."""
    if isinstance(x, dict):
        return tuple(flat(v) for v in x.values())
    if isinstance(x, (tuple, list)):
        return type(x)(flat(v) for v in x)
    return x


def cmp(fn, rtol=1e-5, atol=1e-6):
    e, t = both(fn)
    assert_close(flat(e), flat(t), rtol=rtol, atol=atol)


def test_grad_and_value():
    cmp(lambda m, f, R: f.grad(lambda x: (x.sin() ** 2).sum())(R(3)))
    cmp(lambda m, f, R: f.grad_and_value(lambda x: (x.sin() ** 2).sum())(R(3)))
    cmp(lambda m, f, R: f.grad(lambda W, b, x: (W @ x + b).tanh().sum(), argnums=(0, 1))(R(4, 3), R(4), R(3)))
    cmp(lambda m, f, R: f.grad(lambda x: ((x ** 2).sum(), x.cos()), has_aux=True)(R(3)))
    cmp(lambda m, f, R: f.grad(lambda p: (p["w"] * p["b"]).sum())({"w": R(3), "b": R(3)}))


def test_grad_result_is_detached_and_unused_input_is_zero():
    e, t = both(lambda m, f, R: f.grad(lambda x, y: x.sum(), argnums=(0, 1))(R(2), R(3)))
    assert_close(e, t)
    assert not e[0].requires_grad and not t[0].requires_grad


def test_vmap():
    cmp(lambda m, f, R: f.vmap(m.dot)(R(5, 3), R(5, 3)))
    cmp(lambda m, f, R: f.vmap(lambda W, x: W @ x, in_dims=(None, 0))(R(4, 3), R(5, 3)))
    cmp(lambda m, f, R: f.vmap(lambda x: x * 2, in_dims=1, out_dims=1)(R(3, 5)))
    cmp(lambda m, f, R: f.vmap(lambda x: (x.sum(), x * 2))(R(5, 3)))
    cmp(lambda m, f, R: f.vmap(f.vmap(lambda a, b: a * b))(R(2, 3), R(2, 3)))
    cmp(lambda m, f, R: f.vmap(lambda d: d["a"] + d["b"])({"a": R(4, 2), "b": R(4, 2)}))


def test_vmap_is_differentiable():
    def fn(m, f, R):
        w = R(3).requires_grad_()
        f.vmap(lambda x: (x * w).sum())(R(4, 3)).sum().backward()
        return w.grad
    cmp(fn)


def test_per_sample_gradients():
    def fn(m, f, R):
        model = m.nn.Linear(3, 2)
        with m.no_grad():
            model.weight.copy_(R(2, 3))
            model.bias.copy_(R(2))
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, xi, yi):
            out = f.functional_call(model, p, (xi.unsqueeze(0),))
            return m.nn.functional.cross_entropy(out, yi.unsqueeze(0))
        return f.vmap(f.grad(loss), in_dims=(None, 0, 0))(params, R(6, 3), m.tensor([0, 1, 1, 0, 1, 0]))
    cmp(fn)


def test_vjp_jacrev_jacfwd():
    def vjp(m, f, R):
        x = R(3)
        out, fn = f.vjp(lambda x: x.sin() * 2, x)
        return (out,) + fn(m.ones(3)) + fn(R(3))
    cmp(vjp)
    cmp(lambda m, f, R: f.jacrev(lambda x: R(4, 3) @ x.sin())(R(3)))
    cmp(lambda m, f, R: f.jacfwd(lambda x: x.exp().outer(x))(R(3)))
    cmp(lambda m, f, R: f.jacrev(lambda W, x: W @ x, argnums=(0, 1))(R(4, 3), R(3)))
    cmp(lambda m, f, R: f.jacrev(lambda x: (x.sin(), x.sum()))(R(3)))
    cmp(lambda m, f, R: f.jacrev(lambda x: (x.sin(), x.cos()), has_aux=True)(R(2)))


def test_jvp_hessian_and_nested_grad():
    cmp(lambda m, f, R: f.jvp(m.sin, (R(3),), (R(3),)))
    cmp(lambda m, f, R: f.jvp(lambda x, y: (x * y, (x @ y.t()).sum()), (R(2, 3), R(2, 3)), (R(2, 3), R(2, 3))))
    cmp(lambda m, f, R: f.hessian(lambda x: (x ** 3).sum() + (x.exp() * x[0]).sum())(R(3)))
    cmp(lambda m, f, R: f.grad(lambda x: f.grad(lambda y: (y.sin() * y).sum())(x).sum())(R(3)))
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
            m.func.jvp(m.sin, m.ones(2), (m.ones(2),))


def test_stack_module_state_ensembling():
    def fn(m, f, R):
        models = []
        for _ in range(3):
            lin = m.nn.Linear(3, 4)
            with m.no_grad():
                lin.weight.copy_(R(4, 3))
                lin.bias.copy_(R(4))
            models.append(lin)
        params, buffers = f.stack_module_state(models)
        assert all(p.is_leaf and p.requires_grad for p in params.values())

        def run(p, b, x):
            return f.functional_call(models[0], (p, b), (x,))
        out = f.vmap(run, in_dims=(0, 0, None))(params, buffers, R(5, 3))
        out.sum().backward()
        return out, params["weight"].grad
    cmp(fn)
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="Expected at least one model, got 0"):
            m.func.stack_module_state([])


def test_randomness_same_and_error():
    def same(m, f, R):
        m.manual_seed(0)
        return f.vmap(lambda x: x + m.rand(3), randomness="same")(m.zeros(2, 3))
    e, t = both(same)
    for r in (e, t):
        np.testing.assert_array_equal(r[0].numpy(), r[1].numpy())
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="called random operation while in randomness error mode"):
            m.func.vmap(lambda x: x + m.rand(3))(m.zeros(2, 3))


@pytest.mark.parametrize("call,exc", [
    (lambda m: m.func.grad(lambda x: x * 2)(m.ones(3)), RuntimeError),
    (lambda m: m.func.grad(lambda x: 1.0)(m.ones(3)), RuntimeError),
    (lambda m: m.func.grad(lambda x: x.sum(), has_aux=True)(m.ones(3)), RuntimeError),
    (lambda m: m.func.vmap(m.dot)(m.ones(5, 3), m.ones(4, 3)), ValueError),
    (lambda m: m.func.vmap(lambda x: x, in_dims=None)(m.ones(3)), ValueError),
    (lambda m: m.func.vmap(lambda x: x, in_dims=(0, 0))(m.ones(3)), ValueError),
    (lambda m: m.func.vmap(lambda x: 1.0)(m.ones(3)), ValueError),
    (lambda m: m.func.vmap(lambda x: x, in_dims=2)(m.ones(3)), ValueError),
])
def test_errors_match_torch(call, exc):
    msgs = []
    for m in (ember, torch):
        with pytest.raises(exc) as info:
            call(m)
        msgs.append(str(info.value).split(":")[-1].strip()[:40])
    assert msgs[0] == msgs[1]
