"""The cn_budget table-arithmetic functions on the sample: what adds up to what."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.api import load
from compliance.dsl.functions import half_unit
from plugins_builtin.cn_budget.functions import tables

SAMPLE = Path(__file__).parents[2] / "examples" / "bazhou-2026-budget.txt"


@pytest.fixture(scope="module")
def document():
    return load(SAMPLE)


def side(document, number: str, name: str):
    return tables.side_of(document.table(number), name)


def test_ledgers_split_two_sided_tables(document) -> None:
    labels = [(t.label, t.side) for t in tables.ledgers(document)]
    assert labels[:3] == [("表1", "income"), ("表1", "expenditure"), ("表2", None)]
    assert ("表4", "income") in labels and ("表4", None) not in labels


def test_outline_of_the_income_side(document) -> None:
    income = side(document, "1", "income")
    assert [r.label for r in tables.top_rows(income)] == ["本年收入", "上年结转结余"]
    current = income.row("本年收入")
    assert [r.label for r in tables.parts_of(income, current)] == [
        "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "财政专户核拨", "单位资金"]
    general = income.row("一般公共预算拨款")
    # 其中 items are part of their line, not addends of its siblings.
    assert tables.parts_of(income, general) == ()
    assert [r.label for r in tables.sub_items_of(income, general)] == ["一般财力", "上级一般公共预算安排转移支付"]
    # The lines with addends or sub-items; 财政专户核拨 has neither, and the total row stands outside the outline.
    assert [r.label for r in tables.outline_rows(income)] == [
        "本年收入", "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "单位资金",
        "上年结转结余", "财政拨款结转", "非财政拨款结转结余"]
    assert tables.parts_of(income, income.total) == () and tables.sub_items_of(income, income.total) == ()


def test_three_public_subtotal_and_top_rows(document) -> None:
    three = document.table("10")
    assert [r.label for r in tables.top_rows(three)] == ["因公出国（境）费用", "公务接待费", "公务用车购置及运行维护费（小计）"]
    cars = three.row("公务用车购置及运行维护费（小计）")
    assert [r.label for r in tables.sub_items_of(three, cars)] == ["公务用车购置", "公务用车运行维护费"]


def test_hierarchical_tables_total_their_top_rows(document) -> None:
    assert [r.code_text for r in tables.top_rows(document.table("6"))] == ["301", "302", "303"]
    assert [r.label for r in tables.top_rows(document.table("7"))] == ["新疆巴州人民政府办公室"]


def test_column_sums_take_a_group_subtotal_and_skip_blank_columns(document) -> None:
    income = document.table("2")
    sums = {s["total"].path: [p.path for p in s["parts"]] for s in tables.column_sums(income)}
    assert sums == {
        ("总计",): [("财政拨款（补助）", "财政拨款（补助）小计"), ("财政拨款结转",)],
        ("财政拨款（补助）", "财政拨款（补助）小计"): [("财政拨款（补助）", "一般公共预算")],
    }
    carry = document.table("12")
    assert [[p.path for p in s["parts"]] for s in tables.column_sums(carry)] == [
        [("财政拨款", "小计")], [("财政拨款", "项目支出")]]


def test_in_unit_keeps_the_printed_precision() -> None:
    yuan = tables.in_unit(Decimal("3037.70"), "万元", "元")
    assert yuan == Decimal("30377000") and half_unit(yuan) == Decimal("50")
    wan = tables.in_unit(Decimal("30377000"), "元", "万元")
    assert wan == Decimal("3037.7") and half_unit(wan) == Decimal("0.00005")
    assert tables.in_unit(None, "元", "万元") is None
    with pytest.raises(ValueError, match="unknown money unit"):
        tables.in_unit(Decimal(1), "美元", "元")


def test_rows_by_code_and_name(document) -> None:
    project = document.table("7")
    assert [r.label for r in tables.rows_with_code(project, "2010302")][:2] == ["巴州政府办公室政务服务保障项目", "电子政务网络维护项目"]
    assert tables.row_like(document.table("10"), "因公出国（境）费").label == "因公出国（境）费用"
    assert tables.row_named(project, "不存在的项目") is None


def test_matching_row_by_code_then_by_name(document) -> None:
    spending = side(document, "1", "expenditure")
    summary = document.table("3")
    assert tables.matching_row(summary, spending.row("201")).code_text == "201"
    # A summary listing the 类 by name only (as Shanghai's 财务收支预算总表 does) still finds it.
    named = spending.row("201").__class__(0, "住房保障支出", ())
    assert tables.matching_row(summary, named).code_text == "221"
    assert tables.matching_row(summary, spending.row("202")) is None


def test_blank_columns_and_rows_are_left_out(document) -> None:
    income = document.table("2")
    assert [c.path[-1] for c in tables.figure_columns(income)] == ["总计", "财政拨款（补助）小计", "一般公共预算", "财政拨款结转"]
    assert len(tables.figure_rows(side(document, "1", "expenditure"))) == 7  # six 类 with figures and 支出总计


def test_cache_keyed_by_id_does_not_answer_for_another_table_with_that_id(document, monkeypatch) -> None:
    """An id can be reused once a table is gone: an entry found under it counts only for the very object kept."""
    table_2, table_3 = document.table("2"), document.table("3")
    monkeypatch.setattr(tables, "_CACHE", {("top_rows", id(table_3)): (table_2, ("stale",))})
    rows = tables.top_rows(table_3)
    assert rows != ("stale",)
    assert rows == tables._compute_top_rows(table_3)
