from ..._tensor import Tensor
from ...ops.joining import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    v = vec._data
    o = 0
    for p in parameters:
        n = p._data.size
        p._data = v[o:o + n].reshape(p._data.shape).copy()
        o += n
