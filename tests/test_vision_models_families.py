"""ember.vision.models families beyond the fixture comparison: options, training-mode outputs, legacy checkpoints
and errors, against torchvision's documented behaviour (the outputs themselves are compared in
tests/test_vision_models.py)."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import models


def test_densenet_memory_efficient_matches_and_old_keys():
    ember.manual_seed(0)
    kw = dict(growth_rate=4, block_config=(2, 2), num_init_features=8, num_classes=3)
    a = models.DenseNet(**kw)
    b = models.DenseNet(memory_efficient=True, **kw)
    b.load_state_dict(a.state_dict())
    x = np.random.RandomState(0).randn(2, 3, 16, 16).astype(np.float32)
    xa, xb = ember.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ya, yb = a(xa), b(xb)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-5, atol=1e-6)
    ya.sum().backward()
    yb.sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xb.grad.numpy(), rtol=1e-4, atol=1e-6)
    g1 = a.features.denseblock1.denselayer1.conv1.weight.grad.numpy()
    np.testing.assert_allclose(g1, b.features.denseblock1.denselayer1.conv1.weight.grad.numpy(), rtol=1e-4, atol=1e-6)
    # a LuaTorch-era checkpoint names a dense layer's parts "norm.1", "conv.2", ...; the builder's loader renames
    old = {(k.replace("norm1.", "norm.1.").replace("conv2.", "conv.2.")
            if "denselayer" in k and not k.endswith("num_batches_tracked") else k): v + 1
           for k, v in a.state_dict().items()}
    assert "features.denseblock1.denselayer1.norm.1.weight" in old

    class Old:
        def get_state_dict(self, progress, check_hash):
            return dict(old)

    from ember.vision.models.densenet import _load_state_dict
    c = models.DenseNet(**kw)
    _load_state_dict(c, Old(), False)
    np.testing.assert_array_equal(c.features.denseblock2.denselayer2.conv2.weight.detach().numpy(),
                                  old["features.denseblock2.denselayer2.conv.2.weight"].numpy())


def test_shufflenet_errors():
    with pytest.raises(ValueError, match="illegal stride value"):
        models.shufflenetv2.InvertedResidual(24, 24, 4)
    with pytest.raises(ValueError, match="Invalid combination of stride 1, inp 24 and oup 58"):
        models.shufflenetv2.InvertedResidual(24, 58, 1)
    with pytest.raises(ValueError, match="expected stages_repeats as list of 3 positive ints"):
        models.ShuffleNetV2([4, 8], [24, 48, 96, 192, 1024])


def test_mnasnet_version1_checkpoint_and_errors():
    m = models.mnasnet0_5(num_classes=4)
    assert m.layers[0].out_channels == 16 and m.classifier[1].bias.abs().sum().item() == 0
    # a version-1 checkpoint of alpha 0.5 has the fixed 32/16-channel stem: loading one rebuilds the stem, warns
    # and the model saves as version 1
    src = models.MNASNet(0.5, num_classes=4)
    empty = OrderedDict()
    empty._metadata = OrderedDict([("", {"version": 1})])
    with pytest.warns(UserWarning, match="A new version of MNASNet model has been implemented"):
        src.load_state_dict(empty, strict=False)
    sd = src.state_dict()
    assert sd["layers.0.weight"].shape == (32, 3, 3, 3) and sd._metadata[""]["version"] == 1
    m1 = models.MNASNet(0.5, num_classes=4)
    with pytest.warns(UserWarning, match="A new version of MNASNet"):
        m1.load_state_dict(sd)
    assert m1.layers[0].out_channels == 32 and m1._version == 1
    np.testing.assert_array_equal(m1.layers[8][0].layers[0].weight.detach().numpy(),
                                  src.layers[8][0].layers[0].weight.detach().numpy())
    assert m1.eval()(ember.randn(1, 3, 32, 32)).shape == (1, 4)
    with pytest.raises(ValueError, match="alpha should be greater than 0.0 instead of 0"):
        models.MNASNet(0)
    bad = OrderedDict(m.state_dict())
    bad._metadata = OrderedDict([("", {"version": 3})])
    with pytest.raises(ValueError, match="version should be set to 1 or 2 instead of 3"):
        m.load_state_dict(bad)


def test_googlenet_and_inception_training_outputs_and_warnings():
    with pytest.warns(FutureWarning, match="default weight initialization of GoogleNet"):
        g = models.googlenet(num_classes=5)
    g.train()
    out = g(ember.randn(2, 3, 64, 64))
    assert isinstance(out, models.GoogLeNetOutputs) and out.logits.shape == (2, 5)
    assert out.aux_logits1.shape == (2, 5) and out.aux_logits2.shape == (2, 5)
    g.eval()
    assert g(ember.randn(1, 3, 64, 64)).shape == (1, 5)
    w = g.fc.weight.detach().numpy()
    assert abs(w.std() - 0.01) < 0.002 and np.abs(w).max() <= 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        i3 = models.inception_v3(num_classes=5, init_weights=False)
    assert i3.AuxLogits.fc.stddev == 0.001 and i3.AuxLogits.conv1.stddev == 0.01
    # the auxiliary head needs the 17x17 grid of a 299x299 input; run it on that grid directly
    assert i3.AuxLogits.train()(ember.randn(2, 768, 17, 17)).shape == (2, 5)
    i3.AuxLogits.forward = lambda x: ember.zeros(x.shape[0], 5)
    out = i3.train()(ember.randn(2, 3, 80, 80))
    assert isinstance(out, models.InceptionOutputs) and out.logits.shape == (2, 5) and out.aux_logits.shape == (2, 5)
    i3.aux_logits = False
    assert i3(ember.randn(2, 3, 80, 80)).shape == (2, 5)
    with pytest.raises(ValueError, match="length of inception_blocks should be 7 instead of 2"):
        models.Inception3(inception_blocks=[1, 2], init_weights=False)
    with pytest.raises(ValueError, match="The parameter 'aux_logits' expected value True but got False"):
        models.googlenet(weights="IMAGENET1K_V1", aux_logits=False, init_weights=True)


def test_efficientnet_options(monkeypatch):
    m = models.efficientnet_b0(num_classes=10)
    w = m.classifier[1].weight.detach().numpy()
    assert np.abs(w).max() <= 1 / np.sqrt(10) and m.classifier[0].p == 0.2 and not m.classifier[1].bias.any().item()
    blocks = [b for stage in m.features[1:-1] for b in stage]
    assert len(blocks) == 16 and blocks[0].stochastic_depth.p == 0 and abs(blocks[-1].stochastic_depth.p - 0.1875) < 1e-9
    assert isinstance(blocks[1].block[2].activation, ember.nn.SiLU)
    from ember.nn import init  # the big builders' shapes are compared in test_vision_models.py; skip their init
    for n in ("kaiming_normal_", "uniform_", "kaiming_uniform_"):
        monkeypatch.setattr(init, n, lambda t, *a, **k: t)
    b5 = models.efficientnet_b5()
    assert b5.features[0][1].eps == 0.001 and b5.features[0][1].momentum == 0.01 and b5.classifier[0].p == 0.4
    v2 = models.efficientnet_v2_s(dropout=0.1)
    assert v2.features[0][1].eps == 0.001 and v2.features[0][1].momentum == 0.1 and v2.classifier[0].p == 0.1
    assert type(v2.features[1][0]).__name__ == "FusedMBConv" and type(v2.features[4][0]).__name__ == "MBConv"
    with pytest.raises(ValueError, match="The inverted_residual_setting should not be empty"):
        models.EfficientNet([], 0.2)
    with pytest.raises(TypeError, match="should be List\\[MBConvConfig\\]"):
        models.EfficientNet([1], 0.2)


def test_regnet_options_and_errors():
    from ember.vision.models.regnet import BlockParams
    p = BlockParams.from_init_params(depth=16, w_0=48, w_a=27.89, w_m=2.09, group_width=8, se_ratio=0.25)
    assert (p.depths, p.widths, p.group_widths) == ([1, 3, 6, 6], [48, 104, 208, 440], [8, 8, 8, 8])
    with pytest.raises(ValueError, match="Invalid RegNet settings"):
        BlockParams.from_init_params(depth=4, w_0=12, w_a=1.0, w_m=2.0, group_width=8)
    with pytest.raises(ValueError, match="No weights available for model regnet_y_128gf"):
        models.regnet_y_128gf(pretrained=True)
    m = models.RegNet(BlockParams([1, 1], [16, 32], [8, 8], [1.0, 1.0], [2, 2], 0.25), num_classes=3)
    assert list(m.trunk_output.block2._modules) == ["block2-0"] and m.trunk_output.block1[0].f.se.fc1.out_channels == 8
    assert m.eval()(ember.randn(1, 3, 16, 16)).shape == (1, 3)
    assert abs(m.fc.weight.detach().numpy().std() - 0.01) < 0.005


def test_convnext_options_and_errors():
    from ember.vision.models.convnext import CNBlockConfig
    m = models.ConvNeXt([CNBlockConfig(8, 16, 2), CNBlockConfig(16, None, 2)], stochastic_depth_prob=0.3,
                        layer_scale=0.5, num_classes=3)
    sd_probs = [b.stochastic_depth.p for stage in (m.features[1], m.features[3]) for b in stage]
    assert np.allclose(sd_probs, [0.0, 0.1, 0.2, 0.3]) and m.features[1][0].layer_scale.shape == (8, 1, 1)
    assert float(m.features[1][0].layer_scale.detach().numpy().max()) == 0.5
    w = m.classifier[2].weight.detach().numpy()
    assert abs(w.std() - 0.02) < 0.01 and np.abs(w).max() <= 2
    assert m.eval()(ember.randn(2, 3, 16, 16)).shape == (2, 3)
    assert repr(CNBlockConfig(8, None, 2)) == "CNBlockConfig(input_channels=8, out_channels=None, num_layers=2)"
    with pytest.raises(ValueError, match="The block_setting should not be empty"):
        models.ConvNeXt([])
    with pytest.raises(TypeError, match="The block_setting should be List\\[CNBlockConfig\\]"):
        models.ConvNeXt([(8, None, 2)])


def test_vit_options_interpolate_and_old_mlp_keys():
    from ember.vision.models.vision_transformer import ConvStemConfig, interpolate_embeddings
    zoo = np.load(__file__.rsplit("/", 1)[0] + "/fixtures/vision/zoo.npz")
    pos = np.sin(np.arange(17 * 8) * 0.3).reshape(1, 17, 8).astype(np.float32)
    state = OrderedDict([("encoder.pos_embedding", ember.tensor(pos)), ("heads.head.weight", ember.ones(2, 8))])
    out = interpolate_embeddings(24, 4, state, reset_heads=True)
    assert list(out) == ["encoder.pos_embedding"]
    np.testing.assert_allclose(out["encoder.pos_embedding"].numpy(), zoo["vit_interp"], rtol=1e-5, atol=1e-6)
    kw = dict(image_size=16, patch_size=8, num_layers=1, num_heads=2, hidden_dim=8, mlp_dim=12, num_classes=3)
    m = models.VisionTransformer(**kw)
    assert not m.heads.head.weight.any().item() and m.encoder.pos_embedding.shape == (1, 5, 8)
    with pytest.raises(AssertionError, match="Wrong image height! Expected 16 but got 24!"):
        m(ember.randn(1, 3, 24, 16))
    with pytest.raises(AssertionError, match="Input shape indivisible by patch size!"):
        models.VisionTransformer(**{**kw, "image_size": 20})
    # a version-1 checkpoint names the MLP's linears linear_1/linear_2
    sd = m.state_dict()
    old = OrderedDict((k.replace("mlp.0.", "mlp.linear_1.").replace("mlp.3.", "mlp.linear_2."), v + 1)
                      for k, v in sd.items())
    old._metadata = OrderedDict((k, dict(v)) for k, v in sd._metadata.items())
    old._metadata["encoder.layers.encoder_layer_0.mlp"] = {"version": 1}
    m.load_state_dict(old)
    np.testing.assert_array_equal(m.encoder.layers[0].mlp[3].bias.detach().numpy(),
                                  old["encoder.layers.encoder_layer_0.mlp.linear_2.bias"].numpy())
    cs = models.VisionTransformer(**kw, conv_stem_configs=[ConvStemConfig(4, 3, 2), ConvStemConfig(8, 3, 4)])
    assert list(cs.conv_proj._modules) == ["conv_bn_relu_0", "conv_bn_relu_1", "conv_last"]
    assert cs.eval()(ember.randn(1, 3, 16, 16)).shape == (1, 3)
    with pytest.raises(ValueError, match="No weights available for model vit_h_14"):
        models.vit_h_14(pretrained=True)


def test_swin_options_and_errors():
    from ember.vision.models.swin_transformer import ShiftedWindowAttention, ShiftedWindowAttentionV2
    with pytest.raises(ValueError, match="window_size and shift_size must be of length 2"):
        ShiftedWindowAttention(8, [4], [0, 0], 2)
    a = ShiftedWindowAttentionV2(8, [4, 4], [2, 2], 2)
    b = a.qkv.bias.detach().numpy()
    assert not b[8:16].any() and a.relative_coords_table.shape == (1, 7, 7, 2)
    assert a.relative_position_index.dtype == ember.int64 and a.relative_position_index.shape == (256,)
    assert int(a.relative_position_index.max()) == 48 and list(a.state_dict())[-2:] == ["cpb_mlp.0.bias",
                                                                                          "cpb_mlp.2.weight"]
    np.testing.assert_allclose(a.logit_scale.detach().numpy().ravel(), np.log(10.0), rtol=1e-6)
    m = models.SwinTransformer([4, 4], 8, [2, 1], [2, 2], [2, 2], stochastic_depth_prob=0.4, num_classes=3)
    sd = [blk.stochastic_depth.p for stage in (m.features[1], m.features[3]) for blk in stage]
    assert np.allclose(sd, [0.0, 0.2, 0.4]) and m.features[1][1].attn.shift_size == [1, 1]
    x = ember.randn(2, 3, 20, 12, requires_grad=True)
    out = m(x)
    out.sum().backward()
    assert out.shape == (2, 3) and x.grad.shape == x.shape


def test_maxvit_options_and_errors():
    kw = dict(input_size=(16, 16), stem_channels=4, partition_size=2, block_channels=[4, 8], block_layers=[1, 2],
              head_dim=4, stochastic_depth_prob=0.3, num_classes=3)
    m = models.MaxVit(**kw)
    ps = [layer.layers.MBconv.stochastic_depth for blk in m.blocks for layer in blk.layers]
    assert isinstance(ps[0], ember.nn.Identity) and [p.p for p in ps[1:]] == [0.15, 0.3]
    attn = m.blocks[1].layers[0].layers.grid_attention.attn_layer[1]
    assert attn.relative_position_index.shape == (4, 4) and attn.relative_position_bias_table.shape == (9, 2)
    assert m.blocks[0].layers[0].layers.window_attention.partition_swap.__class__.__name__ == "Identity"
    x = ember.randn(2, 3, 16, 16, requires_grad=True)
    out = m(x)
    out.sum().backward()
    assert out.shape == (2, 3) and x.grad is not None
    with pytest.raises(ValueError, match="Input size \\(3, 3\\) of block 1 is not divisible by partition size 2"):
        models.MaxVit(**{**kw, "input_size": (24, 24)})
    with pytest.raises(ValueError, match="feat_dim: 6 must be divisible by head_dim: 4"):
        models.maxvit.RelativePositionalMultiHeadAttention(6, 4, 4)
