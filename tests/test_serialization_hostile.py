"""A corpus of crafted checkpoints: none runs code, crashes, reads out of bounds,
allocates what the file does not hold, or changes the process; each fails with a
RuntimeError or UnpicklingError that says what was wrong. Generated here, no blobs."""
import io
import os
import pickle
import tracemalloc
import zipfile

import numpy as np
import pytest
import torch
from _crafted import (
    call,
    empty_dict,
    glob,
    i,
    legacy_file,
    pid,
    pkl,
    s,
    set_declared_size,
    setitem,
    tensor,
    tup,
    zip_file,
)

import ember
import ember.serialization as S

MARKER = "/tmp/ember_hostile_marker"
F32 = np.arange(10, dtype=np.float32).tobytes()


def _rce(module, name, *args):
    return pkl(call(glob(module, name), *args))


def _t(offset, size, stride, numel=10, raw=F32, func="_rebuild_tensor_v2"):
    return zip_file(pkl(tensor(pid("0", numel), offset, size, stride, func)), {"0": raw})


class _Evil:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def _corpus():
    """(name, file bytes, what the error must mention)."""
    c = []
    touch = s(f"touch {MARKER}")
    for mod, name in [("posix", "system"), ("os", "system"), ("__builtin__", "eval"),
                      ("builtins", "exec"), ("subprocess", "check_call"), ("builtins", "getattr"),
                      ("torch", "load"), ("ember", "load"), ("numpy", "load")]:
        c.append((f"zip-{mod}.{name}", zip_file(_rce(mod, name, touch)), name))
        c.append((f"legacy-{mod}.{name}", legacy_file(_rce(mod, name, touch), []), name))
    c.append(("bare-pickle-p2", pickle.dumps(_Evil(), protocol=2), "system"))
    c.append(("bare-pickle-p4", pickle.dumps(_Evil(), protocol=4), "Unsupported operand"))
    c.append(("bare-pickle-p0", pickle.dumps(_Evil(), protocol=0), "system"))
    c.append(("zip-p4-pickle", zip_file(pickle.dumps(_Evil(), protocol=4)), "Unsupported operand"))
    # process-wide state: BUILD on shared objects, calls on non-callables, appends to non-lists
    slot = tup(b"N", setitem(empty_dict(), s("is_floating_point"), b"\x89"))
    c.append(("build-dtype", zip_file(pkl(glob("torch", "float32") + slot + b"b")), "build"))
    to_f64 = tup(b"N", setitem(empty_dict(), s("np"), s("float64")))  # zeros(2) would be float64
    c.append(("build-dtype-np", zip_file(pkl(glob("torch", "float32") + to_f64 + b"b")), "build"))
    c.append(("build-dtype-legacy", legacy_file(pkl(glob("torch", "float32") + to_f64 + b"b"), []), "build"))
    defaults = tup(b"N", setitem(empty_dict(), s("__defaults__"), tup(b"\x88", b"N", b"N")))
    c.append(("build-function", zip_file(pkl(glob("torch._utils", "_rebuild_tensor_v2") + defaults + b"b")),
              "build"))
    c.append(("build-storage-type", zip_file(pkl(glob("torch", "FloatStorage") + slot + b"b")), "build"))
    c.append(("build-class", zip_file(pkl(glob("collections", "OrderedDict") + slot + b"b")), "build"))
    c.append(("newobj-function", zip_file(pkl(glob("torch._utils", "_rebuild_tensor_v2") + b")\x81")),
              "create new object"))
    c.append(("append-to-tensor", zip_file(pkl(tensor(pid("0", 10), 0, (2,), (1,)) + i(1) + b"a"), {"0": F32}),
              "append"))
    c.append(("setitem-on-dtype", zip_file(pkl(glob("torch", "float32") + s("np") + i(1) + b"s")),
              "SETITEM"))
    c.append(("persid-not-storage", zip_file(pkl(tup(s("module"), s("os")) + b"Q")), "persistent_load"))
    # hostile sizes, strides, offsets
    c.append(("negative-offset", _t(-1, (2,), (1,)), "offset"))
    c.append(("negative-stride", _t(9, (3,), (-1,)), "overflowed"))
    c.append(("huge-negative-stride", _t(0, (3,), (-(1 << 61),)), "overflowed"))
    c.append(("huge-stride", _t(0, (3,), (1 << 61,)), "overflowed"))
    c.append(("offset-past-end", _t(8, (3,), (1,)), "out of bounds"))
    c.append(("stride-past-end", _t(0, (2, 3), (5, 3)), "out of bounds"))
    c.append(("numel-overflow", _t(0, (1 << 40, 1 << 40), (1 << 40, 1)), "overflow"))
    c.append(("negative-size", _t(0, (-1,), (1,)), "negative dimension"))
    c.append(("float-size", zip_file(pkl(tensor(pid("0", 10), 0, (2,), (1,)).replace(b"K\x02t", b"G" + b"\x40" + b"\0" * 7 + b"t", 1)), {"0": F32}),
              "integers"))
    c.append(("rank-mismatch", _t(0, (2, 2), (1,)), "length"))
    c.append(("legacy-rebuild-oob", _t(5, (10,), (1,), func="_rebuild_tensor"), "out of bounds"))
    c.append(("storage-short", _t(0, (10,), (1,), raw=F32[:8]), "elements"))
    c.append(("storage-ragged", _t(0, (2,), (1,), raw=F32[:7]), "whole number"))
    # memory bombs: sizes declared by the file that the file does not hold
    big = zip_file(pkl(tensor(pid("0", 10), 0, (10,), (1,))), {"0": F32})
    c.append(("zip-declared-4gib", set_declared_size(big, "archive/data/0", 0xFFFFFFF0), "past the end"))
    c.append(("zip-pkl-declared-4gib", set_declared_size(big, "archive/data.pkl", 0xFFFFFFF0), "past the end"))
    c.append(("legacy-numel-bomb", legacy_file(pkl(tensor(pid("0", 1 << 40, "FloatStorage", "cpu", b"N"), 0, (1,), (1,))), []), "declares"))
    c.append(("pickle-bytearray-bomb", zip_file(_rce("builtins", "bytearray", i(1 << 40))), "memory bomb"))
    c.append(("pickle-legacy-tensor-bomb", zip_file(_rce("torch", "FloatTensor", i(1 << 40))), "memory bomb"))
    c.append(("pickle-tensor-2d-bomb", zip_file(_rce("torch", "Tensor", i(1 << 20), i(1 << 20))), "memory bomb"))
    c.append(("rebuild-from-type-bomb", zip_file(_rce("torch._tensor", "_rebuild_from_type_v2", glob("builtins", "bytearray"),
                                                       glob("torch", "Tensor"), tup(i(1 << 40)), b"N")), "tensors only"))
    c.append(("pickle-string-bomb", zip_file(b"\x80\x02X\xff\xff\xff\x7f"), "remain"))
    c.append(("pickle-bytes-bomb", zip_file(b"\x80\x02B\xff\xff\xff\x7f"), "remain"))
    c.append(("pickle-bytearray8-bomb", zip_file(b"\x80\x05\x96" + (1 << 40).to_bytes(8, "little")), "operand"))
    c.append(("pickle-frame-bomb", zip_file(b"\x80\x04\x95" + (1 << 40).to_bytes(8, "little")), "operand"))
    c.append(("legacy-string-bomb", legacy_file(b"\x80\x02X\xff\xff\xff\x7f", []), "remain"))
    zeros = np.zeros(1 << 24, np.uint8).tobytes()  # 16 MiB of zeros deflate to ~16 KiB
    bomb = zip_file(pkl(tensor(pid("0", 10), 0, (10,), (1,))), {"0": zeros}, compress=zipfile.ZIP_DEFLATED)
    c.append(("deflate-lies-about-size", set_declared_size_keep_compressed(bomb, "archive/data/0", 1 << 31),
              "declares"))
    # truncations of a good file, and junk
    good = io.BytesIO()
    ember.save({"w": ember.arange(100.0), "b": ember.ones(3)}, good)
    g = good.getvalue()
    for cut in (10, len(g) // 3, len(g) // 2, len(g) - 30, len(g) - 1):
        c.append((f"zip-truncated-{cut}", g[:cut], ""))
    leg = legacy_file(pkl(tensor(pid("0", 10, "FloatStorage", "cpu", b"N"), 0, (10,), (1,))), [("0", 10, F32)])
    for cut in (5, len(leg) // 2, len(leg) - 4):
        c.append((f"legacy-truncated-{cut}", leg[:cut], ""))
    c.append(("legacy-count-lies", legacy_file(pkl(tensor(pid("0", 10, "FloatStorage", "cpu", b"N"), 0, (10,), (1,))), [("0", 1 << 40, F32)]),
              "elements"))
    c.append(("legacy-view-oob", legacy_file(pkl(tensor(pid("0", 10, "FloatStorage", "cpu", tup(s("0"), i(8), i(9))),
                                                         0, (1,), (1,))), [("0", 10, F32)]), "outside"))
    c.append(("junk", b"PK\x03\x04 not really a zip", ""))
    c.append(("zip-offset-past-end", _header_offset(big, "archive/data/0", 1 << 30), ""))
    c.append(("empty", b"", ""))
    return c


def _header_offset(archive, record, offset):
    """Point ``record``'s central directory entry at a local header past the end."""
    import struct
    data = bytearray(archive)
    pos = data.index(b"PK\x01\x02")
    while True:
        nlen = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if bytes(data[pos + 46:pos + 46 + nlen]).decode() == record:
            data[pos + 42:pos + 46] = struct.pack("<I", offset)
            return bytes(data)
        pos = data.index(b"PK\x01\x02", pos + 4)


def set_declared_size_keep_compressed(archive, record, size):
    """Like ``set_declared_size`` but only the uncompressed size (a deflate bomb's lie)."""
    import struct
    data = bytearray(archive)
    pos = data.index(b"PK\x01\x02")
    while True:
        nlen = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if bytes(data[pos + 46:pos + 46 + nlen]).decode() == record:
            data[pos + 24:pos + 28] = struct.pack("<I", size)
            return bytes(data)
        pos = data.index(b"PK\x01\x02", pos + 4)


def _process_state():
    """What a hostile file must not change."""
    dts = {d.name: tuple(getattr(d, k) for k in type(d).__slots__) for d in ember._dtype._ALL}
    return (dts, ember.zeros(2).dtype, ember.get_default_dtype(), S._rebuild_tensor_v2.__defaults__,
            S._rebuild_tensor_v2.__kwdefaults__, dict(vars(S._rebuild_tensor_v2)),
            {n: vars(st).copy() for n, st in S._STORAGE_TYPES.items()}, S.get_safe_globals())


CORPUS = _corpus()


@pytest.mark.parametrize("name,data,words", CORPUS, ids=[c[0] for c in CORPUS])
def test_crafted_file_is_refused(name, data, words):
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    before = _process_state()
    tracemalloc.start()
    try:
        with pytest.raises((RuntimeError, pickle.UnpicklingError)) as e:
            ember.load(io.BytesIO(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert words.lower() in str(e.value).lower(), str(e.value)
    assert peak < 64 << 20, f"{name}: loading allocated {peak >> 20} MiB"
    assert not os.path.exists(MARKER)
    assert _process_state() == before
    assert ember.zeros(2).dtype is ember.float32


@pytest.mark.parametrize("name,data,words", [c for c in CORPUS if c[0].startswith(("zip-", "legacy-", "bare-"))
                                             and "truncated" not in c[0]][:12],
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_torch_refuses_the_code_payloads_too(name, data, words):
    with pytest.raises(Exception):  # noqa: B017 (torch's error classes vary by payload)
        torch.load(io.BytesIO(data))
    assert not os.path.exists(MARKER)


def test_crafted_files_as_paths_and_mmap(tmp_path):
    """The same checks hold when reading from a path, with and without mmap."""
    for name, data, _ in CORPUS:
        if not data.startswith(b"PK") or "truncated" in name:
            continue
        f = tmp_path / "c.pth"
        f.write_bytes(data)
        for mmap in (False, True):
            with pytest.raises((RuntimeError, pickle.UnpicklingError)):
                ember.load(f, mmap=mmap)
    assert not os.path.exists(MARKER)


def test_good_crafted_files_load_like_torch():
    """The builders make files torch reads: the corpus is hostile by its edits alone."""
    data = _t(2, (2, 3), (1, 2))
    want = torch.load(io.BytesIO(data))
    got = ember.load(io.BytesIO(data))
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert got.stride() == want.stride()
    leg = legacy_file(pkl(tensor(pid("0", 10, "FloatStorage", "cpu", b"N"), 1, (3,), (3,))), [("0", 10, F32)])
    np.testing.assert_array_equal(ember.load(io.BytesIO(leg)).numpy(), torch.load(io.BytesIO(leg)).numpy())
    deflated = zip_file(pkl(tensor(pid("0", 10), 0, (10,), (1,))), {"0": F32}, compress=zipfile.ZIP_DEFLATED)
    np.testing.assert_array_equal(ember.load(io.BytesIO(deflated)).numpy(), np.arange(10, dtype=np.float32))


def test_refusals_name_what_to_allow_like_torch():
    data = zip_file(pkl(call(glob("builtins", "frozenset"), b"]")))
    with pytest.raises(pickle.UnpicklingError) as e:
        ember.load(io.BytesIO(data))
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(io.BytesIO(data))
    for part in ("GLOBAL frozenset was not an allowed global", "add_safe_globals([frozenset])",
                 "safe_globals([frozenset])"):
        assert part in str(e.value) and part in str(te.value)
    with S.safe_globals([frozenset]):
        assert ember.load(io.BytesIO(data)) == frozenset()
    assert S.get_safe_globals() == []


def test_deflate_bomb_with_honest_sizes_is_capped(monkeypatch):
    """A small archive whose records inflate far past its size is refused before allocating."""
    zeros = np.zeros(1 << 24, np.uint8).tobytes()  # 16 MiB that deflate to ~16 KiB
    bomb = zip_file(pkl(tensor(pid("0", 1 << 22), 0, (4,), (1,))), {"0": zeros}, compress=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000
    monkeypatch.setattr(S, "_INFLATE_FLOOR", 1 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="deflate bomb"):
            ember.load(io.BytesIO(bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20
    monkeypatch.setattr(S, "_INFLATE_FLOOR", 256 << 20)  # within the limit it loads, as torch
    assert ember.load(io.BytesIO(bomb)).tolist() == torch.load(io.BytesIO(bomb)).tolist() == [0.0] * 4
