"""What the cn_budget functions remember never answers for another table, document or entry.

Results that are pure functions of texts (header paths, label sequences, subjects) are
remembered across evaluations; what they are turned into must still be the asking
table's own rows and columns, and the asking document's figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from attrs import evolve

from compliance.api import load
from compliance.dsl.memo import Memo, activate, deactivate
from compliance.model import Cell, Column, Document, Fact, Paragraph, Row, Section, Span, Table
from plugins_builtin.cn_budget.functions import narrative, tables, text

SAMPLE = Path(__file__).parents[2] / "examples" / "bazhou-2026-budget.txt"


@pytest.fixture(scope="module")
def document() -> Document:
    return load(SAMPLE)


def _table(label_texts: tuple[str, ...], figures: dict[int, str]) -> Table:
    """A flat table: a label column and 合计 = 基本支出 + 项目支出; ``figures`` fills those columns of every row."""
    columns = (Column(0, ("项目",), "label"), Column(1, ("合计",), "amount"),
               Column(2, ("基本支出",), "amount"), Column(3, ("项目支出",), "amount"))
    rows = tuple(
        Row(i, label.lstrip("一二三、1. "), (Cell(0, label),) + tuple(Cell(c, v, Decimal(v)) for c, v in figures.items()))
        for i, label in enumerate(label_texts)
    )
    return Table("表", columns, rows, Span(1))


def test_tables_with_one_header_layout_sum_their_own_figure_columns() -> None:
    both = _table(("一、甲",), {1: "3", 2: "1", 3: "2"})
    basic_only = _table(("一、甲",), {1: "1", 2: "1"})
    (sums_both,) = tables.column_sums(both)
    (sums_basic,) = tables.column_sums(basic_only)
    assert sums_both["total"] is both.columns[1]
    assert sums_both["parts"] == (both.columns[2], both.columns[3])
    assert all(a is b for a, b in zip(sums_both["parts"], both.columns[2:]))
    # Same headers, but 项目支出 holds no figure here: it adds nothing and is left out.
    assert sums_basic["total"] is basic_only.columns[1]
    assert sums_basic["parts"] == (basic_only.columns[2],)
    assert sums_basic["parts"][0] is basic_only.columns[2]


def test_tables_with_the_same_labels_outline_their_own_rows() -> None:
    labels = ("一、甲", "1. 子", "二、乙")
    first, second = _table(labels, {1: "1"}), _table(labels, {1: "2"})
    assert [r.label for r in tables.top_rows(first)] == ["甲", "乙"]
    assert all(a is b for a, b in zip(tables.top_rows(first), (first.rows[0], first.rows[2])))
    assert all(a is b for a, b in zip(tables.top_rows(second), (second.rows[0], second.rows[2])))
    assert tables.parts_of(second, second.rows[0])[0] is second.rows[1]


def test_text_figures_read_the_document_asked_within_and_across_evaluations(document: Document) -> None:
    without = evolve(document, tables=tuple(t for t in document.tables if t.kind != "entrusted_business"))

    def entrusted(doc: Document) -> Fact:
        return next(f for f in doc.facts if f.kind == "amount" and f.subject == "委托业务费")

    for _ in range(2):  # the second round asks with every text already remembered
        for doc, found in ((document, True), (without, False), (document, True)):
            token = activate(Memo())
            try:
                (ref,) = narrative.text_figures(doc, entrusted(doc))
            finally:
                deactivate(token)
            assert ref["found"] is found
            assert (ref["place"] == "文档未公开「财政拨款委托业务费支出情况表」") is not found


def test_a_toc_entry_equal_to_one_of_the_toc_stands_where_that_one_stands(document: Document) -> None:
    entries = document.toc.entries
    chapter = next(e for e in entries if text.toc_children(document, e))
    children = text.toc_children(document, chapter)
    # An equal entry at the same place (not the very object) is found by comparison.
    assert text.toc_children(document, evolve(chapter)) == children
    assert text.toc_heading(document, evolve(chapter)) is text.toc_heading(document, chapter)
    # Equal words printed elsewhere are not that entry.
    elsewhere = evolve(chapter, span=Span(chapter.span.start_line + 1000))
    assert text.toc_children(document, elsewhere) == ()


def test_a_paragraph_stating_a_change_on_a_later_line_gives_no_reason() -> None:
    """A change on any line of a paragraph, not only its first, makes it a statement rather than a reason."""
    lines = ("财政拨款收入比上年增加 5 万元。", "一般公共预算支出增加 2 万元，", "增加的主要原因是新增项目。", "增加的主要原因是人员增加。")
    statement = Paragraph(lines[0], Span(1, 1, 1, len(lines[0])))
    later_change = Paragraph(lines[1] + lines[2], Span(2, 1, 3, len(lines[2])))
    reason = Paragraph(lines[3], Span(4, 1, 4, len(lines[3])))
    change = Fact("change", "财政拨款收入", lines[0][:-1], Span(1, 1, 1, len(lines[0]) - 1),
                  amount=None, delta=Decimal(5), direction="increase")
    other = Fact("change", "一般公共预算支出", lines[1], Span(3, 1, 3, 3), delta=Decimal(2), direction="increase")
    section = Section("一", "收支预算总体情况", 1, Span(1), blocks=(statement, later_change, reason))
    doc = Document("t.txt", "t", sections=(section,), facts=(change, other), lines=lines)
    assert text.change_reason(doc, change) == "。 增加的主要原因是人员增加。"
