"""``nn.init``: in-place initialisers with PyTorch's distributions, drawn from ember's RNG."""
import math
import warnings

import numpy as np

from .. import _random

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
           "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "uniform", "normal", "constant",
           "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
           "sparse"]


def _write(tensor, arr):
    """Write ``arr`` into ``tensor`` in place (no graph), bump its version."""
    d = tensor._data
    d[...] = np.asarray(arr).astype(d.dtype, copy=False)
    tensor._bump()
    return tensor


def calculate_gain(nonlinearity, param=None):
    """Recommended scale of the initial weights for a nonlinearity (1 for linear, ``sqrt(2)`` for ReLU, ...).

    Args:
        nonlinearity (str): ``'linear'``, ``'conv1d'``..``'conv_transpose3d'``, ``'sigmoid'``, ``'tanh'``,
            ``'relu'``, ``'leaky_relu'`` or ``'selu'``.
        param (float, optional): the negative slope for ``'leaky_relu'``. Default: ``None`` (0.01).

    Example:
        >>> nn.init.calculate_gain('relu')
        1.4142135623730951
        >>> nn.init.calculate_gain('leaky_relu', 0.2)
        1.3867504905630728
        >>> nn.init.calculate_gain('tanh')
        1.6666666666666667
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    elif nonlinearity == "tanh":
        return 5.0 / 3
    elif nonlinearity == "relu":
        return math.sqrt(2.0)
    elif nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    elif nonlinearity == "selu":
        return 3.0 / 4
    else:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = tensor.shape[1]
    num_output_fmaps = tensor.shape[0]
    receptive_field_size = 1
    if tensor.dim() > 2:
        for s in tensor.shape[2:]:
            receptive_field_size *= s
    fan_in = num_input_fmaps * receptive_field_size
    fan_out = num_output_fmaps * receptive_field_size
    return fan_in, fan_out


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _shape(t):
    return t._data.shape


def _fdt(tensor):
    d = tensor._data.dtype
    return d if d.kind == "f" else np.dtype(np.float64)


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fills ``tensor`` with draws from the uniform distribution on ``[a, b)``.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        a (float): lower bound. Default: ``0.0``.
        b (float): upper bound. Default: ``1.0``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> nn.init.uniform_(ember.empty(2, 3), -1., 1.)
        tensor([[-0.0075,  0.5364, -0.8230],
                [-0.7359, -0.3852,  0.2682]])
    """
    return _write(tensor, _random.uniform(_shape(tensor), _fdt(tensor), a, b, generator))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fills ``tensor`` with draws from the normal distribution ``N(mean, std ** 2)``.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        mean (float): the mean. Default: ``0.0``.
        std (float): the standard deviation. Default: ``1.0``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> nn.init.normal_(ember.empty(2, 3), mean=10., std=0.1)
        tensor([[10.1541,  9.9707,  9.7821],
                [10.0568,  9.8915,  9.8601]])
    """
    return _write(tensor, _random.normal(_shape(tensor), _fdt(tensor), mean, std, generator,
                                         tensor._data.flags.c_contiguous))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fills ``tensor`` with draws from ``N(mean, std ** 2)`` truncated to ``[a, b]``.

    Draws by rejection as PyTorch 2.13 does: whole-tensor normal redraws when ``[a, b]`` holds more than 30% of
    the mass, else uniform candidates on ``[a, b]`` accepted against the normal density.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        mean (float): the mean. Default: ``0.0``.
        std (float): the standard deviation. Default: ``1.0``.
        a (float): lower bound. Default: ``-2.0``.
        b (float): upper bound. Default: ``2.0``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> w = nn.init.trunc_normal_(ember.empty(100), std=5.)
        >>> bool(w.abs().max() <= 2.)
        True
        >>> nn.init.trunc_normal_(ember.empty(2, 3), a=-1., b=1.)
        tensor([[ 0.1386, -0.1685, -0.7010],
                [-0.0840, -0.0922, -0.7493]])
    """
    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    dt, shape = _fdt(tensor), _shape(tensor)
    contig = tensor._data.flags.c_contiguous
    p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
    if p > 0.3:
        lo, hi = float(dt.type(a)), float(dt.type(b))
        r = _random.normal(shape, dt, mean, std, generator, contig)
        while True:
            bad = (r < lo) | (r > hi)
            if not bad.any():
                break
            r = np.where(bad, _random.normal(shape, dt, mean, std, generator), r)
        return _write(tensor, r)
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def log_pdf(c):   # PyTorch's in-place chain, in the tensor's dtype
        return ((c - dt.type(mean)) / dt.type(std)) ** 2 * dt.type(-0.5) - dt.type(log_peak)

    result = _random.uniform(shape, dt, a, b, generator)
    with np.errstate(divide="ignore"):
        pending = np.log(_random.uniform(shape, dt, generator=generator)) > log_pdf(result)
        while pending.any():
            cand = _random.uniform(shape, dt, a, b, generator)
            result = np.where(pending, cand, result)
            pending = np.where(pending, np.log(_random.uniform(shape, dt, generator=generator))
                               > log_pdf(cand), pending)
    return _write(tensor, result)


def constant_(tensor, val):
    """Fills ``tensor`` with the value ``val``.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        val (float): the value.

    Example:
        >>> nn.init.constant_(ember.empty(2, 2), 0.5)
        tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]])
    """
    tensor._data[...] = val
    tensor._bump()
    return tensor


def ones_(tensor):
    """Fills ``tensor`` with ones.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).

    Example:
        >>> nn.init.ones_(ember.empty(3))
        tensor([1., 1., 1.])
    """
    return constant_(tensor, 1)


def zeros_(tensor):
    """Fills ``tensor`` with zeros.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).

    Example:
        >>> nn.init.zeros_(ember.empty(2, 2))
        tensor([[0., 0.],
                [0., 0.]])
    """
    return constant_(tensor, 0)


def eye_(tensor):
    """Fills a 2-D ``tensor`` with the identity matrix (ones on the diagonal, zeros elsewhere).

    Args:
        tensor (Tensor): a 2-D tensor, filled in place.

    Example:
        >>> nn.init.eye_(ember.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor._data.shape))


def dirac_(tensor, groups=1):
    """Fills a 3-, 4- or 5-D convolution weight with the Dirac delta: the convolution then copies its input channels.

    Args:
        tensor (Tensor): ``(out_channels, in_channels, *kernel)``, filled in place.
        groups (int): number of groups; each gets its own identity. Default: ``1``.

    Example:
        >>> w = nn.init.dirac_(ember.empty(2, 2, 3))
        >>> w
        tensor([[[0., 1., 0.],
                 [0., 0., 0.]],
        <BLANKLINE>
                [[0., 0., 0.],
                 [0., 1., 0.]]])
        >>> ember.nn.functional.conv1d(ember.tensor([[[1., 2., 3.], [4., 5., 6.]]]), w, padding=1)
        tensor([[[1., 2., 3.],
                 [4., 5., 6.]]])
    """
    dimensions = tensor.ndim
    if dimensions not in [3, 4, 5]:
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_chans_per_grp = sizes[0] // groups
    min_dim = min(out_chans_per_grp, sizes[1])
    d = tensor._data
    d[...] = 0
    for g in range(groups):
        for i in range(min_dim):
            idx = (g * out_chans_per_grp + i, i) + tuple(s // 2 for s in sizes[2:])
            d[idx] = 1
    tensor._bump()
    return tensor


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot initialisation: uniform on ``[-b, b]`` with ``b = gain * sqrt(6 / (fan_in + fan_out))``.

    ``fan_in`` is ``tensor.size(1)`` times the product of the dims after the first two, ``fan_out`` is the same
    with ``tensor.size(0)``.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        gain (float): scale factor. Default: ``1.0``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> w = nn.init.xavier_uniform_(ember.empty(3, 5))
        >>> bool(w.abs().max() <= (6 / 8) ** 0.5)
        True
        >>> nn.init.xavier_uniform_(ember.empty(1, 2))
        tensor([[0.0524, 0.5591]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot initialisation: normal with mean 0 and ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    ``fan_in`` is ``tensor.size(1)`` times the product of the dims after the first two, ``fan_out`` is the same
    with ``tensor.size(0)``.

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        gain (float): scale factor. Default: ``1.0``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> nn.init.xavier_normal_(ember.empty(2, 3), gain=2.)
        tensor([[ 1.9492, -0.3712, -2.7560],
                [ 0.7190, -1.3718, -1.7691]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialisation: uniform on ``[-b, b]`` with ``b = gain * sqrt(3 / fan)``.

    ``gain`` is ``calculate_gain(nonlinearity, a)``; ``fan`` is the fan-in or fan-out (``mode``).

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        a (float): the negative slope of the leaky ReLU that follows (used when
            ``nonlinearity='leaky_relu'``). Default: ``0``.
        mode (str): ``'fan_in'`` keeps the forward pass's variance, ``'fan_out'`` the backward pass's.
            Default: ``'fan_in'``.
        nonlinearity (str): the activation that follows, for :func:`calculate_gain`. Default: ``'leaky_relu'``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> w = nn.init.kaiming_uniform_(ember.empty(4, 6), nonlinearity='relu')
        >>> bool(w.abs().max() <= 1.)
        True
        >>> nn.init.kaiming_uniform_(ember.empty(2, 3), mode='fan_out')
        tensor([[-0.2792,  0.1833,  1.5683],
                [-1.6068, -1.0904, -0.4385]])
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialisation: normal with mean 0 and ``std = gain / sqrt(fan)``.

    ``gain`` is ``calculate_gain(nonlinearity, a)``; ``fan`` is the fan-in or fan-out (``mode``).

    Args:
        tensor (Tensor): the tensor to fill in place (no autograd history is recorded).
        a (float): the negative slope of the leaky ReLU that follows (used when
            ``nonlinearity='leaky_relu'``). Default: ``0``.
        mode (str): ``'fan_in'`` keeps the forward pass's variance, ``'fan_out'`` the backward pass's.
            Default: ``'fan_in'``.
        nonlinearity (str): the activation that follows, for :func:`calculate_gain`. Default: ``'leaky_relu'``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> nn.init.kaiming_normal_(ember.empty(2, 3), nonlinearity='relu')
        tensor([[ 1.2582, -0.2396, -1.7790],
                [ 0.4641, -0.8855, -1.1419]])
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    return normal_(tensor, 0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fills ``tensor`` (viewed as a ``size(0) x rest`` matrix) with a random (semi-)orthogonal matrix times ``gain``.

    Args:
        tensor (Tensor): at least 2-D, filled in place.
        gain (float): scale factor. Default: ``1``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> q = nn.init.orthogonal_(ember.empty(3, 3))
        >>> ember.allclose(q @ q.T, ember.eye(3), atol=1e-6)
        True
        >>> nn.init.orthogonal_(ember.empty(2, 2))
        tensor([[-0.9115, -0.4114],
                [ 0.4114, -0.9115]])
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flattened = _random.normal((rows, cols), _fdt(tensor), generator=generator)
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    dg = np.sign(np.diag(r))
    q = q * dg
    if rows < cols:
        q = q.T
    return _write(tensor, (gain * q).reshape(tensor._data.shape))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fills a 2-D ``tensor`` with ``N(0, std ** 2)`` draws, then zeroes a fraction ``sparsity`` of each column.

    Args:
        tensor (Tensor): a 2-D tensor, filled in place.
        sparsity (float): fraction of each column set to zero.
        std (float): standard deviation of the nonzero entries. Default: ``0.01``.
        generator (ember.Generator, optional): the random generator to draw from. Default: ``None`` (the global one).

    Example:
        >>> w = nn.init.sparse_(ember.empty(4, 3), sparsity=0.5, std=1.)
        >>> (w == 0).sum(0)
        tensor([2, 2, 2])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    arr = _random.normal((rows, cols), _fdt(tensor), 0.0, std, generator)
    for col_idx in range(cols):   # PyTorch draws these from the default generator
        zero_indices = _random.randperm(rows)[:num_zeros]
        arr[zero_indices, col_idx] = 0
    return _write(tensor, arr)


def _make_deprecate(meth):
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
                      FutureWarning, stacklevel=2)
        return meth(*args, **kwargs)
    deprecated_init.__name__ = old_name
    deprecated_init.__doc__ = f"Deprecated alias of :func:`{new_name}`: warns with a ``FutureWarning``, then calls it."
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
