"""The syntax tree as JSON, for the on-disk cache: plain data that cannot run code when read.

A node is ``{"N": [tag, line, column, field, …]}``: its class name, its
position, then its other attrs fields in declaration order.  A Decimal is
``{"$d": "2.5"}``; tuples are lists.  Only classes defined in
:mod:`compliance.dsl.ast` can be named, so a cache file can describe a tree and
nothing else.  The form is positional because a first run writes the tree of
every rule file and a later run reads them all: half the text of named fields,
and both ways done by ``json``'s C code but for one call per node.
"""

from __future__ import annotations

import json
from decimal import Decimal
from operator import attrgetter
from typing import Any

import attrs

from compliance.dsl import ast

_NODE_TYPES: dict[str, type] = {
    name: cls for name, cls in vars(ast).items()
    if isinstance(cls, type) and attrs.has(cls) and issubclass(cls, ast.Node)
}
#: Each node class's tag and a getter of its position and fields at once.
_ENCODERS: dict[type, tuple[str, Any]] = {
    cls: (name, attrgetter("line", "column", *ast.content_fields(cls))) for name, cls in _NODE_TYPES.items()
}


class CacheFormatError(ValueError):
    """The text is not a syntax tree written by :func:`dumps`."""


def dumps(node: ast.Node) -> str:
    """``node`` as JSON text."""
    # json's C encoder walks the tuples, strings and numbers; it asks _encode only for nodes and decimals.
    # A syntax tree has no cycles (its nodes are frozen, each made from its children), so the
    # encoder need not track every list and dict it enters: a quarter of the time.  A tree too
    # deep still raises RecursionError.
    return _ENCODER.encode(node)


def loads(text: str) -> Any:
    """The tree :func:`dumps` wrote; :class:`CacheFormatError` for anything else."""
    try:
        return _tuples(json.loads(text, object_hook=_decode_object))
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as exc:  # ArithmeticError: a bad Decimal
        raise CacheFormatError(str(exc)) from exc


def _encode(value: Any) -> Any:
    encoder = _ENCODERS.get(type(value))
    if encoder is not None:
        tag, fields = encoder
        return {"N": [tag, *fields(value)]}
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    raise TypeError(f"cannot store {type(value).__name__} in the syntax tree cache")


_ENCODER = json.JSONEncoder(default=_encode, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _decode_object(value: dict[str, Any]) -> Any:
    """One JSON object, innermost first (``json``'s object hook): a node or a Decimal."""
    if len(value) != 1:
        raise ValueError(f"not a node or a decimal: {sorted(value)}")
    if "N" in value:
        tag, line, column, *fields = value["N"]
        if type(line) is not int or type(column) is not int:
            raise TypeError("a node's position is two integers")
        return _NODE_TYPES[tag](*map(_tuples, fields), line=line, column=column)
    return Decimal(value["$d"])


def _tuples(value: Any) -> Any:
    """JSON arrays back to the tuples the tree holds; anything but the tree's own values is refused."""
    if type(value) is list:
        return tuple(_tuples(v) for v in value)
    if value is None or isinstance(value, (str, bool, int, Decimal, ast.Node)):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in the syntax tree cache")


__all__ = ["CacheFormatError", "dumps", "loads"]
