"""What the parser builds: operator precedence, positions, and message placeholders."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.dsl import ast, parser
from compliance.dsl.parser import parse_text
from compliance.errors import RuleError

from dsl_support import node_positions

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((REPO / "rules").rglob("*.rules"))


def _expr(text: str) -> ast.Node:
    """The condition of ``expect TEXT`` in a one-rule file."""
    (rule,) = parse_text(f'rule A-1 "t"\n  expect {text}\n').rules
    return rule.body[0].condition


def N(name: str) -> ast.Name:  # noqa: N802 - reads like the tree it builds
    return ast.Name(name)


def num(value: str) -> ast.Number:
    return ast.Number(Decimal(value))


PRECEDENCE = [
    ("a or b and c", ast.Logic("or", (N("a"), ast.Logic("and", (N("b"), N("c")))))),
    ("a and b or c", ast.Logic("or", (ast.Logic("and", (N("a"), N("b"))), N("c")))),
    ("a or b or c", ast.Logic("or", (N("a"), N("b"), N("c")))),
    ("not a == b and c", ast.Logic("and", (ast.Not(ast.Compare("==", N("a"), N("b"))), N("c")))),
    ("not not a", ast.Not(ast.Not(N("a")))),
    ("a + b * c == d", ast.Compare("==", ast.Arith("+", N("a"), ast.Arith("*", N("b"), N("c"))), N("d"))),
    ("a * b + c", ast.Arith("+", ast.Arith("*", N("a"), N("b")), N("c"))),
    ("a - b - c", ast.Arith("-", ast.Arith("-", N("a"), N("b")), N("c"))),
    ("-a * b", ast.Arith("*", ast.Neg(N("a")), N("b"))),
    ("- -a", ast.Neg(ast.Neg(N("a")))),
    ("a ?? b + c", ast.Coalesce(N("a"), ast.Arith("+", N("b"), N("c")))),
    ("a ?? b ?? c", ast.Coalesce(ast.Coalesce(N("a"), N("b")), N("c"))),
    ("a + 1 exists", ast.Test("exists", ast.Arith("+", N("a"), num("1")))),
    ("a == b within 0.01", ast.Compare("==", N("a"), N("b"), num("0.01"), False)),
    ("a == b + c within rounding", ast.Compare("==", N("a"), ast.Arith("+", N("b"), N("c")), None, True)),
    ("x.y[0].z(1) ~ \"t\"", ast.Test("~", ast.Method(ast.Index(ast.Attr(N("x"), "y"), num("0")), "z", (num("1"),)),
                                      ast.String("t"))),
    ("a not in b or c in d", ast.Logic("or", (ast.Test("not in", N("a"), N("b")), ast.Test("in", N("c"), N("d"))))),
    ("if a then b else c or d", ast.Conditional(N("a"), N("b"), ast.Logic("or", (N("c"), N("d"))))),
    ("(a or b) and c", ast.Logic("and", (ast.Logic("or", (N("a"), N("b"))), N("c")))),
    # A quantifier reaches as far as it can: its filter takes the "or".
    ("any t in ts where a or b", ast.Quantifier("any", ast.Binding("t", None, N("ts"), ast.Logic("or", (N("a"), N("b")))), None)),
    ("c and any t in ts where a", ast.Logic("and", (N("c"), ast.Quantifier("any", ast.Binding("t", None, N("ts"), N("a")), None)))),
    ("[a, b + 1]", ast.ListLit((N("a"), ast.Arith("+", N("b"), num("1"))))),
    ("[r.code for row r in t where r.level == 1]", ast.Comprehension(
        ast.Attr(N("r"), "code"),
        ast.Binding("r", "row", N("t"), ast.Compare("==", ast.Attr(N("r"), "level"), num("1"))))),
]


@pytest.mark.parametrize(("text", "tree"), PRECEDENCE, ids=[text for text, _ in PRECEDENCE])
def test_operators_bind_as_documented(text: str, tree: ast.Node) -> None:
    assert _expr(text) == tree


def test_a_node_starts_where_its_text_starts() -> None:
    node = _expr("(a + b) * c.d == -e")
    # The comparison starts at the parenthesis; an operator node sits on its operator,
    # a field on its name, a negation on its minus sign.
    assert (node.line, node.column) == (2, 10)
    assert (node.left.line, node.left.column) == (2, 18)
    assert (node.left.left.line, node.left.left.column) == (2, 13)
    assert (node.left.right.line, node.left.right.column) == (2, 22)
    assert (node.right.line, node.right.column) == (2, 27)


def test_placeholders_are_placed_in_the_file() -> None:
    (rule,) = parse_text('rule A-1 "t"\n  expect x\n  message "共{ t.rows.count }行，差{a - b}"\n').rules
    parts = rule.body[0].message.parts
    assert parts[0] == "共" and parts[2] == "行，差"
    assert node_positions(parts[1]) == [("Attr", 3, 22), ("Attr", 3, 17), ("Name", 3, 15)]
    assert node_positions(parts[3]) == [("Arith", 3, 35), ("Name", 3, 33), ("Name", 3, 37)]


@pytest.mark.parametrize("path", RULE_FILES, ids=[str(p.relative_to(REPO)) for p in RULE_FILES])
def test_placeholder_shortcuts_build_what_the_parser_builds(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``{a.b}`` skips the parser, a placeholder seen before is a moved copy of its first tree;
    with both shortcuts off, every file gives the same tree and positions."""
    text = path.read_text(encoding="utf-8")
    quick = parse_text(text, str(path))

    class Forgetful(dict):
        def __setitem__(self, key, value) -> None:
            pass

    monkeypatch.setattr(parser._Build, "_dotted_name", lambda self, *args: None)
    monkeypatch.setattr(parser, "_PLACEHOLDER_TREES", Forgetful())
    slow = parse_text(text, str(path))
    assert quick == slow
    assert node_positions(quick) == node_positions(slow)


def test_a_repeated_placeholder_sits_where_it_is_written() -> None:
    text = 'rule A-1 "t"\n  expect x\n  message "{(a ?? 0) - b}"\n  expect y\n    message "差额 {(a ?? 0) - b}"\n'
    first, second = (stmt.message.parts[-1] for stmt in parse_text(text).rules[0].body)
    assert first == second
    assert node_positions(first) == [("Arith", 3, 22), ("Coalesce", 3, 14), ("Name", 3, 14), ("Number", 3, 19),
                                     ("Name", 3, 24)]
    assert node_positions(second) == [("Arith", 5, 27), ("Coalesce", 5, 19), ("Name", 5, 19), ("Number", 5, 24),
                                      ("Name", 5, 29)]


@pytest.mark.parametrize(("placeholder", "tree"), [
    ("true", ast.Bool(True)),
    ("values", ast.Name("values")),
    ("t.count", ast.Attr(N("t"), "count")),
])
def test_a_keyword_in_a_placeholder_means_what_the_grammar_says(placeholder: str, tree: ast.Node) -> None:
    (rule,) = parse_text(f'rule A-1 "t"\n  expect x\n  message "{{{placeholder}}}"\n').rules
    assert rule.body[0].message.parts == (tree,)


def test_a_quantifier_word_alone_in_a_placeholder_is_a_syntax_error() -> None:
    with pytest.raises(RuleError) as caught:
        parse_text('rule A-1 "t"\n  expect x\n  message "n = {count}"\n', "a.rules")
    assert str(caught.value).startswith(
        "a.rules:3:17: syntax error in the message's {count}: unexpected input at its column 1")


def test_the_fast_parser_s_own_error_can_be_printed() -> None:
    # Its errors are only ever replaced by the reference parser's, but a log or a debugger prints
    # them: Lark lists the expected tokens by feeding tokens of its own through the token feed.
    from lark.exceptions import UnexpectedInput

    with pytest.raises(UnexpectedInput) as caught:
        parser._fast_parser().parse('rule A-1 "t"\n  expect = 1\n')
    assert "Expected one of" in str(caught.value)
