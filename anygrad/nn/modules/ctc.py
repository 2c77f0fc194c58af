"""The connectionist temporal classification loss as a layer."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..module import Module

__all__ = ["CTCLoss"]


class CTCLoss(Module):
    """CTC loss; see :func:`anygrad.nn.functional.ctc_loss`.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> lp = anygrad.randn(5, 2, 4).log_softmax(2)
    >>> nn.CTCLoss()(lp, anygrad.tensor([[1, 2], [3, 3]]), [5, 4], [2, 2]).shape
    anygrad.Size([])
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def forward(self, log_probs: Any, targets: Any, input_lengths: Any,
                target_lengths: Any) -> Any:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                          self.reduction, self.zero_infinity)

    def extra_repr(self) -> str:
        return f"blank={self.blank}, reduction={self.reduction!r}"
