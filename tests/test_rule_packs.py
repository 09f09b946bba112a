"""Every shipped rule is proven by its cases: at least one document it passes and one it fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.dsl import load_rule_set
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
from compliance.testing import case_files, run_case_file

RULES = Path(__file__).resolve().parent.parent / "rules"
PACKS = sorted(p for p in RULES.iterdir() if p.is_dir() and any(p.glob("*.rules")))


@pytest.fixture(scope="module")
def functions() -> dict[str, object]:
    return hooks.dsl_functions(create_manager()[0])


def test_every_pack_folder_is_found() -> None:
    assert [p.name for p in PACKS] == ["national", "shanghai", "xinjiang"]


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_rule_has_a_passing_and_a_failing_case(pack: Path, functions) -> None:
    outcomes: dict[str, set[str]] = {}
    for case_file in case_files([pack]):
        for result in run_case_file(case_file):
            assert result.passed, (result.name, result.problems)
            outcomes.setdefault(result.rule, set()).add(result.result.outcome.value)
    rules = sorted(r.id for r in load_rule_set([pack], functions=functions).rules)
    missing = {rule: sorted({"pass", "fail"} - outcomes.get(rule, set())) for rule in rules}
    assert {rule: lack for rule, lack in missing.items() if lack} == {}
