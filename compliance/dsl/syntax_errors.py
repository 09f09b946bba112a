"""Syntax errors in words: what was found, what was expected, and labels for common mistakes.

Lark's exceptions are turned into :class:`RuleError` here; their token names
never reach the user ("end of line", not ``_NL``).
"""

from __future__ import annotations

import functools

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from compliance.dsl.errors import rule_error
from compliance.errors import RuleError


#: How terminals read in "expected …" messages.
_TERMINAL_WORDS = {
    "_NL": "end of line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "end of file",
    "NAME": "a name",
    "STRING": 'a quoted string ("…")',
    "NUMBER": "a number",
    "RULE_ID": "a rule id such as CN-TAB-001",
    "PACK_NAME": "a pack name such as cn.national",
    "COMP_OP": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "QUANT": "any, all, none or count",
    "LPAR": '"("',
    "RPAR": '")"',
    "LSQB": '"["',
    "RSQB": '"]"',
}

USE_DOUBLE_EQUALS = "use == to compare; a single = only binds a name in let and param"
FOR_NEEDS_COLON = "a for line ends with a colon, e.g. `for table t where t.empty:`"
LET_SINGLE_EQUALS = "let binds a name with a single =, e.g. let total = sum(xs)"

#: Common mistakes, each with examples that make the parser fail in the same state.
_MISTAKES: dict[str, list[str]] = {
    USE_DOUBLE_EQUALS: [
        "rule A-1 \"t\"\n  expect x = 1\n",
        "rule A-1 \"t\"\n  for t in tables where t.number = \"1\":\n    expect true\n",
        "rule A-1 \"t\"\n  when x = 1\n",
        "rule A-1 \"t\"\n  expect t.x = 1\n",
        "rule A-1 \"t\"\n  when t.x = 1\n",
        "rule A-1 \"t\"\n  expect f(x) = 1\n",
        "rule A-1 \"t\"\n  expect \"a\" = 1\n",
        "rule A-1 \"t\"\n  expect 1 = 1\n",
    ],
    FOR_NEEDS_COLON: [
        "rule A-1 \"t\"\n  for t in tables\n    expect true\n",
        "rule A-1 \"t\"\n  for table t\n    expect true\n",
        "rule A-1 \"t\"\n  for table t where t.empty\n    expect true\n",
        "rule A-1 \"t\"\n  for t in x.rows\n    expect true\n",
        "rule A-1 \"t\"\n  for row r in t\n    expect true\n",
    ],
    "a rule id is upper case words joined by hyphens, such as CN-TAB-001": [
        "rule cn-tab-001 \"t\"\n  expect true\n",
        "rule CNTAB \"t\"\n  expect true\n",
        "rule 1 \"t\"\n  expect true\n",
    ],
    "a rule id is followed by its title in quotes, e.g. rule CN-TAB-001 \"公开表齐全\"": [
        "rule A-1 severity error\n  expect true\n",
        "rule A-1\n  expect true\n",
        "rule A-1 公开表\n  expect true\n",
    ],
    "a message is a quoted string, e.g. message \"缺少公开表「{name}」\"": [
        "rule A-1 \"t\"\n  expect true\n  message 缺少\n",
        "rule A-1 \"t\"\n  expect true\n  message x\n",
    ],
    LET_SINGLE_EQUALS: [
        "rule A-1 \"t\"\n  let x == 1\n",
        "rule A-1 \"t\"\n  let x\n",
    ],
    "a rule's body must be indented under its rule line": [
        "rule A-1 \"t\"\nexpect true\n",
    ],
}


def _with_context(examples: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each example also after another declaration and inside a loop: LALR states differ there."""
    out: dict[str, list[str]] = {}
    for label, texts in examples.items():
        variants = list(texts)
        for text in texts:
            variants.append("param z = 1\n" + text)
            head, _, body = text.partition("\n")
            if body.startswith("  ") and not body.startswith("  for"):
                nested = "\n".join("  " + line if line else line for line in body.split("\n"))
                variants.append(f"{head}\n  for z in zs:\n{nested}")
                variants.append(f"param z = 1\n{head}\n  for z in zs:\n{nested}")
        out[label] = variants
    return out


_MISTAKE_EXAMPLES = _with_context(_MISTAKES)


#: What the parser must have stopped at for a mistake's label to apply; other labels apply to anything.
_FOUND_FOR_LABEL: dict[str, frozenset[str]] = {
    USE_DOUBLE_EQUALS: frozenset({"'='"}),
    LET_SINGLE_EQUALS: frozenset({"'='", "end of line"}),
    FOR_NEEDS_COLON: frozenset({"end of line"}),
}


def _label_by_line(text: str, line: int, found: str) -> str | None:
    """Labels for mistakes whose parser state depends on the context (nesting) they occur in."""
    lines = text.splitlines()
    words = lines[line - 1].split() if 1 <= line <= len(lines) else []
    first = words[0] if words else ""
    if found == "'='":
        return LET_SINGLE_EQUALS if first in ("let", "param") else USE_DOUBLE_EQUALS
    if found == "end of line" and first == "for":
        return FOR_NEEDS_COLON
    return None


def _label_fits(label: str, found: str) -> bool:
    """Whether the parser stopped at what the label is about (a state can match an example by chance)."""
    return found in _FOUND_FOR_LABEL.get(label, frozenset({found}))


def _expected_words(lark: Lark, expected: set[str] | frozenset[str]) -> str:
    words: set[str] = set()
    for name in expected:
        if name in _TERMINAL_WORDS:
            words.add(_TERMINAL_WORDS[name])
            continue
        try:
            pattern = lark.get_terminal(name).pattern
        except KeyError:
            words.add(name.lower())
            continue
        words.add(f'"{pattern.value}"' if pattern.type == "str" else name.lower())
    ordered = sorted(words)
    if len(ordered) > 6:
        ordered = ordered[:6] + ["…"]
    return ", ".join(ordered)


def _describe_token(token: Token) -> str:
    if token.type == "_NL":
        return "end of line"
    if token.type in ("_INDENT", "_DEDENT"):
        return "a change of indentation"
    if token.type == "$END":
        return "end of file"
    return f"{token.value!r}"


def syntax_error(exc: UnexpectedInput, text: str, source: str, lark: Lark) -> RuleError:
    """The user-facing error for a Lark parse failure of ``text``."""
    label = None
    try:
        label = exc.match_examples(functools.partial(lark.parse, start="start"), _MISTAKE_EXAMPLES, use_accepts=True)
    except Exception:  # noqa: BLE001 - a label is a nicety; fall back to the generic message
        label = None
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END" or isinstance(exc, UnexpectedEOF):
        line = text.count("\n") + 1
        column = 1
        found = "end of file"
        expected = getattr(exc, "expected", ()) or getattr(exc, "accepts", ())
    elif isinstance(exc, UnexpectedToken):
        line, column = exc.line, exc.column
        found = _describe_token(exc.token)
        if exc.token.type == "_NL":
            # A newline token starts at the end of the line it closes.
            line, column = exc.token.line, exc.token.column
        if line is None:
            # Lark before 1.3 makes the layout tokens that close the text without a position:
            # they stand where the text's last line ends, where later Lark puts them.
            line, column = _end_of_text(text)
        expected = exc.accepts or exc.expected
    else:
        assert isinstance(exc, UnexpectedCharacters)
        line, column = exc.line, exc.column
        char = text.splitlines()[line - 1][column - 1 : column] if line <= len(text.splitlines()) else ""
        found = f"character {char!r}"
        expected = exc.allowed or set()
    if label and not _label_fits(label, found):
        label = None  # the parser state matched an example, but what is wrong here is something else
    if not label:
        label = _label_by_line(text, line, found)
    message = f"syntax error: unexpected {found}"
    if label:
        message += f"; {label}"
    elif expected:
        message += f"; expected {_expected_words(lark, expected)}"
    return rule_error(message, source=source, text=text, line=line, column=column)




def _end_of_text(text: str) -> tuple[int, int]:
    """The line and column just after the last character of the last line that is not blank."""
    lines = text.splitlines()
    for number in range(len(lines), 0, -1):
        if lines[number - 1].strip():
            return number, len(lines[number - 1].rstrip()) + 1
    return 1, 1


def dedent_line(text: str) -> int:
    """Find the first line whose indentation matches no open block (Lark does not say which)."""
    stack = [0]
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line.expandtabs(4)) - len(stripped.expandtabs(4))
        if indent > stack[-1]:
            stack.append(indent)
            continue
        while indent < stack[-1]:
            stack.pop()
        if indent != stack[-1]:
            return number
    return 1
