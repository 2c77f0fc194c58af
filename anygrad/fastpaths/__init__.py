"""Native fast paths, keyed by (operation, backend); each one optional.

A fast path has exactly the signature and meaning of the generic, standard-only code it
replaces (see :mod:`anygrad.ops._scatter`), and is tested against it. Generic code never asks
which backend it runs on: it asks :func:`fast_path` for ``(op, xp)`` and falls back to the
standard when the answer is ``None``. Modules here are imported lazily, on first use.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["fast_path", "fast_path_for"]

# (op, id(xp)) -> function or None; the namespaces are module-level singletons that live as
# long as the process, so their ids are stable keys.
_cache: dict[tuple[str, int], Callable[..., Any] | None] = {}


def fast_path_for(op: str, backend_name: str) -> Callable[..., Any] | None:
    """The native implementation of ``op`` for the backend called ``backend_name``, or None."""
    try:
        module = importlib.import_module(f"{__name__}.{backend_name}")
    except ImportError:
        return None
    return getattr(module, op, None)


def fast_path(op: str, xp: Any) -> Callable[..., Any] | None:
    """The native implementation of ``op`` for the backend whose namespace is ``xp`` (cached)."""
    key = (op, id(xp))
    try:
        return _cache[key]
    except KeyError:
        pass
    from .. import _backend

    fn = None
    for b in list(_backend._by_name.values()):
        if b.xp is xp:
            fn = fast_path_for(op, b.name)
            break
    _cache[key] = fn
    return fn
