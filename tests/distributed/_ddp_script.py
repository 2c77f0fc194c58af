"""Run under mpiexec: K steps of DDP training must equal one process training on the
concatenated batches. Usage: mpiexec -n N python _ddp_script.py BACKEND [DEVICE]"""

import sys

import numpy as np

import anygrad
import anygrad.distributed as dist
from anygrad import nn
from anygrad.nn.parallel import DistributedDataParallel as DDP

backend = sys.argv[1]
device = sys.argv[2] if len(sys.argv) > 2 else None
anygrad.set_default_backend(backend)
dist.init_process_group()
rank, world = dist.get_rank(), dist.get_world_size()
dtype = anygrad.float64


class Net(nn.Module):
    def __init__(self, unused=False):
        super().__init__()
        self.fc1 = nn.Linear(5, 16)
        self.fc2 = nn.Linear(16, 3)
        self.extra = nn.Linear(3, 3) if unused else None
        self.register_buffer("scale", anygrad.ones(3))

    def forward(self, x):
        return self.fc2(anygrad.tanh(self.fc1(x))) * self.scale


def make(seed, unused=False):
    anygrad.manual_seed(seed)
    net = Net(unused).to(dtype=dtype, backend=backend, device=device)
    with anygrad.no_grad():
        net.scale.fill_(float(seed + 1))
    return net


def as_t(a):
    return anygrad.asarray(a, backend=backend, device=device)


def loss_fn(out, y):
    return ((out - y) ** 2).mean()


def params(m):
    return [p.detach().numpy() for p in m.parameters()]


K, B = 4, 6  # steps, samples per rank per step
rng = np.random.default_rng(123)
X = rng.standard_normal((K, 2, world * B, 5))
Y = rng.standard_normal((K, 2, world * B, 3))

failures = []


def check(name, a, b, tol=1e-10):
    for i, (u, v) in enumerate(zip(a, b)):
        if u.shape != v.shape or not np.allclose(u, v, rtol=tol, atol=tol):
            failures.append(f"{name}: tensor {i} differs by {np.max(np.abs(u - v)) if u.shape == v.shape else 'shape'}")


# 1. Plain DDP vs one process on the concatenated batches; a tiny bucket cap forces several
#    buckets, so gradients are reduced while backward is still running.
ref = make(0)
model = DDP(make(rank), bucket_cap_mb=0.0005)  # ranks start different: DDP broadcasts rank 0
if len(model.reducer.layout) < 2:
    failures.append(f"expected several buckets, got {model.reducer.layout}")
check("initial broadcast", params(model.module), params(ref))
if float(model.module.scale.numpy()[0]) != 1.0:
    failures.append("buffer not broadcast")
opt = anygrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
ropt = anygrad.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
for k in range(K):
    shard = slice(rank * B, (rank + 1) * B)
    opt.zero_grad()
    loss_fn(model(as_t(X[k, 0, shard])), as_t(Y[k, 0, shard])).backward()
    opt.step()
    ropt.zero_grad()
    loss_fn(ref(as_t(X[k, 0])), as_t(Y[k, 0])).backward()
    ropt.step()
check("DDP vs single process", params(model.module), params(ref))

# 2. Gradient accumulation: micro-batch 0 under no_sync, micro-batch 1 synchronised.
ref = make(0)
model = DDP(make(rank), bucket_cap_mb=0.0005)
opt = anygrad.optim.SGD(model.parameters(), lr=0.05)
ropt = anygrad.optim.SGD(ref.parameters(), lr=0.05)
for k in range(K):
    shard = slice(rank * B, (rank + 1) * B)
    opt.zero_grad()
    with model.no_sync():
        loss_fn(model(as_t(X[k, 0, shard])), as_t(Y[k, 0, shard])).backward()
    loss_fn(model(as_t(X[k, 1, shard])), as_t(Y[k, 1, shard])).backward()
    opt.step()
    ropt.zero_grad()
    for m in range(2):
        loss_fn(ref(as_t(X[k, m])), as_t(Y[k, m])).backward()
    ropt.step()
check("no_sync accumulation", params(model.module), params(ref))

# 3. find_unused_parameters: a parameter outside the graph does not block the sync.
model = DDP(make(rank, unused=True), find_unused_parameters=True)
for k in range(2):
    model.zero_grad()
    loss_fn(model(as_t(X[k, 0, :B])), as_t(Y[k, 0, :B])).backward()
if model.module.extra.weight.grad is None or np.any(model.module.extra.weight.grad.numpy() != 0):
    failures.append("unused parameter should get a zero averaged gradient")
if model.module.fc1.weight.grad is None:
    failures.append("used parameter has no gradient")

# 4. Without find_unused_parameters the next forward says what went wrong.
model = DDP(make(rank, unused=True))
loss_fn(model(as_t(X[0, 0, :B])), as_t(Y[0, 0, :B])).backward()
try:
    model(as_t(X[0, 0, :B]))
    failures.append("missing gradients were not reported")
except RuntimeError as e:
    if "find_unused_parameters" not in str(e):
        failures.append(f"unclear message: {e}")
model.finish_gradient_sync()  # nothing pending: a no-op on every rank

from mpi4py import MPI  # noqa: E402

everyone = MPI.COMM_WORLD.gather(failures, root=0)
if rank == 0:
    bad = [f"rank {r}: {f}" for r, fs in enumerate(everyone) for f in fs]
    print("\n".join(bad) if bad else f"OK {backend} world={world}")
    sys.stdout.flush()
dist.barrier()
