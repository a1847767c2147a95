"""ember.vision.utils against torchvision 0.29's outputs (tests/fixtures/vision/utils.npz, made by
scripts/make_vision_fixtures.py): grids and PNGs pixel for pixel, drawings exactly."""
import io
import os

import numpy as np
import pytest

import ember
from ember.vision import utils

Image = pytest.importorskip("PIL.Image")
FIX = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "vision", "utils.npz"))


def T(name):
    return ember.tensor(FIX[name])


@pytest.mark.parametrize("name,kw", [
    ("plain", {}), ("nrow2", dict(nrow=2, padding=1, pad_value=0.5)), ("norm", dict(normalize=True)),
    ("norm_range", dict(normalize=True, value_range=(0.0, 0.8))),
    ("scale_each", dict(normalize=True, scale_each=True, padding=3))])
def test_make_grid_matches_torchvision(name, kw):
    x = T("in_batch")
    before = x._data.copy()
    g = utils.make_grid(x, **kw)
    assert g.dtype == ember.float32
    np.testing.assert_array_equal(g._data, FIX[f"grid_{name}"])
    np.testing.assert_array_equal(x._data, before)   # normalize works on a copy


def test_make_grid_gray_list_and_errors():
    np.testing.assert_array_equal(utils.make_grid(T("in_gray"), nrow=3)._data, FIX["grid_gray"])
    imgs = [T("in_gray")[i] for i in range(3)]
    np.testing.assert_array_equal(utils.make_grid(imgs, nrow=3)._data, FIX["grid_gray"])
    one = utils.make_grid(T("in_batch")[:1])
    assert tuple(one.shape) == (3, 6, 7)
    assert tuple(utils.make_grid(ember.rand(5, 6)).shape) == (3, 5, 6)
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        utils.make_grid(np.zeros((2, 3, 4, 4)))
    with pytest.raises(TypeError, match="list containing"):
        utils.make_grid([ember.rand(3, 4, 4), np.zeros((3, 4, 4))])
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        utils.make_grid(T("in_batch"), normalize=True, value_range=[0, 1])


@pytest.mark.parametrize("name,src,kw", [("batch", "in_batch", dict(nrow=3)),
                                         ("gray", "in_gray", dict(normalize=True))])
def test_save_image_pixel_identical(tmp_path, name, src, kw):
    ref = np.asarray(Image.open(io.BytesIO(FIX[f"png_{name}"].tobytes())))
    path = tmp_path / "out.png"
    utils.save_image(T(src), str(path), **kw)
    np.testing.assert_array_equal(np.asarray(Image.open(path)), ref)
    buf = io.BytesIO()
    utils.save_image(T(src), buf, format="png", **kw)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(buf.getvalue()))), ref)


def test_draw_bounding_boxes_matches_torchvision():
    img, boxes = T("in_img"), T("in_boxes")
    out = utils.draw_bounding_boxes(img, boxes)
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out._data, FIX["boxes_plain"])
    styled = utils.draw_bounding_boxes(img, boxes, labels=["cat", "dog", "x"], colors=["red", (0, 255, 0), "#0000ff"],
                                       fill=True, width=2)
    np.testing.assert_array_equal(styled._data, FIX["boxes_styled"])
    bg = utils.draw_bounding_boxes(img, boxes, labels=["a", "bb", "c"], fill_labels=True, label_colors="white")
    np.testing.assert_array_equal(bg._data, FIX["boxes_labels_bg"])
    f = utils.draw_bounding_boxes(img.float() / 255, boxes, colors="yellow")
    assert f.dtype == ember.float32
    np.testing.assert_array_equal(f._data, FIX["boxes_float"])
    np.testing.assert_array_equal(utils.draw_bounding_boxes(img[:1], boxes)._data, FIX["boxes_gray"])
    np.testing.assert_array_equal(utils.draw_bounding_boxes(img, T("in_rot"), colors="white")._data,
                                  FIX["boxes_rotated"])


def test_draw_bounding_boxes_errors():
    img, boxes = T("in_img"), T("in_boxes")
    with pytest.raises(TypeError):
        utils.draw_bounding_boxes(FIX["in_img"], boxes)
    with pytest.raises(ValueError, match="dtype must be uint8 or float"):
        utils.draw_bounding_boxes(img.int(), boxes)
    with pytest.raises(ValueError, match="individual images"):
        utils.draw_bounding_boxes(img[None], boxes)
    with pytest.raises(ValueError, match="grayscale and RGB"):
        utils.draw_bounding_boxes(img[:2], boxes)
    with pytest.raises(ValueError, match="xmin, ymin, xmax, ymax"):
        utils.draw_bounding_boxes(img, boxes[:, [2, 1, 0, 3]])
    with pytest.raises(ValueError, match=r"Number of boxes \(3\) and labels \(1\)"):
        utils.draw_bounding_boxes(img, boxes, labels=["a"])
    with pytest.raises(ValueError, match="Number of colors"):
        utils.draw_bounding_boxes(img, boxes, colors=["red"])
    with pytest.warns(UserWarning, match="No box was drawn"):
        assert utils.draw_bounding_boxes(img, ember.zeros(0, 4)) is img


def test_draw_segmentation_masks_matches_torchvision():
    img, masks = T("in_img"), T("in_masks")
    np.testing.assert_array_equal(utils.draw_segmentation_masks(img, masks)._data, FIX["masks_uint8"])
    f = utils.draw_segmentation_masks(img.double() / 255, masks, alpha=0.3, colors=["red", "blue", (10, 200, 30)])
    assert f.dtype == ember.float64
    np.testing.assert_array_equal(f._data, FIX["masks_float"])
    np.testing.assert_array_equal(utils.draw_segmentation_masks(img, masks[0], colors="green")._data, FIX["masks_one"])
    with pytest.raises(ValueError, match="dtype bool"):
        utils.draw_segmentation_masks(img, masks.int())
    with pytest.raises(ValueError, match="same height and width"):
        utils.draw_segmentation_masks(img, masks[:, :5])
    with pytest.raises(ValueError, match="RGB image"):
        utils.draw_segmentation_masks(img[:1], masks)


def test_draw_keypoints_matches_torchvision():
    img, k = T("in_img"), T("in_kpts")
    np.testing.assert_array_equal(utils.draw_keypoints(img, k)._data, FIX["kpts_plain"])
    out = utils.draw_keypoints(img, k, connectivity=[(0, 1), (1, 2)], colors="red", radius=3, width=2,
                               visibility=T("in_vis"))
    np.testing.assert_array_equal(out._data, FIX["kpts_conn"])
    f = utils.draw_keypoints(img.float() / 255, k, colors="blue")
    np.testing.assert_array_equal(f._data, FIX["kpts_float"])
    with pytest.raises(ValueError, match="num_instances, K, 2"):
        utils.draw_keypoints(img, k[0])
    with pytest.raises(ValueError, match="same dimensionality"):
        utils.draw_keypoints(img, k, visibility=T("in_vis")[:, :2])


def _close_uint8(a, b):
    """Off by at most one level in a few pixels: torch's vectorised sqrt and atan2 (SLEEF) and
    NumPy's differ in the last float32 bit now and then, and a floor() can step over."""
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))
    assert d.max() <= 1 and (d > 0).mean() < 0.1, (d.max(), (d > 0).mean())


def test_flow_to_image_matches_torchvision():
    flow = T("in_flow")
    out = utils.flow_to_image(flow)
    assert out.dtype == ember.uint8 and tuple(out.shape) == FIX["flow_img"].shape
    _close_uint8(out._data, FIX["flow_img"])
    _close_uint8(utils.flow_to_image(flow[0])._data, FIX["flow_img"][0])
    with pytest.raises(ValueError, match="dtype torch.float"):
        utils.flow_to_image(flow.double())


def test_make_grid_vs_torch_oracle():
    """The torch arithmetic make_grid uses, replayed by hand in torch 2.13."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).normal(size=(4, 3, 5, 5)).astype(np.float32)
    t = torch.from_numpy(x.copy())
    lo, hi = float(t.min()), float(t.max())
    ref = t.clamp(lo, hi).sub(lo).div(max(hi - lo, 1e-5))
    g = utils.make_grid(ember.tensor(x), nrow=4, padding=0, normalize=True)._data
    np.testing.assert_array_equal(g, torch.cat(list(ref), 2).numpy())


def test_vision_top_level():
    import subprocess
    import sys

    import ember.vision as vision
    assert vision.__version__.startswith("0.29.1") and vision.get_image_backend() == "PIL"
    vision.set_image_backend("PIL")
    with pytest.raises(ValueError, match="Invalid backend 'accimage'"):
        vision.set_image_backend("accimage")
    code = ("import sys, ember; "
            "print(sorted(m for m in ('PIL', 'tqdm', 'ember.vision', 'ember.hub') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "PYTHONPATH": os.path.dirname(os.path.dirname(__file__))})
    assert out.stdout.strip() == "[]"   # optional libraries load on first use, never at import ember
