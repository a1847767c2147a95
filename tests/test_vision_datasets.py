"""ember.vision.datasets with download=True: small fake archives in each dataset's real format,
served from 127.0.0.1 (the class's mirrors/url patched, as torchvision's own tests do)."""
import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile
import zipfile

import numpy as np
import pytest
from local_http import serve

import ember
from ember.vision import datasets
from ember.vision.datasets import utils as dutils

Image = pytest.importorskip("PIL.Image")


def md5(b):
    return hashlib.md5(b).hexdigest()


def idx_bytes(arr):
    code = {np.uint8: 0x08, np.int32: 0x0C}[arr.dtype.type]
    head = struct.pack(">BBBB", 0, 0, code, arr.ndim) + b"".join(struct.pack(">I", s) for s in arr.shape)
    return head + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def gz(b):
    return gzip.compress(b, mtime=0)


def mnist_files(n_train=12, n_test=5, seed=0, prefix=""):
    rng = np.random.default_rng(seed)
    imgs = rng.integers(0, 256, (n_train + n_test, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n_train + n_test).astype(np.uint8)
    return imgs, labels, {
        f"{prefix}train-images-idx3-ubyte": idx_bytes(imgs[:n_train]),
        f"{prefix}train-labels-idx1-ubyte": idx_bytes(labels[:n_train]),
        f"{prefix}t10k-images-idx3-ubyte": idx_bytes(imgs[n_train:]),
        f"{prefix}t10k-labels-idx1-ubyte": idx_bytes(labels[n_train:]),
    }


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST])
def test_mnist_family_download(tmp_path, monkeypatch, cls):
    imgs, labels, raw = mnist_files()
    files = {name + ".gz": gz(b) for name, b in raw.items()}
    with serve(files) as (base, hits):
        monkeypatch.setattr(cls, "mirrors", [base + "nowhere/", base])   # the first mirror 404s
        monkeypatch.setattr(cls, "resources", [(n, md5(files[n])) for n, _ in cls.resources])
        ds = cls(str(tmp_path), train=True, download=True)
        raw_dir = tmp_path / cls.__name__ / "raw"
        assert sorted(os.listdir(raw_dir)) == sorted(list(raw) + list(files))
        assert isinstance(ds.data, ember.Tensor) and ds.data.dtype == ember.uint8
        assert tuple(ds.data.shape) == (12, 28, 28)
        assert ds.targets.dtype == ember.int64 and np.array_equal(ds.targets._data, labels[:12])
        assert np.array_equal(ds.data._data, imgs[:12])
        assert tuple(ds.data.unsqueeze(1).shape) == (12, 1, 28, 28)   # siamese_network does this
        img, y = ds[3]
        assert img.mode == "L" and np.array_equal(np.asarray(img), imgs[3]) and y == labels[3] and type(y) is int
        test = cls(str(tmp_path), train=False, download=True)
        assert len(test) == 5 and np.array_equal(test.data._data, imgs[12:])
        assert sum(hits.values()) == 4 + 4   # 4 files (x2 for the dead mirror), none fetched twice
        assert repr(test).splitlines()[:4] == [f"Dataset {cls.__name__}", "    Number of datapoints: 5",
                                               f"    Root location: {tmp_path}", "    Split: Test"]
        assert ds.class_to_idx[ds.classes[2]] == 2


def test_mnist_bad_checksum_and_missing(tmp_path, monkeypatch):
    _, _, raw = mnist_files()
    files = {name + ".gz": gz(b) for name, b in raw.items()}
    with serve(files) as (base, _):
        monkeypatch.setattr(datasets.MNIST, "mirrors", [base])
        monkeypatch.setattr(datasets.MNIST, "resources", [(n, "0" * 32) for n, _ in datasets.MNIST.resources])
        with pytest.raises(RuntimeError) as ei:
            datasets.MNIST(str(tmp_path), download=True)
        msg = str(ei.value)
        assert "Error downloading train-images-idx3-ubyte.gz" in msg and base in msg and "MD5" in msg
        assert "Place train-images-idx3-ubyte.gz by hand in" in msg
        assert not (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte.gz").exists()
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
        datasets.MNIST(str(tmp_path / "empty"))


def test_emnist_download_zip(tmp_path, monkeypatch):
    imgs, labels, raw = mnist_files(prefix="")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for split in ("balanced", "letters"):
            for name, b in raw.items():
                kind = name.replace("t10k", "test")
                zf.writestr(f"gzip/emnist-{split}-{kind}.gz", gz(b))
    blob = buf.getvalue()
    with serve({"gzip.zip": blob}) as (base, hits):
        monkeypatch.setattr(datasets.EMNIST, "url", base + "gzip.zip")
        monkeypatch.setattr(datasets.EMNIST, "md5", md5(blob))
        ds = datasets.EMNIST(str(tmp_path), split="letters", download=True)
        assert ds.classes[:3] == ["N/A", "a", "b"] and np.array_equal(ds.data._data, imgs[:12])
        test = datasets.EMNIST(str(tmp_path), split="balanced", train=False, download=True)
        assert len(test) == 5 and len(test.classes) == 47 and hits["gzip.zip"] == 1
        assert not (tmp_path / "EMNIST" / "raw" / "gzip").exists()
    with pytest.raises(ValueError, match="Unknown value 'nope' for argument split. Valid values are"):
        datasets.EMNIST(str(tmp_path), split="nope")


def tar_gz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, b in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(b)
            tar.addfile(info, io.BytesIO(b))
    return buf.getvalue()


@pytest.mark.parametrize("cls", [datasets.CIFAR10, datasets.CIFAR100])
def test_cifar_download(tmp_path, monkeypatch, cls):
    rng = np.random.default_rng(1)
    label_key = "labels" if cls is datasets.CIFAR10 else "fine_labels"
    members, expect = {}, {}
    for name, _ in cls.train_list + cls.test_list:
        data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, 4)]
        members[f"{cls.base_folder}/{name}"] = pickle.dumps({"data": data, label_key: labels})
        expect[name] = (data, labels)
    names = [f"c{i}" for i in range(10)]
    members[f"{cls.base_folder}/{cls.meta['filename']}"] = pickle.dumps({cls.meta["key"]: names})
    blob = tar_gz(members)
    with serve({cls.filename: blob}) as (base, hits):
        monkeypatch.setattr(cls, "url", base + cls.filename)
        monkeypatch.setattr(cls, "tgz_md5", md5(blob))
        monkeypatch.setattr(cls, "train_list", [[n, md5(members[f"{cls.base_folder}/{n}"])] for n, _ in cls.train_list])
        monkeypatch.setattr(cls, "test_list", [[n, md5(members[f"{cls.base_folder}/{n}"])] for n, _ in cls.test_list])
        monkeypatch.setattr(cls, "meta", dict(cls.meta, md5=md5(members[f"{cls.base_folder}/{cls.meta['filename']}"])))
        ds = cls(str(tmp_path), train=True, download=True)
        first, labels = expect[cls.train_list[0][0]]
        assert isinstance(ds.data, np.ndarray) and ds.data.shape == (4 * len(cls.train_list), 32, 32, 3)
        assert np.array_equal(ds.data[0], first[0].reshape(3, 32, 32).transpose(1, 2, 0))
        assert isinstance(ds.targets, list) and ds.targets[:4] == labels
        assert ds.classes == names and ds.class_to_idx["c3"] == 3
        img, y = ds[1]
        assert img.mode == "RGB" and y == labels[1]
        cls(str(tmp_path), train=False, download=True)
        assert hits[cls.filename] == 1
        (tmp_path / cls.base_folder / cls.test_list[0][0]).write_bytes(b"corrupt")
        with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
            cls(str(tmp_path), train=False)


def test_svhn_download(tmp_path, monkeypatch):
    sio = pytest.importorskip("scipy.io")
    rng = np.random.default_rng(2)
    X = rng.integers(0, 256, (32, 32, 3, 6), dtype=np.uint8)
    y = np.array([[1], [10], [3], [10], [5], [9]], dtype=np.uint8)
    buf = io.BytesIO()
    sio.savemat(buf, {"X": X, "y": y})
    blob = buf.getvalue()
    with serve({"test_32x32.mat": blob}) as (base, hits):
        monkeypatch.setitem(datasets.SVHN.split_list, "test", [base + "test_32x32.mat", "test_32x32.mat", md5(blob)])
        ds = datasets.SVHN(str(tmp_path), split="test", download=True)
        assert ds.data.shape == (6, 3, 32, 32) and ds.labels.tolist() == [1, 0, 3, 0, 5, 9]
        img, label = ds[1]
        assert img.size == (32, 32) and label == 0
        assert np.array_equal(np.asarray(img), X[:, :, :, 1])
        datasets.SVHN(str(tmp_path), split="test", download=True)
        assert hits["test_32x32.mat"] == 1
    with pytest.raises(ValueError, match="Unknown value 'dev' for argument split"):
        datasets.SVHN(str(tmp_path), split="dev")


def test_stl10_download(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    train_x = rng.integers(0, 256, (4, 3, 96, 96), dtype=np.uint8)
    unl_x = rng.integers(0, 256, (2, 3, 96, 96), dtype=np.uint8)
    test_x = rng.integers(0, 256, (3, 3, 96, 96), dtype=np.uint8)
    files = {"train_X.bin": train_x.tobytes(), "train_y.bin": bytes([1, 2, 3, 10]), "unlabeled_X.bin": unl_x.tobytes(),
             "test_X.bin": test_x.tobytes(), "test_y.bin": bytes([5, 6, 7]),
             "class_names.txt": b"\n".join(f"k{i}".encode() for i in range(10)) + b"\n",
             "fold_indices.txt": b"0 2\n1 3\n"}
    blob = tar_gz({f"stl10_binary/{k}": v for k, v in files.items()})
    S = datasets.STL10
    with serve({S.filename: blob}) as (base, hits):
        monkeypatch.setattr(S, "url", base + S.filename)
        monkeypatch.setattr(S, "tgz_md5", md5(blob))
        monkeypatch.setattr(S, "train_list", [[n, md5(files[n])] for n, _ in S.train_list])
        monkeypatch.setattr(S, "test_list", [[n, md5(files[n])] for n, _ in S.test_list])
        ds = S(str(tmp_path), split="train", download=True)
        assert ds.data.shape == (4, 3, 96, 96) and ds.labels.tolist() == [0, 1, 2, 9]
        assert np.array_equal(ds.data[0], train_x[0].transpose(0, 2, 1))   # the files are column-major
        assert ds.classes[3] == "k3"
        img, y = ds[0]
        assert img.size == (96, 96) and y == 0
        fold = S(str(tmp_path), split="train", folds=1)
        assert fold.labels.tolist() == [1, 9]
        both = S(str(tmp_path), split="train+unlabeled")
        assert len(both) == 6 and both.labels.tolist()[-2:] == [-1, -1]
        assert len(S(str(tmp_path), split="unlabeled")) == 2 and len(S(str(tmp_path), split="test")) == 3
        assert hits[S.filename] == 1
    with pytest.raises(ValueError, match=r"range \[0, 10\)"):
        S(str(tmp_path), folds=10)


def test_fake_data_matches_torchvision_draws():
    ds = datasets.FakeData(size=3, image_size=(3, 5, 6), num_classes=4, random_offset=2)
    assert len(ds) == 3
    img, y = ds[1]
    import torch
    state = torch.get_rng_state()
    torch.manual_seed(3)
    ref = torch.randn(3, 5, 6)
    ref_y = int(torch.randint(0, 4, (1,))[0])
    torch.set_rng_state(state)
    assert y == ref_y and img.mode == "RGB" and img.size == (6, 5)
    expect = ref.mul(255).byte().permute(1, 2, 0).numpy()
    assert np.array_equal(np.asarray(img), expect)
    ember.manual_seed(7)
    a = ember.rand(2)
    ds[0]
    ember.manual_seed(7)
    assert np.array_equal(ember.rand(2)._data, a._data)   # the global generator is untouched
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[3]
    gray = datasets.FakeData(size=2, image_size=(1, 4, 4), transform=lambda im: np.asarray(im),
                             target_transform=lambda t: t + 10)
    x, t = gray[0]
    assert x.shape == (4, 4) and t >= 10 and type(t) is int


def test_folder_datasets_types(tmp_path):
    for cls in ("b", "a"):
        (tmp_path / cls / "sub").mkdir(parents=True)
        Image.fromarray(np.zeros((4, 5, 3), dtype=np.uint8)).save(tmp_path / cls / "sub" / "x.png")
    (tmp_path / "a" / "notes.txt").write_text("ignored")
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["a", "b"] and ds.targets == [0, 1] and isinstance(ds.targets, list)
    assert ds.imgs == ds.samples and ds.samples[0][0].endswith(os.path.join("a", "sub", "x.png"))
    df = datasets.DatasetFolder(str(tmp_path), loader=lambda p: open(p).read(), extensions=(".txt",),
                                allow_empty=True)
    assert df.targets == [0] and df[0] == ("ignored", 0)
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes b"):
        datasets.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",))
    with pytest.raises(ValueError, match="Both extensions and is_valid_file"):
        datasets.DatasetFolder(str(tmp_path), loader=open)
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
        datasets.VisionDataset(str(tmp_path), transforms=lambda a, b: (a, b), transform=lambda a: a)


def test_download_url_follows_a_bounded_number_of_redirects(tmp_path):
    import urllib.error
    data = b"payload" * 100
    with serve({"final.bin": data}, redirects={"a": "b", "b": "final.bin"}) as (base, hits):
        dutils.download_url(base + "a", str(tmp_path), "out.bin", md5=md5(data))
        assert (tmp_path / "out.bin").read_bytes() == data
        dutils.download_url(base + "a", str(tmp_path), "out.bin", md5=md5(data))   # verified copy: no request
        assert hits["a"] == 1
        with pytest.raises(urllib.error.HTTPError):
            dutils.download_url(base + "a", str(tmp_path), "other.bin", max_redirect_hops=1)
        assert not (tmp_path / "other.bin").exists()


def test_utils_extract_and_integrity(tmp_path):
    f = tmp_path / "a.txt.gz"
    f.write_bytes(gz(b"hello"))
    out = dutils.extract_archive(str(f))
    assert out == str(tmp_path / "a.txt") and (tmp_path / "a.txt").read_bytes() == b"hello"
    assert dutils.check_integrity(str(tmp_path / "a.txt"), md5(b"hello"))
    assert not dutils.check_integrity(str(tmp_path / "a.txt"), "0" * 32)
    assert not dutils.check_integrity(str(tmp_path / "none"))
    with pytest.raises(RuntimeError, match="Unknown compression or archive type: '.rar'"):
        dutils.extract_archive(str(tmp_path / "x.rar"))
    with pytest.raises(ValueError, match="Expected type str for argument split"):
        dutils.verify_str_arg(3, "split", ("a",))
