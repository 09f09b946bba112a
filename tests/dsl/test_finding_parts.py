"""The parts a finding is built from: printed values and locations, asked for in any order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.dsl.functions import format_value, plain_value
from compliance.findings import Location
from compliance.locations import LocationIndex
from compliance.model import Row, Span
from compliance.testing import build_document

DOCUMENT = build_document({
    "sections": [
        {"number": "第一部分", "title": "收支预算表", "tables": [
            {"number": "5", "title": "一般公共预算支出表", "columns": ["合计", "基本支出/人员经费"],
             "rows": [["208", "社会保障和就业支出", "7.50", "2.25"], ["", "合计", "7.50", "2.25"]]}]},
        {"number": "第三部分", "title": "其他说明", "sections": [
            {"number": "四", "title": "绩效目标", "perf_tables": [{"project": "乙项目", "indicators": [["时效", 5]]}]}]},
    ],
})

@pytest.mark.parametrize(("amount", "printed"), [
    ("2147.33", "2147.33"),
    ("-0.50", "-0.50"),
    ("3.60E+4", "36000"),  # a figure brought to a smaller unit: its exponent is written out
    ("1E+1", "10"),
    ("0E+2", "0"),
    ("123E+0", "123"),
    ("1E-7", "1E-7"),  # a small figure keeps the exponent Decimal prints it with
    ("NaN", "NaN"),
    ("-Infinity", "-Infinity"),
])
def test_plain_value_writes_out_positive_exponents_only(amount: str, printed: str) -> None:
    assert plain_value(Decimal(amount)) == printed


def test_plain_value_joins_a_list_as_a_sum_and_passes_text_through() -> None:
    assert plain_value((Decimal("1.0"), None, Decimal("2E+1"))) == "1.0 + 空 + 20"
    assert plain_value("表3") == "表3"
    assert plain_value(True) == "是"


def test_format_value_prints_amounts_with_separators_and_other_values_by_kind() -> None:
    class Text(str):
        pass

    class Amount(Decimal):
        pass

    assert format_value(Decimal("2147.33")) == "2,147.33"
    assert format_value(Amount("1234567.8")) == "1,234,567.8"
    assert format_value("文字") == "文字"
    assert format_value(Text("子类文字")) == "子类文字"
    assert (format_value(None), format_value(True), format_value(False)) == ("（空）", "是", "否")
    assert format_value((Decimal("1000"), "甲")) == "1,000、甲"
    assert format_value(DOCUMENT.tables[0]) == "表5"


def test_sections_and_tables_are_answered_before_anything_is_located() -> None:
    index = LocationIndex(DOCUMENT)
    assert index.section_at(0) is None
    assert index.section_at(DOCUMENT.perf_tables[0].span.start_line) == "第三部分 其他说明 / 四 绩效目标"
    table = DOCUMENT.tables[0]
    row = table.rows[0]
    assert index.table_of(row.cells[0]) is table
    assert index.table_of(row) is table
    fresh = LocationIndex(DOCUMENT)
    assert fresh.locate(DOCUMENT.sections[1].children[0]) == Location(
        span=DOCUMENT.sections[1].children[0].span, section="第三部分 其他说明 / 四 绩效目标")


def test_each_kind_of_element_is_located_whatever_was_located_before() -> None:
    table = DOCUMENT.tables[0]
    perf = DOCUMENT.perf_tables[0]
    elements = [table.rows[1], perf.indicators[0], table.rows[0].cells[2], perf, table]
    expected = [LocationIndex(DOCUMENT).locate(element) for element in elements]  # each on a fresh index
    shared = LocationIndex(DOCUMENT)
    assert [shared.locate(element) for element in reversed(elements)] == expected[::-1]
    assert expected[1] == Location(
        span=perf.indicators[0].span, section="第三部分 其他说明 / 四 绩效目标", table="项目支出绩效目标表", row="时效")
    assert expected[2].column_path == ("合计",)


def test_a_subclass_of_a_model_class_is_located_as_its_class() -> None:
    class Heading(Row):
        pass

    row = DOCUMENT.tables[0].rows[0]
    copy = Heading(index=row.index, label=row.label, cells=(), span=row.span, code=row.code)
    # Not a row of any table of the document: no table, but its section and its name.
    assert LocationIndex(DOCUMENT).locate(copy) == Location(
        span=row.span, section="第一部分 收支预算表", table=None, row="208 社会保障和就业支出")


def test_an_object_whose_span_is_not_a_span_has_an_empty_location() -> None:
    class Odd:
        span = (3, 4)

    class Placed:
        span = Span(3)

    index = LocationIndex(DOCUMENT)
    assert index.locate(Odd()) == Location()
    assert index.locate(Placed()) == Location(span=Span(3), section="第一部分 收支预算表")
