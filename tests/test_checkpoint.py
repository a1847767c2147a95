"""``ember.utils.checkpoint`` against torch.utils.checkpoint: same outputs and gradients,
the block recomputed in backward, dropout's random numbers replayed."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint
from oracle import assert_close

import ember
import ember.utils.checkpoint


def run(m, reentrant, input_grad=True, sequential=False):
    rs = np.random.RandomState(0)
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(4, 8), m.nn.Tanh(), m.nn.Dropout(0.5), m.nn.Linear(8, 8),
                          m.nn.Tanh(), m.nn.Linear(8, 2))
    with m.no_grad():
        for p in net.parameters():
            p.copy_(m.tensor(rs.randn(*p.shape).astype(np.float32)))
    x = m.tensor(rs.randn(3, 4).astype(np.float32)).requires_grad_(input_grad)
    calls = [0]

    def block(h):
        calls[0] += 1
        return net[3](net[2](net[1](net[0](h))))
    m.manual_seed(1)
    if sequential:
        y = m.utils.checkpoint.checkpoint_sequential(net, 3, x, use_reentrant=reentrant)
        out = y.pow(2).sum()
    else:
        y = m.utils.checkpoint.checkpoint(block, x, use_reentrant=reentrant)
        out = net[5](net[4](y)).pow(2).sum()
    out.backward()
    return calls[0], out.detach(), x.grad, [p.grad for p in net.parameters()]


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_matches_torch_and_recomputes(reentrant):
    e, t = run(ember, reentrant), run(torch, reentrant)
    assert e[0] == t[0] == 2            # forward once, recomputed once in backward
    assert_close(e[1], t[1], rtol=1e-5, atol=1e-5)
    assert_close(e[2], t[2], rtol=1e-4, atol=1e-5)
    assert_close(e[3], t[3], rtol=1e-4, atol=1e-5)


def test_non_reentrant_gives_parameter_grads_without_input_grad():
    e, t = run(ember, False, input_grad=False), run(torch, False, input_grad=False)
    assert e[2] is None and t[2] is None
    assert_close(e[3], t[3], rtol=1e-4, atol=1e-5)


def test_reentrant_without_input_grad_warns_and_gives_no_graph():
    for m in (ember, torch):
        lin = m.nn.Linear(2, 2)
        with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
            y = m.utils.checkpoint.checkpoint(lin, m.ones(1, 2), use_reentrant=True)
        assert not y.requires_grad


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_sequential(reentrant):
    e, t = run(ember, reentrant, sequential=True), run(torch, reentrant, sequential=True)
    assert_close(e[1], t[1], rtol=1e-5, atol=1e-5)
    assert_close(e[3], t[3], rtol=1e-4, atol=1e-5)


def test_warnings_and_errors_match_torch():
    for m in (ember, torch):
        lin = m.nn.Linear(2, 2)
        x = m.ones(1, 2, requires_grad=True)
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
            m.utils.checkpoint.checkpoint(lin, x)
        with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
            m.utils.checkpoint.checkpoint(lin, x, use_reentrant=True, foo=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ValueError):
                m.utils.checkpoint.checkpoint_sequential(m.nn.Sequential(lin, lin), 3, x)


def test_kwargs_and_tuple_outputs_non_reentrant():
    res = []
    for m in (ember, torch):
        w = m.tensor([1.0, 2.0], requires_grad=True)

        def f(a, scale=1.0):
            return a * w * scale, (a * w).sum()
        a, b = m.utils.checkpoint.checkpoint(f, m.tensor([3.0, 4.0]), scale=2.0, use_reentrant=False)
        (a.sum() + b).backward()
        res.append(w.grad)
    assert_close(res[0], res[1])
