"""Distance modules (wrappers around ``anygrad.nn.functional``)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine similarity of ``x1`` and ``x2`` along ``dim``
    (:func:`~anygrad.nn.functional.cosine_similarity`).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.CosineSimilarity(dim=0)(anygrad.tensor([1.0, 0.0]), anygrad.tensor([1.0, 1.0]))
    tensor(0.7071)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Any, x2: Any) -> Any:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """``p``-norm distance between the rows of ``x1`` and ``x2``
    (:func:`~anygrad.nn.functional.pairwise_distance`)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Any, x2: Any) -> Any:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
