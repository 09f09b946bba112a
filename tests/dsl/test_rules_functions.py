"""`compliance rules functions`: every function rules can call, and the docstrings that explain them."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest

from compliance import hookimpl
from compliance.cli import main
from compliance.commands.rules import available_functions, signature, summary
from compliance.dsl import BUILTINS
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager

#: Built-ins (in the core's registry) still without a docstring.  The test below
#: fails when one of them gains a docstring (shrink this set) and when any other
#: function lacks one, so the gap can only close.

def _is_sentence(line: str) -> bool:
    """A summary line: starts with a word, a quote or a literal, and ends like a sentence."""
    return bool(line) and not line[0].isspace() and line.rstrip().endswith((".", "?", "!"))


def test_every_function_rules_can_call_has_a_one_sentence_summary() -> None:
    undocumented: set[str] = set()
    bad_summaries: list[str] = []
    for name, source, function in available_functions():
        doc = inspect.getdoc(function)
        if not doc:
            undocumented.add(name)
            continue
        lines = doc.splitlines()
        # The summary is the whole first paragraph, so listings never cut it mid-sentence.
        if not _is_sentence(lines[0]) or (len(lines) > 1 and lines[1].strip()):
            bad_summaries.append(f"{name} ({source}): {lines[0]!r}")
    assert bad_summaries == []
    assert undocumented == set()


def test_list_names_every_function_with_its_source_and_summary(capsys) -> None:
    assert main(["rules", "functions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split(maxsplit=2)[1:] for line in lines}
    assert rows["to_unit"] == [
        "cn_budget", "``value`` printed in ``from_unit`` converted to ``to_unit``; blank stays blank."
    ]
    assert rows["ledgers"] == [
        "cn_budget", "Every table whose rows are one ledger: a two-sided table counts as its two sides."
    ]
    assert rows["printed_unit"] == [
        "shanghai", "One unit of a figure's last printed decimal: 87.70 → 0.01, 686 → 1; blank for blank."
    ]
    assert rows["table"] == [
        "built-in", "The table by number, label, kind or exact title; a missing table makes the rule not evaluated."
    ]
    assert rows["sum"] == [
        "built-in", "The exact Decimal sum of the figures given; blanks are left out, and no figures sum to 0."
    ]
    # One line per function, sorted by name: built-ins and both built-in plugins' contributions.
    names = [line.split()[0] for line in lines]
    assert names == sorted(names)
    assert set(names) == set(BUILTINS) | set(hooks.dsl_functions(create_manager()[0]))


def test_name_shows_signature_source_and_whole_docstring(capsys) -> None:
    assert main(["rules", "functions", "to_unit"]) == 0
    assert capsys.readouterr().out == (
        "to_unit(value, from_unit, to_unit)\n"
        "from: cn_budget\n"
        "\n"
        "``value`` printed in ``from_unit`` converted to ``to_unit``; blank stays blank.\n"
        "\n"
        "Tables and text print amounts in different units (元, 万元), so a rule\n"
        "comparing them converts one side first:\n"
        '``to_unit(Decimal("1.00"), "万元", "元")`` → ``Decimal("10000.00")``.\n'
    )


def test_signature_leaves_out_the_document_a_function_receives_implicitly(capsys) -> None:
    assert main(["rules", "functions", "table"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["table(key)", "from: built-in"]
    assert signature("round", BUILTINS["round"]) == "round(value, places=Decimal('2'))"


def test_unknown_name_exits_2_with_a_suggestion(capsys) -> None:
    assert main(["rules", "functions", "to_unti"]) == 2
    assert "unknown rule function 'to_unti' (did you mean 'to_unit'?)" in capsys.readouterr().err


def _twice(value: Decimal) -> Decimal:
    """Double ``value``."""
    return value * 2


def _magnitude(value: Decimal) -> Decimal:
    """The absolute value, as this plugin sees it."""
    return abs(value)


class _Extra:
    """A third-party plugin adding one function and replacing the built-in ``abs``."""

    @hookimpl
    def compliance_register_functions(self) -> dict[str, object]:
        return {"twice": _twice, "abs": _magnitude}


def test_functions_by_plugin_names_the_contributing_plugin() -> None:
    pm, failures = create_manager(entry_points=False, objects=[_Extra()])
    assert failures == ()
    triples = hooks.dsl_functions_by_plugin(pm)
    assert [(name, plugin) for name, plugin, _f in triples] == [("twice", "_Extra-0"), ("abs", "_Extra-0")]
    assert triples[0][2](Decimal("1.5")) == Decimal("3.0")
    # dsl_functions is unchanged: the same callables, merged by name.
    assert hooks.dsl_functions(pm) == {name: function for name, _plugin, function in triples}


def test_a_plugin_function_replaces_the_built_in_of_that_name_in_the_listing() -> None:
    pm, _failures = create_manager(entry_points=False, objects=[_Extra()])
    entries = {name: (source, summary(function)) for name, source, function in available_functions(pm)}
    assert entries["abs"] == ("_Extra-0", "The absolute value, as this plugin sees it.")
    assert entries["twice"] == ("_Extra-0", "Double ``value``.")
    assert entries["sum"] == (
        "built-in", "The exact Decimal sum of the figures given; blanks are left out, and no figures sum to 0."
    )
    assert set(entries) == set(BUILTINS) | {"twice"}


@pytest.mark.parametrize("name", ["ledgers", "figure_columns", "percent_agrees", "to_unit", "similar"])
def test_functions_the_national_pack_calls_are_listed_from_cn_budget(name: str) -> None:
    sources = {n: source for n, source, _f in available_functions()}
    assert sources[name] == "cn_budget"
