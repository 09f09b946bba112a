"""SARIF output, validated against the official SARIF 2.1.0 schema shipped as test data."""

from __future__ import annotations

import json

import jsonschema

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


SARIF_SCHEMA = load_json(ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json")


def test_sarif_is_valid_against_the_official_schema(render) -> None:
    log = json.loads(render("sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["version"] == "2.1.0"


def test_sarif_carries_rule_metadata_results_and_suppressions(render) -> None:
    run = json.loads(render("sarif"))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["DEMO-ERR-001"]["helpUri"] == "https://example.org/regulation#1"
    assert rules["DEMO-ERR-001"]["help"]["text"] == "金额须与合计一致。\n\n依据：https://example.org/regulation#1"
    assert rules["DEMO-ERR-001"]["shortDescription"]["text"] == "演示错误"
    assert "helpUri" not in rules["DEMO-WARN-001"]
    error = next(r for r in run["results"] if r["ruleId"] == "DEMO-ERR-001")
    assert error["level"] == "error"
    assert error["ruleIndex"] == list(rules).index("DEMO-ERR-001")
    assert error["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "bazhou.txt"},
        "region": {"startLine": 320, "endLine": 320, "startColumn": 11, "endColumn": 17},
    }
    assert error["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "表6 / 301 03 奖金 / 一般公共预算基本支出/合计"}]
    assert len(error["partialFingerprints"]["complianceFingerprint/v1"]) == 20
    note = next(r for r in run["results"] if r["ruleId"] == "DEMO-NOTE-001")
    assert note["suppressions"] == [{"kind": "external", "justification": "已知"}]
    assert run["properties"]["matrix"][1] == {"document": "bazhou.txt", "rules": [
        {"rule": "DEMO-ERR-001", "outcome": "fail", "reason": None},
        {"rule": "DEMO-WARN-001", "outcome": "fail", "reason": None},
        {"rule": "DEMO-NOTE-001", "outcome": "fail", "reason": None},
        {"rule": "DEMO-NA-001", "outcome": "not_applicable", "reason": "本文档无该表"},
    ]}
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "no such file"
