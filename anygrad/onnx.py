"""``anygrad.onnx``: present so that programs importing ``torch.onnx`` run; exporting is not
supported (anygrad has no tracer to record a model as an ONNX graph)."""

from __future__ import annotations

from typing import Any

__all__ = ["export"]


def export(model: Any, args: Any, f: Any, *rest: Any, **kwargs: Any) -> None:
    """Not supported: raises, naming the alternative."""
    raise NotImplementedError(
        "onnx.export: anygrad cannot export ONNX graphs; save the weights with "
        "anygrad.save(model.state_dict(), f) and load them into the PyTorch model to export")
