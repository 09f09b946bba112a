"""Every kind of syntax and name error: message text, line, column and caret."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compliance.dsl import check_rule_files, load_rule_set
from compliance.dsl.parser import parse_text
from compliance.errors import RuleError
from compliance.findings import Outcome
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager

from dsl_support import PACK_HEADER, run_rules, write_rules

REPEATED_REPEAT = ("a repeated group that itself repeats (like (a+)+) can take exponential time; "
                   "rewrite the regular expression without it")
REPEATED_ALTERNATIVES = ("a group of alternatives that repeats (like (a|aa)+) can take exponential time; "
                         "rewrite the regular expression without it")

SYNTAX_CASES = [
    # Stopping where "x = 1" stops is not a reason to talk about "=": the label must fit what was found.
    ("stray character after an operand", 'rule A-1 "t"\n  expect a    $\n', 2, 15,
     "syntax error: unexpected character '$'; expected \"(\", \")\", \",\", \".\", \":\", \"??\", …",
     "  expect a    $\n              ^"),
    ("let without a value", 'rule A-1 "t"\n  let x\n', 2, 8,
     "syntax error: unexpected end of line; let binds a name with a single =, e.g. let total = sum(xs)",
     "  let x\n       ^"),
    # Sixty blanks before it: a lexer that backtracked over runs of blanks would not come back.
    ("stray character after many blanks", 'rule A-1 "t"\n  expect a' + " " * 60 + "＃ 注\n", 2, 71,
     "syntax error: unexpected character '＃'", "  expect a" + " " * 60 + "＃ 注\n" + " " * 70 + "^"),
    ("single = in a comparison", 'rule A-1 "t"\n  expect x = 1\n', 2, 12,
     "syntax error: unexpected '='; use == to compare; a single = only binds a name in let and param",
     "  expect x = 1\n           ^"),
    ("for line without colon", 'rule A-1 "t"\n  for table t where t.empty\n    expect true\n', 2, 28,
     "syntax error: unexpected end of line; a for line ends with a colon, e.g. `for table t where t.empty:`",
     "  for table t where t.empty\n                           ^"),
    ("lower-case rule id", 'rule cn-tab-001 "t"\n  expect true\n', 1, 6,
     "syntax error: unexpected 'cn'; a rule id is upper case words joined by hyphens, such as CN-TAB-001",
     'rule cn-tab-001 "t"\n     ^'),
    ("rule without title", 'rule CN-TAB-001 severity error\n  expect true\n', 1, 17,
     "syntax error: unexpected 'severity'; a rule id is followed by its title in quotes, "
     'e.g. rule CN-TAB-001 "公开表齐全"',
     "rule CN-TAB-001 severity error\n                ^"),
    ("unquoted message", 'rule A-1 "t"\n  expect true\n  message 缺少公开表\n', 3, 11,
     "syntax error: unexpected '缺少公开表'; a message is a quoted string, e.g. message \"缺少公开表「{name}」\"",
     "  message 缺少公开表\n          ^"),
    ("let with ==", 'rule A-1 "t"\n  let total == 1\n', 2, 14,
     "syntax error: unexpected '='; let binds a name with a single =, e.g. let total = sum(xs)",
     "  let total == 1\n             ^"),
    ("body not indented", 'rule A-1 "t"\nexpect true\n', 2, 1,
     "syntax error: unexpected 'expect'; a rule's body must be indented under its rule line",
     "expect true\n^"),
    ("inconsistent dedent", 'rule A-1 "t"\n    expect true\n  expect false\n', 3, 1,
     "inconsistent indentation: this line lines up with no enclosing block",
     "  expect false\n^"),
    ("stray character", 'rule A-1 "t"\n  expect a && b\n', 2, 12,
     "syntax error: unexpected character '&'",
     "  expect a && b\n           ^"),
    ("generic: expected in words", 'rule A-1 "t"\n  expect (a + )\n', 2, 15,
     "syntax error: unexpected ')'; expected \"(\", \"-\", \"[\", \"false\", \"true\", a name, …",
     "  expect (a + )\n              ^"),
    ("bad placeholder in a message", 'rule A-1 "t"\n  expect true\n  message "差 {a +} 元"\n', 3, 17,
     "syntax error in the message's {a +}: unexpected input at its column 3",
     '  message "差 {a +} 元"\n                 ^'),
]


@pytest.mark.parametrize("label, text, line, column, message, detail", SYNTAX_CASES, ids=[c[0] for c in SYNTAX_CASES])
def test_syntax_errors_say_where_and_what_in_words(label, text, line, column, message, detail) -> None:
    with pytest.raises(RuleError) as caught:
        parse_text(text, "demo.rules")
    error = caught.value
    assert (error.source, error.line, error.column) == ("demo.rules", line, column)
    assert error.message.startswith(message)
    assert error.detail == detail
    assert "_NL" not in str(error) and "__ANON" not in str(error) and "Token" not in str(error)


def test_mistakes_are_labelled_however_deeply_nested() -> None:
    text = 'rule A-1 "t"\n  for t in tables:\n    for r in t.rows\n      when r.label = "x"\n'
    with pytest.raises(RuleError, match="a for line ends with a colon"):
        parse_text(text, "demo.rules")
    text = 'rule A-1 "t"\n  for t in tables:\n    for r in t.rows:\n      when r.label = "x"\n'
    with pytest.raises(RuleError, match="use == to compare"):
        parse_text(text, "demo.rules")


NAME_CASES = [
    ("misspelt field", '  for table t:\n    expect t.titel exists\n', 3, 14,
     "unknown field 'titel' of a table (did you mean 'title'?)"),
    ("field through a tuple", '  for perf p:\n    expect sum(p.indicators.wieght) == 100\n', 3, 29,
     "unknown field 'wieght' of a indicator (did you mean 'weight'?)"),
    ("misspelt function", '  expect summ(tables.rows) == 1\n', 2, 10,
     "unknown function 'summ' (did you mean 'sum'?)"),
    ("misspelt param", '  expect 100 == weight_totl\n', 2, 17,
     "unknown name 'weight_totl' (did you mean 'weight_total'?)"),
    ("misspelt kind", '  for tabel t:\n    expect true\n', 2, 7,
     "unknown kind of element 'tabel' (did you mean 'table'?); known kinds: table, perf, fact, paragraph, "
     "section, indicator, row, column, cell"),
    ("misspelt method", '  for table t:\n    expect t.rwo("201") exists\n', 3, 14,
     "a table has no method 'rwo' (did you mean 'row'?)"),
    ("field of a number", '  expect weight_total.value == 1\n', 2, 23, "a number has no field 'value'"),
    ("unknown severity", '  expect true\n    severity eror\n', 2, 3,
     "unknown severity 'eror'; expected note, warning or error (did you mean 'error'?)"),
    ("catastrophic regular expression", '  for table t:\n    expect t.title matches "(表+)+$"\n', 3, 28,
     REPEATED_REPEAT),
    ("repeated alternatives", '  for table t:\n    expect t.title matches "(a|aa)+$"\n', 3, 28,
     REPEATED_ALTERNATIVES),
    ("counted alternatives", '  for table t:\n    expect t.title matches "^(?:收入|支出){1,2}表"\n', 3, 28,
     REPEATED_ALTERNATIVES),
    ("a repeat inside a repeated group, nested", '  for table t:\n    expect t.title matches "((表+)合计)+"\n', 3, 28,
     REPEATED_REPEAT),
    ("alternatives inside a repeated group, nested", '  for table t:\n    expect t.title matches "((a|ab)c)+"\n', 3, 28,
     REPEATED_ALTERNATIVES),
    ("a repeat of an optional", '  for table t:\n    expect t.title matches "(?:a?){24}a{24}"\n', 3, 28,
     REPEATED_REPEAT),
    ("nested repeats behind a lookahead", '  for table t:\n    expect t.title matches "x(?=(a+)+b)"\n', 3, 28,
     REPEATED_REPEAT),
    ("invalid regular expression", '  for table t:\n    expect t.title matches "(表"\n', 3, 28,
     "invalid regular expression: missing ), unterminated subpattern at position 0"),
]


@pytest.mark.parametrize("label, body, line, column, message", NAME_CASES, ids=[c[0] for c in NAME_CASES])
def test_name_errors_suggest_the_right_name(tmp_path: Path, label, body, line, column, message) -> None:
    text = PACK_HEADER + "param weight_total = 100\n" + 'rule A-1 "t"\n' + body
    text = text.replace('rule A-1 "t"\n', 'rule A-1 "t"\n', 1)
    path = write_rules(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rule_set([path])
    error = caught.value
    assert error.message == message
    # ``line`` counts from the rule line (1); the file has two lines above it.
    assert (error.line, error.column) == (line + 2, column)
    assert error.detail.splitlines()[0] == text.splitlines()[line + 1]


@pytest.mark.parametrize("pattern", ["^(收入|支出)表$", "(a\\\\|b)+", "(费)?", "^表\\\\d+$", "((收入)(支出))+",
                                     "(?:第[一二三]部分)?说明", "(x(?=a|ab))*", "(\\\\d{3},)+",
                                     "(\\\\w|\\\\d)*x"])
def test_safe_regular_expressions_are_accepted(tmp_path: Path, pattern: str) -> None:
    """Alternatives that do not repeat, an escaped bar, a repeat without alternatives, fixed counts
    inside a repeat, a choice inside a lookahead, and a choice of single characters (a set) all compile."""
    body = f'  for table t:\n    expect t.title matches "{pattern}"\n'
    path = write_rules(tmp_path, PACK_HEADER + 'rule A-1 "t"\n' + body)
    assert [rule.id for rule in load_rule_set([path]).rules] == ["A-1"]


def test_rule_severity_misspelt_on_the_rule_line(tmp_path: Path) -> None:
    path = write_rules(tmp_path, PACK_HEADER + 'rule A-1 "t" severity warnign\n  expect true\n')
    with pytest.raises(RuleError) as caught:
        load_rule_set([path])
    assert caught.value.message == "unknown severity 'warnign'; expected note, warning or error (did you mean 'warning'?)"
    assert (caught.value.line, caught.value.column) == (2, 23)


def test_duplicate_rule_ids_across_packs_name_both_places(tmp_path: Path) -> None:
    first = write_rules(tmp_path / "a", 'pack a.one "甲"\nrule CN-X-001 "t"\n  expect true\n')
    second = write_rules(tmp_path / "b", 'pack b.two "乙"\n\nrule CN-X-001 "t"\n  expect false\n')
    with pytest.raises(RuleError) as caught:
        load_rule_set([tmp_path / "a", tmp_path / "b"])
    error = caught.value
    assert error.message == f"duplicate rule id CN-X-001: also defined at {first}:2"
    assert (error.source, error.line, error.column) == (str(second), 3, 1)


def test_unknown_param_override_suggests_the_declared_one(tmp_path: Path) -> None:
    path = write_rules(tmp_path, PACK_HEADER + "param weight_total = 100\n")
    with pytest.raises(RuleError, match=r"unknown rule param 'wieght_total' \(did you mean 'weight_total'\?\)"):
        load_rule_set([path], params={"wieght_total": 90})
    with pytest.raises(RuleError, match=r"param 'test.pack.weight_total' must be a number \(its default is 100\)"):
        load_rule_set([path], params={"test.pack.weight_total": "ninety"})


def test_unknown_rule_id_in_a_selection_suggests_the_real_one(tmp_path: Path) -> None:
    path = write_rules(tmp_path, PACK_HEADER + 'rule CN-TAB-001 "t"\n  expect true\n')
    rule_set = load_rule_set([path])
    with pytest.raises(RuleError, match=r"unknown rule id 'CN-TAB-01' \(did you mean 'CN-TAB-001'\?\)"):
        rule_set.evaluate(None, rule_ids=["CN-TAB-01"])  # type: ignore[arg-type]


def test_check_reports_every_error_in_every_file(tmp_path: Path) -> None:
    write_rules(tmp_path, PACK_HEADER + 'rule A-1 "t"\n  expect x = 1\n', "one.rules")
    write_rules(tmp_path, 'rule B-1 "t"\n  expect tabels exists\nrule B-2 "t"\n  expect sum(1) == nope\n', "two.rules")
    errors = check_rule_files([tmp_path])
    assert [(e.source.rsplit("/", 1)[-1], e.line, e.message) for e in errors] == [
        ("one.rules", 3, "syntax error: unexpected '='; use == to compare; a single = only binds a name in let and param"),
        ("two.rules", 2, "unknown name 'tabels' (did you mean 'tables'?)"),
        ("two.rules", 4, "unknown name 'nope' (did you mean 'none'?)"),
    ]
    national = Path(__file__).parents[2] / "rules" / "national"
    assert check_rule_files([national], functions=hooks.dsl_functions(create_manager()[0])) == []


def test_a_missing_rule_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no such rule file or folder"):
        load_rule_set([tmp_path / "absent.rules"])


@pytest.mark.parametrize("expression", ["-" * 3000 + "1 == 1", "not " * 3000 + "true", "[" * 3000 + "]" * 3000 + " exists"])
def test_absurdly_deep_nesting_is_a_rule_error_not_a_crash(tmp_path: Path, expression: str) -> None:
    path = write_rules(tmp_path, PACK_HEADER + 'rule A-1 "t"\n  expect ' + expression + "\n")
    with pytest.raises(RuleError, match="nested too deeply") as caught:
        load_rule_set([path])
    assert (caught.value.line, caught.value.column) == (2, 1)


def test_a_param_nested_too_deeply_is_a_rule_error(tmp_path: Path) -> None:
    path = write_rules(tmp_path, PACK_HEADER + "param deep = " + "- " * 3000 + '1\nrule A-1 "t"\n  expect deep == 1\n')
    with pytest.raises(RuleError) as caught:
        load_rule_set([path])
    assert (caught.value.message, caught.value.line, caught.value.column) == ("param 'deep' is nested too deeply", 2, 1)


def test_a_deep_placeholder_in_two_messages_is_a_rule_error(tmp_path: Path) -> None:
    placeholder = "{" + "-" * 700 + "a}"
    text = f'rule A-1 "t"\n  expect x\n    message "{placeholder}"\n  expect y\n    message "{placeholder}"\n'
    with pytest.raises(RuleError) as caught:
        parse_text(text, "deep.rules")
    assert (caught.value.source, caught.value.message) == ("deep.rules", "expressions are nested too deeply")


def test_deeply_parenthesized_expression_is_just_its_content(tmp_path: Path) -> None:
    # The parser holds parentheses on its own stack, not Python's: they leave no node behind.
    results = run_rules(tmp_path, 'rule A-1 "t"\n  expect ' + "(" * 3000 + "1" + ")" * 3000 + " == 2 - 1\n", {})
    assert results["A-1"].outcome is Outcome.PASS


@pytest.mark.skipif(sys.version_info < (3, 11), reason="atomic groups are Python 3.11 syntax")
def test_nested_repeats_inside_an_atomic_group_are_refused(tmp_path: Path) -> None:
    body = '  for table t:\n    expect t.title matches "(?>((a+)b?)+c)"\n'
    with pytest.raises(RuleError) as caught:
        load_rule_set([write_rules(tmp_path, PACK_HEADER + 'rule A-1 "t"\n' + body)])
    assert caught.value.message.startswith("a repeated group that itself repeats")


def test_syntax_errors_in_several_threads_get_their_own_messages() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [label_text[1] for label_text in SYNTAX_CASES[:6]]

    def message(text: str) -> str:
        with pytest.raises(RuleError) as caught:
            parse_text(text, "demo.rules")
        return str(caught.value)

    alone = [message(text) for text in texts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(message, texts * 40))
    assert together == alone * 40


def test_a_layout_token_without_a_position_is_reported_where_the_text_ends() -> None:
    # Lark before 1.3 makes the _DEDENT that closes the text without a line or column; the
    # error then points just past the last character written, as later Lark does.
    from lark import Token
    from lark.exceptions import UnexpectedToken

    from compliance.dsl import parser
    from compliance.dsl.syntax_errors import syntax_error

    text = PACK_HEADER + '\nrule R-1 "括号"\n  expect (\n\n'
    error = syntax_error(UnexpectedToken(Token("_DEDENT", ""), {"RPAR"}), text, "x.rules", parser._reference_lark())
    assert str(error).splitlines()[:3] == [
        "x.rules:4:11: syntax error: unexpected a change of indentation; expected \")\"",
        "  expect (",
        "          ^",
    ]
