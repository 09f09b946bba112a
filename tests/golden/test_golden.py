"""Golden test: the reviewed findings on the bundled sample, pinned.

``bazhou-2026-budget.findings.json`` holds every finding of a full check of
``examples/bazhou-2026-budget.txt`` (national and Xinjiang packs): rule,
severity, place (line, column, section, table, row, column path) and values.
It is generated, never edited by hand: after a reviewed change run

    COMPLIANCE_REGEN_GOLDEN=1 pytest tests/golden

and read the diff.  ``REVIEW.md`` says, for each pinned finding, why it is a
real defect of the published document; a finding without an entry there fails
the test, so a new finding cannot slip into the golden file unreviewed.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from compliance.engine import Engine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
GOLDEN = HERE / "bazhou-2026-budget.findings.json"
REVIEW = HERE / "REVIEW.md"
REGEN = os.environ.get("COMPLIANCE_REGEN_GOLDEN") == "1"


def _plain(value: object) -> object:
    """A JSON-ready copy of a finding value (Decimals and lists of them as printed)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def current_findings() -> list[dict[str, object]]:
    """Every finding of a full check of the sample, in report order, as plain data."""
    engine = Engine()
    result = engine.check_path(str(SAMPLE))
    assert result.status == "ok", result.error
    assert not engine.failures, [f.message for f in engine.failures]
    findings = []
    for finding in result.findings:
        place = finding.location.to_dict()
        findings.append({
            "rule": finding.rule,
            "severity": finding.severity.value,
            **{key: place[key] for key in ("line", "column", "section", "table", "row", "column_path")},
            "values": {k: _plain(v) for k, v in sorted(finding.values.items())},
            "message": finding.message,
        })
    return findings


def test_sample_findings_match_the_golden_file() -> None:
    findings = current_findings()
    text = json.dumps(findings, ensure_ascii=False, indent=2) + "\n"
    if REGEN:
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run with COMPLIANCE_REGEN_GOLDEN=1 and review it"
    pinned = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert findings == pinned


def test_every_pinned_finding_is_reviewed() -> None:
    """Each golden finding has a line `- RULE line N` in REVIEW.md, and REVIEW.md lists no other."""
    pinned = json.loads(GOLDEN.read_text(encoding="utf-8"))
    wanted = sorted({(f["rule"], f["line"]) for f in pinned}, key=str)
    reviewed = sorted({(m[1], int(m[2])) for m in re.finditer(r"^- (\S+) line (\d+)", REVIEW.read_text(encoding="utf-8"), re.M)}, key=str)
    assert wanted == reviewed


@pytest.mark.parametrize("rule", ["CN-PERF-001"])
def test_xinjiang_params_silence_the_national_default(rule: str) -> None:
    """The sample's weights total 90: with the Xinjiang pack's weight_total the rule passes, not fails."""
    engine = Engine()
    result = engine.check_path(str(SAMPLE))
    outcome = next(r for r in result.results if r.rule == rule)
    assert (outcome.outcome.value, outcome.findings) == ("pass", ())
