"""The main job (for now): fit a cubic polynomial to sin(x) with autograd and manual SGD steps.

Run: ``python -m ember.examples.polynomial``. The first main job; now
``ember.examples.train`` trains a CNN.
"""
import math
import time

import ember as torch


def main():
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x) if hasattr(torch, "sin") else torch.tensor([math.sin(v) for v in x.tolist()])
    a, b, c, d = (torch.zeros((), requires_grad=True) for _ in range(4))
    lr = 1e-6
    t0 = time.perf_counter()
    for step in range(2000):
        pred = a + b * x + c * x * x + d * x * x * x
        diff = pred - y
        loss = (diff * diff).sum()
        if step % 400 == 399:
            print(f"step {step + 1:5d}  loss {loss.item():10.4f}")
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    print(f"fitted y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3 "
          f"in {time.perf_counter() - t0:.2f}s (final loss {loss.item():.3f})")


if __name__ == "__main__":
    main()
