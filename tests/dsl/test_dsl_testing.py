"""The public case harness (compliance.testing): documents from descriptions, and case verdicts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from compliance.testing import PLAIN, build_document, installed_dialect, run_case_file, split_code

from dsl_support import PACK_HEADER, write_rules


def write_pack(tmp_path: Path, rules: str, cases: str) -> Path:
    """A one-file rule pack with one case file beside it; the case file's path."""
    folder = tmp_path / "pack"
    write_rules(folder, PACK_HEADER + rules)
    (folder / "cases").mkdir()
    case_file = folder / "cases" / "r.toml"
    case_file.write_text(cases, encoding="utf-8")
    return case_file


def test_build_document_links_the_code_hierarchy_and_numbers_lines() -> None:
    document = build_document({"toc": ["表一"], "tables": [{"number": "3", "title": "表", "columns": ["合计"], "rows": [
        ["201", "类", "3.00"], ["20103", "款", "3.00"], ["2010301", "项甲", "1,000.50"], ["2010302", "项乙", ""],
        ["", "总计", "3.00"]]}]})
    table = document.tables[0]
    top, middle = table.rows[0], table.rows[1]
    assert [r.code_text for r in top.children] == ["20103"]
    assert [r.label for r in top.children[0].children] == ["项甲", "项乙"]
    assert (middle.level, middle.parent_code, table.rows[4].kind) == (2, "201", "total")
    assert table.rows[2].cells[2].value == Decimal("1000.50") and table.rows[3].cells[2].value is None
    assert (document.toc.span.start_line, table.span.start_line, table.rows[0].span.start_line) == (1, 3, 4)
    # Compact codes and total labels are the installed domain plugin's reading, not the core's.
    assert split_code("2010302", installed_dialect()) == ("201", "03", "02")
    assert split_code("2010302") == ("2010302",)


def test_without_a_dialect_rows_say_their_codes_and_kinds_explicitly() -> None:
    document = build_document({"tables": [{"number": "7", "title": "表", "columns": [
        {"name": "项目名称", "role": "text"}, "合计"], "rows": [
        ["201", "类", "", "3.00"], [["201", "03"], "款", "", "3.00"], ["201 03 02", "项", "甲项目", "3.00"],
        ["", "总计", "", "3.00"], {"code": "", "label": "合计数", "cells": ["", "3.00"], "kind": "total"}],
        "total": ["收入总计", "", "3.00"]}]}, PLAIN)
    table = document.tables[0]
    assert [r.code for r in table.rows[:3]] == [("201",), ("201", "03"), ("201", "03", "02")]
    assert [r.label for r in table.rows[0].children[0].children] == ["项"]
    assert [r.kind for r in table.rows[3:]] == ["body", "total", "total"]  # "总计" alone is no total without a dialect
    assert table.rows[2].cells[2].text == "甲项目" and table.rows[2].cells[2].value is None
    assert [c.role for c in table.columns] == ["code", "label", "text", "amount"]


def test_a_failing_case_says_what_differed(tmp_path: Path) -> None:
    case_file = write_pack(tmp_path, 'rule R-1 "t"\n  for table t:\n    expect t.empty\n      message "{t.label}非空"\n',
                           '''rule = "R-1"
[[case]]
name = "对"
outcome = "fail"
findings = [{ message = "表1非空", line = 1, table = "表1" }]
document = { tables = [{ number = "1", title = "甲" }] }
[[case]]
name = "错"
outcome = "pass"
findings = [{ message = "表2非空", severity = "error" }]
absent = ["非空"]
document = { tables = [{ number = "1", title = "甲" }] }
''')
    good, bad = run_case_file(case_file)
    assert (good.name, good.passed) == ("对", True)
    assert bad.problems == (
        "outcome is fail, expected pass",
        "finding 1: message is '表1非空', expected '表2非空'",
        "finding 1: severity is 'warning', expected 'error'",
        "a finding mentions '非空', which must be absent: 表1非空",
    )


def test_unquoted_amounts_in_a_case_file_keep_their_printed_decimals(tmp_path: Path) -> None:
    """TOML numbers are read as Decimals: 2147.30 stays 2147.30 (a float would print 2147.3)."""
    case_file = write_pack(tmp_path, 'rule R-1 "t"\n  for t in ledgers():\n    for c in figure_columns(t):\n'
                           '      expect t.total[c] == 0\n        message "{t.label}总计 {t.total[c]}"\n'
                           '        values stated = t.total[c]\n', '''rule = "R-1"
[[case]]
name = "unquoted"
outcome = "fail"
findings = [{ message = "表3总计 2,147.30", values = { stated = 2147.30 } }]
document = { tables = [{ number = "3", title = "甲", columns = ["合计"], rows = [["201", "类", 2147.30], ["", "总计", 2147.30]] }] }
''')
    (result,) = run_case_file(case_file)
    assert result.problems == ()
    assert result.passed


def test_what_a_case_leaves_out_is_named_by_the_installed_plugin_not_the_core() -> None:
    spec = {"tables": [{"number": "3", "title": "表", "columns": ["合计"], "rows": [["201", "类", "3.00"]]}],
            "perf_tables": [{"kind": "department", "indicators": [["甲", 10]]}]}
    document = build_document(spec)
    perf = document.perf_tables[0]
    assert [c.name for c in document.tables[0].columns] == ["科目代码", "科目名称", "合计"]
    assert (perf.title, perf.indicators[0].level1, perf.indicators[0].level2) == ("部门整体绩效目标表", "产出指标", "数量指标")
    plain = build_document(spec, PLAIN)
    perf = plain.perf_tables[0]
    assert [c.name for c in plain.tables[0].columns] == ["code", "label", "合计"]
    assert (perf.title, perf.indicators[0].level1, perf.indicators[0].level2) == ("", "", "")
