"""Filters served by an index (``where x.field == value``) read the same items as a scan, and count the same steps."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.dsl import load_rule_set, loops
from compliance.testing import build_document

from dsl_support import PACK_HEADER, write_rules

DOCUMENT = {
    "tables": [
        {"number": "3", "title": "部门支出总体情况表", "kind": "expenditure_summary", "columns": ["合计", "基本支出"],
         "rows": [["201", "一般公共服务支出", "300.00", "100.00"],
                  ["20103", "政府办公厅", "300.00", "100.00"],
                  ["2010301", "行政运行", "200.00", ""],
                  ["2010302", "一般行政管理事务", "100.00", "100.00"],
                  ["", "其他", "5.00", ""],
                  ["205", "教育支出", "50.00", ""],
                  ["20501", "教育管理事务", "50.00", ""],
                  ["", "总计", "355.00", "100.00"]]},
    ],
    "facts": [
        {"kind": "amount", "subject": "收入", "amount": "355.00"},
        {"kind": "change", "subject": "支出", "amount": "355.00", "delta": "5.00", "direction": "increase"},
        {"kind": "amount", "subject": "基本支出"},
        {"kind": "change", "subject": "基本支出", "delta": "1.00", "direction": "decrease"},
        {"kind": "amount", "subject": "项目支出", "amount": "255.00"},
    ],
}

# Each expression twice: with a filter an index serves (x.field == value first), and with the same
# filter written so that no index can serve it (a negated inequality).  Values cover a level (a model
# integer read as a number), a blank key, a number printed with more decimals, a text that looks like
# a number, a flag, and further conditions after the indexed one.
CASES = [
    ('[r.label for row r in t where r.level == 2]', '[r.label for row r in t where not (r.level != 2)]'),
    ('[r.label for row r in t where r.level == 2.00]', '[r.label for row r in t where not (r.level != 2.00)]'),
    ('[r.label for row r in t where r.level == blank]', '[r.label for row r in t where not (r.level != blank)]'),
    ('[r.label for row r in t where r.level == "2"]', '[r.label for row r in t where not (r.level != "2")]'),
    ('[r.label for row r in t where r.level == true]', '[r.label for row r in t where not (r.level != true)]'),
    ('[r.label for row r in t where r.code_text == ""]', '[r.label for row r in t where not (r.code_text != "")]'),
    ('[r.label for row r in t where 1 == r.level and r[c] exists]', '[r.label for row r in t where not (1 != r.level) and r[c] exists]'),
    ('[f.subject for fact f where f.kind == "change" and f.amount exists]', '[f.subject for fact f where not (f.kind != "change") and f.amount exists]'),
    ('[f.subject for fact f where f.amount == blank]', '[f.subject for fact f where not (f.amount != blank)]'),
    ('[f.subject for f in facts where f.subject == c.name]', '[f.subject for f in facts where not (f.subject != c.name)]'),
    ('count row r in t where r.level == 3', 'count row r in t where not (r.level != 3)'),
    ('any fact f where f.kind == "amount" and f.amount == 255.00', 'any fact f where not (f.kind != "amount") and f.amount == 255.00'),
    ('all row r in t where r.level == 1 satisfies r[c] exists', 'all row r in t where not (r.level != 1) satisfies r[c] exists'),
    ('none fact f where f.kind == "share"', 'none fact f where not (f.kind != "share")'),
]


def _rules(expression: str, twin: str) -> str:
    """Two rules, R-INDEXED and R-SCAN, whose one finding prints ``expression`` and ``twin``."""
    return "".join(f'''
rule {rule_id} "{rule_id}"
  let t = table("3")
  let c = t.column("基本支出")
  let blank = t.value(t.row("2010301"), "基本支出")
  expect false
    message "{{{printed}}}"
''' for rule_id, printed in (("R-INDEXED", expression), ("R-SCAN", twin)))


@pytest.mark.parametrize(("expression", "twin"), CASES)
def test_an_indexed_filter_gives_the_items_of_a_scan_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               expression: str, twin: str) -> None:
    built: list[str] = []
    real_build = loops._build_index
    monkeypatch.setattr(loops, "_build_index", lambda items, cls, field: built.append(field) or real_build(items, cls, field))
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + _rules(expression, twin))])
    indexed, scanned = rule_set.evaluate(build_document(DOCUMENT))
    assert built, "the first rule's filter was not served by an index"
    assert indexed.findings[0].message == scanned.findings[0].message


def test_the_items_an_index_finds(tmp_path: Path) -> None:
    # The expected values written out, so that both ways being wrong alike cannot pass.
    text = '''
rule R-1 "按索引"
  let t = table("3")
  let blank = t.value(t.row("2010301"), "基本支出")
  expect false
    message "{[r.label for row r in t where r.level == 2]}|{[r.label for row r in t where r.level == blank]}|{[f.subject for fact f where f.amount == blank]}|{count fact f where f.kind == "change"}"
'''
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    (result,) = rule_set.evaluate(build_document(DOCUMENT))
    assert result.findings[0].message == "政府办公厅、教育管理事务|其他、总计|基本支出、基本支出|2"


@pytest.mark.parametrize(("expression", "twin"), [CASES[0], CASES[7], CASES[10], CASES[11], CASES[12]])
def test_an_indexed_filter_counts_every_item_it_skips(tmp_path: Path, expression: str, twin: str) -> None:
    """At every budget the two rules stop (or not) alike: the index charges the steps the scan takes."""
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + _rules(expression, twin))])
    document = build_document(DOCUMENT)
    outcomes = []
    for budget in range(1, 30):
        indexed, scanned = rule_set.evaluate(document, budget=budget)
        assert (indexed.outcome, indexed.reason) == (scanned.outcome, scanned.reason), budget
        outcomes.append(indexed.outcome.value)
    assert "error" in outcomes and "fail" in outcomes  # the range covers the point where the budget suffices


def test_an_index_is_built_once_per_evaluation_and_never_reused_by_the_next(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real_build = loops._build_index
    monkeypatch.setattr(loops, "_build_index", lambda items, cls, field: built.append(field) or real_build(items, cls, field))
    text = '''
rule R-1 "一"
  for fact f where f.kind == "change":
    expect any fact g where g.kind == "amount" and g.subject == f.subject
rule R-2 "二"
  expect count fact f where f.kind == "amount" and f.amount exists == 2
'''
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    document = build_document(DOCUMENT)
    first = rule_set.evaluate(document)
    assert built == ["kind"]  # one index of the facts by kind, shared by both rules and every loop
    second = rule_set.evaluate(document)
    assert built == ["kind", "kind"]
    assert first == second
    changed = build_document({"facts": [{"kind": "change", "subject": "支出", "delta": "1.00"}]})
    (r1, r2) = rule_set.evaluate(changed)
    assert (r1.outcome.value, r2.outcome.value) == ("fail", "fail")


def test_what_cannot_be_indexed_is_left_to_the_scan() -> None:
    document = build_document(DOCUMENT)
    rows = document.table("3").rows
    index = loops._build_index(rows, type(rows[0]), "level")
    assert index is not None and [(p, r.label) for p, r in index[Decimal(2)]] == [(1, "政府办公厅"), (6, "教育管理事务")]
    assert loops._build_index(rows + ("文字",), type(rows[0]), "level") is None  # an item of another kind
    assert loops._build_index(rows, type(rows[0]), "code") is None  # tuples are no keys
    facts = document.facts
    assert loops._build_index(facts, type(facts[0]), "amount") is not None
    nan = build_document({"facts": [{"kind": "amount", "subject": "x", "amount": "NaN"}]}).facts
    assert loops._build_index(nan, type(nan[0]), "amount") is None  # NaN equals nothing, not even itself
