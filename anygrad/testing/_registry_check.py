"""Find public operations that have no registry entry.

Two modules export operations: ``anygrad.ops`` (re-exported as ``anygrad.<name>``) and
``anygrad.nn.functional``, whose entries are named by their path from ``anygrad``
(``nn.functional.conv2d``). An ``nn.functional`` function that is the same operation as an
``anygrad`` one (``F.relu``) is covered by an alias of that entry (``register_alias``).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["EXEMPT", "NN_EXEMPT", "SCANNED_MODULES", "unregistered_ops"]

# Public names of ``anygrad.ops`` that are not operations, each with the reason.
EXEMPT: dict[str, str] = {
    "REGISTRY": "the registry itself",
    "OpSpec": "the registry's record type",
    "register": "the registry's add function",
    "LINALG": "the list of names exposed as namespace.linalg, not an operation",
    "broadcast_shapes": "Array API utility on shapes: returns a shape, no array",
    "can_cast": "Array API utility on dtypes: returns a bool, no array",
    "result_type": "Array API utility on dtypes: returns a dtype, no array",
    "isdtype": "Array API utility on dtypes: returns a bool, no array",
}

# Public names of ``anygrad.nn.functional`` that are not operations, each with the reason.
# (Every function it exports today is registered: its non-differentiable one_hot with
# ``differentiable=False``, the random dropouts with a seeded generator per call.)
NN_EXEMPT: dict[str, str] = {}

# (module path, prefix of its registry names, its exemptions): what the check scans.
SCANNED_MODULES: tuple = (
    ("anygrad.ops", "", EXEMPT),
    ("anygrad.nn.functional", "nn.functional.", NN_EXEMPT),
)


def unregistered_ops(
    names: Iterable[str] | None = None, registry: Mapping[str, Any] | None = None,
    exempt: Mapping[str, str] | None = None, module: Any = None, *, prefix: str = "",
    aliases: Mapping[str, str] | None = None,
) -> list[str]:
    """Public operation names without a registry entry.

    Without ``names`` and ``module``, scans every module of :data:`SCANNED_MODULES`
    (``anygrad.ops.__all__`` and ``anygrad.nn.functional.__all__``) with its own
    exemptions, and reports names as registered (``nn.functional.pad``). Otherwise scans
    ``names`` of ``module``: a name counts as registered when ``prefix + name`` is a key of
    ``registry`` or of ``aliases`` (default: anygrad's ``ALIASES`` when ``registry`` is
    anygrad's registry). Names in ``exempt`` (default :data:`EXEMPT`) and non-callables
    are ignored.

    Examples
    --------
    >>> from anygrad.testing import unregistered_ops
    >>> unregistered_ops(["exp", "my_new_op"], registry={"exp": None}, module=object())
    ['my_new_op']
    """
    import importlib

    from .. import ops

    if names is None and module is None:
        missing = []
        for path, pre, own in SCANNED_MODULES:
            mod = importlib.import_module(path)
            missing += unregistered_ops(mod.__all__, registry, own if exempt is None else exempt,
                                        mod, prefix=pre, aliases=aliases)
        return sorted(missing)
    if module is None or names is None:
        module = ops if module is None else module
        names = module.__all__ if names is None else names
    registry = ops.REGISTRY if registry is None else registry
    if aliases is None:
        aliases = ops.ALIASES if registry is ops.REGISTRY else {}
    exempt = EXEMPT if exempt is None else exempt
    missing = []
    for name in names:
        key = prefix + name
        # An alias is another spelling of a registered operation (OpSpec.aliases).
        if name in exempt or key in registry or key in aliases:
            continue
        obj = getattr(module, name, None)
        if obj is not None and not callable(obj):
            continue
        missing.append(key)
    return sorted(missing)
