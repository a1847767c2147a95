# Derived from pytorch/examples mnist/main.py (BSD-3-Clause, see LICENSE-pytorch-examples):
# the same network, optimizer and schedule, on a small synthetic MNIST-shaped data set.
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def data(n, seed):
    rs = np.random.RandomState(seed)
    labels = rs.randint(0, 10, n)
    imgs = rs.rand(n, 1, 28, 28).astype(np.float32) * 0.2
    for i, l in enumerate(labels):
        imgs[i, 0, 2 + 2 * l:5 + 2 * l, 4:24] = 1.0
    return TensorDataset(torch.from_numpy((imgs - 0.1307) / 0.3081), torch.from_numpy(labels))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batches", type=int, default=4)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args()
    torch.manual_seed(1)
    bs = args.batch_size
    train_loader = DataLoader(data(bs * args.batches, 0), batch_size=bs, shuffle=True)
    test_loader = DataLoader(data(2 * bs, 1), batch_size=2 * bs)
    model = Net()
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    for epoch in range(1, args.epochs + 1):
        model.train()
        for batch_idx, (x, target) in enumerate(train_loader):
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), target)
            loss.backward()
            optimizer.step()
            print(f"Train Epoch: {epoch} batch {batch_idx} loss: {loss.item():.6f}")
        model.eval()
        test_loss, correct = 0.0, 0
        with torch.no_grad():
            for x, target in test_loader:
                out = model(x)
                test_loss += F.nll_loss(out, target, reduction="sum").item()
                correct += out.argmax(dim=1).eq(target).sum().item()
        print(f"Test loss: {test_loss / (2 * bs):.6f} correct {correct}")
        scheduler.step()


if __name__ == "__main__":
    main()
