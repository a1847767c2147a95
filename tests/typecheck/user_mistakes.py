"""Mistakes a type checker must catch in a program using ember (tests/test_typecheck.py): each
line marked ``# error: <code>`` must be reported with that mypy error code, and no other line."""
import ember
from ember import Tensor, nn
from ember.utils.data import DataLoader, TensorDataset

model = nn.Linear("4", 3)  # error: arg-type
x = ember.zeros(2, 4)
y = x.sume()  # error: attr-defined
n: str = x.numel()  # error: assignment
loader = DataLoader(TensorDataset(x), batch_size="2")  # error: arg-type
model.train("yes")  # error: arg-type
seq = nn.Sequential(model, nn.ReLU())
count: Tensor = len(seq)  # error: assignment
params: list[str] = list(model.parameters())  # error: arg-type
ok: Tensor = model.weight.t() @ x.sum(dim=0, keepdim=True)
