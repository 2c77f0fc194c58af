"""Ranks never sum raw bits and never wait forever (issue 17), under ``mpiexec -n 2``.

A float32 tensor on one rank and an int32 one on another were all-reduced as raw bits; a
rank that exited normally left the others waiting in a collective forever. Collectives now
exchange dtype and shape first and raise the same error on every rank; a rank that leaves
tells the others, which raise with its reason instead of hanging (and the job aborts).
PyTorch's gloo/NCCL backends are not run here (no MPI backend in torch's wheel); the
behaviour asked for is torch.distributed's documented one (mismatches are errors).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")
HAVE_MPI = MPIEXEC is not None and importlib.util.find_spec("mpi4py") is not None
pytestmark = pytest.mark.skipif(not HAVE_MPI, reason="needs mpi4py and mpiexec")
TIMEOUT = 60  # a hang fails the test instead of the CI job


def mpirun(*args: str, n: int = 2) -> tuple[subprocess.CompletedProcess, float]:
    cmd = [MPIEXEC, "-n", str(n)]
    version = subprocess.run([MPIEXEC, "--version"], capture_output=True, text=True).stdout
    if "Open MPI" in version or "OpenRTE" in version:
        cmd += ["--oversubscribe", "--allow-run-as-root"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    start = time.monotonic()
    try:
        proc = subprocess.run([*cmd, sys.executable, str(HERE / "_mpi_script.py"), *args],
                              capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"mpiexec {' '.join(args)} hung for more than {TIMEOUT} s: {e.stdout}{e.stderr}")
    return proc, time.monotonic() - start


def test_mismatched_dtype_and_shape_raise_on_every_rank(backend):
    if backend.name == "cupy":
        pytest.skip("CuPy under MPI is checked on GPU machines")
    proc, _ = mpirun("mismatch", backend.name, *([backend.device] if backend.device else []))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "OK rank 0" in proc.stdout and "OK rank 1" in proc.stdout, out


@pytest.mark.parametrize("case,reason", [
    ("exit-early", "without destroy_process_group"),
    ("end-early", "without destroy_process_group"),
    ("destroy-early", "destroy_process_group()"),
])
def test_a_rank_that_leaves_never_leaves_others_waiting(case, reason):
    proc, took = mpirun(case, "numpy")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "UNREACHABLE" not in out
    assert "rank 1 left the process group" in out and reason in out, out
    assert took < TIMEOUT


def test_a_rank_that_raises_aborts_the_job_with_its_reason():
    proc, _ = mpirun("raise", "numpy")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "UNREACHABLE" not in out
    assert "KeyError" in out and "rank 1 broke" in out, out


@pytest.mark.parametrize("case", ["all-leave", "slow-peer"])
def test_normal_endings_and_slow_peers_are_not_failures(case):
    proc, _ = mpirun(case, "numpy")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "OK rank 0" in proc.stdout and "OK rank 1" in proc.stdout, out
