"""The "…为空表" note is attached to the table it follows, with figures or without.

An empty table takes any such note (CN-TAB-002 asks that one be there); a table
with figures takes a note that speaks of it ("本表", or its own title), so
CN-TAB-003 can report the contradiction.  ``Table.empty`` keeps meaning "no figures".
"""

from __future__ import annotations

from pathlib import Path

import pytest

import compliance
from compliance.model import Document, Table

ROOT = Path(__file__).resolve().parents[2]
CASE_DOCUMENTS = ROOT / "rules" / "national" / "cases" / "documents"
WANLIJIEDAO = ROOT / "tests" / "fixtures" / "shanghai" / "putuo-wanlijiedao-2024-dept-budget.pdf"

THREE_PUBLIC = """\
2026 年某某局部门预算公开

表 10

财政拨款“三公”经费支出情况表

编制部门：某某局

单位：万元

“三公”经费支出内容	合计	一般公共预算
公务接待费	0.50	0.50
总计	0.50	0.50

{note}
"""


def _three_public(doc: Document) -> Table:
    found = doc.table("10")
    assert found is not None
    return found


def _load_with_note(tmp_path: Path, note: str) -> Document:
    path = tmp_path / "doc.txt"
    path.write_text(THREE_PUBLIC.format(note=note), encoding="utf-8")
    return compliance.load(path)


def test_a_note_saying_this_table_is_empty_is_attached_to_a_table_with_figures() -> None:
    doc = compliance.load(CASE_DOCUMENTS / "tables-empty-note-figures.txt")
    t10 = _three_public(doc)
    assert t10.empty is False
    assert t10.explanation is not None
    assert t10.explanation.text == "某某局 2026 年无“三公”经费预算，故本表为空表。"
    assert t10.explanation.span.start_line == 37
    assert t10.explanation.role == "empty_table_explanation"
    # The empty table before it keeps its own note.
    t8 = doc.table("8")
    assert t8 is not None and t8.empty is True
    assert t8.explanation is not None and t8.explanation.span.start_line == 18


@pytest.mark.parametrize("note", [
    "某某局 2026 年无“三公”经费预算，故本表为空表。",
    "注：本表无数据。",
    "某某局 2026 年财政拨款“三公”经费支出情况表为空表。",
])
def test_notes_that_speak_of_this_table_are_attached(tmp_path: Path, note: str) -> None:
    t10 = _three_public(_load_with_note(tmp_path, note))
    assert t10.empty is False
    assert t10.explanation is not None and t10.explanation.text == note


@pytest.mark.parametrize("note", [
    "某某局 2026 年没有使用国有资本经营预算拨款安排的支出，国有资本经营预算支出情况表为空表。",
    "表8为空表。",
])
def test_a_note_about_another_table_is_not_attached_to_a_table_with_figures(tmp_path: Path, note: str) -> None:
    doc = _load_with_note(tmp_path, note)
    t10 = _three_public(doc)
    assert t10.explanation is None
    paragraph = next(p for p in doc.paragraphs if p.text == note)
    assert paragraph.role is None


def test_the_sample_keeps_its_two_explained_empty_tables_and_no_other(sample: Document) -> None:
    assert [(t.number, t.empty) for t in sample.tables if t.explanation is not None] == [("8", True), ("9", True)]


def test_wanlijiedao_three_public_table_carries_its_contradicting_note() -> None:
    doc = compliance.load(WANLIJIEDAO)
    explained = [(t.kind, t.empty, t.explanation.span.page) for t in doc.tables if t.explanation is not None]
    assert explained == [
        ("gov_fund_expenditure", True, 27),
        ("state_capital_expenditure", True, 28),
        ("three_public", False, 31),
    ]
    three_public = next(t for t in doc.tables if t.kind == "three_public")
    assert three_public.explanation is not None
    assert three_public.explanation.text == "注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。"
    assert [c.text for r in three_public.rows for c in r.cells if c.value is not None] == [
        "47.91", "0", "1.35", "46.56", "25", "21.56", "443.18"]
