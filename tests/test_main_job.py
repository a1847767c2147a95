"""The main job (ember.examples.train) trains to >= 97% and writes a checkpoint torch can read."""
import torch

from ember.examples import train


def test_digits_cnn_end_to_end(tmp_path):
    out = tmp_path / "digits.pth"
    acc = train.main(["--epochs", "12", "--workers", "2", "--out", str(out)])
    assert acc >= 0.97
    ck = torch.load(out, weights_only=True)
    assert ck["test_accuracy"] == acc and "conv1.weight" in ck["model"]
    _torch_net().load_state_dict(ck["model"])  # the same architecture written in torch loads it


def _torch_net():
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
            self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(256, 128)
            self.fc2 = nn.Linear(128, 10)
            self.dropout = nn.Dropout(0.25)
    return Net()
