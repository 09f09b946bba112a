"""The model as a stable, JSON-able dict: what ``compliance parse --format json`` prints.

The form is documented in ``docs/document-model.md`` and versioned by
:data:`FORMAT_VERSION`; a change that removes or renames a key bumps it.

Conventions: amounts (and weights, shares, percents) are strings of the exact
decimal as printed without separators (``"3037.70"``), never floats; a blank
is ``null``, never ``0``; every element has a ``span``.  Sections list their
blocks in order; a table or performance table in a section is a reference
(``{"type": "table", "ref": i}``) into the document's ``tables`` /
``perf_tables`` arrays, so each table is printed once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Mapping

from compliance.model import (
    Cell,
    Document,
    Fact,
    Indicator,
    Paragraph,
    ParseIssue,
    PerfTable,
    Row,
    Section,
    Span,
    Table,
    Toc,
)

FORMAT_VERSION = 1


def decimal_text(value: Decimal | None) -> str | None:
    """``Decimal("3037.70")`` → ``"3037.70"``; ``None`` stays ``None``."""
    return None if value is None else str(value)


def span_dict(span: Span) -> dict[str, Any]:
    return span.to_dict()


def issues_list(issues: Iterable[ParseIssue]) -> list[dict[str, Any]]:
    return [{"code": i.code, "message": i.message, "span": span_dict(i.span)} for i in issues]


def _mapping(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: decimal_text(v) if isinstance(v, Decimal) or v is None else v for k, v in values.items()}


def cell_dict(cell: Cell) -> dict[str, Any]:
    return {
        "column": cell.column,
        "text": cell.text,
        "value": decimal_text(cell.value),
        "span": span_dict(cell.span),
        "issues": issues_list(cell.issues),
    }


def row_dict(row: Row, table: Table) -> dict[str, Any]:
    by_column = {cell.column: cell for cell in row.cells}
    values: list[str | None] = []
    for column in table.columns:
        cell = by_column.get(column.index)
        if cell is None:
            values.append(None)
        elif column.role == "amount":
            values.append(decimal_text(cell.value))
        else:
            values.append(cell.text or None)
    return {
        "index": row.index,
        "kind": row.kind,
        "label": row.label,
        "code": list(row.code),
        "level": row.level,
        "parent_code": row.parent_code,
        "children": [child.index for child in row.children],
        "values": values,
        "cells": [cell_dict(cell) for cell in row.cells],
        "issues": issues_list(row.issues),
        "span": span_dict(row.span),
    }


def paragraph_dict(paragraph: Paragraph) -> dict[str, Any]:
    return {"type": "paragraph", "text": paragraph.text, "role": paragraph.role, "span": span_dict(paragraph.span)}


def table_dict(table: Table) -> dict[str, Any]:
    return {
        "number": table.number,
        "label": table.label,
        "title": table.title,
        "kind": table.kind,
        "unit": table.unit,
        "side": table.side,
        "empty": table.empty,
        "meta": dict(table.meta),
        "header": [list(r) for r in table.header],
        "columns": [{"index": c.index, "path": list(c.path), "role": c.role} for c in table.columns],
        "rows": [row_dict(row, table) for row in table.rows],
        "explanation": paragraph_dict(table.explanation) if table.explanation else None,
        "sides": [table_dict(side) for side in table.sides],
        "issues": issues_list(table.issues),
        "span": span_dict(table.span),
    }


def indicator_dict(indicator: Indicator) -> dict[str, Any]:
    target = indicator.target
    return {
        "level1": indicator.level1,
        "level2": indicator.level2,
        "name": indicator.name,
        "target": {"text": target.text, "op": target.op, "value": decimal_text(target.value), "unit": target.unit},
        "basis": indicator.basis,
        "last_year": indicator.last_year,
        "weight": decimal_text(indicator.weight),
        "scoring": indicator.scoring,
        "evidence": indicator.evidence,
        "issues": issues_list(indicator.issues),
        "span": span_dict(indicator.span),
    }


def perf_table_dict(perf: PerfTable) -> dict[str, Any]:
    return {
        "kind": perf.kind,
        "title": perf.title,
        "project": perf.project,
        "owner": perf.owner,
        "manager": perf.manager,
        "goal": perf.goal,
        "budget": _mapping(perf.budget),
        "meta": dict(perf.meta),
        "total_weight": decimal_text(perf.total_weight),
        "indicators": [indicator_dict(i) for i in perf.indicators],
        "issues": issues_list(perf.issues),
        "span": span_dict(perf.span),
    }


def fact_dict(fact: Fact) -> dict[str, Any]:
    return {
        "kind": fact.kind,
        "subject": fact.subject,
        "section": fact.section,
        "text": fact.text,
        "amount": decimal_text(fact.amount),
        "unit": fact.unit,
        "share": decimal_text(fact.share),
        "delta": decimal_text(fact.delta),
        "direction": fact.direction,
        "percent": decimal_text(fact.percent),
        "items": [fact_dict(item) for item in fact.items],
        "issues": issues_list(fact.issues),
        "span": span_dict(fact.span),
    }


def toc_dict(toc: Toc) -> dict[str, Any]:
    return {
        "entries": [
            {"number": e.number, "style": e.style, "title": e.title, "level": e.level, "span": span_dict(e.span)}
            for e in toc.entries
        ],
        "span": span_dict(toc.span),
    }


class _Refs:
    """Positions of tables and perf tables in the document's flat lists, by identity."""

    def __init__(self, document: Document) -> None:
        self.tables = {id(t): i for i, t in enumerate(document.tables)}
        self.perf = {id(p): i for i, p in enumerate(document.perf_tables)}

    def block(self, block: object) -> dict[str, Any]:
        if isinstance(block, Paragraph):
            return paragraph_dict(block)
        if isinstance(block, Table):
            return {"type": "table", "ref": self.tables.get(id(block)), "label": block.label}
        if isinstance(block, PerfTable):
            return {"type": "perf_table", "ref": self.perf.get(id(block)), "title": block.title}
        return {"type": type(block).__name__.lower()}

    def section(self, section: Section) -> dict[str, Any]:
        return {
            "number": section.number,
            "key": section.key,
            "style": section.style,
            "ordinal": section.ordinal,
            "title": section.title,
            "level": section.level,
            "span": span_dict(section.span),
            "blocks": [self.block(b) for b in section.blocks],
            "children": [self.section(child) for child in section.children],
        }


def document_to_dict(document: Document) -> dict[str, Any]:
    """The whole document as plain dicts, lists, strings, numbers, booleans and ``None``."""
    refs = _Refs(document)
    return {
        "format_version": FORMAT_VERSION,
        "path": document.path,
        "format": document.format,
        "title": document.title,
        "meta": dict(document.meta),
        "toc": toc_dict(document.toc) if document.toc else None,
        "preamble": [refs.block(b) for b in document.preamble],
        "sections": [refs.section(s) for s in document.sections],
        "tables": [table_dict(t) for t in document.tables],
        "perf_tables": [perf_table_dict(p) for p in document.perf_tables],
        "facts": [fact_dict(f) for f in document.facts],
        "issues": issues_list(document.issues),
    }
