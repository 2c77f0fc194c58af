"""No operation hands out memory it does not own, unless it is a view (as in PyTorch).

With in-place writes, an output that silently shared its input's memory (NumPy's ``flip``,
``reshape`` or ``broadcast_to`` return views) would let ``y.add_(1)`` change ``x``. Every
registered operation is run on the NumPy backend, where sharing can be detected exactly,
and each output must either own its memory or be a declared view of an input.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.ops import REGISTRY
from anygrad.testing._inputs import call_op, make_host_inputs, to_tensors

CASES = [(spec, k) for spec in REGISTRY.values() for k in range(max(len(spec.kwargs), 1))]


def _outputs(out):
    if isinstance(out, anygrad.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _outputs(item)]
    if hasattr(out, "_fields"):  # named tuples of tensors
        return [o for item in out for o in _outputs(item)]
    return []


@pytest.mark.parametrize("spec,variant", CASES,
                         ids=[f"{s.name}-{k}" for s, k in CASES])
def test_outputs_own_their_memory_or_are_views(spec, variant):
    rng = np.random.default_rng(0)
    host = make_host_inputs(spec, rng, "float64", variant)
    with anygrad.default_backend("numpy"):
        inputs = to_tensors(host, "numpy")
        kwargs = spec.kwargs[variant] if spec.kwargs else {}
        outs = _outputs(call_op(spec, inputs, kwargs))
    for o in outs:
        if any(o is i for i in inputs):
            continue  # the input itself, as PyTorch returns it (positive, eval dropout, .to)
        if o._base is not None and any(o._storage is i._storage for i in inputs):
            continue  # a declared view of an input: sharing is its meaning
        for i in inputs:
            assert not np.shares_memory(np.asarray(o._data), np.asarray(i._data),
                                        max_work=10**7), (
                f"{spec.name}: an output shares memory with an input without being a view")


def test_an_undeclared_alias_is_caught():
    # The check itself: a NumPy view wrapped as a new tensor is reported.
    from anygrad.tensor import _make_tensor

    x = anygrad.arange(4.0)
    y = _make_tensor(x._data[::-1], x._backend)
    assert np.shares_memory(np.asarray(y._data), np.asarray(x._data))
