"""SciPy reads ``SCIPY_ARRAY_API`` once, when it is first imported, and scikit-learn's
``array_api_dispatch`` refuses to run without it: set it here, before any test module of
this folder imports scipy.

Nothing else in the suite imports SciPy, so the variable changes no other test. Where SciPy
was already imported without it (a plugin, another test module), the SciPy and
scikit-learn cases of test_array_api_libraries.py run in a fresh subprocess instead (see
``SCIPY_IN_PROCESS`` there).
"""

from __future__ import annotations

import os
import sys

if "scipy" not in sys.modules:
    os.environ.setdefault("SCIPY_ARRAY_API", "1")
