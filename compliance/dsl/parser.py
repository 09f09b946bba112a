"""Parse rule files into the frozen AST; Lark stays inside this module.

The grammar (``grammar.lark``, beside this file) is built once, lazily.  Lark's
exceptions never leave: a syntax error becomes a :class:`RuleError` with the
file, line, column, the offending line with a caret, and what was expected in
words.  Common mistakes get a label of their own from a table of bad examples
(Lark's ``match_examples``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from decimal import Decimal
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput, VisitError
from lark.indenter import DedentError, Indenter

from compliance.dsl import ast
from compliance.dsl.cache import private_cache_dir
from compliance.dsl.errors import rule_error
from compliance.dsl.syntax_errors import dedent_line, syntax_error
from compliance.errors import RuleError

GRAMMAR_FILE = "grammar.lark"


class _RuleIndenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR", "LSQB"]
    CLOSE_PAREN_types = ["RPAR", "RSQB"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4


@functools.lru_cache(maxsize=None)
def _lark() -> Lark:
    options = dict(
        rel_to=__file__,
        parser="lalr",
        postlex=_RuleIndenter(),
        propagate_positions=True,
        maybe_placeholders=False,
        start=["start", "expr"],
    )
    # Lark stores its grammar analysis beside our AST cache (it checks the grammar's hash
    # itself, and rebuilds on a corrupt or unwritable file).
    cache = _grammar_cache_file()
    if cache is not None:
        try:
            return Lark.open(GRAMMAR_FILE, cache=cache, **options)
        except Exception:  # noqa: BLE001 - a cache problem must never stop parsing
            pass
    return Lark.open(GRAMMAR_FILE, **options)


def _grammar_cache_file() -> str | None:
    """Lark's cache is a pickle: kept only in a private cache folder, else not at all."""
    folder = private_cache_dir()
    if folder is None:
        return None
    return str(folder / f"grammar-{grammar_hash()}.lark-cache")


@functools.lru_cache(maxsize=None)
def grammar_hash() -> str:
    """A hash of the grammar text and this module, so a cached AST from another version is not reused."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in (GRAMMAR_FILE, "parser.py", "ast.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


# ---- tree → AST ------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def _unquote(token: Token) -> str:
    body = token.value[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _pos(meta_or_token) -> dict[str, int]:
    return {"line": getattr(meta_or_token, "line", 0) or 0, "column": getattr(meta_or_token, "column", 0) or 0}


@v_args(meta=True)
class _ToAst(Transformer):
    """Builds AST nodes.  Parses message templates; evaluates nothing."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__()
        self.text = text
        self.lines = text.splitlines()
        self.source = source

    # -- templates --
    def template(self, token: Token) -> ast.Template:
        raw = token.value[1:-1]
        parts: list[str | ast.Node] = []
        literal: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(raw):
            literal.append(_unescape(raw[position : match.start()]))
            position = match.end()
            if match.group(0) in ("{{", "}}"):
                literal.append(match.group(0)[0])
                continue
            if literal:
                parts.append("".join(literal))
                literal = []
            column = token.column + 1 + match.start(1)
            parts.append(self._parse_embedded(match.group(1), token.line, column))
        literal.append(_unescape(raw[position:]))
        if "".join(literal):
            parts.append("".join(literal))
        return ast.Template(tuple(parts), line=token.line, column=token.column)

    def _parse_embedded(self, expr_text: str, line: int, column: int) -> ast.Node:
        if not expr_text.strip():
            raise rule_error(
                "empty {} in a message; write {expression}, or {{ for a literal brace",
                source=self.source, text=self.text, line=line, column=column - 1,
            )
        try:
            tree = _lark().parse(expr_text, start="expr")
        except UnexpectedInput as exc:
            raise rule_error(
                f"syntax error in the message's {{{expr_text}}}: unexpected input at its column {exc.column}",
                source=self.source, text=self.text, line=line, column=column + (exc.column or 1) - 1,
            ) from None
        node = _ToAst(expr_text, self.source).transform(tree)
        return _shift(node, line, column)

    # -- declarations --
    def start(self, meta, items):
        pack = next((i for i in items if isinstance(i, ast.PackDecl)), None)
        params = tuple(i for i in items if isinstance(i, ast.ParamDecl))
        rules = tuple(i for i in items if isinstance(i, ast.RuleDecl))
        return ast.RuleFile(self.source, pack, params, rules, line=1, column=1)

    def pack_decl(self, meta, items):
        name, title, *rest = items
        fields: dict[str, str] = {}
        for item in rest:
            if isinstance(item, tuple):
                fields[item[0]] = item[1]
        return ast.PackDecl(str(name), _unquote(title), **fields, **_pos(meta))

    def pack_version(self, meta, items):
        return ("version", _unquote(items[0]))

    def pack_version_line(self, meta, items):
        return ("version", _unquote(items[0]))

    def pack_reference(self, meta, items):
        return ("reference", _unquote(items[0]))

    def pack_description(self, meta, items):
        return ("description", _unquote(items[0]))

    def param_decl(self, meta, items):
        return ast.ParamDecl(str(items[0]), items[1], **_pos(meta))

    def rule_decl(self, meta, items):
        rule_id, title, *rest = items
        severity = None
        severity_pos = None
        tags: tuple[str, ...] = ()
        reference = description = None
        body: list[ast.Node] = []
        for item in rest:
            if isinstance(item, tuple) and item[0] == "severity":
                severity, severity_pos = item[1], item[2]
            elif isinstance(item, tuple) and item[0] == "tags":
                tags = item[1]
            elif isinstance(item, tuple) and item[0] == "reference":
                reference = item[1]
            elif isinstance(item, tuple) and item[0] == "description":
                description = item[1]
            else:
                body.append(item)
        source = self._rule_source(meta.line)
        return ast.RuleDecl(
            str(rule_id), _unquote(title), severity, severity_pos, tags, reference, description,
            tuple(body), source=source, **_pos(meta),
        )

    def _rule_source(self, first: int) -> str:
        """The rule's own lines: its header and the indented or blank lines under it."""
        taken = [self.lines[first - 1]]
        for line in self.lines[first:]:
            if line.strip() and not line[:1].isspace():
                break
            taken.append(line)
        return "\n".join(taken).rstrip()

    def opt_severity(self, meta, items):
        return ("severity", str(items[0]), (items[0].line, items[0].column))

    def opt_tags(self, meta, items):
        return ("tags", tuple(str(t) for t in items if t.type == "NAME"))

    def rule_reference(self, meta, items):
        return ("reference", _unquote(items[0]))

    def rule_description(self, meta, items):
        return ("description", _unquote(items[0]))

    # -- statements --
    def for_stmt(self, meta, items):
        return ast.For(items[0], tuple(items[1:]), **_pos(meta))

    def let_stmt(self, meta, items):
        return ast.Let(str(items[0]), items[1], **_pos(meta))

    def when_stmt(self, meta, items):
        reason = self.template(items[1]) if len(items) > 1 else None
        return ast.When(items[0], reason, **_pos(meta))

    def expect_stmt(self, meta, items):
        fields: dict[str, object] = {}
        for kind, value in items[1:]:
            if kind == "values":
                fields["values"] = fields.get("values", ()) + value
            elif kind == "message_at":
                fields["message"], fields["at"] = value
            else:
                fields[kind] = value
        return ast.Expect(items[0], **fields, **_pos(meta))

    def clause_message(self, meta, items):
        if len(items) > 1:
            return ("message_at", (self.template(items[0]), items[1]))
        return ("message", self.template(items[0]))

    def clause_at(self, meta, items):
        return ("at", items[0])

    def clause_related(self, meta, items):
        return ("related", items[0])

    def clause_values(self, meta, items):
        return ("values", tuple(items))

    def clause_severity(self, meta, items):
        return ("severity", str(items[0]))

    def value_pair(self, meta, items):
        return (str(items[0]), items[1])

    def bind_in(self, meta, items):
        where = items[2][1] if len(items) > 2 else None
        return ast.Binding(str(items[0]), None, items[1], where, **_pos(meta))

    def bind_kind(self, meta, items):
        kind, var, *rest = items
        parts = dict(rest)
        return ast.Binding(str(var), str(kind), parts.get("in"), parts.get("where"), **_pos(meta))

    def in_clause(self, meta, items):
        return ("in", items[0])

    def where_clause(self, meta, items):
        return ("where", items[0])

    # -- expressions --
    def conditional(self, meta, items):
        return ast.Conditional(*items, **_pos(meta))

    def quantifier(self, meta, items):
        predicate = items[2] if len(items) > 2 else None
        return ast.Quantifier(str(items[0]), items[1], predicate, **_pos(meta))

    def or_(self, meta, items):
        return items[0] if len(items) == 1 else ast.Logic("or", tuple(items), **_pos(meta))

    def and_(self, meta, items):
        return items[0] if len(items) == 1 else ast.Logic("and", tuple(items), **_pos(meta))

    def not_(self, meta, items):
        return ast.Not(items[0], **_pos(meta))

    def compare(self, meta, items):
        left, op, right, *within = items
        tolerance, rounding = (within[0] if within else (None, False))
        return ast.Compare(str(op), left, right, tolerance, rounding, **_pos(meta))

    def within_tolerance(self, meta, items):
        return (items[0], False)

    def within_rounding(self, meta, items):
        return (None, True)

    def exists(self, meta, items):
        return ast.Test("exists", items[0], **_pos(meta))

    def missing(self, meta, items):
        return ast.Test("missing", items[0], **_pos(meta))

    def fuzzy(self, meta, items):
        return ast.Test("~", items[0], items[1], **_pos(meta))

    def contains(self, meta, items):
        return ast.Test("contains", items[0], items[1], **_pos(meta))

    def matches(self, meta, items):
        return ast.Test("matches", items[0], ast.String(_unquote(items[1]), **_pos(items[1])), **_pos(meta))

    def member(self, meta, items):
        return ast.Test("in", items[0], items[1], **_pos(meta))

    def not_member(self, meta, items):
        return ast.Test("not in", items[0], items[1], **_pos(meta))

    def coalesce_(self, meta, items):
        node = items[0]
        for right in items[1:]:
            node = ast.Coalesce(node, right, **_pos(meta))
        return node

    def arith_(self, meta, items):
        node = items[0]
        for op, right in zip(items[1::2], items[2::2]):
            node = ast.Arith(str(op), node, right, line=op.line, column=op.column)
        return node

    def neg(self, meta, items):
        return ast.Neg(items[0], **_pos(meta))

    def attr(self, meta, items):
        return ast.Attr(items[0], str(items[1]), **_pos(items[1]))

    def method(self, meta, items):
        obj, name, _lpar, args, _rpar = items
        return ast.Method(obj, str(name), args, **_pos(name))

    def index(self, meta, items):
        return ast.Index(items[0], items[2], **_pos(items[1]))

    def number(self, meta, items):
        return ast.Number(Decimal(items[0].value), **_pos(meta))

    def string(self, meta, items):
        return ast.String(_unquote(items[0]), **_pos(meta))

    def true(self, meta, items):
        return ast.Bool(True, **_pos(meta))

    def false(self, meta, items):
        return ast.Bool(False, **_pos(meta))

    def name(self, meta, items):
        return ast.Name(str(items[0]), **_pos(meta))

    def call(self, meta, items):
        return ast.Call(str(items[0]), items[2], **_pos(meta))

    def call_quant(self, meta, items):
        return ast.Call(str(items[0]), items[2], **_pos(meta))

    def atom(self, meta, items):  # "(" expr ")"
        return items[1]

    def list_(self, meta, items):
        return ast.ListLit(tuple(i for i in items if isinstance(i, ast.Node)), **_pos(meta))

    def comprehension(self, meta, items):
        return ast.Comprehension(items[1], items[2], **_pos(meta))

    def args(self, meta, items):
        return tuple(items)

    def __default__(self, data, children, meta):
        # Only "(" expr ")" reaches here: an inlined atom keeps its parentheses as tokens.
        nodes = [c for c in children if isinstance(c, ast.Node)]
        if len(nodes) == 1:
            return nodes[0]
        raise AssertionError(f"unhandled grammar rule {data}")  # pragma: no cover


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _shift(node: ast.Node, line: int, column: int) -> ast.Node:
    """Move a node parsed from a message placeholder to its place in the file."""
    import attrs

    changes: dict[str, object] = {}
    for attribute in attrs.fields(type(node)):
        value = getattr(node, attribute.name)
        if isinstance(value, ast.Node):
            changes[attribute.name] = _shift(value, line, column)
        elif isinstance(value, tuple) and value and isinstance(value[0], ast.Node):
            changes[attribute.name] = tuple(_shift(v, line, column) for v in value)
    if node.line:
        changes["column"] = column + node.column - 1 if node.line == 1 else node.column
        changes["line"] = line + node.line - 1
    return attrs.evolve(node, **changes)


# ---- entry points ----------------------------------------------------------


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_text(text: str, source: str = "<rules>") -> ast.RuleFile:
    """Parse one rule file's text; raise :class:`RuleError` for any syntax error."""
    if not text.endswith("\n"):
        text += "\n"
    try:
        tree = _lark().parse(text, start="start")
    except UnexpectedInput as exc:
        raise syntax_error(exc, text, source, _lark()) from None
    except DedentError:
        line = dedent_line(text)
        raise rule_error(
            "inconsistent indentation: this line lines up with no enclosing block",
            source=source, text=text, line=line, column=1,
        ) from None
    try:
        rule_file = _ToAst(text, source).transform(tree)
    except RecursionError:
        raise RuleError("expressions are nested too deeply", source=source) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, RuleError):
            raise exc.orig_exc from None
        raise  # pragma: no cover - a transformer bug, not a user error
    import attrs

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
            part = _ToAst(text, source).transform(_lark().parse(chunk, start="start"))
        except UnexpectedInput as exc:
            errors.append(syntax_error(exc, chunk, source, _lark()))
            continue
        except DedentError:
            errors.append(rule_error("inconsistent indentation: this line lines up with no enclosing block",
                                     source=source, text=text, line=dedent_line(chunk), column=1))
            continue
        except VisitError as exc:
            if isinstance(exc.orig_exc, RuleError):
                errors.append(exc.orig_exc)
                continue
            raise  # pragma: no cover
        pack = pack or part.pack
        params += part.params
        rules += part.rules
    return ast.RuleFile(source, pack, tuple(params), tuple(rules), line=1, column=1), errors


__all__ = ["content_hash", "grammar_hash", "parse_each_declaration", "parse_text"]
