"""The assembler on small inline documents: layout variants the sample does not show."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from compliance.model import Document
from plugins_builtin.cn_budget.enrich import enrich
from plugins_builtin.cn_budget.vocabulary import table_kind
from plugins_builtin.text_loader import load_text


def load(text: str) -> Document:
    return enrich(load_text(Path("inline.txt"), text.encode("utf-8")))


def test_caption_with_title_on_the_same_line_and_labels_sharing_a_line() -> None:
    doc = load("表 3：部门支出总体情况表\n编制部门：示例单位    单位：元\n"
               "科目名称\t合计\n一般公共服务支出\t1,200.50\n总计\t1,200.50\n")
    table = doc.table("3")
    assert table is not None
    assert (table.title, table.kind, table.unit, table.meta["编制部门"]) == ("部门支出总体情况表", "expenditure_summary", "元", "示例单位")
    assert table.value(table.total, "合计") == Decimal("1200.50")


def test_kinds_from_other_layouts_titles() -> None:
    assert table_kind("2026年部门财务收支预算总表") == "income_expenditure_summary"
    assert table_kind("一般公共预算基本支出部门预算经济分类预算表") == "general_budget_basic"
    assert table_kind('"三公"经费和机关运行经费预算表') == "three_public"
    assert table_kind("财政拨款”三公”经费支出情况表") == "three_public"
    assert table_kind("一般公共预算支出情况表") == "general_budget_expenditure"
    assert table_kind("一般公共预算基本支出情况表") == "general_budget_basic"
    assert table_kind("某某情况表") is None
    assert table_kind("某某情况表", extra={"某某情况表": "custom"}) == "custom"


def test_headings_nest_by_style_and_list_items_stay_paragraphs() -> None:
    doc = load("第一部分 概况\n\n一、职能\n\n（一）具体职能\n\n1. 负责示例工作。\n\n(二) 其他\n\n二、机构\n\n第二部分 表\n")
    first, second = doc.sections
    assert [c.title for c in first.children] == ["职能", "机构"]
    assert [(c.key, c.title) for c in first.children[0].children] == [("（一）", "具体职能"), ("（二）", "其他")]
    assert [b.text for b in first.children[0].children[0].blocks] == ["1. 负责示例工作。"]
    assert second.title == "表" and second.children == ()


def test_perf_table_with_blank_weight_is_not_mistaken_for_a_shifted_row() -> None:
    doc = load("项目支出绩效目标表\n(2026 年)\n"
               "项目名称\t\t示例项目\t\t项目负责人\t某人\n"
               "一级指标\t二级指标\t三级指标\t指标值\t指标值设置依据\t上年完成值\t指标分值权重\t指标赋分规则\t佐证资料\n"
               "产出指标\t数量指标\t示例\t=1 个\t计划标准\t95%\t\t直接赋分\t资料\n")
    perf = doc.perf_tables[0]
    indicator = perf.indicators[0]
    assert (perf.project, perf.manager, perf.meta["period"]) == ("示例项目", "某人", "2026")
    assert (indicator.name, indicator.last_year, indicator.weight, indicator.issues) == ("示例", "95%", None, ())


def test_change_with_contradicting_direction_keeps_an_issue() -> None:
    doc = load("第三部分 说明\n\n一、支出\n\n基本支出 10.00 万元，比上年预算增加 1.00 万元，下降 9.09%。\n")
    change = next(f for f in doc.facts if f.kind == "change")
    assert (change.subject, change.amount, change.direction, change.percent) == ("基本支出", Decimal("10.00"), "increase", Decimal("9.09"))
    assert [i.code for i in change.issues] == ["direction-mismatch"]
    assert [i.code for i in doc.parse_issues()] == ["no-tables", "direction-mismatch"]


def test_caption_without_rows_keeps_its_lines_as_paragraphs() -> None:
    doc = load("第二部分 公开表\n\n表 5\n\n一般公共预算支出情况表\n\n单位：万元\n\n本表无数据可列。\n")
    assert doc.tables == ()
    assert [b.text for b in doc.sections[0].blocks] == ["表 5", "一般公共预算支出情况表", "单位：万元", "本表无数据可列。"]
    assert [(i.code, i.span.start_line, i.span.last_line) for i in doc.issues] == [
        ("table-without-rows", 3, 7), ("no-tables", 1, 9)]


def test_table_without_caption_takes_its_title_line_and_an_issue() -> None:
    doc = load("第二部分 公开表\n\n部门收支总体情况表\n收入\t\t支出\t\n项目\t预算数\t科目名称\t预算数\n"
               "一、本年收入\t3.00\t201 一般公共服务支出\t3.00\n收入总计\t3.00\t支出总计\t3.00\n")
    (table,) = doc.tables
    assert (table.number, table.title, table.kind) == (None, "部门收支总体情况表", "income_expenditure_summary")
    assert [(i.code, i.span.start_line) for i in table.issues] == [("table-without-caption", 4)]
    assert table.span.start_line == 3
    income, spending = table.sides
    assert income.value(income.total, "预算数") == spending.value(spending.total, "预算数") == Decimal("3.00")
    assert [b for b in doc.sections[0].blocks] == [table]
