"""The backend matrix under test: (backend, device) cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import _backend


@dataclass(frozen=True)
class BackendCase:
    """One backend (and device) of the test matrix."""

    name: str
    device: Any = None  # a device name understood by Backend.parse_device, or None

    @property
    def id(self) -> str:
        return self.name if self.device is None else f"{self.name}-{self.device}"

    def available(self) -> tuple[bool, str]:
        try:
            _backend.get_backend(self.name)
        except ImportError as exc:
            return False, f"{self.name} is not installed ({exc})"
        except RuntimeError as exc:
            return False, f"{self.name} is not usable here ({exc})"
        return True, ""

    def require(self) -> None:
        """Skip the calling test (with a reason) when this backend is not installed."""
        import pytest

        ok, reason = self.available()
        if not ok:
            if self.name in ("numpy", "array_api_strict"):
                raise RuntimeError(f"required backend {self.name} is missing: {reason}")
            pytest.skip(reason)

    @property
    def backend(self) -> _backend.Backend:
        return _backend.get_backend(self.name)

    def device_obj(self) -> Any:
        return self.backend.parse_device(self.device)


BACKEND_MATRIX = (
    BackendCase("numpy"),
    BackendCase("array_api_strict"),
    BackendCase("array_api_strict", "device1"),
    BackendCase("torch"),
    BackendCase("jax"),
    BackendCase("cupy"),
)
