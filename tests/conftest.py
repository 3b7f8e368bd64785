"""Hypothesis profiles: ``fast`` by default, ``ci`` (thorough) when CI selects it.

Choose one with the environment variable ``BACKEXT_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os

import pytest
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


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line speaks the environment's language: every test starts from none (tests/test_l10n.py sets one)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
