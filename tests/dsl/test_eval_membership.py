"""``any k in L where TEXT contains k`` runs as a containment loop: the answers of the plain loop, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.dsl import load_rule_set, loops
from compliance.testing import build_document

from dsl_support import PACK_HEADER, write_rules

DOCUMENT = {"tables": [{"number": "3", "title": "部门支出总体情况表", "columns": ["合计"],
                        "rows": [["201", "一般公共服务支出", "300.00"], ["", "总计", "300.00"]]}]}

# Each quantifier, and a twin whose condition (`and true`) the containment loop does not take.
CASES = [
    'any k in ["收入", "支出"] where t.title contains k',
    'any k in ["收入", "利润"] where t.title contains k',
    'none k in ["收入", "支出"] where t.title contains k',
    'all k in ["部门", "表"] satisfies t.title contains k',
    'all k in ["部门", "收入"] where t.title contains k',
    'any k in [3, 2, 1] where "合计 2 项" contains k',
    'any k in [t.total.label, "无"] where t.rows.label contains k',
    'any k in [] where t.title contains k',
    'all k in [] where t.title contains k',
    'any k in ["一"] where t.total[c] contains k',
]


@pytest.mark.parametrize("quantifier", CASES)
def test_a_containment_loop_answers_as_the_plain_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     quantifier: str) -> None:
    used: list[bool] = []
    real = loops.containment_runner
    monkeypatch.setattr(loops, "containment_runner", lambda *a: used.append(True) or real(*a))
    twin = quantifier.replace("contains k", "contains k and true")
    text = "".join(f'rule {rule_id} "{rule_id}"\n  let t = table("3")\n  let c = t.column("合计")\n  expect {q}\n'
                   for rule_id, q in (("R-FAST", quantifier), ("R-PLAIN", twin)))
    fast, plain = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)]).evaluate(build_document(DOCUMENT))
    # Made for R-FAST only, when the rule set is compiled (generated Python loops as it does elsewhere).
    assert used == [True]
    assert (fast.outcome, fast.reason) == (plain.outcome, plain.reason)


def test_the_answers(tmp_path: Path) -> None:
    text = "".join(f'rule R-{i} "{i}"\n  let t = table("3")\n  let c = t.column("合计")\n  expect {q}\n' for i, q in enumerate(CASES))
    results = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)]).evaluate(build_document(DOCUMENT))
    assert [r.outcome.value for r in results] == [
        "pass", "fail", "fail", "pass", "fail", "pass", "pass", "fail", "pass", "error"]
    assert results[-1].reason == "数字 300.00不能判断是否包含"
