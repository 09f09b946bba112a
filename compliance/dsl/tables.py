"""Lark's LALR parse table for the rule grammar, kept as plain JSON data between runs.

Opening the grammar through Lark's own cache unpickles Lark's whole frontend
and rebuilds every state of the parse table, most of which the fast parser
never needs.  What it does need is data: for each parser state, what each
terminal or rule name does there (shift to a state, or reduce by a grammar
rule), how each grammar rule's children are shaped before its callback (the
same filtering and inlining as ``lark.parse_tree_builder``), and the terminal
definitions the lexer is built from.  :func:`extract` takes these from Lark's
analysis of the grammar; :func:`to_json` / :func:`from_json` store them; and
:class:`Tables` hands them back in the form Lark's LALR parser
(``lark.parsers.lalr_parser``) reads, so Lark's parser still does the parsing.

The stored form is JSON, not a pickle: reading it cannot run code.  A header
line names the grammar, the Lark and Python versions it was worked out with and
the SHA-256 of the data line below it, so a table from another version, a
truncated or altered file, or anything else that is not what :func:`to_json`
wrote raises :class:`TableFormatError`, and the caller works the table out again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from operator import itemgetter
from typing import Any, Callable

import lark
from lark import Lark
from lark.parsers.lalr_analysis import IntParseTable, Reduce, Shift

#: Changes when the stored form changes.
FORMAT = 2


class TableFormatError(ValueError):
    """The text is not a parse table written by :func:`to_json` for this grammar and Lark."""


class Symbol:
    """A rule's name, as Lark's parser reads it (``rule.origin.name``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class GrammarRule:
    """One grammar rule, as Lark's parser reduces by it: its name and how many symbols it spans.

    Compared and hashed by identity (Lark's ``Rule`` compares its symbols in
    Python, on every reduce); the parse table and the callbacks share the objects.
    """

    __slots__ = ("origin", "expansion", "callback", "expand1", "include")

    def __init__(self, origin: str, expansion: list[str], callback: str, expand1: bool,
                 include: list[tuple[int, bool]] | None) -> None:
        self.origin = Symbol(origin)
        self.expansion = expansion
        #: The transformer method for this rule: its alias, else its name.
        self.callback = callback
        #: A ``?rule`` with one child is that child.
        self.expand1 = expand1
        #: The children kept, and whether each is a ``_rule`` spliced in; None keeps them all as they are.
        self.include = include


class Pattern:
    """A terminal's pattern as the lexer reads it (the part of ``lark.lexer.Pattern`` it uses)."""

    __slots__ = ("type", "value", "regexp", "max_width")

    def __init__(self, type_: str, value: str, regexp: str, max_width: int) -> None:
        self.type, self.value, self.regexp, self.max_width = type_, value, regexp, max_width

    def to_regexp(self) -> str:
        return self.regexp


class Terminal:
    """A terminal definition (the part of ``lark.lexer.TerminalDef`` the lexer uses)."""

    __slots__ = ("name", "pattern", "priority")

    def __init__(self, name: str, pattern: Pattern, priority: int) -> None:
        self.name, self.pattern, self.priority = name, pattern, priority


class Tables:
    """The parse table, grammar rules and terminals of one grammar, ready for Lark's LALR parser."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.rules = [GrammarRule(origin, list(expansion), callback, bool(expand1),
                                  None if include is None else [(int(i), bool(x)) for i, x in include])
                      for origin, expansion, callback, expand1, include in data["rules"]]
        # A state is a flat list: a symbol's number in ``symbols``, its action's, and so on.  The
        # actions are shared tuples: shift to state i for i below the number of states, then
        # reduce by rule i.  Built by ``dict(zip(…))`` over ``map``s: no Python code per entry.
        # A number past the end of its list is an IndexError, one that is not a number a
        # TypeError; a negative one would count from the end, so it is refused here.
        symbols, states = [str(name) for name in data["symbols"]], data["states"]
        actions = [(Shift, i) for i in range(len(states))] + [(Reduce, rule) for rule in self.rules]
        parse_states = {}
        for i, state in enumerate(states):
            if min(state, default=0) < 0:
                raise TableFormatError(f"a negative number in state {i}")
            parse_states[i] = dict(zip(map(symbols.__getitem__, state[::2]), map(actions.__getitem__, state[1::2])))
        self.parse_table = IntParseTable(
            parse_states, _states(data["start"], len(states)), _states(data["end"], len(states)))
        self.terminals = [Terminal(name, Pattern(kind, value, regexp, int(width)), int(priority))
                          for name, kind, value, regexp, width, priority in data["terminals"]]
        self.ignore = [str(name) for name in data["ignore"]]

    def terminal(self, name: str) -> Terminal:
        return next(t for t in self.terminals if t.name == name)

    def callbacks(self, transformer: Any) -> dict[GrammarRule, Callable[[list], Any]]:
        """Each rule's reduce callback, shaped as ``lark.parse_tree_builder`` shapes it for LALR.

        The transformer's method named after the rule (else its ``__default__``),
        behind Lark's single-child expansion for ``?rule``, behind Lark's child
        filter (tokens the grammar drops, ``_rule`` children spliced in).  A
        ``_rule`` (Lark's own, for repetitions) is always spliced into its parent,
        so its callback is no tree, only the list of its children.
        """
        callbacks = {}
        for rule in self.rules:
            method = None
            if not rule.origin.name.startswith("_"):
                method = getattr(transformer, rule.callback, None) or _default(transformer.__default__, rule.callback)
                if rule.expand1:
                    # One symbol and nothing filtered: always one child, which is the value.
                    method = itemgetter(0) if len(rule.expansion) == 1 and rule.include is None \
                        else _expand_single_child(method)
            callbacks[rule] = _child_filter(rule.include, method)
        return callbacks


def _states(found: dict[str, Any], count: int) -> dict[str, int]:
    states = {str(start): int(state) for start, state in found.items()}
    if any(not 0 <= state < count for state in states.values()):
        raise TableFormatError("a start or end state out of range")
    return states


def _default(default: Callable[..., Any], name: str) -> Callable[[list], Any]:
    return lambda children: default(name, children, None)


def _expand_single_child(method: Callable[[list], Any]) -> Callable[[list], Any]:
    def expand(children: list) -> Any:  # lark.parse_tree_builder.ExpandSingleChild
        return children[0] if len(children) == 1 else method(children)
    return expand


def _child_filter(include: list[tuple[int, bool]] | None,
                  method: Callable[[list], Any] | None) -> Callable[[list], Any]:
    """``method`` of the children kept (``lark.parse_tree_builder.ChildFilterLALR_NoPlaceholders``).

    Without a method (a ``_rule``), the kept children themselves, as a list.
    """
    if include is None:
        return method or _children
    if not any(splice for _, splice in include):
        kept = [i for i, _ in include]
        if method is None:
            return lambda children: [children[i] for i in kept]
        return lambda children: method([children[i] for i in kept])

    def filtered(children: list) -> Any:
        result: list = []
        for i, splice in include:
            if splice:  # a _rule's children, which its callback returned as a list
                if result:
                    result += children[i]
                else:  # as Lark does: the first spliced list is reused, for left recursion
                    result = children[i]
            else:
                result.append(children[i])
        return result if method is None else method(result)
    return filtered


def _children(children: list) -> list:
    return children


# ---- from Lark's analysis, to and from JSON ----------------------------------------------


def extract(parser: Lark) -> dict[str, Any]:
    """The data :class:`Tables` needs, from a Lark LALR parser built (not loaded from a cache) for the grammar."""
    table = parser.parser.parser._parse_table
    rules = list(parser.rules)
    index = {rule: i for i, rule in enumerate(rules)}
    count = len(table.states)
    symbols = sorted({name for i in range(count) for name in table.states[i]})
    number = {name: i for i, name in enumerate(symbols)}

    def state(actions: dict[str, tuple]) -> list[int]:
        flat = []
        for name, (kind, arg) in actions.items():
            flat += [number[name], arg if kind is Shift else count + index[arg]]
        return flat

    return {
        "rules": [_rule_data(rule) for rule in rules],
        "symbols": symbols,
        "states": [state(table.states[i]) for i in range(count)],
        "start": dict(table.start_states),
        "end": dict(table.end_states),
        "terminals": [[t.name, t.pattern.type, t.pattern.value, t.pattern.to_regexp(), t.pattern.max_width,
                       t.priority] for t in parser.lexer_conf.terminals],
        "ignore": list(parser.lexer_conf.ignore),
    }


def _rule_data(rule: Any) -> list:
    """A rule's shape as ``lark.parse_tree_builder`` works it out for LALR without placeholders."""
    keep_all = rule.options.keep_all_tokens
    include = [(i, not sym.is_term and sym.name.startswith("_")) for i, sym in enumerate(rule.expansion)
               if keep_all or not (sym.is_term and sym.filter_out)]
    filtering = len(include) < len(rule.expansion) or any(splice for _, splice in include)
    return [rule.origin.name, [sym.name for sym in rule.expansion],
            rule.alias or rule.options.template_source or rule.origin.name,
            bool(rule.options.expand1 and not rule.alias), include if filtering else None]


def to_json(data: dict[str, Any], grammar: str) -> str:
    """A header line (what the table was worked out for, and the data's digest), then the data line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    header = dict(_made_for(grammar), sha256=_digest(payload))
    return json.dumps(header, separators=(",", ":")) + "\n" + payload


def from_json(text: str, grammar: str) -> Tables:
    """The tables :func:`to_json` wrote for ``grammar`` with this Lark; :class:`TableFormatError` for anything else."""
    header_line, _, payload = text.partition("\n")
    try:
        header = json.loads(header_line)
        if not isinstance(header, dict) or {k: header.get(k) for k in _made_for(grammar)} != _made_for(grammar):
            raise TableFormatError("written for another grammar, Lark or Python")
        if header.get("sha256") != _digest(payload):
            raise TableFormatError("the data does not match its digest")
        return Tables(json.loads(payload))
    except TableFormatError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise TableFormatError(str(exc) or type(exc).__name__) from exc


def _made_for(grammar: str) -> dict[str, Any]:
    return {"format": FORMAT, "grammar": grammar, "lark": lark.__version__, "python": list(sys.version_info[:2])}


def _digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


__all__ = ["GrammarRule", "TableFormatError", "Tables", "extract", "from_json", "to_json"]
