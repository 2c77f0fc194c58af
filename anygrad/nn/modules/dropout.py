"""Dropout layers (masks drawn on anygrad's seeded host generator)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: probability has to be between 0 and 1, got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes elements with probability ``p`` in training mode; identity in eval mode."""

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.dropout2d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.alpha_dropout(input, self.p, self.training)


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of ``(N, C, D, H, W)`` with probability ``p`` in training mode.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.Dropout3d(0.5).eval()(anygrad.ones(1, 2, 1, 1, 1)).flatten().tolist()
    [1.0, 1.0]
    """

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.dropout3d(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels (SELU networks); identity in eval mode.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.FeatureAlphaDropout(0.2).eval()(anygrad.ones(1, 2, 3)).shape
    anygrad.Size([1, 2, 3])
    """

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.feature_alpha_dropout(input, self.p, self.training, self.inplace)
