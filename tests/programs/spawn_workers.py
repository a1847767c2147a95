# DataLoader workers started with "spawn": each worker is a fresh interpreter that imports
# this script as __mp_main__ and unpickles the data set (a class defined here), so `import
# torch` must resolve the same way there.
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class Squares(Dataset):
    def __init__(self, n):
        rs = np.random.RandomState(0)
        self.x = rs.rand(n, 4).astype(np.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        x = torch.from_numpy(self.x[i])
        return x, (x ** 2).sum(0, keepdim=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    extra = dict(multiprocessing_context="spawn", persistent_workers=True) if args.workers else {}
    loader = DataLoader(Squares(64), batch_size=16, num_workers=args.workers, **extra)
    for epoch in range(2):
        for i, (x, y) in enumerate(loader):
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            print(f"epoch {epoch} batch {i} loss: {loss.item():.6f}")
    print("worker tensor type:", type(x).__module__.split(".")[0] in ("torch", "ember"))


if __name__ == "__main__":
    main()
