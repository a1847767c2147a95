"""ember.utils.tensorboard: events read back with TensorBoard's EventAccumulator, and
compared value by value with what torch.utils.tensorboard writes for the same calls."""
import glob
import io
import os
import re

import numpy as np
import pytest

pytest.importorskip("tensorboard")
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

import ember  # noqa: E402
from ember.utils.tensorboard import SummaryWriter  # noqa: E402

rng = np.random.default_rng(0)
VALUES = rng.standard_normal(1000).astype(np.float32)
IMG_CHW = rng.random((3, 12, 20)).astype(np.float32)
IMG_HWC = (rng.random((9, 7, 3)) * 255).astype(np.uint8)
BATCH = rng.random((10, 3, 6, 5)).astype(np.float32)
GREY = rng.random((1, 6, 5)).astype(np.float32)


def _load(path, **size):
    ea = EventAccumulator(str(path), size_guidance={"images": 0, "histograms": 0, "tensors": 0,
                                                    "scalars": 0, **size})
    ea.Reload()
    return ea


def _write_all(lib, Writer, d):
    """The same calls through either library."""
    t = lib.tensor
    with Writer(d) as w:
        for step in range(5):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_scalar("acc", t(0.25 * step), step)
        w.add_scalars("run", {"a": 1.0, "b": 2.0}, 7)
        w.add_histogram("weights", t(VALUES), 3)
        w.add_histogram("weights_auto", t(VALUES), 4, bins="auto")
        w.add_histogram("weights_max", t(VALUES), 4, bins=50, max_bins=7)
        w.add_image("chw", t(IMG_CHW), 1)
        w.add_image("hwc", IMG_HWC, 1, dataformats="HWC")
        w.add_image("grey", t(GREY), 1)
        w.add_image("hw", t(IMG_CHW[0]), 1, dataformats="HW")
        w.add_images("batch", t(BATCH), 2)
        w.add_text("note", "hello **tensorboard**", 5)


def _summaries(d):
    ea = _load(d)
    out = {}
    for tag in ea.Tags()["scalars"]:
        out["s:" + tag] = [(e.step, e.value) for e in ea.Scalars(tag)]
    for tag in ea.Tags()["histograms"]:
        out["h:" + tag] = [(e.step, e.histogram_value) for e in ea.Histograms(tag)]
    for tag in ea.Tags()["images"]:
        out["i:" + tag] = [(e.step, e.width, e.height, _pixels(e.encoded_image_string))
                           for e in ea.Images(tag)]
    for tag in ea.Tags()["tensors"]:
        out["t:" + tag] = [(e.step, e.tensor_proto.string_val) for e in ea.Tensors(tag)]
    return out


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)))


def test_tags_steps_values(tmp_path):
    _write_all(ember, SummaryWriter, tmp_path)
    ea = _load(tmp_path)
    tags = ea.Tags()
    assert sorted(tags["scalars"]) == ["acc", "loss"]
    assert sorted(tags["images"]) == ["batch", "chw", "grey", "hw", "hwc"]
    assert "note/text_summary" in tags["tensors"]
    loss = ea.Scalars("loss")
    assert [e.step for e in loss] == list(range(5))
    np.testing.assert_allclose([e.value for e in loss], [1 / (s + 1) for s in range(5)], rtol=1e-6)
    h = ea.Histograms("weights")[0]
    assert h.step == 3 and h.histogram_value.num == 1000
    assert sum(h.histogram_value.bucket) == 1000
    np.testing.assert_allclose(h.histogram_value.min, VALUES.min())
    np.testing.assert_allclose(h.histogram_value.sum, VALUES.astype(float).sum())
    assert len(ea.Histograms("weights_max")[0].histogram_value.bucket) <= 9  # 50 -> 8 buckets, + an empty one
    img = ea.Images("chw")[0]
    assert (img.width, img.height) == (20, 12)
    assert _pixels(img.encoded_image_string).shape == (12, 20, 3)
    assert (ea.Images("hwc")[0].width, ea.Images("hwc")[0].height) == (7, 9)
    batch = ea.Images("batch")[0]  # 10 images on a grid of 8 columns, 2 rows
    assert (batch.width, batch.height) == (8 * 5, 2 * 6)
    np.testing.assert_array_equal(_pixels(ea.Images("hwc")[0].encoded_image_string), IMG_HWC)
    txt = ea.Tensors("note/text_summary")[0]
    assert txt.step == 5 and txt.tensor_proto.string_val == [b"hello **tensorboard**"]
    runs = sorted(os.listdir(tmp_path))
    assert "run_a" in runs and "run_b" in runs
    a = _load(tmp_path / "run_a").Scalars("run")
    assert [(e.step, e.value) for e in a] == [(7, 1.0)]


def test_same_summaries_as_torch(tmp_path):
    _write_all(ember, SummaryWriter, tmp_path / "ember")
    _write_all(torch, TorchWriter, tmp_path / "torch")
    ours, theirs = _summaries(tmp_path / "ember"), _summaries(tmp_path / "torch")
    assert ours.keys() == theirs.keys()
    for k in theirs:
        assert len(ours[k]) == len(theirs[k]), k
        for a, b in zip(ours[k], theirs[k]):
            for x, y in zip(a, b):
                if isinstance(y, np.ndarray):
                    np.testing.assert_array_equal(x, y, err_msg=k)
                else:
                    assert x == y, k
    for run in ("run_a", "run_b"):
        assert _summaries(tmp_path / "ember" / run) == _summaries(tmp_path / "torch" / run)


def test_hparams_like_torch(tmp_path):
    hp, metrics = {"lr": 0.1, "opt": "adam", "bn": True, "depth": 3}, {"hparam/acc": 0.75}
    with SummaryWriter(tmp_path / "ember") as w:
        w.add_hparams(hp, metrics, {"opt": ["adam", "sgd"]}, run_name="r1", global_step=2)
    with TorchWriter(tmp_path / "torch") as w:
        w.add_hparams(hp, metrics, {"opt": ["adam", "sgd"]}, run_name="r1", global_step=2)

    def read(d):
        ea = _load(d / "r1")
        content = ea.PluginTagToContent("hparams")
        parsed = {k: plugin_data_pb2.HParamsPluginData.FromString(v) for k, v in content.items()}
        return parsed, [(e.step, e.value) for e in ea.Scalars("hparam/acc")]

    ours, theirs = read(tmp_path / "ember"), read(tmp_path / "torch")
    assert ours == theirs
    ssi = ours[0]["_hparams_/session_start_info"].session_start_info
    assert ssi.hparams["lr"].number_value == 0.1 and ssi.hparams["opt"].string_value == "adam"
    assert ours[1] == [(2, 0.75)]
    with pytest.raises(TypeError):
        SummaryWriter(tmp_path / "x").add_hparams([1], {})


def _net(nn):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3)
            self.fc = nn.Linear(4 * 6 * 6, 10)
            self.act = nn.ReLU()

        def forward(self, x):
            return self.fc(self.act(self.conv(x)).flatten(1))

    return Net()


def _graph(d):
    g = _load(d).Graph()
    shape = {n.name: [[x.size for x in s.dim] for s in n.attr["_output_shapes"].list.shape]
             for n in g.node}
    return g, shape


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.trace inside torch's add_graph
def test_add_graph_module_structure(tmp_path):
    ember.manual_seed(0)
    with SummaryWriter(tmp_path / "ember") as w:
        w.add_graph(_net(ember.nn), ember.randn(2, 1, 8, 8))
    with TorchWriter(tmp_path / "torch") as w:
        w.add_graph(_net(torch.nn), torch.randn(2, 1, 8, 8))
    (ours, oshape), (theirs, tshape) = _graph(tmp_path / "ember"), _graph(tmp_path / "torch")
    # torch writes one node per aten op, ember one per leaf module: compare the scopes
    scope = lambda n: n.name.rsplit("/", 1)[0]  # noqa: E731
    params = lambda g: sorted(re.sub(r"\.\d+$", "", n.name) for n in g.node if n.op == "prim::GetAttr")  # noqa: E731
    assert params(ours) == params(theirs)
    leaf_scopes = {"Net/Conv2d[conv]", "Net/ReLU[act]", "Net/Linear[fc]"}
    assert leaf_scopes <= {scope(n) for n in theirs.node}
    assert {scope(n) for n in ours.node
            if n.op not in ("IO Node", "prim::GetAttr")} == leaf_scopes
    assert oshape["input/x"] == tshape["input/x"] == [[2, 1, 8, 8]]  # named after forward(x)
    assert oshape["output/output.1"] == tshape["output/output.1"] == [[2, 10]]
    by_name = {n.name: n for n in ours.node}
    fc = by_name[by_name["output/output.1"].input[0]]
    assert scope(fc) == "Net/Linear[fc]" and "Net/Linear[fc]/weight/weight" in fc.input
    relu = by_name[fc.input[0]]  # through the flatten (found via the autograd graph)
    assert scope(relu) == "Net/ReLU[act]" and oshape[relu.name] == [[2, 4, 6, 6]]
    assert by_name[relu.input[0]].input[0] == "input/x"
    assert _load(tmp_path / "ember").Tags()["run_metadata"] == ["step1"]


def test_writer_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1", filename_suffix=".ember") as w:
        w.add_scalar("x", 1.0, 0)
        w.flush()
        logdir = w.get_logdir()
    assert re.fullmatch(r"runs/[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_.+_lr0\.1", logdir)
    files = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    assert len(files) == 1 and files[0].endswith(".ember")
    w.close()  # a second close is a no-op
    # purge_step: a restarted run hides the crashed run's steps >= purge_step
    d = tmp_path / "purge"
    with SummaryWriter(d) as w:
        for s in range(10):
            w.add_scalar("loss", float(s), s)
    with SummaryWriter(d, purge_step=5) as w:
        for s in range(5, 8):
            w.add_scalar("loss", 100.0 + s, s)
    steps = [(e.step, e.value) for e in _load(d).Scalars("loss")]
    assert steps == [(s, float(s)) for s in range(5)] + [(s, 100.0 + s) for s in range(5, 8)]


def test_embedding_files_like_torch(tmp_path):
    mat = rng.standard_normal((6, 3)).astype(np.float32)
    imgs = rng.random((6, 3, 4, 4)).astype(np.float32)
    meta = [f"p{i}" for i in range(6)]
    for lib, W, sub in ((ember, SummaryWriter, "ember"), (torch, TorchWriter, "torch")):
        with W(tmp_path / sub) as w:
            w.add_embedding(lib.tensor(mat), metadata=meta, label_img=lib.tensor(imgs), tag="emb/x")
            w.add_embedding(lib.tensor(mat[:, :2]), global_step=3)
    for rel in ("projector_config.pbtxt", "00000/emb%2fx/tensors.tsv", "00000/emb%2fx/metadata.tsv",
                "00003/default/tensors.tsv"):
        assert (tmp_path / "ember" / rel).read_text() == (tmp_path / "torch" / rel).read_text(), rel
    sprite = lambda s: np.asarray(Image.open(tmp_path / s / "00000/emb%2fx/sprite.png"))  # noqa: E731
    np.testing.assert_array_equal(sprite("ember"), sprite("torch"))


def test_bad_inputs():
    from ember.utils.tensorboard import summary

    with pytest.raises(AssertionError):
        summary.scalar("x", ember.ones(3))
    with pytest.raises(AssertionError):
        summary.image("x", np.zeros((3, 4, 4)), dataformats="HW")
    with pytest.raises(ValueError):
        summary.histogram("x", np.array([]), bins=10)
