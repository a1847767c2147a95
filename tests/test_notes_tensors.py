"""The tensor and autograd snippets of the user's notes (../shared/seeds/), run with ember.

Each test is a snippet from the notes with ``import ember as torch``; where the notes
print a value, the test compares it with what PyTorch gives for the same code.
"""
import numpy as np
import pytest
import torch as real_torch
from oracle import assert_close

import ember as torch


def test_creation_and_attributes():
    A = torch.tensor([[1.0, 1.0], [2, 2]])
    assert repr(A) == "tensor([[1., 1.],\n        [2., 2.]])"
    a = torch.rand(2, 3, 28, 28)
    assert a.shape == (2, 3, 28, 28) and a.size() == torch.Size([2, 3, 28, 28])
    assert a.size(1) == a.shape[1] == 3
    assert a.dim() == 4 and a.numel() == 2 * 3 * 28 * 28
    f = torch.full([2, 3], 7.0)
    assert f.tolist() == [[7.0] * 3] * 2
    assert isinstance(a, torch.FloatTensor) and not isinstance(a, torch.cuda.FloatTensor)
    assert not isinstance(a.long(), torch.FloatTensor) and isinstance(a.long(), torch.LongTensor)
    assert a.type() == "torch.FloatTensor"
    assert torch.__version__


def test_ranges():
    assert_close(torch.arange(0, 10, 3), real_torch.arange(0, 10, 3))
    assert_close(torch.arange(1, 1000, 0.1), real_torch.arange(1, 1000, 0.1))
    assert_close(torch.linspace(0, 10, steps=5), real_torch.linspace(0, 10, steps=5))
    assert_close(torch.logspace(0, 2, steps=3), real_torch.logspace(0, 2, steps=3))
    p = torch.randperm(10)
    assert sorted(p.tolist()) == list(range(10)) and p.dtype == torch.int64


def test_index_select_and_ellipsis():
    a = torch.rand(2, 3, 28, 28)
    assert a.index_select(2, torch.arange(8)).shape == (2, 3, 8, 28)
    assert a[0, ...].shape == (3, 28, 28)
    assert a[...].shape == (2, 3, 28, 28)
    assert a[:, 1, ...].shape == (2, 28, 28)
    assert a[..., :2].shape == (2, 3, 28, 2)
    assert a[::2].shape == (1, 3, 28, 28)


def test_mask_and_take():
    x = np.random.RandomState(0).rand(3, 4).astype(np.float32)
    a, t = torch.tensor(x), real_torch.tensor(x)
    mask = a.ge(0.5)
    assert mask.dtype == torch.bool
    assert_close(a[mask], t[t.ge(0.5)])
    assert_close(torch.take(a, torch.tensor([0, 2, 5])), real_torch.take(t, real_torch.tensor([0, 2, 5])))


def test_expand_and_repeat():
    a = torch.rand(1, 32, 5)
    assert a.expand(4, 32, 5).shape == (4, 32, 5)
    with pytest.raises(RuntimeError):
        a.expand(4, 32, 10)  # the notes' expand(4, 32, 10) is an error in PyTorch too
    assert a.repeat(4, 32, 10).shape == (4, 32 * 32, 10 * 5)


def test_transpose_permute_contiguous_view():
    a = torch.rand(2, 3, 4, 5)
    b = a.transpose(1, 3)
    assert not b.is_contiguous()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        b.view(-1)
    assert b.contiguous().view(-1).shape == (120,)
    assert a.permute(0, 3, 2, 1).shape == (2, 5, 4, 3)
    m = torch.rand(3, 4)
    assert m.t().shape == (4, 3)
    # the notes' pattern: permute, contiguous, view
    out = torch.rand(2, 8, 3, 3).permute(0, 2, 3, 1).contiguous().view(2, 9, 2, 4)
    assert out.shape == (2, 9, 2, 4)


def test_num_flat_features():
    x = torch.rand(4, 16, 5, 5)
    size = x.size()[1:]
    num_features = 1
    for s in size:
        num_features *= s
    assert x.view(-1, num_features).shape == (4, 400)
    assert torch.rand(3, 28, 28).unsqueeze(0).shape == (1, 3, 28, 28)


def test_flatten_examples():
    t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]])
    assert repr(torch.flatten(t)) == "tensor([ 1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12])"
    assert torch.flatten(t, start_dim=1).size() == torch.Size([3, 4])
    assert repr(torch.flatten(t, start_dim=1)) == (
        "tensor([[ 1,  2,  3,  4],\n        [ 5,  6,  7,  8],\n        [ 9, 10, 11, 12]])")
    assert torch.flatten(t, start_dim=0, end_dim=1).size() == torch.Size([6, 2])


def test_multiplication_forms():
    rs = np.random.RandomState(0)
    a, b = rs.rand(2, 3, 4).astype(np.float32), rs.rand(2, 4, 5).astype(np.float32)
    assert_close(torch.matmul(torch.tensor(a), torch.tensor(b)), real_torch.matmul(real_torch.tensor(a), real_torch.tensor(b)))
    assert_close(torch.bmm(torch.tensor(a), torch.tensor(b)), real_torch.bmm(real_torch.tensor(a), real_torch.tensor(b)))
    assert_close(torch.tensor(a) @ torch.tensor(b), real_torch.tensor(a) @ real_torch.tensor(b))
    m1, m2 = rs.rand(3, 4).astype(np.float32), rs.rand(4, 2).astype(np.float32)
    assert_close(torch.mm(torch.tensor(m1), torch.tensor(m2)), real_torch.mm(real_torch.tensor(m1), real_torch.tensor(m2)))
    assert_close(torch.mul(torch.tensor(m1), 2), real_torch.mul(real_torch.tensor(m1), 2))


def test_broadcast_rule():
    x = torch.empty(5, 3, 4, 1)
    assert (x + torch.empty(3, 1, 1)).shape == (5, 3, 4, 1)
    with pytest.raises(RuntimeError):
        x + torch.empty(2, 1, 1)


def test_rounding_clamp_prod():
    v = np.array([-1.5, -0.5, 0.4, 2.5, 3.7], dtype=np.float32)
    a, t = torch.tensor(v), real_torch.tensor(v)
    for name in ["floor", "ceil", "round", "trunc", "frac"]:
        assert_close(getattr(a, name)(), getattr(t, name)())
    assert_close(a.clamp(0, 1), t.clamp(0, 1))
    assert_close(a.clamp(min=0.5), t.clamp(min=0.5))
    assert_close(a.prod(), t.prod())


def test_eq_equal_where_topk_kthvalue_max():
    x = np.random.RandomState(1).permutation(12).reshape(3, 4).astype(np.float32)
    a, t = torch.tensor(x), real_torch.tensor(x)
    assert bool(torch.all(torch.eq(a, a))) and torch.equal(a, a.clone())
    assert_close(torch.eq(a, a + 0), real_torch.eq(t, t + 0))
    assert_close(a.topk(3, dim=1, largest=True), t.topk(3, dim=1, largest=True))
    assert_close(a.kthvalue(2, dim=1), t.kthvalue(2, dim=1))
    cond = a > 5
    assert_close(torch.where(cond, a, torch.zeros_like(a)), real_torch.where(t > 5, t, real_torch.zeros_like(t)))
    assert_close(torch.max(a), real_torch.max(t))
    v, i = torch.max(a, 1)
    assert_close(torch.max(a, 1)[0], real_torch.max(t, 1)[0])
    assert_close(torch.max(a, 1)[1], real_torch.max(t, 1)[1])
    assert torch.max(a, 1)[1].data.numpy().squeeze().shape == (3,)
    assert torch.equal(torch.max(a, 1).values, v) and torch.equal(torch.max(a, 1).indices, i)


def test_isnan_norm():
    x = torch.tensor([1.0, float("nan"), 2.0])
    assert torch.isnan(x).tolist() == [False, True, False]
    v = np.array([3.0, -4.0], dtype=np.float32)
    for p in [1, 2, float("inf")]:
        assert_close(torch.norm(torch.tensor(v), p=p), real_torch.norm(real_torch.tensor(v), p=p))
    assert_close(torch.tensor(v).norm(), real_torch.tensor(v).norm())


def test_cat_split_stack_meshgrid():
    a, b = torch.ones(2, 3), torch.zeros(2, 3)
    assert torch.cat([a, b]).shape == (4, 3) and torch.concat((a, b), dim=1).shape == (2, 6)
    assert [s.shape for s in torch.split(torch.rand(5, 2), 2)] == [(2, 2), (2, 2), (1, 2)]
    assert torch.stack((a, b), dim=2).shape == (2, 3, 2)
    gx, gy = torch.meshgrid(torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6, 7]), indexing="ij")
    assert gx.tolist() == [[1] * 4, [2] * 4, [3] * 4] and gy.tolist() == [[4, 5, 6, 7]] * 3


def test_clone_vs_reshape_sharing():
    A = torch.arange(6.0)
    B = A.reshape(2, 3)
    B[0, 0] = 100.0
    assert A[0].item() == 100.0  # reshape of a contiguous tensor is a view
    C = A.clone()
    C[1] = -1.0
    assert A[1].item() == 1.0


def test_from_numpy_shares_memory():
    arr = np.zeros(3, dtype=np.float32)
    t = torch.from_numpy(arr)
    arr[0] = 5
    assert t[0].item() == 5
    t.numpy()[1] = 7
    assert arr[1] == 7


def test_loss_grad_fn_walk_and_no_grad():
    w = torch.randn(3, 2, requires_grad=True)
    x = torch.randn(4, 3)
    loss = ((x @ w).relu() - 1).pow(2).mean()
    names = []
    fn = loss.grad_fn
    while fn is not None:
        names.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    tw = real_torch.tensor(w.detach().numpy(), requires_grad=True)
    tl = ((real_torch.tensor(x.numpy()) @ tw).relu() - 1).pow(2).mean()
    tnames = []
    fn = tl.grad_fn
    while fn is not None:
        tnames.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    assert names == tnames
    with torch.no_grad():
        assert not (x @ w).requires_grad


def test_cuda_queries_as_cpu_build():
    assert torch.cuda.is_available() is False and torch.cuda.device_count() == 0
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        torch.cuda.synchronize()
    with pytest.raises(AssertionError):
        torch.ones(2).cuda()
    assert torch.device("cpu") == torch.ones(1).device
    assert torch.ones(2).to(torch.device("cpu")).device.type == "cpu"
