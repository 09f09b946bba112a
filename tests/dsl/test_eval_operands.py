"""Operands the compiler reads without a closure of their own: literals, params and variables.

A comparison with a literal or a param, ``x ?? constant`` and ``v exists`` on a let or loop
variable are compiled to shorter closures; these tests pin that they answer, and fail, exactly
as the general forms do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.findings import Outcome

from dsl_support import run_rules

DOCUMENT = {
    "tables": [
        {"number": "3", "title": "部门支出总体情况表", "columns": ["合计", "基本支出"],
         "rows": [["201", "一般公共服务支出", "300.00", ""], ["205", "教育支出", "", "0.00"]]},
    ],
}


def _expect(tmp_path: Path, lets: str, condition: str, params: dict[str, object] | None = None) -> Outcome:
    text = (f'param limit = 250\nparam wanted = "教育支出"\nparam flag = true\n'
            f'rule R-1 "操作数"\n  let t = table("3")\n  let first = t.rows[0]\n  let second = t.rows[1]\n'
            f'  let total = t.column("合计")\n  let basic = t.column("基本支出")\n{lets}  expect {condition}\n')
    return run_rules(tmp_path, text, DOCUMENT, params=params)["R-1"].outcome


@pytest.mark.parametrize(("condition", "holds"), [
    ("first[total] > 250", True),
    ("first[total] > limit", True),
    ("first[total] <= limit", False),
    ("second.label == wanted", True),
    ("second.label != wanted", False),
    ("first.label == wanted", False),
    ("second[basic] == 0", True),
    ("(second[total] ?? 0) == 0", True),
    ("(second[total] ?? limit) == 250", True),
    ("(first[total] ?? limit) == 300", True),
    ("flag == true", True),
])
def test_a_constant_operand_compares_as_any_other(tmp_path: Path, condition: str, holds: bool) -> None:
    assert _expect(tmp_path, "", condition) is (Outcome.PASS if holds else Outcome.FAIL)


def test_a_param_set_by_the_configuration_is_the_constant_compared(tmp_path: Path) -> None:
    assert _expect(tmp_path, "", "first[total] > limit", params={"limit": 300}) is Outcome.FAIL
    assert _expect(tmp_path, "", "second.label == wanted", params={"wanted": "其他"}) is Outcome.FAIL


def test_a_blank_compared_with_a_constant_is_the_same_error(tmp_path: Path) -> None:
    text = 'param limit = 250\nrule R-1 "空值"\n  let t = table("3")\n  expect t.rows[1][t.column("合计")] > limit\n'
    result = run_rules(tmp_path, text, DOCUMENT)["R-1"]
    assert (result.outcome, result.reason) == (Outcome.ERROR, "空值不能比较大小（>）")


@pytest.mark.parametrize(("value", "present"), [
    ("second[total]", False),    # a blank cell
    ("second[basic]", True),     # a zero is a figure
    ("[]", False),
    ("[second[total]]", True),   # a list holding a blank is not empty
    ('""', False),
    ('"无"', True),
    ("first", True),
])
def test_exists_on_a_variable_answers_as_on_any_expression(tmp_path: Path, value: str, present: bool) -> None:
    lets = f"  let v = {value}\n"
    assert _expect(tmp_path, lets, "v exists") is (Outcome.PASS if present else Outcome.FAIL)
    assert _expect(tmp_path, lets, "v missing") is (Outcome.FAIL if present else Outcome.PASS)
    assert _expect(tmp_path, "", f"({value}) exists") is (Outcome.PASS if present else Outcome.FAIL)


@pytest.mark.parametrize(("condition", "holds"), [
    ("[1, \"a\"] == [1, \"a\"]", True),
    ("[1] == [true]", False),  # as 1 == true: a true/false value equals only itself
    ("[0] != [false]", True),
    ("[[1], [2]] == [[1], [2]]", True),
    ("[[1]] == [[true]]", False),
    ("[[1], [2]] contains [2]", True),
    ("[[1]] contains [true]", False),
    ("[1, 2] == [1]", False),
])
def test_lists_are_equal_item_by_item_as_rules_compare_items(tmp_path: Path, condition: str, holds: bool) -> None:
    assert _expect(tmp_path, "", condition) is (Outcome.PASS if holds else Outcome.FAIL)
