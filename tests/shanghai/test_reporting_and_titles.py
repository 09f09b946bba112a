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


def test_titles_match_after_nfkc_and_the_printed_title_stays() -> None:
    from plugins_builtin.cn_budget.vocabulary import normalise_title, table_kind

    # A Kangxi radical 一 (U+2F00) and full-width digits, as PDF fonts map them.
    assert normalise_title("２０２６年⼀般公共预算支出功能分类预算表") == "2026年一般公共预算支出功能分类预算表"
    assert table_kind("２０２６年部门⼀般公共预算支出功能分类预算表") == "general_budget_expenditure"
