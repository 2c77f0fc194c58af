"""Calls of a registered operation that its entry's fields cannot describe.

An entry has one arity (``nin``); ``clip`` also takes its bounds as tensors, broadcast
against ``x`` and differentiated, which is a second arity. Each line here is such a call,
run as the entry with those fields replaced, through the registry suite's own checks:
forward vs the NumPy float64 reference, ``gradcheck``, ``gradgradcheck``, PyTorch's
function and PyTorch's autograd. This is no catalogue of operations: only entries of the
registry appear, and only with what their own fields cannot say.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import test_registry as suite  # the registry suite's checks, run on the changed entries
from anygrad.ops import REGISTRY


def _divide_ref(x, y, rounding_mode=None):
    return {"trunc": np.trunc, "floor": np.floor}.get(rounding_mode, lambda q: q)(x / y)


# (entry, what the change adds, {field: value}).
VARIANTS = [
    # Bounds given as tensors (broadcast against x), differentiated too.
    ("clip", "tensor-bounds", {"nin": 3, "kwargs": ({},),
                               "domain": ("real", (-2.0, -0.5), (0.5, 2.0)),
                               "shapes": lambda rng: ((3, 4), (4,), (3, 1))}),
]
IDS = [f"{name}-{what}" for name, what, _ in VARIANTS]


def _spec(name, changes):
    return replace(REGISTRY[name], **changes)


def _params():
    return [pytest.param(_spec(name, changes), case, dtype, id=f"{name}-{what}-{case.id}-{dtype}")
            for name, what, changes in VARIANTS for case in suite.CASES
            if case.name not in REGISTRY[name].skip_backends
            for dtype in ("float32", "float64")]


@pytest.mark.parametrize("spec, case, dtype", _params())
def test_forward(spec, case, dtype):
    suite.test_forward(spec, case, dtype)


@pytest.mark.parametrize("spec, case, dtype", _params())
def test_gradcheck(spec, case, dtype):
    suite.test_gradcheck(spec, case, dtype)


@pytest.mark.parametrize("spec, case, dtype", _params())
def test_gradgradcheck(spec, case, dtype):
    suite.test_gradgradcheck(spec, case, dtype)


@pytest.mark.parametrize("name, changes", [(n, c) for n, _, c in VARIANTS], ids=IDS)
def test_agrees_with_pytorch(name, changes):
    pytest.importorskip("torch")
    import test_registry_torch as torch_suite

    spec = _spec(name, changes)
    torch_suite.compare_with_torch_function(spec, 0)
    torch_suite.compare_with_torch(spec, 0)
