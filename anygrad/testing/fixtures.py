"""pytest fixtures over the backend matrix and float dtypes (a pytest plugin).

Enable them in a project's ``conftest.py`` with::

    pytest_plugins = ["anygrad.testing.fixtures"]

``backend`` runs a test once per installed :class:`BackendCase` (NumPy and array-api-strict
always; others skip with a reason) with that backend as the default; ``float_dtype`` runs
it for ``"float32"`` and ``"float64"``.
"""

from __future__ import annotations

import pytest

from ._backends import BACKEND_MATRIX

FLOAT_DTYPES = ("float32", "float64")


@pytest.fixture(params=BACKEND_MATRIX, ids=[c.id for c in BACKEND_MATRIX])
def backend(request):  # type: ignore[no-untyped-def]
    """A :class:`anygrad.testing.BackendCase` (name, device); skips when not installed."""
    import anygrad

    case = request.param
    case.require()
    with anygrad.default_backend(case.name):
        yield case


@pytest.fixture(params=FLOAT_DTYPES)
def float_dtype(request):  # type: ignore[no-untyped-def]
    """``"float32"`` or ``"float64"``."""
    return request.param


@pytest.fixture
def device(backend):  # type: ignore[no-untyped-def]
    """The device object of the current ``backend`` case."""
    return backend.device_obj()
