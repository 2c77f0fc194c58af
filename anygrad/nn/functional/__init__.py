"""``anygrad.nn.functional``: stateless layers, activations and losses (PyTorch's ``F``).

Convolution and pooling are primitives written against the Array API standard; the rest
compose anygrad's differentiable operations.
"""

from __future__ import annotations

from . import (_activation, _attention, _conv, _ctc, _grid, _linear, _loss, _misc, _normalization, _pool,
               _pool_indices, _resample, _rnn, _volume)
from ._activation import *  # noqa: F401,F403
from ._attention import *  # noqa: F401,F403
from ._conv import *  # noqa: F401,F403
from ._ctc import *  # noqa: F401,F403
from ._grid import *  # noqa: F401,F403
from ._linear import *  # noqa: F401,F403
from ._loss import *  # noqa: F401,F403
from ._misc import *  # noqa: F401,F403
from ._normalization import *  # noqa: F401,F403
from ._pool import *  # noqa: F401,F403
from ._pool_indices import *  # noqa: F401,F403
from ._resample import *  # noqa: F401,F403
from ._rnn import *  # noqa: F401,F403
from ._volume import *  # noqa: F401,F403

__all__ = sorted(
    _activation.__all__ + _attention.__all__ + _conv.__all__ + _linear.__all__ + _loss.__all__
    + _misc.__all__ + _normalization.__all__ + _pool.__all__ + _resample.__all__ + _rnn.__all__
    + _volume.__all__ + _ctc.__all__ + _pool_indices.__all__ + _grid.__all__
)
