"""The national pack: its rule cases, and its findings on the real sample disclosure."""

from __future__ import annotations

from pathlib import Path

import pytest

import compliance
from compliance.dsl import load_rule_set
from compliance.findings import Outcome, Severity
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
from compliance.testing import case_files, run_case_file

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "rules" / "national"
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"


@pytest.mark.parametrize("case_file", case_files([NATIONAL]), ids=lambda p: p.name)
def test_national_rule_cases(case_file: Path) -> None:
    results = run_case_file(case_file)
    assert results, "a case file with no cases"
    assert [(r.name, r.problems) for r in results if not r.passed] == []


@pytest.fixture(scope="module")
def functions() -> dict[str, object]:
    """The national pack calls functions of the installed budget-disclosure plugin."""
    return hooks.dsl_functions(create_manager()[0])


@pytest.fixture(scope="module")
def sample_results(functions) -> dict[str, object]:
    document = compliance.load(SAMPLE)
    return {r.rule: r for r in load_rule_set([NATIONAL], functions=functions).evaluate(document)}


def test_sample_has_every_table_and_explains_its_empty_ones(sample_results) -> None:
    assert sample_results["CN-TAB-001"].outcome is Outcome.PASS
    # Tables 8 and 9 are empty and say why.
    assert sample_results["CN-TAB-002"].outcome is Outcome.PASS


def test_sample_code_sums_hold_within_rounding(sample_results) -> None:
    """Checked by hand: e.g. table 7's 243.10 = 152.00 + 41.50 + 20.80 + 28.80 exactly; every
    difference the sample has is within rounding, so CN-SUM-001 reports notes only."""
    findings = sample_results["CN-SUM-001"].findings
    assert findings
    assert {f.severity for f in findings} == {Severity.NOTE}


def test_sample_rounding_differences_are_notes_at_the_stated_cell(sample_results) -> None:
    """By hand: 1,598.61 + 243.10 + 462.66 = 2,304.37 against a printed 2,304.38 (tables 2, 3, 5);
    table 6's 301 = 2,147.33 against its eleven 款 summing to 2,147.32, and 303 = 99.49 against
    22.69 + 0.58 + 76.23 = 99.50."""
    result = sample_results["CN-SUM-001"]
    got = [(f.location.span.start_line, f.location.table, f.location.row, "/".join(f.location.column_path),
            f.values["stated"], f.values["computed"], len(f.related)) for f in result.findings]
    assert got == [
        (158, "表2", "201 03 政府办公厅（室）及相关机构事务", "总计", "2304.38", "2304.37", 3),
        (158, "表2", "201 03 政府办公厅（室）及相关机构事务", "财政拨款（补助）/财政拨款（补助）小计", "2304.38", "2304.37", 3),
        (158, "表2", "201 03 政府办公厅（室）及相关机构事务", "财政拨款（补助）/一般公共预算", "2304.38", "2304.37", 3),
        (203, "表3", "201 03 政府办公厅（室）及相关机构事务", "支出预算/合计", "2304.38", "2304.37", 3),
        (203, "表3", "201 03 政府办公厅（室）及相关机构事务", "支出预算/基本支出", "2061.28", "2061.27", 2),
        (283, "表5", "201 03 政府办公厅（室）及相关机构事务", "一般公共预算支出/合计", "2304.38", "2304.37", 3),
        (283, "表5", "201 03 政府办公厅（室）及相关机构事务", "一般公共预算支出/基本支出", "2061.28", "2061.27", 2),
        (317, "表6", "301 工资福利支出", "一般公共预算基本支出/合计", "2147.33", "2147.32", 11),
        (317, "表6", "301 工资福利支出", "一般公共预算基本支出/人员经费", "2147.33", "2147.32", 11),
        (342, "表6", "303 对个人和家庭的补助", "一般公共预算基本支出/合计", "99.49", "99.50", 3),
        (342, "表6", "303 对个人和家庭的补助", "一般公共预算基本支出/人员经费", "99.49", "99.50", 3),
    ]
    # A blank 项 cell (一般行政管理事务 has no 基本支出) is no related figure.
    assert {f.location.section for f in result.findings} == {"第二部分 2026 年部门预算公开表"}
    assert result.findings[-1].message == (
        "表6「对个人和家庭的补助」一般公共预算基本支出/人员经费列为 99.49，下级合计 99.50，相差 -0.01（在四舍五入误差范围内）"
    )


def test_sample_growth_rates_match_and_zero_bases_are_skipped_by_name(sample_results) -> None:
    """By hand, every stated rate equals delta ÷ (amount ∓ delta) × 100 to two decimals
    (e.g. 209.43 ÷ 2,824.67 = 7.41%); four items have no previous-year base."""
    result = sample_results["CN-RATE-001"]
    assert result.outcome is Outcome.PASS
    assert result.reason.startswith("跳过 4 项：「财政拨款结转」上年数为零，增减幅度无从计算（文中为 100.00%）")


def test_sample_perf_weights_total_90_which_the_national_default_flags(sample_results, functions) -> None:
    """Every perf table in the sample totals 90 (Xinjiang reserves 10 points): a warning under the
    national default of 100, and a pass once a regional pack sets weight_total = 90."""
    result = sample_results["CN-PERF-001"]
    assert [(f.location.span.start_line, f.values["stated"]) for f in result.findings] == [
        (650, "90"), (669, "90"), (690, "90"), (714, "90"), (738, "90"),
    ]
    assert result.findings[0].message == "「新疆巴州人民政府办公室」部门整体绩效目标表指标分值权重合计 90，应为 100"
    regional = load_rule_set([NATIONAL], functions=functions, params={"weight_total": 90})
    document = compliance.load(SAMPLE)
    assert regional.evaluate(document, rule_ids=["CN-PERF-001"])[0].outcome is Outcome.PASS
