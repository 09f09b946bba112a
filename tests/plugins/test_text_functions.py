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
    toc_heading,
    years_in,
)

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bazhou-2026-budget.txt"


@pytest.fixture(scope="module")
def sample() -> Document:
    return compliance.load(SAMPLE)


def test_every_function_is_registered_under_its_name() -> None:
    for name in ("toc_heading", "change_reason", "next_fact", "similar", "cn_number", "years_in", "label_value",
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
