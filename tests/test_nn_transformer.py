"""nn.Transformer{,Encoder,Decoder}{,Layer} against torch 2.13 with identical weights:
outputs and every gradient in float64, state_dict keys, repr, masks, errors."""
import warnings

import numpy as np
import pytest
import torch

import ember

R = np.random.RandomState(0)
pytestmark = [pytest.mark.filterwarnings("ignore:enable_nested_tensor"),
              pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")]


def _load(tm, em):
    assert list(tm.state_dict()) == list(em.state_dict())
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})


def _build(m, kind, kw):
    nn = m.nn
    if kind == "enc_layer":
        return nn.TransformerEncoderLayer(8, 2, 16, **kw)
    if kind == "dec_layer":
        return nn.TransformerDecoderLayer(8, 2, 16, **kw)
    if kind == "encoder":
        return nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, **kw), 2,
                                     norm=nn.LayerNorm(8))
    if kind == "decoder":
        return nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, **kw), 2)
    return nn.Transformer(8, 2, 2, 2, 16, **kw)


def _compare(kind, kw, fwd, train=False, unbatched=False, S=5, T=4):
    torch.manual_seed(0)
    tm = _build(torch, kind, kw).double()
    em = _build(ember, kind, kw).double()
    _load(tm, em)
    for mod in (tm, em):
        mod.train(train)
    bf = kw.get("batch_first", False)
    shape = (lambda n: (n, 8)) if unbatched else ((lambda n: (3, n, 8)) if bf else
                                                   (lambda n: (n, 3, 8)))
    two = kind in ("dec_layer", "decoder", "transformer")
    arrays = [R.randn(*shape(S))] + ([R.randn(*shape(T))] if two else [])
    if kind in ("dec_layer", "decoder"):
        arrays = arrays[::-1]                                   # tgt (T), memory (S)
    res = []
    for m, mod in ((torch, tm), (ember, em)):
        ins = [m.tensor(a, requires_grad=True) for a in arrays]
        extra = {k: (m.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in fwd.items()}
        out = mod(*ins, **extra)
        (out * out).sum().backward()
        res.append([out] + [t.grad for t in ins] +
                   [(n, p.grad) for n, p in mod.named_parameters()])
    for t, e in zip(*res):
        if isinstance(t, tuple):
            assert t[0] == e[0]
            t, e = t[1], e[1]
        if t is None:
            assert e is None
            continue
        assert tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-8, atol=1e-10)


SKPM = np.array([[0, 0, 0, 0, 1], [0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], bool)
CAUSAL5 = np.triu(np.full((5, 5), -np.inf), 1)
CAUSAL4B = np.triu(np.ones((4, 4), bool), 1)


@pytest.mark.parametrize("kw,fwd,train", [
    ({}, {}, False),
    ({"batch_first": True}, {}, False),
    ({"norm_first": True, "activation": "gelu"}, {}, False),
    ({"bias": False, "layer_norm_eps": 1e-3}, {}, False),
    ({"dropout": 0.0}, {}, True),
    ({"batch_first": True}, {"src_key_padding_mask": SKPM}, False),
    ({}, {"src_mask": CAUSAL5, "is_causal": True}, False),
    ({}, {"src_mask": R.randn(5, 5)}, False),
    ({"activation": torch.nn.functional.silu}, {}, False),
])
def test_encoder_layer(kw, fwd, train):
    if "activation" in kw and callable(kw["activation"]):
        kw_e = dict(kw, activation=ember.nn.functional.silu)
        torch.manual_seed(0)
        tm = torch.nn.TransformerEncoderLayer(8, 2, 16, **kw).double().eval()
        em = ember.nn.TransformerEncoderLayer(8, 2, 16, **kw_e).double().eval()
        _load(tm, em)
        x = R.randn(5, 3, 8)
        np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(),
                                   tm(torch.tensor(x)).detach().numpy(), rtol=1e-9, atol=1e-11)
        return
    _compare("enc_layer", kw, fwd, train)


def test_encoder_layer_unbatched():
    _compare("enc_layer", {}, {}, unbatched=True)


@pytest.mark.parametrize("kw,fwd", [
    ({}, {}),
    ({"batch_first": True}, {"src_key_padding_mask": SKPM}),
    ({}, {"mask": CAUSAL5}),                                    # detected as causal
    ({"norm_first": True}, {"mask": CAUSAL5, "is_causal": True}),
])
def test_encoder(kw, fwd):
    _compare("encoder", kw, fwd)


@pytest.mark.parametrize("kw,fwd,train", [
    ({}, {}, False),
    ({"batch_first": True, "norm_first": True}, {}, False),
    ({"dropout": 0.0, "activation": "gelu"}, {}, True),
    ({}, {"tgt_mask": CAUSAL4B, "tgt_is_causal": True}, False),
    ({"batch_first": True}, {"memory_key_padding_mask": SKPM,
                             "tgt_key_padding_mask": SKPM[:, 1:]}, False),
    ({}, {"memory_mask": R.randn(4, 5)}, False),
])
def test_decoder_layer(kw, fwd, train):
    _compare("dec_layer", kw, fwd, train)


@pytest.mark.parametrize("kw,fwd", [
    ({}, {"tgt_mask": np.triu(np.full((4, 4), -np.inf), 1)}),
    ({"norm_first": True, "batch_first": True}, {"tgt_key_padding_mask": SKPM[:, 1:]}),
])
def test_decoder(kw, fwd):
    _compare("decoder", kw, fwd)


@pytest.mark.parametrize("kw,fwd,train", [
    ({}, {}, False),
    ({"batch_first": True, "dropout": 0.0}, {"src_key_padding_mask": SKPM,
                                             "memory_key_padding_mask": SKPM}, True),
    ({"norm_first": True, "activation": "gelu"},
     {"tgt_mask": np.triu(np.full((4, 4), -np.inf), 1), "src_mask": R.randn(5, 5)}, False),
])
def test_transformer(kw, fwd, train):
    _compare("transformer", kw, fwd, train)


def test_transformer_unbatched():
    _compare("transformer", {}, {}, unbatched=True)


def test_repr_state_dict_and_defaults():
    for args in [(), (16, 4, 1, 1, 32, 0.2, "gelu")]:
        t, e = torch.nn.Transformer(*args), ember.nn.Transformer(*args)
        assert repr(t) == repr(e)
        assert [(k, tuple(v.shape)) for k, v in t.state_dict().items()] == \
            [(k, tuple(v.shape)) for k, v in e.state_dict().items()]
    t = torch.nn.TransformerDecoderLayer(8, 2, bias=False, norm_first=True)
    e = ember.nn.TransformerDecoderLayer(8, 2, bias=False, norm_first=True)
    assert repr(t) == repr(e) and list(t.state_dict()) == list(e.state_dict())
    e = ember.nn.TransformerEncoderLayer(8, 2)
    assert e.linear1.out_features == 2048 and e.dropout.p == 0.1 and e.norm1.eps == 1e-5
    assert e.activation_relu_or_gelu == 1 and not e.norm_first
    assert ember.nn.TransformerEncoderLayer(8, 2, activation="gelu").activation_relu_or_gelu == 2


def test_layers_are_deep_copies_and_xavier_init():
    layer = ember.nn.TransformerEncoderLayer(8, 2, 16)
    enc = ember.nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    assert len(enc.layers) == 3 and enc.num_layers == 3 and enc.norm is None
    ws = [l.linear1.weight for l in enc.layers]
    assert ws[0] is not ws[1] and ws[0] is not layer.linear1.weight
    np.testing.assert_array_equal(ws[0].detach().numpy(), layer.linear1.weight.detach().numpy())
    m = ember.nn.Transformer(16, 2, 1, 1, 32)
    w = m.encoder.layers[0].linear1.weight.detach().numpy()       # xavier on (32, 16)
    bound = (6 / 48) ** 0.5
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert m.d_model == 16 and m.nhead == 2 and not m.batch_first


def test_nested_tensor_flags_and_warning():
    for m in (torch, ember):
        with pytest.warns(UserWarning, match="enable_nested_tensor is True"):
            enc = m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2), 1)
        assert enc.enable_nested_tensor and not enc.use_nested_tensor
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            enc = m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2, batch_first=True), 1)
        assert enc.use_nested_tensor and enc.mask_check


def test_generate_square_subsequent_mask():
    t = torch.nn.Transformer.generate_square_subsequent_mask(4)
    e = ember.nn.Transformer.generate_square_subsequent_mask(4)
    assert e.dtype == ember.float32
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    e = ember.nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64)
    assert e.dtype == ember.float64


def test_errors():
    for m in (torch, ember):
        with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
            m.nn.TransformerEncoderLayer(8, 2, activation="tanh")
        tr = m.nn.Transformer(8, 2, 1, 1, 16)
        with pytest.raises(RuntimeError, match="batch number of src and tgt"):
            tr(m.zeros(5, 3, 8), m.zeros(4, 2, 8))
        with pytest.raises(RuntimeError, match="feature number"):
            tr(m.zeros(5, 3, 8), m.zeros(4, 3, 6))


@pytest.mark.parametrize("mask", [SKPM, np.array([[0, 1, 0, 0, 1], [0] * 5, [0] * 5], bool)])
def test_encoder_inference_path_zeroes_padding(mask):
    """Under no_grad in eval, torch's nested-tensor path pads outputs with zeros (before
    the final norm) when the padding mask is left-aligned; ember gives the same numbers."""
    torch.manual_seed(0)
    tm = _build(torch, "encoder", {"batch_first": True}).double().eval()
    em = _build(ember, "encoder", {"batch_first": True}).double().eval()
    _load(tm, em)
    x = R.randn(3, 5, 8)
    with torch.no_grad(), ember.no_grad():
        t = tm(torch.tensor(x), src_key_padding_mask=torch.tensor(mask))
        e = em(ember.tensor(x), src_key_padding_mask=ember.tensor(mask))
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-9, atol=1e-11)


def test_factory_kwargs_custom_parts_and_module_activation():
    m = ember.nn.Transformer(8, 2, 1, 1, 16, dtype=ember.float64)
    assert all(p.dtype == ember.float64 for p in m.parameters())
    enc = ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 1)
    dec = ember.nn.TransformerDecoder(ember.nn.TransformerDecoderLayer(8, 2, 16, batch_first=True), 1)
    m = ember.nn.Transformer(8, 2, custom_encoder=enc, custom_decoder=dec, batch_first=True)
    assert m.encoder is enc and m.decoder is dec
    assert tuple(m(ember.zeros(2, 5, 8), ember.zeros(2, 3, 8)).shape) == (2, 3, 8)
    layer = ember.nn.TransformerEncoderLayer(8, 2, 16, activation=ember.nn.GELU())
    assert layer.activation_relu_or_gelu == 2 and "GELU" in repr(layer)
    t = torch.nn.TransformerEncoderLayer(8, 2, 16, activation=torch.nn.GELU())
    assert repr(t) == repr(layer)


def test_mismatched_mask_types_warn():
    for m in (torch, ember):
        layer = m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0)
        with pytest.warns(UserWarning, match="Support for mismatched src_key_padding_mask and "
                                             "src_mask is deprecated"):
            layer(m.zeros(5, 3, 8), src_mask=m.zeros(5, 5),
                  src_key_padding_mask=m.tensor(SKPM))
