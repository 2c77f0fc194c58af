"""Layer modules, by category."""

from __future__ import annotations

from . import (activation, adaptive, container, conv, ctc, distance, dropout, lazy, linear, loss,
               normalization, padding, pooling, resample, rnn, sparse, transformer, volume)
from .activation import *  # noqa: F401,F403
from .adaptive import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .ctc import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .lazy import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .resample import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .volume import *  # noqa: F401,F403

__all__ = sorted(
    activation.__all__ + container.__all__ + conv.__all__ + dropout.__all__ + linear.__all__
    + loss.__all__ + normalization.__all__ + padding.__all__ + pooling.__all__ + resample.__all__
    + rnn.__all__ + sparse.__all__ + transformer.__all__ + volume.__all__
    + ctc.__all__ + distance.__all__ + lazy.__all__ + adaptive.__all__
)
