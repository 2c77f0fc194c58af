"""Backend-independent dtype objects.

Every backend spells its dtypes differently (``numpy.float32``, ``torch.float32``,
``array_api_strict.float32``...). anygrad gives one object per dtype so that model code
(``x.dtype == anygrad.float32``) reads the same on every backend; each backend keeps a
two-way table between these objects and its own dtypes (see ``_backend.Backend``).
"""

from __future__ import annotations

__all__ = [
    "dtype",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "finfo",
    "iinfo",
    "get_default_dtype",
    "set_default_dtype",
]

import builtins as _builtins

import numpy as _np


class dtype:  # noqa: N801 - named like torch.dtype / numpy.dtype
    """A data type, the same object on every backend.

    Attributes
    ----------
    name : str
        The Array API name (``"float32"``).
    kind : str
        ``"b"`` bool, ``"i"`` signed, ``"u"`` unsigned, ``"f"`` real float,
        ``"c"`` complex float.
    itemsize : int
        Bytes per element.
    """

    __slots__ = ("name", "kind", "itemsize")

    def __init__(self, name: str, kind: str, itemsize: int) -> None:
        self.name = name
        self.kind = kind
        self.itemsize = itemsize

    def __repr__(self) -> str:
        return f"anygrad.{self.name}"

    __str__ = __repr__

    def __reduce__(self) -> str:
        return self.name

    @property
    def is_floating_point(self) -> _builtins.bool:
        return self.kind == "f"

    @property
    def is_complex(self) -> _builtins.bool:
        return self.kind == "c"

    @property
    def is_signed(self) -> _builtins.bool:
        return self.kind in "ifc"


bool = dtype("bool", "b", 1)  # noqa: A001 - the Array API name
int8 = dtype("int8", "i", 1)
int16 = dtype("int16", "i", 2)
int32 = dtype("int32", "i", 4)
int64 = dtype("int64", "i", 8)
uint8 = dtype("uint8", "u", 1)
uint16 = dtype("uint16", "u", 2)
uint32 = dtype("uint32", "u", 4)
uint64 = dtype("uint64", "u", 8)
float16 = dtype("float16", "f", 2)
bfloat16 = dtype("bfloat16", "f", 2)
float32 = dtype("float32", "f", 4)
float64 = dtype("float64", "f", 8)
complex64 = dtype("complex64", "c", 8)
complex128 = dtype("complex128", "c", 16)

ALL: dict[str, dtype] = {
    d.name: d
    for d in (
        bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        float16, bfloat16, float32, float64, complex64, complex128,
    )
}
# PyTorch spellings that tutorials use.
ALIASES: dict[str, dtype] = {
    "float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
    "short": int16, "cfloat": complex64, "cdouble": complex128,
}
float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001 - torch.int
short = int16
cfloat = complex64
cdouble = complex128

_default_float = [float32]


def get_default_dtype() -> dtype:
    """The dtype of floating-point tensors made from Python floats (float32, as PyTorch)."""
    return _default_float[0]


def default_complex_dtype() -> dtype:
    """The complex dtype that pairs with the default float dtype (complex64 with float32,
    complex128 with float64): what Python complex numbers become, as in PyTorch."""
    return complex128 if _default_float[0] is float64 else complex64


def default_float_for(d: dtype) -> dtype:
    """The dtype an integer or boolean operand takes when it meets a Python float (the
    default float dtype) or a Python complex (the default complex dtype), as PyTorch."""
    return default_complex_dtype() if d.kind == "c" else _default_float[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating-point dtype (``anygrad.float32`` or ``anygrad.float64``)."""
    d = as_dtype(d)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating-point dtype, got {d}")
    _default_float[0] = d


def as_dtype(d: object) -> dtype:
    """Turn an anygrad dtype, a name, a NumPy dtype or a backend dtype into an anygrad dtype."""
    if isinstance(d, dtype):
        return d
    if isinstance(d, str):
        found = ALL.get(d) or ALIASES.get(d)
        if found is not None:
            return found
        raise TypeError(f"unknown dtype name {d!r}; expected one of {sorted(ALL)}")
    name = getattr(d, "name", None)
    if isinstance(name, str) and name in ALL:
        return ALL[name]
    text = str(d).rsplit(".", 1)[-1]
    if text in ALL:
        return ALL[text]
    try:
        return ALL[_np.dtype(d).name]  # type: ignore[arg-type]
    except (TypeError, KeyError):
        raise TypeError(f"cannot interpret {d!r} as a dtype") from None


class finfo:  # noqa: N801
    """Machine limits of a floating-point dtype (``bits``, ``eps``, ``max``, ``min``, ``tiny``)."""

    def __init__(self, d: object) -> None:
        d = as_dtype(getattr(d, "dtype", d))
        if d.kind not in "fc":
            raise TypeError(f"finfo: expected a floating-point dtype, got {d}")
        info = _np.finfo(d.name if d.name != "bfloat16" else "float32")
        self.dtype = d
        self.bits = info.bits
        self.eps = _builtins.float(info.eps)
        self.max = _builtins.float(info.max)
        self.min = _builtins.float(info.min)
        self.tiny = self.smallest_normal = _builtins.float(info.tiny)
        self.resolution = _builtins.float(info.resolution)

    def __repr__(self) -> str:
        return f"finfo(eps={self.eps}, max={self.max}, min={self.min}, dtype={self.dtype.name})"


class iinfo:  # noqa: N801
    """Machine limits of an integer dtype (``bits``, ``max``, ``min``)."""

    def __init__(self, d: object) -> None:
        d = as_dtype(getattr(d, "dtype", d))
        if d.kind not in "iu":
            raise TypeError(f"iinfo: expected an integer dtype, got {d}")
        info = _np.iinfo(d.name)
        self.dtype = d
        self.bits = info.bits
        self.max = _builtins.int(info.max)
        self.min = _builtins.int(info.min)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype.name})"
