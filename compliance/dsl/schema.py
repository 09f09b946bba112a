"""What a rule may read from the model: a whitelist of fields, properties and methods per type.

Fields declared by attrs are exposed automatically (minus internals such as
``lines``); properties and methods are listed by hand.  Anything else is out
of reach: rules cannot touch Python.  Field types are read from the model's
annotations, so the compiler knows ``p.indicators`` holds indicators and can
say "did you mean" for a misspelled field.
"""

from __future__ import annotations

import functools
import typing
from decimal import Decimal
from typing import Any, Callable, Mapping

import attrs

from compliance import model
from compliance.model import Cell, Column, Document, Fact, Indicator, Paragraph, PerfTable, Row, Section, Table, Target

MODEL_TYPES: tuple[type, ...] = (
    Document, Section, Paragraph, Table, Column, Row, Cell, PerfTable, Indicator, Target, Fact,
    model.ParseIssue, model.Toc, model.TocEntry,
)

#: Readable names of model types, for messages.
TYPE_NAMES = {t: t.__name__.lower() for t in MODEL_TYPES}

_HIDDEN_FIELDS = {"lines"}


@attrs.frozen
class Many:
    """A static type: a tuple of ``item``."""

    item: Any


def _cell_of(row: Row, column: Any) -> Cell | None:
    index = column.index if isinstance(column, Column) else column
    if not isinstance(index, int):
        raise TypeError("cell() takes a column (from t.columns or t.column(\"…\")) or a column number")
    return row.cell(index)


def _table_cell(table: Table, row: Row, column: Any) -> Cell | None:
    found = table.column(column) if isinstance(column, (str, tuple)) else column
    return _cell_of(row, found) if found is not None else None


def _table_column(table: Table, key: Any) -> Column | None:
    return table.column(tuple(key) if isinstance(key, (list, tuple)) else str(key))


#: Properties a rule may read, by type, with their static types.
PROPERTIES: dict[type, dict[str, Any]] = {
    Table: {"label": str, "body_rows": Many(Row), "total": Row, "amount_columns": Many(Column)},
    Row: {"code_text": str, "is_total": bool},
    Column: {"name": str, "title": str},
    Cell: {"blank": bool},
    Section: {"heading": str},
    Document: {},
}

#: Methods a rule may call, by type: name → (function(obj, *args), static result type).
METHODS: dict[type, dict[str, tuple[Callable[..., Any], Any]]] = {
    Table: {
        "row": (lambda t, key: t.row(str(key)), Row),
        "column": (_table_column, Column),
        "value": (lambda t, row, column: t.value(row, column if not isinstance(column, Column) else column.path), Decimal),
        "cell": (_table_cell, Cell),
    },
    Row: {"cell": (_cell_of, Cell)},
    Document: {
        "table": (lambda d, key: d.table(str(key)), Table),
        "section": (lambda d, key: d.section(str(key)), Section),
    },
}


def _static(annotation: Any) -> Any:
    """Reduce an annotation to a static type: a model class, Many(model class), or None (a leaf)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation in MODEL_TYPES:
        return annotation
    if origin is tuple and args and args[0] in MODEL_TYPES:
        return Many(args[0])
    if origin is tuple and args and typing.get_origin(args[0]) in (typing.Union, getattr(__import__("types"), "UnionType")):
        return Many(None)
    if args and origin in (typing.Union, getattr(__import__("types"), "UnionType")):
        for arg in args:
            found = _static(arg)
            if found is not None:
                return found
    return None


@functools.lru_cache(maxsize=None)
def fields_of(cls: type) -> Mapping[str, Any]:
    """Readable names of ``cls`` and their static types."""
    names: dict[str, Any] = {}
    try:
        hints = typing.get_type_hints(cls, vars(model))
    except NameError as exc:
        # The model is ours: an annotation naming nothing is a bug to fix, not a field to leave untyped.
        raise TypeError(f"cannot resolve the annotations of {cls.__name__}: {exc}") from exc
    for attribute in attrs.fields(cls):
        if attribute.name in _HIDDEN_FIELDS:
            continue
        names[attribute.name] = _static(hints.get(attribute.name))
    names.update(PROPERTIES.get(cls, {}))
    return names


@functools.lru_cache(maxsize=None)
def relation_fields(cls: type) -> frozenset[str]:
    """Fields holding tuples of model objects: reading one over a tuple flattens."""
    return frozenset(name for name, t in fields_of(cls).items() if isinstance(t, Many))


def readable(obj: Any, name: str) -> bool:
    cls = type(obj)
    return cls in TYPE_NAMES and name in fields_of(cls)
