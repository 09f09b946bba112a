"""The rule language's lexer: one regex pass, with keywords and indentation resolved as Lark would.

Lark's contextual lexer and its ``Indenter`` post-lexer define how rule text
becomes tokens, and they stay the reference: syntax errors are still reported
through them (see :mod:`compliance.dsl.parser`).  On the way to a successful
parse, though, they spend most of the time of loading a rule set, so this
lexer produces the same tokens faster:

* the terminal patterns come from the grammar itself (Lark's ``lexer_conf``, or
  the terminal definitions stored with the parse table, :mod:`compliance.dsl.tables`);
* one master regex splits the text into lexemes whose class is fixed by their
  first character: blanks, line breaks and comments, strings, numbers, words
  and operators;
* where several terminals could match (a keyword or a name, ``-`` as minus or
  as an operator, ``=`` or ``==``), the one the parser accepts in its current
  state wins, in Lark's order of precedence: exactly what the contextual lexer
  does, at the price of a dict lookup;
* indentation becomes ``_INDENT``/``_DEDENT`` tokens as ``lark.indenter``
  makes them, ignoring line breaks inside brackets.

Where no terminal the parser accepts matches, this lexer hands over a token
the parser rejects, or raises :class:`UnlexableInput` for a character no
terminal starts with; either way the caller asks Lark's own lexer for the
error message.  The terminals' patterns come from the grammar; their roles
(layout, string, number, word, operator) are named here, and a terminal of
another kind makes the lexer refuse the grammar.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Protocol, Sequence

from lark.indenter import DedentError
from lark.lexer import Lexer

#: Terminal names the grammar uses for layout, brackets and words (Lark's indenter is set up from these too).
NL, INDENT, DEDENT, NAME = "_NL", "_INDENT", "_DEDENT", "NAME"
OPEN_BRACKETS = frozenset(("LPAR", "LSQB"))
CLOSE_BRACKETS = frozenset(("RPAR", "RSQB"))
#: Columns a tab counts for, as in ``lark.indenter.Indenter.tab_len``.
TAB_LEN = 4
#: Word-shaped terminals other than keywords, tried before NAME where the parser accepts them:
#: some match whole words only (``any``), some run on past a word (``cn.national``, ``CN-TAB-001``).
_WHOLE_WORDS = ("QUANT",)
_LONG_WORDS = ("PACK_NAME", "RULE_ID")


class Tok:
    """A token as Lark's parser needs it; lighter than ``lark.Token``, which is a ``str``."""

    __slots__ = ("type", "value", "line", "column", "start_pos")

    def __init__(self, type_: str, value: str, line: int, column: int, start_pos: int) -> None:
        self.type = type_
        self.value = value
        self.line = line
        self.column = column
        self.start_pos = start_pos

    # Lark borrows these for the tokens it makes at the end of input.
    @property
    def end_line(self) -> int:
        return self.line + self.value.count("\n")

    @property
    def end_column(self) -> int:
        return self.column + len(self.value)

    @property
    def end_pos(self) -> int:
        return self.start_pos + len(self.value)

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Tok({self.type!r}, {self.value!r}, {self.line}, {self.column})"


class Fragment(str):
    """Rule text that starts at ``line``/``column`` of its file: a ``{…}`` in a message."""

    line: int = 1
    column: int = 1

    @classmethod
    def at(cls, text: str, line: int, column: int) -> "Fragment":
        fragment = cls(text)
        fragment.line, fragment.column = line, column
        return fragment


class UnlexableInput(Exception):
    """Raised for a character no terminal starts with; the caller reports it through Lark."""


class Terminals(Protocol):
    """What the lexer is built from: Lark's ``LexerConf``, or the stored :class:`~compliance.dsl.tables.Tables`."""

    terminals: Sequence[Any]
    ignore: Sequence[str]


class RuleLexer(Lexer):
    """Lark's custom-lexer interface: built once per grammar from its terminal definitions."""

    __future_interface__ = True  # lex(lexer_state, parser_state): the parser state tells what it accepts

    def __init__(self, conf: Terminals) -> None:
        terminals = sorted(conf.terminals, key=_lark_order)
        patterns = {t.name: t.pattern for t in terminals}
        word = re.compile(patterns[NAME].to_regexp())
        keywords = {t.pattern.value: t.name for t in terminals
                    if t.pattern.type == "str" and word.fullmatch(t.pattern.value)}
        operators = [t for t in terminals if t.name not in keywords.values()
                     and t.name not in (NL, NAME, "STRING", "NUMBER", *_WHOLE_WORDS, *_LONG_WORDS, *conf.ignore)]
        self.keywords = keywords
        self.whole_words = [(t.name, re.compile(t.pattern.to_regexp())) for t in terminals if t.name in _WHOLE_WORDS]
        self.long_words = [(t.name, re.compile(t.pattern.to_regexp())) for t in terminals if t.name in _LONG_WORDS]
        self.keyword_order = [(t.pattern.value, t.name) for t in terminals if t.name in keywords.values()]
        self.operators = _operator_candidates(operators)
        self.operator_width = max(t.pattern.max_width for t in operators)
        # What a word or an operator is in a parser state depends on nothing else (but for pack
        # names and rule ids, which run on past the word): decided once, then looked up.
        self.decided: dict[tuple[int, str], tuple[str, str]] = {}
        self.table: Any = None
        self.long_word_states: frozenset[int] = frozenset()
        # One run of blanks in front of a token is part of its match: one match per token.  It
        # is optional, not repeated: a repeated run of repeats ((?:[ \t]+)*) backtracks
        # exponentially before a character nothing lexes.  Anything else ignored (an escaped
        # line end, a second kind of blank) is a match of its own, to count lines.
        ignored = [patterns[name] for name in conf.ignore]
        blank = next((p.to_regexp() for p in ignored if not _spans_lines(p)), "(?!)")
        skips = [p.to_regexp() for p in ignored if p.to_regexp() != blank]
        self.master = re.compile(
            f"(?:{blank})?(?:(?P<skip>{'|'.join(skips) or '(?!)'})|(?P<nl>{patterns[NL].to_regexp()})"
            f"|(?P<string>{patterns['STRING'].to_regexp()})|(?P<number>{patterns['NUMBER'].to_regexp()})"
            f"|(?P<word>{word.pattern})|(?P<op>{'|'.join(_op_regexps(operators))})|(?P<end>\\Z))"
        )

    # ---- the token stream -------------------------------------------------------

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Tok]:
        text = lexer_state.text
        text = getattr(text, "text", text)  # Lark >= 1.3 hands over a TextSlice
        line, line_start = getattr(text, "line", 1), 1 - getattr(text, "column", 1)
        states = parser_state.parse_conf.states
        if states is not self.table:
            self.long_word_states = frozenset(
                state for state, accepts in states.items() if any(name in accepts for name, _ in self.long_words))
            self.decided, self.table = {}, states
        decided, long_word_states, width = self.decided, self.long_word_states, self.operator_width
        stack = parser_state.state_stack
        match_at, length = self.master.match, len(text)
        indents, brackets = [0], 0
        pos = 0
        last: Tok | None = None
        while pos < length:
            found = match_at(text, pos)
            if found is None:
                raise UnlexableInput(text[pos])
            kind = found.lastgroup
            start, pos = found.span(kind)
            # Commonest first: words, operators, line ends; then strings and numbers.
            if kind == "word":
                value, state = text[start:pos], stack[-1]
                if state in long_word_states:
                    type_, value = self._word(text, start, value, states[state])
                else:
                    known = decided.get((state, value))
                    if known is None:
                        known = self._word(text, start, value, states[state])
                        _remember(decided, (state, value), known)
                    type_, value = known
                pos = start + len(value)
            elif kind == "op":
                state, ahead = stack[-1], text[start : start + width]
                known = decided.get((state, ahead))
                if known is None:
                    known = self._operator(text, start, states[state])
                    _remember(decided, (state, ahead), known)
                type_, value = known
                pos = start + len(value)
                if type_ in OPEN_BRACKETS:
                    brackets += 1
                elif type_ in CLOSE_BRACKETS and brackets:
                    brackets -= 1
            elif kind == "nl":
                value = text[start:pos]
                token = Tok(NL, value, line, start - line_start + 1, start)
                if "\n" in value:
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
                last = token
                if brackets:
                    continue  # Lark's indenter, too, places the closing dedents after it
                yield token
                # Most lines are as indented as the one before: no _INDENT or _DEDENT to make.
                indent_str = value[value.rindex("\n") + 1 :] if "\n" in value else ""
                if indent_str.count(" ") + indent_str.count("\t") * TAB_LEN != indents[-1]:  # as _indentation counts
                    yield from _indentation(token, indents)
                continue
            elif kind == "string" or kind == "number":
                type_, value = ("STRING" if kind == "string" else "NUMBER"), text[start:pos]
            elif kind == "skip":
                if "\n" in text[start:pos]:
                    line += text.count("\n", start, pos)
                    line_start = text.rindex("\n", start, pos) + 1
                continue
            else:  # the end, after trailing blanks
                break
            last = Tok(type_, value, line, start - line_start + 1, start)
            yield last
        while len(indents) > 1:
            indents.pop()
            yield _borrow(DEDENT, "", last)

    def _word(self, text: str, pos: int, word: str, accepts: dict) -> tuple[str, str]:
        """A word's terminal: the first in Lark's order that the parser accepts here."""
        for name, pattern in self.long_words:  # a pack name or rule id, where one is expected
            if name in accepts:
                found = pattern.match(text, pos)
                if found:
                    value = found.group()
                    keyword = self.keywords.get(value)
                    return (keyword if keyword in accepts else name), value
        for name, pattern in self.whole_words:  # a quantifier word (any, count), where one may stand
            if name in accepts and pattern.fullmatch(word):
                return name, word
        keyword = self.keywords.get(word)
        if keyword is not None and keyword in accepts:
            return keyword, word
        if NAME in accepts:
            return NAME, word
        # Not a name here: Lark's per-state lexer would try the keywords as plain strings.
        for string, name in self.keyword_order:
            if name in accepts and word.startswith(string):
                return name, string
        return (keyword or NAME), word

    def _operator(self, text: str, pos: int, accepts: dict) -> tuple[str, str]:
        candidates = self.operators[text[pos]]
        for name, pattern in candidates:
            if name in accepts:
                found = pattern.match(text, pos)
                if found:
                    return name, found.group()
        # Nothing acceptable here: the first that matches, for the parser to reject.
        for name, pattern in candidates:
            found = pattern.match(text, pos)
            if found:
                return name, found.group()
        raise UnlexableInput(text[pos])


#: Entries a lexer keeps of what it decided; a long-running process reading ever new rules starts over.
_MEMORY = 50_000


def _remember(decided: dict, key: Any, value: Any) -> None:
    if len(decided) >= _MEMORY:
        decided.clear()
    decided[key] = value


def _spans_lines(pattern: Any) -> bool:
    return "\n" in pattern.value or "\\n" in pattern.value


def _lark_order(terminal: Any) -> tuple:
    """The order Lark's lexers try terminals in (``lark.lexer.BasicLexer``)."""
    return (-terminal.priority, -terminal.pattern.max_width, -len(terminal.pattern.value), terminal.name)


def _op_regexps(operators: list) -> list[str]:
    return [t.pattern.to_regexp() for t in operators]


def _operator_candidates(operators: list) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """For each character an operator can start with, the terminals that may match there, in Lark's order.

    Every terminal this lexer does not know by role is taken for an operator, which
    must start with ASCII punctuation: a grammar that adds another kind of terminal
    is refused here, not lexed wrongly.
    """
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for terminal in operators:
        pattern = re.compile(terminal.pattern.to_regexp())
        firsts = terminal.pattern.value[:1] if terminal.pattern.type == "str" else _first_chars(pattern)
        if not firsts or any(char not in _PUNCTUATION for char in firsts):
            raise ValueError(f"the rule lexer cannot lex terminal {terminal.name} ({terminal.pattern.value!r}): "
                             "teach compliance/dsl/lexer.py its role")
        for char in firsts:
            table.setdefault(char, []).append((terminal.name, pattern))
    return table


_PUNCTUATION = [c for c in map(chr, range(33, 127)) if not c.isalnum()]


def _first_chars(pattern: re.Pattern[str]) -> set[str]:
    """The ASCII punctuation a regex operator can start with (the grammar's are one or two of it, like ``<=``).

    A second character is one the pattern names: tried with those only.
    """
    named = [d for d in _PUNCTUATION if d in pattern.pattern]
    return {c for c in _PUNCTUATION if pattern.match(c) or any(pattern.match(c + d) for d in named)}


def _indentation(token: Tok, indents: list[int]) -> Iterator[Tok]:
    """``_INDENT``/``_DEDENT`` after a line break, as ``lark.indenter.Indenter.handle_NL`` makes them."""
    indent_str = token.value.rsplit("\n", 1)[1] if "\n" in token.value else ""
    indent = indent_str.count(" ") + indent_str.count("\t") * TAB_LEN
    if indent > indents[-1]:
        indents.append(indent)
        yield _borrow(INDENT, indent_str, token)
        return
    while indent < indents[-1]:
        indents.pop()
        yield _borrow(DEDENT, indent_str, token)
    if indent != indents[-1]:
        raise DedentError(f"Unexpected dedent to column {indent}. Expected dedent to {indents[-1]}")


def _borrow(type_: str, value: str, token: Tok | None) -> Tok:
    if token is None:
        return Tok(type_, value, 1, 1, 0)
    return Tok(type_, value, token.line, token.column, token.start_pos)


__all__ = ["Fragment", "RuleLexer", "Tok", "UnlexableInput"]
