"""ember.save / ember.load against torch.save / torch.load, both ways."""
import collections
import io
import os
import pickle

import numpy as np
import pytest
import torch
from oracle import assert_close

import ember

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8,
          np.bool_, np.complex64]


def _sample(dt, shape=(2, 3)):
    rs = np.random.RandomState(0)
    if dt == np.bool_:
        return rs.rand(*shape) > 0.5
    return (rs.randn(*shape) * 10).astype(dt)


@pytest.mark.parametrize("dt", DTYPES)
def test_ember_to_torch_every_dtype(tmp_path, dt):
    a = _sample(dt)
    f = tmp_path / "x.pth"
    ember.save({"t": ember.tensor(a), "s": ember.tensor(a[0, 0]), "e": ember.tensor(a[:0])}, f)
    got = torch.load(f, weights_only=True)
    assert_close(ember.tensor(got["t"].numpy()), got["t"])
    np.testing.assert_array_equal(got["t"].numpy(), a)
    assert got["s"].shape == () and got["e"].shape == (0, 3)
    assert str(got["t"].dtype) == str(ember.tensor(a).dtype)


@pytest.mark.parametrize("dt", DTYPES)
def test_torch_to_ember_every_dtype(tmp_path, dt):
    a = _sample(dt)
    f = tmp_path / "x.pth"
    torch.save({"t": torch.tensor(a), "s": torch.tensor(a[0, 0]), "e": torch.tensor(a[:0])}, f)
    got = ember.load(f)
    assert_close(got["t"], torch.tensor(a))
    assert_close(got["s"], torch.tensor(a[0, 0]))
    assert_close(got["e"], torch.tensor(a[:0]))


def test_bfloat16_both_ways(tmp_path):
    t = torch.tensor([1.5, -2.25, 3.0], dtype=torch.bfloat16)
    torch.save(t, tmp_path / "a.pth")
    e = ember.load(tmp_path / "a.pth")
    assert e.dtype is ember.bfloat16 and e.float().tolist() == [1.5, -2.25, 3.0]
    ember.save(e, tmp_path / "b.pth")
    back = torch.load(tmp_path / "b.pth", weights_only=True)
    assert back.dtype == torch.bfloat16 and torch.equal(back, t)


def test_views_share_storage_both_ways(tmp_path):
    base = ember.tensor(np.arange(12, dtype=np.float32))
    v = base.view(3, 4) if hasattr(base, "view") else base
    tv = v.t() if hasattr(v, "t") else v
    ember.save({"base": base, "v": v, "tv": tv}, tmp_path / "e.pth")
    got = torch.load(tmp_path / "e.pth", weights_only=True)
    assert got["v"].untyped_storage().data_ptr() == got["base"].untyped_storage().data_ptr()
    assert got["tv"].stride() == tuple(tv.stride())
    got["base"][0] = 100
    assert got["v"][0, 0].item() == 100
    zf = __import__("zipfile").ZipFile(tmp_path / "e.pth")
    assert len([n for n in zf.namelist() if "/data/" in n]) == 1  # stored once

    tb = torch.arange(12.0)
    torch.save({"base": tb, "v": tb.view(3, 4).t(), "n": tb[2:5]}, tmp_path / "t.pth")
    e = ember.load(tmp_path / "t.pth")
    assert e["v"].stride() == (1, 4) and e["n"].storage_offset() == 2
    e["base"]._data[3] = -1
    assert e["n"]._data[1] == -1 and e["v"]._data[3, 0] == -1


def test_nested_containers_and_numbers(tmp_path):
    obj = {"od": collections.OrderedDict(a=ember.ones(2)), "l": [1, 2.5, "s", None, True],
           "t": (ember.zeros(1), 3), "d": {"x": {"y": ember.tensor(7)}}, "b": b"\x00\x01",
           "dtype": ember.float64, "size": ember.Size([2, 3])}
    ember.save(obj, tmp_path / "n.pth")
    got = torch.load(tmp_path / "n.pth", weights_only=True)
    assert isinstance(got["od"], collections.OrderedDict) and got["l"] == [1, 2.5, "s", None, True]
    assert got["t"][1] == 3 and got["d"]["x"]["y"].item() == 7 and got["b"] == b"\x00\x01"
    assert got["dtype"] == torch.float64 and got["size"] == torch.Size([2, 3])
    back = ember.load(tmp_path / "n.pth")
    assert back["dtype"] is ember.float64 and back["size"] == (2, 3)


def test_state_dict_with_metadata_from_torch(tmp_path):
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    opt = torch.optim.Adam(m.parameters())
    m(torch.randn(5, 3)).sum().backward()
    opt.step()
    torch.save({"model": m.state_dict(), "opt": opt.state_dict()}, tmp_path / "ck.pth")
    ck = ember.load(tmp_path / "ck.pth")
    assert list(ck["model"].keys()) == list(m.state_dict().keys())
    for k, v in m.state_dict().items():
        assert_close(ck["model"][k], v)
    assert ck["opt"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert_close(ck["opt"]["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])


def _cuda_file(path):
    """A checkpoint that says its storage lives on cuda:0, as one saved on a GPU machine."""
    from ember import serialization as S

    class P(S._Pickler):
        def persistent_id(self, obj):
            pid = super().persistent_id(obj)
            return pid[:3] + ("cuda:0",) + pid[4:] if pid else None

    storages = {}
    pkl = S._dumps({"w": ember.tensor([1.0, 2.0])}, 2, storages, P)
    with open(path, "wb") as f:
        S._write_archive(f, "gpu", pkl, storages)


def test_map_location_for_gpu_checkpoint(tmp_path):
    f = tmp_path / "gpu.pth"
    _cuda_file(f)
    with pytest.raises(RuntimeError):
        torch.load(f, weights_only=True)
    with pytest.raises(RuntimeError, match="map_location"):
        ember.load(f)
    assert torch.load(f, map_location="cpu")["w"].tolist() == [1.0, 2.0]
    for ml in ["cpu", ember.device("cpu"), {"cuda:0": "cpu"}, lambda storage, loc: storage]:
        assert ember.load(f, map_location=ml)["w"].tolist() == [1.0, 2.0]


class Evil:
    def __reduce__(self):
        return (os.system, ("touch /tmp/ember_pwned_marker",))


def test_malicious_file_never_runs(tmp_path):
    marker = "/tmp/ember_pwned_marker"
    if os.path.exists(marker):
        os.unlink(marker)
    f = tmp_path / "evil.pth"
    torch.save({"x": torch.ones(1), "evil": Evil()}, f)
    with pytest.raises(pickle.UnpicklingError, match="system") as e:
        ember.load(f)
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(f)
    for part in ("Weights only load failed", "GLOBAL posix.system", "is blocked", "`weights_only` set to `False`"):
        assert part in str(e.value) and part in str(te.value)
    assert not os.path.exists(marker)
    # a raw pickle stream in the legacy slot is checked the same way
    raw = tmp_path / "raw.pth"
    raw.write_bytes(pickle.dumps(Evil(), protocol=2))
    with pytest.raises((pickle.UnpicklingError, RuntimeError)):
        ember.load(raw)
    assert not os.path.exists(marker)


class Point:
    def __init__(self, x):
        self.x = x


def test_add_safe_globals(tmp_path):
    f = tmp_path / "p.pth"
    ember.save({"p": Point(3)}, f)
    with pytest.raises(pickle.UnpicklingError, match="Point"):
        ember.load(f)
    with ember.serialization.safe_globals([Point]):
        assert ember.load(f)["p"].x == 3
    assert ember.load(f, weights_only=False)["p"].x == 3


def test_truncated_and_corrupted_files(tmp_path):
    f = tmp_path / "ok.pth"
    ember.save({"w": ember.ones(1000)}, f)
    data = f.read_bytes()
    bad = tmp_path / "bad.pth"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(RuntimeError, match="truncated or corrupted"):
        ember.load(bad)
    bad.write_bytes(b"not a checkpoint at all")
    with pytest.raises(RuntimeError):
        ember.load(bad)
    with pytest.raises(FileNotFoundError):
        ember.load(tmp_path / "missing.pth")


def test_failed_save_leaves_existing_file(tmp_path):
    f = tmp_path / "keep.pth"
    ember.save({"w": ember.ones(3)}, f)
    before = f.read_bytes()
    with pytest.raises(Exception):  # noqa: B017 (whatever pickle raises for a lambda)
        ember.save({"w": ember.zeros(3), "bad": lambda: 0}, f)
    assert f.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pth"]


def test_file_objects_and_mmap(tmp_path):
    buf = io.BytesIO()
    ember.save({"w": ember.tensor([1.0, 2.0])}, buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=True)["w"].tolist() == [1.0, 2.0]
    buf.seek(0)
    assert ember.load(buf)["w"].tolist() == [1.0, 2.0]
    f = tmp_path / "big.pth"
    torch.save({"w": torch.arange(100000, dtype=torch.float32)}, f)
    m = ember.load(f, mmap=True)
    assert isinstance(m["w"]._data.base, np.ndarray) or m["w"]._data.base is not None
    assert m["w"][99999].item() == 99999.0


def test_legacy_format(tmp_path):
    f = tmp_path / "old.pth"
    t = torch.arange(6.0).view(2, 3)
    torch.save({"a": t, "b": t.t(), "i": torch.tensor([1, 2])}, f, _use_new_zipfile_serialization=False)
    e = ember.load(f)
    assert_close(e["a"], t)
    assert_close(e["b"], t.t())
    assert_close(e["i"], torch.tensor([1, 2]))


def test_safetensors_round_trip(tmp_path):
    f = str(tmp_path / "w.safetensors")
    ember.serialization.save_safetensors({"a": ember.ones(2, 3), "b": ember.tensor([1, 2])}, f)
    from safetensors.torch import load_file

    t = load_file(f)
    assert t["a"].shape == (2, 3) and t["b"].dtype == torch.int64
    e = ember.serialization.load_safetensors(f)
    assert e["b"].tolist() == [1, 2]


def test_archive_checksums_are_valid(tmp_path):
    import zipfile

    f = tmp_path / "c.pth"
    ember.save({f"w{i}": ember.randn(1000 + i) for i in range(5)}, f)
    with zipfile.ZipFile(f) as zf:
        assert zf.testzip() is None  # every record's CRC-32 matches its bytes
        for info in zf.infolist():
            with open(f, "rb") as fh:  # and each record's data starts 64-byte aligned
                fh.seek(info.header_offset + 26)
                n, x = __import__("struct").unpack("<HH", fh.read(4))
                assert (info.header_offset + 30 + n + x) % 64 == 0


def test_saved_file_has_the_default_mode(tmp_path):
    import stat

    f = tmp_path / "m.pth"
    ember.save({"w": ember.ones(1)}, f)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o666 & ~umask


def _layouts():
    x = ember.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    img = ember.tensor(np.random.RandomState(0).randn(1, 2, 6, 6).astype(np.float32))
    return {
        "t_clone": x.t().clone(), "t_times_2": x.t() * 2, "sin_t": ember.sin(x.t()),
        "maxpool": ember.nn.functional.max_pool2d(img, 2), "avgpool": ember.nn.functional.avg_pool2d(img, 2),
        "permuted": img.permute(0, 2, 3, 1) + 0, "flipped": ember.flip(x, [1]), "strided": x[:, ::2],
        "t_view": x.t(), "base": x,
    }


def test_non_contiguous_tensors_save_their_values(tmp_path):
    """Issue #16 item 1: copies of views whose base is not C-ordered were saved scrambled."""
    got = _layouts()
    f = tmp_path / "l.pth"
    ember.save(got, f)
    back_t = torch.load(f, weights_only=True)
    back_e = ember.load(f)
    for k, v in got.items():
        np.testing.assert_array_equal(back_t[k].numpy(), v.numpy(), err_msg=k)
        np.testing.assert_array_equal(back_e[k].numpy(), v.numpy(), err_msg=k)
        assert tuple(back_t[k].shape) == tuple(v.shape)
    w = ember.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    sd = {"weight": ember.nn.Parameter(w.t().clone())}
    ember.save(sd, f)
    np.testing.assert_array_equal(torch.load(f, weights_only=True)["weight"].detach().numpy(), w.numpy().T)
    np.testing.assert_array_equal(ember.load(f)["weight"].detach().numpy(), w.numpy().T)


def test_load_then_save_keeps_views_of_one_storage(tmp_path):
    """A torch file with views of one storage, loaded and re-saved by ember, reads back in torch."""
    base = torch.arange(12.0).reshape(3, 4)
    torch.save({"base": base, "t": base.t(), "rows": base[1:3]}, tmp_path / "a.pth")
    for mmap in (False, True):
        e = ember.load(tmp_path / "a.pth", mmap=mmap)
        ember.save(e, tmp_path / "b.pth")
        back = torch.load(tmp_path / "b.pth", weights_only=True)
        for k in ("base", "t", "rows"):
            assert torch.equal(back[k], {"base": base, "t": base.t(), "rows": base[1:3]}[k]), k
        assert back["t"].untyped_storage().data_ptr() == back["base"].untyped_storage().data_ptr()
        assert back["rows"].untyped_storage().data_ptr() == back["base"].untyped_storage().data_ptr()
        assert back["t"].stride() == (1, 4)
        e2 = ember.load(tmp_path / "b.pth")
        e2["base"][0, 1] = 100.0
        assert e2["t"][1, 0].item() == 100.0


def _build(self, nn, ntoken=11, ninp=4, nhid=5, nlayers=2):
        self.drop = nn.Dropout(0.2)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=0.2)
        self.decoder = nn.Linear(nhid, ntoken)
        self.rnn_type, self.nhid, self.nlayers = "LSTM", nhid, nlayers


class RNNModel(ember.nn.Module):
    """word_language_model's model: encoder, LSTM, decoder, dropout."""

    def __init__(self, nn):
        super().__init__()
        _build(self, nn)

    def forward(self, x, hidden):
        out, hidden = self.rnn(self.drop(self.encoder(x)), hidden)
        return self.decoder(self.drop(out)), hidden


class TorchRNNModel(torch.nn.Module):
    def __init__(self, nn):
        super().__init__()
        _build(self, nn)

    forward = RNNModel.forward


def _run(mod, lib, m):
    m.eval()
    x = lib.tensor([[1, 2], [3, 4], [5, 6]])
    h = (lib.zeros(2, 2, 5), lib.zeros(2, 2, 5))
    return m(x, h)[0].detach().numpy()


def test_whole_model_checkpoints_under_safe_globals(tmp_path):
    """Issue #9: torch.save(model) then safe_globals([...]) + torch.load, as word_language_model."""
    nn = ember.nn
    m = RNNModel(nn)
    f = tmp_path / "model.pt"
    ember.save(m, f)
    with pytest.raises(pickle.UnpicklingError) as e:
        ember.load(f)
    assert "GLOBAL test_serialization.RNNModel was not an allowed global" in str(e.value)
    assert "add_safe_globals([test_serialization.RNNModel])" in str(e.value)
    classes = [RNNModel, nn.Dropout, nn.Embedding, nn.LSTM, nn.Linear]
    for missing in classes[1:]:
        with ember.serialization.safe_globals([c for c in classes if c is not missing]):
            with pytest.raises(pickle.UnpicklingError, match=f"GLOBAL {missing.__module__}.{missing.__name__} "):
                ember.load(f)
    with ember.serialization.safe_globals(classes):
        back = ember.load(f)
    assert ember.serialization.get_safe_globals() == []
    assert type(back) is RNNModel and type(back.rnn) is nn.LSTM
    np.testing.assert_array_equal(_run(m, ember, back), _run(m, ember, m))
    ember.serialization.add_safe_globals(classes)
    try:
        assert type(ember.load(f)) is RNNModel
    finally:
        ember.serialization.clear_safe_globals()
    np.testing.assert_array_equal(_run(m, ember, ember.load(f, weights_only=False)), _run(m, ember, m))
    # allowed by name, as torch's (obj, "module.name") tuples
    named = [(c, f"{c.__module__}.{c.__qualname__}") for c in classes]
    with ember.serialization.safe_globals(named):
        assert type(ember.load(f)) is RNNModel


def test_whole_model_torch_side_messages_match(tmp_path):
    """torch's own whole-model checkpoint: both libraries name the same first global to allow."""
    tm = TorchRNNModel(torch.nn)
    f = tmp_path / "torch_model.pt"
    torch.save(tm, f)
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(f)
    with pytest.raises(pickle.UnpicklingError) as ee:
        ember.load(f)
    want = "GLOBAL test_serialization.TorchRNNModel was not an allowed global"
    assert want in str(te.value) and want in str(ee.value)
    with torch.serialization.safe_globals([TorchRNNModel, torch.nn.Dropout, torch.nn.Embedding,
                                           torch.nn.LSTM, torch.nn.Linear]):
        assert type(torch.load(f)) is TorchRNNModel
    # its state_dict is what carries over to an ember model
    torch.save(tm.state_dict(), tmp_path / "sd.pt")
    m = RNNModel(ember.nn)
    m.load_state_dict(ember.load(tmp_path / "sd.pt"))
    np.testing.assert_allclose(_run(m, ember, m), _run(tm, torch, tm), rtol=1e-5, atol=1e-6)


def test_safe_globals_validation_like_torch():
    b = io.BytesIO()
    ember.save({"x": frozenset()}, b)
    for bad, exc in [((set, "a", "b"), ValueError), ((set, 1), TypeError)]:
        for lib in (ember, torch):
            lib.serialization.add_safe_globals([bad])
            b.seek(0)
            try:
                with pytest.raises(exc, match="Expected"):
                    lib.load(b)
            finally:
                lib.serialization.clear_safe_globals()


_SLOW_SAVE = r"""
import sys, time, ember, ember.serialization as S
def slow(out, *a):
    out.write(b"x" * 4096); out.flush()
    print("writing", flush=True)
    time.sleep(60)
S._write_archive = slow
ember.save({"w": ember.zeros(3)}, sys.argv[1])
"""


def _temps(d):
    return sorted(p.name for p in d.iterdir() if p.name.startswith(".ember-save-"))


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGKILL"])
def test_killed_save_leaves_no_temp_file(tmp_path, sig):
    """Issue #16 item 6: the old checkpoint survives; the temp file does not outlive the save."""
    import signal
    import subprocess
    import sys

    f = tmp_path / "ck.pth"
    ember.save({"w": ember.ones(3)}, f)
    before = f.read_bytes()
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)))
    p = subprocess.Popen([sys.executable, "-c", _SLOW_SAVE, str(f)], stdout=subprocess.PIPE, env=env)
    try:
        assert p.stdout.readline().strip() == b"writing"
        assert len(_temps(tmp_path)) == 1
        p.send_signal(getattr(signal, sig))
        assert p.wait(timeout=60) == -getattr(signal, sig)
    finally:
        p.kill()
        p.wait()
    assert f.read_bytes() == before
    if sig == "SIGTERM":
        assert _temps(tmp_path) == []
    else:  # nothing runs on SIGKILL: the next save of the same file removes the leftover
        assert len(_temps(tmp_path)) == 1
        other = tmp_path / "other.pth"
        ember.save({"w": ember.ones(1)}, other)
        assert len(_temps(tmp_path)) == 1  # another target's save leaves it alone
        ember.save({"w": ember.zeros(3)}, f)
        assert _temps(tmp_path) == []
    assert torch.load(f, weights_only=True)["w"].tolist() in ([1.0] * 3, [0.0] * 3)


def test_save_keeps_temp_files_of_live_saves(tmp_path):
    f = tmp_path / "ck.pth"
    live = tmp_path / (ember._atomic_write.temp_prefix(str(f)) + f"{os.getpid()}-abc")
    live.write_bytes(b"partial")
    ember.save({"w": ember.ones(1)}, f)
    assert live.exists()


def test_pickled_blobs_inside_a_checkpoint_are_kept_byte_for_byte(tmp_path):
    """Only GLOBAL opcodes are renamed to torch's names, never bytes inside strings."""
    blob = pickle.dumps([ember.float32, ember.device("cpu")], protocol=2)
    text = "cember.serialization\n_rebuild_tensor_v2\n"
    obj = {"blob": blob, "text": text, "w": ember.ones(2), "dt": ember.float64}
    ember.save(obj, tmp_path / "b.pth")
    for back in (torch.load(tmp_path / "b.pth", weights_only=True), ember.load(tmp_path / "b.pth")):
        assert back["blob"] == blob and back["text"] == text
        assert str(back["dt"]) == "torch.float64" and back["w"].tolist() == [1.0, 1.0]


class TinyTransformer(ember.nn.Module):
    """word_language_model's TransformerModel, small."""

    def __init__(self):
        super().__init__()
        nn = ember.nn
        layer = nn.TransformerEncoderLayer(8, 2, 16, 0.0)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.decoder = nn.Linear(8, 5)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def test_whole_transformer_checkpoint_allowed_by_class_and_function(tmp_path):
    """The example's allow-list names classes and a function (torch.nn.functional.relu)."""
    nn = ember.nn
    m = TinyTransformer().eval()
    f = tmp_path / "t.pt"
    ember.save(m, f)
    allowed = [TinyTransformer, ember.nn.functional.relu, nn.modules.activation.MultiheadAttention,
               nn.modules.container.ModuleList, nn.modules.dropout.Dropout, nn.modules.linear.Linear,
               nn.modules.linear.NonDynamicallyQuantizableLinear, nn.modules.normalization.LayerNorm,
               nn.modules.transformer.TransformerEncoder, nn.modules.transformer.TransformerEncoderLayer]
    with ember.serialization.safe_globals(allowed):
        back = ember.load(f)
    x = ember.randn(3, 2, 8)
    with ember.no_grad():
        np.testing.assert_array_equal(back(x).numpy(), m(x).numpy())
    with ember.serialization.safe_globals(allowed[1:]):
        with pytest.raises(pickle.UnpicklingError, match="TinyTransformer"):
            ember.load(f)


UNSIGNED = ["uint16", "uint32", "uint64"]


def _unsigned(name):
    top = np.iinfo(name).max
    return np.array([[0, 1, top, top // 3], [7, top - 1, 2 ** 15, 12345]], dtype=name)


@pytest.mark.parametrize("name", UNSIGNED)
def test_unsigned_ember_to_torch(tmp_path, name):
    a = _unsigned(name)
    t = ember.from_numpy(a.copy())
    assert t.dtype is getattr(ember, name)
    f = tmp_path / "u.pth"
    ember.save({"t": t, "col": t[:, 1], "tr": t.t(), "s": t[1, 1], "e": t[:0]}, f)
    got = torch.load(f, weights_only=True)  # torch's restricted unpickler accepts the file
    want = torch.from_numpy(a.copy())
    for k, ref in {"t": want, "col": want[:, 1], "tr": want.t(), "s": want[1, 1], "e": want[:0]}.items():
        assert got[k].dtype == getattr(torch, name), k
        assert got[k].shape == ref.shape and got[k].stride() == ref.stride(), k
        assert got[k].numpy().tolist() == ref.numpy().tolist(), k
    # views of one tensor stay views of one storage, as torch.save would write them
    assert got["col"].untyped_storage().data_ptr() == got["t"].untyped_storage().data_ptr()
    # byte-for-byte the same pickle as torch.save writes (modulo storage keys)
    buf_e, buf_t = io.BytesIO(), io.BytesIO()
    ember.save(t, buf_e)
    torch.save(want, buf_t)
    import zipfile
    pk = [zipfile.ZipFile(io.BytesIO(b.getvalue())).read("archive/data.pkl") for b in (buf_e, buf_t)]
    assert pk[0] == pk[1]


@pytest.mark.parametrize("name", UNSIGNED)
@pytest.mark.parametrize("weights_only", [True, False])
def test_unsigned_torch_to_ember(tmp_path, name, weights_only):
    a = _unsigned(name)
    t = torch.from_numpy(a.copy())
    f = tmp_path / "u.pth"
    torch.save({"t": t, "col": t[:, 1], "s": t[1, 1], "mixed": [t.to(torch.int64), t.float()]}, f)
    got = ember.load(f, weights_only=weights_only)
    assert got["t"].dtype is getattr(ember, name) and got["t"].shape == (2, 4)
    assert got["t"].numpy().tolist() == a.tolist()
    assert got["col"].numpy().tolist() == a[:, 1].tolist() and got["col"].stride() == (4,)
    assert got["s"].shape == () and got["s"].item() == int(a[1, 1])
    assert got["mixed"][0].dtype is ember.int64 and got["mixed"][1].dtype is ember.float32
    got["t"][0, 0] = 5  # views share the storage after loading, as in torch
    assert got["col"][0].item() == a[0, 1] and got["t"].numpy()[0, 0] == 5
    mm = ember.load(f, mmap=True)
    assert mm["t"].numpy().tolist() == a.tolist() and mm["t"].dtype is getattr(ember, name)
    # and back: what ember loaded, ember saves for torch again
    ember.save(got, tmp_path / "back.pth")
    back = torch.load(tmp_path / "back.pth", weights_only=True)
    assert back["t"].dtype == getattr(torch, name) and back["t"][0, 0].item() == 5
    assert back["col"].tolist() == a[:, 1].tolist()


def test_unsigned_storage_of_the_wrong_size_is_refused():
    bad = ember.serialization.TypedStorage(np.zeros(3, np.uint8), ember.uint8)
    with pytest.raises(RuntimeError, match="cannot hold"):
        ember.serialization._rebuild_tensor_v3(bad, 0, (1,), (1,), False, None, ember.uint16)
