"""The JSON report: the documented contract, validated against docs/report.schema.json."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


SCHEMA = load_json(ROOT / "docs" / "report.schema.json")


def test_the_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_report_validates_against_the_shipped_schema(render) -> None:
    report = json.loads(render("json"))
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_the_schema_rejects_a_report_that_breaks_the_contract(render) -> None:
    report = json.loads(render("json"))
    report["documents"][1]["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError, match="'fatal' is not one of"):
        jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_contract_fields_and_values(render) -> None:
    report = json.loads(render("json"))
    assert report["tool"] == {"name": "compliance", "version": "0.1.0"}
    missing, sample = report["documents"]
    assert (missing["path"], missing["status"], missing["error"]) == (
        "missing.txt", "error", {"type": "LoadError", "message": "no such file"})
    assert sample["status"] == "ok" and sample["error"] is None
    error = next(f for f in sample["findings"] if f["rule"] == "DEMO-ERR-001")
    assert {k: error[k] for k in ("rule", "severity", "message", "pack", "values", "waived")} == {
        "rule": "DEMO-ERR-001",
        "severity": "error",
        "message": "演示：金额与合计不符",
        "pack": "demo.national",
        "values": {"stated": "384.69", "computed": "0.00"},
        "waived": None,
    }
    assert error["location"] == {
        "line": 320, "column": 11, "end_line": 320, "end_column": 16, "page": None,
        "section": "第二部分 2026 年部门预算公开表", "table": "表6", "row": "301 03 奖金",
        "column_path": ["一般公共预算基本支出", "合计"],
    }
    assert report["summary"] == {
        "documents": 2, "error": 1, "warning": 2, "note": 0, "waived": 1, "baselined": 0, "unreadable": 1}


def test_matrix_lists_every_rule_run_with_its_outcome(render) -> None:
    sample = json.loads(render("json"))["documents"][1]
    matrix = {m["rule"]: m["outcome"] for m in sample["matrix"]}
    assert matrix == {
        "DEMO-ERR-001": "fail", "DEMO-WARN-001": "fail", "DEMO-NOTE-001": "fail", "DEMO-NA-001": "not_applicable"}
    na = next(m for m in sample["matrix"] if m["rule"] == "DEMO-NA-001")
    assert na["reason"] == "本文档无该表"
    err = next(m for m in sample["matrix"] if m["rule"] == "DEMO-ERR-001")
    by_print = {f["fingerprint"]: f["rule"] for f in sample["findings"]}
    assert [by_print[p] for p in err["findings"]] == ["DEMO-ERR-001"]


def test_byte_for_byte_deterministic(render) -> None:
    assert render("json") == render("json")
