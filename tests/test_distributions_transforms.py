"""Transforms, constraints and the constraint registries against torch.distributions."""
import numpy as np
import pytest
import torch
from dist_oracle import outcome, same

import ember

r = np.random.RandomState(0)
X = r.standard_normal((2, 3))
X6 = r.standard_normal((2, 6))
XM = r.standard_normal((2, 3, 3))


def _T(mod):
    return (ember if mod == "e" else torch).distributions.transforms


# name, make(T, m), input x
TRANSFORMS = [
    ("Exp", lambda T, m: T.ExpTransform(), X),
    ("Affine", lambda T, m: T.AffineTransform(0.5, -2.0), X),
    ("Affine-tensor", lambda T, m: T.AffineTransform(m.tensor([1.0, 2.0, 3.0], dtype=m.float64),
                                                      m.tensor([0.5, -1.0, 2.0], dtype=m.float64), event_dim=1), X),
    ("Sigmoid", lambda T, m: T.SigmoidTransform(), X),
    ("Tanh", lambda T, m: T.TanhTransform(), X),
    ("Softplus", lambda T, m: T.SoftplusTransform(), X),
    ("Power", lambda T, m: T.PowerTransform(m.tensor(2.5, dtype=m.float64)), np.abs(X) + 0.1),
    ("Abs", lambda T, m: T.AbsTransform(), X),
    ("Softmax", lambda T, m: T.SoftmaxTransform(), X),
    ("StickBreaking", lambda T, m: T.StickBreakingTransform(), X),
    ("LowerCholesky", lambda T, m: T.LowerCholeskyTransform(), XM),
    ("PositiveDefinite", lambda T, m: T.PositiveDefiniteTransform(), XM),
    ("CorrCholesky", lambda T, m: T.CorrCholeskyTransform(), X6),
    ("Compose", lambda T, m: T.ComposeTransform([T.AffineTransform(1.0, 2.0), T.ExpTransform()]), X),
    ("Compose-inv", lambda T, m: T.ComposeTransform([T.SigmoidTransform(), T.SigmoidTransform().inv]), X),
    ("Independent", lambda T, m: T.IndependentTransform(T.ExpTransform(), 1), X),
    ("Reshape", lambda T, m: T.ReshapeTransform((3,), (3, 1)), X),
    ("Cat", lambda T, m: T.CatTransform([T.ExpTransform(), T.AffineTransform(1.0, 3.0)], dim=1, lengths=[1, 2]), X),
    ("Stack", lambda T, m: T.StackTransform([T.ExpTransform(), T.TanhTransform(), T.AbsTransform()], dim=1), X),
    ("Cumulative", lambda T, m: T.CumulativeDistributionTransform(
        (ember if m is ember else torch).distributions.Normal(0.5, 2.0)), X),
    ("identity", lambda T, m: T.identity_transform, X),
]
IDS = [t[0] for t in TRANSFORMS]


@pytest.mark.parametrize("case", TRANSFORMS, ids=IDS)
def test_transform(case):
    _, make, x = case
    te, tt = make(_T("e"), ember), make(_T("t"), torch)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = te(xe), tt(xt)
    same(ye, yt, 1e-7)
    same(outcome(lambda: te.inv(ye)), outcome(lambda: tt.inv(yt)), 1e-6)
    le, lt = outcome(lambda: te.log_abs_det_jacobian(xe, ye)), outcome(lambda: tt.log_abs_det_jacobian(xt, yt))
    same(le, lt, 1e-6)
    if not isinstance(lt, type) and lt.requires_grad:
        ge, = ember.autograd.grad(le.sum(), xe)
        gt, = torch.autograd.grad(lt.sum(), xt)
        same(ge, gt, 1e-5)
    assert repr(te) == repr(tt)
    assert te.bijective == tt.bijective
    assert repr(outcome(lambda: te.domain)) == repr(outcome(lambda: tt.domain))
    assert repr(outcome(lambda: te.codomain)) == repr(outcome(lambda: tt.codomain))
    assert repr(outcome(lambda: te.event_dim)) == repr(outcome(lambda: tt.event_dim))
    assert tuple(te.forward_shape(ember.Size(x.shape))) == tuple(tt.forward_shape(torch.Size(x.shape)))
    assert tuple(te.inverse_shape(ember.Size(ye.shape))) == tuple(tt.inverse_shape(torch.Size(yt.shape)))
    so, st = outcome(lambda: te.sign), outcome(lambda: tt.sign)
    if isinstance(st, torch.Tensor):
        same(so, st)
    else:
        assert so == st
    assert te.inv.inv is te


def test_inverse_repr_and_equality():
    T = ember.distributions.transforms
    assert repr(T.ExpTransform().inv) == repr(torch.distributions.transforms.ExpTransform().inv)
    assert T.ExpTransform() == T.ExpTransform() and T.ExpTransform().inv == T.ExpTransform().inv
    assert T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0) != T.AffineTransform(1.0, 3.0)
    assert T.SigmoidTransform() != T.TanhTransform()


def test_cache():
    T = ember.distributions.transforms
    t = T.ExpTransform(cache_size=1)
    x = ember.tensor([1.0, 2.0])
    y = t(x)
    assert t(x) is y and t.inv(y) is x
    assert T.ExpTransform().with_cache().inv(T.ExpTransform().with_cache()(x)) is not x
    with pytest.raises(ValueError):
        T.ExpTransform(cache_size=2)


def test_bad_reshape():
    for T in (ember.distributions.transforms, torch.distributions.transforms):
        with pytest.raises(ValueError):
            T.ReshapeTransform((2, 3), (5,))


# constraints ------------------------------------------------------------------------------

V = np.array([[-1.0, 0.0, 0.5, 1.0, 2.0, np.nan], [3.0, 0.3, 1.0, -0.2, 7.0, 0.0]])
CONSTRAINTS = [
    ("real", lambda C: C.real, V), ("positive", lambda C: C.positive, V),
    ("nonnegative", lambda C: C.nonnegative, V), ("unit_interval", lambda C: C.unit_interval, V),
    ("boolean", lambda C: C.boolean, V), ("nonnegative_integer", lambda C: C.nonnegative_integer, V),
    ("positive_integer", lambda C: C.positive_integer, V),
    ("integer_interval", lambda C: C.integer_interval(0, 3), V),
    ("greater_than", lambda C: C.greater_than(0.4), V), ("greater_than_eq", lambda C: C.greater_than_eq(0.5), V),
    ("less_than", lambda C: C.less_than(1.0), V), ("interval", lambda C: C.interval(-0.5, 1.0), V),
    ("half_open_interval", lambda C: C.half_open_interval(0.0, 1.0), V),
    ("real_vector", lambda C: C.real_vector, V), ("independent", lambda C: C.independent(C.positive, 1), V),
    ("simplex", lambda C: C.simplex, np.array([[0.2, 0.3, 0.5], [0.6, 0.6, -0.2]])),
    ("one_hot", lambda C: C.one_hot, np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0]])),
    ("multinomial", lambda C: C.multinomial(3), np.array([[0.0, 1.0, 2.0], [3.0, 1.0, 0.0]])),
    ("lower_triangular", lambda C: C.lower_triangular, np.stack([np.tril(XM[0]), XM[1]])),
    ("lower_cholesky", lambda C: C.lower_cholesky, np.stack([np.tril(np.abs(XM[0])), np.tril(XM[1])])),
    ("corr_cholesky", lambda C: C.corr_cholesky, np.stack([np.eye(3), np.tril(np.abs(XM[1]))])),
    ("square", lambda C: C.square, XM), ("symmetric", lambda C: C.symmetric, np.stack([XM[0] + XM[0].T, XM[1]])),
    ("positive_definite", lambda C: C.positive_definite, np.stack([XM[0] @ XM[0].T + np.eye(3), -np.eye(3)])),
    ("positive_semidefinite", lambda C: C.positive_semidefinite, np.stack([np.zeros((3, 3)), -np.eye(3)])),
    ("cat", lambda C: C.cat([C.positive, C.real], dim=1, lengths=[2, 4]), V),
    ("stack", lambda C: C.stack([C.positive, C.real, C.unit_interval], dim=1), V[:, :3]),
]


@pytest.mark.parametrize("case", CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS])
def test_constraint(case):
    _, make, v = case
    ce, ct = make(ember.distributions.constraints), make(torch.distributions.constraints)
    same(ce.check(ember.tensor(v)), ct.check(torch.tensor(v)))
    assert repr(ce) == repr(ct)
    assert ce.event_dim == ct.event_dim and ce.is_discrete == ct.is_discrete


def test_dependent():
    C = ember.distributions.constraints
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(ValueError):
        C.dependent.check(ember.zeros(1))
    with pytest.raises(NotImplementedError):
        _ = C.dependent.event_dim
    assert C.dependent(is_discrete=True, event_dim=1).event_dim == 1


# registries --------------------------------------------------------------------------------

REGISTRY_CASES = ["real", "positive", "nonnegative", "greater_than", "greater_than_eq", "less_than",
                  "interval", "half_open_interval", "unit_interval", "simplex", "lower_cholesky",
                  "positive_definite", "corr_cholesky", "real_vector", "independent", "cat", "stack",
                  "boolean"]


@pytest.mark.parametrize("name", REGISTRY_CASES)
@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_registry(registry, name):
    make = {c[0]: c[1] for c in CONSTRAINTS}.get(name) or (lambda C: getattr(C, name))
    ce, ct = make(ember.distributions.constraints), make(torch.distributions.constraints)
    te = outcome(lambda: getattr(ember.distributions, registry)(ce))
    tt = outcome(lambda: getattr(torch.distributions, registry)(ct))
    if isinstance(tt, type):
        assert te is tt
        return
    assert repr(te) == repr(tt)
    x = {"lower_cholesky": XM, "positive_definite": XM, "corr_cholesky": X6}.get(name, V[:, :5] if name != "cat"
                                                                                   else np.nan_to_num(V))
    if name == "stack":
        x = V[:, :3]
    x = np.nan_to_num(x)
    ye, yt = te(ember.tensor(x)), tt(torch.tensor(x))
    same(ye, yt, 1e-7)
    assert bool(ce.check(ye).all())


def test_register_custom():
    D = ember.distributions
    C = D.constraints
    reg = D.constraint_registry.ConstraintRegistry()

    @reg.register(C.positive)
    def _f(constraint):
        return D.transforms.SoftplusTransform()

    assert isinstance(reg(C.positive), D.transforms.SoftplusTransform)
    with pytest.raises(NotImplementedError):
        reg(C.real)
    with pytest.raises(TypeError):
        reg.register(3, _f)
