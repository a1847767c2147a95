"""nn.MultiheadAttention, F.multi_head_attention_forward, F.scaled_dot_product_attention
and F.pdist against torch 2.13, with identical weights."""
import numpy as np
import pytest
import torch
from oracle import check, check_raises, gradcheck, rand

import ember

R = np.random.RandomState(0)


def _pair(kw, batch_first):
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first, **kw).double()
    em = ember.nn.MultiheadAttention(8, 2, batch_first=batch_first, **kw).double()
    assert list(tm.state_dict()) == list(em.state_dict())
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return tm, em


KPM = np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 1]], bool)
CAUSAL = np.triu(np.ones((4, 5), bool), 1)


@pytest.mark.parametrize("kw,fwd,batch_first,unbatched", [
    ({}, {}, False, False),
    ({}, {}, True, False),
    ({}, {}, False, True),
    ({"bias": False}, {}, False, False),
    ({"add_bias_kv": True, "add_zero_attn": True}, {}, False, False),
    ({"kdim": 6, "vdim": 3}, {}, True, False),
    ({}, {"attn_mask": CAUSAL}, False, False),
    ({}, {"key_padding_mask": KPM}, True, False),
    ({}, {"attn_mask": R.randn(4, 5), "average_attn_weights": False}, False, False),
    ({}, {"attn_mask": R.randn(4, 4, 5)}, False, False),   # (N*heads, L, S)
    ({}, {"need_weights": False}, False, False),
    ({"add_bias_kv": True}, {"key_padding_mask": KPM, "attn_mask": CAUSAL}, False, False),
])
def test_multihead_attention(kw, fwd, batch_first, unbatched):
    """Outputs, attention weights and every gradient (inputs and parameters), float64."""
    tm, em = _pair(kw, batch_first)
    kd, vd = kw.get("kdim", 8), kw.get("vdim", 8)
    shape = (lambda n, d: (n, d)) if unbatched else (
        (lambda n, d: (2, n, d)) if batch_first else (lambda n, d: (n, 2, d)))
    arrays = [R.randn(*shape(4, 8)), R.randn(*shape(5, kd)), R.randn(*shape(5, vd))]
    res = []
    for m, mod in ((torch, tm), (ember, em)):
        ins = [m.tensor(a, requires_grad=True) for a in arrays]
        extra = {k: m.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
        out, w = mod(*ins, **extra)
        (out.sum() + (w * w).sum() if w is not None else out.sum()).backward()
        res.append([out, w] + [t.grad for t in ins] + [p.grad for p in mod.parameters()])
    for t, e in zip(*res):
        if t is None:
            assert e is None
            continue
        assert tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_multihead_attention_init_and_repr():
    m = ember.nn.MultiheadAttention(16, 4, add_bias_kv=True)
    t = torch.nn.MultiheadAttention(16, 4, add_bias_kv=True)
    assert repr(m) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    bound = (6 / (16 + 48)) ** 0.5                        # xavier_uniform_ on (3E, E)
    w = m.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert not m.in_proj_bias.detach().numpy().any() and not m.out_proj.bias.detach().numpy().any()
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"


def test_multihead_attention_bad_input():
    for m in (torch, ember):
        with pytest.raises(AssertionError):
            m.nn.MultiheadAttention(10, 3)
        with pytest.raises(ValueError):
            m.nn.MultiheadAttention(0, 2)
    tm, em = _pair({}, False)
    q = np.zeros((4, 2, 8))
    for m, mod in ((torch, tm), (ember, em)):
        with pytest.raises(RuntimeError):   # 2-D attn_mask of the wrong shape
            mod(m.tensor(q), m.tensor(q), m.tensor(q), attn_mask=m.zeros(3, 3))
        with pytest.raises(RuntimeError):   # is_causal needs a mask
            mod(m.tensor(q), m.tensor(q), m.tensor(q), is_causal=True)
        with pytest.raises(AssertionError):  # wrong embedding size
            mod(m.tensor(np.zeros((4, 2, 6))), m.tensor(q), m.tensor(q))


@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"scale": 0.3}])
def test_scaled_dot_product_attention(kw):
    q, k, v = rand(2, 3, 4, 8, seed=1), rand(2, 3, 5, 8, seed=2), rand(2, 3, 5, 6, seed=3)
    check(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, **kw), [q, k, v])
    gradcheck(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, **kw),
              q.astype(np.float64), k.astype(np.float64), v.astype(np.float64))


def test_scaled_dot_product_attention_masks():
    q, k, v = rand(2, 4, 8, seed=1), rand(2, 5, 8, seed=2), rand(2, 5, 8, seed=3)
    keep = np.tril(np.ones((4, 5), bool), 1)               # bool: True takes part
    check(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=m.tensor(keep)), [q, k, v])
    bias = rand(4, 5, seed=4)
    check(lambda m, q, k, v, b: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=b),
          [q, k, v, bias])
    # grouped-query attention: 4 query heads share 2 key/value heads
    q4, k2, v2 = rand(1, 4, 3, 8, seed=5), rand(1, 2, 5, 8, seed=6), rand(1, 2, 5, 8, seed=7)
    check(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=True),
          [q4, k2, v2])
    check_raises(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=m.ones(4, 5, dtype=m.bool), is_causal=True), q, k, v)


@pytest.mark.parametrize("p", [2, 1, 0.5, 3, float("inf")])
def test_pdist(p):
    x = rand(6, 4, seed=8)
    check(lambda m, x: m.nn.functional.pdist(x, p), [x])
    gradcheck(lambda m, x: m.nn.functional.pdist(x, p), x.astype(np.float64))


def test_pdist_bad_input():
    check_raises(lambda m, x: m.nn.functional.pdist(x), rand(2, 3, 4))
    check_raises(lambda m, x: m.nn.functional.pdist(x, -1), rand(3, 4))
