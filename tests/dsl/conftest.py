"""Fixtures for the rule-language tests."""

from __future__ import annotations

import pytest

from compliance.dsl.tiers import RuleCode


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write the AST cache into the user's home while testing."""
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True, params=["closures", "generated"])
def tier(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every rule-language test runs twice: with rules as closures, and as generated Python.

    A rule switches from one to the other as it runs (compliance.dsl.tiers); here each test pins one
    form from the first run, so both are held to every expectation.
    """
    if request.param == "closures":
        def run(code: RuleCode, env: dict) -> None:
            for statement in code.closures:
                statement(env)
    else:
        def run(code: RuleCode, env: dict) -> None:
            function = code.function if code.generate is None else code.promote()
            assert function is not None, "the rule was not generated"
            function(env)
    monkeypatch.setattr(RuleCode, "run", run)
    return request.param
