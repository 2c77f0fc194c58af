"""Run under mpiexec: collectives on every backend named in argv, checked against values
each rank can compute itself. Usage: mpiexec -n N python _collectives_script.py B[:DEVICE]..."""

import sys

import numpy as np
from mpi4py import MPI

import anygrad
import anygrad.distributed as dist
from anygrad import nn
from anygrad.data import DataLoader, DistributedSampler, TensorDataset
from anygrad.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group()
rank, world = dist.get_rank(), dist.get_world_size()
failures = []


def expect(name, got, want):
    got = np.asarray(got)
    want = np.asarray(want)
    if got.shape != want.shape or got.dtype != want.dtype or not np.array_equal(got, want):
        failures.append(f"{name}: got {got!r}, want {want!r}")


def raises(name, exc, fn, words):
    try:
        fn()
    except exc as e:
        if not all(w in str(e) for w in words):
            failures.append(f"{name}: unclear message {e}")
        return
    failures.append(f"{name}: did not raise {exc.__name__}")


ranks = np.arange(world, dtype=np.float64)
for spec in sys.argv[1:]:
    b, _, dev = spec.partition(":")
    dev = dev or None

    def T(v, dtype=None):
        return anygrad.tensor(v, backend=b, device=dev, dtype=dtype)

    x = T([[1.0 + rank, -2.0 * rank], [rank ** 2, 3.0]], anygrad.float64)
    alias = x.data  # shares the storage: must see the result
    before = x.array
    dist.all_reduce(x)
    want = np.array([[np.sum(1 + ranks), np.sum(-2 * ranks)], [np.sum(ranks ** 2), 3.0 * world]])
    expect(f"{spec} sum", x.numpy(), want)
    expect(f"{spec} alias", alias.numpy(), want)
    if x.device != T([0.0]).device:
        failures.append(f"{spec}: device changed to {x.device}")
    if x._backend.mutable and not np.allclose(x._backend.to_numpy(before), want):
        failures.append(f"{spec}: all_reduce did not write into the tensor's memory")

    x = T([1.0 + rank, 2.0], anygrad.float32)
    dist.all_reduce(x, op=dist.ReduceOp.AVG)
    expect(f"{spec} mean", x.numpy(), np.array([np.mean(1 + ranks), 2.0], np.float32))
    x = T([rank, 10 - rank])
    dist.all_reduce(x, op="max")
    expect(f"{spec} max int", x.numpy(), np.array([world - 1, 10], np.int64))
    x = T([rank, 10 - rank])
    dist.all_reduce(x, op="min")
    expect(f"{spec} min int", x.numpy(), np.array([0, 11 - world], np.int64))
    x = T([rank == 0, False, True])
    dist.all_reduce(x, op="max")
    expect(f"{spec} max bool", x.numpy(), np.array([True, False, True]))
    x = T([2.0], anygrad.float64)
    dist.all_reduce(x, op="product")
    expect(f"{spec} product", x.numpy(), np.array([2.0 ** world]))

    x = T([float(rank), 7.0])
    dist.broadcast(x, src=world - 1)
    expect(f"{spec} broadcast", x.numpy(), np.array([world - 1, 7.0], np.float32))

    out = []
    dist.all_gather(out, T([[rank, 2 * rank]]))
    expect(f"{spec} all_gather", np.stack([o.numpy() for o in out]),
           np.array([[[r, 2 * r]] for r in range(world)], np.int64))
    fill = [T([[0, 0]]) for _ in range(world)]
    dist.all_gather(fill, T([[rank, 1]]))
    expect(f"{spec} all_gather into list", np.concatenate([f.numpy() for f in fill]),
           np.array([[r, 1] for r in range(world)], np.int64))

    x = T([1.0 * rank], anygrad.float64)
    work = dist.all_reduce(x, async_op=True)
    work.wait()
    expect(f"{spec} async", x.numpy(), np.array([ranks.sum()]))

    # a leaf parameter can be reduced (no autograd record), as with torch.distributed
    p = nn.Parameter(T([1.0 * rank]))
    dist.all_reduce(p)
    expect(f"{spec} parameter", p.detach().numpy(), np.array([ranks.sum()], np.float32))

    raises(f"{spec} bad op", ValueError, lambda: dist.all_reduce(T([1.0]), op="xor"), ["all_reduce", "xor"])
    raises(f"{spec} int mean", TypeError, lambda: dist.all_reduce(T([1]), op="mean"), ["all_reduce", "int64"])
    raises(f"{spec} not a tensor", TypeError, lambda: dist.all_reduce(np.ones(2)), ["all_reduce", "ndarray"])
    raises(f"{spec} src", ValueError, lambda: dist.broadcast(T([1.0]), src=world), ["broadcast", "src"])
    raises(f"{spec} list", ValueError, lambda: dist.all_gather([T([1.0])] * (world + 1), T([1.0])),
           ["all_gather", "world_size"])

# DDP refuses replicas that differ, on every rank alike (nobody hangs).
raises("DDP mismatch", ValueError, lambda: DDP(nn.Linear(3, 2 + (rank == world - 1))), ["differs", "rank"])
raises("DDP non-module", TypeError, lambda: DDP(lambda x: x), ["DistributedDataParallel", "Module"])

# DistributedSampler from the process group: disjoint shards that cover the dataset.
for n, drop_last in [(10 * world, False), (10 * world + 1, False), (10 * world + 1, True)]:
    sampler = DistributedSampler(range(n), shuffle=True, seed=3, drop_last=drop_last)
    sampler.set_epoch(2)
    mine = list(sampler)
    shards = MPI.COMM_WORLD.allgather(mine)
    if len(mine) != len(sampler) or len({len(s) for s in shards}) != 1:
        failures.append(f"sampler n={n}: unequal shard sizes {[len(s) for s in shards]}")
    flat = [i for s in shards for i in s]
    if drop_last or n % world == 0:
        if len(set(flat)) != len(flat):
            failures.append(f"sampler n={n} drop_last={drop_last}: shards overlap")
    if not drop_last and set(flat) != set(range(n)):
        failures.append(f"sampler n={n}: shards do not cover the dataset")

ds = TensorDataset(np.arange(8 * world, dtype=np.float32).reshape(-1, 1), np.arange(8 * world))
loader = DataLoader(ds, batch_size=3, sampler=DistributedSampler(ds, shuffle=False))
seen = [int(i) for _, y in loader for i in y.numpy()]
everyone = MPI.COMM_WORLD.allgather(seen)
if sorted(i for s in everyone for i in s) != list(range(8 * world)):
    failures.append(f"DataLoader + DistributedSampler: {everyone}")

everyone = MPI.COMM_WORLD.gather(failures, root=0)
if rank == 0:
    bad = [f"rank {r}: {f}" for r, fs in enumerate(everyone) for f in fs]
    print("\n".join(bad) if bad else f"OK world={world}")
    sys.stdout.flush()
dist.barrier()
