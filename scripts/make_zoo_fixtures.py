"""Write torchvision's model-zoo facts to tests/fixtures/vision/zoo.npz: per model the state_dict keys with
shapes, the parameter count, and the eval output on a fixed input with deterministic weights
(``zoo_weights``, the same formula the test applies to ember's model), plus the ImageClassification preset.

    /work/tvenv/bin/python scripts/make_zoo_fixtures.py
"""
import os

import numpy as np
import torch
import torchvision
from torchvision.transforms._presets import ImageClassification

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "vision", "zoo.npz")

MODELS = ["alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
          "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
          "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2", "squeezenet1_0", "squeezenet1_1", "mobilenet_v2",
          "mobilenet_v3_large", "mobilenet_v3_small"]


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


def zoo_input():
    """The fixed (1, 3, 64, 64) input."""
    return np.cos(np.arange(3 * 64 * 64, dtype=np.float64) * 0.11).reshape(1, 3, 64, 64).astype(np.float32)


def main():
    d = {"in_x": zoo_input()}
    torch.set_grad_enabled(False)
    for name in MODELS:
        m = torchvision.models.get_model(name).eval()
        sd = m.state_dict()
        shapes = [(k, tuple(v.shape)) for k, v in sd.items()]
        m.load_state_dict({k: torch.from_numpy(v) for k, v in zoo_weights(shapes).items()})
        d[f"keys_{name}"] = np.array([f"{k}:{','.join(map(str, s))}" for k, s in shapes])
        d[f"count_{name}"] = np.array(sum(p.numel() for p in m.parameters()))
        d[f"out_{name}"] = m(torch.from_numpy(d["in_x"])).numpy().astype(np.float32)
        print(name, float(np.abs(d[f"out_{name}"]).max()))
    rng = np.random.default_rng(0)
    d["in_preset"] = rng.integers(0, 256, (3, 40, 50), dtype=np.uint8)
    d["preset"] = ImageClassification(crop_size=24, resize_size=28)(torch.from_numpy(d["in_preset"])).numpy()
    np.savez_compressed(OUT, **d)
    print(OUT, os.path.getsize(OUT))


if __name__ == "__main__":
    main()
