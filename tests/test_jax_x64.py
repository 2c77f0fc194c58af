"""anygrad never changes JAX's process-wide 64-bit mode; without it, 64-bit requests raise.

The suite itself runs JAX with x64 on (tests/conftest.py asks for it), so each check runs in
a fresh interpreter with the mode off, as a user's program starts.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None, reason="jax is not installed"
)

ROOT = Path(__file__).resolve().parents[1]


def _run_without_x64(code: str) -> str:
    """Run ``code`` in a new interpreter with JAX's 64-bit mode off; return its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    env["JAX_PLATFORMS"] = "cpu"
    res = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=240,
    )
    assert res.returncode == 0, f"subprocess failed:\n{res.stdout}\n{res.stderr}"
    return res.stdout


def test_importing_and_using_anygrad_leaves_x64_off():
    out = _run_without_x64("""
        import jax
        import anygrad
        print(jax.config.jax_enable_x64)
        anygrad.backends()                      # loads every installed backend, JAX too
        anygrad.ones(2, backend="jax")
        print(jax.config.jax_enable_x64)
    """)
    assert out.split() == ["False", "False"]


def test_float32_work_on_jax_runs_without_x64():
    out = _run_without_x64("""
        import numpy as np
        import jax
        import anygrad
        from anygrad import nn

        x = anygrad.randn(5, 4, backend="jax", requires_grad=True)
        model = nn.Linear(4, 3).to(backend="jax")
        opt = anygrad.optim.SGD(model.parameters(), lr=0.1)
        loss = (model(x).tanh() ** 2).mean()
        loss.backward()
        opt.step()
        z = anygrad.asarray(np.ones(3, dtype=np.float32), backend="jax") * 1.5
        c = anygrad.tensor([1 + 2j], backend="jax")
        i = anygrad.tensor([1, 2], dtype=anygrad.int32, backend="jax")
        print(x.backend, loss.dtype, x.grad.dtype,
              model.weight.grad.dtype, z.dtype, c.dtype, i.dtype, jax.config.jax_enable_x64)
    """)
    assert out.split() == ["jax", "anygrad.float32", "anygrad.float32", "anygrad.float32",
                           "anygrad.float32", "anygrad.complex64", "anygrad.int32", "False"]


def test_64bit_requests_on_jax_raise_naming_the_setting():
    out = _run_without_x64("""
        import numpy as np
        import anygrad

        x = anygrad.ones(2, backend="jax")
        requests = {
            "dtype=float64": lambda: anygrad.zeros(2, dtype=anygrad.float64, backend="jax"),
            "numpy float64": lambda: anygrad.asarray(np.zeros(2), backend="jax"),
            "astype": lambda: x.astype(anygrad.float64),
            "to(dtype)": lambda: x.to(anygrad.float64),
            "to(backend)": lambda: anygrad.zeros(2, dtype=anygrad.float64).to(backend="jax"),
            "complex128": lambda: anygrad.tensor([1j], dtype="complex128", backend="jax"),
            "Python ints": lambda: anygrad.tensor([1, 2], backend="jax"),
            "arange": lambda: anygrad.arange(3, backend="jax"),
            "default float64": lambda: anygrad.ones(2, backend="jax"),
        }
        for name, request in requests.items():
            if name == "default float64":
                anygrad.set_default_dtype(anygrad.float64)
            try:
                got = request()
            except TypeError as exc:
                msg = str(exc)
                ok = ('jax.config.update("jax_enable_x64", True)' in msg
                      and "JAX_ENABLE_X64=1" in msg)
                print(name, "|", "clear" if ok else "unclear: " + msg)
            else:
                print(name, "|", "no error:", got.dtype)
            anygrad.set_default_dtype(anygrad.float32)
    """)
    lines = [line.split(" | ") for line in out.strip().splitlines()]
    assert len(lines) == 9
    for name, verdict in lines:
        assert verdict == "clear", f"{name}: {verdict}"


def test_64bit_on_jax_works_once_the_user_turns_x64_on():
    out = _run_without_x64("""
        import jax
        import numpy as np
        import anygrad

        x = anygrad.ones(2, backend="jax")           # the backend is loaded with x64 off
        jax.config.update("jax_enable_x64", True)
        a = anygrad.zeros(2, dtype=anygrad.float64, backend="jax")
        b = anygrad.asarray(np.zeros(2), backend="jax")
        print(a.dtype, b.dtype, x.astype(anygrad.float64).dtype, anygrad.arange(2).dtype)
    """)
    assert out.split() == ["anygrad.float64"] * 3 + ["anygrad.int64"]
