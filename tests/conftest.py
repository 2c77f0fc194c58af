"""Shared fixtures: every test that takes ``backend`` runs on each backend of the matrix.

NumPy and array-api-strict (on ``CPU_DEVICE`` and ``device1``) always run; PyTorch, JAX and
CuPy run where installed and are skipped with a reason otherwise.
"""

from __future__ import annotations

import os

import pytest

import anygrad
from anygrad.testing import BACKEND_MATRIX, hypothesis_profiles

hypothesis_profiles.register()


@pytest.fixture(params=BACKEND_MATRIX, ids=[c.id for c in BACKEND_MATRIX])
def backend(request):
    """A :class:`anygrad.testing.BackendCase` (name, device); skips when not installed."""
    case = request.param
    case.require()
    with anygrad.default_backend(case.name):
        yield case


# ``float_dtype`` ("float32", "float64") and ``device`` (the backend case's device object),
# the same fixtures users get from ``anygrad.testing.fixtures``.
from anygrad.testing.fixtures import device, float_dtype  # noqa: E402,F401
