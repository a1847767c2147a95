"""ember.vision.ops against torchvision 0.29's outputs (tests/fixtures/vision/{ops,layers}.npz, made
by scripts/make_vision_fixtures.py), and against torch 2.13 where the op is a torch composition."""
import os

import numpy as np
import pytest
import torch
from oracle import assert_close

import ember
from ember.vision import ops

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "vision")
FIX = np.load(os.path.join(HERE, "ops.npz"))
LAY = np.load(os.path.join(HERE, "layers.npz"))


def T(name, src=FIX, **kw):
    return ember.tensor(src[name], **kw)


@pytest.mark.parametrize("thr", [0.1, 0.3, 0.5])
def test_nms_and_batched_nms(thr):
    b, s = T("in_b1"), T("in_scores")
    keep = ops.nms(b, s, thr)
    assert keep.dtype == ember.int64
    np.testing.assert_array_equal(keep._data, FIX[f"nms_{thr}"])
    np.testing.assert_array_equal(ops.batched_nms(b, s, T("in_idxs"), thr)._data, FIX[f"bnms_{thr}"])


def test_batched_nms_many_boxes_and_edge_cases():
    keep = ops.batched_nms(T("in_big"), T("in_big_scores"), T("in_big_idxs"), 0.4)
    np.testing.assert_array_equal(keep._data, FIX["bnms_big"])
    empty = ops.nms(ember.zeros(0, 4), ember.zeros(0), 0.5)
    assert empty.dtype == ember.int64 and tuple(empty.shape) == (0,)
    none = ops.batched_nms(ember.zeros(0, 4), ember.zeros(0), ember.zeros(0, dtype=ember.int64), 0.5)
    assert tuple(none.shape) == (0,)
    with pytest.raises(RuntimeError, match="size 4 in dimension 1"):
        ops.nms(ember.zeros(3, 5), ember.zeros(3), 0.5)
    with pytest.raises(RuntimeError, match="same number of elements"):
        ops.nms(ember.zeros(3, 4), ember.zeros(2), 0.5)


def test_box_ious_match_torchvision_and_have_grads():
    b1, b2 = T("in_b1"), T("in_b2")
    for name, fn in (("box_iou", ops.box_iou), ("giou", ops.generalized_box_iou),
                     ("diou", ops.distance_box_iou), ("ciou", ops.complete_box_iou)):
        out = fn(b1, b2)
        assert out.dtype == ember.float32 and tuple(out.shape) == (30, 20)
        np.testing.assert_allclose(out._data, FIX[name], rtol=1e-6, atol=1e-6)
    x = T("in_b1", requires_grad=True)
    ops.generalized_box_iou(x, b2).sum().backward()
    tx = torch.tensor(FIX["in_b1"], requires_grad=True)
    tb2 = torch.tensor(FIX["in_b2"])
    inter_lt = torch.max(tx[:, None, :2], tb2[None, :, :2])
    inter_rb = torch.min(tx[:, None, 2:], tb2[None, :, 2:])
    wh = (inter_rb - inter_lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    a1 = (tx[:, 2] - tx[:, 0]) * (tx[:, 3] - tx[:, 1])
    a2 = (tb2[:, 2] - tb2[:, 0]) * (tb2[:, 3] - tb2[:, 1])
    union = a1[:, None] + a2[None] - inter
    whi = (torch.max(tx[:, None, 2:], tb2[None, :, 2:]) - torch.min(tx[:, None, :2], tb2[None, :, :2])).clamp(min=0)
    areai = whi[..., 0] * whi[..., 1]
    (inter / union - (areai - union) / areai).sum().backward()
    assert_close(x.grad, tx.grad, rtol=1e-5, atol=1e-6)


def test_box_convert_area_clip_small():
    b1, b2 = T("in_b1"), T("in_b2")
    for fmt in ("xywh", "cxcywh"):
        conv = ops.box_convert(b1, "xyxy", fmt)
        np.testing.assert_array_equal(conv._data, FIX[f"conv_xyxy_{fmt}"])
        np.testing.assert_array_equal(ops.box_convert(conv, fmt, "xyxy")._data, FIX[f"conv_{fmt}_xyxy"])
        np.testing.assert_allclose(ops.box_iou(conv, ops.box_convert(b2, "xyxy", fmt), fmt=fmt)._data,
                                   FIX[f"iou_{fmt}"], rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(ops.box_area(conv, fmt=fmt)._data, FIX[f"area_{fmt}"])
    rb = T("in_rboxes")
    for a, b in (("xywhr", "cxcywhr"), ("xywhr", "xyxyxyxy"), ("cxcywhr", "xyxyxyxy")):
        out = ops.box_convert(rb, a, b)
        np.testing.assert_allclose(out._data, FIX[f"conv_{a}_{b}"], rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(ops.box_convert(out, b, a)._data, FIX[f"conv_{b}_{a}"], rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(ops.box_area(b1)._data, FIX["area"])
    np.testing.assert_array_equal(ops.clip_boxes_to_image(b1, (25, 30))._data, FIX["clip"])
    np.testing.assert_array_equal(ops.remove_small_boxes(b1, 8.0)._data, FIX["small"])
    np.testing.assert_array_equal(ops.masks_to_boxes(T("in_m2b"))._data, FIX["m2b"])
    c = ops.box_convert(b1, "xyxy", "xyxy")
    assert c is not b1 and np.array_equal(c._data, b1._data)
    with pytest.raises(ValueError, match="Unsupported Bounding Box Conversions"):
        ops.box_convert(b1, "xyxy", "yxyx")
    with pytest.raises(ValueError, match="Unsupported Bounding Box area"):
        ops.box_area(b1, fmt="xywhr")
    x = T("in_b1", requires_grad=True)
    ops.box_area(ops.box_convert(x, "xyxy", "cxcywh"), fmt="cxcywh").sum().backward()
    w, h = FIX["in_b1"][:, 2] - FIX["in_b1"][:, 0], FIX["in_b1"][:, 3] - FIX["in_b1"][:, 1]
    np.testing.assert_allclose(x.grad._data, np.stack([-h, -w, h, w], 1), rtol=1e-6)


@pytest.mark.parametrize("k,args", [(0, (3, 1.0, -1, False)), (1, ((2, 4), 0.5, 2, False)),
                                    (2, (4, 0.3, 0, True)), (3, (5, 1.0, 3, True))])
def test_roi_align_forward_backward(k, args):
    x = T("in_x", requires_grad=True)
    out = ops.roi_align(x, T("in_rois"), *args)
    np.testing.assert_array_equal(out._data, FIX[f"ra{k}_out"])   # the CPU kernel's arithmetic, to the bit
    (out * T(f"ra{k}_w")).sum().backward()
    np.testing.assert_allclose(x.grad._data, FIX[f"ra{k}_grad"], rtol=1e-5, atol=1e-6)
    assert out.grad_fn.name() == "RoiAlignBackward0"


def test_roi_align_box_list_module_and_gradcheck():
    x, rois = T("in_x"), FIX["in_rois"]
    per_image = [ember.tensor(rois[rois[:, 0] == i, 1:]) for i in range(2)]
    order = np.argsort(rois[:, 0], kind="stable")
    out = ops.roi_align(x, per_image, 3, 1.0, -1, False)
    np.testing.assert_array_equal(out._data, FIX["ra0_out"][order])
    m = ops.RoIAlign(3, 1.0, -1)
    np.testing.assert_array_equal(m(x, T("in_rois"))._data, FIX["ra0_out"])
    assert repr(m) == "RoIAlign(output_size=3, spatial_scale=1.0, sampling_ratio=-1, aligned=False)"
    x64 = ember.tensor(FIX["in_x"][:1, :2, :6, :7].astype(np.float64), requires_grad=True)
    r64 = ember.tensor([[0, 0.5, 1.2, 5.1, 4.7], [0, 2.0, 0.3, 3.1, 5.9]], dtype=ember.float64)
    assert ember.autograd.gradcheck(lambda t: ops.roi_align(t, r64, 2, 1.0, 2, True), (x64,))
    with pytest.raises(AssertionError, match=r"Tensor\[K, 5\]"):
        ops.roi_align(x, ember.zeros(3, 4), 2)
    with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
        ops.roi_align(x, [ember.zeros(3, 5)], 2)
    with pytest.raises(RuntimeError, match="same type"):
        ops.roi_align(x, T("in_rois").double(), 2)


@pytest.mark.parametrize("k,args", [(0, (3, 1.0)), (1, ((2, 4), 0.5)), (2, (4, 0.3))])
def test_roi_pool_forward_backward(k, args):
    x = T("in_x", requires_grad=True)
    out = ops.roi_pool(x, T("in_rois"), *args)
    np.testing.assert_array_equal(out._data, FIX[f"rp{k}_out"])
    (out * T(f"rp{k}_w")).sum().backward()
    np.testing.assert_allclose(x.grad._data, FIX[f"rp{k}_grad"], rtol=1e-6, atol=1e-6)
    assert repr(ops.RoIPool(3, 0.5)) == "RoIPool(output_size=3, spatial_scale=0.5)"


def test_sigmoid_focal_loss_vs_torch():
    from torch.nn import functional as TF
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(6, 5)).astype(np.float32)
    target = (rng.uniform(size=(6, 5)) > 0.7).astype(np.float32)
    for alpha, gamma, red in ((0.25, 2, "none"), (-1, 1.5, "mean"), (0.5, 0, "sum")):
        x = ember.tensor(logits, requires_grad=True)
        out = ops.sigmoid_focal_loss(x, ember.tensor(target), alpha, gamma, red)
        tx = torch.tensor(logits, requires_grad=True)
        tt = torch.tensor(target)
        p = tx.sigmoid()
        ce = TF.binary_cross_entropy_with_logits(tx, tt, reduction="none")
        p_t = p * tt + (1 - p) * (1 - tt)
        ref = ce * (1 - p_t) ** gamma
        if alpha >= 0:
            ref = (alpha * tt + (1 - alpha) * (1 - tt)) * ref
        ref = {"none": ref, "mean": ref.mean(), "sum": ref.sum()}[red]
        assert_close(out, ref)
        out.sum().backward()
        ref.sum().backward()
        assert_close(x.grad, tx.grad, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="Invalid alpha value"):
        ops.sigmoid_focal_loss(x, ember.tensor(target), alpha=2)
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        ops.sigmoid_focal_loss(x, ember.tensor(target), reduction="max")


def test_stochastic_depth():
    x = ember.ones(1000, 3)
    ember.manual_seed(0)
    y = ops.stochastic_depth(x, 0.3, "row")
    rows = y._data[:, 0]
    assert np.all((rows == 0) | np.isclose(rows, 1 / 0.7)) and 0.6 < (rows > 0).mean() < 0.8
    assert (y._data == y._data[:, :1]).all()
    b = ops.stochastic_depth(x, 0.5, "batch")._data
    assert len(np.unique(b)) == 1
    assert ops.stochastic_depth(x, 0.5, "row", training=False) is x
    m = ops.StochasticDepth(0.2, "row")
    assert repr(m) == "StochasticDepth(p=0.2, mode=row)"
    m.eval()
    assert m(x) is x
    ember.manual_seed(5)   # the same draws as torch's bernoulli_ on the same seed
    e = ops.stochastic_depth(ember.ones(8, 2), 0.5, "row")._data
    torch.manual_seed(5)
    noise = torch.empty(8, 1).bernoulli_(0.5).div_(0.5)
    np.testing.assert_array_equal(e, (torch.ones(8, 2) * noise).numpy())
    with pytest.raises(ValueError, match="between 0 and 1"):
        ops.stochastic_depth(x, 1.5, "row")
    with pytest.raises(ValueError, match="'batch' or 'row'"):
        ops.stochastic_depth(x, 0.5, "col")


def test_layers_load_torchvision_state_dicts():
    x = T("in_x", LAY)

    def load(m, prefix):
        sd = {k[len(prefix) + 1:]: ember.tensor(LAY[k]) for k in LAY.files if k.startswith(prefix + ".")}
        m.load_state_dict(sd)
        return m

    fbn = load(ops.FrozenBatchNorm2d(4), "fbn")
    assert repr(fbn) == "FrozenBatchNorm2d(4, eps=1e-05)"
    np.testing.assert_allclose(fbn(x)._data, LAY["out_fbn"], rtol=1e-6, atol=1e-6)
    cna = load(ops.Conv2dNormActivation(4, 6, 3, stride=2), "cna").eval()
    assert [type(m).__name__ for m in cna] == ["Conv2d", "BatchNorm2d", "ReLU"] and cna[0].bias is None
    np.testing.assert_allclose(cna(x)._data, LAY["out_cna"], rtol=1e-5, atol=1e-5)
    se = load(ops.SqueezeExcitation(4, 2), "se")
    np.testing.assert_allclose(se(x)._data, LAY["out_se"], rtol=1e-5, atol=1e-6)
    from ember.vision.ops.feature_pyramid_network import LastLevelMaxPool
    fpn = load(ops.FeaturePyramidNetwork([4, 8], 5, extra_blocks=LastLevelMaxPool()), "fpn")
    outs = fpn({"p0": x, "p1": T("in_x2", LAY)})
    assert list(outs) == ["p0", "p1", "pool"]
    for k, v in outs.items():
        np.testing.assert_allclose(v._data, LAY[f"out_fpn_{k}"], rtol=1e-4, atol=1e-5)
    mlp = load(ops.MLP(8, [16, 3], norm_layer=ember.nn.LayerNorm), "mlp")
    np.testing.assert_allclose(mlp(T("in_xm", LAY))._data, LAY["out_mlp"], rtol=1e-5, atol=1e-6)
    old = {k.replace(".0.weight", ".weight").replace(".0.bias", ".bias"): v for k, v in fpn.state_dict().items()}
    fpn2 = ops.FeaturePyramidNetwork([4, 8], 5)
    fpn2._load_from_state_dict(dict(old), "", {"version": 1}, True, [], [], [])
    bn = ember.nn.BatchNorm2d(4)
    fbn.load_state_dict(bn.state_dict())   # num_batches_tracked is dropped
    with pytest.raises(ValueError, match="in_channels=0"):
        ops.FeaturePyramidNetwork([0], 4)
    with pytest.raises(TypeError, match="ExtraFPNBlock"):
        ops.FeaturePyramidNetwork([4], 4, extra_blocks=ember.nn.ReLU())


@pytest.mark.parametrize("name,fn", [("giou", ops.generalized_box_iou_loss), ("diou", ops.distance_box_iou_loss),
                                     ("ciou", ops.complete_box_iou_loss)])
def test_box_iou_losses(name, fn):
    for red in ("none", "mean", "sum"):
        p = T("in_pred", requires_grad=True)
        loss = fn(p, T("in_tgt"), reduction=red)
        np.testing.assert_allclose(loss._data, FIX[f"{name}_loss_{red}"], rtol=1e-5, atol=1e-6)
        loss.sum().backward()
        np.testing.assert_allclose(p.grad._data, FIX[f"{name}_grad_{red}"], rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        fn(T("in_pred"), T("in_tgt"), reduction="max")
    empty = fn(ember.zeros(0, 4), ember.zeros(0, 4), reduction="mean")
    assert float(empty) == 0.0


@pytest.mark.parametrize("name,keys", [("ms", ["feat1", "feat2", "feat3"]), ("ms_gap", ["feat1", "feat3"])])
def test_multiscale_roi_align(name, keys):
    feats = {k: T(f"in_ms_{k}", requires_grad=True) for k in ("feat1", "feat2", "feat3")}
    pool = ops.MultiScaleRoIAlign(keys, 3, 2, canonical_scale=32)
    assert repr(pool) == f"MultiScaleRoIAlign(featmap_names={keys}, output_size=(3, 3), sampling_ratio=2)"
    boxes = [T("in_ms_boxes0"), T("in_ms_boxes1")]
    out = pool(feats, boxes, [(128, 128), (120, 128)])
    np.testing.assert_allclose(pool.scales, FIX[f"{name}_scales"])
    levels = pool.map_levels(boxes)
    np.testing.assert_array_equal(levels, FIX[f"{name}_levels"])
    assert len(set(levels.tolist())) == 3   # the boxes spread over three levels
    np.testing.assert_allclose(out._data, FIX[f"{name}_out"], rtol=1e-6, atol=1e-6)
    out.sum().backward()
    for k in keys:
        np.testing.assert_allclose(feats[k].grad._data, FIX[f"{name}_grad_{k}"], rtol=1e-5, atol=1e-6)
