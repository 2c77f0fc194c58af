"""Find public operations that have no registry entry."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["EXEMPT", "unregistered_ops"]

# Public names of ``anygrad.ops`` that are not operations, each with the reason.
EXEMPT: dict[str, str] = {
    "REGISTRY": "the registry itself",
    "OpSpec": "the registry's record type",
    "register": "the registry's add function",
    "LINALG": "the list of names exposed as namespace.linalg, not an operation",
}


def unregistered_ops(
    names: Iterable[str] | None = None, registry: Mapping[str, Any] | None = None,
    exempt: Mapping[str, str] | None = None, module: Any = None,
) -> list[str]:
    """Public operation names (default: ``anygrad.ops.__all__``) without a registry entry.

    Names in ``exempt`` (default :data:`EXEMPT`) and non-callables are ignored.

    Examples
    --------
    >>> from anygrad.testing import unregistered_ops
    >>> unregistered_ops(["exp", "my_new_op"], registry={"exp": None}, module=object())
    ['my_new_op']
    """
    if module is None or names is None or registry is None:
        from .. import ops

        module = ops if module is None else module
        names = ops.__all__ if names is None else names
        registry = ops.REGISTRY if registry is None else registry
    exempt = EXEMPT if exempt is None else exempt
    missing = []
    for name in names:
        if name in exempt or name in registry:
            continue
        if registry is getattr(module, "REGISTRY", None) and name in getattr(module, "ALIASES", {}):
            continue  # a PyTorch spelling of a registered operation (OpSpec.aliases)
        obj = getattr(module, name, None)
        if obj is not None and not callable(obj):
            continue
        missing.append(name)
    return sorted(missing)
