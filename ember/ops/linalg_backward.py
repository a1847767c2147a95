"""Double backward of ``ops/linalg.py``'s ops: each op's backward written with ember ops on
tensors (see ``Op.backward_ops``), kept here because that file is at its line limit.

Each function is an op's ``backward_ops(self, *grads)``; ``self`` is the node, holding the
arrays its forward saved."""
import numpy as np

from .._tensor import _wrap
from . import linalg as L
from ._apply import apply, composite_backward


def outer(self, g):
    a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
    return L.matmul(g, b), L.matmul(a, g)


def _on_diagonal(gt, s, letters, shape):
    """``gt`` (indexed by ``letters``) placed where the subscripts ``s`` of an operand of
    ``shape`` repeat a letter: times an identity for each repeated position, with ops."""
    x = gt.reshape([gt.shape[letters.index(c)] if s.index(c) == p else 1 for p, c in enumerate(s)])
    for q, c in enumerate(s):
        p = s.index(c)
        if p != q:
            n = shape[p]
            eye = np.eye(n, dtype=gt._data.dtype).reshape([n if k in (p, q) else 1 for k in range(len(s))])
            x = x * _wrap(eye)
    wide = tuple(k for k, (a, b) in enumerate(zip(x.shape, shape)) if a != b)   # broadcast size-1 dims
    return x.sum(wide, keepdim=True) if wide else x


def einsum(self, g):
    ops, subs, out = self.ops, self.subs, self.out
    grads = []
    for i, (a, s) in enumerate(zip(ops, subs)):
        letters = "".join(dict.fromkeys(s))
        others = [(self.saved_input(j, ops[j]), subs[j]) for j in range(len(ops)) if j != i]
        t = "".join(c for c in letters if c in set(out).union(*[set(sj) for _, sj in others]))
        gt = L.einsum(",".join([out] + [sj for _, sj in others]) + "->" + t, g, *[o for o, _ in others])
        if t != letters:   # letters summed only inside this operand: broadcast back
            sizes = [a.shape[s.index(c)] for c in letters]
            gt = gt.reshape([gt.shape[t.index(c)] if c in t else 1 for c in letters]).expand(sizes)
        if letters != s:   # repeated subscripts: gt on the diagonal, zeros elsewhere
            gt = _on_diagonal(gt, s, letters, a.shape)
        grads.append(gt)
    return tuple(grads)


def kron(self, g):
    a2s, b2s, n = self.a2.shape, self.b2.shape, self.n
    gi = g.reshape(tuple(x for pair in zip(a2s, b2s) for x in pair))
    ai = self.saved_input(0, self.a).reshape(tuple(x for s in a2s for x in (s, 1)))
    bi = self.saved_input(1, self.b).reshape(tuple(x for s in b2s for x in (1, s)))
    ga = (gi * bi).sum(tuple(range(1, 2 * n, 2))).reshape(self.a.shape)
    gb = (gi * ai).sum(tuple(range(0, 2 * n, 2))).reshape(self.b.shape)
    return ga, gb


def cross(self, g):
    a, b = self.saved_input(0, self.a), self.saved_input(1, self.b)
    from .matrices import cross

    return cross(b, g, self.d), cross(g, a, self.d)


def tril(self, g):
    return apply(type(self), g, self.k)


def diag_embed(self, g):
    if not len(self.rows):
        return self.no_double_backward(g)
    return g.diagonal(int(self.cols[0] - self.rows[0]), *self.dims)


def det(self, g):
    try:
        np.linalg.inv(self.a)
    except np.linalg.LinAlgError:   # singular: the adjugate formula is not written with ops
        return self.no_double_backward(g)
    a = self.saved_input(0, self.a)
    return (g * self.saved_output(self.out))[..., None, None] * L.inverse(a).mT


def inverse(self, g):
    it = self.saved_output(self.inv).mT
    return -L.matmul(L.matmul(it, g), it)


def slogdet(self, gs, gl):
    a = self.saved_input(0, self.a)
    return gl[..., None, None] * L.inverse(a).mH


def matrix_exp(self, g):
    from .joining import cat

    ah = self.saved_input(0, self.a).mH
    z = ah.new_zeros(ah.shape)
    big = cat([cat([ah, g.to(ah.dtype)], -1), cat([z, ah], -1)], -2)
    n = ah.shape[-1]
    return L.matrix_exp(big)[..., :n, n:]


def cdist(self, g):
    from ..linalg import vector_norm

    d = self.vn.a   # a_i - b_j: the inputs a - b_0 and b - b_0 give the same differences
    if not d.size:
        return self.no_double_backward(g)
    ins = (self.saved_input(0, d[..., :, 0, :]), self.saved_input(1, d[..., :1, :1, :] - d[..., 0, :, :]))
    fn = lambda a, b: vector_norm(a.unsqueeze(-2) - b.unsqueeze(-3), self.vn.p, dim=-1)
    return composite_backward(fn, ins, (g,))


def dist(self, g):
    from ..linalg import vector_norm

    d = self.vn.a   # only a - b matters: inputs (a - b, 0)
    ins = (self.saved_input(0, d), self.saved_input(1, np.zeros_like(d)))
    return composite_backward(lambda a, b: vector_norm(a - b, self.vn.p), ins, (g,))
