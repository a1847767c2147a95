"""Sparse COO / CSR tensors against torch: construction, conversion, printing, products,
sums, elementwise ops, autograd through the values and the dense operand, bad input, and
the graph preprocessing + GraphConv of pytorch/examples' gcn."""
import numpy as np
import pytest
import torch
from oracle import assert_close, check, check_raises, gradcheck, rand

import ember

pytestmark = pytest.mark.filterwarnings("ignore:Sparse")

I = np.array([[0, 1, 1, 3], [2, 0, 2, 1]])
V = np.array([3., 4., 5., -1.], dtype=np.float32)
DUP = np.array([[0, 1, 0, 1], [2, 0, 2, 0]])   # repeated entries: coalesce sums them


def coo(m, v, i=I, size=(4, 3)):
    return m.sparse_coo_tensor(m.tensor(i), v, size)


def test_construct_and_convert():
    check(lambda m, v: coo(m, v).to_dense(), [V])
    check(lambda m, v: coo(m, v, DUP, (2, 3)).coalesce().to_dense(), [V])
    check(lambda m, v: m.sparse_coo_tensor(m.tensor(I), v).to_dense(), [V])      # size inferred
    check(lambda m, v: coo(m, v, DUP, (2, 3)).coalesce().values(), [V])
    check(lambda m, v: coo(m, v, DUP, (2, 3)).coalesce().indices(), [V], grad=False)
    check(lambda m, x: x.to_sparse().to_dense() * 2, [rand(3, 4) * (rand(3, 4, seed=1) > 0)])
    check(lambda m, x: x.to_sparse().values(), [rand(3, 4) * (rand(3, 4, seed=1) > 0)])
    check(lambda m, x: x.to_sparse(1).to_dense(), [rand(3, 4) * (rand(3, 1, seed=2) > 0)])
    check(lambda m, x: x.to_sparse().to_sparse_csr().to_dense(), [rand(3, 4) * (rand(3, 4, seed=1) > 0)])


def test_metadata():
    want = None
    for m in (ember, torch):
        s = coo(m, m.tensor(V))
        c = s.coalesce()
        got = (s.layout, s.is_sparse, s.is_coalesced(), c.is_coalesced(), s.sparse_dim(), s.dense_dim(),
               s._nnz(), tuple(s.shape), s.dim(), s.numel(), str(s.dtype), s.is_floating_point(),
               c.to_sparse_csr().layout, c.to_sparse_csr().is_sparse, s.to_dense().layout,
               s.double().dtype, s.int().layout, s.t().shape, s.requires_grad, s.is_leaf)
        if m is torch:
            assert [str(x) for x in got] == [str(x) for x in want]
        want = got
    assert str(ember.sparse_coo) == "torch.sparse_coo" and str(ember.strided) == "torch.strided"


def test_indices_values_need_coalesced():
    check_raises(lambda m: coo(m, m.tensor(V)).indices())
    check_raises(lambda m: coo(m, m.tensor(V)).values())
    assert_close(coo(ember, ember.tensor(V))._values(), coo(torch, torch.tensor(V))._values())
    assert_close(coo(ember, ember.tensor(V))._indices(), coo(torch, torch.tensor(V))._indices())


def test_printing():
    for make in (lambda m: coo(m, m.tensor(V)),
                 lambda m: coo(m, m.tensor(V).double()),
                 lambda m: coo(m, m.tensor(V)).coalesce().to_sparse_csr(),
                 lambda m: coo(m, m.tensor(V).requires_grad_()),
                 lambda m: m.zeros(2, 3).to_sparse(),
                 lambda m: m.sparse_coo_tensor(m.tensor(I), m.tensor(V), requires_grad=True),
                 lambda m: m.ones(3, 2, dtype=m.int32).to_sparse()):
        assert repr(make(ember)) == repr(make(torch))


@pytest.mark.parametrize("op", ["mm", "spmm", "matmul", "at", "sparse.mm"])
def test_sparse_dense_product(op):
    fns = {"mm": lambda m, s, d: m.mm(s, d), "spmm": lambda m, s, d: m.spmm(s, d),
           "matmul": lambda m, s, d: m.matmul(s, d), "at": lambda m, s, d: s @ d,
           "sparse.mm": lambda m, s, d: m.sparse.mm(s, d)}
    f = fns[op]
    check(lambda m, v, d: f(m, coo(m, v), d), [V, rand(3, 5)])
    check(lambda m, v, d: f(m, coo(m, v, DUP, (2, 3)), d), [V, rand(3, 2)])         # uncoalesced
    check(lambda m, v, d: f(m, coo(m, v).coalesce().to_sparse_csr(), d), [V, rand(3, 5)])


def test_product_grad_fn_names():
    d = ember.randn(3, 2, requires_grad=True)
    s = coo(ember, ember.tensor(V))
    assert ember.mm(s, d).grad_fn.name() == "MmBackward0"
    assert ember.sparse.mm(s, d).grad_fn.name() == "SparseAddmmBackward0"


def test_other_products():
    check(lambda m, v, x: m.matmul(coo(m, v), x), [V, rand(3)])                       # matrix @ vector
    check(lambda m, v, d: d @ coo(m, v), [V, rand(2, 4)])                               # dense @ sparse
    check(lambda m, v, d: m.mm(d, coo(m, v)), [V, rand(2, 4)])
    check(lambda m, v: (coo(m, v) @ coo(m, v).t()).to_dense(), [V])                     # sparse @ sparse
    check(lambda m, v, a, d: m.addmm(a, coo(m, v), d, beta=0.5, alpha=2), [V, rand(4, 2), rand(3, 2)])
    check(lambda m, v, a, d: m.sparse.addmm(a, coo(m, v), d), [V, rand(4, 2), rand(3, 2)])


def test_sums():
    check(lambda m, v: m.sparse.sum(coo(m, v)), [V])
    check(lambda m, v: m.sparse.sum(coo(m, v), 1).to_dense(), [V])
    check(lambda m, v: m.sparse.sum(coo(m, v), (0, 1)), [V])
    check(lambda m, v: coo(m, v).sum(), [V])
    check(lambda m, v: coo(m, v).sum(0).to_dense(), [V], grad=False)   # torch cannot differentiate it
    h = np.array([[1., 2.], [3., 4.], [5., 6.]], dtype=np.float32)
    check(lambda m, v: m.sparse.sum(m.sparse_coo_tensor(m.tensor([[0, 2, 1]]), v, (4, 2)), 1).to_dense(), [h])


def test_elementwise():
    check(lambda m, v: (coo(m, v) * 2.5).to_dense(), [V])
    check(lambda m, v: (3 * coo(m, v)).to_dense(), [V])
    check(lambda m, v: (coo(m, v) / 2).to_dense(), [V])
    check(lambda m, v: (-coo(m, v)).to_dense(), [V])
    check(lambda m, v: (coo(m, v, DUP, (2, 3)) ** 2).to_dense(), [V])
    check(lambda m, v: coo(m, v, DUP, (2, 3)).abs().to_dense(), [V])
    check(lambda m, v: coo(m, v).relu().to_dense(), [V])
    check(lambda m, v: (coo(m, v) + coo(m, v * 2)).to_dense(), [V])
    check(lambda m, v: (coo(m, v) - coo(m, v, DUP, (4, 3))).to_dense(), [V])
    check(lambda m, v, d: d + coo(m, v), [V, rand(4, 3)])
    check(lambda m, v, d: d - coo(m, v), [V, rand(4, 3)])
    check(lambda m, v, d: (coo(m, v) * d).to_dense(), [V, rand(4, 3)], grad=False)   # torch: sparse d.grad
    gradcheck(lambda m, v, d: (coo(m, v) * d).to_dense(), V.astype(np.float64), rand(4, 3, dtype=np.float64))
    check(lambda m, v: (m.eye(4, 3) + coo(m, v.long())), [V], grad=False)   # gcn: eye + int adjacency
    check(lambda m, v: (coo(m, v).coalesce().to_sparse_csr() * 2).to_dense(), [V])


def test_autograd_through_values_and_leaf():
    gradcheck(lambda m, v, d: m.sparse.mm(coo(m, v), d), V.astype(np.float64), rand(3, 2, dtype=np.float64))
    gradcheck(lambda m, v, d: d @ coo(m, v), V.astype(np.float64), rand(2, 4, dtype=np.float64))
    gradcheck(lambda m, v: coo(m, v, DUP, (2, 3)).coalesce().to_dense(), V.astype(np.float64))
    gradcheck(lambda m, x: x.to_sparse().values() * 3, rand(3, 3, dtype=np.float64))
    grads = []
    for m in (ember, torch):   # a sparse leaf: its grad is sparse with its pattern
        s = m.sparse_coo_tensor(m.tensor(I), m.tensor(V), (4, 3), requires_grad=True)
        m.sparse.mm(s, m.ones(3, 2)).sum().backward()
        grads.append(s.grad)
    assert grads[0].layout is ember.sparse_coo
    assert_close(grads[0].to_dense(), grads[1].to_dense())


def test_bad_input():
    check_raises(lambda m: coo(m, m.tensor(V)) + 1)
    check_raises(lambda m: coo(m, m.tensor(V)) + m.ones(4, 3))
    check_raises(lambda m: coo(m, m.tensor(V)) + coo(m, m.tensor(V), size=(5, 3)))
    check_raises(lambda m: m.mm(coo(m, m.tensor(V)), m.ones(2, 2)))
    check_raises(lambda m: m.mm(coo(m, m.tensor(V)).double(), m.ones(3, 2)))
    check_raises(lambda m: m.sparse_coo_tensor(m.tensor(I), m.tensor(V[:2])))
    check_raises(lambda m: m.sparse_coo_tensor(m.tensor(I[0]), m.tensor(V), (4, 3)))
    check_raises(lambda m: coo(m, m.tensor(V)).exp())
    check_raises(lambda m: m.exp(coo(m, m.tensor(V))))
    check_raises(lambda m: coo(m, m.tensor(V)).numpy())
    check_raises(lambda m: coo(m, m.tensor(V)).view(12))


def test_gcn_pipeline():
    """load_cora's preprocessing and GraphConv (pytorch/examples/gcn) on a small random graph."""
    rs = np.random.RandomState(0)
    V_, F, E_ = 12, 7, 20
    feats = (rs.rand(V_, F) > 0.6).astype(np.int32)
    edges = rs.randint(0, V_, (E_, 2)).astype(np.int32)
    w = rs.standard_normal((F, 4)).astype(np.float32)

    def run(m):
        features = m.FloatTensor(feats)
        scale = 1 / m.sum(features, dim=1)
        scale[scale == float("inf")] = 0
        features = m.diag(scale).to_sparse() @ features
        adj = m.sparse_coo_tensor(edges.T, m.ones(E_), (V_, V_), dtype=m.int64)
        adj = m.eye(V_) + adj
        deg = m.sqrt(1 / m.sum(adj, dim=1))
        deg[deg == float("inf")] = 0
        deg = m.diag(deg).to_sparse()
        adj = deg @ adj @ deg
        features, adj = features.to_sparse().to("cpu"), adj.to_sparse().to("cpu")
        kernel = m.tensor(w, requires_grad=True)
        out = m.spmm(adj, m.mm(features, kernel))
        m.nn.functional.log_softmax(out, dim=1).sum().backward()
        return out, kernel.grad

    (eo, eg), (to, tg) = run(ember), run(torch)
    assert_close(eo, to)
    assert_close(eg, tg)


@pytest.mark.parametrize("reduce", ["sum", "mean", "amax", "amin"])
def test_sparse_mm_reduce(reduce):
    i = np.array([[0, 0, 2, 3, 3, 3], [0, 1, 1, 0, 1, 2]])
    v = np.array([1., 2., 3., -1., 4., 4.], dtype=np.float32)
    grads = []
    for m in (ember, torch):
        vals = m.tensor(v).requires_grad_()
        d = m.tensor(rand(3, 2)).requires_grad_()
        s = m.sparse_coo_tensor(m.tensor(i), vals, (4, 3)).coalesce().to_sparse_csr()
        out = m.sparse.mm(s, d, reduce)
        (out * m.tensor(rand(4, 2, seed=3))).sum().backward()
        grads.append((out, vals.grad, d.grad))
    for e, t in zip(*grads):
        assert_close(e, t)
    check_raises(lambda m: m.sparse.mm(coo(m, m.tensor(V)).to_sparse_csr(), m.ones(3, 2), "prod"))
