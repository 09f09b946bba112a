"""The quick start's command on the bundled sample, with the built-in plugins and rule packs only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "examples/bazhou-2026-budget.txt"
FINDING_LINE = re.compile(r"^examples/bazhou-2026-budget\.txt:(\d+):(\d+): (error|warning|note) ([A-Z]+(?:-[A-Z]+)*-\d+) \S")


def run(capsys, monkeypatch, *args: str):
    monkeypatch.chdir(ROOT)
    code = main(["check", SAMPLE, "--isolated", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_report_points_every_finding_at_a_line_and_column(capsys, monkeypatch) -> None:
    code, out, err = run(capsys, monkeypatch)
    assert err == ""
    lines = out.splitlines()
    heads = [FINDING_LINE.match(line) for line in lines if re.match(r"examples/\S+:\d", line)]
    assert heads and all(heads), out
    assert re.fullmatch(r"examples/bazhou-2026-budget\.txt: \d+ rule\(s\): \d+ pass.*", lines[-2])
    assert all(1 <= int(m.group(1)) <= 782 for m in heads)
    summary = lines[-1]
    errors = sum(m.group(3) == "error" for m in heads)
    assert summary.startswith(f"1 document(s) checked: {errors} error(s), ")
    assert code == (1 if errors else 0)


def test_json_report_of_the_real_run_matches_the_shipped_schema(capsys, monkeypatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "--format", "json")
    report = json.loads(out)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    (document,) = report["documents"]
    assert document["path"] == SAMPLE and document["status"] == "ok"
    assert "cn.national" in [p["name"] for p in report["packs"]]
    assert all(p["content_hash"] for p in report["packs"])
    # Every rule that ran has an outcome in the matrix, and every finding belongs to one.
    matrix_prints = {p for m in document["matrix"] for p in m["findings"]}
    assert matrix_prints == {f["fingerprint"] for f in document["findings"]}
    assert {m["outcome"] for m in document["matrix"]} <= {"pass", "fail", "not_applicable", "not_evaluated", "error"}
    assert code == (1 if report["summary"]["error"] else 0)
    # Same inputs, same bytes.
    assert run(capsys, monkeypatch, "--format", "json")[1] == out


def test_sarif_of_the_real_run_is_valid(capsys, monkeypatch) -> None:
    _, out, _ = run(capsys, monkeypatch, "--format", "sarif")
    schema = json.loads((ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(json.loads(out))
