"""The cn_budget text functions the structure, names and years rules call, on the real sample."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import compliance
from compliance.model import Document
from plugins_builtin.cn_budget.functions import FUNCTIONS
from plugins_builtin.cn_budget.functions.text import (
    change_reason,
    cn_number,
    concat,
    is_total_label,
    label_value,
    next_fact,
    numbers_before,
    same_name,
    section_label,
    similar,
    toc_children,
    toc_heading,
    years_in,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
CASE_DOCUMENTS = ROOT / "rules" / "national" / "cases" / "documents"


@pytest.fixture(scope="module")
def sample() -> Document:
    return compliance.load(SAMPLE)


def test_every_function_is_registered_under_its_name() -> None:
    for name in ("toc_heading", "toc_children", "change_reason", "next_fact", "similar", "cn_number", "years_in", "label_value",
                 "numbers_before", "section_label", "same_name", "concat", "doc_meta", "split_code", "is_total_label"):
        assert name in FUNCTIONS


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十三", 13), ("二十一", 21), ("九十九", 99), ("（四）", 4), ("7", 7), ("第三部分", 3),
])
def test_cn_number_reads_heading_and_table_numbers(text: str, value: int) -> None:
    assert cn_number(text) == Decimal(value)


def test_cn_number_is_blank_for_anything_else() -> None:
    assert [cn_number(t) for t in (None, "", "甲", "一二三", "A1")] == [None] * 5


def test_years_dates_and_labels() -> None:
    assert years_in("截至 2025 年底，2026年 1 月；电话 2023097") == ("2025", "2026")
    assert label_value("项目名称：电子政务网络维护项目", "项目名称") == "电子政务网络维护项目"
    assert label_value("单位运行经费情况", "项目名称") is None
    assert numbers_before("单价 50 万元以上 1 台，单价 1,000 万元以上", "万元以上") == ("50", "1000")
    assert concat(["a"], (), ["b", "c"]) == ("a", "b", "c")
    assert is_total_label("收入总计") and is_total_label("总 计") and not is_total_label("一般公共服务支出")


def test_similar_names_are_near_variants_not_equal_ones_nor_other_projects() -> None:
    assert similar("巴州人民政府办公室政务服务保障项目", "巴州政府办公室政务服务保障项目")
    assert not similar("电子政务网络维护项目", "电子政务网络维护项目")
    assert not similar("电子政务网络维护项目", "州市政务服务大厅维修优化项目")
    assert not similar(None, "电子政务网络维护项目")


def test_toc_heading_finds_the_heading_under_the_same_part(sample: Document) -> None:
    entries = {(e.number, e.title): e for e in sample.toc.entries}
    first = toc_heading(sample, entries[("一", "关于新疆巴州人民政府办公室 2026 年收支预算情况的总体说明")])
    assert (first.span.start_line, first.title) == (445, "关于新疆巴州人民政府办公室 2026 年收支预算情况总体说明")
    # 一、主要职能 is the 一 of the first part, not of the third.
    assert toc_heading(sample, entries[("一", "主要职能")]).span.start_line == 67
    assert toc_heading(sample, entries[("第四部分", "名词解释")]).span.start_line == 760
    # The table part lists tables, which are not headings.
    assert toc_heading(sample, entries[("七", "一般公共预算项目支出情况表")]) is None


#: The rule-case PDFs ``structure-chapters*.pdf`` are drawn by :func:`draw_chapters` from these.
FONT = "STSong-Light"
CHAPTERS = (
    ("上海市某某区某某局主要职能", ["某某局是主管本区有关工作的区政府工作部门，主要职责是：", "负责本地区有关工作的组织和实施。", "完成区委、区政府交办的其他任务。"]),
    ("名词解释", ["基本支出预算：是为保障机构正常运转、完成日常工作任务而编制的年度基本支出计划。", "项目支出预算：是为完成行政工作任务、事业发展目标而编制的年度项目支出计划。"]),
    ("其他相关情况说明", ["一、“三公”经费预算情况说明", "某某局2026年“三公”经费预算数为0万元。", "二、机关运行经费预算", "某某局2026年机关运行经费预算为10万元。", "三、政府采购预算情况", "某某局2026年无政府采购预算。", "四、绩效目标设置情况", "某某局开展了2026年项目预算绩效目标编报工作。"]),
    ("办公保障项目经费情况说明", ["一、项目概述", "保障机关日常办公运转。", "二、立项依据", "依据本区有关规定设立。"]),
)
TOC = ("一、部门主要职能", "二、名词解释", "三、其他相关情况说明", "四、项目经费情况说明")


def draw_chapters(path: Path, chapters: tuple[tuple[str, list[str]], ...]) -> None:
    """Draw a disclosure whose chapters are unnumbered 18 pt titles over 12 pt text (cover, 目录, chapters)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.setFont(FONT, 22)
    pdf.drawString(150, 600, "2026年某某局部门预算")
    pdf.showPage()
    pdf.setFont(FONT, 18)
    pdf.drawString(250, 780, "目录")
    pdf.setFont(FONT, 12)
    for n, entry in enumerate(TOC):
        pdf.drawString(60, 740 - 24 * n, entry)
    pdf.showPage()
    for title, lines in chapters:
        pdf.setFont(FONT, 18)
        pdf.drawString(200, 780, title)
        pdf.setFont(FONT, 12)
        for n, line in enumerate(lines):
            pdf.drawString(60, 740 - 24 * n, line)
        pdf.showPage()
    pdf.save()


@pytest.mark.parametrize("name, chapters", [("structure-chapters.pdf", CHAPTERS), ("structure-chapters-missing.pdf", CHAPTERS[:-1])])
def test_the_case_pdfs_are_what_draw_chapters_draws(tmp_path: Path, name: str, chapters: tuple) -> None:
    drawn = tmp_path / name
    draw_chapters(drawn, chapters)
    committed, fresh = compliance.load(CASE_DOCUMENTS / name), compliance.load(drawn)
    assert committed.lines == fresh.lines
    assert [(s.style, s.title) for s in committed.sections] == [("font", title) for title, _ in chapters]


def _entries(document: Document) -> dict[str, object]:
    return {e.title: e for e in document.toc.entries}


def test_toc_heading_finds_unnumbered_chapters_by_title() -> None:
    """Chapters set in a larger type without numbers: the 目录's 一、二、 entries are found by their words."""
    document = compliance.load(CASE_DOCUMENTS / "structure-chapters.pdf")
    entries = _entries(document)
    # 部门 in the 目录 stands for the department's own name in the heading.
    assert toc_heading(document, entries["部门主要职能"]).title == "上海市某某区某某局主要职能"
    assert toc_heading(document, entries["其他相关情况说明"]).title == "其他相关情况说明"
    assert toc_heading(document, entries["项目经费情况说明"]).title == "办公保障项目经费情况说明"


def test_toc_heading_does_not_take_a_sub_heading_of_another_chapter() -> None:
    document = compliance.load(CASE_DOCUMENTS / "structure-chapters-missing.pdf")
    entry = _entries(document)["项目经费情况说明"]
    # The body has "四、绩效目标设置情况" under 其他相关情况说明; that is not chapter 四.
    assert any(s.number == "四" for s in document.sections[2].children)
    assert toc_heading(document, entry) is None


def test_toc_heading_and_children_in_a_toc_without_parts() -> None:
    document = compliance.load(CASE_DOCUMENTS / "structure-table-chapter.txt")
    entries = _entries(document)
    assert toc_heading(document, entries["部门主要职能"]).span.start_line == 11
    assert [e.title for e in toc_children(document, entries["部门预算表"])] == ["一般公共预算项目支出情况表", "上年结转结余情况表"]
    assert toc_children(document, entries["名词解释"]) == ()
    assert toc_children(document, entries["部门主要职能"]) == ()


def test_change_reason_takes_a_later_reason_paragraph_of_the_same_direction() -> None:
    document = compliance.load(CASE_DOCUMENTS / "structure-reason-other-direction.txt")
    income, spending = [f for f in document.facts if f.kind == "change"]
    assert (income.subject, income.direction, spending.direction) == ("财政拨款收入", "decrease", "increase")
    # The words after the statement (its full stop), then the paragraph giving the reason.
    assert change_reason(document, spending) == "。 财政拨款支出增加的主要原因是人员增加。"
    # The paragraph explains increases: the decrease before it stays unexplained.
    assert change_reason(document, income) == "。"


def test_change_reason_reads_up_to_the_next_statement(sample: Document) -> None:
    changes = [f for f in sample.facts if f.kind == "change" and f.span.start_line == 607]
    total, abroad = changes[0], changes[1]
    assert change_reason(sample, total) == "，"
    assert next_fact(sample, total) is abroad and abroad.text.startswith("其中")
    assert change_reason(sample, abroad).startswith("，主要原因是 2025 年与 2026 年均未安排因公出国（境）费用；")
    last = changes[-1]
    assert next_fact(sample, last) is None and change_reason(sample, last).endswith("与上年相比无变动。")


def test_section_label_and_same_name(sample: Document) -> None:
    project = next(s for s in sample.all_sections() if s.title.startswith("项目名称：巴州"))
    assert section_label(sample, project) == "七（一）"
    places = same_name(sample, "巴州政府办公室政务服务保障项目")
    assert [p.span.start_line for p in places] == [361, 425, 690]
