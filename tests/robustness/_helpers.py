"""Helpers of the robustness suite: tensors on the case's backend and device, and the
PyTorch side of each comparison (imported only by the part of a test that compares)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import anygrad


def T(data: Any, backend: Any, dtype: str | None = "float32", **kw: Any) -> Any:
    """A tensor of ``data`` on the backend case (floats as float32 unless told)."""
    arr = np.asarray(data) if dtype is None else np.asarray(data, dtype=dtype)
    return anygrad.tensor(arr, device=backend.device_obj(), backend=backend.name, **kw)


def I(data: Any, backend: Any, dtype: str = "int64") -> Any:  # noqa: E743
    """An integer tensor (class targets, indices)."""
    return T(data, backend, dtype)


def torch() -> Any:
    """PyTorch for the comparison part of a test (that part is skipped without it)."""
    return pytest.importorskip("torch")


def torch_raises(fn: Any, *types: type) -> BaseException:
    """Assert that PyTorch refuses ``fn(torch)`` too, with one of ``types``."""
    t = torch()
    with pytest.raises(types or (Exception,)) as info:
        fn(t)
    return info.value


def assert_names(exc: BaseException, *words: Any) -> None:
    """The message names each of ``words`` (the op, the value, the range...)."""
    msg = str(exc)
    for w in words:
        assert re.search(re.escape(str(w)), msg), f"{w!r} not named in: {msg}"
