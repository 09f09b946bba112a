"""Evaluating rules: outcomes, findings with locations and values, the language's constructs, safety."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.dsl import load_rule_set, needs_document
from compliance.errors import RuleError
from compliance.findings import Outcome, Severity

from dsl_support import PACK_HEADER, run_rules, write_rules

TABLES = {
    "tables": [
        {"number": "3", "title": "部门支出总体情况表", "kind": "expenditure_summary", "columns": ["合计", "基本支出"],
         "rows": [["201", "一般公共服务支出", "2,147.33", "100.00"], ["20103", "政府办公厅", "2147.33", "100.00"],
                  ["", "总计", "2147.33", "100.00"]]},
        {"number": "8", "title": "政府性基金预算支出情况表", "empty": True},
    ]
}


def test_every_outcome_with_its_reason(tmp_path: Path) -> None:
    text = '''
rule R-PASS "通过"
  for table t:
    expect t.title exists
rule R-FAIL "不通过" severity error
  for table t where t.empty:
    expect t.explanation exists
    message "{t.label}为空表"
rule R-NA "不适用"
  when count(tables) > 5 else "表少于五张"
  expect false
rule R-NONE "无对象"
  for fact f:
    expect false
rule R-NE "缺表"
  expect count(table("income_summary").rows) > 0
rule R-ERR "出错"
  expect tables.rows.cells.value + 1 == 2
'''
    results = run_rules(tmp_path, text, TABLES)
    assert {k: (r.outcome, r.reason) for k, r in results.items()} == {
        "R-PASS": (Outcome.PASS, None),
        "R-FAIL": (Outcome.FAIL, None),
        "R-NA": (Outcome.NOT_APPLICABLE, "表少于五张"),
        "R-NONE": (Outcome.NOT_APPLICABLE, "没有适用的对象"),
        "R-NE": (Outcome.NOT_EVALUATED, "文档中没有表「income_summary」"),
        "R-ERR": (Outcome.ERROR, "列表不能参与运算（+）"),
    }
    (error,) = results["R-ERR"].findings
    assert (error.severity, error.message) == (Severity.ERROR, "规则 R-ERR 在本文档上执行失败：列表不能参与运算（+）")
    assert [f.message for f in results["R-FAIL"].findings] == ["表8为空表"]


def test_a_runaway_rule_is_stopped_and_the_others_still_run(tmp_path: Path) -> None:
    text = '''
rule R-LOOP "失控"
  for a in tables.rows:
    for b in tables.rows:
      for c in tables.rows:
        expect count(all x in [a, b, c] satisfies x exists) == 1
rule R-AFTER "之后"
  expect true
'''
    path = write_rules(tmp_path, PACK_HEADER + text)
    from compliance.testing import build_document

    results = load_rule_set([path]).evaluate(build_document(TABLES), budget=50)
    assert results[0].outcome is Outcome.ERROR
    assert results[0].findings[0].message == "规则 R-LOOP 在本文档上执行失败：超出计算步数上限（50 步），已停止"
    assert results[1].outcome is Outcome.PASS


def test_messages_format_amounts_as_printed_and_values_keep_plain_decimals(tmp_path: Path) -> None:
    text = '''
rule R-1 "金额"
  for row r in table("3") where r.code exists:
    let total = r[table("3").column("合计")]
    expect total < 1000
      message "{r.label} 合计 {total}，{total > 1000}，标签 {[r.label, r.code_text]}"
      values stated = total, limit = 1000
'''
    result = run_rules(tmp_path, text, TABLES)["R-1"]
    assert [f.message for f in result.findings] == [
        "一般公共服务支出 合计 2,147.33，是，标签 一般公共服务支出、201",
        "政府办公厅 合计 2,147.33，是，标签 政府办公厅、20103",
    ]
    assert dict(result.findings[0].values) == {"stated": "2147.33", "limit": "1000"}
    # With no `at`, the finding points at the element the innermost loop stands on.
    assert result.findings[1].location.row == "201 03 政府办公厅"
    assert result.findings[1].location.span.start_line == 3


def test_at_and_related_locations(tmp_path: Path) -> None:
    text = '''
rule R-1 "位置"
  for table t where t.number == "3":
    for row r in t where r.children exists:
      expect false
        at r.cell(t.column("基本支出"))
        related [t.total, r.children.cell(t.column("合计"))]
'''
    (finding,) = run_rules(tmp_path, text, TABLES)["R-1"].findings
    assert finding.location.to_dict() == {
        "line": 2, "column": 1, "end_line": 2, "end_column": None, "page": None, "section": None,
        "table": "表3", "row": "201 一般公共服务支出", "column_path": ["基本支出"],
    }
    assert [(r.row, r.column_path) for r in finding.related] == [("总计", ()), ("201 03 政府办公厅", ("合计",))]


def test_quantifiers_comprehensions_and_text_tests(tmp_path: Path) -> None:
    text = '''
rule R-1 "构造"
  expect any table t where t.empty
  expect all table t where t.title contains "情况表"
  expect none table t where t.title matches "^表\\\\d+$"
  expect (count table t where t.unit == "万元") == 2
  expect all t in tables where t.number != "" satisfies t.title ~ "情况 表"
  expect [t.number for t in tables where not t.empty] == ["3"]
  expect "8" in tables.number and "9" not in tables.number
  expect (if count(tables) > 1 then "多" else "少") == "多"
  expect sum(table("3").rows[table("3").column("基本支出")]) == 300
  expect max(1, 2.5, 2) == 2.5 and min([3, 1]) == 1 and abs(-2) == 2 and round(2.345, 2) == 2.35
  expect table("9").title == "某表"
'''
    result = run_rules(tmp_path, text, TABLES)["R-1"]
    # Every expectation holds except the last, whose table does not exist: the rule is not evaluated.
    assert (result.outcome, result.reason) == (Outcome.NOT_EVALUATED, "文档中没有表「9」")
    result = run_rules(tmp_path, text.replace('  expect table("9").title == "某表"\n', ""), TABLES)["R-1"]
    assert (result.outcome, result.findings) == (Outcome.PASS, ())


def test_exists_catches_a_missing_table_and_blank_is_not_zero(tmp_path: Path) -> None:
    text = '''
rule R-1 "存在"
  expect not (table("9") exists)
  expect table("8").rows missing
  expect 0 exists
  expect sum([]) == 0
'''
    assert run_rules(tmp_path, text, TABLES)["R-1"].outcome is Outcome.PASS


def test_blank_in_arithmetic_is_an_error_not_a_zero(tmp_path: Path) -> None:
    document = {"tables": [{"number": "1", "title": "表", "columns": ["合计"], "rows": [["201", "一般", ""]]}]}
    text = '''
rule R-1 "空值"
  for row r in table("1"):
    expect r[table("1").column("合计")] + 1 == 1
rule R-2 "空值合并"
  for row r in table("1"):
    expect (r[table("1").column("合计")] ?? 0) + 1 == 1
'''
    results = run_rules(tmp_path, text, document)
    assert (results["R-1"].outcome, results["R-1"].reason) == (Outcome.ERROR, "空值不能参与运算（+）")
    assert results["R-2"].outcome is Outcome.PASS


def test_explicit_tolerance_and_rounding(tmp_path: Path) -> None:
    text = '''
rule R-1 "容差"
  expect 100.00 == 100.04 within 0.05
  expect 100.00 != 100.06 within 0.05
  expect sum([1.00, 2.00, 3.00]) != 6.02 within rounding
'''
    # Literals are exact: rounding slack comes only from figures read from the document.
    assert run_rules(tmp_path, text, TABLES)["R-1"].outcome is Outcome.PASS


def test_params_and_overrides(tmp_path: Path) -> None:
    text = 'param limit = 10\nparam names = ["甲", "乙"]\nrule R-1 "参数"\n  expect count(names) == limit\n'
    path = write_rules(tmp_path, PACK_HEADER + text)
    from compliance.testing import build_document

    document = build_document({})
    assert load_rule_set([path]).evaluate(document)[0].outcome is Outcome.FAIL
    overridden = load_rule_set([path], params={"test.pack.limit": 2})
    assert overridden.rules[0].params == {"names": ("甲", "乙"), "limit": Decimal(2)}
    assert overridden.evaluate(document)[0].outcome is Outcome.PASS
    assert load_rule_set([path], params={"names": ["甲", "乙", "丙"], "limit": 3}).evaluate(document)[0].outcome is Outcome.PASS


def test_params_computed_by_calls_and_their_step_limit(tmp_path: Path) -> None:
    text = ('param pair = len(["甲", "乙"])\nparam gap = abs(-3)\nparam both = [pair, max(gap, 1)]\n'
            'rule R-1 "参数"\n  expect pair == 2\n')
    rule_set = load_rule_set([write_rules(tmp_path / "ok", PACK_HEADER + text)])
    assert rule_set.rules[0].params == {"pair": Decimal(2)}
    items = ", ".join(str(i) for i in range(101))  # 101 × 101 items: past the 10,000 steps a param may take
    path = write_rules(tmp_path / "big", PACK_HEADER + f'param big = [[y for y in [{items}]] for x in [{items}]]\n')
    with pytest.raises(RuleError) as caught:
        load_rule_set([path])
    assert str(caught.value).splitlines()[0] == f"{path}:2:1: param 'big' cannot be computed: param is too large to compute"


def test_plugin_functions(tmp_path: Path) -> None:
    @needs_document
    def department(document):
        return document.meta.get("department", "")

    def double(value):
        return value * 2

    text = 'rule R-1 "函数"\n  expect double(21) == 42 and department() == "某局"\n'
    result = run_rules(tmp_path, text, {"meta": {"department": "某局"}},
                       functions={"double": double, "department": department})["R-1"]
    assert result.outcome is Outcome.PASS


def test_no_way_into_python(tmp_path: Path) -> None:
    text = '''
rule R-1 "沙箱"
  for table t:
    expect t.__class__ exists
'''
    from compliance.errors import RuleError
    import pytest

    with pytest.raises(RuleError, match=r"unknown field '__class__' of a table"):
        run_rules(tmp_path, text, TABLES)
    # When the type is not known at compile time, the runtime refuses just the same.
    text = 'rule R-2 "沙箱"\n  for x in [table("3").title, 1]:\n    expect x.upper exists\n'
    result = run_rules(tmp_path, text, TABLES)["R-2"]
    assert (result.outcome, result.reason) == (Outcome.ERROR, "文字「部门支出总体情况表」没有可读的字段「upper」")


def test_rule_metadata(tmp_path: Path) -> None:
    text = '''rule R-1 "元数据" severity note tags [a, b]
  reference "某文件 第三条"
  description "说明"
  expect true
'''
    path = write_rules(tmp_path, PACK_HEADER + text)
    (rule,) = load_rule_set([path]).rules
    assert (rule.id, rule.title, rule.severity, rule.tags, rule.pack, rule.reference, rule.description) == (
        "R-1", "元数据", Severity.NOTE, ("a", "b"), "test.pack", "某文件 第三条", "说明")
    assert rule.source == text.rstrip()
    assert (rule.file, rule.line) == (str(path), 2)


def test_an_inner_let_does_not_clobber_an_outer_one(tmp_path: Path) -> None:
    text = '''
rule R-1 "作用域"
  let x = 1.00
  for t in tables:
    let x = 5.00
    expect x == 5.00 within rounding
  expect x == 1.00 within rounding
  expect x == 1
'''
    assert run_rules(tmp_path, text, TABLES)["R-1"].outcome is Outcome.PASS


def test_names_that_begin_with_a_quantifier_word_are_plain_names(tmp_path: Path) -> None:
    # `allocation` starts with `all`, `counted` with `count`: neither is a quantifier.
    text = '''
rule R-1 "名称"
  for table t where t.empty:
    let allocation = count(t.rows)
    let counted = any r in t.rows where r.label exists
    let nonempty = none r in t.rows where r.label exists
    expect allocation == 1 and counted and not nonempty
    message "{t.label} {allocation}"
'''
    empty_with_total = {"tables": [{"number": "8", "title": "政府性基金预算支出情况表", "empty": True,
                                    "rows": [{"code": "", "label": "总计", "kind": "total", "values": [""]}],
                                    "columns": ["合计"]}]}
    result = run_rules(tmp_path, text, empty_with_total)["R-1"]
    assert (result.outcome, result.findings) == (Outcome.PASS, ())


def test_an_interpolation_may_hold_a_quoted_string(tmp_path: Path) -> None:
    text = '''
rule R-1 "引号" severity note
  for table t where t.empty:
    expect false
    message "{t.label}「{t.title ~ "政府性基金"}」 \\"原文\\" {{x}}"
'''
    result = run_rules(tmp_path, text, TABLES)["R-1"]
    assert [f.message for f in result.findings] == ['表8「是」 "原文" {x}']


def test_model_integers_take_part_in_arithmetic_and_ordering(tmp_path: Path) -> None:
    text = '''
rule R-1 "序号" severity note
  for table t where t.number exists:
    for row r in t where r.level exists and r.level >= 2:
      expect r.level + 1 < 3
      message "{t.label}「{r.label}」层级 {r.level}"
'''
    result = run_rules(tmp_path, text, TABLES)["R-1"]
    assert [f.message for f in result.findings] == ["表3「政府办公厅」层级 2"]


def test_a_source_without_such_elements_at_run_time_is_an_error_that_says_so(tmp_path: Path) -> None:
    # A plugin function's result has no static type: the kind of its elements is checked when the rule runs.
    result = run_rules(tmp_path, 'rule R-1 "t"\n  for row r in pick():\n    expect true\n', {},
                       functions={"pick": lambda: "文字"})["R-1"]
    assert result.outcome is Outcome.ERROR
    assert [f.message for f in result.findings] == ["规则 R-1 在本文档上执行失败：文字「文字」中没有row类元素"]


def test_rows_by_position_are_rows_and_rows_by_column_are_figures(tmp_path: Path) -> None:
    # The static type of `rows[k]` follows the key: a number picks a row (whose fields a rule may
    # read), a column picks each row's figure.  `t.rows[0].label` used to be refused as a number's field.
    text = '''
rule R-1 "按位置取行" severity note
  let t = table("3")
  expect t.rows[0].label == "总计"
    message "{t.rows[0].label}；{t.rows[t.column("合计")]}"
'''
    result = run_rules(tmp_path, text, TABLES)["R-1"]
    assert [f.message for f in result.findings] == ["一般公共服务支出；2,147.33、2,147.33、2,147.33"]
