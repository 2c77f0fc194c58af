"""The examples run as a user runs them: a fresh interpreter per script, in a scratch folder.

LeNet trains on a small slice of the embedded MNIST (no network) for speed; the full default
run (20 epochs, about 98.8 % test accuracy) is the README's job, not the suite's.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import anygrad

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TIMEOUT = 120  # generous for a loaded machine; each script takes a few seconds


def run_example(name: str, *args: str, cwd: Path) -> str:
    return run_script(EXAMPLES / name, *args, cwd=cwd)


def run_script(path: Path, *args: str, cwd: Path) -> str:
    """Run a script in a fresh interpreter; return its stdout, failing with all its output."""
    pythonpath = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=pythonpath)
    proc = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                          timeout=TIMEOUT, env=env, cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def lenet(*args: str, cwd: Path) -> str:
    return run_example("lenet.py", "--limit", "512", "--plot", "", *args, cwd=cwd)


def test_lenet_smoke(tmp_path):
    out = lenet("--epochs", "1", "--checkpoint", "", cwd=tmp_path)
    epoch_line = r"^epoch 1/1: loss [0-9.]+, train acc [0-9.]+%, test acc [0-9.]+%"
    assert re.search(epoch_line, out, re.M), out
    acc = re.search(r"^test accuracy ([0-9.]+)% on 512 official test images", out, re.M)
    assert acc, out
    assert float(acc.group(1)) > 20.0, out  # well above chance after one epoch on 512 images
    assert list(tmp_path.iterdir()) == [], "nothing is written with --checkpoint '' --plot ''"


def assert_same_state(a, b, where: str = "") -> None:
    """Exact equality of two checkpoint trees (tensors compared bit for bit)."""
    if isinstance(a, anygrad.Tensor):
        assert isinstance(b, anygrad.Tensor), where
        x, y = a.numpy(), b.numpy()
        assert x.dtype == y.dtype and x.shape == y.shape, where
        assert np.array_equal(x, y), f"{where} differs"
    elif isinstance(a, dict):
        assert sorted(map(str, a)) == sorted(map(str, b)), where
        for k in a:
            assert_same_state(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (u, v) in enumerate(zip(a, b)):
            assert_same_state(u, v, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def test_lenet_resume_is_bit_identical(tmp_path):
    """Two epochs in one run == one epoch, stop, resume for the second: same weights, same
    optimizer state (Adam moments, step counts), same scheduler state, same accuracies."""
    lenet("--epochs", "2", "--checkpoint", "straight.ckpt", cwd=tmp_path)
    out = lenet("--epochs", "2", "--stop-after", "1", "--checkpoint", "resumed.ckpt", cwd=tmp_path)
    assert "stopping after epoch 1" in out and "epoch 2/2" not in out, out
    out = lenet("--epochs", "2", "--resume", "resumed.ckpt", "--checkpoint", "resumed.ckpt",
                cwd=tmp_path)
    assert "resumed from resumed.ckpt after epoch 1" in out and "epoch 1/2" not in out, out
    straight = anygrad.load(str(tmp_path / "straight.ckpt"))
    resumed = anygrad.load(str(tmp_path / "resumed.ckpt"))
    assert straight["epoch"] == resumed["epoch"] == 2
    for key in ("model", "optimizer", "scheduler"):
        assert_same_state(straight[key], resumed[key], key)
    for key in ("train_loss", "train_acc", "test_acc"):
        assert straight["history"][key] == resumed["history"][key], key


def test_autograd_tutorial(tmp_path):
    out = run_example("autograd_tutorial.py", cwd=tmp_path)
    assert out.rstrip().endswith("all claims verified"), out


def test_custom_function(tmp_path):
    out = run_example("custom_function.py", cwd=tmp_path)
    lines = [line for line in out.splitlines() if "gradcheck" in line]
    assert {line.split()[0] for line in lines} == set(anygrad.backends()), out
    assert all("forward ok, gradcheck True, gradgradcheck True" in line for line in lines), out


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="the README example uses PyTorch")
def test_readme_quick_example(tmp_path):
    """The README's quick example runs and prints what its comments say."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick example", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "quick.py"
    script.write_text(code, encoding="utf-8")
    out = run_script(script, cwd=tmp_path)
    assert out.split("\n")[:2] == ["tensor([2., 4., 6.])", "torch"], out
