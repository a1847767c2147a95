"""Fine-tuning helpers and the notes' checkpoint recipes."""
import collections

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from ember.nn.modules.utils import consume_prefix_in_state_dict_if_present
from ember.utils import finetune as ft


def _net(out=2):
    return nn.Sequential(collections.OrderedDict([
        ("features", nn.Sequential(nn.Linear(3, 4), nn.ReLU())), ("classifier", nn.Linear(4, out))]))


def test_consume_prefix_matches_torch():
    from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present as tconsume

    e = nn.DataParallel(_net()).state_dict()
    t = torch.nn.DataParallel(torch.nn.Sequential(collections.OrderedDict([
        ("features", torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())),
        ("classifier", torch.nn.Linear(4, 2))]))).state_dict()
    assert list(e) == list(t)
    consume_prefix_in_state_dict_if_present(e, "module.")
    tconsume(t, "module.")
    assert list(e) == list(t)
    assert sorted(e._metadata) == sorted(t._metadata)


def test_keep_drop_strip_add():
    sd = nn.DataParallel(_net()).state_dict()
    plain = ft.strip_prefix(sd)
    assert list(plain) == list(_net().state_dict())
    assert list(ft.keep_prefix(plain, "classifier")) == ["classifier.weight", "classifier.bias"]
    assert list(ft.drop_prefix(plain, ("classifier",))) == ["features.0.weight", "features.0.bias"]
    assert list(ft.add_prefix(plain, "module.")) == list(sd)
    assert list(sd)[0].startswith("module.")  # inputs are not modified


def test_report_and_load_matching():
    src = _net(out=2)
    dst = _net(out=5)
    before = dst.classifier.weight.detach().clone()
    report = ft.load_matching(dst, nn.DataParallel(src).state_dict())
    assert report.loaded == [] and len(report.unexpected) == 4 and "module." in str(report)
    report = ft.load_matching(dst, ft.strip_prefix(nn.DataParallel(src).state_dict()))
    assert report.loaded == ["features.0.weight", "features.0.bias"]
    assert [m[0] for m in report.mismatched] == ["classifier.weight", "classifier.bias"]
    assert report.mismatched[0][1:] == ((2, 4), (5, 4))
    np.testing.assert_array_equal(dst.features[0].weight.detach().numpy(), src.features[0].weight.detach().numpy())
    assert ember.equal(dst.classifier.weight, before)


def test_freeze_unfreeze_trainable():
    m = _net()
    ft.freeze(m)
    assert ft.trainable(m) == []
    names = ft.unfreeze(m, "classifier")
    assert names == ["classifier.weight", "classifier.bias"]
    assert len(ft.trainable(m)) == 2
    with pytest.raises(ValueError, match="no parameter name starts with"):
        ft.freeze(m, "nope")
    opt = ember.optim.SGD(ft.trainable(m), lr=0.1, momentum=0.9)
    x = ember.randn(8, 3)
    w0 = m.features[0].weight.detach().clone()
    m(x).sum().backward()
    opt.step()
    assert ember.equal(m.features[0].weight, w0) and m.features[0].weight.grad is None


def test_load_state_dict_error_mentions_module_prefix():
    m = _net()
    with pytest.raises(RuntimeError, match="prefix that nn.DataParallel adds"):
        m.load_state_dict(nn.DataParallel(_net()).state_dict())
    with pytest.raises(RuntimeError, match="model is wrapped"):
        nn.DataParallel(_net()).load_state_dict(m.state_dict())


def test_notes_checkpoint_recipe(tmp_path):
    """Save a GPU-style DataParallel checkpoint, drop a layer by prefix, load on the CPU."""
    src = nn.DataParallel(_net())
    path = tmp_path / "ck.pth"
    ember.save(src.state_dict(), path)
    checkpoint = ember.load(path, map_location=ember.device("cpu"))
    checkpoint = {k: v for k, v in checkpoint.items() if not k.startswith("module.classifier")}
    consume_prefix_in_state_dict_if_present(checkpoint, "module.")
    dst = _net()
    result = dst.load_state_dict(checkpoint, strict=False)
    assert result.missing_keys == ["classifier.weight", "classifier.bias"] and result.unexpected_keys == []
    # and torch reads the same file
    t = torch.load(path, weights_only=True)
    assert list(t) == list(src.state_dict())


def test_whole_model_round_trip_and_torch_whole_model(tmp_path):
    m = _net()
    ember.save(m, tmp_path / "whole.pth")
    with pytest.raises(Exception, match="weights_only"):
        ember.load(tmp_path / "whole.pth")
    back = ember.load(tmp_path / "whole.pth", weights_only=False)
    x = ember.randn(2, 3)
    assert ember.allclose(back(x), m(x))
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    torch.save(tm, tmp_path / "torch_whole.pth")
    em = ember.load(tmp_path / "torch_whole.pth", weights_only=False)
    assert type(em) is nn.Sequential and type(em[0]) is nn.Linear
    xt = np.random.rand(5, 3).astype(np.float32)
    np.testing.assert_allclose(em(ember.tensor(xt)).detach().numpy(),
                               tm(torch.tensor(xt)).detach().numpy(), rtol=1e-5, atol=1e-6)
