"""A user's training program, written against ember's public API as one writes against torch's.

tests/test_typecheck.py runs mypy on it: ember's annotations and the Tensor stub must let a
correct program pass with no errors.
"""
import ember
import ember.nn.functional as F
from ember import Tensor, nn, optim
from ember.utils.data import DataLoader, Dataset, Sampler, TensorDataset


class Pairs(Dataset[tuple[Tensor, Tensor]]):
    def __init__(self, n: int) -> None:
        self.x = ember.randn(n, 4)
        self.y = ember.randint(0, 3, (n,))

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


class Net(nn.Module):
    def __init__(self, hidden: int = 8) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, hidden)
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(hidden, hidden), nn.Tanh())
        self.heads = nn.ModuleList([nn.Linear(hidden, 3)])
        self.scale = nn.Parameter(ember.ones(1))

    def forward(self, x: Tensor) -> Tensor:
        h = self.body(self.fc1(x))
        return self.heads[0](h) * self.scale


def train(epochs: int = 1) -> float:
    ember.manual_seed(0)
    model = Net()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    loader: DataLoader[tuple[Tensor, Tensor]] = DataLoader(Pairs(16), batch_size=4, shuffle=True)
    assert isinstance(loader.sampler, Sampler) and len(loader) == 4
    loss_fn = nn.CrossEntropyLoss()
    total = 0.0
    for _ in range(epochs):
        model.train()
        for x, y in loader:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            total += loss.item()
        sched.step()
    model.eval()
    with ember.no_grad():
        probs = F.softmax(model(ember.randn(2, 4)), dim=1)
    assert probs.shape == (2, 3)
    state = model.state_dict()
    model.load_state_dict(state)
    n_params: int = sum(p.numel() for p in model.parameters())
    assert n_params > 0
    adam = optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=0.0)
    adam.zero_grad(set_to_none=True)
    ds = TensorDataset(ember.zeros(4, 2), ember.zeros(4))
    for a, b in DataLoader(ds, batch_size=2):
        assert a.dim() == 2 and b.dim() == 1
    named = dict(model.named_parameters())
    assert "fc1.weight" in named
    w: Tensor = model.fc1.weight
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert w.requires_grad and len(grads) == 0 and model.fc1.bias is not None   # zero_grad(set_to_none)
    y = (w @ w.t()).relu().mean(dim=0, keepdim=True).exp() + 1.0
    assert y.dtype == ember.float32 and y.shape[0] == 1 and float(y.sum()) > 0
    return total


if __name__ == "__main__":
    print(train())
