"""Names a rule reads: a document name wins over a param of the same name, a top-level let over both."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from compliance.dsl import load_rule_set
from compliance.testing import build_document

from dsl_support import PACK_HEADER, write_rules

DOCUMENT = {"tables": [{"number": "3", "title": "部门支出总体情况表", "columns": ["合计"],
                        "rows": [["201", "一般公共服务支出", "300.00"]]}]}


def test_which_declaration_a_name_reads(tmp_path: Path) -> None:
    text = '''
param tables = 7
param limit = 5
rule R-GLOBAL "文档的名字"
  expect false
    message "{count(tables)} {limit}"
rule R-LET "规则里的名字"
  let limit = 9
  let tables = 8
  expect false
    message "{tables} {limit}"
'''
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    first, second = rule_set.evaluate(build_document(DOCUMENT))
    assert first.findings[0].message == "1 5"
    assert second.findings[0].message == "8 9"
    # Only the params a rule reads are listed with it.
    assert [dict(rule.params) for rule in rule_set.rules] == [{"limit": Decimal(5)}, {}]
