"""Rounding-aware equality agrees with exact Decimal arithmetic (XBRL Calculations 1.1 intervals)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.dsl import load_rule_set
from compliance.findings import Outcome
from compliance.testing import build_document

RULES = '''pack test.rounding "舍入"
rule R-SUM "合计"
  for row r in table("1") where r.children exists:
    expect r[table("1").column("合计")] == sum(r.children[table("1").column("合计")]) within rounding
'''

CENT = Decimal("0.01")
exact_terms = st.lists(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=4, allow_nan=False, allow_infinity=False),
    min_size=1, max_size=12,
)


def _rule_set(tmp_path_factory) -> object:
    folder = tmp_path_factory.mktemp("rounding")
    (folder / "r.rules").write_text(RULES, encoding="utf-8")
    return load_rule_set([folder])


def _outcome(rule_set, total: Decimal, terms: list[Decimal]) -> Outcome:
    rows = [["201", "类", str(total)]] + [[f"201{i:02d}", f"款{i}", str(t)] for i, t in enumerate(terms, start=1)]
    document = build_document({"tables": [{"number": "1", "title": "表", "columns": ["合计"], "rows": rows}]})
    return rule_set.evaluate(document)[0].outcome


def _printed(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@settings(max_examples=150, deadline=None)
@given(terms=exact_terms)
def test_honestly_rounded_figures_are_always_consistent(tmp_path_factory, terms: list[Decimal]) -> None:
    """Print each exact term and the exact total to two decimals: the check must never cry wolf."""
    rule_set = _rule_set(tmp_path_factory)
    assert _outcome(rule_set, _printed(sum(terms, Decimal(0))), [_printed(t) for t in terms]) is Outcome.PASS


@settings(max_examples=150, deadline=None)
@given(terms=exact_terms, offset=st.integers(min_value=-40, max_value=40))
def test_consistent_exactly_when_within_the_interval_bound(tmp_path_factory, terms: list[Decimal], offset: int) -> None:
    """A printed total passes iff it differs from the sum of printed terms by at most 0.005·(n+1)."""
    rule_set = _rule_set(tmp_path_factory)
    printed = [_printed(t) for t in terms]
    total = sum(printed, Decimal(0)) + offset * CENT
    if total < 0:
        total = Decimal("0.00")
    gap = abs(total - sum(printed, Decimal(0)))
    expected = Outcome.PASS if gap <= Decimal("0.005") * (len(terms) + 1) else Outcome.FAIL
    assert _outcome(rule_set, total, printed) is expected


def test_the_bound_for_three_terms_is_two_cents(tmp_path: Path, tmp_path_factory) -> None:
    rule_set = _rule_set(tmp_path_factory)
    terms = [Decimal("1598.61"), Decimal("243.10"), Decimal("462.66")]  # sum 2304.37
    assert _outcome(rule_set, Decimal("2304.39"), terms) is Outcome.PASS
    assert _outcome(rule_set, Decimal("2304.40"), terms) is Outcome.FAIL


_FIGURE = {"tables": [{"number": "3", "title": "部门支出总体情况表", "columns": ["合计"],
                       "rows": [["20103", "政府办公厅", "2,304.38"]]}]}


def test_a_later_let_of_the_same_name_leaves_an_earlier_bound_alone(tmp_path: Path) -> None:
    # b is a printed figure (±0.005): its bound is read from the `a` it was made from, not the later exact `a`.
    text = ('pack test.rounding "舍入"\nrule R-1 "t"\n  let t = table("3")\n'
            '  let a = t.value(t.row("20103"), "合计")\n  let b = a + 0\n  let a = 1\n'
            '  expect b == 2304.384 within rounding\n  expect b != 2304.386 within rounding\n')
    (tmp_path / "r.rules").write_text(text, encoding="utf-8")
    (result,) = load_rule_set([tmp_path / "r.rules"]).evaluate(build_document(_FIGURE))
    assert (result.outcome, result.findings) == (Outcome.PASS, ())


def test_a_let_may_read_the_name_it_replaces(tmp_path: Path) -> None:
    text = ('pack test.rounding "舍入"\nrule R-1 "t"\n  let s = 1 + 0\n  let s = s * 2\n'
            '  expect s == 2 within rounding\n  expect s != 2.0001 within rounding\n')
    (tmp_path / "r.rules").write_text(text, encoding="utf-8")
    (result,) = load_rule_set([tmp_path / "r.rules"]).evaluate(build_document({}))
    assert (result.outcome, result.findings) == (Outcome.PASS, ())
