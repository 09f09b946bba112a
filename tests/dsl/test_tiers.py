"""A rule runs as closures first and as generated Python once it has run long enough (compliance.dsl.tiers)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from compliance.dsl import ast, load_rule_set
from compliance.dsl.codegen import compile_rule
from compliance.dsl.compiler import Compiler
from compliance.dsl.functions import BUILTINS
from compliance.dsl.parser import parse_text
from compliance.dsl.tiers import COMPILE_SECONDS_PER_CHARACTER, RuleCode
from compliance.findings import Outcome
from compliance.testing import build_document

from dsl_support import PACK_HEADER, run_rules, write_rules

#: The real switching run (the autouse `tier` fixture pins one form in the other tests).
SWITCHING_RUN = RuleCode.run

DOCUMENT = {"tables": [{"number": "3", "title": "部门支出总体情况表", "columns": ["合计"],
                        "rows": [["201", "一般公共服务支出", "300.00"], ["", "总计", "300.00"]]}]}


def _recording_code(calls: list[str], source_size: int) -> RuleCode:
    def closure(env: dict) -> None:
        calls.append("closure")

    def generated(env: dict) -> None:
        calls.append("generated")

    def generate():
        calls.append("generate")
        return generated

    return RuleCode((closure,), generate, source_size)


def test_a_rule_switches_once_it_has_spent_what_compiling_it_would_cost() -> None:
    calls: list[str] = []
    code = _recording_code(calls, source_size=1_000_000)
    assert code.budget == pytest.approx(1_000_000 * COMPILE_SECONDS_PER_CHARACTER)
    SWITCHING_RUN(code, {})
    SWITCHING_RUN(code, {})
    assert calls == ["closure", "closure"]
    assert 0 < code.spent < code.budget
    code.spent = code.budget  # as after many documents
    for _ in range(3):
        SWITCHING_RUN(code, {})
    assert calls == ["closure", "closure", "generate", "generated", "generated", "generated"]


def test_the_time_a_rule_spends_counts_also_when_it_stops_early() -> None:
    # `when` at the top and a missing table end a rule with an exception: its time still counts.
    def stopping(env: dict) -> None:
        raise KeyError("stops")

    code = RuleCode((stopping,), None, 10)
    with pytest.raises(KeyError):
        SWITCHING_RUN(code, {})
    assert code.spent > 0


def _nested_fors(depth: int) -> str:
    lines = [f"{'  ' * (level + 1)}for x{level} in [1]:" for level in range(depth)]
    return 'rule R-1 "深"\n' + "\n".join(lines) + f"\n{'  ' * (depth + 1)}expect x0 == 1\n"


@pytest.mark.parametrize(("text", "limit"), [
    (_nested_fors(25), "blocks"),  # Python nests at most 20 blocks
    ('rule R-1 "深"\n  expect ' + "-" * 120 + "1 == 1\n", "parentheses"),  # nor 200 parentheses
])
def test_a_rule_nested_deeper_than_python_compiles_stays_as_closures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       text: str, limit: str) -> None:
    monkeypatch.setattr(RuleCode, "run", SWITCHING_RUN)
    rule_set = load_rule_set([write_rules(tmp_path, PACK_HEADER + text)])
    (rule,) = rule_set.rules
    assert rule.code.promote() is None  # Python refused it
    assert (rule.code.generate, rule.code.function) == (None, None)
    (result,) = rule_set.evaluate(build_document(DOCUMENT))
    assert result.outcome is Outcome.PASS


def test_texts_in_a_rule_stay_texts_in_the_generated_code(tmp_path: Path) -> None:
    # Quotes, backslashes, braces and Python syntax in a rule's texts are compared as texts, in both forms.
    tricky = r"""\"'); raise SystemExit(1) # \\ {x}"""
    title = "部门支出总体情况表"
    text = (f'param names = ["{tricky}", "x"]\n'
            f'rule R-1 "文本"\n  for table t:\n    expect t.title != "{tricky}" and not (t.title in names)\n'
            f'rule R-2 "文本"\n  for table t:\n    expect [t.title, "{tricky}"] == ["{title}", "{tricky}"]\n'
            f'rule R-3 "文本"\n  for table t:\n    expect t.title == "{tricky}"\n'
            '      message "\\"\'); {t.title}"\n')
    results = run_rules(tmp_path, text, DOCUMENT)
    assert [r.outcome for r in results.values()] == [Outcome.PASS, Outcome.PASS, Outcome.FAIL]
    assert results["R-3"].findings[0].message == f"""\"'); {title}"""


@pytest.mark.parametrize(("text", "node_type", "field"), [
    ("expect 1 < 2 and 2 < 3", ast.Logic, "op"),
    ("expect 1 < 2", ast.Compare, "op"),
    ("expect count x in [1] where x > 0", ast.Quantifier, "kind"),
])
def test_a_tampered_syntax_tree_cannot_put_code_into_the_generated_text(text: str, node_type: type, field: str) -> None:
    # Syntax trees are also read back from the on-disk cache: an operator there is looked up, never copied.
    decl = parse_text(PACK_HEADER + 'rule R-1 "t"\n  ' + text + "\n").rules[0]
    payload = "and __import__('os').system('exit 1') or"
    tampered = _replace_first(decl, node_type, field, payload)
    assert tampered != decl
    compiler = Compiler(source="t.rules", text=text, functions=BUILTINS, params={})
    with pytest.raises(ValueError, match="unexpected .* in the syntax tree"):
        compile_rule(compiler, tampered)


def _replace_first(node, node_type: type, field: str, value: str):
    """``node`` with the first ``node_type`` under it (depth first) given ``field=value``."""
    if isinstance(node, node_type):
        return attrs.evolve(node, **{field: value})
    if isinstance(node, tuple):
        for position, item in enumerate(node):
            changed = _replace_first(item, node_type, field, value)
            if changed is not item:
                return node[:position] + (changed,) + node[position + 1:]
        return node
    if isinstance(node, ast.Node):
        for name in ast.content_fields(type(node)):
            child = getattr(node, name)
            changed = _replace_first(child, node_type, field, value)
            if changed is not child:
                return attrs.evolve(node, **{name: changed})
    return node
