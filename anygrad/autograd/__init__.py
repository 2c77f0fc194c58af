"""Automatic differentiation: Function, the engine, grad mode and gradient checks."""

from __future__ import annotations

from .grad_mode import (
    detect_anomaly, enable_grad, inference_mode, is_anomaly_enabled, is_grad_enabled, no_grad,
    set_detect_anomaly, set_grad_enabled,
)
from .function import Function, FunctionCtx, once_differentiable
from .engine import backward, grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import functional
# Registers the differentiable namespace the engine hands backward rules under create_graph.
from .. import _namespace  # noqa: F401

__all__ = [
    "Function", "FunctionCtx", "once_differentiable", "backward", "grad",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "gradcheck", "gradgradcheck", "GradcheckError", "functional",
    "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
]
