"""Write torchvision's outputs on seeded inputs to tests/fixtures/vision/, for the ember tests
that must not need torchvision.

Run in a venv with torchvision (it installs only beside torch 2.14.1):
    python3 -m venv /work/tvenv && /work/tvenv/bin/pip install torch==2.14.1 torchvision==0.29.1 pillow numpy
    /work/tvenv/bin/python scripts/make_vision_fixtures.py

Each .npz holds the inputs (``in_*``) next to torchvision's results, so the tests rebuild nothing.
"""
import io
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision import ops, utils

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "vision")


def _boxes(rng, n, size=40.0):
    xy = rng.uniform(0, size, (n, 2)).astype(np.float32)
    wh = rng.uniform(1, size / 2, (n, 2)).astype(np.float32)
    return np.concatenate([xy, xy + wh], 1)


def make_utils():
    rng = np.random.default_rng(0)
    d = {}
    d["in_batch"] = rng.uniform(-0.2, 1.2, (5, 3, 6, 7)).astype(np.float32)
    d["in_gray"] = rng.uniform(0, 1, (3, 1, 5, 5)).astype(np.float32)
    grids = {
        "plain": dict(), "nrow2": dict(nrow=2, padding=1, pad_value=0.5),
        "norm": dict(normalize=True), "norm_range": dict(normalize=True, value_range=(0.0, 0.8)),
        "scale_each": dict(normalize=True, scale_each=True, padding=3),
    }
    for name, kw in grids.items():
        d[f"grid_{name}"] = utils.make_grid(torch.from_numpy(d["in_batch"]), **kw).numpy()
    d["grid_gray"] = utils.make_grid(torch.from_numpy(d["in_gray"]), nrow=3).numpy()
    for name, src, kw in (("batch", "in_batch", dict(nrow=3)), ("gray", "in_gray", dict(normalize=True))):
        buf = io.BytesIO()
        utils.save_image(torch.from_numpy(d[src]), buf, format="png", **kw)
        d[f"png_{name}"] = np.frombuffer(buf.getvalue(), dtype=np.uint8)

    img = rng.integers(0, 256, (3, 48, 64), dtype=np.uint8)
    boxes = np.array([[2, 3, 30, 20], [10, 12, 60, 45], [40, 5, 41, 6]], dtype=np.float32)
    d["in_img"], d["in_boxes"] = img, boxes
    timg, tboxes = torch.from_numpy(img), torch.from_numpy(boxes)
    d["boxes_plain"] = utils.draw_bounding_boxes(timg, tboxes).numpy()
    d["boxes_styled"] = utils.draw_bounding_boxes(timg, tboxes, labels=["cat", "dog", "x"],
                                                  colors=["red", (0, 255, 0), "#0000ff"], fill=True,
                                                  width=2).numpy()
    d["boxes_labels_bg"] = utils.draw_bounding_boxes(timg, tboxes, labels=["a", "bb", "c"], fill_labels=True,
                                                     label_colors="white").numpy()
    d["boxes_float"] = utils.draw_bounding_boxes(timg.float() / 255, tboxes, colors="yellow").numpy()
    d["boxes_gray"] = utils.draw_bounding_boxes(timg[:1], tboxes).numpy()
    rot = np.array([[5, 5, 30, 10, 35, 30, 10, 25]], dtype=np.float32)
    d["in_rot"] = rot
    d["boxes_rotated"] = utils.draw_bounding_boxes(timg, torch.from_numpy(rot), colors="white").numpy()

    masks = rng.uniform(0, 1, (3, 48, 64)) > 0.6
    d["in_masks"] = masks
    d["masks_uint8"] = utils.draw_segmentation_masks(timg, torch.from_numpy(masks)).numpy()
    d["masks_float"] = utils.draw_segmentation_masks(timg.double() / 255, torch.from_numpy(masks), alpha=0.3,
                                                     colors=["red", "blue", (10, 200, 30)]).numpy()
    d["masks_one"] = utils.draw_segmentation_masks(timg, torch.from_numpy(masks[0]), colors="green").numpy()

    kpts = np.array([[[5, 5], [20, 30], [50, 40]], [[60, 2], [33, 33], [8, 44]]], dtype=np.float32)
    vis = np.array([[True, True, False], [True, True, True]])
    d["in_kpts"], d["in_vis"] = kpts, vis
    d["kpts_plain"] = utils.draw_keypoints(timg, torch.from_numpy(kpts)).numpy()
    d["kpts_conn"] = utils.draw_keypoints(timg, torch.from_numpy(kpts), connectivity=[(0, 1), (1, 2)],
                                          colors="red", radius=3, width=2, visibility=torch.from_numpy(vis)).numpy()
    d["kpts_float"] = utils.draw_keypoints(timg.float() / 255, torch.from_numpy(kpts), colors="blue").numpy()

    flow = rng.normal(size=(2, 2, 9, 11)).astype(np.float32)
    d["in_flow"] = flow
    d["flow_img"] = utils.flow_to_image(torch.from_numpy(flow)).numpy()
    return d


def make_ops():
    rng = np.random.default_rng(1)
    d = {}
    b1, b2 = _boxes(rng, 30), _boxes(rng, 20)
    scores = rng.uniform(0, 1, 30).astype(np.float32)
    scores[5] = scores[6]   # a tie
    idxs = rng.integers(0, 3, 30)
    d.update(in_b1=b1, in_b2=b2, in_scores=scores, in_idxs=idxs)
    t1, t2, ts = torch.from_numpy(b1), torch.from_numpy(b2), torch.from_numpy(scores)
    for thr in (0.1, 0.3, 0.5):
        d[f"nms_{thr}"] = ops.nms(t1, ts, thr).numpy()
        d[f"bnms_{thr}"] = ops.batched_nms(t1, ts, torch.from_numpy(idxs), thr).numpy()
    big, big_s, big_i = _boxes(rng, 1200, 200.0), rng.uniform(0, 1, 1200).astype(np.float32), rng.integers(0, 5, 1200)
    d.update(in_big=big, in_big_scores=big_s, in_big_idxs=big_i)
    d["bnms_big"] = ops.batched_nms(torch.from_numpy(big), torch.from_numpy(big_s), torch.from_numpy(big_i), 0.4).numpy()
    d["box_iou"] = ops.box_iou(t1, t2).numpy()
    d["giou"] = ops.generalized_box_iou(t1, t2).numpy()
    d["diou"] = ops.distance_box_iou(t1, t2).numpy()
    d["ciou"] = ops.complete_box_iou(t1, t2).numpy()
    for fmt in ("xywh", "cxcywh"):
        conv = ops.box_convert(t1, "xyxy", fmt)
        d[f"conv_xyxy_{fmt}"] = conv.numpy()
        d[f"conv_{fmt}_xyxy"] = ops.box_convert(conv, fmt, "xyxy").numpy()
        d[f"iou_{fmt}"] = ops.box_iou(conv, ops.box_convert(t2, "xyxy", fmt), fmt=fmt).numpy()
        d[f"area_{fmt}"] = ops.box_area(conv, fmt=fmt).numpy()
    rb = np.concatenate([b1[:6, :4], rng.uniform(-90, 90, (6, 1)).astype(np.float32)], 1)
    d["in_rboxes"] = rb
    for a, b in (("xywhr", "cxcywhr"), ("xywhr", "xyxyxyxy"), ("cxcywhr", "xyxyxyxy")):
        out = ops.box_convert(torch.from_numpy(rb), a, b)
        d[f"conv_{a}_{b}"] = out.numpy()
        d[f"conv_{b}_{a}"] = ops.box_convert(out, b, a).numpy()
    d["area"] = ops.box_area(t1).numpy()
    d["clip"] = ops.clip_boxes_to_image(t1, (25, 30)).numpy()
    d["small"] = ops.remove_small_boxes(t1, 8.0).numpy()
    masks = np.zeros((3, 10, 12), dtype=bool)
    masks[0, 2:5, 3:9] = True
    masks[1, 7, 1] = True
    d["in_m2b"] = masks
    d["m2b"] = ops.masks_to_boxes(torch.from_numpy(masks)).numpy()

    pred, tgt = _boxes(rng, 12), _boxes(rng, 12)
    pred[3] = tgt[3] + 100   # no overlap
    d.update(in_pred=pred, in_tgt=tgt)
    for name, fn in (("giou", ops.generalized_box_iou_loss), ("diou", ops.distance_box_iou_loss),
                     ("ciou", ops.complete_box_iou_loss)):
        for red in ("none", "mean", "sum"):
            tp = torch.from_numpy(pred.copy()).requires_grad_()
            loss = fn(tp, torch.from_numpy(tgt), reduction=red)
            loss.sum().backward()
            d[f"{name}_loss_{red}"], d[f"{name}_grad_{red}"] = loss.detach().numpy(), tp.grad.numpy()
    x = rng.normal(size=(2, 3, 12, 14)).astype(np.float32)
    rois = np.concatenate([np.array([[0], [1], [0], [1], [0]], dtype=np.float32),
                           np.array([[1, 1, 10, 8], [0, 0, 20, 16], [3.3, 2.7, 5.1, 9.9],
                                     [-3, -2, 4, 30], [6, 6, 6.5, 6.2]], dtype=np.float32)], 1)
    d.update(in_x=x, in_rois=rois)
    for k, (size, scale, sr, aligned) in enumerate([(3, 1.0, -1, False), ((2, 4), 0.5, 2, False),
                                                     (4, 0.3, 0, True), (5, 1.0, 3, True)]):
        tx = torch.from_numpy(x).requires_grad_()
        out = ops.roi_align(tx, torch.from_numpy(rois), size, scale, sr, aligned)
        w = torch.from_numpy(rng.normal(size=tuple(out.shape)).astype(np.float32))
        (out * w).sum().backward()
        d[f"ra{k}_out"], d[f"ra{k}_w"], d[f"ra{k}_grad"] = out.detach().numpy(), w.numpy(), tx.grad.numpy()
    for k, (size, scale) in enumerate([(3, 1.0), ((2, 4), 0.5), (4, 0.3)]):
        tx = torch.from_numpy(x).requires_grad_()
        out = ops.roi_pool(tx, torch.from_numpy(rois), size, scale)
        w = torch.from_numpy(rng.normal(size=tuple(out.shape)).astype(np.float32))
        (out * w).sum().backward()
        d[f"rp{k}_out"], d[f"rp{k}_w"], d[f"rp{k}_grad"] = out.detach().numpy(), w.numpy(), tx.grad.numpy()
    feats = {"feat1": rng.normal(size=(2, 3, 32, 32)).astype(np.float32),
             "feat2": rng.normal(size=(2, 3, 16, 16)).astype(np.float32),
             "feat3": rng.normal(size=(2, 3, 8, 8)).astype(np.float32)}
    mboxes = [_boxes(rng, 8, 80.0), _boxes(rng, 7, 40.0) * np.float32(2)]   # sides 1..40, 2..40
    for k, v in feats.items():
        d[f"in_ms_{k}"] = v
    d["in_ms_boxes0"], d["in_ms_boxes1"] = mboxes
    for name, keys in (("ms", ["feat1", "feat2", "feat3"]), ("ms_gap", ["feat1", "feat3"])):
        pool = ops.MultiScaleRoIAlign(keys, 3, 2, canonical_scale=32)
        tf = {k: torch.from_numpy(v).requires_grad_() for k, v in feats.items()}
        out = pool(tf, [torch.from_numpy(b) for b in mboxes], [(128, 128), (120, 128)])
        out.sum().backward()
        d[f"{name}_out"], d[f"{name}_scales"] = out.detach().numpy(), np.array(pool.scales)
        for k in keys:
            d[f"{name}_grad_{k}"] = tf[k].grad.numpy()
        d[f"{name}_levels"] = pool.map_levels([torch.from_numpy(b) for b in mboxes]).numpy()
    return d


def _state(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def make_layers():
    torch.manual_seed(0)
    rng = np.random.default_rng(2)
    d = {}
    x = rng.normal(size=(2, 4, 8, 8)).astype(np.float32)
    d["in_x"] = x
    tx = torch.from_numpy(x)
    fbn = ops.FrozenBatchNorm2d(4)
    for k, v in fbn.state_dict().items():
        v.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, 4).astype(np.float32)))
    for name, m in (("fbn", fbn), ("cna", ops.Conv2dNormActivation(4, 6, 3, stride=2).eval()),
                    ("se", ops.SqueezeExcitation(4, 2)),
                    ("fpn", ops.FeaturePyramidNetwork([4, 8], 5, extra_blocks=ops.feature_pyramid_network.LastLevelMaxPool()))):
        for k, v in _state(m).items():
            d[f"{name}.{k}"] = v
        if name == "fpn":
            x2 = rng.normal(size=(2, 8, 4, 4)).astype(np.float32)
            d["in_x2"] = x2
            outs = m({"p0": tx, "p1": torch.from_numpy(x2)})
            for k, v in outs.items():
                d[f"out_fpn_{k}"] = v.detach().numpy()
        else:
            d[f"out_{name}"] = m(tx).detach().numpy()
    mlp = ops.MLP(8, [16, 3], norm_layer=torch.nn.LayerNorm)
    for k, v in _state(mlp).items():
        d[f"mlp.{k}"] = v
    xm = rng.normal(size=(5, 8)).astype(np.float32)
    d["in_xm"], d["out_mlp"] = xm, mlp(torch.from_numpy(xm)).detach().numpy()
    return d


def make_io():
    """Encoded files (made with Pillow) and torchvision.io's decodings of them in every mode."""
    from PIL import Image
    from torchvision import io as tio
    rng = np.random.default_rng(3)
    d = {}
    rgb = rng.integers(0, 256, (10, 13, 3), dtype=np.uint8)
    rgba = np.concatenate([rgb, rng.integers(0, 256, (10, 13, 1), dtype=np.uint8)], 2)
    gray16 = rng.integers(0, 65536, (6, 7), dtype=np.uint16)
    smooth = np.clip(np.add.outer(np.arange(16) * 9, np.arange(20) * 6)[:, :, None] + [0, 40, 90], 0, 255)
    files = {"rgb.png": (Image.fromarray(rgb), "PNG", {}), "rgba.png": (Image.fromarray(rgba), "PNG", {}),
             "gray.png": (Image.fromarray(rgb[:, :, 0]), "PNG", {}),
             "pal.png": (Image.fromarray(rgb).quantize(16), "PNG", {}),
             "gray16.png": (Image.fromarray(gray16), "PNG", {}),
             "rgb.jpg": (Image.fromarray(smooth.astype(np.uint8)), "JPEG", {"quality": 90}),
             "gray.jpg": (Image.fromarray(smooth[:, :, 0].astype(np.uint8)), "JPEG", {"quality": 90})}
    for name, (img, fmt, kw) in files.items():
        buf = io.BytesIO()
        img.save(buf, format=fmt, **kw)
        key = name.replace(".", "_")
        d[f"file_{key}"] = np.frombuffer(buf.getvalue(), dtype=np.uint8)
        data = torch.from_numpy(d[f"file_{key}"].copy())
        for mode in ("UNCHANGED", "GRAY", "GRAY_ALPHA", "RGB", "RGB_ALPHA"):
            if name == "pal.png" and mode in ("UNCHANGED", "GRAY_ALPHA", "RGB_ALPHA"):
                continue   # torchvision 0.29 reads uninitialised memory there (see tests/test_vision_io.py)
            try:
                d[f"dec_{key}_{mode}"] = tio.decode_image(data, getattr(tio.ImageReadMode, mode)).numpy()
            except RuntimeError:
                pass
    d["in_enc"] = rgb.transpose(2, 0, 1).copy()
    d["enc_png"] = tio.encode_png(torch.from_numpy(d["in_enc"])).numpy()
    d["enc_jpeg"] = tio.encode_jpeg(torch.from_numpy(smooth.astype(np.uint8).transpose(2, 0, 1).copy()), quality=80).numpy()
    return d


def make_v2():
    """transforms.v2 on an image with masks and boxes (every axis-aligned format and int boxes)."""
    from torchvision import tv_tensors as tv
    from torchvision.transforms import v2
    from torchvision.transforms.v2 import functional as F
    rng = np.random.default_rng(4)
    d = {}
    img = rng.integers(0, 256, (3, 24, 32), dtype=np.uint8)
    masks = rng.uniform(size=(2, 24, 32)) > 0.5
    xyxy = np.array([[2, 3, 10, 12], [15, 5, 29, 19], [0, 0, 32, 24], [30, 20, 31.5, 23]], dtype=np.float32)
    d.update(in_img=img, in_masks=masks, in_xyxy=xyxy)
    timg, tmask = tv.Image(torch.from_numpy(img)), tv.Mask(torch.from_numpy(masks))
    boxes = {"XYXY": tv.BoundingBoxes(torch.from_numpy(xyxy), format="XYXY", canvas_size=(24, 32))}
    for fmt in ("XYWH", "CXCYWH"):
        boxes[fmt] = F.convert_bounding_box_format(boxes["XYXY"], new_format=fmt)
        d[f"in_{fmt}"] = boxes[fmt].numpy()
    boxes["INT"] = tv.BoundingBoxes(torch.from_numpy(xyxy).round().long(), format="XYXY", canvas_size=(24, 32))
    cases = {
        "hflip": lambda x: F.horizontal_flip(x), "vflip": lambda x: F.vertical_flip(x),
        "resize": lambda x: F.resize(x, [36, 40]), "resize_short": lambda x: F.resize(x, [16]),
        "crop": lambda x: F.crop(x, 3, 4, 15, 20), "crop_out": lambda x: F.crop(x, -2, -3, 30, 40),
        "ccrop": lambda x: F.center_crop(x, [20, 20]), "ccrop_pad": lambda x: F.center_crop(x, [30, 40]),
        "rcrop": lambda x: F.resized_crop(x, 2, 3, 16, 20, [24, 24]), "pad": lambda x: F.pad(x, [1, 2, 3, 4]),
        "rotate": lambda x: F.rotate(x, 30.0),
    }
    for name, fn in cases.items():
        for fmt, b in boxes.items():
            out = fn(b)
            d[f"f_{name}_{fmt}"] = out.numpy()
            d[f"f_{name}_{fmt}_canvas"] = np.array(out.canvas_size)
        if name != "rotate":
            d[f"f_{name}_mask"] = fn(tmask).numpy()
            if not name.startswith("resize") and name != "rcrop":
                d[f"f_{name}_img"] = fn(timg).numpy()
    transforms = {"rcrop": lambda: v2.RandomCrop(20, padding=2), "rrc": lambda: v2.RandomResizedCrop(16),
                  "flip": lambda: v2.RandomHorizontalFlip(), "rot": lambda: v2.RandomRotation(20),
                  "compose": lambda: v2.Compose([v2.RandomHorizontalFlip(), v2.RandomCrop(24, pad_if_needed=True),
                                                 v2.RandomVerticalFlip()])}
    for name, make in transforms.items():
        for seed in range(3):
            torch.manual_seed(seed)
            out_img, out_boxes, out_mask = make()(timg, boxes["XYXY"], tmask)
            d[f"t_{name}_{seed}_boxes"] = out_boxes.numpy()
            if name != "rot":
                d[f"t_{name}_{seed}_mask"] = out_mask.numpy()
    detection = {"zoom": lambda: v2.RandomZoomOut(fill=7, p=0.7),
                 "ioucrop": lambda: v2.RandomIoUCrop(),
                 "photo": lambda: v2.RandomPhotometricDistort(p=0.6)}
    for name, make in detection.items():
        for seed in range(4):
            torch.manual_seed(seed)
            out_img, out_boxes, out_mask = make()(timg, boxes["XYXY"], tmask)
            d[f"t_{name}_{seed}_boxes"], d[f"t_{name}_{seed}_mask"] = out_boxes.numpy(), out_mask.numpy()
            d[f"t_{name}_{seed}_img"] = out_img.numpy()
    d["clamp"] = F.clamp_bounding_boxes(tv.BoundingBoxes(torch.tensor([[-3., 2, 40, 30], [5, -1, 9, 8]]),
                                                         format="XYXY", canvas_size=(24, 32))).numpy()
    sb = tv.BoundingBoxes(torch.tensor([[0., 0, 10, 10], [5, 5, 5.5, 9], [-1, 2, 4, 4], [20, 20, 31, 23]]),
                          format="XYXY", canvas_size=(24, 32))
    kept, valid = F.sanitize_bounding_boxes(sb)
    d["sanitize_kept"], d["sanitize_valid"] = kept.numpy(), valid.numpy()
    from torchvision.transforms import functional as F1
    for kind, src in (("u8", timg.as_subclass(torch.Tensor)), ("f32", timg.as_subclass(torch.Tensor).float() / 255)):
        for size in ([12, 20], [40, 50], [16]):
            for mode in ("BILINEAR", "BICUBIC", "NEAREST"):
                for aa in (True, False):
                    out = F1.resize(src, size, getattr(F1.InterpolationMode, mode), antialias=aa)
                    d[f"v1resize_{kind}_{'x'.join(map(str, size))}_{mode}_{aa}"] = out.numpy()
        for fn, factor in (("adjust_brightness", 1.1), ("adjust_contrast", 1.3), ("adjust_saturation", 0.7),
                           ("adjust_hue", 0.03), ("adjust_hue", -0.4), ("rgb_to_grayscale", 3)):
            d[f"v1color_{kind}_{fn}_{factor}"] = getattr(F1, fn)(src, factor).numpy()
    return d


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, fn in (("utils", make_utils), ("ops", make_ops), ("layers", make_layers), ("io", make_io),
                     ("v2", make_v2)):
        path = os.path.join(OUT, f"{name}.npz")
        np.savez_compressed(path, **fn())
        print(f"wrote {os.path.relpath(path)}")
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write(f"torch {torch.__version__}\ntorchvision {torchvision.__version__}\n"
                f"Pillow {__import__('PIL').__version__}\nnumpy {np.__version__}\npython {sys.version.split()[0]}\n")


if __name__ == "__main__":
    main()
