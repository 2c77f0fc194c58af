"""Array API utilities that return no arrays: ``broadcast_shapes``, ``can_cast``,
``result_type`` and ``isdtype``. They are not operations (nothing to differentiate, no
registry entry); they accept anygrad dtypes, their names, backend dtypes and Tensors.
"""

from __future__ import annotations

from typing import Any

from .. import _dtype

__all__ = ["broadcast_shapes", "can_cast", "result_type", "isdtype"]

# Rank of each kind in PyTorch's category promotion: a higher kind wins a mixed pair.
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_INTS = {(d.kind, d.itemsize): d for d in _dtype.ALL.values() if d.kind in "iu"}
_COMPLEX_OF = {4: _dtype.complex64, 8: _dtype.complex128}


def _dtype_of(x: Any, op: str) -> Any:
    d = getattr(x, "dtype", x)
    try:
        return _dtype.as_dtype(d)
    except TypeError:
        raise TypeError(f"{op}: expected a dtype or an array, got {x!r}") from None


def _promote(a: Any, b: Any) -> Any:
    """The Array API promotion of two dtypes; mixed kinds take the higher kind's dtype, as
    in PyTorch (the standard leaves them unspecified)."""
    if a is b:
        return a
    ka, kb = a.kind, b.kind
    if {ka, kb} == {"f", "c"}:  # complex64 with float64 is complex128 (the standard)
        return _COMPLEX_OF[max(_real_size(a), _real_size(b), 4)]
    if _KIND_RANK[ka] != _KIND_RANK[kb]:
        return a if _KIND_RANK[ka] > _KIND_RANK[kb] else b
    if ka == "b":
        return a
    if ka in "iu":
        if ka == kb:
            return a if a.itemsize >= b.itemsize else b
        signed, unsigned = (a, b) if ka == "i" else (b, a)
        if signed.itemsize > unsigned.itemsize:
            return signed
        if unsigned.itemsize < 8:
            return _INTS[("i", 2 * unsigned.itemsize)]
        return _dtype.float64  # int64 with uint64: no integer holds both (as NumPy)
    if ka == "f":
        if a.itemsize == b.itemsize:  # float16 with bfloat16
            return _dtype.float32
        return a if a.itemsize > b.itemsize else b
    # complex with complex
    return a if a.itemsize >= b.itemsize else b


def _real_size(d: Any) -> int:
    return d.itemsize // 2 if d.kind == "c" else d.itemsize


def result_type(*arrays_and_dtypes: Any) -> Any:
    """The dtype that the Array API's type promotion gives for these arrays, dtypes and
    Python scalars (scalars are weak: they change only the kind, as in the 2024.12
    standard and PyTorch).

    Within a kind the standard's lattice applies (``int8`` with ``uint8`` is ``int16``,
    ``float32`` with ``float64`` is ``float64``); mixed kinds, which the standard leaves
    unspecified, give the higher kind's dtype as in PyTorch (``int64`` with ``float32`` is
    ``float32``); a float scalar with integers gives the default float dtype.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.result_type(anygrad.int8, anygrad.uint8)
    anygrad.int16
    >>> anygrad.result_type(anygrad.tensor([1.0]), anygrad.float64)
    anygrad.float64
    >>> anygrad.result_type(anygrad.tensor([1, 2]), 1.5)
    anygrad.float32
    """
    out = None
    scalars = []
    for x in arrays_and_dtypes:
        if type(x) in (bool, int, float, complex):
            scalars.append(x)
            continue
        d = _dtype_of(x, "result_type")
        out = d if out is None else _promote(out, d)
    if out is None:
        raise ValueError("result_type: expected at least one array or dtype, got "
                         f"{len(scalars)} Python scalar(s) only")
    for s in scalars:
        if type(s) is complex and out.kind != "c":
            out = _COMPLEX_OF[8 if out.kind == "f" and out.itemsize == 8 else 4]
        elif type(s) is float and out.kind in "biu":
            out = _dtype.get_default_dtype()
        elif type(s) is int and out.kind == "b":
            out = _dtype.int64
    return out


def can_cast(from_: Any, to: Any, /) -> bool:
    """Whether ``from_`` (a dtype or an array) can be cast to the dtype ``to`` by type
    promotion: ``result_type(from_, to)`` is ``to``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.can_cast(anygrad.float32, anygrad.float64)
    True
    >>> anygrad.can_cast(anygrad.float64, anygrad.float32)
    False
    """
    src, dst = _dtype_of(from_, "can_cast"), _dtype_of(to, "can_cast")
    return _promote(src, dst) is dst


def broadcast_shapes(*shapes: Any) -> Any:
    """The shape that arrays of the given shapes broadcast to (an ``anygrad.Size``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.broadcast_shapes((3, 1), (4,))
    anygrad.Size([3, 4])
    """
    from ..tensor import Size

    shapes = [(s,) if isinstance(s, int) else tuple(int(n) for n in s) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        for i, n in enumerate(s, start=ndim - len(s)):
            if n == out[i] or n == 1:
                continue
            if out[i] != 1:
                raise ValueError(
                    f"broadcast_shapes: shapes {', '.join(str(t) for t in shapes)} are not "
                    f"broadcastable (size {out[i]} against {n} in dimension {i - ndim})")
            out[i] = n
    return Size(out)


_KINDS = {
    "bool": "b", "signed integer": "i", "unsigned integer": "u", "integral": "iu",
    "real floating": "f", "complex floating": "c", "numeric": "iufc",
}


def isdtype(dtype: Any, kind: Any) -> bool:
    """Whether ``dtype`` is of ``kind``: a dtype, one of the standard's kind names
    (``"bool"``, ``"signed integer"``, ``"unsigned integer"``, ``"integral"``, ``"real
    floating"``, ``"complex floating"``, ``"numeric"``), or a tuple of them.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.isdtype(anygrad.float32, "real floating")
    True
    >>> anygrad.isdtype(anygrad.int8, ("bool", "unsigned integer"))
    False
    """
    d = _dtype.as_dtype(dtype)
    if isinstance(kind, tuple):
        return any(isdtype(d, k) for k in kind)
    if not isinstance(kind, str):
        return d is _dtype.as_dtype(kind)
    if kind not in _KINDS:
        raise ValueError(f"isdtype: unknown kind {kind!r}; expected a dtype or one of "
                         f"{sorted(_KINDS)}")
    return d.kind in _KINDS[kind]
