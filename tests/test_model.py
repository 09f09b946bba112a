"""The core model's behaviour: lookups, blanks, spans out of equality, issues gathered."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from compliance.model import (
    Cell, Column, Document, Indicator, ParseIssue, PerfTable, Row, Section, Span, Table, Target,
)


def span(line: int) -> Span:
    return Span(line, 1, line, 10)


def small_table() -> Table:
    columns = (Column(0, ("科目名称",), "label"), Column(1, ("支出", "合计"), "amount"), Column(2, ("支出", "基本"), "amount"))
    issue = ParseIssue("malformed-number", "bad", span(3))
    rows = (
        Row(0, "行政运行", (Cell(0, "行政运行", None, span(2)), Cell(1, "1,598.61", Decimal("1598.61"), span(2))),
            span(2), code=("201", "03", "01"), level=3, parent_code="20103"),
        Row(1, "总计", (Cell(0, "总计", None, span(3)), Cell(1, "1,2,3.4", None, span(3), (issue,))),
            span(3), kind="total"),
    )
    return Table("示例表", columns, rows, span(1), number="3", unit="万元")


def test_table_lookups_by_path_suffix_and_code() -> None:
    table = small_table()
    assert table.label == "表3"
    assert table.column("合计") is table.columns[1]
    assert table.column(("支出", "基本")) is table.columns[2]
    assert table.column("无此列") is None
    row = table.row("2010301")
    assert row is not None and row.code_text == "2010301"
    assert table.value(row, "合计") == Decimal("1598.61")
    assert table.value(row, "基本") is None  # no cell printed: blank, not zero
    assert table.total is table.rows[1]
    assert table.body_rows == (table.rows[0],)
    assert [c.index for c in table.amount_columns] == [1, 2]


def test_spans_take_no_part_in_equality() -> None:
    a = small_table()
    b = attrs.evolve(a, span=span(99))
    assert a == b
    assert Span(5, 2, 6, 3).to_dict() == {"line": 5, "column": 2, "end_line": 6, "end_column": 3, "page": None, "bbox": None}
    assert Span.covering(Span(5, 2, 5, 9), Span(7, 1, 8, 4)) == Span(5, 2, 8, 4)


def test_model_is_frozen() -> None:
    table = small_table()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        table.title = "x"  # type: ignore[misc]
    assert isinstance(table.meta, type(Document("p", "t").meta))


def test_parse_issues_gathers_table_row_cell_and_indicator_issues() -> None:
    shifted = ParseIssue("shifted-row", "moved", span(8))
    perf = PerfTable("project", "项目支出绩效目标表", "示例项目", (
        Indicator("产出指标", "数量指标", "a", Target("=1 个", "=", Decimal(1), "个"), span(8), weight=Decimal(5), issues=(shifted,)),
        Indicator("产出指标", "数量指标", "b", Target("有效"), span(9), weight=Decimal("4.5")),
        Indicator("产出指标", "数量指标", "c", Target("有效"), span(10)),
    ), span(7))
    doc = Document("p", "t", tables=(small_table(),), perf_tables=(perf,), issues=(ParseIssue("no-tables", "x", span(1)),))
    assert [i.code for i in doc.parse_issues()] == ["no-tables", "malformed-number", "shifted-row"]
    assert perf.total_weight == Decimal("9.5")
    assert [i.code for i in doc.tables[0].rows[1].all_issues()] == ["malformed-number"]


def test_section_keys_and_walk() -> None:
    inner = Section("一", "单位运行经费情况", 3, span(5), style="paren", ordinal=1)
    outer = Section("十三", "其他重要事项的情况说明", 2, span(4), style="chinese", ordinal=13, children=(inner,))
    doc = Document("p", "t", sections=(outer,))
    assert (outer.key, inner.key) == ("十三", "（一）")
    assert [s.title for s in doc.all_sections()] == ["其他重要事项的情况说明", "单位运行经费情况"]
    assert doc.section("单位运行经费情况") is inner
    assert inner.heading == "一 单位运行经费情况"


def test_total_weight_is_blank_when_no_indicator_prints_a_weight() -> None:
    """All weights blank is not a total of 0 (that would read as weights that add up to nothing)."""
    from compliance.serialize import perf_table_dict

    unweighted = PerfTable("project", "项目支出绩效目标表", "示例项目", (
        Indicator("产出指标", "数量指标", "a", Target("=1 个", "=", Decimal(1), "个"), span(8)),
        Indicator("产出指标", "质量指标", "b", Target("有效"), span(9)),
    ), span(7))
    assert unweighted.total_weight is None
    assert perf_table_dict(unweighted)["total_weight"] is None
    zero = attrs.evolve(unweighted, indicators=(attrs.evolve(unweighted.indicators[0], weight=Decimal(0)),))
    assert zero.total_weight == Decimal(0)
    assert perf_table_dict(zero)["total_weight"] == "0"
