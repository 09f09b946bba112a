"""The ``~`` title match: equal or contained after normalising, or a near miss by insertions and drops only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.dsl.functions import fuzzy_match, is_subsequence, normalize_text

LONG_SPENDING = "巴州2026年部门一般公共预算财政拨款收支预算表按经济分类"
LONG_INCOME = "巴州2026年部门一般公共预算财政拨款收入预算表按经济分类"


def indel_distance(a: str, b: str) -> int:
    """Characters to insert or drop to turn ``a`` into ``b`` (a substitution counts two): the textbook table."""
    previous = [0] * (len(b) + 1)
    for ca in a:
        current = [0]
        for j, cb in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if ca == cb else max(previous[j], current[j - 1]))
        previous = current
    return len(a) + len(b) - 2 * previous[-1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="收支入出表的一二", max_size=12), st.text(alphabet="收支入出表的一二", max_size=12))
def test_a_subsequence_is_exactly_an_indel_distance_of_the_length_gap(a: str, b: str) -> None:
    # `~` allows only drops and insertions: the shorter title must be the longer with characters dropped.
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    assert is_subsequence(short, long) is (indel_distance(a, b) == len(long) - len(short))


def test_the_long_pair_is_within_the_indel_allowance() -> None:
    """The pair below differs by one changed character, two indels, inside the old allowance."""
    assert len(normalize_text(LONG_SPENDING)) >= 20
    assert indel_distance(normalize_text(LONG_SPENDING), normalize_text(LONG_INCOME)) == 2
    assert len(normalize_text(LONG_SPENDING)) // 10 >= 2


@pytest.mark.parametrize("text, wanted", [
    (LONG_SPENDING, LONG_INCOME),
    (LONG_INCOME, LONG_SPENDING),
    ("部门收入总表", "部门收支总表"),
    ("一般公共预算基本支出情况表", "一般公共预算支出情况表"),
], ids=["long 收支 vs 收入", "long 收入 vs 收支", "short 收入 vs 收支", "two inserted in eleven"])
def test_a_changed_character_or_too_many_insertions_never_match(text: str, wanted: str) -> None:
    assert fuzzy_match(text, wanted) is False


@pytest.mark.parametrize("text, wanted", [
    ("部门收支总表", "部门收支总表"),
    ("二、部门收支总表（单位：万元）", "部门收支 总表"),
    ("巴州2026年部门一般公共预算财政拨款的收支预算表按经济分类", LONG_SPENDING),
    ("巴州2026年部门一般公共预算财政拨款支出预算表表按经济分类", "巴州2026年部门一般公共预算财政拨款支出预算表按经济分类"),
], ids=["equal", "contained", "dropped 的", "stray 表"])
def test_equal_contained_or_a_dropped_or_stray_character_match(text: str, wanted: str) -> None:
    assert fuzzy_match(text, wanted) is True


def test_blank_never_matches() -> None:
    assert (fuzzy_match(None, "表"), fuzzy_match("表", None), fuzzy_match("表", "  ")) == (False, False, False)
