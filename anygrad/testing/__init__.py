"""Testing helpers for anygrad and for users' own Functions (public API).

- :data:`BACKEND_MATRIX` / :class:`BackendCase`: the (backend, device) cases under test;
- :func:`assert_close`: compares backend, device, dtype and shape before values;
- :mod:`anygrad.testing.strategies`: Hypothesis strategies (backends, shapes, axes,
  indices, tensors, inputs inside an operation's domain); needs ``hypothesis``;
- :mod:`anygrad.testing.fixtures`: pytest fixtures ``backend``, ``float_dtype``, ``device``;
- :func:`unregistered_ops`, :func:`make_host_inputs`...: helpers of the registry suite;
- :func:`reference` / :func:`input_maker`: an operation's NumPy reference and structured
  inputs (:data:`REFERENCES`, :data:`INPUTS`: the test material kept out of the library);
- :mod:`anygrad.testing.hypothesis_profiles`: the ``ci``, ``dev`` and ``thorough`` profiles.

Testing your own Function::

    import anygrad
    from anygrad.autograd import Function, gradcheck, gradgradcheck

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return 3 * gy * x * x

    def test_cube(backend, float_dtype):     # fixtures from anygrad.testing.fixtures
        x = anygrad.tensor([0.5, -1.0], dtype=float_dtype, device=backend.device_obj(),
                           requires_grad=True)
        assert gradcheck(Cube.apply, (x,))
        assert gradgradcheck(Cube.apply, (x,))
"""

from __future__ import annotations

from typing import Any

from . import hypothesis_profiles
from ._assert import assert_close, default_rtol_atol
from ._backends import BACKEND_MATRIX, BackendCase
from ._inputs import call_op, case_seed, grad_indices, make_host_inputs, sample_shapes, sample_values, to_tensors
from ._references import INPUTS, REFERENCES, input_maker, reference
from ._registry_check import EXEMPT, NN_EXEMPT, unregistered_ops

__all__ = [
    "BACKEND_MATRIX", "BackendCase", "hypothesis_profiles", "assert_close", "default_rtol_atol",
    "call_op", "case_seed", "grad_indices", "make_host_inputs", "sample_shapes", "sample_values",
    "to_tensors", "EXEMPT", "NN_EXEMPT", "unregistered_ops", "strategies", "REFERENCES", "INPUTS",
    "reference", "input_maker",
]


def __getattr__(name: str) -> Any:
    # strategies needs hypothesis (a test extra): import it only when asked for.
    if name == "strategies":
        import importlib

        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module 'anygrad.testing' has no attribute {name!r}")
