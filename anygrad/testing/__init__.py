"""Testing helpers for anygrad and for users' own Functions (public API).

The backend matrix, Hypothesis strategies and ``assert_close`` live here.
"""

from __future__ import annotations

from . import hypothesis_profiles
from ._backends import BACKEND_MATRIX, BackendCase

__all__ = ["BACKEND_MATRIX", "BackendCase", "hypothesis_profiles"]
