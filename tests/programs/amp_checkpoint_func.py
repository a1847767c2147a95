# Mixed precision (autocast + GradScaler), activation checkpointing and torch.func per-sample
# gradients in one small training program.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap
from torch.utils.checkpoint import checkpoint


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, 2 * d), nn.Linear(2 * d, d)

    def forward(self, x):
        return x + self.fc2(F.gelu(self.fc1(x)))


class Net(nn.Module):
    def __init__(self, d=16, n=3):
        super().__init__()
        self.blocks = nn.ModuleList(Block(d) for _ in range(n))
        self.head = nn.Linear(d, 4)
        self.checkpointing = True

    def forward(self, x):
        for b in self.blocks:
            x = checkpoint(b, x, use_reentrant=False) if self.checkpointing else b(x)
        return self.head(x)


def main():
    torch.manual_seed(0)
    x, y = torch.randn(32, 16), torch.randint(0, 4, (32,))
    model = Net()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    scaler = torch.amp.GradScaler("cpu", init_scale=256.0)
    for step in range(4):
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(x)
            loss = F.cross_entropy(logits, y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        print(f"step {step} {logits.dtype} loss: {loss.item():.5f} scale {scaler.get_scale()}")

    model.checkpointing = False   # torch.func does not take checkpoint's saved-tensor hooks
    params = {k: v.detach() for k, v in model.named_parameters()}

    def sample_loss(p, xi, yi):
        return F.cross_entropy(functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0))
    g = vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, x[:4], y[:4])
    print("per-sample grad norm loss:", f"{g['head.weight'].norm().item():.5f}")
    print(f"version ok: {torch.__version__ >= '2.0'}")


if __name__ == "__main__":
    main()
