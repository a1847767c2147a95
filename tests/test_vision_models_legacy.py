"""ember.vision.models builders with torchvision's legacy interface (``pretrained=``, positional arguments)
and the registry look-ups' errors, message for message as torchvision 0.29's models/_utils.py and _api.py.

The expected texts are torchvision's; every builder is checked on calls that fail before the model is built
(a ``num_classes`` clash, a wrong enum), so the whole zoo runs in seconds. Loading through ``pretrained=True``
is checked against a 127.0.0.1 server with TORCH_HOME in a temp dir (no test touches the internet)."""
import hashlib
import io
import warnings

import numpy as np
import pytest
import torch
from local_http import serve

import ember
from ember.vision import models
from ember.vision.models._api import kwonly_to_pos_or_kw

NAMES = models.list_models()
NO_LEGACY_WEIGHTS = {"regnet_y_128gf", "vit_h_14"}   # torchvision: handle_legacy_interface(weights=("pretrained", None))
ACCEPT_ANY_KWARGS = {"convnext_tiny", "convnext_small", "convnext_base", "convnext_large", "mobilenet_v3_large",
                     "mobilenet_v3_small"}   # their classes take **kwargs, so a stray keyword builds the model
NUM_CLASSES = "The parameter 'num_classes' expected value 1000 but got 5 instead."
PRETRAINED = ("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use "
              "'weights' instead.")


def positional(names):
    return (f"Using {names} as positional parameter(s) is deprecated since 0.13 and may be removed in the future. "
            f"Please use keyword parameter(s) instead.")


def equivalent(w):
    msg = ("Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be removed "
           f"in the future. The current behavior is equivalent to passing `weights={w}`.")
    if w is not None:
        msg += f" You can also use `weights={type(w).__name__}.DEFAULT` to get the most up-to-date weights."
    return msg


def outcome(fn):
    """(exception class, its message, the warnings' (class, message)) of calling ``fn``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
            exc = (None, None)
        except Exception as e:
            exc = (type(e), str(e) if not isinstance(e, KeyError) else e.args[0])
    return exc + ([(w.category, str(w.message)) for w in caught],)


@pytest.mark.parametrize("name", NAMES)
def test_legacy_interface_every_builder(name):
    b = getattr(models, name)
    enum = models.get_model_weights(name)
    legacy = None if name in NO_LEGACY_WEIGHTS else enum.IMAGENET1K_V1
    if legacy is None:   # pretrained=True with no legacy weights: ValueError before any warning
        fail = (ValueError, f"No weights available for model {name}")
        assert outcome(lambda: b(pretrained=True, num_classes=5)) == fail + ([],)
        assert outcome(lambda: b(True)) == fail + ([(UserWarning, positional("'weights'"))],)
        assert outcome(lambda: b(weights="legacy")) == fail + ([],)
    else:
        fail = (ValueError, NUM_CLASSES)   # the legacy weights fix num_classes at 1000: raised before building
        eq = (UserWarning, equivalent(legacy))
        assert outcome(lambda: b(pretrained=True, num_classes=5)) == fail + ([(UserWarning, PRETRAINED), eq],)
        assert outcome(lambda: b(True, num_classes=5)) == fail + ([(UserWarning, positional("'weights'")), eq],)
        assert outcome(lambda: b(True, False, num_classes=5)) == fail + (
            [(UserWarning, positional("'weights' and 'progress'")), eq],)
        assert outcome(lambda: b(weights="legacy", num_classes=5)) == fail + ([eq],)
        assert outcome(lambda: b(weights=True, num_classes=5)) == fail + ([eq],)
        assert outcome(lambda: models.get_model(name.upper(), pretrained=1, num_classes=5)) == fail + (
            [(UserWarning, PRETRAINED), eq],)
    # new-style values pass through untouched: no warning
    assert outcome(lambda: b(weights=enum.DEFAULT, num_classes=5)) == (ValueError, NUM_CLASSES, [])
    assert outcome(lambda: b(weights=str(enum.DEFAULT), num_classes=5)) == (ValueError, NUM_CLASSES, [])
    assert outcome(lambda: b(weights="NOPE")) == (KeyError, "NOPE", [])
    other = models.VGG11_Weights if name == "alexnet" else models.AlexNet_Weights
    assert outcome(lambda: b(weights=other.IMAGENET1K_V1)) == (
        TypeError, f"Invalid Weight class provided; expected {enum.__name__} but received {other.__name__}.", [])
    if name not in ACCEPT_ANY_KWARGS:
        # weights=None ends the legacy mapping, so ``pretrained`` reaches the model class: TypeError before building
        exc, msg, caught = outcome(lambda: b(pretrained=True, weights=None))
        assert exc is TypeError and msg.endswith("__init__() got an unexpected keyword argument 'pretrained'")
        assert caught == []
        exc, msg, caught = outcome(lambda: b(pretrained=False, weights=enum.DEFAULT, bogus=1))
        assert exc is TypeError and msg.endswith("__init__() got an unexpected keyword argument 'pretrained'")


@pytest.mark.parametrize("call, warned", [
    (lambda: models.resnet18(pretrained=False, bogus=1), [PRETRAINED, equivalent(None)]),
    (lambda: models.resnet18(False, bogus=1), [positional("'weights'"), equivalent(None)]),
    (lambda: models.resnet18(weights=False, bogus=1), [equivalent(None)]),
    (lambda: models.resnet18(None, bogus=1), [positional("'weights'")]),
])
def test_legacy_false_and_none(call, warned):
    assert outcome(call) == (TypeError, "ResNet.__init__() got an unexpected keyword argument 'bogus'",
                             [(UserWarning, w) for w in warned])


def test_extra_positional_arguments():
    # torchvision's shim zips positionals onto (weights, progress, kwargs): the third lands as ``kwargs=``
    assert outcome(lambda: models.alexnet(None, True, 1)) == (
        TypeError, "AlexNet.__init__() got an unexpected keyword argument 'kwargs'",
        [(UserWarning, positional("'weights', 'progress', and 'kwargs'"))])
    with pytest.warns(UserWarning) as rec:   # builds, with only the positional warning
        m = models.squeezenet1_1(None, True, num_classes=3)
    assert [str(r.message) for r in rec] == [positional("'weights' and 'progress'")]
    assert m.classifier[1].out_channels == 3

    def f(a, b):
        return a + b
    with pytest.raises(TypeError, match="Found no keyword-only parameter on function 'f'"):
        kwonly_to_pos_or_kw(f)


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    return tmp_path / "torch_home" / "hub" / "checkpoints"


def test_pretrained_true_loads_the_legacy_weights(hub_dir, monkeypatch):
    src = models.squeezenet1_1()
    tsd = {k: torch.from_numpy(v.detach().numpy().copy() + 0.5) for k, v in src.state_dict().items()}
    buf = io.BytesIO()
    torch.save(tsd, buf)
    data = buf.getvalue()
    name = f"squeezenet1_1-{hashlib.sha256(data).hexdigest()[:8]}.pth"
    w = models.SqueezeNet1_1_Weights.IMAGENET1K_V1
    with serve({name: data}) as (base, hits):
        monkeypatch.setattr(w.value, "url", base + name)
        calls = [lambda: models.squeezenet1_1(pretrained=True, progress=False),
                 lambda: models.squeezenet1_1(True, False),
                 lambda: models.squeezenet1_1(weights="legacy", progress=False),
                 lambda: models.get_model("SqueezeNet1_1", pretrained=True, progress=False)]
        for call in calls:
            with pytest.warns(UserWarning) as rec:
                m = call()
            assert str(rec[-1].message) == equivalent(w)
            for k, v in m.state_dict().items():
                np.testing.assert_array_equal(v.detach().numpy(), tsd[k].numpy())
        assert hits[name] == 1 and (hub_dir / name).exists()   # downloaded once, then the cached file
    with pytest.warns(UserWarning) as rec:
        m = models.squeezenet1_1(pretrained=False)
    assert [str(r.message) for r in rec] == [PRETRAINED, equivalent(None)]
    assert not np.array_equal(m.classifier[1].weight.detach().numpy(), tsd["classifier.1.weight"].numpy())


def test_registry_errors_match_torchvision():
    assert outcome(lambda: models.get_model("NoSuchNet")) == (ValueError, "Unknown model nosuchnet", [])
    assert outcome(lambda: models.get_model_builder("NoSuchNet")) == (ValueError, "Unknown model nosuchnet", [])
    assert outcome(lambda: models.get_model_weights("NoSuch")) == (ValueError, "Unknown model nosuch", [])
    assert models.get_model_builder("ResNet18") is models.resnet18
    assert outcome(lambda: models.get_model_weights(lambda x: x)) == (
        ValueError, "The method is missing the 'weights' argument.", [])
    assert outcome(lambda: models.get_model_weights(lambda weights: weights)) == (
        ValueError, "The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing info "
                    "is correct.", [])
    for bad in ("nodot", "a.b.c"):
        assert outcome(lambda: models.get_weight(bad)) == (ValueError, f"Invalid weight name provided: '{bad}'.", [])
    assert outcome(lambda: models.get_weight("No_Weights.X")) == (
        ValueError, "The weight enum 'No_Weights' for the specific method couldn't be retrieved.", [])
    # a name bound to a function: torchvision's issubclass check raises TypeError
    assert outcome(lambda: models.get_weight("resnet50.X")) == (
        TypeError, "issubclass() arg 1 must be a class", [])
    assert outcome(lambda: models.get_weight("ResNet50_Weights.NOPE")) == (KeyError, "NOPE", [])
    assert outcome(lambda: models.ResNet18_Weights.verify("FOO")) == (KeyError, "FOO", [])
    assert outcome(lambda: models.ResNet18_Weights.verify(3)) == (
        TypeError, "Invalid Weight class provided; expected ResNet18_Weights but received int.", [])
    assert models.list_models(include=["vgg1?", "res*"], exclude="*_bn") == [
        "resnet101", "resnet152", "resnet18", "resnet34", "resnet50", "resnext101_32x8d", "resnext101_64x4d",
        "resnext50_32x4d", "vgg11", "vgg13", "vgg16", "vgg19"]
    assert models.list_models(include="nothing*") == []
    assert models.list_models(module=models) == NAMES and len(NAMES) == 80
