"""A finding in a PDF is quoted by page, table, row and column, not by generated line numbers."""

from __future__ import annotations

from compliance import Location
from compliance.model import Span
from plugins_builtin.reporters._shared import position


def test_a_paged_span_is_quoted_by_page_table_row_and_column() -> None:
    location = Location(span=Span(479, 9, 479, 16, page=29), table="表8", row="30102 津贴补贴",
                        column_path=("一般公共预算基本支出", "合计"))
    assert position("a.pdf", location) == "a.pdf: page 29, 表8, row 30102 津贴补贴, column 一般公共预算基本支出/合计"


def test_a_text_span_keeps_line_and_column() -> None:
    assert position("a.txt", Location(span=Span(12, 3, 12, 9))) == "a.txt:12:3"
