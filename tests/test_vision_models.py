"""ember.vision.models: torchvision's architectures, names and parameter counts."""
import numpy as np
import pytest
import torch

import ember
from ember.vision import models

# parameter counts torchvision documents for these models
COUNTS = {"alexnet": 61_100_840, "resnet18": 11_689_512, "resnet34": 21_797_672,
          "resnet50": 25_557_032, "vgg11": 132_863_336, "vgg16": 138_357_544}


@pytest.mark.parametrize("name", list(COUNTS))
def test_parameter_counts_and_keys(name):
    m = getattr(models, name)()
    assert sum(p.numel() for p in m.parameters()) == COUNTS[name]
    keys = list(m.state_dict())
    expected = {"alexnet": ["features.0.weight", "features.10.bias", "classifier.1.weight", "classifier.6.bias"],
                "resnet18": ["conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked", "layer1.0.conv1.weight",
                             "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "fc.bias"],
                "resnet34": ["layer3.5.bn2.weight", "layer4.2.conv2.weight"],
                "resnet50": ["layer1.0.conv3.weight", "layer1.0.downsample.0.weight", "layer4.2.bn3.bias", "fc.weight"],
                "vgg11": ["features.0.weight", "features.18.bias", "classifier.6.weight"],
                "vgg16": ["features.28.weight", "classifier.3.weight"]}[name]
    for k in expected:
        assert k in keys, k


def test_forward_shapes_and_training_step():
    x = ember.randn(2, 3, 64, 64)
    assert models.alexnet(num_classes=7)(x).shape == (2, 7)
    r = models.resnet18(num_classes=10)
    out = r(ember.randn(2, 3, 32, 32))
    assert out.shape == (2, 10)
    out.sum().backward()
    assert r.conv1.weight.grad is not None and r.layer4[1].bn2.weight.grad is not None


def test_pretrained_needs_local_file():
    with pytest.raises(RuntimeError, match="load_state_dict"):
        models.alexnet(pretrained=True)


def test_basic_block_matches_torch():
    """The notes' two-layer residual block, with a 1x1 projection, against the same block in torch."""
    class TBlock(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(4, 8, 3, 2, 1, bias=False)
            self.bn1 = torch.nn.BatchNorm2d(8)
            self.relu = torch.nn.ReLU(inplace=True)
            self.conv2 = torch.nn.Conv2d(8, 8, 3, 1, 1, bias=False)
            self.bn2 = torch.nn.BatchNorm2d(8)
            self.downsample = torch.nn.Sequential(torch.nn.Conv2d(4, 8, 1, 2, bias=False), torch.nn.BatchNorm2d(8))

        def forward(self, x):
            idt = self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return self.relu(self.bn2(self.conv2(out)) + idt)

    tb = TBlock()
    eb = models.BasicBlock(4, 8, 2, ember.nn.Sequential(ember.nn.Conv2d(4, 8, 1, 2, bias=False),
                                                        ember.nn.BatchNorm2d(8)))
    eb.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tb.state_dict().items()})
    xa = np.random.RandomState(0).randn(2, 4, 8, 8).astype(np.float32)
    xe, xt = ember.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
    ye, yt = eb(xe), tb(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    ye.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(eb.conv1.weight.grad.numpy(), tb.conv1.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    assert list(eb.state_dict()) == list(tb.state_dict())
