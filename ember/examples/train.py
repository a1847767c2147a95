"""The main job: train a small CNN on scikit-learn's handwritten digits, end to end.

    python -m ember.examples.train [--epochs 12] [--workers 2] [--out runs/digits_cnn.pth]

A copyable example of the whole PyTorch workflow with ``import ember as torch``:
a Dataset over real images (1797 8x8 digits shipped inside scikit-learn, no
download), Normalize statistics computed on the training split, a transform
pipeline with augmentation, a DataLoader with worker processes, the usual
PyTorch training loop with a progress bar, evaluation under ``no_grad``, and a
checkpoint saved in PyTorch's format (``torch.load`` reads it).
"""
import argparse
import os
import time

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, Dataset
from ember.vision import transforms
from ember.vision.datasets import mean_std

try:
    from tqdm import tqdm
except ImportError:  # the progress bar is optional
    tqdm = None


class Digits(Dataset):
    """scikit-learn's digits as a map-style dataset of (1x8x8 float image, label)."""

    def __init__(self, images, labels, transform=None):
        self.images = images          # (N, 8, 8) float32 in [0, 1]
        self.labels = labels          # (N,) int64
        self.transform = transform

    def __getitem__(self, index):
        img = self.images[index][:, :, None]          # HWC, as an image loader gives
        if self.transform is not None:
            img = self.transform(img)
        return img, int(self.labels[index])

    def __len__(self):
        return len(self.labels)


class Net(nn.Module):
    """The notes' CNN: conv-relu-pool, conv-relu-pool, flatten, linear-relu, linear."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64 * 2 * 2, 128)
        self.fc2 = nn.Linear(128, num_classes)
        self.dropout = nn.Dropout(0.25)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))     # 32 x 4 x 4
        x = self.pool(F.relu(self.conv2(x)))     # 64 x 2 x 2
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


def load_splits(seed=0, test_fraction=0.2):
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ModuleNotFoundError(
            "this example reads scikit-learn's bundled digits data set: install the example's "
            "extras with  pip install \"ember[examples]\"  (or run  bash scripts/train.sh)") from e

    d = load_digits()
    images = (d.images / 16.0).astype(np.float32)
    labels = d.target.astype(np.int64)
    order = np.random.RandomState(seed).permutation(len(labels))
    n_test = int(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (images[train], labels[train]), (images[test], labels[test])


def evaluate(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            pred = model(inputs).argmax(1)
            correct += (pred == labels).sum().item()
            total += labels.numel()
    return correct / total


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", default=os.path.join("runs", "digits_cnn.pth"))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    t_start = time.perf_counter()
    torch.manual_seed(args.seed)

    (xtr, ytr), (xte, yte) = load_splits(args.seed)
    # Normalize statistics computed on our own training data, as the notes advise
    mean, std = mean_std(Digits(xtr, ytr, transforms.ToTensor()))
    print(f"digits: {len(ytr)} train / {len(yte)} test images, 8x8; "
          f"train mean {mean.tolist()} std {std.tolist()}")
    normalize = transforms.Normalize(mean.tolist(), std.tolist())
    train_tf = transforms.Compose([transforms.ToTensor(),
                                   transforms.RandomRotation(10),
                                   normalize])
    test_tf = transforms.Compose([transforms.ToTensor(), normalize])
    train_loader = DataLoader(Digits(xtr, ytr, train_tf), batch_size=args.batch_size, shuffle=True,
                              num_workers=args.workers, persistent_workers=args.workers > 0)
    test_loader = DataLoader(Digits(xte, yte, test_tf), batch_size=256)

    net = Net()
    print(net)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    for epoch in range(args.epochs):  # loop over the dataset multiple times
        net.train()
        running_loss = 0.0
        batches = tqdm(train_loader, desc=f"epoch {epoch + 1}", leave=False, disable=None) if tqdm else train_loader
        for _i, data in enumerate(batches, 0):
            inputs, labels = data                  # get the inputs
            optimizer.zero_grad()                  # zero the parameter gradients
            outputs = net(inputs)                  # forward + backward + optimize
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        scheduler.step()
        acc = evaluate(net, test_loader)
        print(f"[epoch {epoch + 1:2d}] loss: {running_loss / len(train_loader):.3f}  "
              f"test accuracy: {acc:.4f}  lr: {scheduler.get_last_lr()[0]:.4f}")

    acc = evaluate(net, test_loader)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict(),
                "epoch": args.epochs, "test_accuracy": acc,
                "normalize": {"mean": mean.tolist(), "std": std.tolist()}}, args.out)
    print(f"Finished Training: test accuracy {acc:.4f} on {len(yte)} held-out digits "
          f"in {time.perf_counter() - t_start:.1f}s; checkpoint saved to {args.out}")
    return acc


if __name__ == "__main__":
    main()
