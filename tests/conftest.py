"""Hypothesis profiles: ``fast`` by default, ``ci`` (thorough) when CI selects it.

Choose one with the environment variable ``BACKEXT_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("BACKEXT_HYPOTHESIS_PROFILE", "fast"))
