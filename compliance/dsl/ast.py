"""The rule language's syntax tree: frozen attrs nodes, positions excluded from equality.

The parser builds these from Lark's tree; the compiler turns them into
closures.  Nodes are plain data (written as JSON by :mod:`compliance.dsl.ast_json`),
so a parsed file can be cached across runs keyed on its content hash.
"""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs
from attrs import field, frozen


@frozen
class Node:
    """Base of every node: where it starts in its file (1-based)."""

    line: int = field(eq=False, kw_only=True, default=0)
    column: int = field(eq=False, kw_only=True, default=0)


@functools.lru_cache(maxsize=None)
def content_fields(cls: type) -> tuple[str, ...]:
    """A node class's fields other than its position, in declaration order."""
    return tuple(a.name for a in attrs.fields(cls) if a.name not in ("line", "column"))


# ---- expressions -----------------------------------------------------------


@frozen
class Number(Node):
    value: Decimal


@frozen
class String(Node):
    value: str


@frozen
class Bool(Node):
    value: bool


@frozen
class Name(Node):
    name: str


@frozen
class Attr(Node):
    obj: Node
    name: str


@frozen
class Method(Node):
    obj: Node
    name: str
    args: tuple[Node, ...]


@frozen
class Index(Node):
    obj: Node
    key: Node


@frozen
class Call(Node):
    name: str
    args: tuple[Node, ...]


@frozen
class Neg(Node):
    operand: Node


@frozen
class Arith(Node):
    """``left op right`` for ``+ - * /``."""

    op: str
    left: Node
    right: Node


@frozen
class Coalesce(Node):
    """``a ?? b``: ``a``, or ``b`` when ``a`` is blank."""

    left: Node
    right: Node


@frozen
class Compare(Node):
    """``left op right``, optionally ``within TOLERANCE`` or ``within rounding``."""

    op: str
    left: Node
    right: Node
    tolerance: Node | None = None
    rounding: bool = False


@frozen
class Test(Node):
    """A text or membership test: ``exists``, ``missing``, ``~``, ``contains``, ``matches``, ``in``, ``not in``."""

    op: str
    left: Node
    right: Node | None = None


@frozen
class Logic(Node):
    """``and`` / ``or`` over two or more operands, short-circuit."""

    op: str
    operands: tuple[Node, ...]


@frozen
class Not(Node):
    operand: Node


@frozen
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


@frozen
class Binding(Node):
    """``var in source where filter`` or ``kind var [in source] where filter``."""

    var: str
    kind: str | None
    source: Node | None
    where: Node | None


@frozen
class Quantifier(Node):
    """``any|all|none|count binding [satisfies predicate]``."""

    kind: str
    binding: Binding
    predicate: Node | None


@frozen
class ListLit(Node):
    items: tuple[Node, ...]


@frozen
class Comprehension(Node):
    expr: Node
    binding: Binding


# ---- messages --------------------------------------------------------------


@frozen
class Template(Node):
    """A message: literal text and ``{expr}`` parts, in order."""

    parts: tuple[str | Node, ...]


# ---- statements ------------------------------------------------------------


@frozen
class For(Node):
    binding: Binding
    body: tuple[Node, ...]


@frozen
class Let(Node):
    name: str
    expr: Node


@frozen
class When(Node):
    """A guard: false at a rule's top makes it not applicable; in a loop, skips one item."""

    condition: Node
    reason: Template | None = None


@frozen
class Expect(Node):
    condition: Node
    message: Template | None = None
    at: Node | None = None
    related: Node | None = None
    values: tuple[tuple[str, Node], ...] = ()
    severity: str | None = None


# ---- declarations ----------------------------------------------------------


@frozen
class PackDecl(Node):
    name: str
    title: str
    version: str | None = None
    reference: str | None = None
    description: str | None = None


@frozen
class ParamDecl(Node):
    name: str
    expr: Node


@frozen
class RuleDecl(Node):
    id: str
    title: str
    severity: str | None
    severity_pos: tuple[int, int] | None
    tags: tuple[str, ...]
    reference: str | None
    description: str | None
    body: tuple[Node, ...]
    source: str = field(eq=False, default="")


@frozen
class RuleFile(Node):
    """One parsed ``.rules`` file."""

    path: str
    pack: PackDecl | None
    params: tuple[ParamDecl, ...]
    rules: tuple[RuleDecl, ...]
    content_hash: str = ""
