"""Double backward of ``ops/pooling.py``'s adaptive max pooling and max unpooling (kept here:
that file is at its line limit). Both are linear in their input with constant coefficients
(the argmax positions), so ``backward_ops`` is ``linear_backward_ops`` and these are the
``jvp``s, the adjoints of each backward."""
import math

import numpy as np

from ._apply import linear_backward_ops


def adaptive_max_jvp(self, u):
    """``u`` read at each window's argmax."""
    shape, nd = self.geo
    lead = math.prod(shape[:-nd])
    return np.take_along_axis(u.reshape(lead, -1), self.arg.reshape(lead, -1), 1).reshape(self.arg.shape)


def max_unpool_backward_ops(self, g):
    self.oshape = g.shape   # the output's shape, for jvp
    return linear_backward_ops(self, g), None


def max_unpool_jvp(self, u):
    """``u`` added at the saved indices: the adjoint of backward's gather (an index saved twice
    gets the sum, where the forward keeps one value)."""
    out = np.zeros(self.oshape, u.dtype).reshape(self.ii.shape[0], -1)
    np.add.at(out, (self.rows, self.ii), u.reshape(self.ii.shape[0], -1))
    return out.reshape(self.oshape)
