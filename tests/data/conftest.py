"""Fixtures for the data tests: every backend anygrad knows, skipped only when not installed."""

from __future__ import annotations

import os
import sys

import pytest

# The worker tests' datasets live in _data_helpers.py, importable whatever pytest's import mode.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ALL_BACKENDS = ("numpy", "array_api_strict", "torch", "jax", "cupy")
# These two carry the design's guarantees and must never be skipped.
REQUIRED = ("numpy", "array_api_strict")


def _available() -> list[str]:
    import anygrad

    return anygrad.backends()


@pytest.fixture(params=ALL_BACKENDS)
def data_backend(request: pytest.FixtureRequest) -> str:
    name = request.param
    if name not in _available():
        if name in REQUIRED:
            pytest.fail(f"backend {name!r} must be available for the data tests")
        pytest.skip(f"backend {name!r} is not installed or has no device here")
    return name
