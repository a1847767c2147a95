"""Write torchvision's model-zoo facts to tests/fixtures/vision/zoo.npz: per entry the state_dict keys with
shapes, the parameter count and, for the entries run, the eval output on a fixed input with deterministic weights
(``zoo_weights``/``zoo_input``, the same formulas the test applies to ember's model); the ImageClassification
preset; and every weights enum (url, meta, transforms) as JSON.

An entry is ``(key, builder, kwargs, input_hw)``: ``builder`` is a registered model name or a model class both
libraries export (for reduced configs of large families); ``input_hw`` is None for keys and count only.

    /work/tvenv/bin/python scripts/make_zoo_fixtures.py [prefix ...]

With prefixes, only the entries whose key starts with one are recomputed; the others are kept from the
existing file.
"""
import hashlib
import importlib
import json
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torchvision
from torchvision.transforms._presets import ImageClassification

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "vision", "zoo.npz")

R = (64, 64)
ENTRIES = [(n, n, {}, R) for n in [
    "alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "resnet18",
    "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d",
    "wide_resnet50_2", "wide_resnet101_2", "squeezenet1_0", "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_large",
    "mobilenet_v3_small"]] + [
    ("densenet121", "densenet121", {}, R), ("densenet161", "densenet161", {}, None),
    ("densenet169", "densenet169", {}, None), ("densenet201", "densenet201", {}, None),
    ("densenet_small", "DenseNet", {"growth_rate": 8, "block_config": (2, 3), "num_init_features": 16,
                                    "num_classes": 10}, (40, 40)),
    ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5", {}, R), ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}, R),
    ("shufflenet_v2_x1_5", "shufflenet_v2_x1_5", {}, None), ("shufflenet_v2_x2_0", "shufflenet_v2_x2_0", {}, R),
    ("mnasnet0_5", "mnasnet0_5", {}, R), ("mnasnet0_75", "mnasnet0_75", {}, R), ("mnasnet1_0", "mnasnet1_0", {}, R),
    ("mnasnet1_3", "mnasnet1_3", {}, None),
    ("googlenet", "googlenet", {"init_weights": False}, R),
    ("googlenet_noaux", "googlenet", {"init_weights": False, "aux_logits": False, "transform_input": True}, R),
    ("inception_v3", "inception_v3", {"init_weights": False}, (80, 80)),
    ("inception_v3_noaux", "inception_v3", {"init_weights": False, "aux_logits": False, "transform_input": True},
     (80, 80)),
    ("efficientnet_b0", "efficientnet_b0", {}, R), ("efficientnet_v2_s", "efficientnet_v2_s", {}, R),
] + [(n, n, {}, None) for n in ["efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
                                 "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_m",
                                 "efficientnet_v2_l"]] + [
    ("regnet_y_400mf", "regnet_y_400mf", {}, R), ("regnet_x_400mf", "regnet_x_400mf", {}, R),
] + [(n, n, {}, None) for n in ["regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf",
                                 "regnet_y_16gf", "regnet_y_32gf", "regnet_y_128gf", "regnet_x_800mf",
                                 "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf",
                                 "regnet_x_32gf"]] + [
    ("convnext_tiny", "convnext_tiny", {}, (32, 32)), ("convnext_small", "convnext_small", {}, None),
    ("convnext_base", "convnext_base", {}, None), ("convnext_large", "convnext_large", {}, None),
    ("vit_small", "VisionTransformer", {"image_size": 32, "patch_size": 8, "num_layers": 2, "num_heads": 4,
                                        "hidden_dim": 32, "mlp_dim": 64, "num_classes": 10}, (32, 32)),
    ("vit_small_repr", "VisionTransformer", {"image_size": 28, "patch_size": 7, "num_layers": 1, "num_heads": 2,
                                             "hidden_dim": 16, "mlp_dim": 24, "num_classes": 5,
                                             "representation_size": 12}, (28, 28)),
    ("vit_b_32_at_64", "vit_b_32", {"image_size": 64}, None),
    ("swin_t", "swin_t", {}, R), ("swin_v2_t", "swin_v2_t", {}, R),
    ("swin_small_odd", "SwinTransformer", {"patch_size": [4, 4], "embed_dim": 16, "depths": [2, 2, 1],
                                           "num_heads": [2, 4, 4], "window_size": [4, 4], "num_classes": 10},
     (36, 36)),
    ("swin_v2_small_odd", "SwinTransformer", {"patch_size": [4, 4], "embed_dim": 16, "depths": [2, 2, 1],
                                              "num_heads": [2, 4, 4], "window_size": [4, 4], "num_classes": 10,
                                              "block": "cls:swin_transformer.SwinTransformerBlockV2",
                                              "downsample_layer": "cls:swin_transformer.PatchMergingV2"}, (36, 36)),
] + [(n, n, {}, None) for n in ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14", "swin_s", "swin_b",
                                 "swin_v2_s", "swin_v2_b"]] + [
    ("maxvit_t", "maxvit_t", {}, None),
    ("maxvit_small", "MaxVit", {"input_size": [32, 32], "stem_channels": 8, "partition_size": 2,
                                "block_channels": [8, 16], "block_layers": [1, 2], "head_dim": 4,
                                "stochastic_depth_prob": 0.2, "num_classes": 10}, (32, 32)),
]


def zoo_weights(shapes):
    """Deterministic float32 arrays for (key, shape) pairs: a sine of the element index, scaled per kind."""
    out = {}
    for i, (k, shape) in enumerate(shapes):
        n = int(np.prod(shape)) if shape else 1
        s = np.sin(np.arange(n, dtype=np.float64) * 0.37 + i).reshape(shape)
        if k.endswith("num_batches_tracked"):
            out[k] = np.zeros(shape, np.int64)
            continue
        if k.endswith("running_var"):
            a = 1 + 0.5 * np.abs(s)
        elif len(shape) >= 2:
            a = s * np.sqrt(3.0 / (n // shape[0]))   # uniform-like, variance-preserving through fan_in
        elif k.endswith("weight"):
            a = 1 + 0.1 * s
        else:
            a = 0.1 * s
        out[k] = a.astype(np.float32)
    return out


def zoo_input(h=64, w=64):
    """The fixed (1, 3, h, w) input."""
    return np.cos(np.arange(3 * h * w, dtype=np.float64) * 0.11).reshape(1, 3, h, w).astype(np.float32)


def _resolve(v):
    """A kwargs value "cls:module.Name" names a class of torchvision.models.<module> (ember's on the test side)."""
    if isinstance(v, str) and v.startswith("cls:"):
        mod, name = v[4:].rsplit(".", 1)
        return getattr(importlib.import_module(f"torchvision.models.{mod}"), name)
    return v


def _build(builder, kwargs):
    kwargs = {k: _resolve(v) for k, v in kwargs.items()}
    if builder[0].isupper():
        return getattr(torchvision.models, builder)(**kwargs)
    return torchvision.models.get_model(builder, **kwargs)


def _weights_json():
    """Every weights enum torchvision.models exports: {enum: {member: [url, transforms kwargs, meta]}}; the
    category list is replaced by its SHA-1 (ImageNet's is in every enum)."""
    out = {}
    for name in torchvision.models.__all__ if hasattr(torchvision.models, "__all__") else dir(torchvision.models):
        cls = getattr(torchvision.models, name)
        if not (isinstance(cls, type) and issubclass(cls, torchvision.models.WeightsEnum)) or cls is \
                torchvision.models.WeightsEnum:
            continue
        members = {}
        for k, m in cls.__members__.items():
            meta = dict(m.meta)
            cats = meta.pop("categories", None)
            meta["categories_sha1"] = None if cats is None else hashlib.sha1("\n".join(cats).encode()).hexdigest()
            kw = {k2: (v.value if hasattr(v, "value") else v) for k2, v in m.transforms.keywords.items()}
            members[k] = [m.url, m.transforms.func.__name__, kw, meta] if m.name == k else m.name
        out[name] = members
    return json.dumps(out, sort_keys=True, default=list)


def main(prefixes):
    d = {"in_x": zoo_input()}
    torch.set_grad_enabled(False)
    specs = {}
    old = dict(np.load(OUT)) if prefixes and os.path.exists(OUT) else {}
    old_specs = json.loads(str(old["specs"])) if "specs" in old else {}
    for key, builder, kwargs, hw in ENTRIES:
        if prefixes and not key.startswith(tuple(prefixes)) and key in old_specs:
            specs[key] = old_specs[key]
            d.update({f"{p}_{key}": old[f"{p}_{key}"] for p in ("keys", "count", "out") if f"{p}_{key}" in old})
            continue
        m = _build(builder, kwargs).eval()
        sd = m.state_dict()
        shapes = [(k, tuple(v.shape)) for k, v in sd.items()]
        d[f"keys_{key}"] = np.array([f"{k}:{','.join(map(str, s))}" for k, s in shapes])
        d[f"count_{key}"] = np.array(sum(p.numel() for p in m.parameters()))
        specs[key] = {"builder": builder, "kwargs": kwargs, "input": hw}
        if hw is not None:
            new = OrderedDict((k, torch.from_numpy(v)) for k, v in zoo_weights(shapes).items())
            for k, v in sd.items():   # constant buffers (index tables) keep their values
                if (not v.is_floating_point() and not k.endswith("num_batches_tracked")) or k.endswith("_table") \
                        and "bias_table" not in k:
                    new[k] = v
            new._metadata = sd._metadata   # the module versions (MNASNet checks its own)
            m.load_state_dict(new)
            d[f"out_{key}"] = m(torch.from_numpy(zoo_input(*hw))).numpy().astype(np.float32)
            print(key, d[f"out_{key}"].shape, float(np.abs(d[f"out_{key}"]).max()))
        else:
            print(key, "keys only")
    d["specs"] = np.array(json.dumps(specs))
    from torchvision.models.vision_transformer import interpolate_embeddings
    pos = np.sin(np.arange(17 * 8) * 0.3).reshape(1, 17, 8).astype(np.float32)   # a 4x4 grid and the class token
    state = OrderedDict([("encoder.pos_embedding", torch.from_numpy(pos)), ("heads.head.weight", torch.ones(2, 8))])
    d["vit_interp"] = interpolate_embeddings(24, 4, state, reset_heads=True)["encoder.pos_embedding"].numpy()
    d["weights"] = np.array(_weights_json())
    rng = np.random.default_rng(0)
    d["in_preset"] = rng.integers(0, 256, (3, 40, 50), dtype=np.uint8)
    d["preset"] = ImageClassification(crop_size=24, resize_size=28)(torch.from_numpy(d["in_preset"])).numpy()
    np.savez_compressed(OUT, **d)
    print(OUT, os.path.getsize(OUT))


if __name__ == "__main__":
    main(sys.argv[1:])
