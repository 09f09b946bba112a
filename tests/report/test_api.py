"""The Python API for embedding: compliance.check(...) -> Report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import compliance
from compliance import Check, Report, Severity, hookimpl

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plugins" / "compliance-hainan"


def test_check_a_path_with_a_plugin_module(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    report = compliance.check(EXAMPLE / "samples" / "demo.hnb", plugins=["compliance_hainan"])
    assert isinstance(report, Report)
    assert [f.rule for f in report.findings if f.rule.startswith("HN-")] == ["HN-TAB-001", "HN-PY-001"]
    assert json.loads(report.to_json())["documents"][0]["path"] == str(EXAMPLE / "samples" / "demo.hnb")
    assert "compliance_hainan" in sys.modules


class Titles:
    @hookimpl
    def compliance_register_checks(self):
        def first_table(document, ctx):
            yield ctx.finding(f"首表为{document.tables[0].label}", at=document.tables[0])

        return [Check("API-001", "首表", first_table, severity="note", pack="api.national")]


def test_check_a_loaded_document_with_a_config_mapping() -> None:
    document = compliance.load(ROOT / "examples" / "bazhou-2026-budget.txt")
    report = compliance.check(document, {"select": ["API"], "severity": {"API-001": "warning"}},
                              plugin_objects=[Titles()])
    (finding,) = report.findings
    assert (finding.rule, finding.severity, finding.message) == ("API-001", Severity.WARNING, "首表为表1")
    assert finding.location.span.start_line == 105
    assert report.exit_code(Severity.WARNING) == 1 and report.exit_code(Severity.ERROR) == 0
    assert report.summary()["warning"] == 1
