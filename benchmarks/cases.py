"""Benchmark cases, one library per process: ``python benchmarks/cases.py CASE LIB``.

Prints one JSON line: ``{"case": ..., "lib": ..., "value": <median>, "unit": ..., ...}``.
LIB ``both`` runs anygrad and PyTorch in this one process, alternating blocks of runs
(the step cases only; the line then also has ``torch`` and ``ratio``).
LIB is ``anygrad`` (NumPy backend) or ``torch``; ``mygrad``/``autograd`` are accepted for the
per-op cases where installed. ``benchmarks/run.py`` runs these side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np


def _lib(name: str):
    if name == "anygrad":
        import anygrad

        return anygrad
    if name == "torch":
        import torch

        return torch
    raise SystemExit(f"unknown library {name}")


def _no_sync() -> None:
    pass


# BENCH_DEVICE=cuda (benchmarks/gpu.sh) runs anygrad on CuPy and PyTorch on CUDA; GPU work
# is asynchronous, so each timed call ends by waiting for the device.
_sync = _no_sync


def _setup_device(lib: str) -> None:
    global _sync
    device = os.environ.get("BENCH_DEVICE", "cpu")
    if device == "cpu":
        return
    if lib == "torch":
        import torch

        torch.set_default_device(device)
        _sync = torch.cuda.synchronize
    else:
        import cupy

        import anygrad

        anygrad.set_default_backend("cupy")
        _sync = cupy.cuda.Device().synchronize


def _timeit(fn, reps: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    _sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        _sync()
        times.append(time.perf_counter() - t0)
    return times


# -- 1, 2: per-operation overhead ------------------------------------------------------------
def _chain_step(lib, n_ops: int, backward: bool):
    if lib == "mygrad":
        import mygrad as mg

        x = mg.tensor(np.linspace(0.1, 1.0, 16))

        def step():
            y = x
            for _ in range(n_ops // 2):
                y = y * 1.0001
                y = y + 0.5
            if backward:
                mg.sum(y).backward()
        return step
    if lib == "autograd":
        import autograd
        import autograd.numpy as anp

        def f(x):
            y = x
            for _ in range(n_ops // 2):
                y = y * 1.0001
                y = y + 0.5
            return anp.sum(y)
        g = autograd.grad(f)
        x0 = np.linspace(0.1, 1.0, 16)
        return (lambda: g(x0)) if backward else (lambda: f(x0))
    m = _lib(lib)
    x = m.tensor(np.linspace(0.1, 1.0, 16), requires_grad=True)

    def step():
        y = x
        for _ in range(n_ops // 2):
            y = y * 1.0001
            y = y + 0.5
        if backward:
            y.sum().backward()
    return step


def case_per_op(lib: str, reps: int) -> dict:
    times = _timeit(_chain_step(lib, 100, True), reps * 20)
    return {"value": statistics.median(times) / 101 * 1e6, "unit": "us/op"}


def case_per_op_forward(lib: str, reps: int) -> dict:
    if lib == "torch":
        import torch

        with torch.no_grad():
            pass
    times = _timeit(_chain_step(lib, 100, False), reps * 20)
    return {"value": statistics.median(times) / 100 * 1e6, "unit": "us/op"}


def case_chain_100k(lib: str, reps: int) -> dict:
    times = _timeit(_chain_step(lib, 100_000, True), max(3, reps // 2), warmup=1)
    return {"value": statistics.median(times) / 100_001 * 1e6, "unit": "us/op"}


# -- 3, 4, 5: training steps ---------------------------------------------------------------
def _mlp(lib: str):
    m = _lib(lib)
    m.manual_seed(0)
    nn = m.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    opt = m.optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = m.tensor(rng.standard_normal((128, 784)).astype(np.float32))
    y = m.tensor(rng.integers(0, 10, 128))

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def case_mlp_step(lib: str, reps: int) -> dict:
    times = _timeit(_mlp(lib), reps * 5)
    return {"value": statistics.median(times) * 1e3, "unit": "ms/step"}


def _lenet(lib: str, batch: int):
    m = _lib(lib)
    nn, F = m.nn, m.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16 * 6 * 6, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, 16 * 6 * 6)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    m.manual_seed(0)
    model = Net()
    opt = m.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = m.tensor(rng.standard_normal((batch, 1, 32, 32)).astype(np.float32))
    y = m.tensor(rng.integers(0, 10, batch))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def case_lenet_64(lib: str, reps: int) -> dict:
    times = _timeit(_lenet(lib, 64), reps * 5)
    return {"value": statistics.median(times) * 1e3, "unit": "ms/step"}


def case_lenet_256(lib: str, reps: int) -> dict:
    times = _timeit(_lenet(lib, 256), reps * 3)
    return {"value": statistics.median(times) * 1e3, "unit": "ms/step"}


def case_conv2d(lib: str, reps: int) -> dict:
    m = _lib(lib)
    F = m.nn.functional
    rng = np.random.default_rng(0)
    x1 = m.tensor(rng.standard_normal((64, 1, 32, 32)).astype(np.float32), requires_grad=True)
    w1 = m.tensor(rng.standard_normal((6, 1, 3, 3)).astype(np.float32), requires_grad=True)
    x2 = m.tensor(rng.standard_normal((64, 6, 15, 15)).astype(np.float32), requires_grad=True)
    w2 = m.tensor(rng.standard_normal((16, 6, 3, 3)).astype(np.float32), requires_grad=True)

    def step():
        (F.conv2d(x1, w1).sum() + F.conv2d(x2, w2).sum()).backward()
    times = _timeit(step, reps * 5)
    return {"value": statistics.median(times) * 1e3, "unit": "ms (2 convs f+b)"}


def _lstm(lib: str):
    m = _lib(lib)
    m.manual_seed(0)
    model = m.nn.LSTM(32, 64)
    opt = m.optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = m.tensor(rng.standard_normal((20, 16, 32)).astype(np.float32))  # (seq, batch, features)

    def step():
        opt.zero_grad()
        out, _ = model(x)
        loss = (out * out).mean()
        loss.backward()
        opt.step()
    return step


def case_lstm(lib: str, reps: int) -> dict:
    times = _timeit(_lstm(lib), reps * 10)
    return {"value": statistics.median(times) * 1e3, "unit": "ms/step"}


# -- the step cases in one process, interleaved ---------------------------------------------
# case: (step builder, runs per --reps, scale of a run's seconds, unit). The issue's own
# figures were taken so ("same process, alternating rounds"): on a machine whose speed
# drifts by 2x within a minute, blocks of runs of the two libraries alternated a few
# milliseconds apart see the same machine, which separate processes seconds apart do not.
# Both libraries then share the process: fair for per_op (no threads on either side); for
# the threaded cases PyTorch's OpenMP threads and OpenBLAS's coexist, so run.py keeps
# separate processes as its default.
STEPS = {
    "per_op": (lambda lib: _chain_step(lib, 100, True), 20, 1e6 / 101, "us/op"),
    "per_op_forward": (lambda lib: _chain_step(lib, 100, False), 20, 1e6 / 100, "us/op"),
    "mlp_step": (_mlp, 5, 1e3, "ms/step"),
    "lenet_64": (lambda lib: _lenet(lib, 64), 5, 1e3, "ms/step"),
    "lenet_256": (lambda lib: _lenet(lib, 256), 3, 1e3, "ms/step"),
    "lstm": (_lstm, 10, 1e3, "ms/step"),
}
_BLOCK = 5  # runs of one library between switches


def interleaved(case: str, reps: int) -> dict:
    build, per_rep, scale, unit = STEPS[case]
    libs = ("anygrad", "torch")
    steps = {lib: build(lib) for lib in libs}
    for lib in libs:
        for _ in range(3):
            steps[lib]()
    _sync()
    times: dict = {lib: [] for lib in libs}
    for block in range(max(2, reps * per_rep // _BLOCK)):
        for lib in (libs if block % 2 == 0 else libs[::-1]):
            step, out = steps[lib], times[lib]
            for _ in range(_BLOCK):
                t0 = time.perf_counter()
                step()
                _sync()
                out.append(time.perf_counter() - t0)
    a, t = (statistics.median(times[lib]) * scale for lib in libs)
    return {"value": a, "torch": t, "ratio": a / t, "unit": unit,
            "min_ratio": min(times["anygrad"]) / min(times["torch"])}


# -- 6: data loading -----------------------------------------------------------------------
def case_dataloader(lib: str, reps: int) -> dict:
    from anygrad.data.datasets import load_embedded_mnist

    images, labels = load_embedded_mnist(train=True)
    x = (images.astype(np.float32) / 255.0)[:, None]
    m = _lib(lib)
    if lib == "torch":
        from torch.utils.data import DataLoader, TensorDataset
    else:
        from anygrad.data import DataLoader, TensorDataset
    ds = TensorDataset(m.tensor(x), m.tensor(labels))

    def epoch():
        for _ in DataLoader(ds, batch_size=64, shuffle=True):
            pass
    times = _timeit(epoch, max(3, reps // 2), warmup=1)
    n_batches = -(-len(x) // 64)
    return {"value": statistics.median(times) / n_batches * 1e3, "unit": "ms/batch"}


# -- 7: memory -------------------------------------------------------------------------
def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def case_memory(lib: str, reps: int) -> dict:
    step = _lenet(lib, 64)
    samples = []
    for i in range(1000):
        step()
        if i % 100 == 99:
            samples.append(_rss_mb())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    growth = samples[-1] - samples[1]
    return {"value": peak, "unit": "MB peak RSS", "steady_mb": samples[-1],
            "growth_mb_100_to_1000": growth, "samples_mb": [round(s, 1) for s in samples]}


CASES = {
    "per_op": case_per_op,
    "per_op_forward": case_per_op_forward,
    "chain_100k": case_chain_100k,
    "mlp_step": case_mlp_step,
    "lenet_64": case_lenet_64,
    "lenet_256": case_lenet_256,
    "conv2d": case_conv2d,
    "lstm": case_lstm,
    "dataloader": case_dataloader,
    "memory": case_memory,
}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("lib", choices=["anygrad", "torch", "mygrad", "autograd", "both"],
                   help="both: anygrad and PyTorch in this process, interleaved (step cases)")
    p.add_argument("--reps", type=int, default=10)
    a = p.parse_args()
    if a.lib == "both" and a.case not in STEPS:
        raise SystemExit(f"{a.case}: 'both' is for the step cases {sorted(STEPS)}")
    if a.lib in ("torch", "both"):
        import torch

        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", torch.get_num_threads())))
    if a.lib in ("anygrad", "both") and os.environ.get("BENCH_KERNEL_BLAS") == "off":
        # For before/after figures: BLAS threads left as they are inside the NumPy kernels.
        from anygrad.fastpaths import numpy as np_fast

        np_fast.set_kernel_blas_threads(None)
    if a.lib == "both":
        global _sync
        _setup_device("torch")
        torch_sync = _sync
        _setup_device("anygrad")
        anygrad_sync = _sync
        _sync = lambda: (torch_sync(), anygrad_sync())  # noqa: E731 - both devices' queues
        out = interleaved(a.case, a.reps)
        print(json.dumps(dict(out, case=a.case, lib="both")))
        return
    _setup_device(a.lib)
    out = CASES[a.case](a.lib, a.reps)
    out.update(case=a.case, lib=a.lib)
    print(json.dumps(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
