"""Data-parallel training over MPI: collectives, DistributedDataParallel and the sampler run
under ``mpiexec -n 2`` and ``-n 3`` (each script checks itself and prints ``OK``); the
sampler's arithmetic and the missing-MPI error are checked in process.

MPI is never initialised inside the pytest process (mpi4py initialises it on import), so
forked DataLoader workers of other tests are unaffected.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anygrad.data import DistributedSampler

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
# The mpich wheel puts mpiexec beside the interpreter, which need not be on PATH (pyenv).
MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")
HAVE_MPI = MPIEXEC is not None and importlib.util.find_spec("mpi4py") is not None
needs_mpi = pytest.mark.skipif(
    not HAVE_MPI, reason="needs mpi4py and mpiexec (pip install 'anygrad[distributed]')"
)
TIMEOUT = 45  # seconds per mpiexec run: a hang fails the test instead of CI


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def mpirun(n: int, script: str, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    cmd = [MPIEXEC, "-n", str(n)]
    version = subprocess.run([MPIEXEC, "--version"], capture_output=True, text=True).stdout
    if "Open MPI" in version or "OpenRTE" in version:
        cmd += ["--oversubscribe", "--allow-run-as-root"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    try:
        return subprocess.run(
            [*cmd, sys.executable, str(HERE / script), *args],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"mpiexec -n {n} {script} {' '.join(args)} hung for more than {timeout} s: {e.stdout}{e.stderr}")


def assert_ok(proc: subprocess.CompletedProcess) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "OK" in proc.stdout, out


# One mpiexec run per (world size, backend); optional backends skip where not installed.
DDP_CASES = [
    (2, "numpy", ""), (2, "array_api_strict", ""), (2, "array_api_strict", "device1"),
    (2, "torch", ""), (2, "jax", ""), (3, "numpy", ""), (3, "array_api_strict", ""),
]


@needs_mpi
@pytest.mark.parametrize("n,backend,device", DDP_CASES,
                         ids=[f"n{n}-{b}{'-' + d if d else ''}" for n, b, d in DDP_CASES])
def test_ddp_matches_single_process(n, backend, device):
    """K steps of DDP (several buckets, no_sync accumulation, unused parameters) give the
    parameters of one process training on the concatenated batches."""
    if backend not in ("numpy", "array_api_strict") and not _installed(backend):
        pytest.skip(f"{backend} is not installed")
    assert_ok(mpirun(n, "_ddp_script.py", backend, *([device] if device else [])))


COLLECTIVE_CASES = [
    (2, "numpy"), (2, "array_api_strict"), (2, "array_api_strict:device1"), (2, "torch"),
    (2, "jax"), (3, "numpy"), (3, "array_api_strict"),
]


@needs_mpi
@pytest.mark.parametrize("n,backend", COLLECTIVE_CASES,
                         ids=[f"n{n}-{b.replace(':', '-')}" for n, b in COLLECTIVE_CASES])
def test_collectives_and_sampler(n, backend):
    """all_reduce / broadcast / all_gather against per-rank formulas, error messages, DDP's
    replica check, and DistributedSampler shards from the process group."""
    name = backend.partition(":")[0]
    if name not in ("numpy", "array_api_strict") and not _installed(name):
        pytest.skip(f"{name} is not installed")
    assert_ok(mpirun(n, "_collectives_script.py", backend))


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_failing_rank_aborts_the_job(n):
    """A rank that raises makes the whole job fail promptly, with its error shown."""
    proc = mpirun(n, "_fail_script.py", timeout=30)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"boom on rank {n - 1}" in out, out
    assert "aborting all ranks" in out, out
    assert "UNREACHABLE" not in out


def test_without_mpi_import_works_and_use_says_what_to_install():
    code = (
        "import sys; sys.modules['mpi4py'] = None\n"
        "import anygrad, anygrad.distributed as dist, anygrad.nn.parallel\n"
        "assert not dist.is_available() and not dist.is_initialized()\n"
        "try:\n    dist.init_process_group()\nexcept ImportError as e:\n    print(e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "pip install" in proc.stdout and "mpi4py" in proc.stdout, proc.stdout


def test_uninitialized_group_errors():
    import anygrad
    import anygrad.distributed as dist

    assert not dist.is_initialized()
    with pytest.raises(RuntimeError, match="init_process_group"):
        dist.get_rank()
    with pytest.raises(RuntimeError, match="init_process_group"):
        dist.all_reduce(anygrad.tensor([1.0]))
    with pytest.raises(RuntimeError, match="init_process_group"):
        DistributedSampler(range(4))
    with pytest.raises(ValueError, match="mpi"):
        dist.init_process_group("nccl")


# -- DistributedSampler arithmetic (no MPI needed) ------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 5, 12, 13])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("shuffle", [False, True])
def test_sampler_shards_disjoint_and_cover(n, replicas, drop_last, shuffle):
    samplers = [DistributedSampler(range(n), num_replicas=replicas, rank=r, shuffle=shuffle,
                                   seed=7, drop_last=drop_last) for r in range(replicas)]
    shards = [list(s) for s in samplers]
    sizes = {len(s) for s in shards}
    assert sizes == {len(samplers[0])}, shards
    flat = [i for s in shards for i in s]
    assert all(0 <= i < n for i in flat)
    if drop_last:
        assert len(flat) == n - n % replicas
        assert len(set(flat)) == len(flat)
    else:
        assert set(flat) == set(range(n))
        assert len(flat) == (-(-n // replicas)) * replicas
        if n >= replicas:  # only the padding repeats, at most once per index
            assert len(flat) - len(set(flat)) == (-n) % replicas


def test_sampler_epochs_and_seed():
    """The order depends on (seed, epoch) only; both ranks use the same permutation."""
    s0 = DistributedSampler(range(50), num_replicas=2, rank=0, seed=1)
    s1 = DistributedSampler(range(50), num_replicas=2, rank=1, seed=1)
    e0 = list(s0)
    assert list(s0) == e0 and e0 != list(range(0, 50, 2))
    s0.set_epoch(1)
    s1.set_epoch(1)
    assert list(s0) != e0
    assert sorted(list(s0) + list(s1)) == list(range(50))
    assert list(DistributedSampler(range(50), num_replicas=2, rank=0, seed=2)) != e0


@pytest.mark.skipif(not _installed("torch"), reason="torch is not installed")
@pytest.mark.parametrize("n,replicas,drop_last", [(13, 3, False), (13, 3, True), (2, 3, False), (12, 4, False)])
def test_sampler_matches_torch_without_shuffle(n, replicas, drop_last):
    from torch.utils.data import DistributedSampler as TorchSampler

    for r in range(replicas):
        ours = DistributedSampler(range(n), num_replicas=replicas, rank=r, shuffle=False, drop_last=drop_last)
        theirs = TorchSampler(range(n), num_replicas=replicas, rank=r, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(num_replicas=0, rank=0), "num_replicas"),
    (dict(num_replicas=2, rank=2), "rank"),
    (dict(num_replicas=2, rank=-1), "rank"),
    (dict(num_replicas=2.0, rank=0), "num_replicas"),
])
def test_sampler_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DistributedSampler(range(4), **kwargs)


@needs_mpi
def test_lenet_example_distributed(tmp_path):
    """examples/lenet.py --distributed trains under mpiexec -n 2; rank 0 alone reports and
    writes the checkpoint, which holds the plain model's keys (no DDP "module." prefix)."""
    ckpt = tmp_path / "lenet.ckpt"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [MPIEXEC, "-n", "2", sys.executable, str(ROOT / "examples" / "lenet.py"), "--distributed",
         "--epochs", "1", "--limit", "512", "--checkpoint", str(ckpt), "--plot", ""],
        capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=tmp_path,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert proc.stdout.count("test accuracy") == 1, out
    import anygrad

    state = anygrad.load(str(ckpt))
    assert "conv1.weight" in state["model"], list(state["model"])
