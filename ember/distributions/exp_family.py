"""``ExponentialFamily``: entropy and KL through the log normalizer's gradient."""
import ember

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    r"""Base class for exponential-family distributions,
    :math:`p_F(x; \theta) = \exp(\langle t(x), \theta\rangle - F(\theta) + k(x))`.

    Subclasses give ``_natural_params``, ``_log_normalizer`` and ``_mean_carrier_measure``;
    ``entropy`` (and KL between members) then follow from Bregman divergences.
    """

    @property
    def _natural_params(self):
        """The natural parameters, a tuple of tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        """The log normalizer F as a function of the natural parameters."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        """The expected carrier measure E[k(x)]."""
        raise NotImplementedError

    def entropy(self):
        """Entropy by the Bregman divergence of the log normalizer."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
    # the natural parameters are detached leaves: the gradients' own history (torch builds it
    # with create_graph=True) reaches no user tensor, so plain gradients give the same results
        gradients = ember.autograd.grad(lg_normal.sum(), nparams, retain_graph=True)
        result = result + lg_normal
        for p, g in zip(nparams, gradients):
            result = result - (p * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
