"""Values at run time: the model as rules see it, and the operations the compiled closures call.

Attribute access goes through :func:`get_attr`, which reads only whitelisted
fields (see :mod:`compliance.dsl.schema`); reading a field of a tuple reads it
of every element.  Errors a rule meets on a document are
:class:`RuleRuntimeError`, with a message in Chinese for the finding.
"""

from __future__ import annotations

import operator
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Mapping

from compliance.dsl.functions import describe, format_value
from compliance.dsl.schema import METHODS, TYPE_NAMES, Many, fields_of, relation_fields
from compliance.model import (
    Cell,
    Column,
    Document,
    Fact,
    Indicator,
    Paragraph,
    PerfTable,
    Row,
    Section,
    Table,
)

Env = dict
Fn = Callable[[Env], Any]


class RuleRuntimeError(Exception):
    """A rule met a value it cannot handle (a blank in arithmetic, a wrong type); message in Chinese."""


class BudgetExceeded(Exception):
    """A rule took more steps than allowed."""


#: What a ``when`` inside a loop returns when its condition is false: the loop skips to its next item.
#: (Every other statement returns None.)
SKIP = object()


class NotApplicable(Exception):
    """A ``when`` guard at a rule's top was false."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason



# ---- the model as rules see it ---------------------------------------------


def _all_sections(document: Document) -> tuple[Section, ...]:
    return tuple(document.all_sections())


def _all_indicators(document: Document) -> tuple[Indicator, ...]:
    return tuple(i for p in document.perf_tables for i in p.indicators)


#: Names every rule can read.  name → (getter(document), static type).
GLOBALS: dict[str, tuple[Callable[[Document], Any], Any]] = {
    "document": (lambda d: d, Document),
    "tables": (lambda d: d.tables, Many(Table)),
    "perf_tables": (lambda d: d.perf_tables, Many(PerfTable)),
    "facts": (lambda d: d.facts, Many(Fact)),
    "paragraphs": (lambda d: d.paragraphs, Many(Paragraph)),
    "sections": (_all_sections, Many(Section)),
    "indicators": (_all_indicators, Many(Indicator)),
    "meta": (lambda d: d.meta, None),
}


def _all_rows(document: Document) -> tuple[Row, ...]:
    return tuple(r for t in document.tables for r in t.rows)


def _all_columns(document: Document) -> tuple[Column, ...]:
    return tuple(c for t in document.tables for c in t.columns)


def _all_cells(document: Document) -> tuple[Cell, ...]:
    return tuple(c for t in document.tables for r in t.rows for c in r.cells)


#: ``for KIND x`` — the element type, and where to find them in the document.
KINDS: dict[str, tuple[type, Callable[[Document], Any]]] = {
    "table": (Table, lambda d: d.tables),
    "perf": (PerfTable, lambda d: d.perf_tables),
    "fact": (Fact, lambda d: d.facts),
    "paragraph": (Paragraph, lambda d: d.paragraphs),
    "section": (Section, _all_sections),
    "indicator": (Indicator, _all_indicators),
    "row": (Row, _all_rows),
    "column": (Column, _all_columns),
    "cell": (Cell, _all_cells),
}

#: Getters above that build their collection rather than read it off the document: compiled
#: rules call them once per evaluation (the same tuple each time, which also keys indexes on it).
COMPUTED = frozenset({_all_sections, _all_indicators, _all_rows, _all_columns, _all_cells})

#: ``for KIND x in CONTAINER`` — which field of the container holds them.
CONTAINERS: dict[tuple[type, str], str] = {
    (Table, "row"): "rows",
    (Table, "column"): "columns",
    (Table, "table"): "sides",
    (Row, "cell"): "cells",
    (Row, "row"): "children",
    (PerfTable, "indicator"): "indicators",
    (Section, "section"): "children",
    (Section, "table"): "blocks",
    (Section, "perf"): "blocks",
    (Section, "paragraph"): "blocks",
    (Fact, "fact"): "items",
}

SPANNED = (Table, Row, Cell, PerfTable, Indicator, Paragraph, Fact, Section)


# ---- operations the compiled closures call -------------------------------


def get_attr(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, tuple):
        out: list[Any] = []
        for item in obj:
            value = get_attr(item, name)
            if isinstance(value, tuple) and item is not None and name in relation_fields(type(item)):
                out.extend(value)
            else:
                out.append(value)
        return tuple(out)
    cls = type(obj)
    if cls in TYPE_NAMES and name in fields_of(cls):
        value = getattr(obj, name)
        # Rules compute with Decimals only: a model integer (an ordinal, a level, a
        # line number) becomes one, so it can take part in arithmetic and ordering.
        if type(value) is int:
            return Decimal(value)
        return value
    raise RuleRuntimeError(f"{describe(obj)}没有可读的字段「{name}」")


def call_method(obj: Any, name: str, args: tuple[Any, ...]) -> Any:
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return tuple(call_method(item, name, args) for item in obj)
    entry = METHODS.get(type(obj), {}).get(name)
    if entry is None:
        raise RuleRuntimeError(f"{describe(obj)}没有方法「{name}」")
    return entry[0](obj, *args)


def row_value(row: Row, column: Column) -> Decimal | None:
    """The amount of ``row`` in ``column`` (cells usually stand at their column's position)."""
    cells, position = row.cells, column.index
    cell = cells[position] if position < len(cells) and cells[position].column == position else row.cell(position)
    return cell.value if cell is not None else None


def read_index(obj: Any, key: Any) -> Any:
    """``obj[key]``: the common shapes first (``row[column]``, the commonest read of all; an item of a
    list; a field of a function's record), then :func:`get_index`, the checked way."""
    kind = obj.__class__
    if kind is Row and key.__class__ is Column:
        return row_value(obj, key)
    if kind is tuple:
        if key.__class__ is Decimal:
            position = int(key)
            return obj[position] if -len(obj) <= position < len(obj) else None
        if key.__class__ is Column:
            figures = _rows_in_column(obj, key)
            if figures is not None:
                return figures
    if kind is MappingProxyType or kind is dict:
        return obj.get(key if key.__class__ is str else str(key))  # isinstance() against typing's Mapping is slow
    return get_index(obj, key)


def _rows_in_column(items: tuple[Any, ...], column: Column) -> tuple[Decimal | None, ...] | None:
    """``rows[column]``: each row's figure in the column; None when not every item is a row."""
    figures = []
    for row in items:
        if row.__class__ is not Row:
            return None
        figures.append(row_value(row, column))
    return tuple(figures)


def get_index(obj: Any, key: Any) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Row):
        if isinstance(key, Column):
            return row_value(obj, key)
        raise RuleRuntimeError("行只能按列取值，例如 r[c]（c 来自 t.amount_columns 或 t.column(\"…\")）；按列名取值请用 t.value(r, \"列名\")")
    if isinstance(obj, tuple):
        if isinstance(key, Decimal):
            position = int(key)
            return obj[position] if -len(obj) <= position < len(obj) else None
        if key.__class__ is Column:
            figures = _rows_in_column(obj, key)
            if figures is not None:
                return figures
        return tuple([get_index(item, key) for item in obj])
    if isinstance(obj, Mapping):
        return obj.get(str(key))
    raise RuleRuntimeError(f"{describe(obj)}不能按「{format_value(key)}」取值")


def number(value: Any, op: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None:
        raise RuleRuntimeError(f"空值不能参与运算（{op}）")
    raise RuleRuntimeError(f"{describe(value)}不能参与运算（{op}）")


def arith(op: str, a: Any, b: Any) -> Decimal:
    a, b = number(a, op), number(b, op)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise RuleRuntimeError("除数为零")
    return a / b


def plus(a: Any, b: Any) -> Decimal:
    if a.__class__ is Decimal and b.__class__ is Decimal:
        return a + b
    return arith("+", a, b)  # a blank or a text: the error says so


def minus(a: Any, b: Any) -> Decimal:
    if a.__class__ is Decimal and b.__class__ is Decimal:
        return a - b
    return arith("-", a, b)


def equal(a: Any, b: Any) -> bool:
    """``a == b`` as rules mean it: a true/false value equals only itself, lists item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return a == b


def order(op: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        raise RuleRuntimeError(f"空值不能比较大小（{op}）")
    if isinstance(a, Decimal) != isinstance(b, Decimal):
        raise RuleRuntimeError(f"{describe(a)}与{describe(b)}不能比较大小")
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def ordered(op: str, a: Any, b: Any) -> bool:
    """``a op b`` for two numbers, else as :func:`order` rules (blanks, texts and mixed kinds)."""
    if a.__class__ is Decimal and b.__class__ is Decimal:
        return _ORDER[op](a, b)
    return order(op, a, b)


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def exists(value: Any) -> bool:
    if value is None:
        return False
    cls = value.__class__
    # The common answers first, without comparing a Decimal or a model object with () and "".
    if cls is Decimal:
        return True
    if cls is tuple or cls is str:
        return len(value) > 0
    if cls in TYPE_NAMES:
        return True  # a model element is never equal to () or "" (attrs compares only its own class)
    return value != () and value != ""


def iterate(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, (tuple, list)):
        return tuple(value)
    raise RuleRuntimeError(f"{describe(value)}不能逐项遍历")


def contains_text(container: Any, item: Any) -> bool:
    """:func:`contains`, with a text in a text, the commonest case, first."""
    if container.__class__ is str and item.__class__ is str:
        return item in container
    return contains(container, item)


def contains(container: Any, item: Any) -> bool:
    if container is None:
        return False
    if isinstance(container, str):
        return item is not None and str(item) in container
    if isinstance(container, (tuple, list)):
        if item.__class__ is bool:
            return any(element is item for element in container)
        for element in container:
            # equal() without the call for the common elements: a bool equals only itself, and item is no bool.
            if element.__class__ is tuple or element.__class__ is list:
                if equal(element, item):
                    return True
            elif element.__class__ is not bool and element == item:
                return True
        return False
    raise RuleRuntimeError(f"{describe(container)}不能判断是否包含")
