import numpy as np

from ..._tensor import Tensor, _wrap
from ...ops._apply import Op, apply

__all__ = ["parameters_to_vector", "vector_to_parameters"]


class _Cat(Op):
    name = "CatBackward0"

    def forward(self, *arrs):
        self.shapes = [a.shape for a in arrs]
        return np.concatenate([a.reshape(-1) for a in arrs])

    def backward(self, g):
        out, o = [], 0
        for s in self.shapes:
            n = int(np.prod(s))
            out.append(g[o:o + n].reshape(s))
            o += n
        return tuple(out)


def parameters_to_vector(parameters):
    ps = list(parameters)
    return apply(_Cat, *ps)


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    v = vec._data
    o = 0
    for p in parameters:
        n = p._data.size
        p._data = v[o:o + n].reshape(p._data.shape).copy()
        o += n
