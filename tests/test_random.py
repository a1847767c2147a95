"""ember's random streams are PyTorch's: after the same manual_seed, the same numbers."""
import pickle

import numpy as np
import pytest
import torch

import ember

EXACT = [
    ("rand", lambda m: m.rand(5)),
    ("rand f64", lambda m: m.rand(3, 4, dtype=m.float64)),
    ("rand f16", lambda m: m.rand(7, dtype=m.float16)),
    ("randn serial", lambda m: m.randn(5)),
    ("randn pair cache", lambda m: m.cat([m.randn(3), m.randn(3), m.randn(1)])),
    ("randn serial f64", lambda m: m.randn(2, 3, dtype=m.float64)),
    ("randint", lambda m: m.randint(-5, 100, (20,))),
    ("randint 64-bit range", lambda m: m.randint(0, 2 ** 40, (6,))),
    ("randint int32", lambda m: m.randint(3, (4, 2), dtype=m.int32)),
    ("randperm", lambda m: m.randperm(50)),
    ("uniform_", lambda m: m.empty(40).uniform_(-2, 5)),
    ("uniform_ f64", lambda m: m.empty(9, dtype=m.float64).uniform_(0.3, 0.7)),
    ("random_ int64", lambda m: m.empty(6, dtype=m.int64).random_()),
    ("random_ float", lambda m: m.empty(6).random_()),
    ("random_ bool", lambda m: m.empty(6, dtype=m.bool).random_()),
    ("random_(to)", lambda m: m.empty(6, dtype=m.int64).random_(10)),
    ("random_(from, to)", lambda m: m.empty(6, dtype=m.int32).random_(3, 10)),
    ("generator", lambda m: m.rand(4, generator=m.Generator().manual_seed(3))),
    ("bernoulli_ scalar", lambda m: m.empty(40).bernoulli_(0.3)),
    ("bernoulli probs f32", lambda m: m.bernoulli(m.full((5, 8), 0.3))),
    ("bernoulli probs f64", lambda m: m.bernoulli(m.linspace(0, 1, 30, dtype=m.float64))),
    ("dropout", lambda m: m.nn.functional.dropout(m.ones(6, 40), 0.3)),
    ("dropout2d", lambda m: m.nn.functional.dropout2d(m.ones(4, 6, 3, 3), 0.25)),
    ("alpha_dropout", lambda m: m.nn.functional.alpha_dropout(m.ones(50), 0.2, training=True)),
    ("nn.Dropout", lambda m: m.nn.Dropout(0.5)(m.arange(32.0))),
    ("negative seed", lambda m: (m.manual_seed(-3), m.rand(3))[1]),
    ("Linear init", lambda m: m.cat([p.detach().reshape(-1) for p in m.nn.Linear(20, 7).parameters()])),
    ("Conv2d init", lambda m: m.cat([p.detach().reshape(-1) for p in m.nn.Conv2d(3, 8, 3).parameters()])),
    ("xavier_uniform_", lambda m: m.nn.init.xavier_uniform_(m.empty(8, 6))),
    ("kaiming_uniform_", lambda m: m.nn.init.kaiming_uniform_(m.empty(8, 6), a=0.1)),
    ("RandomSampler", lambda m: m.tensor(list(m.utils.data.RandomSampler(range(10))))),
    ("RandomSampler replacement", lambda m: m.tensor(list(m.utils.data.RandomSampler(
        range(10), replacement=True, num_samples=40)))),
    ("random_split", lambda m: m.tensor(m.utils.data.random_split(range(10), [7, 3])[0].indices)),
    ("DistributedSampler", lambda m: m.tensor(list(m.utils.data.DistributedSampler(
        range(11), num_replicas=2, rank=1, seed=3)))),
    ("DataLoader shuffle", lambda m: m.cat(list(m.utils.data.DataLoader(
        m.arange(10), batch_size=4, shuffle=True)))),
    # Box-Muller on blocks of 16: float32 through PyTorch's vectorised log/sincos, bit for bit
    ("randn block f32", lambda m: m.randn(37)),
    ("randn block f64", lambda m: m.randn(4, 9, dtype=m.float64)),
    ("normal(mean, std, size)", lambda m: m.normal(2.0, 3.0, (20,))),
    ("normal(tensor, tensor)", lambda m: m.normal(m.arange(20.0), m.ones(20) * 0.5)),
    ("normal_", lambda m: m.empty(10).normal_(1, 2)),
    ("Embedding init", lambda m: m.nn.Embedding(10, 4).weight),
    ("kaiming_normal_", lambda m: m.nn.init.kaiming_normal_(m.empty(8, 6))),
    ("trunc_normal_ wide", lambda m: m.nn.init.trunc_normal_(m.empty(300))),
    ("trunc_normal_ narrow", lambda m: m.nn.init.trunc_normal_(m.empty(300), 0, 1, 1.5, 2.5)),
]


def _pair(fn):
    out = []
    for m in (torch, ember):
        m.manual_seed(7)
        r = fn(m)
        out.append(r.detach().numpy() if hasattr(r, "detach") else np.asarray(r))
    return out


@pytest.mark.parametrize("name,fn", EXACT, ids=[e[0] for e in EXACT])
def test_same_numbers_as_torch(name, fn):
    t, e = _pair(fn)
    assert t.dtype == e.dtype and t.shape == e.shape
    np.testing.assert_array_equal(e, t)


def test_state_round_trip_keeps_the_normal_cache():
    """get/set_rng_state restores the twister and the cached second normal of a pair."""
    ember.manual_seed(1)
    ember.randn(3)                      # leaves a cached value
    state = ember.get_rng_state()
    a = ember.randn(5)
    ember.set_rng_state(state)
    b = ember.randn(5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    g = ember.Generator().manual_seed(4)
    g2 = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(ember.rand(4, generator=g).numpy(),
                                  ember.rand(4, generator=g2).numpy())
    assert g2.initial_seed() == 4


def test_seeded_training_runs_like_torch():
    """The same script under either framework: seed, build a model with dropout, shuffle
    with a DataLoader, train a few SGD steps. Weights, masks and batches are the same, so
    the losses agree to float32 rounding."""
    def run(m):
        m.manual_seed(0)
        data = m.utils.data.TensorDataset(m.randn(64, 10), m.randint(0, 3, (64,)))
        loader = m.utils.data.DataLoader(data, batch_size=16, shuffle=True)
        model = m.nn.Sequential(m.nn.Linear(10, 32), m.nn.ReLU(), m.nn.Dropout(0.3),
                                m.nn.Linear(32, 3))
        opt = m.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses = []
        for _ in range(2):
            for x, y in loader:
                opt.zero_grad()
                loss = m.nn.functional.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                losses.append(loss.item())
        return losses
    np.testing.assert_allclose(run(ember), run(torch), rtol=1e-5)
