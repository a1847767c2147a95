"""Shared-memory storage: the memory behind ``Tensor.share_memory_()`` and the tensors that
``ember.multiprocessing`` passes between processes.

A shared array lives in a ``Segment``: a ``MAP_SHARED`` mapping of an anonymous memory
file (``memfd_create``; the ``file_descriptor`` strategy, Linux's default) or of a named
file in ``/dev/shm`` (the ``file_system`` strategy). Every shared array is a NumPy view of
its segment's byte array, so a segment stays mapped while any array into it lives, and
forked children inherit the mapping itself. An anonymous segment has no name to leak;
a named one is removed when the process that made it exits (a receiver must open it
before then, as it must take a descriptor while its sender lives).
"""
import atexit
import itertools
import mmap
import os
import weakref

import numpy as np

sharing_strategy = "file_descriptor"   # set by ember.multiprocessing.set_sharing_strategy
_counter = itertools.count()
_names = set()       # named segments this process made and must remove
_attached = weakref.WeakValueDictionary()   # (st_dev, st_ino) -> byte array, one mapping each


class Segment(mmap.mmap):
    """A shared mapping. ``fd`` keeps the memory file open (to send it to other processes);
    ``name`` is its ``/dev/shm`` path for the ``file_system`` strategy (else None)."""

    fd = -1
    name = None


def _close(fd):
    try:
        os.close(fd)
    except OSError:
        pass


def _unlink(name, pid):
    if os.getpid() == pid:           # a forked child that drops its copy must not remove it
        _names.discard(name)
        try:
            os.unlink(name)
        except OSError:
            pass


@atexit.register
def _remove_named():
    for name in list(_names):
        _unlink(name, os.getpid())


def _segment_array(seg, key=None):
    """The segment's bytes as a uint8 array: the root every shared view is made from."""
    root = np.frombuffer(seg, np.uint8)
    if key is not None:
        _attached[key] = root
    return root


def _map(fd, nbytes, name=None, owner=False):
    try:                              # Python 3.13+: no second descriptor kept by the mapping
        seg = Segment(fd, max(nbytes, 1), trackfd=False)
    except TypeError:
        seg = Segment(fd, max(nbytes, 1))
    seg.fd, seg.name = fd, name
    weakref.finalize(seg, _close, fd)
    if owner and name is not None:
        from multiprocessing import util

        _names.add(name)        # kept while this process lives: a receiver may open it late;
        util.Finalize(None, _unlink, (name, os.getpid()), exitpriority=0)   # children too
    st = os.fstat(fd)
    return _segment_array(seg, (st.st_dev, st.st_ino))


def new_segment(nbytes, strategy=None):
    """A fresh zero-filled segment of ``nbytes`` bytes, as its uint8 root array."""
    size = max(nbytes, 1)
    if (strategy or sharing_strategy) == "file_system" or not hasattr(os, "memfd_create"):
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        if base is None:
            import tempfile

            base = tempfile.gettempdir()
        name = os.path.join(base, f"ember_{os.getpid()}_{next(_counter)}_{os.urandom(4).hex()}")
        fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    else:
        name = None
        fd = os.memfd_create(f"ember_{os.getpid()}_{next(_counter)}", os.MFD_CLOEXEC)
    try:
        os.ftruncate(fd, size)
    except OSError:
        _close(fd)
        if name is not None:
            os.unlink(name)
        raise
    return _map(fd, size, name, owner=True)


def attach_fd(fd, nbytes):
    """The segment behind ``fd`` (received from another process); takes ownership of ``fd``."""
    st = os.fstat(fd)
    root = _attached.get((st.st_dev, st.st_ino))
    if root is not None:
        _close(fd)
        return root
    return _map(fd, nbytes)


def attach_name(name, nbytes):
    """The named segment ``name`` (``file_system`` strategy)."""
    return attach_fd(os.open(name, os.O_RDWR), nbytes)


def _root(a):
    from ._tensor import _root as root

    return root(a)


def segment_of(a):
    """``a``'s segment root array, or None when ``a`` is not in shared memory."""
    r = _root(a)
    b = r.base                         # np.frombuffer keeps a memoryview of the mapping
    return r if isinstance(b, memoryview) and isinstance(b.obj, Segment) else None


def is_shared(a):
    return segment_of(a) is not None


def byte_offset(a, root):
    return a.__array_interface__["data"][0] - root.__array_interface__["data"][0]


def view(root, offset, shape, strides, dtype):
    """The array ``(shape, strides, dtype)`` at byte ``offset`` of segment ``root``."""
    return np.ndarray(shape, dtype, buffer=root, offset=offset, strides=strides)


def share(arrays, strategy=None):
    """``arrays`` in shared memory, as a list: an array already there is kept; the others
    become views (same shape, strides and offset) of a new segment holding a copy of the
    memory they view, one segment per memory block, so views of one block stay views of
    one segment."""
    out, moved = [], {}
    for a in arrays:
        if is_shared(a):
            out.append(a)
            continue
        r = _root(a)
        if not (r.flags.c_contiguous or r.flags.f_contiguous):
            r = a = np.ascontiguousarray(a)          # memory we cannot copy as one block
        seg = moved.get(id(r))
        if seg is None:
            seg = moved[id(r)] = new_segment(r.nbytes, strategy)
            if r.nbytes:
                seg[:r.nbytes] = np.frombuffer(
                    memoryview(r if r.flags.c_contiguous else r.T).cast("B"), np.uint8)
        out.append(view(seg, byte_offset(a, r), a.shape, a.strides, a.dtype))
    return out
