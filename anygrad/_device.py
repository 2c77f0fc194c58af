"""``anygrad.device``: PyTorch's device objects, accepted wherever a device is.

A device names a kind (``"cpu"``, ``"cuda"``) and an optional index. Backends keep their own
device objects (a CuPy ``Device``, a JAX device, array-api-strict's ``Device``); a
:class:`device` is translated to the backend's own when a tensor is placed
(``Backend.parse_device``), so ``x.to(anygrad.device("cpu"))`` and
``anygrad.zeros(2, device=dev)`` work as they do in PyTorch.
"""

from __future__ import annotations

from typing import Any

__all__ = ["device"]

_KINDS = ("cpu", "cuda")


class device:  # noqa: N801 - PyTorch's spelling
    """A device: ``device("cpu")``, ``device("cuda")``, ``device("cuda:1")``,
    ``device("cuda", 1)`` or ``device(other_device)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.device("cuda:1")
    device(type='cuda', index=1)
    >>> str(anygrad.device("cpu"))
    'cpu'
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device: an index cannot be given with a device object")
            kind, index = type.type, type.index
        elif isinstance(type, str):
            kind, sep, rest = type.partition(":")
            if sep:
                if index is not None:
                    raise ValueError(f"device: {type!r} already has an index; got index={index}")
                if not rest.isdigit():
                    raise ValueError(f"device: expected 'kind:index', got {type!r}")
                index = int(rest)
        else:
            raise TypeError(f"device: expected a string such as 'cpu' or 'cuda:0', got {type!r}")
        if kind not in _KINDS:
            raise ValueError(f"device: expected one of {_KINDS} (with an optional ':index'), "
                             f"got {kind!r}")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise ValueError(f"device: the index must be a non-negative int, got {index!r}")
        object.__setattr__(self, "type", kind)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("device objects are immutable")

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except (TypeError, ValueError):
                return False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    # ``with anygrad.device("cuda"):`` makes it the default device inside the block, as
    # PyTorch's device context does (``set_default_device`` for the block only).
    def __enter__(self) -> device:
        from ._backend import enter_device_block

        enter_device_block(self)
        return self

    def __exit__(self, *exc: object) -> None:
        from ._backend import exit_device_block

        exit_device_block()
