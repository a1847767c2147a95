"""Builders for hand-made checkpoint files: pickle opcodes, zip archives, legacy files.

The hostile-file tests generate their corpus with these (no binary blobs).
"""
import io
import pickle
import struct
import zipfile

MAGIC = 0x1950A86A20F9469CFC6C


def glob(module, name):
    return b"c" + f"{module}\n{name}\n".encode()


def s(text):
    b = text.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def i(n):
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if -(1 << 31) <= n < (1 << 31):
        return b"J" + struct.pack("<i", n)
    e = pickle.encode_long(n)
    return b"\x8a" + bytes([len(e)]) + e


def tup(*parts):
    return b"(" + b"".join(parts) + b"t"


def call(func, *args):
    return func + tup(*args) + b"R"


def empty_dict():
    return b"}"


def setitem(d, k, v):
    return d + k + v + b"s"


def pid(key, numel, storage="FloatStorage", location="cpu", *extra):
    return tup(s("storage"), glob("torch", storage), s(key), s(location), i(numel), *extra) + b"Q"


def tensor(storage_pid, offset, size, stride, func="_rebuild_tensor_v2"):
    args = [storage_pid, i(offset), tup(*map(i, size)), tup(*map(i, stride))]
    if func == "_rebuild_tensor_v2":
        args += [b"\x89", call(glob("collections", "OrderedDict"))]
    return call(glob("torch._utils", func), *args)


def pkl(body):
    return b"\x80\x02" + body + b"."


def zip_file(data_pkl, records=None, name="archive", compress=zipfile.ZIP_STORED):
    """A PyTorch-style archive: ``name/data.pkl`` plus ``name/data/<key>`` records."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as zf:
        zf.writestr(f"{name}/data.pkl", data_pkl)
        zf.writestr(f"{name}/byteorder", b"little")
        for key, raw in (records or {}).items():
            zf.writestr(f"{name}/data/{key}", raw)
        zf.writestr(f"{name}/version", b"3\n")
    return out.getvalue()


def set_declared_size(archive, record, size):
    """Rewrite the central directory's sizes of ``record`` (what a lying archive declares)."""
    data = bytearray(archive)
    pos = data.index(b"PK\x01\x02")
    while True:
        nlen = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        fname = bytes(data[pos + 46:pos + 46 + nlen]).decode()
        if fname == record:
            data[pos + 20:pos + 28] = struct.pack("<II", size, size)
            return bytes(data)
        pos = data.index(b"PK\x01\x02", pos + 4)


def legacy_file(obj_pkl, storages, header_sizes=None):
    """PyTorch's pre-1.6 format: magic, protocol, sys info, object pickle, keys, raw storages.

    ``storages``: list of (key, declared element count, raw bytes).
    """
    out = pickle.dumps(MAGIC, protocol=2) + pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    out += obj_pkl
    out += pickle.dumps([k for k, _, _ in storages], protocol=2)
    for _, n, raw in storages:
        out += struct.pack("<q", n) + raw
    return out
