import numbers

import numpy as np

from ... import _dtype as D
from ..._tensor import _wrap
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "LayerNorm", "GroupNorm",
           "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm", "RMSNorm"]


def _arr(shape, dtype, fill):
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return _wrap(np.full(shape, fill, dtype=dt.np))


class _NormBase(Module):
    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(_arr((num_features,), dtype, 1.0))
            if bias:
                self.bias = Parameter(_arr((num_features,), dtype, 0.0))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", _arr((num_features,), dtype, 0.0))
            self.register_buffer("running_var", _arr((num_features,), dtype, 1.0))
            self.register_buffer("num_batches_tracked", _wrap(np.zeros((), np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
                "bias={use_bias}, track_running_stats={track_running_stats}".format(
                    **self.__dict__, use_bias=self.bias is not None))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = self.num_batches_tracked if self.num_batches_tracked is not None \
                    else _wrap(np.zeros((), np.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        if self.momentum is None:
            eaf = 0.0
        else:
            eaf = self.momentum
        if self.training and self.track_running_stats:
            if self.num_batches_tracked is not None:
                self.num_batches_tracked._data[...] += 1
                self.num_batches_tracked._bump()
                if self.momentum is None:
                    eaf = 1.0 / float(self.num_batches_tracked._data)
                else:
                    eaf = self.momentum
        if self.training:
            bn_training = True
        else:
            bn_training = (self.running_mean is None) and (self.running_var is None)
        return F.batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight, self.bias, bn_training, eaf, self.eps)


class BatchNorm1d(_BatchNorm):
    r"""Batch normalization over :math:`(N, C)` or :math:`(N, C, L)` inputs: each channel is normalised by the
    batch's mean
    and variance in training (and by running estimates in evaluation), then scaled and shifted by
    learned :math:`\gamma, \beta`.

    Args:
        num_features (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        momentum (float or None): weight of the new batch in the running estimates; ``None``
            for a cumulative average. Default: 0.1.
        affine (bool): learn :math:`\gamma` and :math:`\beta`. Default: True.
        track_running_stats (bool): keep running mean and variance for evaluation. Default: True.

    Shape:
        - Input: :math:`(N, C)` or :math:`(N, C, L)`.
        - Output: the input's shape.

    Example:
        >>> m = nn.BatchNorm1d(100)
        >>> m(ember.randn(20, 100)).shape
        torch.Size([20, 100])
        >>> m
        BatchNorm1d(100, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """
    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    r"""Batch normalization over :math:`(N, C, H, W)` inputs: each channel is normalised by the batch's mean
    and variance in training (and by running estimates in evaluation), then scaled and shifted by
    learned :math:`\gamma, \beta`.

    Args:
        num_features (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        momentum (float or None): weight of the new batch in the running estimates; ``None``
            for a cumulative average. Default: 0.1.
        affine (bool): learn :math:`\gamma` and :math:`\beta`. Default: True.
        track_running_stats (bool): keep running mean and variance for evaluation. Default: True.

    Shape:
        - Input: :math:`(N, C, H, W)`.
        - Output: the input's shape.

    Example:
        >>> m = nn.BatchNorm2d(3)
        >>> y = m(ember.randn(8, 3, 4, 4) * 5 + 2)
        >>> y.mean((0, 2, 3)).abs().max() < 1e-5
        tensor(True)
        >>> m.running_mean.shape, m.num_batches_tracked
        (torch.Size([3]), tensor(1))
    """
    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    r"""Batch normalization over :math:`(N, C, D, H, W)` inputs: each channel is normalised by the batch's mean
    and variance in training (and by running estimates in evaluation), then scaled and shifted by
    learned :math:`\gamma, \beta`.

    Args:
        num_features (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        momentum (float or None): weight of the new batch in the running estimates; ``None``
            for a cumulative average. Default: 0.1.
        affine (bool): learn :math:`\gamma` and :math:`\beta`. Default: True.
        track_running_stats (bool): keep running mean and variance for evaluation. Default: True.

    Shape:
        - Input: :math:`(N, C, D, H, W)`.
        - Output: the input's shape.

    Example:
        >>> nn.BatchNorm3d(4)(ember.randn(2, 4, 3, 3, 3)).shape
        torch.Size([2, 4, 3, 3, 3])
    """
    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class SyncBatchNorm(_BatchNorm):
    """Batch normalization whose statistics PyTorch gathers across the processes of a
    distributed job on GPUs. On a CPU, as in PyTorch's CPU build without a process group,
    it normalises each process's batch like :class:`BatchNorm2d`, over any :math:`(N, C, *)`
    input.

    Args: as :class:`BatchNorm2d`, plus ``process_group`` in PyTorch (unused on CPU).
    """

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")


class _InstanceNorm(_NormBase):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)

    def _get_no_batch_dim(self):
        raise NotImplementedError

    def forward(self, input):
        nd = self._get_no_batch_dim()
        if input.dim() not in (nd, nd + 1):
            raise ValueError(
                f"expected {nd}D or {nd + 1}D input (got {input.dim()}D input)")
        feature_dim = input.dim() - nd
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(
                    f"expected input's size at dim={feature_dim} to match num_features"
                    f" ({self.num_features}), but got: {input.size(feature_dim)}.")
        unbatched = input.dim() == nd
        if unbatched:
            input = input.unsqueeze(0)
        out = F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats, self.momentum
                              if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization over :math:`(N, C, L)` or :math:`(C, L)` inputs: each channel of each sample is
    normalised by
    its own mean and variance over the spatial dimensions.

    Args:
        num_features (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        momentum (float): weight of the new statistics in the running estimates. Default: 0.1.
        affine (bool): learn a per-channel scale and shift. Default: False.
        track_running_stats (bool): keep running estimates and use them in evaluation. Default: False.

    Shape:
        - Input: :math:`(N, C, L)` or :math:`(C, L)`.
        - Output: the input's shape.

    Example:
        >>> nn.InstanceNorm1d(100)(ember.randn(20, 100, 40)).shape
        torch.Size([20, 100, 40])
    """
    def _get_no_batch_dim(self):
        return 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization over :math:`(N, C, H, W)` or :math:`(C, H, W)` inputs: each channel of each sample is
    normalised by
    its own mean and variance over the spatial dimensions.

    Args:
        num_features (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        momentum (float): weight of the new statistics in the running estimates. Default: 0.1.
        affine (bool): learn a per-channel scale and shift. Default: False.
        track_running_stats (bool): keep running estimates and use them in evaluation. Default: False.

    Shape:
        - Input: :math:`(N, C, H, W)` or :math:`(C, H, W)`.
        - Output: the input's shape.

    Example:
        >>> nn.InstanceNorm2d(3, affine=True)(ember.randn(2, 3, 8, 8)).shape
        torch.Size([2, 3, 8, 8])
    """
    def _get_no_batch_dim(self):
        return 3


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization over :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)` inputs: each channel of each
    sample is normalised by
    its own mean and variance over the spatial dimensions.

    Args:
        num_features (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        momentum (float): weight of the new statistics in the running estimates. Default: 0.1.
        affine (bool): learn a per-channel scale and shift. Default: False.
        track_running_stats (bool): keep running estimates and use them in evaluation. Default: False.

    Shape:
        - Input: :math:`(N, C, D, H, W)` or :math:`(C, D, H, W)`.
        - Output: the input's shape.

    Example:
        >>> nn.InstanceNorm3d(3)(ember.randn(2, 3, 4, 4, 4)).shape
        torch.Size([2, 3, 4, 4, 4])
    """
    def _get_no_batch_dim(self):
        return 4


class LayerNorm(Module):
    """Layer normalization: each sample is normalised by the mean and variance of its last
    ``len(normalized_shape)`` dimensions, then scaled and shifted elementwise.

    Args:
        normalized_shape (int or list or torch.Size): the shape of the normalised trailing dimensions.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        elementwise_affine (bool): learn a weight (ones) and bias (zeros) of that shape. Default: True.
        bias (bool): learn the bias (with ``elementwise_affine``). Default: True.

    Shape:
        - Input: :math:`(N, *)`.
        - Output: the input's shape.

    Example:
        >>> m = nn.LayerNorm(10)
        >>> y = m(ember.randn(20, 5, 10))
        >>> y.shape
        torch.Size([20, 5, 10])
        >>> bool(y.mean(-1).abs().max() < 1e-5)
        True
    """
    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(_arr(self.normalized_shape, dtype, 1.0))
            if bias:
                self.bias = Parameter(_arr(self.normalized_shape, dtype, 0.0))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class RMSNorm(Module):
    """Root-mean-square normalization: each sample is divided by the RMS of its last
    ``len(normalized_shape)`` dimensions (no centring), then scaled elementwise.

    Args:
        normalized_shape (int or list or torch.Size): the shape of the normalised trailing dimensions.
        eps (float, optional): added inside the root; ``None`` uses the dtype's machine epsilon. Default: None.
        elementwise_affine (bool): learn a weight (ones) of that shape. Default: True.

    Shape:
        - Input: :math:`(N, *)`.
        - Output: the input's shape.

    Example:
        >>> m = nn.RMSNorm([2, 3])
        >>> m(ember.tensor([[[3., 4., 0.], [0., 0., 5.]]]))
        tensor([[[1.0392, 1.3856, 0.0000],
                 [0.0000, 0.0000, 1.7321]]], grad_fn=<NativeLayerNormBackward0>)
    """
    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_arr(self.normalized_shape, dtype, 1.0))
        else:
            self.register_parameter("weight", None)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".format(
            **self.__dict__)


class GroupNorm(Module):
    """Group normalization: the channels are split into ``num_groups`` groups and each
    sample is normalised over each group's channels and spatial positions.

    Args:
        num_groups (int): number of groups; must divide ``num_channels``.
        num_channels (int): :math:`C`, the number of channels.
        eps (float): added to the variance for numerical stability. Default: 1e-5.
        affine (bool): learn a per-channel scale and shift. Default: True.

    Shape:
        - Input: :math:`(N, C, *)`.
        - Output: the input's shape.

    Example:
        >>> m = nn.GroupNorm(3, 6)
        >>> m(ember.randn(20, 6, 10, 10)).shape
        torch.Size([20, 6, 10, 10])
    """
    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None,
                 bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if self.affine:
            self.weight = Parameter(_arr((num_channels,), dtype, 1.0))
            if bias:
                self.bias = Parameter(_arr((num_channels,), dtype, 0.0))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return "{num_groups}, {num_channels}, eps={eps}, affine={affine}, bias={use_bias}".format(
            **self.__dict__, use_bias=self.bias is not None)


class LocalResponseNorm(Module):
    r"""Local response normalization across channels: each element is divided by
    :math:`(k + \frac{\alpha}{n} \sum a^2)^{\beta}` over ``size`` neighbouring channels.

    Args:
        size (int): number of neighbouring channels.
        alpha (float): multiplicative factor. Default: 1e-4.
        beta (float): exponent. Default: 0.75.
        k (float): additive factor. Default: 1.

    Shape:
        - Input: :math:`(N, C, *)`.
        - Output: the input's shape.

    Example:
        >>> nn.LocalResponseNorm(2)(ember.randn(32, 5, 24, 24)).shape
        torch.Size([32, 5, 24, 24])
    """
    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)
