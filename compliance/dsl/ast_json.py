"""The syntax tree as JSON, for the on-disk cache: plain data that cannot run code when read.

Each node is an object tagged with its class name (``"$": "Compare"``) and
holding every attrs field, positions included; a Decimal is ``{"$d": "2.5"}``;
tuples are lists.  Only classes defined in :mod:`compliance.dsl.ast` can be
named, so a cache file can describe a tree and nothing else.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs

from compliance.dsl import ast

_NODE_TYPES: dict[str, type] = {
    name: cls for name, cls in vars(ast).items()
    if isinstance(cls, type) and attrs.has(cls) and issubclass(cls, ast.Node)
}


class CacheFormatError(ValueError):
    """The text is not a syntax tree written by :func:`dumps`."""


def dumps(node: ast.Node) -> str:
    """``node`` as JSON text."""
    return json.dumps(_encode(node), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    """The tree :func:`dumps` wrote; :class:`CacheFormatError` for anything else."""
    try:
        return _decode(json.loads(text))
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:  # ArithmeticError: a bad Decimal
        raise CacheFormatError(str(exc)) from exc


def _encode(value: Any) -> Any:
    if isinstance(value, ast.Node):
        encoded = {"$": type(value).__name__}
        for attribute in attrs.fields(type(value)):
            encoded[attribute.name] = _encode(getattr(value, attribute.name))
        return encoded
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in the syntax tree cache")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        if "$d" in value:
            return Decimal(value["$d"])
        fields = dict(value)
        cls = _NODE_TYPES[fields.pop("$")]
        return cls(**{name: _decode(v) for name, v in fields.items()})
    if value is None or isinstance(value, (str, bool, int)):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in the syntax tree cache")


__all__ = ["CacheFormatError", "dumps", "loads"]
