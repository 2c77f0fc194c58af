"""Helpers shared by the layer modules."""

from __future__ import annotations

from typing import Any

from ..parameter import Parameter


def new_parameter(shape: tuple, factory: dict) -> Parameter:
    """An uninitialised Parameter on the default (or requested) backend, device and dtype."""
    import anygrad

    t = anygrad.empty(*shape, dtype=factory.get("dtype"), device=factory.get("device"),
                      backend=factory.get("backend"))
    return Parameter(t)


def new_buffer(shape: tuple, factory: dict, fill: float = 0.0, dtype: Any = None) -> Any:
    import anygrad

    return anygrad.full(tuple(shape), fill, dtype=dtype or factory.get("dtype") or anygrad.get_default_dtype(),
                        device=factory.get("device"), backend=factory.get("backend"))


def factory_kwargs(device: Any, dtype: Any, backend: Any) -> dict:
    return {"device": device, "dtype": dtype, "backend": backend}
