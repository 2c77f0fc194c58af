"""LeNet on MNIST: the project's main job.

Trains the classic LeNet (written exactly as in the PyTorch tutorial, with the imports
changed) on the real MNIST data shipped inside anygrad -- a balanced 10,000-image subset of
the official training set -- and reports the accuracy on the full official 10,000-image
test set. No network is needed; ``--data-dir``/``--download`` use the full MNIST instead.

    python examples/lenet.py                       # NumPy backend, default settings
    python examples/lenet.py --backend torch       # the same model on PyTorch tensors
    python examples/lenet.py --stop-after 5 && \\
        python examples/lenet.py --resume lenet.ckpt  # the same final weights as one run
    OMP_NUM_THREADS=1 mpiexec -n 2 python examples/lenet.py --distributed  # data-parallel
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

# One BLAS/OpenMP thread unless you chose otherwise, set before NumPy loads OpenBLAS. The
# GEMMs of a LeNet step are small: on the 2-core reference machine, shared with other jobs,
# OpenBLAS's second thread spun against everything else and an epoch took 3-18 s instead of
# 0.6-0.7 s with one thread (see benchmarks/README.md). Export the variables to override.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np

import anygrad as torch
import anygrad.nn as nn
import anygrad.nn.functional as F
import anygrad.optim as optim
from anygrad.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        size = x.size()[1:]
        n = 1
        for s in size:
            n *= s
        return n


MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def prepare(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> normalised float32 (N, 1, 32, 32), padded as the classic LeNet."""
    x = images.astype(np.float32) / 255.0
    x = (x - MNIST_MEAN) / MNIST_STD
    x = np.pad(x, ((0, 0), (2, 2), (2, 2)), constant_values=(0.0 - MNIST_MEAN) / MNIST_STD)
    return x[:, None, :, :]


def load_data(args: argparse.Namespace, limit: int | None = None):
    if args.data_dir or args.download:
        from anygrad.data.datasets import MNIST

        root = args.data_dir
        train = MNIST(root, train=True, download=args.download)
        test = MNIST(root, train=False, download=args.download)
        arrays = (np.asarray(train.data), np.asarray(train.targets), np.asarray(test.data),
                  np.asarray(test.targets))
    else:
        from anygrad.data.datasets import load_embedded_mnist

        arrays = (*load_embedded_mnist(train=True), *load_embedded_mnist(train=False))
    xtr, ytr, xte, yte = arrays
    if limit:
        xtr, ytr, xte, yte = xtr[:limit], ytr[:limit], xte[:limit], yte[:limit]
    return prepare(xtr), ytr.astype(np.int64), prepare(xte), yte.astype(np.int64)


def random_shifts(x: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Translate every image by its own random offset of up to ``max_shift`` pixels per axis
    (data augmentation; the uncovered border gets the background value)."""
    k = max_shift
    background = (0.0 - MNIST_MEAN) / MNIST_STD
    padded = np.pad(x, ((0, 0), (0, 0), (k, k), (k, k)), constant_values=background)
    windows = np.lib.stride_tricks.sliding_window_view(padded, x.shape[2:], axis=(2, 3))
    n = len(x)
    dy, dx = rng.integers(0, 2 * k + 1, size=(2, n))
    return np.ascontiguousarray(windows[np.arange(n), 0, dy, dx][:, None])


class Progress:
    """A one-line progress bar, silent when stdout is not a terminal.

    tqdm's bar when tqdm is installed (the ``examples`` extra), a plain one otherwise.
    """

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = total, label
        self.enabled = sys.stdout.isatty()
        self.bar = None
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            # leave=False: the epoch's summary line replaces the bar, as with the plain one.
            self.bar = tqdm(total=total, desc=label, unit="batch", leave=False, file=sys.stdout,
                            dynamic_ncols=True)

    def update(self, done: int, loss: float, acc: float) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(f"loss {loss:.4f} acc {acc:.2%}", refresh=False)
            self.bar.update(done - self.bar.n)
            return
        width = 30
        filled = int(width * done / self.total)
        bar = "=" * filled + (">" if filled < width else "") + " " * (width - filled - 1)
        sys.stdout.write(f"\r{self.label} [{bar}] {done}/{self.total} loss {loss:.4f} acc {acc:.2%}")
        sys.stdout.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            sys.stdout.write("\r" + " " * 100 + "\r")
            sys.stdout.flush()


def evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray, backend: str, device, batch: int = 1000) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = torch.asarray(x[i:i + batch], backend=backend, device=device)
            pred = model(xb).argmax(dim=1).numpy()
            correct += int((pred == y[i:i + batch]).sum())
    model.train()
    return correct / len(x)


def make_optimizer(args: argparse.Namespace, params) -> optim.Optimizer:
    if args.optimizer == "sgd":
        return optim.SGD(params, lr=args.lr, momentum=0.9)
    return optim.Adam(params, lr=args.lr)


def save_plot(history: dict, path: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        print("matplotlib is not installed (pip install anygrad[examples]); no plot written")
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    epochs = range(1, len(history["train_loss"]) + 1)
    ax1.plot(epochs, history["train_loss"], marker="o")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("training loss")
    ax1.set_title("Loss")
    ax2.plot(epochs, [100 * a for a in history["train_acc"]], marker="o", label="train")
    ax2.plot(epochs, [100 * a for a in history["test_acc"]], marker="o", label="test")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy (%)")
    ax2.set_title("Accuracy")
    ax2.legend()
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"plot written to {path}")


# -- --distributed: data-parallel training over MPI (pip install 'anygrad[distributed]') ----
def setup_distributed(args: argparse.Namespace) -> tuple[int, int]:
    """Join the MPI job; rank 0 alone prints, saves and plots."""
    import anygrad.distributed as dist

    dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} must be a multiple of the {world} processes")
    if rank != 0:
        sys.stdout = open(os.devnull, "w")
    return rank, world


def distributed_loader(dataset, args: argparse.Namespace, epoch: int, world: int, backend, device):
    """This rank's shard of one epoch: --batch-size stays the global batch, split evenly."""
    from anygrad.data import DistributedSampler

    sampler = DistributedSampler(dataset, shuffle=True, seed=args.seed)
    sampler.set_epoch(epoch)  # the same permutation on every rank, a new one every epoch
    return DataLoader(dataset, batch_size=args.batch_size // world, sampler=sampler,
                      backend=backend, device=device)


def reduce_totals(total_loss: float, correct: int, seen: int) -> tuple[float, int, int]:
    """Sum the epoch's statistics over the ranks."""
    import anygrad.distributed as dist

    t = torch.tensor([total_loss, correct, seen], dtype=torch.float64, backend="numpy")
    dist.all_reduce(t)
    total_loss, correct, seen = t.tolist()
    return total_loss, int(correct), int(seen)


def train(args: argparse.Namespace) -> dict:
    backend = args.backend
    if backend == "jax":  # int64 labels (as PyTorch) need JAX's 64-bit mode; anygrad never sets it
        __import__("jax").config.update("jax_enable_x64", True)
    torch.set_default_backend(backend)
    device = args.device
    xtr, ytr, xte, yte = load_data(args, limit=args.limit)

    torch.manual_seed(args.seed)
    model = Net().to(backend=backend, device=device)
    optimizer = make_optimizer(args, model.parameters())
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=max(1, args.epochs // 3), gamma=args.gamma)
    history = {"train_loss": [], "train_acc": [], "test_acc": [], "epoch_time": []}
    start_epoch = 0
    if args.resume:
        state = torch.load(args.resume, backend=backend, device=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history = state["history"]
        start_epoch = int(state["epoch"])
        print(f"resumed from {args.resume} after epoch {start_epoch}")
    net, rank, world = model, 0, 1
    if args.distributed:
        from anygrad.nn.parallel import DistributedDataParallel

        rank, world = setup_distributed(args)
        model = DistributedDataParallel(net)  # starts every rank from rank 0's weights

    dataset = TensorDataset(torch.asarray(xtr), torch.asarray(ytr))
    steps = math.ceil(len(xtr) / args.batch_size)
    for epoch in range(start_epoch, args.epochs):
        # One generator per epoch: the order and the shifts depend only on (seed, epoch), so
        # a resumed run sees exactly the batches an uninterrupted one would.
        order = torch.Generator().manual_seed(args.seed * 1000 + epoch)
        if args.max_shift:
            shifted = random_shifts(xtr, args.max_shift, np.random.default_rng((args.seed, epoch)))
            dataset = TensorDataset(torch.asarray(shifted), torch.asarray(ytr))
        loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True, generator=order,
                            backend=backend, device=device)
        if args.distributed:
            loader = distributed_loader(dataset, args, epoch, world, backend, device)
            steps = len(loader)
        progress = Progress(steps, f"epoch {epoch + 1}/{args.epochs}")
        t0 = time.perf_counter()
        total_loss, correct, seen = 0.0, 0, 0
        for i, (xb, yb) in enumerate(loader, 1):
            optimizer.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            optimizer.step()
            n = len(yb)
            total_loss += loss.item() * n
            correct += int((out.detach().argmax(dim=1) == yb).sum().item())
            seen += n
            progress.update(i, total_loss / seen, correct / seen)
        progress.close()
        if args.distributed:
            total_loss, correct, seen = reduce_totals(total_loss, correct, seen)
        scheduler.step()
        elapsed = time.perf_counter() - t0
        test_acc = evaluate(net, xte, yte, backend, device)
        history["train_loss"].append(total_loss / seen)
        history["train_acc"].append(correct / seen)
        history["test_acc"].append(test_acc)
        history["epoch_time"].append(elapsed)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total_loss / seen:.4f}, train acc "
              f"{correct / seen:.2%}, test acc {test_acc:.2%}, {elapsed:.1f} s")
        if args.checkpoint and rank == 0:
            torch.save({"model": net.state_dict(), "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(), "history": history,
                        "epoch": epoch + 1}, args.checkpoint)
        if args.stop_after and epoch + 1 >= args.stop_after:
            print(f"stopping after epoch {epoch + 1} as asked (--stop-after)")
            break

    final = history["test_acc"][-1] if history["test_acc"] else float("nan")
    times = history["epoch_time"]
    print(f"test accuracy {final:.2%} on {len(xte)} official test images; "
          f"{np.mean(times) if times else float('nan'):.1f} s per epoch on backend {backend}")
    if args.checkpoint:
        print(f"checkpoint written to {args.checkpoint}")
    if args.plot and rank == 0:
        save_plot(history, args.plot)
    return {"model": net, "history": history, "test_acc": final}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train LeNet on MNIST with anygrad.")
    p.add_argument("--backend", default=os.environ.get("ANYGRAD_BACKEND", "numpy"),
                   choices=["numpy", "cupy", "torch", "jax", "array_api_strict"])
    p.add_argument("--device", default=None, help="a device of the backend, e.g. cuda:0 or device1")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=None, help="default 3e-3 (adam) or 0.05 (sgd)")
    p.add_argument("--gamma", type=float, default=0.3, help="StepLR decay every epochs/3")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--max-shift", type=int, default=1,
                   help="shift each training image by up to N pixels, anew every epoch (0: off)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", default=None, help="folder with the official MNIST IDX files")
    p.add_argument("--download", action="store_true", help="download the full MNIST into --data-dir")
    p.add_argument("--checkpoint", default="lenet.ckpt", help="where to save (empty: don't)")
    p.add_argument("--resume", default=None, help="a checkpoint to resume from")
    p.add_argument("--plot", default="lenet.png", help="PNG of loss and accuracy (empty: none)")
    p.add_argument("--limit", type=int, default=None, help="use only the first N images (smoke tests)")
    p.add_argument("--distributed", action="store_true",
                   help="data-parallel over MPI: mpiexec -n 2 python examples/lenet.py --distributed")
    p.add_argument("--stop-after", type=int, default=None, help="stop after this epoch (to test --resume)")
    args = p.parse_args(argv)
    if args.lr is None:
        args.lr = 3e-3 if args.optimizer == "adam" else 0.05
    return args


if __name__ == "__main__":
    train(parse_args())
