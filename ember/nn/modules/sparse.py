import numpy as np

from ... import _dtype as D
from ..._tensor import _wrap
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Embedding", "EmbeddingBag"]


class Embedding(Module):
    r"""A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``, indexed by integers.

    Args:
        num_embeddings (int): size of the table.
        embedding_dim (int): size of each vector.
        padding_idx (int, optional): this row gets no gradient (and starts at zeros).
        max_norm (float, optional): rows looked up are renormalised in place to at most this norm.
        norm_type (float): the p of the p-norm for ``max_norm``. Default: 2.
        scale_grad_by_freq (bool): scale gradients by the inverse frequency of each index in
            the batch. Default: False.
        sparse (bool): accepted; gradients are dense in ember. Default: False.

    Attributes:
        weight: shape ``(num_embeddings, embedding_dim)``, initialised from :math:`\mathcal{N}(0, 1)`.

    Shape:
        - Input: :math:`(*)`, integer indices.
        - Output: :math:`(*, \text{embedding\_dim})`.

    Example:
        >>> emb = nn.Embedding(10, 3, padding_idx=0)
        >>> emb(ember.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])).shape
        torch.Size([2, 4, 3])
        >>> emb(ember.tensor([0]))
        tensor([[0., 0., 0.]], grad_fn=<EmbeddingBackward0>)
        >>> nn.Embedding.from_pretrained(ember.tensor([[1., 2.], [3., 4.]]))(ember.tensor([1]))
        tensor([[3., 4.]])
    """
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if padding_idx > 0:
                assert padding_idx < self.num_embeddings, "Padding_idx must be within num_embeddings"
            elif padding_idx < 0:
                assert padding_idx >= -self.num_embeddings, "Padding_idx must be within num_embeddings"
                padding_idx = self.num_embeddings + padding_idx
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if _weight is None:
            dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
            self.weight = Parameter(_wrap(np.empty((num_embeddings, embedding_dim), dt.np)),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            assert list(_weight.shape) == [num_embeddings, embedding_dim], \
                "Shape of weight does not match num_embeddings and embedding_dim"
            self.weight = Parameter(_weight, requires_grad=not _freeze)
        self.sparse = sparse

    def reset_parameters(self):
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = "{num_embeddings}, {embedding_dim}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s.format(**self.__dict__)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        assert embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional"
        rows, cols = embeddings.shape
        return cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze,
                   padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


class EmbeddingBag(Module):
    r"""Sums, means or maxima of bags of embeddings, without building the intermediate
    embeddings tensor.

    Args:
        num_embeddings (int): size of the table.
        embedding_dim (int): size of each vector.
        max_norm (float, optional): rows looked up are renormalised to at most this norm.
        norm_type (float): the p of the p-norm for ``max_norm``. Default: 2.
        scale_grad_by_freq (bool): scale gradients by the inverse index frequency. Default: False.
        mode (str): ``'sum'``, ``'mean'`` or ``'max'``. Default: 'mean'.
        include_last_offset (bool): ``offsets`` has one more entry, the end of the last bag. Default: False.
        padding_idx (int, optional): this index is excluded from the reduction.

    ``forward(input, offsets=None, per_sample_weights=None)``: a 2-D ``input`` is one bag per
    row; a 1-D ``input`` is split into bags at ``offsets``.

    Shape:
        - Input: :math:`(B, N)`, or :math:`(N)` with offsets :math:`(B)`.
        - Output: :math:`(B, \text{embedding\_dim})`.

    Example:
        >>> bag = nn.EmbeddingBag.from_pretrained(ember.arange(10.).reshape(5, 2), mode='sum')
        >>> bag(ember.tensor([0, 1, 2, 3, 4]), ember.tensor([0, 2]))
        tensor([[ 2.,  4.],
                [18., 21.]])
    """
    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.padding_idx = padding_idx
        if _weight is None:
            dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
            self.weight = Parameter(_wrap(np.empty((num_embeddings, embedding_dim), dt.np)))
            init.normal_(self.weight)
            if padding_idx is not None:
                self.weight._data[padding_idx] = 0
        else:
            self.weight = Parameter(_weight)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        s += f", mode='{self.mode}'"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, mode="mean", sparse=False,
                        include_last_offset=False, padding_idx=None):
        rows, cols = embeddings.shape
        m = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                include_last_offset, padding_idx)
        m.weight.requires_grad = not freeze
        return m
