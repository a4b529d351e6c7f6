"""Shared test set-up: deterministic hypothesis, isolated environment."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Deterministic everywhere: a flaky test is a failing test. No deadlines: the
# machine is shared and timing is not what these tests check.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the developer's archive/index settings or colours, nor the
    user's cache directory: a command that searches the bundled sample builds its
    index in a cache of the test's own (subprocesses inherit it); nor their saved
    searches (XDG_STATE_HOME)."""
    for var in ("EGOVSEARCH_ARCHIVE", "EGOVSEARCH_INDEX", "NO_COLOR", "PAGER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
