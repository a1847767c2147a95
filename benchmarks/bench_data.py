"""Issue 'data loading': DataLoader throughput (samples/s), MNIST-like map-style dataset.

    .venv/bin/python benchmarks/bench_data.py

10000 random 28x28 uint8 images held in a numpy array; __getitem__ returns
(transform(img), label). ember uses ember.vision.transforms ToTensor + Normalize;
torch (torchvision is not installed) does the same work with plain torch ops:
``torch.from_numpy(img).float().div(255).unsqueeze(0)`` then ``(x - mean) / std``.
batch 64, default collate, persistent_workers False (workers start every epoch, in both).
One warm-up epoch, then the median of EPOCHS full epochs, runs interleaved.
ratio = ember throughput / torch throughput (target >= 1.0: ember at least as fast).
"""
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

import ember  # noqa: E402
import torch  # noqa: E402
import ember.utils.data  # noqa: E402
import torch.utils.data  # noqa: E402

N, BATCH, EPOCHS = 10000, 64, 3
MEAN, STD = 0.1307, 0.3081


def make_images():
    rs = np.random.RandomState(0)
    return rs.randint(0, 256, (N, 28, 28), dtype=np.uint8), rs.randint(0, 10, N).astype(np.int64)


class TorchToTensorNormalize:
    def __init__(self):
        self.mean = torch.tensor([MEAN]).view(-1, 1, 1)
        self.std = torch.tensor([STD]).view(-1, 1, 1)

    def __call__(self, img):
        x = torch.from_numpy(img).float().div(255).unsqueeze(0)
        return (x - self.mean) / self.std


def ember_transform():
    from ember.vision import transforms as T
    return T.Compose([T.ToTensor(), T.Normalize((MEAN,), (STD,))])


def make_dataset(mod, images, labels, transform):
    class Images(mod.utils.data.Dataset):
        def __init__(self):
            self.images, self.labels, self.transform = images, labels, transform

        def __len__(self):
            return len(self.images)

        def __getitem__(self, i):
            return self.transform(self.images[i]), int(self.labels[i])

    return Images()


def epoch(loader):
    t0 = time.perf_counter()
    n = 0
    for x, y in loader:
        n += len(y)
    dt = time.perf_counter() - t0
    assert n == N, n
    return dt


def main():
    images, labels = make_images()
    ds = {"ember": make_dataset(ember, images, labels, ember_transform()),
          "torch": make_dataset(torch, images, labels, TorchToTensorNormalize())}
    # same values from both transforms
    xe, xt = ds["ember"][3][0], ds["torch"][3][0]
    assert tuple(xe.shape) == tuple(xt.shape) == (1, 28, 28), (xe.shape, xt.shape)
    np.testing.assert_allclose(xe.numpy(), xt.numpy(), rtol=1e-5, atol=1e-5)

    print(f"# DataLoader throughput: {N} 28x28 uint8 images, ToTensor+Normalize, batch {BATCH}; "
          f"torch {torch.__version__}, threads {torch.get_num_threads()}, cpus {os.cpu_count()}; "
          f"median of {EPOCHS} epochs after 1 warm-up")
    print(f"\n{'case':44s}{'ember':>16s}{'torch':>16s}{'ratio':>9s}{'target':>9s}")
    for nw in (0, 2):
        loaders = {
            "ember": ember.utils.data.DataLoader(ds["ember"], batch_size=BATCH, shuffle=True,
                                                 num_workers=nw, persistent_workers=False),
            "torch": torch.utils.data.DataLoader(ds["torch"], batch_size=BATCH, shuffle=True,
                                                 num_workers=nw, persistent_workers=False),
        }
        times = {"ember": [], "torch": []}
        failed = {}
        for k, ld in loaders.items():  # warm-up epoch
            try:
                epoch(ld)
            except Exception as e:
                failed[k] = e
                print(f"  ({k} failed, num_workers={nw}: {type(e).__name__}: {e})")
        for _ in range(EPOCHS):
            for k, ld in loaders.items():
                if k not in failed:
                    times[k].append(epoch(ld))
        rate = {k: N / statistics.median(v) for k, v in times.items() if v}
        cells = "".join(f"{rate[k]:12.0f} s/s" if k in rate else f"{'-':>16s}" for k in ("ember", "torch"))
        ratio = f"{rate['ember'] / rate['torch']:9.2f}" if len(rate) == 2 else f"{'-':>9s}"
        print(f"{f'epoch, num_workers={nw}':44s}{cells}{ratio}{'>=1.0':>9s}")


if __name__ == "__main__":
    main()
