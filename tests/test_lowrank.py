"""svd_lowrank / pca_lowrank against torch: the random test matrix differs, so the
comparison is on exactly low-rank inputs (singular values agree) and on reconstruction."""
import numpy as np
import pytest
import torch
from oracle import rand

import ember


def lowrank(*shape, k=3, seed=0):
    rs = np.random.RandomState(seed)
    return (rs.standard_normal(shape[:-1] + (k,)) @ rs.standard_normal(shape[:-2] + (k, shape[-1])))


@pytest.mark.parametrize("shape", [(20, 12), (12, 20), (2, 15, 10)])
def test_svd_lowrank(shape):
    a = lowrank(*shape)
    U, S, V = ember.svd_lowrank(ember.tensor(a), q=5)
    _, St, _ = torch.svd_lowrank(torch.tensor(a), q=5)
    np.testing.assert_allclose(S.numpy()[..., :3], St.numpy()[..., :3], rtol=1e-8)
    np.testing.assert_allclose(((U * S.unsqueeze(-2)) @ V.mT).numpy(), a, atol=1e-8)
    assert U.shape == tuple(shape[:-1]) + (5,) and V.shape == tuple(shape[:-2]) + (shape[-1], 5)


def test_svd_lowrank_with_mean_and_grad():
    a = lowrank(15, 8)
    m = rand(1, 8, dtype=np.float64)
    x = ember.tensor(a + m, requires_grad=True)
    U, S, V = ember.svd_lowrank(x, q=4, M=ember.tensor(m))
    np.testing.assert_allclose(S.detach().numpy()[:3], np.linalg.svd(a, compute_uv=False)[:3], rtol=1e-8)
    S[:3].sum().backward()
    u, s, vh = np.linalg.svd(a)
    np.testing.assert_allclose(x.grad.numpy(), u[:, :3] @ vh[:3], atol=1e-6)   # d(sum of top s)/dA


def test_pca_lowrank():
    a = lowrank(30, 6, k=2) + 3.0
    U, S, V = ember.pca_lowrank(ember.tensor(a), q=3)
    _, St, _ = torch.pca_lowrank(torch.tensor(a), q=3)
    np.testing.assert_allclose(S.numpy()[:2], St.numpy()[:2], rtol=1e-8)
    sp = ember.tensor(a).to_sparse()
    _, Ss, _ = ember.pca_lowrank(sp, q=3)
    np.testing.assert_allclose(Ss.numpy()[:2], St.numpy()[:2], rtol=1e-8)
    _, S0, _ = ember.pca_lowrank(ember.tensor(a), q=3, center=False)
    np.testing.assert_allclose(S0.numpy()[:2], torch.pca_lowrank(torch.tensor(a), q=3, center=False)[1].numpy()[:2],
                               rtol=1e-8)
    with pytest.raises(ValueError):
        ember.pca_lowrank(ember.tensor(a), q=7)
