"""PyTorch-style ``repr`` for Tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype

_DEFAULT_SHOWN = {"float32", "int64", "bool"}


def tensor_repr(t: Any) -> str:
    values = t._backend.to_numpy(t._data)
    dt = t.dtype
    if values.size == 0:
        body = "[]" if values.ndim == 1 else f"[], size={tuple(values.shape)}"
    else:
        if dt.kind == "f" and dt.name in ("float16", "bfloat16"):
            values = values.astype(np.float32)
        body = np.array2string(
            values, separator=", ", prefix="tensor(", threshold=1000, edgeitems=3,
            precision=4, floatmode="maxprec_equal" if dt.kind == "f" else "maxprec",
        )
    extras = []
    if t._backend.name != "numpy":
        extras.append(f"backend='{t._backend.name}'")
        device = getattr(t.device, "_device", t.device)  # array_api_strict.Device -> name
        if str(device) not in ("cpu", "CPU_DEVICE", "cpu:0", "TFRT_CPU_0"):
            extras.append(f"device='{device}'")
    if dt.name not in _DEFAULT_SHOWN or (dt is _dtype.float32 and _dtype.get_default_dtype() is not _dtype.float32):
        extras.append(f"dtype={dt!r}")
    if t._grad_fn is not None:
        extras.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    tail = "".join(", " + e for e in extras)
    return f"tensor({body}{tail})"
