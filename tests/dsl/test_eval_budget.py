"""The step budget: what counts as a step, exactly, and that a runaway rule stops with its error finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.dsl import load_rule_set
from compliance.findings import Outcome
from compliance.testing import build_document

from dsl_support import PACK_HEADER, write_rules

DOCUMENT = {
    "tables": [
        {"number": "3", "title": "部门支出总体情况表", "columns": ["合计"],
         "rows": [["201", "一般公共服务支出", "300.00"], ["20103", "政府办公厅", "300.00"],
                  ["205", "教育支出", "50.00"], ["", "总计", "350.00"]]},
    ],
}

# Each body and the steps it takes on DOCUMENT: an item a loop, quantifier or comprehension visits,
# a function call and a method call are one step each; nothing else is.
STEPS = [
    ("for row r in t:\n    expect r.label exists", 4),
    ("for row r in t where r.code_text == \"205\":\n    expect r.label exists", 4),
    ("for row r in t where r.code_text == \"205\":\n    when r.level == 2\n    expect true", 4),
    ("expect any row r in t where r.code_text == \"20103\"", 2),  # stops at the second row
    ("expect any row r in t where r.label exists", 1),
    ("expect all row r in t satisfies r.label exists", 4),
    ("expect (count row r in t where r.code_text == \"201\") == 1", 4),
    ("expect [r.label for row r in t where r.level == 1] == [\"一般公共服务支出\", \"教育支出\"]", 4),
    ("expect len(t.title) > 0", 1),
    ("expect t.row(\"205\") exists", 1),
    ("expect count(t.rows) == 4 and sum(t.rows[t.column(\"合计\")]) == 1000", 3),
    ("for row r in t:\n    for row q in t where q.code_text == r.code_text:\n      expect q exists", 4 + 4 * 4),
    ("expect any k in [\"无\", \"支出\", \"表\"] where t.title contains k", 2),
    ("expect all k in [\"部门\", \"支出\"] satisfies t.title contains k", 2),
    ("expect none k in [\"甲\", \"乙\", \"丙\"] where t.title contains k", 3),
    ("expect any k in [\"205\", \"201\"] where t.rows.code_text contains k", 1),
]


def _outcome(tmp_path: Path, body: str, budget: int) -> tuple[Outcome, str | None]:
    text = f'rule R-1 "步数"\n  let t = table("3")\n  {body}\n'
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    (result,) = rule_set.evaluate(build_document(DOCUMENT), budget=budget)
    return result.outcome, result.reason


@pytest.mark.parametrize(("body", "steps"), STEPS)
def test_a_rule_may_take_exactly_its_budget(tmp_path: Path, body: str, steps: int) -> None:
    # `table("3")` is a call: one step before the body's.
    outcome, _ = _outcome(tmp_path, body, steps + 1)
    assert outcome is not Outcome.ERROR
    outcome, reason = _outcome(tmp_path, body, steps)
    assert (outcome, reason) == (Outcome.ERROR, f"超出计算步数上限（{steps} 步），已停止")


def test_a_runaway_rule_stops_whatever_loops_it_runs(tmp_path: Path) -> None:
    text = '''
rule R-FOR "失控的循环"
  for a in tables.rows:
    for b in tables.rows:
      for c in tables.rows where c.label == b.label:
        expect count([x for x in [a, b, c] where x exists]) > 0
rule R-QUANTIFIER "失控的量词"
  expect any a in tables.rows where a.label == "无" or (any b in tables.rows where b.label == "无" or (any c in tables.rows where c.label == "无"))
rule R-AFTER "其后的规则"
  expect true
'''
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    results = rule_set.evaluate(build_document(DOCUMENT), budget=20)
    assert [r.outcome for r in results] == [Outcome.ERROR, Outcome.ERROR, Outcome.PASS]
    assert results[0].findings[0].message == "规则 R-FOR 在本文档上执行失败：超出计算步数上限（20 步），已停止"
    assert results[1].findings[0].message == "规则 R-QUANTIFIER 在本文档上执行失败：超出计算步数上限（20 步），已停止"


def test_an_error_before_the_budget_runs_out_is_the_rule_s_error(tmp_path: Path) -> None:
    # The blank amount meets arithmetic at the total row, the fourth item: with a budget of four steps
    # the rule fails there; with three, it stops on the budget first.
    text = '''
rule R-1 "空值"
  for row r in table("3").rows where r.code_text == "":
    expect r.label exists and r.cells[5].value + 1 > 0
'''
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    document = build_document(DOCUMENT)
    (result,) = rule_set.evaluate(document, budget=5)
    assert result.reason == "空值不能参与运算（+）"
    (result,) = rule_set.evaluate(document, budget=4)
    assert result.reason == "超出计算步数上限（4 步），已停止"
