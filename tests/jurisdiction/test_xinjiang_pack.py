"""The Xinjiang pack: its rule cases, every rule covered by a passing and a failing case."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.dsl import load_rule_set
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
from compliance.testing import case_files, run_case_file

XINJIANG = Path(__file__).resolve().parents[2] / "rules" / "xinjiang"


@pytest.mark.parametrize("case_file", case_files([XINJIANG]), ids=lambda p: p.name)
def test_xinjiang_rule_cases(case_file: Path) -> None:
    results = run_case_file(case_file)
    assert results, "a case file with no cases"
    assert [(r.name, r.problems) for r in results if not r.passed] == []


def test_every_xinjiang_rule_has_a_passing_and_a_failing_case() -> None:
    outcomes: dict[str, set[str]] = {}
    for case_file in case_files([XINJIANG]):
        for result in run_case_file(case_file):
            outcomes.setdefault(result.rule, set()).add(result.result.outcome.value)
    pm, _ = create_manager()
    rules = sorted(r.id for r in load_rule_set([XINJIANG], functions=hooks.dsl_functions(pm)).rules)
    assert rules == sorted(outcomes)
    assert {rule: sorted(seen & {"pass", "fail"}) for rule, seen in outcomes.items()} == {
        rule: ["fail", "pass"] for rule in rules
    }
