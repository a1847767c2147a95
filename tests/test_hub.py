"""ember.hub: downloads over HTTP from a server on 127.0.0.1 (success, cache reuse, bad hash,
404, unreachable host, truncated transfer), torch's cache layout, and hubconf.py repositories."""
import hashlib
import io
import json
import os
import urllib.error
import zipfile

import numpy as np
import pytest
import torch
from local_http import serve

import ember
from ember import hub


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    return tmp_path / "torch_home" / "hub"


def _checkpoint():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(6.).reshape(2, 3), "b": torch.tensor([1, 2])}, buf)
    return buf.getvalue()


def test_get_dir_set_dir_follow_torch(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "torch" / "hub")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    import torch.hub as th
    old = th._hub_dir
    try:
        th._hub_dir = None
        assert hub.get_dir() == th.get_dir()
    finally:
        th._hub_dir = old
    hub.set_dir(tmp_path / "mine")
    assert hub.get_dir() == str(tmp_path / "mine")
    assert ember.hub is hub


def test_download_url_to_file_hash_and_progress(tmp_path, capsys):
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    with serve({"blob.bin": data}) as (base, hits):
        dst = tmp_path / "blob.bin"
        hub.download_url_to_file(base + "blob.bin", str(dst), hash_prefix=sha[:10], progress=True)
        assert dst.read_bytes() == data
        assert capsys.readouterr().err   # a progress bar on stderr
        hub.download_url_to_file(base + "blob.bin", str(tmp_path / "quiet.bin"), progress=False)
        assert capsys.readouterr().err == ""
        with pytest.raises(RuntimeError, match=r'invalid hash value \(expected "deadbeef", got "' + sha):
            hub.download_url_to_file(base + "blob.bin", str(tmp_path / "bad.bin"), hash_prefix="deadbeef",
                                     progress=False)
        assert not (tmp_path / "bad.bin").exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_download_errors_name_url_and_destination(tmp_path):
    data = b"x" * 50_000
    with serve({"cut.bin": data}, truncate={"cut.bin": 1000}) as (base, _):
        with pytest.raises(urllib.error.HTTPError) as ei:
            hub.download_url_to_file(base + "missing.pth", str(tmp_path / "m.pth"), progress=False)
        assert ei.value.code == 404
        assert base + "missing.pth" in str(ei.value) and str(tmp_path / "m.pth") in str(ei.value)
        with pytest.raises(RuntimeError, match="received 1000 of 50000 bytes") as ei:
            hub.download_url_to_file(base + "cut.bin", str(tmp_path / "cut.bin"), progress=False)
        assert str(tmp_path / "cut.bin") in str(ei.value)
        assert not (tmp_path / "cut.bin").exists()
        port = base.rsplit(":", 1)[1].strip("/")
    with pytest.raises(urllib.error.URLError) as ei:   # the server is gone: connection refused
        hub.download_url_to_file(f"http://127.0.0.1:{port}/x.pth", str(tmp_path / "x.pth"), progress=False)
    assert f"http://127.0.0.1:{port}/x.pth" in str(ei.value) and str(tmp_path / "x.pth") in str(ei.value)
    assert sorted(os.listdir(tmp_path)) == []


def test_load_state_dict_from_url_downloads_once_and_reuses_cache(hub_dir):
    blob = _checkpoint()
    sha = hashlib.sha256(blob).hexdigest()
    name = f"tiny-{sha[:8]}.pth"
    with serve({name: blob, "tiny-00000000.pth": blob}) as (base, hits):
        sd = hub.load_state_dict_from_url(base + name, check_hash=True, progress=False)
        assert (hub_dir / "checkpoints" / name).is_file()
        assert sd["w"].dtype == ember.float32 and np.array_equal(sd["w"]._data, np.arange(6.).reshape(2, 3))
        again = hub.load_state_dict_from_url(base + name, check_hash=True, progress=False)
        assert hits[name] == 1 and np.array_equal(again["b"]._data, [1, 2])
        with pytest.raises(RuntimeError, match="invalid hash value"):
            hub.load_state_dict_from_url(base + "tiny-00000000.pth", check_hash=True, progress=False)
        assert not (hub_dir / "checkpoints" / "tiny-00000000.pth").exists()
        sd = hub.load_state_dict_from_url(base + name, model_dir=str(hub_dir / "elsewhere"), file_name="x.pth",
                                          progress=False, map_location="cpu", weights_only=True)
        assert (hub_dir / "elsewhere" / "x.pth").is_file() and hits[name] == 2


def test_file_torch_already_downloaded_is_used_without_network(hub_dir):
    ckpt = hub_dir / "checkpoints"
    ckpt.mkdir(parents=True)
    (ckpt / "resnet-abcdef12.pth").write_bytes(_checkpoint())
    sd = hub.load_state_dict_from_url("http://127.0.0.1:9/models/resnet-abcdef12.pth", progress=False)
    assert set(sd) == {"w", "b"}


def test_legacy_zipped_checkpoint(hub_dir):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner.pth", _checkpoint())
    with serve({"old.zip": buf.getvalue()}) as (base, _):
        sd = hub.load_state_dict_from_url(base + "old.zip", progress=False)
    assert set(sd) == {"w", "b"} and (hub_dir / "checkpoints" / "inner.pth").is_file()


HUBCONF = '''
"""A tiny hub repository."""
dependencies = ["numpy"]
from helper import scale


def linear(in_features=3, out_features=2, bias=True):
    """A linear layer for the hub tests."""
    import ember
    return ember.nn.Linear(in_features, out_features, bias=bias)


def scaled(x, k=2):
    return scale(x, k)


def _private():
    pass

not_callable = 5
'''


def _repo(path, deps=None):
    path.mkdir(parents=True, exist_ok=True)
    text = HUBCONF if deps is None else HUBCONF.replace('["numpy"]', repr(deps))
    (path / "hubconf.py").write_text(text)
    (path / "helper.py").write_text("def scale(x, k):\n    return x * k\n")
    return path


def test_hub_local_repo(tmp_path):
    repo = _repo(tmp_path / "repo")
    m = hub.load(str(repo), "linear", 4, out_features=5, source="local")
    assert isinstance(m, ember.nn.Linear) and tuple(m.weight.shape) == (5, 4)
    assert hub.load(str(repo), "scaled", 3, source="local", k=3) == 9
    assert hub.list(str(repo), source="local") == ["linear", "scale", "scaled"]
    assert hub.help(str(repo), "linear", source="local").strip() == "A linear layer for the hub tests."
    with pytest.raises(RuntimeError, match="Cannot find callable not_callable in hubconf"):
        hub.load(str(repo), "not_callable", source="local")
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(repo), "nope", source="local")
    with pytest.raises(ValueError, match='Unknown source: "gitlab"'):
        hub.load(str(repo), "linear", source="gitlab")
    with pytest.raises(ValueError, match="model should be a string"):
        hub.load(str(repo), 3, source="local")
    bad = _repo(tmp_path / "bad", deps=["numpy", "surely_not_a_module_xyz"])
    with pytest.raises(RuntimeError, match="Missing dependencies: surely_not_a_module_xyz"):
        hub.load(str(bad), "linear", source="local")


def test_hub_github_source_from_local_server(hub_dir, monkeypatch, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("owner-repo-abc123/hubconf.py", HUBCONF)
        zf.writestr("owner-repo-abc123/helper.py", "def scale(x, k):\n    return x * k\n")
    with serve({"owner/repo/zipball/v1": buf.getvalue()}) as (base, hits):
        monkeypatch.setattr(hub, "_GITHUB", base.rstrip("/"))
        m = hub.load("owner/repo:v1", "linear", trust_repo=True, skip_validation=True)
        assert isinstance(m, ember.nn.Linear)
        assert (hub_dir / "owner_repo_v1" / "hubconf.py").is_file()
        assert "owner_repo" in (hub_dir / "trusted_list").read_text()
        assert hub.list("owner/repo:v1", skip_validation=True) == ["linear", "scale", "scaled"]
        assert hits["owner/repo/zipball/v1"] == 1   # the second call used the cache
        branches = "repos/owner/repo/branches?per_page=100&page="
        api = {branches + "1": json.dumps([{"name": "main", "commit": {"sha": "abc123"}}]).encode(),
               branches + "2": b"[]", "repos/owner/repo/tags?per_page=100&page=1": b"[]"}
        files = {"owner/repo/zipball/main": buf.getvalue(), "owner/repo/tree/main/": b"ok", **api}
        with serve(files) as (base2, hits2):
            monkeypatch.setattr(hub, "_GITHUB", base2.rstrip("/"))
            monkeypatch.setattr(hub, "_GITHUB_API", base2.rstrip("/"))
            m = hub.load("owner/repo", "linear", trust_repo=True)   # default branch probed, ref validated
            assert isinstance(m, ember.nn.Linear) and (hub_dir / "owner_repo_main").is_dir()
            with pytest.raises(ValueError, match="Cannot find nope in"):
                hub.load("owner/repo:nope", "linear", trust_repo=True, force_reload=True)
        monkeypatch.setattr("builtins.input", lambda prompt: "n")
        with pytest.raises(Exception, match="Untrusted repository."):
            hub.load("other/repo:v1", "linear", skip_validation=True)


def test_model_zoo_load_url_and_tqdm(hub_dir):
    from ember.utils import model_zoo
    assert model_zoo.load_url is hub.load_state_dict_from_url
    import tqdm
    assert hub.tqdm is tqdm.tqdm and model_zoo.tqdm is tqdm.tqdm
    with serve({"m.pth": _checkpoint()}) as (base, _):
        assert set(model_zoo.load_url(base + "m.pth", progress=False)) == {"w", "b"}
