"""Building blocks shared by the model zoo (torchvision.ops.misc): conv-norm-activation
stacks, squeeze-and-excitation, MLP, frozen batch norm, permute."""
import warnings
from collections.abc import Sequence

from ... import nn
from ...nn.functional import interpolate  # noqa: F401  (torchvision.ops.misc re-exports it)
from ...ops._apply import ntuple

__all__ = ["FrozenBatchNorm2d", "ConvNormActivation", "Conv2dNormActivation", "Conv3dNormActivation",
           "SqueezeExcitation", "MLP", "Permute"]


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d whose statistics and affine parameters are fixed buffers (not trained).

    Args:
        num_features (int): the channel count C of a ``[N, C, H, W]`` input.
        eps (float, optional): added to the variance. Default: 1e-5
    """

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        from ... import ones, zeros
        self.eps = eps
        self.register_buffer("weight", ones(num_features))
        self.register_buffer("bias", zeros(num_features))
        self.register_buffer("running_mean", zeros(num_features))
        self.register_buffer("running_var", ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        state_dict.pop(prefix + "num_batches_tracked", None)   # BatchNorm2d checkpoints load too
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def forward(self, x):
        w = self.weight.reshape(1, -1, 1, 1)
        b = self.bias.reshape(1, -1, 1, 1)
        rv = self.running_var.reshape(1, -1, 1, 1)
        rm = self.running_mean.reshape(1, -1, 1, 1)
        scale = w * (rv + self.eps).rsqrt()
        return x * scale + (b - rm * scale)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"


class ConvNormActivation(nn.Sequential):
    """Convolution, then normalization, then activation (base of the 2d/3d variants).

    ``padding`` defaults to "same" for odd kernels (``(k - 1) // 2 * dilation``); the
    convolution has a bias only when there is no norm layer (unless ``bias`` says otherwise).
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True,
                 bias=None, conv_layer=nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                dims = len(kernel_size) if isinstance(kernel_size, Sequence) else len(dilation)
                kernel_size, dilation = ntuple(kernel_size, dims, "kernel_size"), ntuple(dilation, dims, "dilation")
                padding = tuple((kernel_size[i] - 1) // 2 * dilation[i] for i in range(dims))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                             groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels
        if self.__class__ == ConvNormActivation:
            warnings.warn("Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                          "Conv3dNormActivation instead.")


class Conv2dNormActivation(ConvNormActivation):
    """``Conv2d`` -> norm (default ``BatchNorm2d``) -> activation (default ``ReLU``).

    Args:
        in_channels (int), out_channels (int): channels in and out.
        kernel_size (int or tuple, optional): Default: 3
        stride (int or tuple, optional): Default: 1
        padding (int, tuple or str, optional): Default: ``(kernel_size - 1) // 2 * dilation``
        groups (int, optional): Default: 1
        norm_layer (callable, optional): called with ``out_channels``; ``None`` for none.
        activation_layer (callable, optional): called with ``inplace``; ``None`` for none.
        dilation (int or tuple, optional): Default: 1
        inplace (bool, optional): passed to the activation. Default: ``True``
        bias (bool, optional): Default: ``norm_layer is None``

    Example:
        >>> block = Conv2dNormActivation(3, 16, stride=2)
        >>> block(ember.rand(1, 3, 8, 8)).shape
        torch.Size([1, 16, 4, 4])
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv2d)


class Conv3dNormActivation(ConvNormActivation):
    """``Conv3d`` -> norm (default ``BatchNorm3d``) -> activation; arguments as
    :class:`Conv2dNormActivation`."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm3d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv3d)


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation (Hu et al.): scale each channel by a gate computed from the
    globally pooled input (``avgpool -> fc1 -> activation -> fc2 -> scale_activation``).

    Args:
        input_channels (int): C of the input.
        squeeze_channels (int): the bottleneck's channels.
        activation (callable, optional): Default: ``nn.ReLU``
        scale_activation (callable, optional): Default: ``nn.Sigmoid``
    """

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(input)))))

    def forward(self, input):
        return self._scale(input) * input


class MLP(nn.Sequential):
    """Linear layers with norm, activation and dropout between them (and dropout after the last).

    Args:
        in_channels (int): input features.
        hidden_channels (list[int]): each layer's output features (the last is the output).
        norm_layer (callable, optional): called with each hidden width.
        activation_layer (callable, optional): Default: ``nn.ReLU``
        inplace (bool, optional): passed to activation and dropout when not ``None``.
        bias (bool, optional): Default: ``True``
        dropout (float, optional): Default: 0.0
    """

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU,
                 inplace=None, bias=True, dropout=0.0):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer(**params))
            layers.append(nn.Dropout(dropout, **params))
            in_dim = hidden_dim
        layers.append(nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(nn.Module):
    """``x.permute(dims)`` as a module."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.permute(self.dims)
