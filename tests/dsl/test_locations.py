"""compliance.locations: a model element's span plus section, table, row and column path."""

from __future__ import annotations

from pathlib import Path

import compliance
from compliance.findings import Location
from compliance.locations import LocationIndex, locate, row_label
from compliance.model import Span
from compliance.testing import build_document

DOCUMENT = build_document({
    "sections": [
        {"number": "第二部分", "title": "部门预算公开表", "tables": [
            {"number": "3", "title": "部门支出总体情况表", "columns": ["支出预算/合计", "支出预算/基本支出"],
             "rows": [["201", "一般公共服务支出", "10.00", "4.00"], ["", "总计", "10.00", "4.00"]]}]},
        {"number": "第三部分", "title": "情况说明", "sections": [
            {"number": "十三", "title": "其他", "perf_tables": [{"project": "甲项目", "indicators": [["满意度", 10]]}],
             "facts": [{"kind": "change", "subject": "基本支出"}]}]},
    ],
})


def test_cell_location_has_table_row_column_and_section() -> None:
    table = DOCUMENT.tables[0]
    cell = table.rows[0].cells[3]
    assert LocationIndex(DOCUMENT).locate(cell) == Location(
        span=Span(3), section="第二部分 部门预算公开表", table="表3", row="201 一般公共服务支出",
        column_path=("支出预算", "基本支出"),
    )
    assert locate(table.rows[1], DOCUMENT).to_dict()["row"] == "总计"
    assert locate(table, DOCUMENT).table == "表3"


def test_nested_sections_give_the_heading_path() -> None:
    index = LocationIndex(DOCUMENT)
    perf = DOCUMENT.perf_tables[0]
    assert index.locate(perf).section == "第三部分 情况说明 / 十三 其他"
    assert index.locate(perf.indicators[0]) == Location(
        span=Span(8), section="第三部分 情况说明 / 十三 其他", table="项目支出绩效目标表", row="满意度")
    assert index.locate(DOCUMENT.facts[0]).span == Span(9)
    assert index.locate(DOCUMENT.sections[1].children[0]).section == "第三部分 情况说明 / 十三 其他"


def test_unknown_objects_have_an_empty_location() -> None:
    assert locate("text", DOCUMENT) == Location()
    assert row_label(DOCUMENT.tables[0].rows[0]) == "201 一般公共服务支出"


def test_a_cell_of_a_two_sided_table_is_named_after_its_own_side_s_row() -> None:
    # 表1 prints income and expenditure side by side: one printed line holds "收入总计 3,037.70"
    # and "支出总计 3,037.70".  The whole table's row is labelled as the income side's, so the
    # expenditure figure must be named after the expenditure side's row, not "收入总计".
    sample = compliance.load(Path(__file__).resolve().parents[2] / "examples" / "bazhou-2026-budget.txt")
    table = sample.tables[0]
    income, expenditure = table.sides
    index = LocationIndex(sample)
    spent = expenditure.rows[-1].cells[-1]
    received = income.rows[-1].cells[-1]
    assert (index.locate(spent).row, index.locate(spent).column_path) == ("支出总计", ("支出", "预算数"))
    assert (index.locate(received).row, index.locate(received).column_path) == ("收入总计", ("收入", "预算数"))
    # The same cell objects, reached through the whole table, name the same rows.
    whole_row = table.rows[-1]
    assert [index.locate(cell).row for cell in whole_row.cells if cell.value is not None] == ["收入总计", "支出总计"]
    assert index.locate(spent).span.start_line == index.locate(received).span.start_line == 145
