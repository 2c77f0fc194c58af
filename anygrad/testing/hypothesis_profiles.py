"""Hypothesis profiles: ``ci`` (deterministic, fast), ``dev`` and ``thorough``.

Select one with ``HYPOTHESIS_PROFILE=dev pytest``; ``ci`` is the default.

- ``ci``: derandomized (the same examples on every run and machine), no example database,
  8 examples per test: the whole suite fits in a few minutes on two cores.
- ``dev``: random, 25 examples, failures saved to the local example database.
- ``thorough``: random, 300 examples (nightly or before a release).

Every profile prints the falsifying example and a ``@reproduce_failure`` blob on failure.
"""

from __future__ import annotations

import os

PROFILES = ("ci", "dev", "thorough")


def register(default: str | None = None) -> None:
    """Register the three profiles and load ``$HYPOTHESIS_PROFILE`` (else ``default`` or
    ``ci``). Does nothing when Hypothesis is not installed."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # hypothesis is a test extra
        return
    common = dict(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
                  print_blob=True, deadline=None)
    settings.register_profile("ci", max_examples=8, derandomize=True, database=None, **common)
    settings.register_profile("dev", max_examples=25, **common)
    settings.register_profile("thorough", max_examples=300, **common)
    name = os.environ.get("HYPOTHESIS_PROFILE") or default or "ci"
    if name not in PROFILES:
        raise ValueError(f"HYPOTHESIS_PROFILE must be one of {PROFILES}, got {name!r}")
    settings.load_profile(name)
