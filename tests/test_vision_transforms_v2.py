"""transforms.v2 and tv_tensors: boxes and masks against torchvision 0.29's outputs
(tests/fixtures/vision/v2.npz, made by scripts/make_vision_fixtures.py); images against ember's
v1 transforms (v2 gives v1's results on images, with the same random draws)."""
import copy
import os

import numpy as np
import pytest

import ember
import ember.vision.transforms as T1
from ember.vision import tv_tensors as tv
from ember.vision.transforms import v2
from ember.vision.transforms.v2 import functional as F

FIX = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "vision", "v2.npz"))


def sample():
    img = tv.Image(ember.tensor(FIX["in_img"]))
    masks = tv.Mask(ember.tensor(FIX["in_masks"]))
    boxes = {"XYXY": tv.BoundingBoxes(ember.tensor(FIX["in_xyxy"]), format="XYXY", canvas_size=(24, 32)),
             "XYWH": tv.BoundingBoxes(ember.tensor(FIX["in_XYWH"]), format="XYWH", canvas_size=(24, 32)),
             "CXCYWH": tv.BoundingBoxes(ember.tensor(FIX["in_CXCYWH"]), format="CXCYWH", canvas_size=(24, 32)),
             "INT": tv.BoundingBoxes(ember.tensor(np.round(FIX["in_xyxy"]).astype(np.int64)), format="XYXY",
                                     canvas_size=(24, 32))}
    return img, masks, boxes


CASES = {
    "hflip": lambda x: F.horizontal_flip(x), "vflip": lambda x: F.vertical_flip(x),
    "resize": lambda x: F.resize(x, [36, 40]), "resize_short": lambda x: F.resize(x, [16]),
    "crop": lambda x: F.crop(x, 3, 4, 15, 20), "crop_out": lambda x: F.crop(x, -2, -3, 30, 40),
    "ccrop": lambda x: F.center_crop(x, [20, 20]), "ccrop_pad": lambda x: F.center_crop(x, [30, 40]),
    "rcrop": lambda x: F.resized_crop(x, 2, 3, 16, 20, [24, 24]), "pad": lambda x: F.pad(x, [1, 2, 3, 4]),
    "rotate": lambda x: F.rotate(x, 30.0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_functionals_move_boxes_masks_like_torchvision(name):
    img, masks, boxes = sample()
    fn = CASES[name]
    for fmt, b in boxes.items():
        out = fn(b)
        assert isinstance(out, tv.BoundingBoxes) and out.format == b.format and out.dtype == b.dtype
        assert out.canvas_size == tuple(FIX[f"f_{name}_{fmt}_canvas"])
        np.testing.assert_allclose(out._data, FIX[f"f_{name}_{fmt}"], rtol=1e-5, atol=1e-4, err_msg=fmt)
    if name == "rotate":
        return
    m = fn(masks)
    assert isinstance(m, tv.Mask) and m.dtype == ember.bool
    np.testing.assert_array_equal(m._data, FIX[f"f_{name}_mask"])
    i = fn(img)
    assert isinstance(i, tv.Image)
    if f"f_{name}_img" in FIX.files:   # pure data movement: the same pixels as torchvision
        np.testing.assert_array_equal(i._data, FIX[f"f_{name}_img"])


@pytest.mark.parametrize("name,make", [
    ("rcrop", lambda: v2.RandomCrop(20, padding=2)), ("rrc", lambda: v2.RandomResizedCrop(16)),
    ("flip", lambda: v2.RandomHorizontalFlip()), ("rot", lambda: v2.RandomRotation(20)),
    ("compose", lambda: v2.Compose([v2.RandomHorizontalFlip(), v2.RandomCrop(24, pad_if_needed=True),
                                    v2.RandomVerticalFlip()]))])
def test_random_transforms_draw_like_torchvision(name, make):
    img, masks, boxes = sample()
    for seed in range(3):
        ember.manual_seed(seed)
        out_img, out_boxes, out_mask = make()(img, boxes["XYXY"], masks)
        assert isinstance(out_img, tv.Image) and isinstance(out_boxes, tv.BoundingBoxes)
        np.testing.assert_allclose(out_boxes._data, FIX[f"t_{name}_{seed}_boxes"], rtol=1e-5, atol=1e-4)
        if name != "rot":
            np.testing.assert_array_equal(out_mask._data, FIX[f"t_{name}_{seed}_mask"])


@pytest.mark.parametrize("v1,v2t", [
    (lambda: T1.RandomCrop(20, padding=2), lambda: v2.RandomCrop(20, padding=2)),
    (lambda: T1.RandomResizedCrop(16), lambda: v2.RandomResizedCrop(16)),
    (lambda: T1.RandomHorizontalFlip(), lambda: v2.RandomHorizontalFlip()),
    (lambda: T1.RandomRotation(20), lambda: v2.RandomRotation(20)),
    (lambda: T1.ColorJitter(0.4, 0.4, 0.4, 0.1), lambda: v2.ColorJitter(0.4, 0.4, 0.4, 0.1)),
    (lambda: T1.GaussianBlur(5, (0.1, 2.0)), lambda: v2.GaussianBlur(5, (0.1, 2.0))),
    (lambda: T1.Resize(16), lambda: v2.Resize(16)), (lambda: T1.CenterCrop(10), lambda: v2.CenterCrop(10)),
    (lambda: T1.Pad([1, 2]), lambda: v2.Pad([1, 2])), (lambda: T1.Grayscale(3), lambda: v2.Grayscale(3)),
    (lambda: T1.RandomGrayscale(0.5), lambda: v2.RandomGrayscale(0.5)),
])
def test_images_get_v1_results(v1, v2t):
    img = ember.tensor(FIX["in_img"])
    for seed in range(4):
        ember.manual_seed(seed)
        a = v1()(img)
        ember.manual_seed(seed)
        b = v2t()(tv.Image(img))
        assert isinstance(b, tv.Image)
        np.testing.assert_array_equal(b._data, a._data)
        ember.manual_seed(seed)
        c = v2t()(img)   # a pure tensor is the image when nothing else is
        assert type(c) is ember.Tensor and np.array_equal(c._data, a._data)
    pil = T1.ToPILImage()(img)
    ember.manual_seed(0)
    a = v1()(pil)
    ember.manual_seed(0)
    b = v2t()(pil)
    assert np.array_equal(np.asarray(a), np.asarray(b))


def test_structures_conversions_and_passthrough():
    img, masks, boxes = sample()
    labels = ember.tensor([1, 2, 3, 4])
    t = v2.Compose([v2.ToImage(), v2.RandomHorizontalFlip(p=1.0), v2.ToDtype(ember.float32, scale=True),
                    v2.Normalize([0.5] * 3, [0.25] * 3)])
    out_img, target = t(img.as_subclass(ember.Tensor), {"boxes": boxes["XYXY"], "masks": masks, "labels": labels,
                                                        "name": "x"})
    assert isinstance(out_img, tv.Image) and out_img.dtype == ember.float32
    assert target["labels"] is labels and target["name"] == "x"
    np.testing.assert_allclose(target["boxes"]._data, FIX["f_hflip_XYXY"])
    assert target["masks"].dtype == ember.bool
    ref = (FIX["in_img"][:, :, ::-1].astype(np.float32) * np.float32(1 / 255) - 0.5) / 0.25
    np.testing.assert_allclose(out_img._data, ref, rtol=1e-6, atol=1e-6)
    pure = v2.ToPureTensor()(out_img)
    assert type(pure) is ember.Tensor
    d = v2.ToDtype({tv.Image: ember.float64, tv.Mask: ember.int64, "others": None})(img, masks, labels)
    assert d[0].dtype == ember.float64 and d[1].dtype == ember.int64 and d[2] is labels
    pil = T1.ToPILImage()(img.as_subclass(ember.Tensor))
    back = v2.PILToTensor()(pil)
    assert np.array_equal(back._data, FIX["in_img"])
    assert isinstance(v2.ToImage()(pil), tv.Image)
    np.testing.assert_array_equal(F.to_dtype(tv.Image(ember.tensor([[[0.0, 1.0]]])), ember.uint8, scale=True)._data,
                                  [[[0, 255]]])


def test_tv_tensors_behave_like_torchvisions():
    b = tv.BoundingBoxes([[1, 2, 8, 9]], format="XYXY", canvas_size=(10, 12))
    assert repr(b) == ("BoundingBoxes([[1, 2, 8, 9]], format=BoundingBoxFormat.XYXY, canvas_size=(10, 12), "
                       "clamping_mode=soft)")
    assert str(b) == repr(b)
    assert type(b + 1) is ember.Tensor and type(b[0]) is ember.Tensor
    assert isinstance(b.clone(), tv.BoundingBoxes) and b.to(ember.float64).format == tv.BoundingBoxFormat.XYXY
    assert copy.deepcopy(b).canvas_size == (10, 12)
    assert repr(tv.Image(ember.zeros(1, 2, 2, dtype=ember.uint8))) == (
        "Image([[[0, 0],\n        [0, 0]]], dtype=torch.uint8, )")
    assert repr(tv.Mask(ember.zeros(2, 2, dtype=ember.bool))) == "Mask([[False, False],\n      [False, False]])"
    assert tv.Image(ember.zeros(4, 5)).shape == (1, 4, 5)
    with pytest.raises(ValueError, match="2D or higher"):
        tv.Image(ember.zeros(3))
    with pytest.raises(ValueError, match="Rotated bounding boxes should be floating point"):
        tv.BoundingBoxes([[1, 2, 3, 4, 5]], format="XYWHR", canvas_size=(4, 4))
    with pytest.raises(ValueError, match="clamping_mode must be None, hard or soft"):
        tv.BoundingBoxes([[1, 2, 3, 4]], format="XYXY", canvas_size=(4, 4), clamping_mode="x")
    w = tv.wrap(b + 1, like=b, canvas_size=(20, 20))
    assert isinstance(w, tv.BoundingBoxes) and w.canvas_size == (20, 20)


def test_box_housekeeping():
    c = F.clamp_bounding_boxes(tv.BoundingBoxes(ember.tensor([[-3., 2, 40, 30], [5, -1, 9, 8]]), format="XYXY",
                                                canvas_size=(24, 32)))
    np.testing.assert_array_equal(c._data, FIX["clamp"])
    sb = tv.BoundingBoxes(ember.tensor([[0., 0, 10, 10], [5, 5, 5.5, 9], [-1, 2, 4, 4], [20, 20, 31, 23]]),
                          format="XYXY", canvas_size=(24, 32))
    kept, valid = F.sanitize_bounding_boxes(sb)
    np.testing.assert_array_equal(kept._data, FIX["sanitize_kept"])
    np.testing.assert_array_equal(valid._data, FIX["sanitize_valid"])
    labels = ember.tensor([1, 2, 3, 4])
    out = v2.SanitizeBoundingBoxes()({"boxes": sb, "labels": labels})
    assert out["labels"].tolist() == [l for l, v in zip([1, 2, 3, 4], FIX["sanitize_valid"]) if v]
    with pytest.raises(ValueError, match="format and canvas_size cannot be None"):
        F.sanitize_bounding_boxes(ember.zeros(2, 4))
    with pytest.raises(ValueError, match="min_size must be >= 1"):
        v2.SanitizeBoundingBoxes(min_size=0.5)
    conv = F.convert_bounding_box_format(sb, new_format="CXCYWH")
    assert conv.format == tv.BoundingBoxFormat.CXCYWH
    np.testing.assert_allclose(F.convert_bounding_box_format(conv, new_format="XYXY")._data, sb._data)
    with pytest.raises(ValueError, match="not supported with bounding boxes"):
        F.pad(sb, 2, padding_mode="reflect")
    with pytest.raises(ValueError, match="multiple HxW"):
        v2.RandomCrop(5)(tv.Image(ember.zeros(3, 8, 8)), tv.Mask(ember.zeros(9, 9)))
    assert "RandomCrop(size=(20, 20)" in repr(v2.RandomCrop(20))


@pytest.mark.parametrize("kind", ["u8", "f32"])
def test_tensor_resize_matches_torchvision(kind):
    """v1 (and so v2) tensor resize: torchvision's interpolate path, antialiased by default."""
    src = ember.tensor(FIX["in_img"])
    if kind == "f32":
        src = src.float() / 255
    for key in (k for k in FIX.files if k.startswith(f"v1resize_{kind}_")):
        _, _, size, mode, aa = key.split("_")
        size = [int(s) for s in size.split("x")]
        out = T1.functional.resize(src, size, getattr(T1.InterpolationMode, mode), antialias=aa == "True")
        ref = FIX[key]
        assert out.dtype == src.dtype and tuple(out.shape) == ref.shape, key
        if kind == "u8":   # float32 interpolation then round: rare .5 ties may differ by one
            d = np.abs(out._data.astype(int) - ref.astype(int))
            assert d.max() <= 1 and (d > 0).mean() < 0.01, key
        else:
            np.testing.assert_allclose(out._data, ref, rtol=1e-5, atol=2e-6, err_msg=key)
        v2out = v2.Resize(size, getattr(T1.InterpolationMode, mode), antialias=aa == "True")(tv.Image(src))
        np.testing.assert_array_equal(v2out._data, out._data)


def test_v1_transform_and_dataset_reprs_are_torchvisions():
    pairs = [
        (T1.ToPILImage(), "ToPILImage()"), (T1.Normalize((0.5,), (0.5,)), "Normalize(mean=(0.5,), std=(0.5,))"),
        (T1.Resize(16), "Resize(size=16, interpolation=bilinear, max_size=None, antialias=True)"),
        (T1.RandomCrop(10, padding=2), "RandomCrop(size=(10, 10), padding=2)"),
        (T1.RandomResizedCrop(16), "RandomResizedCrop(size=(16, 16), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
                                   "interpolation=bilinear, antialias=True)"),
        (T1.RandomRotation(15), "RandomRotation(degrees=[-15.0, 15.0], interpolation=nearest, expand=False, fill=0)"),
        (T1.Pad(2), "Pad(padding=2, fill=0, padding_mode=constant)"),
        (T1.RandomApply([T1.Grayscale()], p=0.3), "RandomApply(\n    p=0.3\n    Grayscale(num_output_channels=1)\n)"),
        (T1.RandomChoice([T1.Grayscale()]), "RandomChoice(\n    Grayscale(num_output_channels=1)\n)(p=None)"),
    ]
    for t, text in pairs:   # torchvision 0.29's reprs
        assert repr(t) == text
    from ember.vision import datasets
    ds = datasets.FakeData(size=3, transform=T1.Compose([T1.ToTensor(), T1.Normalize((0.5,), (0.5,))]),
                           target_transform=T1.ToTensor())
    assert repr(ds) == ("Dataset FakeData\n    Number of datapoints: 3\n    StandardTransform\nTransform: Compose(\n"
                        "               ToTensor()\n               Normalize(mean=(0.5,), std=(0.5,))\n           )\n"
                        "Target transform: ToTensor()")


def test_v2_reprs_are_torchvisions():
    pairs = [
        (v2.RandomResizedCrop(16), "RandomResizedCrop(size=(16, 16), scale=(0.08, 1.0), "
                                   "ratio=(0.75, 1.3333333333333333), interpolation=bilinear, antialias=True)"),
        (v2.GaussianBlur(5), "GaussianBlur(kernel_size=(5, 5), sigma=[0.1, 2.0])"),
        (v2.RandomApply([v2.Grayscale()], p=0.3), "RandomApply(    Grayscale(num_output_channels=1))"),
        (v2.Compose([v2.ToImage(), v2.Normalize((0.5,), (0.5,))]),
         "Compose(\n      ToImage()\n      Normalize(mean=[0.5], std=[0.5], inplace=False)\n)"),
        (v2.ToDtype(ember.float32, scale=True), "ToDtype(scale=True)"),
        (v2.RandomCrop(10, padding=2), "RandomCrop(size=(10, 10), padding=[2, 2, 2, 2], pad_if_needed=False, fill=0, "
                                       "padding_mode=constant)"),
    ]
    for t, text in pairs:   # torchvision 0.29's reprs
        assert repr(t) == text


@pytest.mark.parametrize("name,make", [("zoom", lambda: v2.RandomZoomOut(fill=7, p=0.7)),
                                       ("ioucrop", lambda: v2.RandomIoUCrop()),
                                       ("photo", lambda: v2.RandomPhotometricDistort(p=0.6))])
def test_detection_recipe_transforms(name, make):
    img, masks, boxes = sample()
    for seed in range(4):
        ember.manual_seed(seed)
        out_img, out_boxes, out_mask = make()(img, boxes["XYXY"], masks)
        np.testing.assert_allclose(out_boxes._data, FIX[f"t_{name}_{seed}_boxes"], rtol=1e-5, atol=1e-4)
        np.testing.assert_array_equal(out_mask._data, FIX[f"t_{name}_{seed}_mask"])
        ref = FIX[f"t_{name}_{seed}_img"]
        assert out_img.shape == ref.shape
        d = np.abs(out_img._data.astype(int) - ref.astype(int))
        assert d.max() <= 1 and (d > 0).mean() < 0.02, (seed, d.max(), (d > 0).mean())
    with pytest.raises(TypeError, match="requires input sample to contain"):
        v2.RandomIoUCrop()(img)


@pytest.mark.parametrize("kind", ["u8", "f32"])
def test_tensor_colour_functionals_match_torchvision(kind):
    """torchvision's tensor kernels: float32 arithmetic, integer images truncated back."""
    src = ember.tensor(FIX["in_img"])
    if kind == "f32":
        src = src.float() / 255
    keys = [k for k in FIX.files if k.startswith(f"v1color_{kind}_")]
    assert len(keys) == 6
    for key in keys:
        fn, factor = key[len(f"v1color_{kind}_"):].rsplit("_", 1)
        factor = int(factor) if fn == "rgb_to_grayscale" else float(factor)
        out = getattr(T1.functional, fn)(src, factor)
        assert out.dtype == src.dtype, key
        if kind == "u8":
            np.testing.assert_array_equal(out._data, FIX[key], err_msg=key)
        else:
            np.testing.assert_allclose(out._data, FIX[key], rtol=1e-5, atol=2e-6, err_msg=key)
        assert np.array_equal(getattr(F, fn)(tv.Image(src), factor)._data, out._data)   # v2 gives v1's result
