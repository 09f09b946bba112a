"""The shortcuts of the plugin functions answer exactly as the long way does.

Code verdicts, header keys and compared years are remembered as pure text; rows
and columns are indexed once per evaluation; printed decimals are read without
building a Decimal's digits.  Each test asks the same question of two tables or
documents that share texts, so that an answer remembered for one would show in
the other.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.api import load
from compliance.dsl.memo import Memo, activate, deactivate
from compliance.model import Cell, Column, Document, Row, Span, Table
from plugins_builtin.cn_budget.functions import narrative, tables, text
from plugins_builtin.shanghai import functions as shanghai

SAMPLE = Path(__file__).parents[2] / "examples" / "bazhou-2026-budget.txt"
SHANGHAI = Document("sh.txt", "sh", meta={"jurisdiction": "shanghai", "year": "2026"})


def _in_evaluations(ask):  # type: ignore[no-untyped-def]
    """``ask()`` outside an evaluation, then twice in fresh evaluations: the three answers."""
    answers = [ask()]
    for _ in range(2):
        token = activate(Memo())
        try:
            answers.append(ask())
        finally:
            deactivate(token)
    return answers


def _coded_table(code_columns: int, rows: tuple[tuple[tuple[str, ...], str], ...]) -> Table:
    """A table with ``code_columns`` code columns (1: one column of whole codes), a name and one amount."""
    columns = tuple(Column(i, (f"编码{i}",), "code") for i in range(code_columns))
    columns += (Column(code_columns, ("科目名称",), "label"), Column(code_columns + 1, ("合计",), "amount"))
    built = tuple(
        Row(i, label, tuple(Cell(c, part) for c, part in enumerate(code) if part) + (Cell(code_columns, label),))
        for i, (code, label) in enumerate(rows)
    )
    return Table("表", columns, built, Span(1))


def test_code_problem_judges_the_printed_code_and_name_of_the_row_asked() -> None:
    whole = _coded_table(1, ((("20101",), "人大事务"), ((" 20101 ",), "行政运行"), (("2010",), "人大事务")))
    split = _coded_table(3, ((("201", "01", ""), "人大事务"), ((" ", "01", "01"), "行政运行"),
                             (("201", "1", ""), "人大事务")))
    for answers in (
        _in_evaluations(lambda: [shanghai.code_problem(SHANGHAI, "function", whole, r) for r in whole.rows]),
        _in_evaluations(lambda: [shanghai.code_problem(SHANGHAI, "function", split, r) for r in split.rows]),
    ):
        assert answers[0] == answers[1] == answers[2]
    # "2010" cannot be cut at the widths 3, 2, 2 without a remainder: it stays whole, as the 类.
    assert [shanghai.code_problem(SHANGHAI, "function", whole, r) for r in whole.rows] == [
        None, "编码 20101 的科目名称应为「人大事务」，表中为「行政运行」", "类级编码印为「2010」，应为 3 位数字"]
    assert [shanghai.code_problem(SHANGHAI, "function", split, r) for r in split.rows] == [
        None, "编码「 01 01」缺少类级编码", "款级编码印为「1」，应为 2 位数字"]
    assert shanghai.code_problem(SHANGHAI, "economic", whole, whole.rows[0]) == "编码 20101 不在部门预算支出经济分类科目表中"


def test_code_problem_refuses_an_unknown_scheme_every_time() -> None:
    table = _coded_table(1, ((("20101",), "人大事务"),))
    for _ in range(2):
        with pytest.raises(KeyError):
            shanghai.code_problem(SHANGHAI, "nonsense", table, table.rows[0])


def _outlined(labels: tuple[str, ...]) -> Table:
    """类 rows with 款 children: ``labels`` alternate a 类 name and its one 款."""
    rows: list[Row] = []
    for i in range(0, len(labels), 2):
        child = Row(i + 1, labels[i + 1], (), code=(f"2{i:02d}", "01"), level=2)
        rows += [Row(i, labels[i], (), code=(f"2{i:02d}",), level=1, children=(child,)), child]
    return Table("表", (Column(0, ("科目",), "label"),), tuple(rows), Span(1))


def test_item_rows_are_the_rows_of_the_table_asked() -> None:
    first = _outlined(("公共安全支出", "司法", "教育支出", "普通教育"))
    second = _outlined(("公共安全支出", "司法", "教育支出", "普通教育"))
    by_name = "1. 教育支出（类）普通教育（款）"
    by_code = "教育支出（202类）普通教育（01款）"
    for table in (first, second, first):
        answers = _in_evaluations(lambda: (shanghai.item_row(table, by_name), shanghai.item_row(table, by_code)))
        assert all(named is table.rows[3] and coded is table.rows[3] for named, coded in answers)
    # A name spelt 其它 finds 其他; a name the table lacks finds nothing.
    other = _outlined(("其他支出", "其他支出"))
    assert _in_evaluations(lambda: shanghai.item_row(other, "其它支出（类）其它支出（款）")) == [other.rows[1]] * 3
    assert _in_evaluations(lambda: shanghai.item_row(first, "教育支出（类）高等教育（款）")) == [None] * 3


def test_find_column_answers_with_the_column_of_the_table_asked() -> None:
    def table(year: str) -> Table:
        columns = (Column(0, ("科目",), "label"), Column(1, (f"{year}年预算数", "合计"), "amount"),
                   Column(2, (f"{year}年预算数", "基本支出"), "amount"))
        return Table("表", columns, (), Span(1))

    first, second = table("2025"), table("2026")
    for t in (first, second, first):
        assert _in_evaluations(lambda: shanghai.find_column(t, "预算数/基本支出")) == [t.columns[2]] * 3
        assert all(c is t.columns[2] for c in _in_evaluations(lambda: shanghai.find_column(t, "基本支出")))
        assert _in_evaluations(lambda: shanghai.find_column(t, "预算数")) == [t.columns[1]] * 3
        assert _in_evaluations(lambda: shanghai.find_column(t, "项目支出")) == [None] * 3


def test_compared_years_of_texts_and_of_blanks() -> None:
    for _ in range(2):
        assert shanghai.compared_years("比2025年预算增加，较 2024 年持平") == ("2025", "2024")
        assert shanghai.compared_years(None) == ()
        assert shanghai.compared_years(2025) == ()


@pytest.mark.parametrize(("value", "like", "printed"), [
    ("3037.704", "3037.70", "3037.70"),
    ("85.45", "85", "85"),
    ("2.55", "0.0", "2.6"),
    ("1.2345", "0.001", "1.235"),
    ("7", "1.10", "7.00"),
    ("85.5", "1E+2", "86"),  # a positive exponent prints whole units
    ("-2.345", "1.00", "-2.35"),
])
def test_as_printed_keeps_the_decimals_printed(value: str, like: str, printed: str) -> None:
    assert str(narrative.as_printed(Decimal(value), Decimal(like))) == printed


def test_figure_columns_stop_reading_once_every_column_holds_a_figure() -> None:
    columns = (Column(0, ("项目",), "label"), Column(1, ("合计",), "amount"), Column(2, ("甲",), "amount"),
               Column(3, ("乙",), "amount"), Column(4, ("备注",), "text"))
    rows = (Row(0, "合计", (Cell(0, "合计"), Cell(1, "3", Decimal(3)), Cell(2, "3", Decimal(3)))),
            Row(1, "一", (Cell(0, "一"), Cell(4, "5", Decimal(5)))),
            Row(2, "二", (Cell(0, "二"), Cell(3, "", None), Cell(2, "3", Decimal(3)))))
    table = Table("表", columns, rows, Span(1))
    # 乙 holds only a blank and 备注 is not an amount column, whatever it holds.
    assert _in_evaluations(lambda: tables.figure_columns(table)) == [columns[1:3]] * 3
    full = Table("表", columns, rows + (Row(3, "三", (Cell(3, "1", Decimal(1)),)),), Span(1))
    assert _in_evaluations(lambda: tables.figure_columns(full)) == [columns[1:4]] * 3


def test_toc_headings_of_two_loads_of_one_file_are_each_their_own() -> None:
    first, second = load(SAMPLE), load(SAMPLE)
    alone = {id(doc): [text.toc_heading(doc, e) for e in doc.toc.entries] for doc in (first, second)}
    assert sum(s is not None for s in alone[id(first)]) == 19  # the 12 tables are headings of no section
    token = activate(Memo())
    try:
        for doc in (first, second, first):
            sections = {id(s) for s in doc.all_sections()}
            found = [text.toc_heading(doc, e) for e in doc.toc.entries]
            assert all(a is b for a, b in zip(found, alone[id(doc)], strict=True))
            assert all(id(s) in sections for s in found if s is not None)
    finally:
        deactivate(token)
