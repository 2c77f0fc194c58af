"""Hypothesis profiles: ``ci`` (deterministic, fast), ``dev`` and ``thorough``.

Select one with ``HYPOTHESIS_PROFILE=dev pytest``; ``ci`` is the default.
"""

from __future__ import annotations

import os


def register() -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # hypothesis is a test extra
        return
    common = dict(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
                  print_blob=True)
    settings.register_profile("ci", max_examples=8, derandomize=True, deadline=None, **common)
    settings.register_profile("dev", max_examples=25, deadline=None, **common)
    settings.register_profile("thorough", max_examples=300, deadline=None, **common)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
