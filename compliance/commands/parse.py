"""``compliance parse FILE [--format json|tree]``: show the model the checker sees.

``json`` prints :func:`compliance.serialize.document_to_dict` (stable,
documented in docs/document-model.md); ``tree`` prints an outline for people.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Iterator

from compliance.api import load
from compliance.model import Document, Paragraph, PerfTable, Section, Span, Table
from compliance.serialize import document_to_dict

_EXCERPT = 40


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="load a document and print its model",
        description="Load a document with the installed plugins and print the model rules run on.",
    )
    parser.add_argument("file", help="the document to load")
    parser.add_argument(
        "--format",
        choices=("json", "tree"),
        default="tree",
        help="json: the stable machine-readable form; tree: an outline (default)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    document = load(args.file)
    if args.format == "json":
        text = json.dumps(document_to_dict(document), ensure_ascii=False, indent=2)
    else:
        text = "\n".join(tree_lines(document))
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return 0


def _where(span: Span) -> str:
    if span.page is not None:
        return f"p{span.page}"
    if span.last_line != span.start_line:
        return f"L{span.start_line}-{span.last_line}"
    return f"L{span.start_line}"


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _table_line(table: Table) -> str:
    body = sum(1 for row in table.rows if row.kind == "body")
    parts = [f"{table.label} {table.title}", f"kind={table.kind or '?'}", f"unit={table.unit or '?'}",
             f"{len(table.columns)} columns", f"{body} body rows"]
    if table.total is not None:
        parts.append(f"total row '{table.total.label}'")
    if table.empty:
        parts.append("EMPTY" + (" (explained)" if table.explanation else " (no explanation)"))
    if table.side:
        parts.append(f"side={table.side}")
    return "  ".join(parts) + f"  [{_where(table.span)}]"


def _block_lines(block: object, depth: int) -> Iterator[str]:
    pad = "  " * depth
    if isinstance(block, Paragraph):
        role = f" ({block.role})" if block.role else ""
        yield f"{pad}¶ {_excerpt(block.text)}{role}  [{_where(block.span)}]"
    elif isinstance(block, Table):
        yield pad + "▦ " + _table_line(block)
        for side in block.sides:
            yield pad + "    ↳ " + _table_line(side)
    elif isinstance(block, PerfTable):
        yield (f"{pad}◎ {block.title}: {block.project}  kind={block.kind}  "
               f"{len(block.indicators)} indicators, {_weights(block)}  [{_where(block.span)}]")


def _weights(table: PerfTable) -> str:
    total = table.total_weight
    return "no weights printed" if total is None else f"weights total {total}"


def _section_lines(section: Section, depth: int) -> Iterator[str]:
    yield f"{'  ' * depth}§ {section.key} {section.title}  [{_where(section.span)}]"
    for block in section.blocks:
        yield from _block_lines(block, depth + 1)
    for child in section.children:
        yield from _section_lines(child, depth + 1)


def tree_lines(document: Document) -> list[str]:
    """An outline of the document: sections, tables, perf tables, facts and issues."""
    lines = [f"{document.title or '(untitled)'}  ({document.path}, {document.format})"]
    lines.extend(f"  {key}: {value}" for key, value in document.meta.items())
    if document.toc is not None:
        lines.append(f"TOC: {len(document.toc.entries)} entries  [{_where(document.toc.span)}]")
    for block in document.preamble:
        lines.extend(_block_lines(block, 0))
    for section in document.sections:
        lines.extend(_section_lines(section, 0))
    kinds = Counter(fact.kind for fact in document.facts)
    lines.append("facts: " + (", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "none"))
    issues = list(document.parse_issues())
    lines.append(f"issues: {len(issues)}")
    lines.extend(f"  {_where(i.span)} {i.code}: {i.message}" for i in issues)
    return lines
