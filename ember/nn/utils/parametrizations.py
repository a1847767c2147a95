"""``nn.utils.parametrizations``: weight_norm, spectral_norm and orthogonal built on
``nn.utils.parametrize`` (originals under ``module.parametrizations.<name>``)."""
from ... import mv, vdot
from ...autograd import grad_mode
from .. import functional as F
from ..modules.module import Module
from . import parametrize
from .spectral_norm import _normalize_into, _transposed_ctor
from .weight_norm import _norm_except_dim, _weight_norm

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return _norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """``module.<name> = g * v / ||v||`` with ``original0 = g`` and ``original1 = v``;
    old ``<name>_g`` / ``<name>_v`` checkpoints still load."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys,
                                 unexpected_keys, error_msgs):
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, "
                             f"{ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        with grad_mode.no_grad():
            for _ in range(n_power_iterations):
                _normalize_into(self._u, mv(weight_mat, self._v), self.eps)
                _normalize_into(self._v, mv(weight_mat.t().conj(), self._u), self.eps)

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = vdot(u, mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """``module.<name> = original / sigma`` with sigma from power iteration (buffers
    ``_u`` / ``_v`` in the parametrization, drawn with ``normal_`` as torch)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, parametrize.Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if _transposed_ctor(module) else 0
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


class _Orthogonal(Module):
    """Orthogonal (or semi-orthogonal) matrix from ``original`` via ``matrix_exp``, ``cayley``
    or ``householder`` (real tensors)."""

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == "householder":
            raise ValueError("The householder parametrization does not support complex "
                             "tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        from ... import cat, eye, linalg, zeros
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            X = X.tril()
            if n != k:
                X = cat([X, zeros(X.shape[:-2] + (n, n - k), dtype=X.dtype)], dim=-1)
            A = X - X.mH
            if self.orthogonal_map == "matrix_exp":
                Q = linalg.matrix_exp(A)
            else:
                Id = eye(n, dtype=A.dtype)
                Q = linalg.solve(Id - A * 0.5, Id + A * 0.5)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        if tuple(Q.shape) != tuple(self.shape):
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        from ... import zeros_like
        with grad_mode.no_grad():
            Q_init = Q
            n, k = Q.size(-2), Q.size(-1)
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n
            if not hasattr(self, "base"):
                if self.orthogonal_map in ("cayley", "matrix_exp"):
                    raise NotImplementedError(
                        "It is not possible to assign to the matrix exponential or the Cayley "
                        "parametrizations when use_trivialization=False.")
                A, tau = _geqrf(Q)
                d = A.diagonal(dim1=-2, dim2=-1)
                d.sign_()
                d[tau == 0.0] *= -1
                return A.mT if transpose else A
            if n == k:
                if not _is_orthogonal(Q):
                    Q = _make_orthogonal(Q)
                else:
                    Q = Q.clone()
            else:
                N = Q.new_empty(Q.shape[:-2] + (n, n - k)).normal_()
                from ... import cat
                Q = cat([Q, N], dim=-1)
                Q = _make_orthogonal(Q)
            self.base = Q
            neg_Id = zeros_like(Q_init)
            neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
            return neg_Id


def _is_orthogonal(Q, eps=None):
    from ... import eye
    n, k = Q.size(-2), Q.size(-1)
    Id = eye(k, dtype=Q.dtype)
    eps = 10.0 * n * (1.2e-7 if Q.dtype.itemsize <= 4 else 2.3e-16) if eps is None else eps
    return bool((Q.mH @ Q).sub(Id).abs().max() <= eps) if Q.numel() else True


def _geqrf(A):
    """LAPACK geqrf (as ``torch.geqrf``): Householder vectors below the diagonal, R on and
    above it, and the reflector scales ``tau``."""
    import numpy as np

    from ... import tensor
    a = A._data
    flat = a.reshape((-1,) + a.shape[-2:])
    hs, taus = zip(*(np.linalg.qr(m, mode="raw") for m in flat)) if len(flat) else ((), ())
    h = np.stack([x.T for x in hs]).reshape(a.shape)
    t = np.stack(taus).reshape(a.shape[:-2] + (min(a.shape[-2:]),))
    return tensor(h.astype(a.dtype, copy=False)), tensor(t.astype(a.dtype, copy=False))


def _make_orthogonal(A):
    """The Q of A's QR with R's diagonal made positive (torch's geqrf/householder_product)."""
    from ... import linalg
    Q, R = linalg.qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _householder_product(A, tau):
    """``linalg.householder_product``: first k columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T
    with v_i = A[:, i] below the diagonal and 1 on it; differentiable through ember ops."""
    import numpy as np

    from ... import eye, tensor
    n, k = A.size(-2), A.size(-1)
    Q = eye(n, dtype=A.dtype).expand(A.shape[:-2] + (n, n))
    rows = np.arange(n)
    for i in range(k):
        below = tensor((rows > i).astype(A._data.dtype))
        unit = tensor((rows == i).astype(A._data.dtype))
        v = A[..., :, i] * below + unit
        Qv = (Q @ v.unsqueeze(-1)) * tau[..., i, None, None]
        Q = Q - Qv @ v.unsqueeze(-2)
    return Q[..., :, :k]


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Constrain ``module.<name>`` (a matrix or batch) to be orthogonal."""
    weight = getattr(module, name, None)
    if not isinstance(weight, parametrize.Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. "
                         f"Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.size(-2) == weight.size(-1) or weight.is_complex()
                          else "householder")
    if orthogonal_map not in ("matrix_exp", "cayley", "householder"):
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
