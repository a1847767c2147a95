"""ember.vision.models: torchvision's architectures, names and parameter counts."""
import hashlib
import importlib
import io
import json
import os
from collections import OrderedDict

import numpy as np
import pytest
import torch
from local_http import serve

import ember
from ember.vision import models

# parameter counts torchvision documents for these models
COUNTS = {"alexnet": 61_100_840, "resnet18": 11_689_512, "resnet34": 21_797_672,
          "resnet50": 25_557_032, "vgg11": 132_863_336, "vgg16": 138_357_544}


@pytest.mark.parametrize("name", list(COUNTS))
def test_parameter_counts_and_keys(name):
    m = getattr(models, name)()
    assert sum(p.numel() for p in m.parameters()) == COUNTS[name]
    keys = list(m.state_dict())
    expected = {"alexnet": ["features.0.weight", "features.10.bias", "classifier.1.weight", "classifier.6.bias"],
                "resnet18": ["conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked", "layer1.0.conv1.weight",
                             "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "fc.bias"],
                "resnet34": ["layer3.5.bn2.weight", "layer4.2.conv2.weight"],
                "resnet50": ["layer1.0.conv3.weight", "layer1.0.downsample.0.weight", "layer4.2.bn3.bias", "fc.weight"],
                "vgg11": ["features.0.weight", "features.18.bias", "classifier.6.weight"],
                "vgg16": ["features.28.weight", "classifier.3.weight"]}[name]
    for k in expected:
        assert k in keys, k


def test_forward_shapes_and_training_step():
    x = ember.randn(2, 3, 64, 64)
    assert models.alexnet(num_classes=7)(x).shape == (2, 7)
    r = models.resnet18(num_classes=10)
    out = r(ember.randn(2, 3, 32, 32))
    assert out.shape == (2, 10)
    out.sum().backward()
    assert r.conv1.weight.grad is not None and r.layer4[1].bn2.weight.grad is not None


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    return tmp_path / "torch_home" / "hub" / "checkpoints"


def _resnet18_file():
    """A torchvision-format resnet18 checkpoint (torch.save of a torch state_dict) and its SHA-256."""
    tsd = {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in models.resnet18().state_dict().items()}
    buf = io.BytesIO()
    torch.save(tsd, buf)
    data = buf.getvalue()
    return tsd, data, hashlib.sha256(data).hexdigest()


def test_weights_download_from_local_server(hub_dir, monkeypatch):
    tsd, data, sha = _resnet18_file()
    w = models.ResNet18_Weights.IMAGENET1K_V1
    name = f"resnet18-{sha[:8]}.pth"
    with serve({name: data, "resnet18-f37072fd.pth": data}) as (base, hits):
        monkeypatch.setattr(w.value, "url", base + name)
        m = models.resnet18(weights="IMAGENET1K_V1", progress=False)
        for k, v in m.state_dict().items():
            np.testing.assert_array_equal(v.detach().numpy(), tsd[k].numpy())
        assert (hub_dir / name).exists() and hits[name] == 1
        with pytest.warns(UserWarning) as rec:
            m2 = models.resnet18(pretrained=True, progress=False)   # the cached file: no second request
        assert [str(r.message).split(",")[0] for r in rec] == [
            "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future",
            "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed "
            "in the future. The current behavior is equivalent to passing `weights=ResNet18_Weights.IMAGENET1K_V1`."
            " You can also use `weights=ResNet18_Weights.DEFAULT` to get the most up-to-date weights."]
        assert hits[name] == 1
        np.testing.assert_array_equal(m2.fc.weight.detach().numpy(), tsd["fc.weight"].numpy())
        monkeypatch.setattr(w.value, "url", base + "resnet18-f37072fd.pth")   # torchvision's name, other bytes
        with pytest.raises(RuntimeError, match="invalid hash value"):
            models.get_model("resnet18", weights=models.ResNet18_Weights.DEFAULT, progress=False)
        assert not (hub_dir / "resnet18-f37072fd.pth").exists()
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received ResNet34_Weights"):
        models.resnet18(weights=models.ResNet34_Weights.DEFAULT)
    with pytest.raises(ValueError, match="num_classes"):
        models.resnet18(weights=w, num_classes=10)


def test_weights_enums_match_torchvision():
    w = models.ResNet50_Weights
    assert w.DEFAULT is w.IMAGENET1K_V2 and repr(w.DEFAULT) == "ResNet50_Weights.IMAGENET1K_V2"
    assert w.IMAGENET1K_V1.url == "https://download.pytorch.org/models/resnet50-0676ba61.pth"
    assert w.IMAGENET1K_V2.url == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
    meta = w.IMAGENET1K_V2.meta
    assert meta["num_params"] == 25557032 and meta["min_size"] == (1, 1)
    assert meta["_metrics"]["ImageNet-1K"] == {"acc@1": 80.858, "acc@5": 95.434}
    assert len(meta["categories"]) == 1000 and meta["categories"][:2] == ["tench", "goldfish"]
    assert models.ResNet18_Weights.IMAGENET1K_V1.url.endswith("resnet18-f37072fd.pth")
    assert models.AlexNet_Weights.DEFAULT.meta["min_size"] == (63, 63)
    assert models.VGG16_Weights.IMAGENET1K_FEATURES.meta["categories"] is None
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V1") is w.IMAGENET1K_V1
    assert models.get_model_weights("resnet50") is w and models.get_model_weights(models.vgg16) is models.VGG16_Weights
    assert models.list_models(include="resnet*") == ["resnet101", "resnet152", "resnet18", "resnet34", "resnet50"]
    assert "wide_resnet50_2" in models.list_models() and "alexnet" in models.list_models(exclude="vgg*")
    assert models.ResNet18_Weights.verify("ResNet18_Weights.IMAGENET1K_V1") is models.ResNet18_Weights.IMAGENET1K_V1
    with pytest.raises(ValueError, match="Unknown model foo"):
        models.get_model("foo")
    for name in models.list_models():
        weights = models.get_model_weights(name)
        assert all(e.value.meta["num_params"] for e in weights), name
    t = w.IMAGENET1K_V2.transforms()
    assert t.crop_size == [224] and t.resize_size == [232] and "crop_size=[224]" in repr(t)


def test_preset_transforms_match_torchvision():
    from ember.vision.transforms._presets import ImageClassification
    fx = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "vision", "zoo.npz"))
    img = ember.tensor(fx["in_preset"])
    out = ImageClassification(crop_size=24, resize_size=28)(img)
    assert out.dtype == ember.float32
    # ember's uint8 antialiased resize rounds a few pixels one level off torch's integer kernel
    diff = np.abs(out.numpy() - fx["preset"])
    assert diff.max() < 1.01 / 255 / 0.224 and (diff > 1e-5).mean() < 0.01


def test_basic_block_matches_torch():
    """The notes' two-layer residual block, with a 1x1 projection, against the same block in torch."""
    class TBlock(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(4, 8, 3, 2, 1, bias=False)
            self.bn1 = torch.nn.BatchNorm2d(8)
            self.relu = torch.nn.ReLU(inplace=True)
            self.conv2 = torch.nn.Conv2d(8, 8, 3, 1, 1, bias=False)
            self.bn2 = torch.nn.BatchNorm2d(8)
            self.downsample = torch.nn.Sequential(torch.nn.Conv2d(4, 8, 1, 2, bias=False), torch.nn.BatchNorm2d(8))

        def forward(self, x):
            idt = self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + idt)

    tb = TBlock()
    eb = models.BasicBlock(4, 8, 2, ember.nn.Sequential(ember.nn.Conv2d(4, 8, 1, 2, bias=False),
                                                        ember.nn.BatchNorm2d(8)))
    eb.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tb.state_dict().items()})
    xa = np.random.RandomState(0).randn(2, 4, 8, 8).astype(np.float32)
    xe, xt = ember.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    ye, yt = eb(xe), tb(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(eb.conv1.weight.grad.numpy(), tb.conv1.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    assert list(eb.state_dict()) == list(tb.state_dict())


# ---- the zoo against torchvision (tests/fixtures/vision/zoo.npz, scripts/make_zoo_fixtures.py) ----

ZOO = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "vision", "zoo.npz"))
ZOO_SPECS = json.loads(str(ZOO["specs"]))


def _zoo_weights(shapes):
    """scripts/make_zoo_fixtures.py's deterministic weights: a sine of the element index, scaled per kind."""
    out = {}
    for i, (k, shape) in enumerate(shapes):
        n = int(np.prod(shape)) if shape else 1
        s = np.sin(np.arange(n, dtype=np.float64) * 0.37 + i).reshape(shape)
        if k.endswith("num_batches_tracked"):
            out[k] = np.zeros(shape, np.int64)
            continue
        if k.endswith("running_var"):
            a = 1 + 0.5 * np.abs(s)
        elif len(shape) >= 2:
            a = s * np.sqrt(3.0 / (n // shape[0]))
        elif k.endswith("weight"):
            a = 1 + 0.1 * s
        else:
            a = 0.1 * s
        out[k] = a.astype(np.float32)
    return out


def _zoo_input(h, w):
    return np.cos(np.arange(3 * h * w, dtype=np.float64) * 0.11).reshape(1, 3, h, w).astype(np.float32)


@pytest.fixture
def no_init(monkeypatch):
    """ember.nn.init's in-place initializers as no-ops: building a large model takes its allocation time only
    (the fixture comparison loads every weight anyway; the default inits are tested on their own)."""
    from ember.nn import init
    for n in dir(init):
        if n.endswith("_") and not n.startswith("_") and callable(getattr(init, n)):
            monkeypatch.setattr(init, n, lambda t, *a, **k: t)


@pytest.mark.parametrize("key", sorted(ZOO_SPECS))
def test_zoo_matches_torchvision(key, no_init):
    """state_dict keys and shapes, parameter count and (for the entries run) the eval output on deterministic
    weights, against torchvision's (scripts/make_zoo_fixtures.py)."""
    spec = ZOO_SPECS[key]
    builder, kw = spec["builder"], dict(spec["kwargs"])
    for k, v in kw.items():   # "cls:module.Name": a class of ember.vision.models.<module>
        if isinstance(v, str) and v.startswith("cls:"):
            mod, name = v[4:].rsplit(".", 1)
            kw[k] = getattr(importlib.import_module(f"ember.vision.models.{mod}"), name)
    m = (getattr(models, builder)(**kw) if builder[0].isupper() else models.get_model(builder, **kw)).eval()
    sd = m.state_dict()
    shapes = [(k, tuple(v.shape)) for k, v in sd.items()]
    assert [f"{k}:{','.join(map(str, s))}" for k, s in shapes] == list(ZOO[f"keys_{key}"])
    assert sum(p.numel() for p in m.parameters()) == int(ZOO[f"count_{key}"])
    if not builder[0].isupper() and not spec["kwargs"] and key != "vit_h_14":   # its weights are at 518x518
        assert models.get_model_weights(builder).DEFAULT.meta["num_params"] == int(ZOO[f"count_{key}"])
    if spec["input"] is None:
        return
    new = OrderedDict((k, ember.tensor(v)) for k, v in _zoo_weights(shapes).items())
    for k, v in sd.items():   # constant buffers (index tables) keep their values
        if (not v.is_floating_point() and not k.endswith("num_batches_tracked")) or k.endswith("_table") \
                and "bias_table" not in k:
            new[k] = v
    new._metadata = sd._metadata   # the module versions (MNASNet checks its own)
    m.load_state_dict(new, strict=True)
    with ember.no_grad():
        out = m(ember.tensor(_zoo_input(*spec["input"]))).numpy()
    np.testing.assert_allclose(out, ZOO[f"out_{key}"], rtol=1e-4, atol=1e-4)


def test_weights_enums_match_torchvision_all():
    """Every weights enum ember exports has torchvision's members, urls, transforms and meta."""
    from ember.vision.transforms._presets import ImageClassification
    tv = json.loads(str(ZOO["weights"]))
    ours = {n: getattr(models, n) for n in dir(models) if isinstance(getattr(models, n), type)
            and issubclass(getattr(models, n), models.WeightsEnum) and getattr(models, n) is not models.WeightsEnum}
    assert len(ours) >= 32
    for name, cls in ours.items():
        assert name in tv, name
        assert sorted(cls.__members__) == sorted(tv[name]), name
        for k, m in cls.__members__.items():
            ref = tv[name][k]
            if isinstance(ref, str):   # an alias such as DEFAULT
                assert m.name == ref, (name, k)
                continue
            url, func, tkw, meta = ref
            assert m.url == url, (name, k)
            assert m.transforms.func is ImageClassification and func == "ImageClassification", (name, k)
            tkw_mine = {a: getattr(v, "value", v) for a, v in m.transforms.keywords.items()}
            assert json.loads(json.dumps(tkw_mine)) == tkw, (name, k)
            mine = dict(m.meta)
            cats = mine.pop("categories", None)
            mine["categories_sha1"] = None if cats is None else hashlib.sha1("\n".join(cats).encode()).hexdigest()
            mine = json.loads(json.dumps(mine, sort_keys=True, default=list))
            for d in (mine, meta):   # torchvision's _docs are indented triple-quoted strings
                if "_docs" in d:
                    d["_docs"] = " ".join(d["_docs"].split())
            assert mine == meta, (name, k)


def test_zoo_default_init_and_options():
    sq = models.squeezenet1_1(num_classes=10)
    w = sq.classifier[1].weight.detach().numpy()
    assert w.shape == (10, 512, 1, 1) and abs(w.std() - 0.01) < 0.002 and not sq.classifier[1].bias.detach().numpy().any()
    v3 = models.mobilenet_v3_small()
    bn = v3.features[0][1]
    assert bn.eps == 0.001 and bn.momentum == 0.01
    assert isinstance(v3.features[1].block[1].scale_activation, ember.nn.Hardsigmoid)
    v2 = models.mobilenet_v2(width_mult=0.5)
    assert v2.features[0][0].out_channels == 16 and v2.last_channel == 1280
    assert abs(v2.classifier[1].weight.detach().numpy().std() - 0.01) < 0.001
    r = models.resnext50_32x4d(num_classes=3)
    assert r.layer1[0].conv2.groups == 32 and r.layer1[0].conv2.weight.shape == (128, 4, 3, 3)
    d = models.resnet50(replace_stride_with_dilation=[False, True, True], num_classes=3)
    assert d.layer4[1].conv2.dilation == (4, 4)
    assert d(ember.randn(1, 3, 32, 32)).shape == (1, 3)
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version"):
        models.SqueezeNet("2_0")
