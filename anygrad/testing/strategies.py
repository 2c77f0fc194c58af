"""Hypothesis strategies for anygrad: backends, dtypes, shapes, axes, indices, tensors and
inputs inside an operation's domain.

Requires the ``hypothesis`` package (the ``test`` extra). Every strategy draws only from
what is installed here, so the same test runs wherever it is collected.

Examples
--------
>>> from hypothesis import given
>>> from anygrad.testing import strategies as ags
>>> @given(ags.tensors(backend="numpy", dtype="float64", shape=(2, 3)))
... def test_double(x):
...     assert ((x + x) == 2 * x).all()
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..ops._registry import DOMAINS, OpSpec
from ._backends import BACKEND_MATRIX, BackendCase
from ._inputs import make_host_inputs, sample_values
from ._references import input_maker

__all__ = [
    "backends", "float_dtypes", "shapes", "mutually_broadcastable_shapes", "axes", "indices",
    "domain_arrays", "tensors", "op_inputs",
]


def backends(*, names: Any = None) -> st.SearchStrategy[BackendCase]:
    """Backend cases of :data:`BACKEND_MATRIX` that are installed (optionally by name)."""
    cases = [c for c in BACKEND_MATRIX if c.available()[0]
             and (names is None or c.name in names)]
    if not cases:
        raise ValueError(f"backends: none of {names!r} is installed")
    return st.sampled_from(cases)


def float_dtypes(*, names: tuple = ("float32", "float64")) -> st.SearchStrategy[str]:
    """Floating dtype names."""
    return st.sampled_from(list(names))


def shapes(*, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy[tuple]:
    """Array shapes (small by default, so gradient checks stay cheap)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def mutually_broadcastable_shapes(num_shapes: int, *, min_dims: int = 0, max_dims: int = 3,
                                  min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    """Tuples of ``num_shapes`` shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side,
    ).map(lambda r: tuple(r.input_shapes))


@st.composite
def axes(draw: Any, ndim: int, *, allow_none: bool = True, allow_tuple: bool = True,
         allow_negative: bool = True) -> Any:
    """A valid ``axis`` argument for an array of ``ndim`` dimensions: None, int or tuple."""
    options = ["none"] if allow_none or ndim == 0 else []
    if ndim:
        options.append("int")
        if allow_tuple:
            options.append("tuple")
    kind = draw(st.sampled_from(options))
    if kind == "none":
        return None

    def one(a: int) -> int:
        return a - ndim if allow_negative and draw(st.booleans()) else a

    if kind == "int":
        return one(draw(st.integers(0, ndim - 1)))
    picked = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(one(a) for a in picked)


@st.composite
def indices(draw: Any, shape: tuple) -> tuple:
    """A basic index (one int or in-bounds slice per dimension) valid on every backend.

    Slices have positive steps and stay in bounds, the subset that array-api-strict and
    PyTorch accept.
    """
    out = []
    for n in shape:
        if draw(st.booleans()):
            out.append(draw(st.integers(-n, n - 1)))
        else:
            start = draw(st.integers(0, n - 1))
            stop = draw(st.integers(start + 1, n))
            step = draw(st.integers(1, 2))
            out.append(slice(start, stop, step))
    return tuple(out)


def _bounds(domain: Any) -> tuple[float, float]:
    if isinstance(domain, tuple):
        return float(domain[0]), float(domain[1])
    try:
        return DOMAINS[domain]
    except KeyError:
        raise ValueError(f"unknown input domain {domain!r}; known: {sorted(DOMAINS)}") from None


def domain_arrays(shape: tuple, *, domain: Any = "real", dtype: str = "float64",
                  elements: Any = None) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of ``shape`` whose values lie in ``domain`` (or follow ``elements``)."""
    if elements is None:
        lo, hi = _bounds(domain)
        if dtype == "float32":
            # float32 bounds strictly inside the open interval (Hypothesis wants them exact).
            lo = float(np.nextafter(np.float32(lo), np.float32(np.inf)))
            hi = float(np.nextafter(np.float32(hi), np.float32(-np.inf)))
            elements = st.floats(lo, hi, width=32, allow_nan=False, allow_infinity=False)
        else:
            elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False,
                                 exclude_min=True, exclude_max=True)
        if domain == "nonzero":
            elements = st.tuples(elements, st.sampled_from([-1.0, 1.0])).map(
                lambda p: p[0] * p[1])
    return hnp.arrays(np.dtype(dtype), shape, elements=elements)


@st.composite
def tensors(draw: Any, *, backend: Any = None, dtype: str = "float64", shape: Any = None,
            elements: Any = None, domain: Any = "real", requires_grad: bool = False) -> Any:
    """anygrad Tensors: on ``backend`` (a name or :class:`BackendCase`, drawn if None),
    of ``dtype``, ``shape`` (drawn if None) and values from ``elements`` or ``domain``."""
    from ..creation import tensor

    case = draw(backends()) if backend is None else backend
    if isinstance(case, str):
        case = BackendCase(case)
    if shape is None:
        shape = draw(shapes())
    elif isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    host = draw(domain_arrays(tuple(shape), domain=domain, dtype=dtype, elements=elements))
    return tensor(host, dtype=dtype, backend=case.name, device=case.device_obj(),
                  requires_grad=requires_grad)


@st.composite
def op_inputs(draw: Any, spec: OpSpec, *, dtype: str = "float64",
              values: str = "seeded", min_side: int = 1,
              min_dims: int = 0) -> list[np.ndarray]:
    """Host (NumPy) inputs inside ``spec``'s domain.

    Shapes are drawn by Hypothesis for the ``unary``/``same``/``broadcast`` rules (other
    specs use their own generator with a drawn seed). With ``values="seeded"`` (default)
    the values come from a NumPy generator seeded by a drawn integer: continuous draws
    avoid, almost surely, the points where a gradient is undefined (ties of ``max``, 0 of
    ``abs``) that Hypothesis' shrinking would otherwise aim for. ``values="hypothesis"``
    lets Hypothesis choose the values too (for forward-only properties). ``min_side=2``
    avoids length-1 axes (where, e.g., a standard deviation has no gradient).
    """
    rule = spec.shapes
    if input_maker(spec) is not None or callable(rule) or rule not in ("unary", "same",
                                                                       "broadcast"):
        seed = draw(st.integers(0, 2**32 - 1))
        return make_host_inputs(spec, np.random.default_rng(seed), dtype)
    n = spec.nin
    if rule == "broadcast" and n > 1:
        shps = draw(mutually_broadcastable_shapes(n, min_side=min_side, min_dims=min_dims))
    else:
        shps = (draw(shapes(min_side=min_side, min_dims=min_dims)),) * n
    domains = spec.domain if isinstance(spec.domain, (tuple, list)) else (spec.domain,) * n
    if values == "hypothesis":
        return [draw(domain_arrays(s, domain=d, dtype=dtype)) for s, d in zip(shps, domains)]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return [sample_values(d, s, rng).astype(dtype) for s, d in zip(shps, domains)]
