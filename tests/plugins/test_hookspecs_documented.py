"""Every hook is documented where it is declared: summary, each parameter, the return, firstresult."""

from __future__ import annotations

import inspect

import pytest

from compliance.plugins import hookspecs

HOOKS = sorted(
    (name, fn) for name, fn in vars(hookspecs).items() if name.startswith("compliance_") and callable(fn)
)


def _is_firstresult(fn) -> bool:
    return bool(getattr(fn, "compliance_spec")["firstresult"])


def test_the_documented_hooks_are_the_expected_ones() -> None:
    assert [name for name, _ in HOOKS] == [
        "compliance_enrich_document",
        "compliance_load_document",
        "compliance_process_findings",
        "compliance_register_checks",
        "compliance_register_formats",
        "compliance_register_functions",
        "compliance_register_rule_packs",
        "compliance_register_suffixes",
        "compliance_render_report",
    ]


@pytest.mark.parametrize(("name", "fn"), HOOKS, ids=[name for name, _ in HOOKS])
def test_every_parameter_and_the_return_are_documented(name, fn) -> None:
    doc = inspect.getdoc(fn) or ""
    assert doc.splitlines()[0].endswith("."), f"{name}: the docstring opens with a one-line summary"
    missing = [p for p in inspect.signature(fn).parameters if f":param {p}:" not in doc]
    assert missing == [], f"{name}: undocumented parameters {missing}"
    assert ":return:" in doc, f"{name}: the return value is not documented"
    assert "Called" in doc, f"{name}: the docstring says when the hook is called"


@pytest.mark.parametrize(("name", "fn"), HOOKS, ids=[name for name, _ in HOOKS])
def test_firstresult_hooks_say_so_and_only_they(name, fn) -> None:
    says = "first non-None result" in " ".join((inspect.getdoc(fn) or "").split())
    assert says == _is_firstresult(fn), name


def test_an_undocumented_parameter_is_caught() -> None:
    # The check above must fail on a spec that forgets a parameter: prove it on one.
    def compliance_fake_hook(document, extra):
        """Do something.

        Called never.

        :param document: the document.
        :return: nothing.
        """

    doc = inspect.getdoc(compliance_fake_hook)
    missing = [p for p in inspect.signature(compliance_fake_hook).parameters if f":param {p}:" not in doc]
    assert missing == ["extra"]


def test_hooks_follow_the_naming_convention() -> None:
    for name, _ in HOOKS:
        verb_noun = name.removeprefix("compliance_").split("_")
        assert len(verb_noun) >= 2, name
