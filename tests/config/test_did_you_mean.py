"""One "did you mean" for every user error: rule files, configuration and the command line."""

from __future__ import annotations

from compliance.dsl import errors as dsl_errors
from compliance.suggest import did_you_mean


def test_the_closest_choice_is_suggested_in_parentheses() -> None:
    assert did_you_mean("selct", ["select", "ignore"]) == " (did you mean 'select'?)"


def test_a_prefix_is_shown_before_the_choice() -> None:
    assert did_you_mean("polcy", ["policy"], prefix="rounding.") == " (did you mean 'rounding.policy'?)"


def test_nothing_close_enough_gives_nothing() -> None:
    assert (did_you_mean("zzz", ["select"]), did_you_mean("selct", [])) == ("", "")


def test_the_cutoff_decides_what_is_close_enough() -> None:
    # "abcd" and "abxy" share half their letters: a ratio of 0.5.
    assert (did_you_mean("abcd", ["abxy"]), did_you_mean("abcd", ["abxy"], cutoff=0.5)) == (
        "", " (did you mean 'abxy'?)")


def test_the_rule_language_uses_the_same_function() -> None:
    assert dsl_errors.did_you_mean is did_you_mean
