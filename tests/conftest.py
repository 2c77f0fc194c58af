"""Shared fixtures: every test that takes ``backend`` runs on each backend of the matrix.

NumPy and array-api-strict (on ``CPU_DEVICE`` and ``device1``) always run; PyTorch, JAX and
CuPy run where installed and are skipped with a reason otherwise.
"""

from __future__ import annotations

import os
import sys

import pytest

# The suite checks float64 on JAX, so it asks for JAX's 64-bit mode itself, as a user must:
# anygrad never turns it on (tests/test_jax_x64.py checks both). The variable also reaches
# the subprocesses (doc builds, examples); JAX reads it when first imported.
os.environ["JAX_ENABLE_X64"] = "1"
if "jax" in sys.modules:
    sys.modules["jax"].config.update("jax_enable_x64", True)

import anygrad  # noqa: E402
from anygrad.testing import BACKEND_MATRIX, hypothesis_profiles  # noqa: E402

hypothesis_profiles.register()


@pytest.fixture(params=BACKEND_MATRIX, ids=[c.id for c in BACKEND_MATRIX])
def backend(request):
    """A :class:`anygrad.testing.BackendCase` (name, device); skips when not installed."""
    case = request.param
    case.require()
    with anygrad.default_backend(case.name):
        yield case


@pytest.hookimpl(tryfirst=True)  # before the fixture params are expanded
def pytest_generate_tests(metafunc):
    """``@pytest.mark.not_on("jax", reason=...)``: the ``backend`` fixture's cases other than
    those named, so a test that another suite covers on a backend is not generated there
    (rather than collected and skipped: a skip means "not installed" in this suite). The
    closest mark wins; one with no case names restores every backend."""
    mark = metafunc.definition.get_closest_marker("not_on")
    if mark is None or "backend" not in metafunc.fixturenames:
        return
    if not mark.kwargs.get("reason"):
        raise ValueError(f"{metafunc.function.__name__}: not_on needs a reason")
    cases = [c for c in BACKEND_MATRIX if c.name not in mark.args and c.id not in mark.args]
    # As a mark, so that pytest's own hooks parametrize it and leave the fixture's params.
    metafunc.definition.add_marker(pytest.mark.parametrize(
        "backend", cases, ids=[c.id for c in cases], indirect=True))


# ``float_dtype`` ("float32", "float64") and ``device`` (the backend case's device object),
# the same fixtures users get from ``anygrad.testing.fixtures``.
from anygrad.testing.fixtures import device, float_dtype  # noqa: E402,F401


def pytest_collection_modifyitems(session, config, items):
    """Run the registry suite grouped by (operation, backend, dtype) instead of by check.

    JAX compiles every primitive per shape and dtype on first use; keeping the checks of
    one case next to each other lets them share those compilations on the same xdist
    worker (about half the suite's time). Only items of tests/ops/test_registry*.py move,
    and only among themselves; the order is deterministic, as xdist requires.
    """
    idx = [i for i, it in enumerate(items)
           if it.nodeid.startswith("tests/ops/test_registry.py::") and "[" in it.nodeid
           and "-" in it.nodeid.split("[", 1)[1]]
    if not idx:
        return
    chosen = [items[i] for i in idx]
    chosen.sort(key=lambda it: it.nodeid.split("[", 1)[1])  # stable: check order kept
    for i, it in zip(idx, chosen):
        items[i] = it
