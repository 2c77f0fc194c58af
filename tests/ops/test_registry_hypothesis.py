"""Property-based companion of the registry suite: Hypothesis draws the backend, dtype,
shapes (mutually broadcastable ones included) and values inside each op's domain.

Covers the registered ops whose inputs follow a generic rule (``unary``, ``same``,
``broadcast``); the number of examples comes from the Hypothesis profile (``ci`` by
default: deterministic and small). A failure prints the drawn example and a reproduction
blob.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, note, reject
from hypothesis import strategies as st

import anygrad
from anygrad.autograd import gradcheck
from anygrad.ops import REGISTRY
from anygrad.testing import assert_close, call_op, grad_indices, input_maker, reference, to_tensors
from anygrad.testing import strategies as ags

GENERIC = sorted(
    (s for s in REGISTRY.values()
     if input_maker(s) is None and s.shapes in ("unary", "same", "broadcast")
     and reference(s) is not None and set(s.dtypes) & {"float32", "float64"}),
    key=lambda s: s.name,
)


@pytest.mark.parametrize("spec", GENERIC, ids=[s.name for s in GENERIC])
@given(data=st.data())
def test_forward_and_gradcheck_on_drawn_inputs(spec, data):
    case = data.draw(ags.backends(), label="backend")
    dtype = data.draw(st.sampled_from([d for d in spec.dtypes if d in ("float32", "float64")]),
                      label="dtype")
    kwargs = data.draw(st.sampled_from(spec.kwargs), label="kwargs")
    # Reductions get axes of length >= 2 (std/var/norms have no gradient on one element);
    # options such as axis=(0, 1) need 2-D inputs.
    min_side = 2 if spec.category == "reduction" else 1
    min_dims = 2 if any(kwargs for kwargs in spec.kwargs) else 0
    host = data.draw(ags.op_inputs(spec, dtype=dtype, min_side=min_side, min_dims=min_dims),
                     label="inputs")
    note(f"{spec.name}(**{kwargs}) on {case.id} {dtype}: {[a.tolist() for a in host]}")
    with anygrad.default_backend(case.name):
        try:
            ref = reference(spec)(*[a.astype(np.float64) for a in host], **kwargs)
        except Exception:
            reject()  # the drawn shapes do not suit these options: draw again, not a pass
        diff = grad_indices(spec, host) if spec.differentiable else ()
        inputs = to_tensors(host, case.name, case.device_obj(), requires_grad=diff)
        out = call_op(spec, inputs, kwargs)
        if isinstance(out, anygrad.Tensor) and not isinstance(ref, tuple):
            rtol, atol = (1e-4 + spec.rtol, 1e-5 + spec.atol) if dtype == "float32" else (1e-9, 1e-12)
            assert_close(out, np.asarray(ref), rtol=rtol, atol=atol)
        if diff:
            assert gradcheck(lambda *a: call_op(spec, a, kwargs), inputs, n_directions=1)
