"""PyTorch is optional: without it, the tests that compare with it skip with a reason.

A subset of the suite runs in a subprocess where ``import torch`` fails as on a machine
without PyTorch (a ``sitecustomize`` removes it from the import path, so that
``importlib.util.find_spec("torch")`` is ``None`` too). It must pass or skip, never error:
a PyTorch reference built at import time, or before a test's skip, would fail here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HIDE_TORCH = '''
import sys
from importlib.machinery import PathFinder


class _WithoutTorch(PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            return None
        return PathFinder.find_spec(name, path, target)


sys.meta_path[:] = [_WithoutTorch if f is PathFinder else f for f in sys.meta_path]
'''

# Modules that import PyTorch or compare with it, and the tests that once failed without it;
# on NumPy only, to stay cheap.
SUBSET = [
    "tests/ops/test_registry_torch.py",
    "tests/ops/test_registry_variants.py::test_agrees_with_pytorch",
    "tests/ops/test_standard_extras.py",
    "tests/ops/test_reduction.py::test_against_torch_autograd",
    "tests/ops/test_linalg.py::test_against_torch_autograd",
    "tests/nn/test_modules.py",
    "tests/nn/test_training_step.py",
    "tests/test_tensor.py::test_repr_names_a_backend_other_than_numpy",
]
ONLY_NUMPY = "not array_api_strict and not jax and not cupy and not torch]"


def test_suite_skips_cleanly_without_torch(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(HIDE_TORCH)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
           "-p", "no:xdist", "-k", ONLY_NUMPY, *SUBSET]
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    out = run.stdout + run.stderr
    # pytest's summary is the last line of stdout (plugins may warn on stderr after it).
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|skipped|failed|errors?)", summary)}
    assert run.returncode == 0 and not {"failed", "error", "errors"} & counts.keys(), out[-6000:]
    assert counts.get("passed", 0) > 0, out[-3000:]
    # Torch was really absent: its comparisons were skipped for that reason.
    assert counts.get("skipped", 0) > 0 and "No module named 'torch'" in out, out[-3000:]
