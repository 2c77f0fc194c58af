"""DataLoader throughput on the embedded MNIST (batch 64), next to the LeNet step it feeds.

    python benchmarks/bench_dataloader.py [--backend numpy] [--epochs 2] [--workers 0 2]

Prints images/s and ms/batch for three pipelines -- a TensorDataset of pre-processed
tensors (what examples/lenet.py does), EmbeddedMNIST with ToTensor + Normalize per sample,
and the same with worker processes -- and, when anygrad.nn is available, one LeNet training
step on the same batch size, with the loader's share of the step time (the target is < 10%).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import anygrad
from anygrad.data import DataLoader, TensorDataset
from anygrad.data import transforms as T
from anygrad.data.datasets import EmbeddedMNIST, load_embedded_mnist

BATCH = 64


def time_epochs(make_loader, epochs: int) -> tuple[float, int]:
    """Median seconds per batch over `epochs` full epochs (after one warm-up batch)."""
    per_batch = []
    for _ in range(epochs):
        loader = make_loader()
        it = iter(loader)
        next(it)  # warm-up: worker start-up is not throughput
        n, t0 = 0, time.perf_counter()
        for _ in it:
            n += 1
        per_batch.append((time.perf_counter() - t0) / max(n, 1))
    return statistics.median(per_batch), n


def lenet_step_ms(backend: str, reps: int = 20) -> float | None:
    try:
        nn = anygrad.nn
        F = nn.functional
        optim = anygrad.optim
    except AttributeError:
        try:
            import anygrad.nn as nn
            import anygrad.nn.functional as F
            import anygrad.optim as optim
        except ImportError:
            return None

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(1, 6, 5)
            self.c2 = nn.Conv2d(6, 16, 5)
            self.f1 = nn.Linear(16 * 5 * 5, 120)
            self.f2 = nn.Linear(120, 84)
            self.f3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.c1(x)), 2)
            x = F.max_pool2d(F.relu(self.c2(x)), 2)
            x = x.reshape(x.shape[0], -1)
            return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))

    anygrad.manual_seed(0)
    model = LeNet().to(backend=backend)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = anygrad.asarray(rng.standard_normal((BATCH, 1, 32, 32)).astype(np.float32), backend=backend)
    y = anygrad.asarray(rng.integers(0, 10, BATCH), backend=backend)
    times = []
    for i in range(reps + 3):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if i >= 3:
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", default="numpy")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--workers", type=int, nargs="*", default=[0, 2])
    args = p.parse_args()

    images, labels = load_embedded_mnist(train=True)
    x = np.pad((images.astype(np.float32) / 255 - 0.1307) / 0.3081, ((0, 0), (2, 2), (2, 2)))[:, None]
    tensor_ds = TensorDataset(anygrad.asarray(x), anygrad.asarray(labels))
    tf = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,)), T.Pad(2)])
    gen = anygrad.random.Generator(0)

    rows = []
    s, n = time_epochs(lambda: DataLoader(tensor_ds, batch_size=BATCH, shuffle=True, generator=gen,
                                          backend=args.backend), args.epochs)
    rows.append(("TensorDataset (pre-processed)", 0, s))
    for w in args.workers:
        s, n = time_epochs(lambda: DataLoader(EmbeddedMNIST(transform=tf), batch_size=BATCH, shuffle=True,
                                              generator=gen, num_workers=w, backend=args.backend), args.epochs)
        rows.append(("EmbeddedMNIST + ToTensor/Normalize/Pad", w, s))

    step = lenet_step_ms(args.backend)
    print(f"backend {args.backend}, batch {BATCH}, {len(images)} images, median of {args.epochs} epochs")
    print(f"{'pipeline':42s} {'workers':>7s} {'ms/batch':>9s} {'images/s':>10s} {'% of step':>9s}")
    for name, w, s in rows:
        share = f"{100 * s * 1e3 / step:8.1f}%" if step else "      n/a"
        print(f"{name:42s} {w:7d} {s * 1e3:9.3f} {BATCH / s:10.0f} {share}")
    if step:
        print(f"LeNet training step (batch {BATCH}): {step:.2f} ms")


if __name__ == "__main__":
    main()
