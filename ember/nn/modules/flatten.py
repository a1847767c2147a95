from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    r"""Flattens the dimensions ``start_dim`` to ``end_dim`` into one.

    Args:
        start_dim (int): first dimension to flatten. Default: 1 (keeps the batch).
        end_dim (int): last dimension to flatten. Default: -1.

    Shape:
        - Input: :math:`(*, S_{start}, ..., S_{end}, *)`.
        - Output: :math:`(*, \prod S, *)`.

    Example:
        >>> nn.Flatten()(ember.randn(32, 1, 5, 5)).shape
        torch.Size([32, 25])
        >>> nn.Flatten(0, 2)(ember.randn(32, 1, 5, 5)).shape
        torch.Size([160, 5])
    """
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    r"""Splits dimension ``dim`` into the shape ``unflattened_size``.

    Args:
        dim (int or str): the dimension to unflatten.
        unflattened_size (tuple or torch.Size): the new shape of that dimension.

    Shape:
        - Input: :math:`(*, S_{dim}, *)`.
        - Output: :math:`(*, U_1, ..., U_n, *)` with :math:`\prod U_i = S_{dim}`.

    Example:
        >>> nn.Unflatten(1, (2, 5, 5))(ember.randn(2, 50)).shape
        torch.Size([2, 2, 5, 5])
    """
    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size) if isinstance(unflattened_size, list) \
            else unflattened_size

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
