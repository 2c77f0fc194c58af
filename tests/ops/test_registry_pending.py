"""Option variants and input domains that registry entries do not list yet.

The registry suite (``test_registry.py``, ``test_registry_torch.py``) runs each entry's
``kwargs`` and ``domain``. The changes below have been asked of the entries (issue 16); until
they land, each is run here as the entry with those fields replaced, through the registry
suite's own checks: forward vs the NumPy float64 reference, ``gradcheck``,
``gradgradcheck``, PyTorch's function and PyTorch's autograd. This is no catalogue of
operations: a line is a change to one entry, and ``test_change_is_still_pending`` asks for
it to be deleted once the entry has it.
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
PENDING = [
    ("add", "alpha", {"kwargs": ({"alpha": 2.5},),
                      "ref": lambda x, y, alpha=1: x + alpha * y}),
    ("divide", "trunc", {"kwargs": ({"rounding_mode": "trunc"},), "ref": _divide_ref}),
    # Bounds given as tensors (broadcast against x), differentiated too.
    ("clip", "tensor-bounds", {"nin": 3, "kwargs": ({},),
                               "domain": ("real", (-2.0, -0.5), (0.5, 2.0)),
                               "shapes": lambda rng: ((3, 4), (4,), (3, 1))}),
    # The tails, where erf saturates.
    ("erf", "wide-domain", {"domain": (-5.0, 5.0)}),
    # Negative exponents up to -3 and exponents past 1.5.
    ("pow", "real-exponent", {"domain": ("positive", "real")}),
]
IDS = [f"{name}-{what}" for name, what, _ in PENDING]


def _spec(name, changes):
    return replace(REGISTRY[name], **changes)


def _params():
    return [pytest.param(_spec(name, changes), case, dtype, id=f"{name}-{what}-{case.id}-{dtype}")
            for name, what, changes in PENDING for case in suite.CASES
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


@pytest.mark.parametrize("name, changes", [(n, c) for n, _, c in PENDING], ids=IDS)
def test_agrees_with_pytorch(name, changes):
    pytest.importorskip("torch")
    import test_registry_torch as torch_suite

    spec = _spec(name, changes)
    torch_suite.compare_with_torch_function(spec, 0)
    torch_suite.compare_with_torch(spec, 0)


@pytest.mark.parametrize("name, changes", [(n, c) for n, _, c in PENDING], ids=IDS)
def test_change_is_still_pending(name, changes):
    spec = REGISTRY[name]
    landed = all(
        all(kw in spec.kwargs for kw in value) if field == "kwargs"
        else field == "ref" or getattr(spec, field) == value
        for field, value in changes.items())
    assert not landed, (
        f"the registry entry {name!r} now has {changes}: delete its line from PENDING in "
        "tests/ops/test_registry_pending.py")
