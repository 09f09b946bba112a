"""The rounding policy: ``within rounding`` follows the pack's rounding_policy and tolerance params."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.findings import Outcome, Severity

from dsl_support import run_rules

# 款 2,061.28 against its 项 1,598.61 + 462.66 = 2,061.27: 0.01 apart, within 0.005 × (2 + 1).
DOCUMENT = {
    "tables": [
        {"number": "3", "title": "部门支出总体情况表", "columns": ["合计", "基本支出"],
         "rows": [["20103", "政府办公厅（室）及相关机构事务", "2,061.28", "2,061.30"],
                  ["2010301", "行政运行", "1,598.61", "1,598.61"],
                  ["2010350", "事业运行", "462.66", "462.66"]]},
    ]
}

RULES = '''
param rounding_policy = "rounding"
param tolerance = 0

rule R-1 "款等于各项之和" severity error
  let t = table("3")
  let r = t.row("20103")
  for c in t.amount_columns:
    let computed = sum(r.children[c])
    expect r[c] == computed within rounding
      message "{c.title} {r[c]} ≠ {computed}"
    expect r[c] == computed or not (r[c] == computed within rounding)
      severity note
      message "{c.title} {r[c]} ≈ {computed}"
'''


def findings(tmp_path: Path, **params: object) -> list[tuple[Severity, str]]:
    result = run_rules(tmp_path, RULES, DOCUMENT, params=params)["R-1"]
    assert result.outcome is Outcome.FAIL
    return [(f.severity, f.message) for f in result.findings]


def test_rounding_policy_notes_a_difference_within_printed_precision(tmp_path: Path) -> None:
    assert findings(tmp_path) == [
        (Severity.NOTE, "合计 2,061.28 ≈ 2,061.27"),
        (Severity.ERROR, "基本支出 2,061.30 ≠ 2,061.27"),  # 0.03 > 0.015
    ]


def test_exact_policy_makes_every_difference_an_error(tmp_path: Path) -> None:
    assert findings(tmp_path, rounding_policy="exact", tolerance=Decimal("0.05")) == [
        (Severity.ERROR, "合计 2,061.28 ≠ 2,061.27"),
        (Severity.ERROR, "基本支出 2,061.30 ≠ 2,061.27"),
    ]


@pytest.mark.parametrize(("tolerance", "expected"), [
    (Decimal("0.05"), [(Severity.NOTE, "合计 2,061.28 ≈ 2,061.27"), (Severity.NOTE, "基本支出 2,061.30 ≈ 2,061.27")]),
    (Decimal("0.005"), [(Severity.ERROR, "合计 2,061.28 ≠ 2,061.27"), (Severity.ERROR, "基本支出 2,061.30 ≠ 2,061.27")]),
])
def test_a_tolerance_replaces_the_printed_precision(tmp_path: Path, tolerance: Decimal, expected: list) -> None:
    assert findings(tmp_path, tolerance=tolerance) == expected


def test_the_rule_lists_the_policy_params_it_follows(tmp_path: Path) -> None:
    # The engine passes the configured policy only to rule sets whose rules read it.
    result_params = run_rules(tmp_path, RULES, DOCUMENT, params={"tolerance": Decimal("0.01")})
    from compliance.dsl import load_rule_set

    rule = load_rule_set([tmp_path / "rules" / "test.rules"]).rules[0]
    assert set(rule.params) == {"rounding_policy", "tolerance"}
    assert result_params["R-1"].outcome is Outcome.FAIL


def test_without_the_params_the_printed_precision_applies(tmp_path: Path) -> None:
    bare = RULES.replace('param rounding_policy = "rounding"\nparam tolerance = 0\n', "")
    result = run_rules(tmp_path, bare, DOCUMENT)["R-1"]
    assert [f.severity for f in result.findings] == [Severity.NOTE, Severity.ERROR]


def test_exact_policy_compares_a_computed_ratio_at_the_stated_precision(tmp_path: Path) -> None:
    rules = '''
param rounding_policy = "exact"
param tolerance = 0

rule R-2 "占比"
  let t = table("3")
  let share = t.value(t.row("2010301"), "合计") / t.value(t.row("20103"), "合计") * 100
  expect 77.55 == share within rounding
    message "77.55 ≠ {share}"
  expect 77.56 == share within rounding
    message "77.56 ≠ {round(share, 4)}"
'''
    result = run_rules(tmp_path, rules, DOCUMENT)["R-2"]
    # 1,598.61 / 2,061.28 × 100 = 77.5542…: 77.55 as printed, not 77.56.
    assert [f.message for f in result.findings] == ["77.56 ≠ 77.5542"]
