"""Fixtures for the rule-language tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write the AST cache into the user's home while testing."""
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
