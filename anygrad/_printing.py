"""Tensors print as PyTorch prints them.

The rules are ``torch/_tensor_str.py``'s, applied to a host NumPy copy of the values: four
decimals, a trailing ``.`` for integer-valued floats, scientific notation when the range
needs it, one width for every element, summarised output past 1000 elements. Only the
names differ (``anygrad.float64`` for ``torch.float64``), and a tensor on a backend other
than NumPy says which.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator

import numpy as np

from . import _dtype

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print, as ``torch.set_printoptions`` does.

    Parameters
    ----------
    precision : int, optional
        Digits after the decimal point (default 4).
    threshold : float, optional
        Number of elements above which a tensor prints summarised (default 1000).
    edgeitems : int, optional
        Items shown at each end of every dimension of a summarised tensor (default 3).
    linewidth : int, optional
        Characters per line before a row of numbers wraps (default 80).
    profile : {"default", "short", "full"}, optional
        A set of the options above, applied first; the others then override it.
    sci_mode : bool or None, optional
        Always (True) or never (False) scientific notation; None (the default, and what
        every call that does not give it sets again, as in PyTorch) chooses per tensor.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.set_printoptions(precision=2)
    >>> anygrad.tensor([1.12345])
    tensor([1.12])
    >>> anygrad.set_printoptions(threshold=5)
    >>> anygrad.arange(10)
    tensor([0, 1, 2,  ..., 7, 8, 9])
    >>> anygrad.set_printoptions(profile="default")
    >>> anygrad.tensor([1.12345])
    tensor([1.1235])
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(
                f"set_printoptions: profile must be one of {sorted(_PROFILES)}, got {profile!r}"
            )
        for name, value in _PROFILES[profile].items():
            setattr(_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(_OPTS, name, value)
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keywords that :func:`set_printoptions` accepts."""
    return dataclasses.asdict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options inside a ``with`` block (keywords of :func:`set_printoptions`)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """One width and one style (integer, fixed or scientific) for all of a tensor's values."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        if not self.floating:
            for v in values.ravel().tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        flat = values.ravel()
        finite = flat[np.isfinite(flat) & (flat != 0)].tolist()
        if not finite:
            return
        p = _OPTS.precision
        absolute = [abs(v) for v in finite]
        lo, hi = min(absolute), max(absolute)
        self.int_mode = all(v == math.ceil(v) for v in finite)
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
                         if _OPTS.sci_mode is None else _OPTS.sci_mode)
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in finite)
        elif self.int_mode:
            # The "." an integer-valued float gets counts in its width.
            self.max_width = max(len(f"{v:.0f}") + 1 for v in finite)
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in finite)

    def format(self, value: Any) -> str:
        if self.floating:
            p = _OPTS.precision
            if self.sci_mode:
                s = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                s = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    s += "."
            else:
                s = f"{value:.{p}f}"
        else:
            s = f"{value}"
        return (self.max_width - len(s)) * " " + s


def _value_str(value: Any, real: _Formatter, imag: _Formatter | None) -> str:
    if imag is None:
        return real.format(value)
    re_s = real.format(value.real)
    im_s = (imag.format(value.imag) + "j").lstrip()
    return re_s + im_s if im_s[0] in "+-" else re_s + "+" + im_s


def _vector_str(a: np.ndarray, indent: int, summarize: bool,
                real: _Formatter, imag: _Formatter | None) -> str:
    # Each element takes its width plus ", "; a complex one also its imaginary part and "j".
    element_length = real.max_width + 2 + (imag.max_width + 1 if imag is not None else 0)
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / element_length))
    e = _OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([_value_str(v, real, imag) for v in a[:e].tolist()] + [" ..."]
                + [_value_str(v, real, imag) for v in a[-e:].tolist()])
    else:
        data = [_value_str(v, real, imag) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool,
                real: _Formatter, imag: _Formatter | None) -> str:
    if a.ndim == 0:
        return _value_str(a.item(), real, imag)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, real, imag)
    e = _OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        slices = ([_nested_str(a[i], indent + 1, summarize, real, imag) for i in range(e)]
                  + ["..."]
                  + [_nested_str(a[i], indent + 1, summarize, real, imag)
                     for i in range(n - e, n)])
    else:
        slices = [_nested_str(a[i], indent + 1, summarize, real, imag) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(a: np.ndarray) -> np.ndarray:
    """The values a summarised tensor shows, which alone decide its formatting."""
    e = _OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # a[-0:] is all of a: with edgeitems=0 a vector keeps every value, as in PyTorch.
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return np.empty((0,) * a.ndim, a.dtype)
    n = a.shape[0]
    rows = range(n) if n <= 2 * e else [*range(e), *range(n - e, n)]
    return np.stack([_summarized(a[i]) for i in rows])


def _values_str(a: np.ndarray, indent: int) -> str:
    summarize = a.size > _OPTS.threshold
    shown = _summarized(a) if summarize else a
    if a.dtype.kind == "c":
        real, imag = _Formatter(shown.real), _Formatter(shown.imag)
        return _nested_str(a, indent, summarize, real, imag)
    return _nested_str(a, indent, summarize, _Formatter(shown), None)


def _host_values(t: Any) -> np.ndarray:
    data = t._data
    if t.dtype is _dtype.bfloat16 and t._backend.name == "torch":
        data = data.float()  # torch gives no NumPy bfloat16; float32 holds every value exactly
    values = t._backend.to_numpy(data)
    if t.dtype.kind == "f" and values.dtype.kind != "f":  # ml_dtypes' bfloat16 (JAX)
        values = values.astype(np.float32)
    return values


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # PyTorch's line-length count, off by a few characters, and its length of a dtype
    # ("torch.int32", two shorter than "anygrad.int32"): kept so that lines wrap alike.
    last_line_len = len(text) - text.rfind("\n") + 1
    parts = [text]
    for suffix in suffixes:
        n = len(suffix) - (len("anygrad.") - len("torch.")) * suffix.startswith("dtype=")
        if last_line_len + n + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + n
        else:
            parts.append(", " + suffix)
            last_line_len += n + 2
    return "".join(parts) + ")"


def tensor_repr(t: Any) -> str:
    """``repr(t)`` for a Tensor: PyTorch's text for the same values."""
    prefix = "tensor("
    indent = len(prefix)
    dt = t.dtype
    values = _host_values(t)
    suffixes = []
    if t._backend.name != "numpy":
        suffixes.append(f"backend='{t._backend.name}'")
        device = getattr(t.device, "_device", t.device)  # array_api_strict.Device -> name
        if str(device) not in ("cpu", "CPU_DEVICE", "cpu:0", "TFRT_CPU_0"):
            suffixes.append(f"device='{device}'")
    default_float = _dtype.get_default_dtype()
    if values.size == 0:
        # NumPy's rule: the shape unless it is (0,); the dtype unless the default float,
        # since no value shows what it is.
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if dt is not default_float:
            suffixes.append(f"dtype={dt!r}")
        body = "[]"
    else:
        if not _OPTS.edgeitems:
            suffixes.append(f"size={tuple(values.shape)}")
        default_complex = _dtype.complex128 if default_float is _dtype.float64 else _dtype.complex64
        if dt not in (default_float, default_complex, _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={dt!r}")
        body = _values_str(values, indent)
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
