# Derived from pytorch/examples vae/main.py (BSD-3-Clause, see LICENSE-pytorch-examples):
# the same VAE and loss, on a small synthetic MNIST-shaped data set.
import numpy as np
import torch
from torch import nn, optim
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def main():
    torch.manual_seed(1)
    rs = np.random.RandomState(0)
    imgs = torch.from_numpy(rs.rand(96, 1, 28, 28).astype(np.float32))
    loader = DataLoader(TensorDataset(imgs, torch.zeros(96)), batch_size=32, shuffle=True)
    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    for epoch in (1, 2):
        model.train()
        for batch_idx, (data, _) in enumerate(loader):
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            optimizer.step()
            print(f"epoch {epoch} batch {batch_idx} loss: {loss.item() / len(data):.5f}")
        with torch.no_grad():
            sample = model.decode(torch.randn(8, 20))
            print(f"sample mean: {sample.mean().item():.6f}")


if __name__ == "__main__":
    main()
