"""The shipped rules give the same results as closures and as generated Python, on every bundled document.

A rule runs as closures until it has run long enough to repay compiling it to Python
(compliance.dsl.tiers); the switch must never change a result.  Results compare whole:
outcome, reason, and every finding's message, severity, place, related places and values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import compliance
from compliance.dsl import load_rule_set
from compliance.dsl.tiers import RuleCode
from compliance.findings import Outcome
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "examples" / "bazhou-2026-budget.txt",
             *sorted((ROOT / "tests" / "fixtures" / "shanghai").glob("*.pdf")),
             *sorted(ROOT.glob("rules/*/cases/documents/*"))]


def _closures(code: RuleCode, env: dict) -> None:
    for statement in code.closures:
        statement(env)


def _generated(code: RuleCode, env: dict) -> None:
    function = code.function if code.generate is None else code.promote()
    assert function is not None
    function(env)


@pytest.fixture(scope="module")
def rule_set():
    manager, _ = create_manager()
    return load_rule_set(hooks.rule_pack_paths(manager), functions=hooks.dsl_functions(manager))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_closures_and_generated_python_agree(rule_set, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = compliance.load(path)
    monkeypatch.setattr(RuleCode, "run", _closures)
    as_closures = rule_set.evaluate(document)
    monkeypatch.setattr(RuleCode, "run", _generated)
    as_generated = rule_set.evaluate(document)
    assert [r.rule for r in as_generated] == [rule.id for rule in rule_set.rules]
    differing = [(a, b) for a, b in zip(as_closures, as_generated) if a != b]
    assert differing == []
    # The comparison has something to compare: failures whose findings point at lines, on the sample.
    if path.name.startswith("bazhou"):
        findings = [f for r in as_generated if r.outcome is Outcome.FAIL for f in r.findings]
        assert len(findings) >= 10
        assert all(f.location.span.start_line > 0 for f in findings)
