"""ember.vision: transforms (vs manual torch computations) and datasets on real-format files."""
import gzip
import os
import pickle
import struct

import numpy as np
import pytest
import torch
from oracle import assert_close

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F
from ember.utils.data import DataLoader
from ember.vision import datasets

Image = pytest.importorskip("PIL.Image")


def _img(h=6, w=8, c=3, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, c), dtype=np.uint8)


def test_to_tensor_and_normalize_vs_torch():
    a = _img()
    for src in (a, Image.fromarray(a)):
        t = T.ToTensor()(src)
        ref = torch.tensor(a).permute(2, 0, 1).float().div(255)
        assert_close(t, ref)
    g = T.ToTensor()(Image.fromarray(a[:, :, 0]))
    assert tuple(g.shape) == (1, 6, 8)
    f = np.random.rand(4, 5, 3)
    assert_close(T.ToTensor()(f), torch.tensor(f).permute(2, 0, 1))   # floats not rescaled
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    x = T.ToTensor()(a)
    y = T.Normalize(mean, std)(x)
    ref = (torch.tensor(a).permute(2, 0, 1).float().div(255) - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
    assert_close(y, ref)
    z = T.Normalize(mean, std, inplace=True)(x)
    assert z is x
    assert_close(x, ref)
    with pytest.raises(ValueError):
        F.normalize(T.ToTensor()(a), [0, 0, 0], [1, 0, 1])
    with pytest.raises(TypeError):
        F.normalize(F.pil_to_tensor(Image.fromarray(a)), mean, std)
    p = T.PILToTensor()(Image.fromarray(a))
    assert p.dtype == ember.uint8 and tuple(p.shape) == (3, 6, 8)
    back = T.ToPILImage()(T.ToTensor()(a))
    assert back.mode == "RGB" and np.array_equal(np.asarray(back), a)


def test_flips_crops_pad_on_tensors():
    a = np.random.rand(2, 3, 6, 8).astype(np.float32)
    t, r = ember.tensor(a), torch.tensor(a)
    assert_close(F.hflip(t), r.flip(-1))
    assert_close(F.vflip(t), r.flip(-2))
    assert_close(T.RandomHorizontalFlip(p=1.0)(t), r.flip(-1))
    assert_close(T.RandomVerticalFlip(p=1.0)(t), r.flip(-2))
    assert_close(T.RandomHorizontalFlip(p=0.0)(t), r)
    assert_close(F.crop(t, 1, 2, 3, 4), r[..., 1:4, 2:6])
    assert_close(T.CenterCrop(4)(t), r[..., 1:5, 2:6])
    assert_close(T.CenterCrop((3, 5))(t), r[..., 2:5, 2:7])   # round((6-3)/2)=2, round(1.5)=2
    assert_close(T.Pad(1)(t), torch.nn.functional.pad(r, (1, 1, 1, 1)))
    assert_close(T.Pad((1, 2, 3, 4), padding_mode="reflect")(t),
                 torch.nn.functional.pad(r, (1, 3, 2, 4), mode="reflect"))
    c = T.RandomCrop(4, padding=2)(t)
    assert tuple(c.shape) == (2, 3, 4, 4)
    c = T.RandomCrop((10, 10), pad_if_needed=True)(t)
    assert tuple(c.shape) == (2, 3, 10, 10)
    # numpy HWC arrays keep their layout
    h = _img()
    assert np.array_equal(F.hflip(h), h[:, ::-1])
    assert F.center_crop(h, 4).shape == (4, 4, 3)


def test_resize_vs_torch_interpolate():
    a = np.random.rand(1, 3, 6, 8).astype(np.float32)
    t, r = ember.tensor(a), torch.tensor(a)
    for size, out in ((4, (4, 5)), ((3, 5), (3, 5)), ((12, 16), (12, 16))):
        for aa in (True, False):   # torchvision resizes tensors antialiased by default
            ref = torch.nn.functional.interpolate(r, size=out, mode="bilinear", align_corners=False, antialias=aa)
            assert_close(T.Resize(size, antialias=aa)(t), ref)
        assert_close(T.Resize(size)(t), torch.nn.functional.interpolate(r, size=out, mode="bilinear",
                                                                        align_corners=False, antialias=True))
    ref = torch.nn.functional.interpolate(r, size=(3, 4), mode="nearest")
    assert_close(F.resize(t, [3, 4], interpolation=T.InterpolationMode.NEAREST), ref)
    im = Image.fromarray(_img(10, 20))
    out = T.Resize(5)(im)
    assert out.size == (10, 5)
    assert np.array_equal(np.asarray(out), np.asarray(im.resize((10, 5), Image.BILINEAR)))


def test_rotation_and_random_resized_crop():
    a = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    t = ember.tensor(a)
    assert_close(F.rotate(t, 90), torch.tensor(a).rot90(1, (-2, -1)))   # counter-clockwise
    assert_close(F.rotate(t, 180), torch.tensor(a).flip(-1).flip(-2))
    im = Image.fromarray(_img(8, 8))
    assert np.array_equal(np.asarray(F.rotate(im, 90)), np.rot90(np.asarray(im)))
    out = T.RandomRotation(15)(t)
    assert tuple(out.shape) == (1, 4, 4)
    assert T.RandomRotation((10, 20)).degrees == [10.0, 20.0]
    with pytest.raises(ValueError, match="If degrees is a sequence, it must be of len 2."):
        T.RandomRotation([90, 180, 270])
    with pytest.raises(ValueError):
        T.RandomRotation(-3)
    c = T.RandomResizedCrop(5)(ember.tensor(np.random.rand(3, 12, 10).astype(np.float32)))
    assert tuple(c.shape) == (3, 5, 5)
    c = T.RandomResizedCrop((4, 6))(Image.fromarray(_img(12, 10)))
    assert c.size == (6, 4)


def test_random_transforms_reproducible_with_manual_seed():
    pipe = T.Compose([T.RandomCrop(4), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1),
                      T.RandomApply([T.Lambda(lambda x: x * 0.5)], p=0.5),
                      T.RandomChoice([T.RandomVerticalFlip(1.0), T.Grayscale(3)]), T.GaussianBlur(3)])
    import random
    x = ember.tensor(np.random.rand(3, 8, 8).astype(np.float32))
    ember.manual_seed(0)
    random.seed(0)   # RandomChoice/RandomOrder use Python's random, as torchvision's do
    a = [pipe(x)._data for _ in range(4)]
    ember.manual_seed(0)
    random.seed(0)
    b = [pipe(x)._data for _ in range(4)]
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not all(np.array_equal(a[0], u) for u in a[1:])
    im = Image.fromarray(_img(8, 8))
    out = pipe.transforms[2](im)
    assert out.size == (8, 8)


def test_color_functions_vs_manual():
    a = np.random.rand(3, 4, 5).astype(np.float32)
    t, r = ember.tensor(a), torch.tensor(a)
    gray = (0.2989 * r[0] + 0.587 * r[1] + 0.114 * r[2])[None]
    assert_close(F.rgb_to_grayscale(t), gray)
    assert_close(F.adjust_brightness(t, 1.5), (r * 1.5).clamp(0, 1))
    assert_close(F.adjust_contrast(t, 0.5), (0.5 * r + 0.5 * gray.mean()).clamp(0, 1))
    assert_close(F.adjust_saturation(t, 0.0), gray.expand(3, 4, 5))
    assert_close(F.adjust_hue(t, 0.0), r, atol=1e-5)
    assert tuple(F.gaussian_blur(t, 3, 1.0).shape) == (3, 4, 5)


def test_rgb_yuv_roundtrip_and_gradient():
    a = np.random.rand(2, 3, 4, 4)
    x = ember.tensor(a).requires_grad_()
    y = T.RGBToYUV()(x)
    r = torch.tensor(a)
    m = torch.tensor([[0.299, 0.587, 0.114], [-0.14713, -0.28886, 0.436], [0.615, -0.51499, -0.10001]],
                     dtype=torch.float64)
    assert_close(y, torch.einsum("ij,bjhw->bihw", m, r))
    assert_close(T.YUVToRGB()(y), r)
    from ember.autograd.gradcheck import gradcheck
    assert gradcheck(F.rgb_to_yuv, (ember.tensor(np.random.rand(1, 3, 2, 2)).requires_grad_(),))
    assert gradcheck(F.yuv_to_rgb, (ember.tensor(np.random.rand(3, 2, 2)).requires_grad_(),))
    with pytest.raises(ValueError):
        F.rgb_to_yuv(ember.tensor(np.random.rand(2, 4, 4)))


# ---- datasets ------------------------------------------------------------------------------
def _write_idx(path, arr, gz):
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(struct.pack(">I", s) for s in arr.shape)
    data = header + arr.tobytes()
    if gz:
        with gzip.open(str(path) + ".gz", "wb") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def _make_mnist(root, name="MNIST", n=20, gz=True):
    raw = root / name / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    _write_idx(raw / "train-images-idx3-ubyte", imgs, gz)
    _write_idx(raw / "train-labels-idx1-ubyte", labels, gz)
    _write_idx(raw / "t10k-images-idx3-ubyte", imgs[:5], not gz)
    _write_idx(raw / "t10k-labels-idx1-ubyte", labels[:5], not gz)
    return imgs, labels


def test_mnist_and_notes_pipeline(tmp_path):
    imgs, labels = _make_mnist(tmp_path)
    ds = datasets.MNIST(str(tmp_path), train=True)
    assert len(ds) == 20
    img, y = ds[3]
    assert isinstance(img, Image.Image) and img.mode == "L" and y == 3 and type(y) is int
    assert np.array_equal(np.asarray(img), imgs[3])
    assert len(datasets.MNIST(str(tmp_path), train=False)) == 5
    ds = datasets.MNIST(str(tmp_path), train=True, target_transform=lambda t: t + 100,
                        transform=T.Compose([T.RandomHorizontalFlip(), T.RandomVerticalFlip(),
                                             T.RandomRotation(15), T.Resize([32, 32]),
                                             T.RandomCrop([28, 28]), T.ToTensor(),
                                             T.Normalize((0.1307,), (0.3081,))]))
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    xb, yb = next(iter(loader))
    assert tuple(xb.shape) == (8, 1, 28, 28) and xb.dtype == ember.float32
    assert yb.dtype == ember.int64 and int(yb._data.min()) >= 100
    assert len(loader) == 3


def test_fashion_mnist_raw_and_missing_files(tmp_path):
    _make_mnist(tmp_path, "FashionMNIST", gz=False)
    ds = datasets.FashionMNIST(str(tmp_path))
    assert len(ds) == 20 and ds.classes[0] == "T-shirt/top"
    with pytest.raises(RuntimeError) as ei:
        datasets.MNIST(str(tmp_path / "none"))
    msg = str(ei.value)
    assert "train-images-idx3-ubyte.gz" in msg and os.path.join("none", "MNIST", "raw") in msg


def test_cifar10(tmp_path, monkeypatch):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        d = {"data": rng.integers(0, 256, size=(4, 3072), dtype=np.uint8), "labels": [1, 2, 3, 4],
             "batch_label": name, "filenames": ["a.png"] * 4}
        with open(folder / name, "wb") as f:
            pickle.dump(d, f)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": [f"c{i}" for i in range(10)]}, f)
    from ember.vision.datasets.utils import calculate_md5  # the fake files' MD5s, as torchvision's tests do
    C = datasets.CIFAR10
    monkeypatch.setattr(C, "train_list", [[n, calculate_md5(folder / n)] for n, _ in C.train_list])
    monkeypatch.setattr(C, "test_list", [[n, calculate_md5(folder / n)] for n, _ in C.test_list])
    monkeypatch.setattr(C, "meta", dict(C.meta, md5=calculate_md5(folder / "batches.meta")))
    ds = datasets.CIFAR10(str(tmp_path), train=True, transform=T.ToTensor())
    assert len(ds) == 20 and ds.classes[3] == "c3"
    x, y = ds[0]
    assert tuple(x.shape) == (3, 32, 32) and y == 1
    with open(folder / "data_batch_1", "rb") as f:
        raw = pickle.load(f)["data"][0]
    np.testing.assert_allclose(x._data, raw.reshape(3, 32, 32) / 255.0, rtol=1e-6)
    assert len(datasets.CIFAR10(str(tmp_path), train=False)) == 4
    with pytest.raises(RuntimeError, match="data_batch_1"):
        datasets.CIFAR10(str(tmp_path / "x"))


def test_image_folder(tmp_path):
    for cls, n in (("cat", 2), ("dog", 3)):
        (tmp_path / cls).mkdir()
        for i in range(n):
            Image.fromarray(_img(5, 7, seed=i)).save(tmp_path / cls / f"{i}.png")
    (tmp_path / "dog" / "notes.txt").write_text("x")
    ds = datasets.ImageFolder(str(tmp_path), transform=T.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert len(ds) == 5 and [s[1] for s in ds.samples] == [0, 0, 1, 1, 1]
    x, y = ds[2]
    assert tuple(x.shape) == (3, 5, 7) and y == 1
    np.testing.assert_allclose(x._data, _img(5, 7, seed=0).transpose(2, 0, 1) / 255.0, rtol=1e-6)
    xb, yb = next(iter(DataLoader(ds, batch_size=5)))
    assert tuple(xb.shape) == (5, 3, 5, 7)


def test_mean_std_streaming():
    rng = np.random.default_rng(0)
    data = rng.random((37, 3, 4, 5)).astype(np.float32) * np.array([1, 2, 3], np.float32)[:, None, None]
    ds = [ember.tensor(d) for d in data]
    m, s = datasets.mean_std(ds, batch_size=8)
    np.testing.assert_allclose(m._data, data.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(s._data, data.std(axis=(0, 2, 3)), rtol=1e-5)
    from ember.utils.data import TensorDataset
    loader = DataLoader(TensorDataset(ember.tensor(data), ember.tensor(np.zeros(37))), batch_size=10)
    m2, s2 = datasets.compute_mean_std(loader)
    np.testing.assert_allclose(m2._data, m._data, rtol=1e-5)
    np.testing.assert_allclose(s2._data, s._data, rtol=1e-5)
    y = T.Normalize(m2.tolist(), s2.tolist())(ember.tensor(data[0]))
    assert tuple(y.shape) == (3, 4, 5)


def test_random_params_follow_torch_seed():
    """With the same seed, the random transforms draw torchvision's parameters: RandomCrop's
    offsets are torch.randint draws, ColorJitter's order and factors torch.randperm(4) and
    uniform_ draws, in torchvision's order."""
    torch.manual_seed(5)
    crop = (torch.randint(0, 8 - 4 + 1, size=(1,)).item(), torch.randint(0, 10 - 4 + 1, size=(1,)).item())
    jitter = (torch.randperm(4).tolist(), float(torch.empty(1).uniform_(0.6, 1.4)),
              float(torch.empty(1).uniform_(0.7, 1.3)), None, float(torch.empty(1).uniform_(-0.1, 0.1)))
    ember.manual_seed(5)
    assert T.RandomCrop.get_params(ember.zeros(3, 8, 10), (4, 4))[:2] == crop
    fn_idx, b, c, s_, h = T.ColorJitter.get_params((0.6, 1.4), (0.7, 1.3), None, (-0.1, 0.1))
    assert (list(fn_idx), b, c, s_, h) == jitter
