"""The fast rule lexer makes exactly the tokens of Lark's contextual lexer and indenter.

The parser relies on it: rule text goes through the fast lexer, and only text
that fails to parse goes through Lark's own lexer (for the error message).  If
the two ever disagreed, a rule could parse differently from its error report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput
from lark.indenter import DedentError

from compliance.dsl import parser
from compliance.dsl.lexer import Fragment, RuleLexer, UnlexableInput

REPO = Path(__file__).resolve().parents[2]
RULE_TEXTS = {
    str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
    for path in sorted((REPO / "rules").rglob("*.rules")) + sorted((REPO / "examples").rglob("*.rules"))
}
DOC_EXAMPLES = [m.group(1) for m in re.finditer(r"^```rules\n(.*?)^```$", (REPO / "docs" / "rule-language.md")
                                                .read_text(encoding="utf-8"), re.M | re.S)]


@pytest.fixture(scope="module")
def both() -> tuple[Lark, Lark]:
    """Lark's reference parser, and the same grammar fed by the fast lexer (trees, no AST)."""
    options = dict(rel_to=parser.__file__, parser="lalr", maybe_placeholders=False, start=["start", "expr"])
    reference = Lark.open(parser.GRAMMAR_FILE, postlex=parser._RuleIndenter(), **options)
    fast = Lark.open(parser.GRAMMAR_FILE, lexer=RuleLexer, **options)
    return reference, fast


def _tokens(lark: Lark, text: str, start: str = "start") -> tuple[list[tuple[str, str, int, int]], bool]:
    """The tokens the parser reads, up to the first error, and whether there was one."""
    tokens = []
    try:
        for token in lark.parse_interactive(text, start=start).iter_parse():
            tokens.append((token.type, str(token.value), token.line, token.column))
    except (UnexpectedInput, UnlexableInput, DedentError):
        return tokens, True
    return tokens, False


def _check_same(both: tuple[Lark, Lark], text: str, start: str = "start") -> list[tuple[str, str, int, int]]:
    """Text that parses gets the same tokens; text that does not fails in both, at the same token.

    Where Lark's lexer finds no terminal the parser accepts, it stops; the fast lexer
    hands over one token the parser then rejects.  Either way the error is reported
    through Lark's lexer.
    """
    reference, fast = both
    expected, reference_failed = _tokens(reference, text, start)
    found, fast_failed = _tokens(fast, text, start)
    assert fast_failed == reference_failed
    if reference_failed:
        assert found[: len(expected)] == expected and len(found) - len(expected) in (0, 1)
    else:
        assert found == expected
    return expected


@pytest.mark.parametrize("name", sorted(RULE_TEXTS))
def test_shipped_rule_files_lex_alike(both, name: str) -> None:
    text = RULE_TEXTS[name]
    tokens = _check_same(both, text)
    assert tokens[-1][2] >= text.rstrip().count("\n")  # read to the last line


def test_windows_line_ends_lex_alike(both) -> None:
    text = RULE_TEXTS["rules/national/arithmetic.rules"].replace("\n", "\r\n")
    tokens = _check_same(both, text)
    assert tokens[-1][2] >= text.rstrip().count("\n")


@pytest.mark.parametrize("index", range(len(DOC_EXAMPLES)))
def test_documented_examples_lex_alike(both, index: int) -> None:
    _check_same(both, 'pack doc.examples "文档示例"\n' + DOC_EXAMPLES[index])


def test_keywords_are_names_where_the_parser_wants_a_name(both) -> None:
    tokens = _check_same(both, 'rule A-1 "t"\n  expect t.values.count == description\n')
    words = [(kind, value) for kind, value, _, _ in tokens if value in ("values", "count", "description")]
    assert words == [("NAME", "values"), ("NAME", "count"), ("NAME", "description")]


def test_minus_is_unary_or_binary_by_context(both) -> None:
    tokens = _check_same(both, "-a - -1", start="expr")
    assert [kind for kind, *_ in tokens] == ["MINUS", "NAME", "ADD_OP", "MINUS", "NUMBER"]


def test_rule_ids_and_pack_names_only_where_expected(both) -> None:
    tokens = _check_same(both, 'pack cn.national "t"\nrule CN-TAB-001 "t"\n  expect CN-TAB\n')
    assert [(kind, value) for kind, value, _, _ in tokens if kind in ("PACK_NAME", "RULE_ID")] == [
        ("PACK_NAME", "cn.national"), ("RULE_ID", "CN-TAB-001")]
    assert ("NAME", "CN") in [(kind, value) for kind, value, _, _ in tokens]


def test_line_breaks_inside_brackets_and_escaped_line_ends(both) -> None:
    text = 'rule A-1 "t"\n  expect f(1,\n      2) == \\\n    [3,\n 4]\n  message "x"  # note\n'
    tokens = _check_same(both, text)
    assert ("NUMBER", "4", 5, 2) in tokens
    assert [kind for kind, *_ in tokens].count("_INDENT") == 1


def test_a_fragment_keeps_its_place_in_the_file(both) -> None:
    _, fast = both
    tokens, failed = _tokens(fast, Fragment.at("a.b + 1", 7, 20), start="expr")
    assert not failed
    assert tokens == [("NAME", "a", 7, 20), ("DOT", ".", 7, 21), ("NAME", "b", 7, 22),
                      ("ADD_OP", "+", 7, 24), ("NUMBER", "1", 7, 26)]


# Random rule text from pieces of the language, right and wrong: the lexers agree token for token.
_PIECES = st.sampled_from([
    "rule", "A-1", "CN-TAB-001", '"标题"', '"{x.y}"', "pack", "cn.national", "param", "let", "for", "in", "where",
    "expect", "message", "at", "related", "values", "when", "else", "severity", "error", "tags", "[", "]", "(",
    ")", ",", ".", ":", "=", "==", "!=", "<=", ">", "+", "-", "*", "/", "??", "~", "not", "and", "or", "exists",
    "missing", "contains", "matches", "within", "rounding", "any", "all", "none", "count", "true", "false", "if",
    "then", "t", "rows", "x1", "名称", "12", "3.50", "# note", "\\\n", "\f", " " * 30, "$", "＃", "!", '"unclosed',
])
_LINE = st.tuples(st.sampled_from(["", "  ", "    ", "\t"]), st.lists(_PIECES, min_size=1, max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=6))
def test_random_text_lexes_alike(both, lines) -> None:
    text = "".join(indent + " ".join(pieces) + "\n" for indent, pieces in lines)
    _check_same(both, text)
