"""ember.vision.io against torchvision 0.29's decoders (tests/fixtures/vision/io.npz, made by
scripts/make_vision_fixtures.py): every file kind in every ImageReadMode."""
import os

import numpy as np
import pytest

import ember
from ember.vision import io as vio
from ember.vision.io import ImageReadMode

Image = pytest.importorskip("PIL.Image")
FIX = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "vision", "io.npz"))
# torchvision 0.29 mishandles palette PNGs without transparency in these modes: UNCHANGED and
# RGB_ALPHA read uninitialised memory (a different result on each call) and GRAY_ALPHA returns the
# gray plane reshaped into two channels. ember gives the palette's colours (alpha 255) there.
TV_BUGS = {"dec_pal_png_UNCHANGED", "dec_pal_png_RGB_ALPHA", "dec_pal_png_GRAY_ALPHA"}
DECODED = sorted(k for k in FIX.files if k.startswith("dec_") and k not in TV_BUGS)


@pytest.mark.parametrize("key", DECODED)
def test_decode_image_matches_torchvision(key):
    _, name, ext, mode = key.split("_", 3)
    data = ember.tensor(FIX[f"file_{name}_{ext}"])
    out = vio.decode_image(data, getattr(ImageReadMode, mode))
    ref = FIX[key]
    if ref.dtype == np.uint16:   # ember has no uint16: 16-bit PNGs come back as int32
        assert out.dtype == ember.int32
    else:
        assert out.dtype == ember.tensor(ref).dtype
    assert tuple(out.shape) == ref.shape
    np.testing.assert_array_equal(out._data, ref)


def test_read_write_and_specific_decoders(tmp_path):
    png = ember.tensor(FIX["file_rgb_png"])
    path = tmp_path / "a.png"
    vio.write_file(str(path), png)
    back = vio.read_file(str(path))
    assert back.dtype == ember.uint8 and np.array_equal(back._data, FIX["file_rgb_png"])
    np.testing.assert_array_equal(vio.read_image(str(path))._data, FIX["dec_rgb_png_UNCHANGED"])
    np.testing.assert_array_equal(vio.read_image(path, "gray")._data, FIX["dec_rgb_png_GRAY"])
    np.testing.assert_array_equal(vio.decode_image(str(path), ImageReadMode.RGBA)._data, FIX["dec_rgb_png_RGB_ALPHA"])
    np.testing.assert_array_equal(vio.decode_png(png)._data, FIX["dec_rgb_png_UNCHANGED"])
    jpg = ember.tensor(FIX["file_rgb_jpg"])
    np.testing.assert_array_equal(vio.decode_jpeg(jpg)._data, FIX["dec_rgb_jpg_UNCHANGED"])
    outs = vio.decode_jpeg([jpg, jpg], mode=ImageReadMode.GRAY)
    assert len(outs) == 2 and np.array_equal(outs[1]._data, FIX["dec_rgb_jpg_GRAY"])
    with pytest.raises(RuntimeError, match="Content is not png"):
        vio.decode_png(jpg)
    with pytest.raises(RuntimeError, match="not jpeg"):
        vio.decode_jpeg(png)
    with pytest.raises(RuntimeError, match="Unsupported image file"):
        vio.decode_image(ember.tensor(np.arange(20, dtype=np.uint8)))
    with pytest.raises(RuntimeError, match="uint8 data type"):
        vio.decode_image(png.int())
    with pytest.raises(ValueError, match="at least one element"):
        vio.decode_jpeg([])
    with pytest.raises(RuntimeError, match="not supported for JPEG"):
        vio.decode_jpeg(jpg, mode="rgb_alpha")
    pal = vio.decode_image(ember.tensor(FIX["file_pal_png"]))
    np.testing.assert_array_equal(pal._data, FIX["dec_pal_png_RGB"])
    rgba = vio.decode_image(ember.tensor(FIX["file_pal_png"]), "RGBA")._data
    np.testing.assert_array_equal(rgba[:3], FIX["dec_pal_png_RGB"])
    assert (rgba[3] == 255).all()
    ga = vio.decode_image(ember.tensor(FIX["file_pal_png"]), "gray_alpha")._data
    np.testing.assert_array_equal(ga[0], FIX["dec_pal_png_GRAY"][0])
    assert (ga[1] == 255).all()


def test_encode_png_jpeg_round_trip(tmp_path):
    img = ember.tensor(FIX["in_enc"])
    enc = vio.encode_png(img)
    assert enc.dtype == ember.uint8 and enc.dim() == 1
    ref = np.asarray(Image.open(__import__("io").BytesIO(FIX["enc_png"].tobytes()))).transpose(2, 0, 1)
    np.testing.assert_array_equal(vio.decode_png(enc)._data, ref)   # lossless: the same pixels
    vio.write_png(img[:1], str(tmp_path / "g.png"), compression_level=9)
    np.testing.assert_array_equal(vio.read_image(str(tmp_path / "g.png"))._data, FIX["in_enc"][:1])
    smooth = vio.decode_jpeg(ember.tensor(FIX["enc_jpeg"]))   # torchvision's JPEG of a smooth image
    mine = vio.decode_jpeg(vio.encode_jpeg(smooth, quality=80))
    assert np.abs(mine._data.astype(int) - smooth._data.astype(int)).mean() < 3
    vio.write_jpeg(smooth, str(tmp_path / "s.jpg"), quality=95)
    assert vio.read_image(str(tmp_path / "s.jpg")).shape == smooth.shape
    assert len(vio.encode_jpeg([smooth, smooth])) == 2
    with pytest.raises(ValueError, match="between 1 and 100"):
        vio.encode_jpeg(smooth, quality=0)
    with pytest.raises(RuntimeError, match="Compression level should be between 0 and 9"):
        vio.encode_png(img, compression_level=10)
    with pytest.raises(RuntimeError, match="number of channels should be 1 or 3"):
        vio.encode_png(ember.zeros(2, 4, 4, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="3-dimensional"):
        vio.encode_png(ember.zeros(4, 4, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="dtype should be uint8"):
        vio.encode_png(ember.zeros(3, 4, 4))


def test_exif_orientation(tmp_path):
    a = np.zeros((4, 6, 3), dtype=np.uint8)
    a[0, 0] = 255
    img = Image.fromarray(a)
    exif = img.getexif()
    exif[0x0112] = 6   # rotate 90 degrees clockwise to display
    img.save(tmp_path / "r.png", exif=exif)
    plain = vio.read_image(str(tmp_path / "r.png"))
    turned = vio.read_image(str(tmp_path / "r.png"), apply_exif_orientation=True)
    assert tuple(plain.shape) == (3, 4, 6) and tuple(turned.shape) == (3, 6, 4)
    assert turned._data[0, 0, -1] == 255
