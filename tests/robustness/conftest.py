"""The robustness suite (issue 17): misuse and fault cases on every backend, each compared
with PyTorch's behaviour where PyTorch is installed. ``_helpers`` is importable whatever
pytest's import mode."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
