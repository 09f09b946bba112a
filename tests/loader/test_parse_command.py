"""``compliance parse``: the JSON form rule authors read, the outline, and one-line errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from attrs import evolve

from compliance.cli import main
from compliance.commands.parse import tree_lines
from compliance.model import Document, Indicator, PerfTable, Span, Target

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bazhou-2026-budget.txt"


def test_json_form_of_the_sample(capsys) -> None:
    assert main(["parse", str(SAMPLE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format_version"] == 1
    assert data["meta"]["department"] == "新疆巴州人民政府办公室"
    t2 = data["tables"][1]
    assert (t2["label"], t2["kind"], t2["unit"]) == ("表2", "income_summary", "万元")
    row = next(r for r in t2["rows"] if r["code"] == ["201", "03", "01"])
    assert row["values"][:8] == ["201", "03", "01", "行政运行", "1598.61", "1598.61", "1598.61", None]
    assert row["span"] == {"line": 159, "column": 1, "end_line": 159, "end_column": 41, "page": None, "bbox": None}
    assert row["cells"][4] == {"column": 4, "text": "1,598.61", "value": "1598.61", "issues": [],
                               "span": {"line": 159, "column": 16, "end_line": 159, "end_column": 23,
                                        "page": None, "bbox": None}}
    assert SAMPLE.read_text(encoding="utf-8").splitlines()[158][15:23] == "1,598.61"
    t1 = data["tables"][0]
    assert [s["side"] for s in t1["sides"]] == ["income", "expenditure"]
    assert t1["sides"][0]["rows"][-1]["values"] == ["收入总计", "3037.70"]
    assert data["tables"][7]["empty"] is True
    assert data["tables"][7]["explanation"]["span"]["line"] == 380
    part2 = data["sections"][1]
    assert part2["blocks"][0] == {"type": "table", "ref": 0, "label": "表1"}
    perf = data["perf_tables"][1]
    assert perf["indicators"][5]["target"] == {"text": "< =16.20 万元", "op": "<=", "value": "16.20", "unit": "万元"}
    assert perf["indicators"][5]["weight"] == "6" and perf["total_weight"] == "90"
    changes = [f for f in data["facts"] if f["kind"] == "change"]
    assert len(changes) == 25
    assert changes[0]["delta"] == "209.43" and changes[0]["percent"] == "7.41"


def test_tree_outline(capsys) -> None:
    assert main(["parse", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "▦ 表2 部门收入总体情况表  kind=income_summary  unit=万元  15 columns  25 body rows  total row '总计'  [L147-189]" in out
    assert "EMPTY (explained)" in out
    assert "facts: 25 amount" not in out and "25 change" in out


def test_unreadable_file_prints_one_line_and_exits_3(capsys) -> None:
    path = Path(__file__).resolve().parents[1] / "fixtures" / "text" / "binary.txt"
    assert main(["parse", str(path), "--format", "json"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"compliance: error: {path}:2: binary file (NUL byte at offset 13), not a text document\n"


def test_missing_file(capsys, tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    assert main(["parse", str(path)]) == 3
    assert capsys.readouterr().err == f"compliance: error: {path}: no such file\n"


def test_tree_says_when_a_performance_table_prints_no_weights() -> None:
    indicator = Indicator("产出指标", "数量指标", "专线服务", Target("=3 条", "=", Decimal(3), "条"), Span(3))
    unweighted = PerfTable("project", "项目支出绩效目标表", "某项目", (indicator,), Span(1, 1, 4))
    weighted = evolve(unweighted, indicators=(evolve(indicator, weight=Decimal(10)),))
    lines = tree_lines(Document("x.txt", "某文档", preamble=(unweighted, weighted)))
    perf_lines = [line for line in lines if "◎" in line]
    assert [line.split("kind=project  ")[1] for line in perf_lines] == [
        "1 indicators, no weights printed  [L1-4]",
        "1 indicators, weights total 10  [L1-4]",
    ]
