"""ember.onnx.export of common layers: ONNX Runtime's output matches eager ember (atol 1e-5)."""
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from oracle import _flat_tensors  # noqa: E402

import ember  # noqa: E402
import ember.onnx  # noqa: E402
from ember import nn  # noqa: E402


def _check(model, args, tmp_path, names=None, dynamic_axes=None, others=(), tol=1e-5):
    """Export ``model`` on ``args``; run it in ONNX Runtime on ``args`` and ``others``."""
    model.eval()
    args = args if isinstance(args, tuple) else (args,)
    names = names or [f"in{i}" for i in range(len(args))]
    path = str(tmp_path / "m.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proto = ember.onnx.export(model, args, path, input_names=names, dynamic_axes=dynamic_axes)
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for a in (args,) + tuple(others):
        a = a if isinstance(a, tuple) else (a,)
        feed = _flat_tensors(a)
        got = s.run(None, {n: t.numpy() for n, t in zip(names, feed)})
        with ember.no_grad():
            want = model(*a)
        flat = _flat_tensors(want)
        assert len(got) == len(flat)
        for g, w in zip(got, flat):
            np.testing.assert_allclose(g, w.numpy(), rtol=tol, atol=tol)
    return [n.op_type for n in proto.graph.node]


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_recurrent(cls, tmp_path):
    ember.manual_seed(0)
    m = cls(4, 5, num_layers=2, bidirectional=True)
    _check(m, ember.randn(3, 2, 4), tmp_path, names=["x"], dynamic_axes={"x": {1: "batch"}},
           others=[ember.randn(3, 5, 4)])   # the zero initial state follows the batch


def test_cell_stepped_over_a_dynamic_sequence_is_refused(tmp_path):
    class Stepped(nn.Module):   # a Python loop over the sequence: the graph grows with it
        def __init__(self):
            super().__init__()
            self.cell = nn.GRUCell(3, 4)

        def forward(self, x):
            h = ember.zeros(x.shape[1], 4)
            for t in range(x.shape[0]):
                h = self.cell(x[t], h)
            return h

    with pytest.raises(ember.onnx.UnsupportedOperatorError, match="stepped over the sequence"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ember.onnx.export(Stepped(), ember.randn(5, 2, 3), str(tmp_path / "g.onnx"),
                          input_names=["x"], dynamic_axes={"x": {0: "seq"}})


def test_recurrent_batch_first_with_state(tmp_path):
    ember.manual_seed(0)
    m = nn.LSTM(3, 4, batch_first=True)
    x, h, c = ember.randn(2, 5, 3), ember.randn(1, 2, 4), ember.randn(1, 2, 4)
    _check(m, (x, (h, c)), tmp_path, names=["x", "h", "c"])
    g = nn.GRU(3, 4, batch_first=True, bias=False)
    _check(g, (x, h), tmp_path, names=["x", "h"])


def test_word_language_model_shape(tmp_path):
    """pytorch/examples word_language_model's RNNModel (embedding, LSTM, decoder)."""
    class RNNModel(nn.Module):
        def __init__(self, ntoken=20, ninp=6, nhid=8):
            super().__init__()
            self.encoder, self.rnn = nn.Embedding(ntoken, ninp), nn.LSTM(ninp, nhid, 2)
            self.decoder = nn.Linear(nhid, ntoken)

        def forward(self, x, hidden):
            out, hidden = self.rnn(self.encoder(x), hidden)
            return nn.functional.log_softmax(self.decoder(out), dim=-1), hidden

    ember.manual_seed(0)
    m = RNNModel()
    x = ember.randint(0, 20, (7, 3))
    hid = (ember.zeros(2, 3, 8), ember.zeros(2, 3, 8))
    dyn = {"x": {1: "batch"}, "h": {1: "batch"}, "c": {1: "batch"}}
    other = (ember.randint(0, 20, (7, 5)), (ember.randn(2, 5, 8), ember.randn(2, 5, 8)))
    _check(m, (x, hid), tmp_path, names=["x", "h", "c"], dynamic_axes=dyn, others=[other], tol=1e-4)


@pytest.mark.parametrize("mod", [nn.ReflectionPad2d((1, 2, 2, 0)), nn.ReplicationPad2d(2),
                                 nn.ReflectionPad1d(2), nn.ReplicationPad3d(1), nn.CircularPad2d(1),
                                 nn.ZeroPad2d((1, -1, 2, 0)), nn.ConstantPad1d(2, 3.5)])
def test_pads(mod, tmp_path):
    x = ember.randn(2, 3, 4, 5, 6) if "3d" in type(mod).__name__ else (
        ember.randn(2, 3, 5) if "1d" in type(mod).__name__ else ember.randn(2, 3, 4, 5))
    y = ember.randn(5, *x.shape[1:])
    ops = _check(mod, x, tmp_path, names=["x"], dynamic_axes={"x": {0: "b"}}, others=[y])
    assert "Pad" in ops
    if "Reflection" in type(mod).__name__ or "Replication" in type(mod).__name__:   # spatial sizes too
        z = ember.randn(3, *[s + 2 for s in x.shape[1:]])
        dyn = {"x": {i: f"d{i}" for i in range(len(x.shape))}}
        _check(mod, x, tmp_path, names=["x"], dynamic_axes=dyn, others=[z])


def test_circular_pad_before_opset_19_gathers(tmp_path):
    m = nn.CircularPad2d((1, 2, 0, 1))
    x = ember.randn(1, 2, 3, 4)
    proto = ember.onnx.export(m, x, str(tmp_path / "c.onnx"), opset_version=18)
    assert "Gather" in [n.op_type for n in proto.graph.node]
    s = ort.InferenceSession(str(tmp_path / "c.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(s.run(None, {"input": x.numpy()})[0], m(x).numpy(), atol=1e-6)


@pytest.mark.parametrize("kw", [dict(mode="mean"), dict(mode="sum"), dict(mode="max"),
                                dict(mode="mean", padding_idx=0), dict(mode="sum", padding_idx=2)])
def test_embedding_bag_2d(kw, tmp_path):
    ember.manual_seed(0)
    m = nn.EmbeddingBag(10, 4, **kw)
    x = ember.tensor([[0, 2, 3], [1, 0, 0], [4, 5, 9]])
    ops = _check(m, x, tmp_path, names=["x"], dynamic_axes={"x": {0: "batch"}},
                 others=[ember.randint(0, 10, (6, 3))])
    assert "Gather" in ops


def test_embedding_bag_per_sample_weights_int32(tmp_path):
    class Bag(nn.Module):
        def __init__(self):
            super().__init__()
            self.bag = nn.EmbeddingBag(10, 3, mode="sum", padding_idx=4)

        def forward(self, x, w):
            return self.bag(x, per_sample_weights=w)

    ember.manual_seed(0)
    x = ember.tensor([[1, 4, 3], [9, 0, 4]], dtype=ember.int32)
    x2 = ember.tensor([[4, 4, 3], [2, 0, 1], [5, 6, 7]], dtype=ember.int32)
    _check(Bag(), (x, ember.rand(2, 3)), tmp_path, names=["x", "w"],
           dynamic_axes={"x": {0: "b"}, "w": {0: "b"}}, others=[(x2, ember.rand(3, 3))])


def test_embedding_bag_offsets(tmp_path):
    class Bag(nn.Module):
        def __init__(self):
            super().__init__()
            self.bag = nn.EmbeddingBag(10, 3, mode="mean", padding_idx=1)

        def forward(self, x):
            return self.bag(x, ember.tensor([0, 2, 2, 5]))   # an empty bag, a padding-only bag

    ember.manual_seed(0)
    _check(Bag(), ember.tensor([3, 4, 7, 8, 9, 1, 1]), tmp_path, names=["x"],
           others=[ember.tensor([1, 2, 3, 4, 5, 6, 7])])
    bag = nn.EmbeddingBag(10, 3, mode="mean")   # the last bag follows a dynamic length

    class Last(nn.Module):
        def forward(self, x):
            return bag(x, ember.tensor([0, 2]))

    _check(Last(), ember.tensor([3, 4, 7, 8]), tmp_path, names=["x"], dynamic_axes={"x": {0: "n"}},
           others=[ember.tensor([1, 2, 3, 4, 5, 6, 9])])


@pytest.mark.parametrize("kw", [dict(scale_factor=2, mode="nearest"), dict(size=(5, 7), mode="nearest"),
                                dict(scale_factor=1.5, mode="nearest-exact"),
                                dict(scale_factor=2, mode="bilinear"),
                                dict(size=(4, 9), mode="bilinear", align_corners=True),
                                dict(scale_factor=2, mode="bicubic"),
                                dict(size=(6, 5), mode="bicubic", align_corners=True),
                                dict(size=(2, 3), mode="area"),
                                dict(size=(2, 3), mode="bilinear", antialias=True)])
def test_interpolate_2d(kw, tmp_path):
    class Up(nn.Module):
        def forward(self, x):
            return nn.functional.interpolate(x, **kw)

    _check(Up(), ember.randn(2, 3, 4, 6), tmp_path, names=["x"], dynamic_axes={"x": {0: "b"}},
           others=[ember.randn(3, 3, 4, 6)])


@pytest.mark.parametrize("x,kw", [((2, 3, 5), dict(scale_factor=2, mode="linear")),
                                  ((2, 3, 5), dict(size=8, mode="linear", align_corners=True)),
                                  ((1, 2, 3, 4, 5), dict(scale_factor=2, mode="trilinear")),
                                  ((1, 2, 3, 4, 5), dict(size=(4, 4, 4), mode="nearest"))])
def test_upsample_1d_3d(x, kw, tmp_path):
    _check(nn.Upsample(**kw), ember.randn(*x), tmp_path, names=["x"])


def test_norms(tmp_path):
    class Norms(nn.Module):
        def __init__(self):
            super().__init__()
            self.gn, self.inn = nn.GroupNorm(2, 6), nn.InstanceNorm2d(6, affine=True)
            self.in1, self.ln = nn.InstanceNorm1d(6), nn.LayerNorm([4, 5])
            self.rms = nn.RMSNorm(5)

        def forward(self, x):
            return (self.gn(x), self.inn(x), self.in1(x.flatten(2)), self.ln(x),
                    self.rms(x), nn.functional.group_norm(x, 3))

    ember.manual_seed(0)
    m = Norms()
    for p in m.parameters():   # off the ones/zeros defaults
        p.data.copy_(ember.randn(*p.shape))
    _check(m, ember.randn(2, 6, 4, 5), tmp_path, names=["x"], dynamic_axes={"x": {0: "b"}},
           others=[ember.randn(3, 6, 4, 5)])


def test_instance_norm_running_stats(tmp_path):
    m = nn.InstanceNorm2d(3, track_running_stats=True)
    m(ember.randn(4, 3, 5, 5) * 2 + 1)
    ops = _check(m, ember.randn(2, 3, 5, 5), tmp_path, names=["x"])
    assert "BatchNormalization" in ops


@pytest.mark.parametrize("shape", [(2, 8, 3, 3), (8, 3, 3), (2, 3, 8, 3, 3)])
def test_pixel_shuffle(shape, tmp_path):
    x = ember.randn(*shape)
    _check(nn.PixelShuffle(2), x, tmp_path, names=["x"])
    _check(nn.PixelUnshuffle(2), nn.functional.pixel_shuffle(x, 2), tmp_path, names=["x"])


def test_pixel_shuffle_dynamic_batch(tmp_path):
    _check(nn.PixelShuffle(3), ember.randn(2, 18, 2, 3), tmp_path, names=["x"],
           dynamic_axes={"x": {0: "b"}}, others=[ember.randn(4, 18, 2, 3)])


@pytest.mark.parametrize("m,x", [
    (lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), (2, 4, 5, 6)),
    (lambda: nn.ConvTranspose1d(3, 2, 4, stride=3, dilation=2, bias=False), (2, 3, 7)),
    (lambda: nn.ConvTranspose3d(2, 3, 2, stride=2), (1, 2, 3, 3, 3)),
    (lambda: nn.ConvTranspose2d(2, 3, 3), (2, 5, 5))])
def test_conv_transpose(m, x, tmp_path):
    ember.manual_seed(0)
    mod = m()
    x = ember.randn(*x)
    dyn = {"x": {0: "b"}} if len(x.shape) == mod.weight.ndim else None
    _check(mod, x, tmp_path, names=["x"], dynamic_axes=dyn,
           others=[ember.randn(3, *x.shape[1:])] if dyn else ())


@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_encoder_layer(batch_first, tmp_path):
    ember.manual_seed(0)
    m = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=batch_first)
    x = ember.randn(2, 5, 8) if batch_first else ember.randn(5, 2, 8)
    b, s = (0, 1) if batch_first else (1, 0)
    y = ember.randn(*[3 if i == b else 7 for i in range(2)], 8)
    _check(m, x, tmp_path, names=["x"], dynamic_axes={"x": {b: "batch", s: "seq"}}, others=[y])


def test_multihead_attention(tmp_path):
    class Attn(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = nn.MultiheadAttention(8, 2, kdim=6, vdim=4)

        def forward(self, q, k, v):
            return self.mha(q, k, v)

    ember.manual_seed(0)
    q, k, v = ember.randn(3, 2, 8), ember.randn(5, 2, 6), ember.randn(5, 2, 4)
    _check(Attn(), (q, k, v), tmp_path, names=["q", "k", "v"])
    self_attn = nn.MultiheadAttention(8, 4, batch_first=True)
    x = ember.randn(2, 3, 8)
    dyn = {n: {0: "batch", 1: "seq"} for n in "qkv"}
    y = ember.randn(4, 6, 8)
    _check(self_attn, (x, x, x), tmp_path, names=["q", "k", "v"], dynamic_axes=dyn, others=[(y, y, y)])


def test_dynamic_spatial_axes(tmp_path):
    """Convolutions follow dynamic height/width; ops whose constants depend on them are refused."""
    ember.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Upsample(scale_factor=2), nn.Conv2d(4, 4, 3, stride=2),
                      nn.ConvTranspose2d(4, 2, 2, stride=2),
                      nn.GroupNorm(1, 2), nn.PixelUnshuffle(2), nn.AdaptiveAvgPool2d(1))
    _check(m, ember.randn(2, 3, 4, 6), tmp_path, names=["x"],
           dynamic_axes={"x": {0: "b", 2: "h", 3: "w"}}, others=[ember.randn(1, 3, 7, 5)])
    for bad, opset in ((nn.Upsample(scale_factor=2, mode="bilinear"), 20), (nn.CircularPad2d(1), 18),
                       (nn.AdaptiveAvgPool2d(2), 20)):
        with pytest.raises(ember.onnx.UnsupportedOperatorError, match="dynamic (spatial )?axis"):
            ember.onnx.export(bad, ember.randn(1, 2, 4, 4), str(tmp_path / "b.onnx"), input_names=["x"],
                              dynamic_axes={"x": {2: "h"}}, opset_version=opset)


def test_transformer_encoder_with_masks(tmp_path):
    class Enc(nn.Module):
        def __init__(self):
            super().__init__()
            layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=True, activation="gelu")
            self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

        def forward(self, x, pad):
            causal = nn.Transformer.generate_square_subsequent_mask(x.shape[1]) != 0   # bool, as the pad mask
            return self.enc(x, mask=causal, src_key_padding_mask=pad)

    ember.manual_seed(0)
    x, pad = ember.randn(2, 5, 8), ember.tensor([[False] * 5, [False] * 3 + [True] * 2])
    x2, pad2 = ember.randn(3, 5, 8), ember.tensor([[False] * 5, [False] * 4 + [True], [False] * 5])
    _check(Enc(), (x, pad), tmp_path, names=["x", "pad"], dynamic_axes={"x": {0: "b"}, "pad": {0: "b"}},
           others=[(x2, pad2)])


def test_decoder_layer_and_sdpa(tmp_path):
    ember.manual_seed(0)
    dec = nn.TransformerDecoderLayer(8, 2, 16, batch_first=True)
    _check(dec, (ember.randn(2, 4, 8), ember.randn(2, 6, 8)), tmp_path, names=["t", "m"],
           dynamic_axes={"t": {0: "b"}, "m": {0: "b"}}, others=[(ember.randn(3, 4, 8), ember.randn(3, 6, 8))])

    class Attn(nn.Module):
        def forward(self, q, k, v, keep):
            a = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
            return a, nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=keep)

    q, k, v = ember.randn(1, 2, 4, 8), ember.randn(1, 2, 4, 8), ember.randn(1, 2, 4, 8)
    keep = ember.rand(4, 4) > 0.3
    keep[:, 0] = True
    keep2 = ember.rand(4, 4) > 0.5
    keep2[:, 1] = True
    _check(Attn(), (q, k, v, keep), tmp_path, names=["q", "k", "v", "keep"], others=[(q, k, v, keep2)])


def test_layers_at_opset_17(tmp_path):
    """ReduceMax/ReduceMean with axes as attributes, LayerNormalization, Trilu before opset 18."""
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.bag, self.gn = nn.EmbeddingBag(6, 4, mode="max"), nn.GroupNorm(2, 4)
            self.up, self.pad = nn.Upsample(scale_factor=2, mode="bicubic"), nn.ReflectionPad2d(1)

        def forward(self, idx, x):
            b = self.bag(idx)                                       # (2, 4)
            y = self.pad(self.up(self.gn(x)))                       # (2, 4, 6, 6)
            return y * b[:, :, None, None], nn.functional.pixel_unshuffle(y, 2)

    ember.manual_seed(0)
    m = M().eval()
    idx, x = ember.tensor([[0, 5, 2], [1, 1, 3]]), ember.randn(2, 4, 2, 2)
    path = str(tmp_path / "m17.onnx")
    ember.onnx.export(m, (idx, x), path, opset_version=17, input_names=["idx", "x"])
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for got, want in zip(s.run(None, {"idx": idx.numpy(), "x": x.numpy()}), m(idx, x)):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_negative_index_and_slices_follow_dynamic_axes(tmp_path):
    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):   # (batch, seq, 4)
            return self.fc(x[:, -1]), x[:, 1:], x[:, -3:-1, ::2], x[..., :-1], x[0], x[:, :5]

    ember.manual_seed(0)
    _check(Head(), ember.randn(2, 5, 4), tmp_path, names=["x"], dynamic_axes={"x": {0: "b", 1: "s"}},
           others=[ember.randn(3, 7, 4), ember.randn(1, 3, 4)])


def test_word_language_model_transformer(tmp_path):
    """pytorch/examples word_language_model's TransformerModel, as its --onnx-export runs it."""
    import math

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, dropout=0.1, max_len=50):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            pe = ember.zeros(max_len, d_model)
            position = ember.arange(0, max_len, dtype=ember.float).unsqueeze(1)
            div_term = ember.exp(ember.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
            pe[:, 0::2] = ember.sin(position * div_term)
            pe[:, 1::2] = ember.cos(position * div_term)
            self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))

        def forward(self, x):
            return self.dropout(x + self.pe[:x.size(0), :])

    class TransformerModel(nn.Transformer):
        def __init__(self, ntoken=30, ninp=8, nhead=2, nhid=16, nlayers=2):
            super().__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid, num_encoder_layers=nlayers)
            self.src_mask = None
            self.pos_encoder = PositionalEncoding(ninp)
            self.input_emb = nn.Embedding(ntoken, ninp)
            self.ninp = ninp
            self.decoder = nn.Linear(ninp, ntoken)

        def forward(self, src):
            self.src_mask = ember.log(ember.tril(ember.ones(len(src), len(src))))
            src = self.pos_encoder(self.input_emb(src) * math.sqrt(self.ninp))
            return nn.functional.log_softmax(self.decoder(self.encoder(src, mask=self.src_mask)), dim=-1)

    ember.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # nn.Transformer's enable_nested_tensor note
        m = TransformerModel()
    dummy = ember.LongTensor(6 * 2).zero_().view(-1, 2)
    _check(m, dummy, tmp_path, names=["src"], others=[ember.randint(0, 30, (6, 2))], tol=1e-4)
    _check(m, dummy, tmp_path, names=["src"], dynamic_axes={"src": {1: "batch"}},
           others=[ember.randint(0, 30, (6, 5))], tol=1e-4)


def test_dynamic_axis_the_model_cannot_follow(tmp_path):
    class Fixed(nn.Module):
        def forward(self, x):
            return x.view(2, 3, 4).sum(0)   # the batch is written into the model

    with pytest.raises(ember.onnx.UnsupportedOperatorError, match="fails on inputs of other sizes"):
        ember.onnx.export(Fixed(), ember.randn(2, 12), str(tmp_path / "f.onnx"), input_names=["x"],
                          dynamic_axes={"x": {0: "b"}})
