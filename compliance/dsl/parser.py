"""Parse rule files into the frozen AST; Lark is used here, in the lexer and in syntax_errors only.

The grammar (``grammar.lark``, beside this file) is built lazily, twice over:

* the *fast* parser, for rule text that parses: Lark's LALR parser
  (``lark.parsers.lalr_parser``) fed by :class:`~compliance.dsl.lexer.RuleLexer`,
  building AST nodes directly in the parser's reduce callbacks (no parse tree
  in between).  Its parse table is Lark's analysis of the grammar, kept between
  runs as plain data (:mod:`compliance.dsl.tables`), not through Lark's frontend;
* the *reference* parser, only when text fails to parse: Lark's own contextual
  lexer and ``Indenter``, whose exceptions :mod:`compliance.dsl.syntax_errors`
  turns into a :class:`RuleError` with the file, line, column, the offending
  line with a caret, and what was expected in words.

Both use the same grammar and parse table, and the fast lexer makes the same
tokens as the reference one (tests compare them), so they accept the same text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from lark import Lark, Token
from lark.exceptions import UnexpectedInput
from lark.indenter import DedentError, Indenter
from lark.parsers.lalr_parser import _Parser as LalrParser

from compliance.dsl import ast, lexer, tables
from compliance.dsl.cache import owned_by_me, private_cache_dir, write_atomically
from compliance.dsl.errors import rule_error
from compliance.dsl.lexer import Fragment, RuleLexer, Tok, UnlexableInput
from compliance.dsl.syntax_errors import dedent_line, syntax_error
from compliance.errors import RuleError

GRAMMAR_FILE = "grammar.lark"
#: What the fast parser raises for text that does not parse; the reference parser then says why.
_PARSE_FAILURES = (UnexpectedInput, UnlexableInput, DedentError)


class _RuleIndenter(Indenter):
    """The reference parser's indentation, set up as the fast lexer's is."""

    NL_type = lexer.NL
    OPEN_PAREN_types = sorted(lexer.OPEN_BRACKETS)
    CLOSE_PAREN_types = sorted(lexer.CLOSE_BRACKETS)
    INDENT_type = lexer.INDENT
    DEDENT_type = lexer.DEDENT
    tab_len = lexer.TAB_LEN


_OPTIONS: dict[str, Any] = dict(rel_to=__file__, parser="lalr", maybe_placeholders=False, start=["start", "expr"])


class _FastParser:
    """Lark's LALR parser over the stored parse table, its tokens from :class:`RuleLexer`."""

    def __init__(self, grammar: tables.Tables) -> None:
        self.tables = grammar
        self.lexer = RuleLexer(grammar)  # a lexer configuration: the terminals and what is ignored
        self.parser = LalrParser(grammar.parse_table, grammar.callbacks(_BUILD))

    def parse(self, text: str, start: str = "start") -> Any:
        return self.parser.parse(_TokenFeed(self.lexer, text), start)


class _TokenFeed:
    """What Lark's parser reads tokens from (its ``LexerThread``): the lexer, over one text."""

    __slots__ = ("lexer", "text")
    #: The token class Lark makes its own tokens with (an error's list of expected tokens, say).
    _Token = Token

    def __init__(self, rule_lexer: RuleLexer, text: str) -> None:
        self.lexer, self.text = rule_lexer, text

    def lex(self, parser_state: Any) -> Any:
        return self.lexer.lex(self, parser_state)


@functools.lru_cache(maxsize=None)
def _fast_parser() -> _FastParser:
    """The fast parser; its reduce callbacks are :class:`_Build`'s methods."""
    stored = _stored_tables()
    if stored is not None:
        try:
            return _FastParser(stored)
        except Exception:  # noqa: BLE001 - a stored table that makes no parser is worked out again
            pass
    return _FastParser(_fresh_tables())


@functools.lru_cache(maxsize=None)
def _reference_lark() -> Lark:
    """Lark's own lexer and indenter: the parser whose errors are reported."""
    return _open_grammar("reference", postlex=_RuleIndenter())


def _open_grammar(kind: str, **options: Any) -> Lark:
    # Lark stores its grammar analysis beside our AST cache (it checks the grammar's hash
    # itself, and rebuilds on a corrupt or unwritable file).
    cache = _grammar_cache_file(kind)
    if cache is not None:
        try:
            return Lark.open(GRAMMAR_FILE, cache=cache, **_OPTIONS, **options)
        except Exception:  # noqa: BLE001 - a cache problem must never stop parsing
            pass
    return Lark.open(GRAMMAR_FILE, **_OPTIONS, **options)


def _stored_tables() -> tables.Tables | None:
    """The fast parser's tables as stored in the cache folder; None when missing or not as written."""
    target = _grammar_cache_file("fast")
    if target is None:
        return None
    try:
        with open(target, encoding="utf-8") as handle:
            if owned_by_me(handle.fileno()):
                return tables.from_json(handle.read(), grammar_hash())
    except (OSError, UnicodeDecodeError, tables.TableFormatError):
        pass
    return None


def _fresh_tables() -> tables.Tables:
    """The fast parser's tables worked out by Lark, and stored in the cache folder for the next run."""
    data = tables.extract(Lark.open(GRAMMAR_FILE, **_OPTIONS, lexer=RuleLexer))
    target = _grammar_cache_file("fast")
    if target is not None:
        write_atomically(Path(target), tables.to_json(data, grammar_hash()))
    return tables.Tables(data)


def _grammar_cache_file(kind: str = "fast") -> str | None:
    """The grammar analysis for parser ``kind``, kept only in a private cache folder, else not at all.

    The fast parser's is JSON data (:mod:`compliance.dsl.tables`); the reference
    parser's is Lark's own cache, a pickle, which loading a file from anywhere else could run.
    """
    folder = private_cache_dir()
    if folder is None:
        return None
    return str(folder / f"grammar-{kind}-{grammar_hash()}.lark-cache")


@functools.lru_cache(maxsize=None)
def grammar_hash() -> str:
    """A hash of the grammar text and the modules that read it, so a cached AST from another version is not reused."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in (GRAMMAR_FILE, "parser.py", "lexer.py", "tables.py", "ast.py", "ast_json.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


# ---- reduce callbacks → AST ------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_ESCAPE = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _unquote(token: Tok) -> str:
    return _unescape(token.value[1:-1])


def _at(token: Tok) -> dict[str, int]:
    return {"line": token.line, "column": token.column}


def _decls(items: list) -> list:
    """The children that are not tokens: what a ``!`` rule has besides its keywords."""
    return [item for item in items if not isinstance(item, Tok)]


class _Context(threading.local):
    """The file being parsed, for rule sources and error messages; one per thread."""

    def __init__(self) -> None:
        self.text = ""
        self.lines: list[str] = []
        self.source = "<rules>"
        #: Where a node's text starts, for nodes whose position is elsewhere (an operator, a field
        #: name, a parenthesis before it).  Keyed by ``id``: every node is alive until the parse ends.
        self.starts: dict[int, tuple[int, int]] = {}


class _Build:
    """Lark's reduce callbacks: each gets the children of one grammar rule and returns an AST node.

    A node's ``line``/``column`` is where its text starts (its keyword, its first
    operand), except an operator's (the operator), a field's or method's (its
    name) and an index's (its ``[``), which say where the mistake a person looks for is.
    """

    def __init__(self) -> None:
        self.context = _Context()

    def _start(self, item: Any) -> dict[str, int]:
        if isinstance(item, Tok):
            return _at(item)
        known = self.context.starts.get(id(item))
        if known is not None:
            return {"line": known[0], "column": known[1]}
        return {"line": item.line, "column": item.column}

    def _starts_at(self, node: ast.Node, item: Any) -> ast.Node:
        where = self._start(item)
        self.context.starts[id(node)] = (where["line"], where["column"])
        return node

    # -- templates --
    def template(self, token: Tok) -> ast.Template:
        raw = token.value[1:-1]
        if "{" not in raw and "}" not in raw:
            return ast.Template((_unescape(raw),) if raw else (), **_at(token))
        parts: list[str | ast.Node] = []
        literal: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(raw):
            literal.append(_unescape(raw[position : match.start()]))
            position = match.end()
            if match.group(0) in ("{{", "}}"):
                literal.append(match.group(0)[0])
                continue
            if "".join(literal):
                parts.append("".join(literal))
            literal = []
            column = token.column + 1 + match.start(1)
            parts.append(self._parse_embedded(match.group(1), token.line, column))
        literal.append(_unescape(raw[position:]))
        if "".join(literal):
            parts.append("".join(literal))
        return ast.Template(tuple(parts), **_at(token))

    def _parse_embedded(self, expr_text: str, line: int, column: int) -> ast.Node:
        context = self.context
        if not expr_text.strip():
            raise rule_error(
                "empty {} in a message; write {expression}, or {{ for a literal brace",
                source=context.source, text=context.text, line=line, column=column - 1,
            )
        dotted = self._dotted_name(expr_text, line, column)
        if dotted is not None:
            return dotted
        # The same placeholder recurs across messages ("{(stated ?? 0) - computed}"): parsed once, then moved.
        seen = _PLACEHOLDER_TREES.get(expr_text)
        if seen is not None:
            return _moved(seen[0], line, column - seen[1])
        try:
            node = _fast_parser().parse(Fragment.at(expr_text, line, column), start="expr")
        except _PARSE_FAILURES:
            error_column = _reference_error(expr_text, "expr").column or 1
        else:
            if len(_PLACEHOLDER_TREES) > 4096:
                _PLACEHOLDER_TREES.clear()
            _PLACEHOLDER_TREES[expr_text] = (node, column)
            return node
        raise rule_error(
            f"syntax error in the message's {{{expr_text}}}: unexpected input at its column {error_column}",
            source=context.source, text=context.text, line=line, column=column + error_column - 1,
        )

    def _dotted_name(self, expr_text: str, line: int, column: int) -> ast.Node | None:
        """``{name}`` or ``{a.b.c}``, most of all placeholders, built without a parser run.

        Only when the parser would read the first word as a name (not a keyword
        such as ``true`` or ``count``): that is asked of the parser once per word.
        """
        match = _dotted().fullmatch(expr_text)
        if match is None or not _is_plain_name(match.group(1)):
            return None
        head = match.start(1)
        node: ast.Node = ast.Name(match.group(1), line=line, column=column + head)
        start = (line, column + head)
        offset = match.end(1)
        for part in match.group(2).split(".")[1:]:
            node = ast.Attr(node, part, line=line, column=column + offset + 1)
            self.context.starts[id(node)] = start
            offset += 1 + len(part)
        return node

    # -- declarations --
    def start(self, items):
        pack = next((i for i in items if isinstance(i, ast.PackDecl)), None)
        params = tuple(i for i in items if isinstance(i, ast.ParamDecl))
        rules = tuple(i for i in items if isinstance(i, ast.RuleDecl))
        return ast.RuleFile(self.context.source, pack, params, rules, line=1, column=1)

    def pack_decl(self, items):
        keyword, name, title, *rest = items
        fields = dict(item for item in rest if isinstance(item, tuple))
        return ast.PackDecl(name.value, _unquote(title), **fields, **_at(keyword))

    def pack_version(self, items):
        return ("version", _unquote(items[0]))

    pack_version_line = pack_version

    def pack_reference(self, items):
        return ("reference", _unquote(items[0]))

    def pack_description(self, items):
        return ("description", _unquote(items[0]))

    def param_decl(self, items):
        keyword, name, _equals, expr, _nl = items
        return ast.ParamDecl(name.value, expr, **_at(keyword))

    def rule_decl(self, items):
        keyword, rule_id, title, *rest = items
        options: dict[str, Any] = {}
        body: list[ast.Node] = []
        for item in rest:
            if isinstance(item, tuple):
                options[item[0]] = item[1:]
            elif not isinstance(item, Tok):
                body.append(item)
        severity, severity_pos = options.get("severity", (None, None))
        return ast.RuleDecl(
            rule_id.value, _unquote(title), severity, severity_pos, options.get("tags", ((),))[0],
            options.get("reference", (None,))[0], options.get("description", (None,))[0],
            tuple(body), source=self._rule_source(keyword.line), **_at(keyword),
        )

    def _rule_source(self, first: int) -> str:
        """The rule's own lines: its header and the indented or blank lines under it."""
        lines = self.context.lines
        end = first
        while end < len(lines) and not lines[end][:1].strip():
            end += 1
        return "\n".join(lines[first - 1 : end]).rstrip()

    def opt_severity(self, items):
        return ("severity", items[0].value, (items[0].line, items[0].column))

    def opt_tags(self, items):
        return ("tags", tuple(t.value for t in items if t.type == "NAME"))

    def rule_reference(self, items):
        return ("reference", _unquote(items[0]))

    def rule_description(self, items):
        return ("description", _unquote(items[0]))

    # -- statements --
    def for_stmt(self, items):
        keyword, binding, *body = _with_keyword(items)
        return ast.For(binding, tuple(body), **_at(keyword))

    def let_stmt(self, items):
        keyword, name, _equals, expr, _nl = items
        return ast.Let(name.value, expr, **_at(keyword))

    def when_stmt(self, items):
        keyword, condition = items[0], items[1]
        reason = self.template(items[3]) if items[2].type == "ELSE" else None
        return ast.When(condition, reason, **_at(keyword))

    def expect_stmt(self, items):
        keyword, condition, *clauses = _with_keyword(items)
        fields: dict[str, object] = {}
        for kind, value in clauses:
            if kind == "values":
                fields["values"] = fields.get("values", ()) + value
            elif kind == "message_at":
                fields["message"], fields["at"] = value
            else:
                fields[kind] = value
        return ast.Expect(condition, **fields, **_at(keyword))

    def clause_message(self, items):
        if len(items) > 1:
            return ("message_at", (self.template(items[0]), items[1]))
        return ("message", self.template(items[0]))

    def clause_at(self, items):
        return ("at", items[0])

    def clause_related(self, items):
        return ("related", items[0])

    def clause_values(self, items):
        return ("values", tuple(items))

    def clause_severity(self, items):
        return ("severity", items[0].value)

    def value_pair(self, items):
        return (items[0].value, items[1])

    def bind_in(self, items):
        where = items[2][1] if len(items) > 2 else None
        return ast.Binding(items[0].value, None, items[1], where, **_at(items[0]))

    def bind_kind(self, items):
        kind, var, *rest = items
        parts = dict(rest)
        return ast.Binding(var.value, kind.value, parts.get("in"), parts.get("where"), **_at(kind))

    def in_clause(self, items):
        return ("in", items[0])

    def where_clause(self, items):
        return ("where", items[0])

    # -- expressions --
    def conditional(self, items):  # "if" expr "then" expr "else" expr
        keyword, condition, _then, then, _else, otherwise = items
        return ast.Conditional(condition, then, otherwise, **_at(keyword))

    def quantifier(self, items):
        predicate = items[2] if len(items) > 2 else None
        return ast.Quantifier(items[0].value, items[1], predicate, **_at(items[0]))

    def or_(self, items):
        return ast.Logic("or", tuple(items), **self._start(items[0]))

    def and_(self, items):
        return ast.Logic("and", tuple(items), **self._start(items[0]))

    def not_(self, items):
        return ast.Not(items[1], **_at(items[0]))

    def compare(self, items):
        left, op, right, *within = items
        tolerance, rounding = within[0] if within else (None, False)
        return ast.Compare(op.value, left, right, tolerance, rounding, **self._start(left))

    def within_tolerance(self, items):
        return (items[0], False)

    def within_rounding(self, items):
        return (None, True)

    def exists(self, items):
        return ast.Test("exists", items[0], **self._start(items[0]))

    def missing(self, items):
        return ast.Test("missing", items[0], **self._start(items[0]))

    def fuzzy(self, items):
        return ast.Test("~", items[0], items[1], **self._start(items[0]))

    def contains(self, items):
        return ast.Test("contains", items[0], items[1], **self._start(items[0]))

    def matches(self, items):
        pattern = ast.String(_unquote(items[1]), **_at(items[1]))
        return ast.Test("matches", items[0], pattern, **self._start(items[0]))

    def member(self, items):
        return ast.Test("in", items[0], items[1], **self._start(items[0]))

    def not_member(self, items):
        return ast.Test("not in", items[0], items[1], **self._start(items[0]))

    def coalesce_(self, items):
        where = self._start(items[0])
        node = items[0]
        for right in items[1:]:
            node = ast.Coalesce(node, right, **where)
        return node

    def arith_(self, items):
        node = items[0]
        for op, right in zip(items[1::2], items[2::2]):
            node = ast.Arith(op.value, node, right, **_at(op))
        return self._starts_at(node, items[0])

    def neg(self, items):
        return ast.Neg(items[1], **_at(items[0]))

    def attr(self, items):
        obj, name = items
        return self._starts_at(ast.Attr(obj, name.value, line=name.line, column=name.column), obj)

    def method(self, items):
        obj, name, _lpar, args, _rpar = items
        return self._starts_at(ast.Method(obj, name.value, args, **_at(name)), obj)

    def index(self, items):
        return self._starts_at(ast.Index(items[0], items[2], **_at(items[1])), items[0])

    # Names, strings, numbers and fields (above) are most of the nodes: no dict for their position.
    def number(self, items):
        token = items[0]
        return ast.Number(Decimal(token.value), line=token.line, column=token.column)

    def string(self, items):
        token = items[0]
        return ast.String(_unquote(token), line=token.line, column=token.column)

    def true(self, items):
        return ast.Bool(True, **_at(items[0]))

    def false(self, items):
        return ast.Bool(False, **_at(items[0]))

    def name(self, items):
        token = items[0]
        return ast.Name(token.value, line=token.line, column=token.column)

    def call(self, items):
        return ast.Call(items[0].value, items[2], **_at(items[0]))

    call_quant = call

    def parenthesized(self, items):  # "(" expr ")": the expression now starts at the parenthesis
        return self._starts_at(items[1], items[0])

    def list_(self, items):  # "[" expr, … "]"
        return ast.ListLit(tuple(items[1:-1]), **_at(items[0]))

    def comprehension(self, items):
        return ast.Comprehension(items[1], items[2], **_at(items[0]))

    def args(self, items):
        return tuple(items)

    def __default__(self, data, children, meta):  # pragma: no cover - a grammar rule without a callback
        raise AssertionError(f"unhandled grammar rule {data}")


@functools.lru_cache(maxsize=None)
def _dotted() -> re.Pattern[str]:
    """``name`` or ``name.field.field``, with the grammar's own pattern for a name."""
    word = _fast_parser().tables.terminal("NAME").pattern.to_regexp()
    return re.compile(rf" *({word})((?:\.{word})*) *")


@functools.lru_cache(maxsize=4096)
def _is_plain_name(word: str) -> bool:
    """Whether the expression ``word`` alone parses as a name (after a dot, any word does)."""
    try:
        return isinstance(_fast_parser().parse(word, start="expr"), ast.Name)
    except _PARSE_FAILURES:
        return False


#: Message placeholders parsed so far: the tree and the column it was parsed at.
_PLACEHOLDER_TREES: dict[str, tuple[ast.Node, int]] = {}


def _moved(node: Any, line: int, shift: int) -> Any:
    """A copy of a placeholder's tree on ``line``, ``shift`` columns over (a placeholder is one line)."""
    if isinstance(node, tuple):
        return tuple(_moved(item, line, shift) for item in node)
    if not isinstance(node, ast.Node):
        return node
    values = [_moved(getattr(node, name), line, shift) for name in ast.content_fields(type(node))]
    return type(node)(*values, line=line, column=node.column + shift)


def _with_keyword(items: list) -> list:
    """A ``!`` rule's keyword, then its non-token children."""
    return [items[0], *_decls(items[1:])]


_BUILD = _Build()


# ---- entry points ----------------------------------------------------------


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse(text: str, source: str, start: str = "start", *, context_text: str | None = None) -> Any:
    """Parse with the fast parser, building nodes for ``source``; Lark's failures pass through."""
    context = _BUILD.context
    saved = (context.text, context.lines, context.source, context.starts)
    context.text = context_text if context_text is not None else text
    context.lines = context.text.splitlines()
    context.source, context.starts = source, {}
    try:
        return _fast_parser().parse(text, start=start)
    finally:
        context.text, context.lines, context.source, context.starts = saved


#: Lark's Indenter keeps its state on the one instance the reference parser has: one error at a time.
_REFERENCE = threading.RLock()


def _reference_error(text: str, start: str) -> UnexpectedInput:
    """The exception Lark's own lexer and indenter raise for ``text``, which the fast parser refused."""
    try:
        with _REFERENCE:
            _reference_lark().parse(text, start=start)
    except UnexpectedInput as exc:
        return exc
    raise AssertionError(f"the rule lexer refused text that Lark's lexer accepts: {text!r}")  # pragma: no cover


def _syntax_error(text: str, source: str, *, context_text: str | None = None) -> RuleError:
    """The user-facing error for ``text``, which does not parse."""
    full_text = context_text if context_text is not None else text
    with _REFERENCE:  # naming the mistake parses the examples of common mistakes with the same parser
        try:
            exc = _reference_error(text, "start")
        except DedentError:
            return rule_error(
                "inconsistent indentation: this line lines up with no enclosing block",
                source=source, text=full_text, line=dedent_line(text), column=1,
            )
        return syntax_error(exc, text, source, _reference_lark())


def parse_text(text: str, source: str = "<rules>") -> ast.RuleFile:
    """Parse one rule file's text; raise :class:`RuleError` for any syntax error."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        rule_file = _parse(text, source)
    except _PARSE_FAILURES:
        raise _syntax_error(text, source) from None
    except RecursionError:  # a message placeholder nested hundreds deep, copied to a second message
        raise RuleError("expressions are nested too deeply", source=source) from None
    return attrs.evolve(rule_file, content_hash=content_hash(text))


def parse_each_declaration(text: str, source: str) -> tuple[ast.RuleFile, list[RuleError]]:
    """Parse each top-level declaration on its own, to report every syntax error of a file.

    Used by ``rules check`` after a file fails to parse: the declarations that
    parse are returned (to be checked for name errors too), with one error per
    declaration that does not.
    """
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line[:1].strip() and not line.startswith("#")] + [len(lines)]
    pack, params, rules, errors = None, [], [], []
    for begin, end in zip(starts, starts[1:]):
        # Blank lines in front keep every line number as it is in the file.
        chunk = "\n" * begin + "\n".join(lines[begin:end]) + "\n"
        try:
            part = _parse(chunk, source, context_text=text)
        except _PARSE_FAILURES:
            errors.append(_syntax_error(chunk, source, context_text=text))
            continue
        except RuleError as exc:
            errors.append(exc)
            continue
        except RecursionError:
            errors.append(RuleError("expressions are nested too deeply", source=source, line=begin + 1, column=1))
            continue
        pack = pack or part.pack
        params += part.params
        rules += part.rules
    return ast.RuleFile(source, pack, tuple(params), tuple(rules), line=1, column=1), errors


__all__ = ["content_hash", "grammar_hash", "parse_each_declaration", "parse_text"]
