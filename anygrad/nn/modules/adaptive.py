"""AdaptiveLogSoftmaxWithLoss: the efficient softmax of Grave et al. (2016) for large vocabularies."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import anygrad as _ag

from .. import functional as F
from ..module import Module
from .container import ModuleList, Sequential
from .linear import Linear

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax: frequent classes (below ``cutoffs[0]``) in a head, the others in
    clusters whose log-probabilities add the head's cluster log-probability.

    Same parameters, names and initialisation as PyTorch's: ``head`` (``Linear(in_features,
    cutoffs[0] + n_clusters)``) and ``tail[i]`` (``Linear(in_features, in_features //
    div_value ** (i + 1))`` then ``Linear(.., cluster size)``, without biases). ``forward``
    returns ``(output, loss)``: each target's log-probability and their negated mean.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> asm = nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4, 8])
    >>> out = asm(anygrad.randn(3, 8), anygrad.tensor([1, 5, 9]))
    >>> out.output.shape, out.loss.shape
    (anygrad.Size([3]), anygrad.Size([]))
    >>> asm.log_prob(anygrad.randn(3, 8)).exp().sum(1).allclose(anygrad.ones(3))
    True
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Any, div_value: float = 4.0,
                 head_bias: bool = False, device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of length "
                             "larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError(
                f"AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive "
                f"integers sorted in an increasing order, where each value is between 1 and "
                f"n_classes-1 = {n_classes - 1}, got {cutoffs}")
        fk = dict(device=device, dtype=dtype, backend=backend)
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = [int(c) for c in cutoffs] + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, **fk)
        tails = []
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            tails.append(Sequential(Linear(in_features, hsz, bias=False, **fk),
                                    Linear(hsz, osz, bias=False, **fk)))
        self.tail = ModuleList(tails)

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def _full_log_prob(self, input: Any) -> Any:  # noqa: A002
        head = F.log_softmax(self.head(input), dim=1)
        parts = [head[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster = F.log_softmax(self.tail[i](input), dim=1)
            parts.append(cluster + head[:, self.shortlist_size + i:self.shortlist_size + i + 1])
        return _ag.concat(parts, axis=1)

    def forward(self, input_: Any, target_: Any) -> Any:
        name = type(self).__name__
        if target_.ndim == 1:
            if input_.ndim != 2 or input_.shape[0] != target_.shape[0]:
                raise RuntimeError(f"{name}: expected input (batch, in_features) and target "
                                   f"(batch,) with the same batch size, got shapes "
                                   f"{tuple(input_.shape)} and {tuple(target_.shape)}")
            x, t, batched = input_, target_, True
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError(f"{name}: a 0-D target needs a 1-D input, got input of shape "
                                   f"{tuple(input_.shape)}")
            x, t, batched = input_[None], target_[None], False
        else:
            raise RuntimeError(f"{name}: expected a 0-D or 1-D target, got shape "
                               f"{tuple(target_.shape)}")
        if x.shape[1] != self.in_features:
            raise RuntimeError(f"{name}: expected input with {self.in_features} features, got "
                               f"shape {tuple(input_.shape)}")
        if t.numel():
            lo, hi = int(_ag.min(t).item()), int(_ag.max(t).item())
            if lo < 0 or hi > self.n_classes - 1:
                raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but "
                                   f"values in range [{lo}, {hi}] were found. ")
        logp = self._full_log_prob(x)
        idx = _ag.astype(t, _ag.int64)[:, None]
        output = _ag.take_along_axis(logp, idx, axis=1)[:, 0]
        loss = _ag.mean(-output)
        return _ASMoutput(output if batched else output[0], loss)

    def log_prob(self, input: Any) -> Any:  # noqa: A002
        """Log-probabilities of every class, ``(batch, n_classes)`` (or ``(n_classes,)``)."""
        if input.ndim == 1:
            return self._full_log_prob(input[None])[0]
        return self._full_log_prob(input)

    def predict(self, input: Any) -> Any:  # noqa: A002
        """The most likely class of each input row."""
        return _ag.argmax(self.log_prob(input), axis=-1)
