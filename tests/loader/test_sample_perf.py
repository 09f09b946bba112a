"""The five performance target tables of the sample."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.model import Document, PerfTable, Target
from plugins_builtin.cn_budget.perf import parse_target


def perf(doc: Document, project: str) -> PerfTable:
    return next(p for p in doc.perf_tables if p.project == project)


def test_five_tables_with_their_indicator_counts(sample: Document) -> None:
    assert [(p.kind, p.project, len(p.indicators)) for p in sample.perf_tables] == [
        ("department", "新疆巴州人民政府办公室", 5),
        ("project", "“放管服工作”及“12345”政务热线保障项目", 11),
        ("project", "巴州政府办公室政务服务保障项目", 14),
        ("project", "电子政务网络维护项目", 14),
        ("project", "州市政务服务大厅维修优化项目", 8),
    ]
    assert [p.span.start_line for p in sample.perf_tables] == [650, 669, 690, 714, 738]


def test_every_weight_is_parsed(sample: Document) -> None:
    weights = [i.weight for p in sample.perf_tables for i in p.indicators]
    assert len(weights) == 52 and all(isinstance(w, Decimal) for w in weights)
    assert [p.total_weight for p in sample.perf_tables] == [Decimal(90)] * 5
    assert [i.weight for i in sample.perf_tables[0].indicators] == [Decimal(n) for n in (16, 16, 20, 20, 18)]


def test_department_table_fields(sample: Document) -> None:
    dept = sample.perf_tables[0]
    assert (dept.owner, dept.manager, dept.meta["period"], dept.meta["phone"]) == (
        "新疆巴州人民政府办公室", "郭婷婷", "2026", "2023097")
    assert dict(dept.budget) == {"上级安排": Decimal("3.60"), "本级安排": Decimal("3034.10"),
                                 "其他": Decimal("0.00"), "合计": Decimal("3037.70")}
    assert dept.goal is not None and dept.goal.startswith("州人民政府办公室按照") and "<p>" not in dept.goal
    first = dept.indicators[0]
    assert (first.level1, first.level2, first.name, first.basis) == (
        "履职效能", "数量指标", "督查情况专报", "巴州人民政府办公室 2026 年工作计划")
    assert first.target == Target("≥10 期", ">=", Decimal(10), "期")
    assert dept.indicators[1].level1 == "履职效能"  # merged cell, blank on the continuation row


def test_project_table_fields(sample: Document) -> None:
    hotline = perf(sample, "“放管服工作”及“12345”政务热线保障项目")
    assert (hotline.owner, hotline.manager) == ("新疆巴州人民政府办公室", "袁波")
    assert dict(hotline.budget) == {"年度预算总额": Decimal("20.80"), "财政拨款": Decimal("20.80"), "其他资金": Decimal("0.00")}
    cost = hotline.indicators[5]
    assert (cost.level1, cost.level2, cost.name) == ("成本指标", "经济成本指标", "维护维保费成本")
    assert cost.target == Target("< =16.20 万元", "<=", Decimal("16.20"), "万元")
    assert (cost.last_year, cost.weight, cost.scoring, cost.evidence) == ("10.68 万元", Decimal(6), "按照完成比例赋分", "原始凭证")
    # Level-2 inherited on continuation rows, restated where printed.
    assert [(i.level1, i.level2) for i in hotline.indicators[:5]] == [
        ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")]
    assert hotline.indicators[4].last_year is None  # printed "-"


@pytest.mark.parametrize("project, line, name, target, last_year, weight, scoring", [
    ("巴州政府办公室政务服务保障项目", 706, "公文流转专线故障排除及时率", Target(">=95%", ">=", Decimal(95), "%"),
     "95%", Decimal(5), "按照完成比例赋分"),
    ("电子政务网络维护项目", 731, "专线故障响应时间", Target("<=2 小时", "<=", Decimal(2), "小时"),
     "2 小时", Decimal(5), "直接赋分"),
])
def test_rows_shifted_left_are_repaired_not_dropped(sample: Document, project: str, line: int, name: str,
                                                    target: Target, last_year: str, weight: Decimal, scoring: str) -> None:
    indicator = next(i for i in perf(sample, project).indicators if i.span.start_line == line)
    assert (indicator.level1, indicator.level2, indicator.name) == ("产出指标", "时效指标", name)
    assert (indicator.target, indicator.basis, indicator.last_year, indicator.weight, indicator.scoring) == (
        target, "计划标准", last_year, weight, scoring)
    assert [i.code for i in indicator.issues] == ["shifted-row"]


def test_wrapped_level_cells_are_tidied(sample: Document) -> None:
    hall = perf(sample, "州市政务服务大厅维修优化项目")
    assert [(i.level1, i.level2) for i in hall.indicators][-2:] == [("效益指标", "社会效益指标"), ("满意度指标", "满意度指标")]


@pytest.mark.parametrize("text, op, value, unit", [
    ("> =95%", ">=", Decimal(95), "%"),
    ("< =16.20 万元", "<=", Decimal("16.20"), "万元"),
    ("≥10 期", ">=", Decimal(10), "期"),
    ("≤24 小时", "<=", Decimal(24), "小时"),
    ("=50M/G", "=", Decimal(50), "M/G"),
    ("=4 篇", "=", Decimal(4), "篇"),
    ("<=85 万元", "<=", Decimal(85), "万元"),
    ("100%", None, Decimal(100), "%"),
    ("2026 年 12 月 1 日前", None, None, None),
    ("有效提升", None, None, None),
])
def test_target_values(text: str, op: str | None, value: Decimal | None, unit: str | None) -> None:
    assert parse_target(text) == Target(text, op, value, unit)
