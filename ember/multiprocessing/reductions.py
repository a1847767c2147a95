"""Pickling tensors between processes through shared memory, as
``torch.multiprocessing.reductions``: a tensor sent through a ``Queue``, a ``Pipe`` or the
arguments of a spawned ``Process`` moves its storage into shared memory (once) and
arrives as a view of the same memory, with its shape, strides and storage offset.
"""
from multiprocessing.reduction import DupFd, ForkingPickler

from .. import _shm
from .._tensor import Tensor

__all__ = ["init_reductions", "rebuild_tensor", "reduce_segment", "reduce_tensor"]


def rebuild_tensor(cls, root, offset, shape, strides, dtype, requires_grad):
    from .._tensor import _wrap
    from ..nn.parameter import Parameter

    t = _wrap(_shm.view(root, offset, shape, strides, dtype))
    if cls is Parameter:
        return Parameter(t, requires_grad)
    if cls is not Tensor:
        t = t.as_subclass(cls)
    t._rg = requires_grad
    return t


def reduce_tensor(tensor):
    """Share ``tensor``'s storage and pickle a handle to it (not its bytes)."""
    if tensor.requires_grad and tensor.grad_fn is not None:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
            "does not support crossing process boundaries.  If you just want to transfer the data, "
            "call detach() on the tensor before serializing (e.g., putting it on the queue).")
    tensor.share_memory_()
    a = tensor._data
    root = _shm.segment_of(a)
    return (rebuild_tensor, (type(tensor), root.base.obj, _shm.byte_offset(a, root), a.shape,
                             a.strides, a.dtype, tensor.requires_grad))


def _rebuild_fd(df, nbytes):
    return _shm.attach_fd(df.detach(), nbytes)


def _rebuild_name(name, nbytes):
    return _shm.attach_name(name, nbytes)


def reduce_segment(seg):
    """A segment travels as a duplicated file descriptor, or by name (``file_system``)."""
    if seg.name is not None:
        return (_rebuild_name, (seg.name, len(seg)))
    return (_rebuild_fd, (DupFd(seg.fd), len(seg)))


def init_reductions():
    from ..nn.parameter import Parameter

    ForkingPickler.register(_shm.Segment, reduce_segment)
    for cls in (Tensor, Parameter):
        ForkingPickler.register(cls, reduce_tensor)
