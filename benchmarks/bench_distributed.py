"""Seconds per LeNet epoch with 1 and 2 MPI processes (DistributedDataParallel).

    python benchmarks/bench_distributed.py [--procs 1 2] [--backend numpy] [--limit N]

Each configuration runs ``mpiexec -n P`` on this script in worker mode: LeNet (the model of
examples/lenet.py) trains one epoch of the embedded MNIST (10,000 images) with the global
batch fixed at 64 (64 / P per process, a DistributedSampler shard each), Adam, gradients
averaged by DDP. The epoch is timed from the first batch to a final barrier, after one
warm-up step. BLAS threads per process are set to cores / P so no configuration
oversubscribes the cores (2 processes x 2 threads ran 10x slower on a 2-core machine); one
process also runs with a single BLAS thread, which was the faster setting for LeNet here.
Prints one line per configuration and the speed-up over the best 1-process time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOBAL_BATCH = 64


def worker(args: argparse.Namespace) -> None:
    import numpy as np

    sys.path.insert(0, str(ROOT / "examples"))
    from lenet import Net, prepare  # the example's own model and preprocessing

    import anygrad
    import anygrad.distributed as dist
    import anygrad.nn.functional as F
    from anygrad.data import DataLoader, DistributedSampler, TensorDataset
    from anygrad.data.datasets import load_embedded_mnist
    from anygrad.nn.parallel import DistributedDataParallel

    dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    anygrad.set_default_backend(args.backend)
    x, y = load_embedded_mnist(train=True)
    if args.limit:
        x, y = x[: args.limit], y[: args.limit]
    dataset = TensorDataset(anygrad.asarray(prepare(x)), anygrad.asarray(y.astype(np.int64)))
    anygrad.manual_seed(0)
    model = DistributedDataParallel(Net().to(backend=args.backend))
    opt = anygrad.optim.Adam(model.parameters(), lr=1e-3)
    sampler = DistributedSampler(dataset, shuffle=True, seed=0)
    loader = DataLoader(dataset, batch_size=GLOBAL_BATCH // world, sampler=sampler, backend=args.backend)

    def step(xb, yb):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    batches = iter(loader)
    step(*next(batches))  # warm-up: first-call costs are not throughput
    dist.barrier()
    t0 = time.perf_counter()
    n = 1
    for xb, yb in batches:
        step(xb, yb)
        n += 1
    dist.barrier()
    elapsed = time.perf_counter() - t0
    # the epoch had n steps of which n - 1 were timed: scale to a whole epoch
    epoch = elapsed * n / max(n - 1, 1)
    if rank == 0:
        print(json.dumps({"procs": world, "epoch_s": epoch, "steps": n,
                          "ms_per_step": 1000 * elapsed / max(n - 1, 1)}))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    p.add_argument("--backend", default="numpy")
    p.add_argument("--limit", type=int, default=None, help="use only the first N images")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        raise SystemExit("mpiexec not found: pip install 'anygrad[distributed]' (mpi4py mpich)")
    cores = os.cpu_count() or 1
    print(f"LeNet, one epoch of {args.limit or 10000} images, global batch {GLOBAL_BATCH}, "
          f"backend {args.backend}, {cores} cores")
    configs = []
    for procs in args.procs:
        for threads in ([cores, 1] if procs == 1 else [max(1, cores // procs)]):
            if (procs, threads) not in configs:
                configs.append((procs, threads))
    base = None
    for procs, nthreads in configs:
        threads = str(nthreads)
        env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads,
                   MKL_NUM_THREADS=threads, PYTHONPATH=str(ROOT))
        cmd = [mpiexec, "-n", str(procs), sys.executable, __file__, "--worker",
               "--backend", args.backend] + (["--limit", str(args.limit)] if args.limit else [])
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
        if out.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        if procs == 1:
            base = min(base or r["epoch_s"], r["epoch_s"])
        speedup = f", speed-up {base / r['epoch_s']:.2f}x" if base and procs > 1 else ""
        print(f"{procs} process(es) x {threads} BLAS thread(s): {r['epoch_s']:.2f} s per epoch "
              f"({r['ms_per_step']:.1f} ms per step of {GLOBAL_BATCH // procs} images/process)"
              f"{speedup}")


if __name__ == "__main__":
    main()
