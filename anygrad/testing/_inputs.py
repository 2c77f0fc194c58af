"""Deterministic test inputs for a registered operation (from its :class:`OpSpec`).

The registry suite and users' own tests build inputs here: tiny shapes, values inside the
operation's domain, one seeded NumPy generator per case so that a failure reproduces.
"""

from __future__ import annotations

import inspect
import zlib
from typing import Any

import numpy as np

from ..ops._registry import DOMAINS, OpSpec
from ._references import input_maker

__all__ = ["call_op", "case_seed", "sample_shapes", "sample_values", "make_host_inputs", "grad_indices",
           "to_tensors"]

# Mutually broadcastable pairs/triples; small so that per-element gradchecks stay cheap.
_BROADCAST = (
    ((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((3,), (2, 3)), ((), (2, 2)),
    ((2, 1, 2), (3, 1)),
)
_MATMUL = (((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((2, 3, 2), (2, 2)))


def case_seed(*parts: Any) -> int:
    """A stable seed (independent of ``PYTHONHASHSEED``) for a test case."""
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def sample_shapes(spec: OpSpec, rng: np.random.Generator) -> tuple:
    """One tuple of input shapes for ``spec`` (its ``shapes`` rule)."""
    rule = spec.shapes
    n = spec.nin
    if callable(rule):
        shapes = rule(rng)
        # A callable may return one shape for a unary op.
        if shapes and isinstance(shapes[0], int):
            shapes = (shapes,)
        return tuple(tuple(s) for s in shapes)
    if rule == "unary":
        return ((2, 3),) * n
    if rule == "same":
        return ((2, 3),) * n
    if rule == "broadcast":
        pair = _BROADCAST[int(rng.integers(len(_BROADCAST)))]
        return tuple(pair[i % 2] for i in range(n))
    if rule == "matmul":
        return _MATMUL[int(rng.integers(len(_MATMUL)))]
    raise ValueError(f"{spec.name}: unknown shapes rule {rule!r}")


def sample_values(domain: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    """float64 values drawn uniformly inside ``domain`` (a name of ``DOMAINS``)."""
    if isinstance(domain, tuple) and len(domain) == 2 and all(
        isinstance(d, (int, float)) for d in domain
    ):
        lo, hi = domain
    else:
        try:
            lo, hi = DOMAINS[domain]
        except KeyError:
            raise ValueError(f"unknown input domain {domain!r}; known: {sorted(DOMAINS)}") from None
    x = rng.uniform(lo, hi, shape)
    if domain == "nonzero":
        x = x * rng.choice([-1.0, 1.0], size=shape)
    return np.asarray(x, dtype=np.float64)


def make_host_inputs(spec: OpSpec, rng: np.random.Generator, dtype: str,
                     variant: int = 0) -> list[np.ndarray]:
    """NumPy inputs for one case of ``spec``; floating ones already rounded to ``dtype``.

    ``variant`` is the index of the options in ``spec.kwargs`` under test; a
    ``make_inputs`` (:func:`input_maker`) with a ``variant`` parameter receives it (by
    position, third).
    """
    make = input_maker(spec)
    if make is not None:
        if _takes_variant(make):
            made = make(rng, dtype, variant)
        else:
            made = make(rng, dtype)
        return [np.asarray(a) for a in made]
    shapes = sample_shapes(spec, rng)
    domains = spec.domain if isinstance(spec.domain, (tuple, list)) and not (
        len(spec.domain) == 2 and all(isinstance(d, (int, float)) for d in spec.domain)
    ) else (spec.domain,) * len(shapes)
    return [sample_values(d, s, rng).astype(dtype) for d, s in zip(domains, shapes)]


def _takes_variant(make_inputs: Any) -> bool:
    try:
        return "variant" in inspect.signature(make_inputs).parameters
    except (TypeError, ValueError):
        return False


def grad_indices(spec: OpSpec, host: list[np.ndarray]) -> tuple[int, ...]:
    """The inputs whose gradients are checked (``spec.grad_inputs`` or all floating ones)."""
    if spec.grad_inputs is not None:
        return tuple(spec.grad_inputs)
    return tuple(i for i, a in enumerate(host) if np.issubdtype(np.asarray(a).dtype, np.floating))


def to_tensors(host: list, backend: Any, device: Any = None, requires_grad: tuple = ()) -> list:
    """Tensors on ``backend``/``device`` holding ``host``'s values (same dtypes)."""
    from ..creation import tensor

    out = []
    for i, a in enumerate(host):
        a = np.asarray(a)
        out.append(tensor(a, dtype=str(a.dtype), backend=backend, device=device,
                          requires_grad=i in requires_grad))
    return out


_POSITIONAL: dict = {}


def call_op(spec: OpSpec, tensors: Any, kwargs: dict) -> Any:
    """``spec.call(*tensors, **kwargs)`` (the harness, else the public function), passing the
    options that its signature makes positional-only (``astype(x, dtype, /)``) by position."""
    names = _POSITIONAL.get(spec.name)
    if names is None:
        try:
            params = inspect.signature(spec.call).parameters.values()
            names = [p.name for p in params if p.kind is p.POSITIONAL_ONLY]
        except (TypeError, ValueError):
            names = []
        _POSITIONAL[spec.name] = names
    tail = names[len(tensors):]
    extra = [kwargs[n] for n in tail if n in kwargs]
    rest = {k: v for k, v in kwargs.items() if k not in tail}
    return spec.call(*tensors, *extra, **rest)
