"""Results shared by the rules of one evaluation, and by nothing else."""

from __future__ import annotations

from pathlib import Path

from compliance.dsl import load_rule_set, needs_document
from compliance.dsl.memo import Memo, current_memo, evaluation_table, per_evaluation
from compliance.testing import build_document

from dsl_support import PACK_HEADER, write_rules

DOCUMENT = {"tables": [{"number": "3", "title": "部门支出总体情况表", "columns": ["合计"],
                        "rows": [["201", "一般公共服务支出", "300.00"], ["", "总计", "300.00"]]}]}


def _counting_function():
    computed: list[str] = []

    def measure(table):
        computed.append(table.title)
        return len(table.rows)

    @needs_document
    def row_count(document, number):
        return per_evaluation("test.row_count", document.table(str(number)), measure)

    return row_count, computed


RULES = '''
rule R-1 "一"
  expect row_count("3") == 2
rule R-2 "二"
  for row r in table("3"):
    expect row_count("3") == 2
'''


def test_a_result_is_computed_once_per_evaluation_and_again_for_the_next(tmp_path: Path) -> None:
    row_count, computed = _counting_function()
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + RULES)], functions={"row_count": row_count})
    document = build_document(DOCUMENT)
    assert [r.outcome.value for r in rule_set.evaluate(document)] == ["pass", "pass"]
    assert computed == ["部门支出总体情况表"]  # three calls by two rules, one computation
    rule_set.evaluate(document)
    assert len(computed) == 2  # the same document evaluated again computes afresh
    other = build_document({"tables": [dict(DOCUMENT["tables"][0], title="另一张表")]})
    rule_set.evaluate(other)
    assert computed[-1] == "另一张表"
    assert current_memo() is None  # nothing is left behind


def test_a_rule_run_on_its_own_has_a_memo_of_its_own(tmp_path: Path) -> None:
    from compliance.locations import LocationIndex

    row_count, computed = _counting_function()
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + RULES)], functions={"row_count": row_count})
    document = build_document(DOCUMENT)
    index = LocationIndex(document)
    for rule in rule_set.rules:
        assert rule.run(document, index).outcome.value == "pass"
    assert len(computed) == 2
    shared = Memo()
    for rule in rule_set.rules:
        rule.run(document, index, memo=shared)
    assert len(computed) == 3


def test_outside_an_evaluation_nothing_is_kept() -> None:
    calls: list[int] = []
    assert per_evaluation("test.x", calls, lambda c: c.append(1) or len(c)) == 1
    assert per_evaluation("test.x", calls, lambda c: c.append(1) or len(c)) == 2
    table = evaluation_table("test.table")
    table["k"] = 1
    assert evaluation_table("test.table") == {}


def test_a_memo_tells_objects_apart_and_names_apart() -> None:
    memo = Memo()
    first, second = ["a"], ["a"]
    assert memo.of("n", first, lambda o: 1) == 1
    assert memo.of("n", first, lambda o: 2) == 1
    assert memo.of("n", second, lambda o: 3) == 3  # equal, but another object
    assert memo.of("m", first, lambda o: 4) == 4
    assert memo.table("t") is memo.table("t")
