"""``ember.special``: torch.special's functions. Most are ember's own ops under their
torch.special names; the rest live in ``ember/ops/special_fns.py``.

    >>> ember.special.ndtr(ember.tensor([0.0]))
    tensor([0.5000])
"""
from .. import ops as _ops  # noqa: F401
from ..ops.special_fns import *  # noqa: F401,F403
from ..ops.special_fns import __all__ as _fns
from ..ops.special import (erf, erfc, erfinv, digamma, polygamma, i0, sinc, mvlgamma as multigammaln,  # noqa: F401
                           lgamma as gammaln, igamma as gammainc, igammac as gammaincc)
from ..ops.unary import expm1, exp2, log1p, round  # noqa: F401
from ..ops.activation import sigmoid as expit
from ..ops.softmax import log_softmax as _log_softmax
from ..ops.softmax import softmax as _softmax
from ..ops.arithmetic import xlogy  # noqa: F401
from ..ops.reduction import logsumexp  # noqa: F401

psi = digamma

__all__ = list(_fns) + ["erf", "erfc", "erfinv", "digamma", "psi", "polygamma", "i0", "sinc", "multigammaln",
                        "gammaln", "gammainc", "gammaincc", "expm1", "exp2", "log1p", "round", "expit",
                        "xlogy", "logsumexp", "logit", "softmax", "log_softmax"]


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with p clamped to [eps, 1 - eps] when ``eps`` is given.

    Example:
        >>> torch.special.logit(torch.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
    """
    return input.logit(eps)


def softmax(input, dim, *, dtype=None):
    """``torch.softmax``: exponentials normalised to sum to 1 along ``dim``.

    Example:
        >>> torch.special.softmax(torch.tensor([0., 0.]), 0)
        tensor([0.5000, 0.5000])
    """
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """``torch.log_softmax``: the log of ``softmax`` along ``dim``.

    Example:
        >>> torch.special.log_softmax(torch.tensor([0., 0.]), 0)
        tensor([-0.6931, -0.6931])
    """
    return _log_softmax(input, dim, dtype=dtype)
