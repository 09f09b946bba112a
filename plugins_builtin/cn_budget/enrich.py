"""Enrichment: table kinds, two-sided tables, empty tables and their explanations, facts, metadata.

Runs on a document the assembler built (from any format) and returns a new
one; nothing is mutated.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from attrs import evolve

from compliance.model import Column, Document, Paragraph, Section, Table
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.facts import extract_facts
from plugins_builtin.cn_budget.tables import has_figures, rows_from_cells

EMPTY_EXPLANATION = "empty_table_explanation"


def department_of(document: Document) -> str | None:
    """The preparing department: the 编制部门 most tables name, else a perf table's owner."""
    names = Counter(
        table.meta[label] for table in document.tables for label in vocab.DEPARTMENT_LABELS if table.meta.get(label)
    )
    if names:
        return names.most_common(1)[0][0]
    return next((p.owner for p in document.perf_tables if p.owner), None)


def jurisdiction_of(*texts: str) -> str | None:
    """The first jurisdiction whose markers appear in the texts."""
    joined = " ".join(t for t in texts if t)
    for name, markers in vocab.JURISDICTIONS:
        if any(marker in joined for marker in markers):
            return name
    return None


def split_sides(table: Table) -> tuple[Table, ...]:
    """The income and expenditure sides of a two-sided table, each a table of its own."""
    groups: list[tuple[str, list[Column]]] = []
    for column in table.columns:
        top = column.path[0] if column.path else ""
        if groups and groups[-1][0] == top:
            groups[-1][1].append(column)
        else:
            groups.append((top, [column]))
    sides = []
    for top, columns in groups:
        side = next((name for word, name in vocab.SIDE_NAMES if word in top), None)
        if side is None:
            continue
        # Side columns keep their printed indices, so sides share the table's cells.
        first, last = columns[0].index, columns[-1].index + 1
        rows = rows_from_cells(table.rows, columns)
        header = tuple(tuple(r[first:last]) for r in table.header)
        sides.append(evolve(table, columns=tuple(columns), rows=rows, header=header, side=side, sides=()))
    return tuple(sides)


def enrich_table(table: Table, extra_kinds: dict[str, str] | None = None) -> Table:
    """A table with its kind, sides (when two-sided) and emptiness."""
    kind = table.kind or vocab.table_kind(table.title, extra_kinds)
    changes: dict[str, object] = {"kind": kind, "empty": not has_figures(table.rows)}
    if kind in vocab.TWO_SIDED_KINDS and not table.sides:
        sides = split_sides(table)
        changes["sides"] = tuple(evolve(side, kind=kind) for side in sides)
    return evolve(table, **changes)


#: The note speaks of the table it follows ("故本表为空表", "该表为空表"); 因此表… is not 此表.
_THIS_TABLE = re.compile(r"(?:本|该|(?<!因)此)表")
#: The table a note names as empty: the words ending in 表 just before 为空表.
_NAMED_EMPTY = re.compile(r"([^，。,；;：:、\s]+?表)\s*为空表")


def speaks_of(note: Paragraph, table: Table) -> bool:
    """True when an empty-table note is about ``table``: it says 本表, or names this very table.

    A note under a table with figures is read as that table's only when it
    says so; "表8为空表" under 表7 speaks of another table.
    """
    if _THIS_TABLE.search(note.text):
        return True
    named = _NAMED_EMPTY.search(note.text)
    if named is None:
        return False
    name, title = vocab.normalise_title(named.group(1)), vocab.normalise_title(table.title)
    return name in title or title in name


def _is_explained_by(table: object, following: object) -> bool:
    """A table not yet explained, followed by a note saying it is empty.

    An empty table takes any such note (CN-TAB-002 asks only that one be
    there); a table with figures takes a note that speaks of it, so a rule can
    report the contradiction (Table.empty still means "no figures").
    """
    return (isinstance(table, Table) and table.explanation is None
            and isinstance(following, Paragraph) and vocab.EMPTY_TABLE_NOTE.search(following.text) is not None
            and (table.empty or speaks_of(following, table)))


def _explain_empty(blocks: Sequence[object], replaced: dict[int, object]) -> list[object]:
    """Attach the paragraph right after a table that says the table is empty."""
    out = [replaced.get(id(b), b) for b in blocks]
    for index, block in enumerate(out[:-1]):
        following = out[index + 1]
        if _is_explained_by(block, following):
            note = evolve(following, role=EMPTY_EXPLANATION)
            replaced[id(blocks[index + 1])] = note
            out[index + 1] = note
            explained = evolve(block, explanation=note)
            replaced[id(blocks[index])] = explained
            out[index] = explained
    return out


def _rebuild(sections: Sequence[Section], replaced: dict[int, object]) -> tuple[Section, ...]:
    return tuple(
        evolve(s, blocks=tuple(_explain_empty(s.blocks, replaced)), children=_rebuild(s.children, replaced))
        for s in sections
    )


def enrich(document: Document) -> Document:
    """The document with its domain meaning filled in."""
    replaced: dict[int, object] = {id(t): enrich_table(t) for t in document.tables}
    preamble = tuple(_explain_empty(document.preamble, replaced))
    sections = _rebuild(document.sections, replaced)
    department = department_of(document)
    meta = dict(document.meta)
    meta.setdefault("title", document.title)
    if department:
        meta.setdefault("department", department)
    year = vocab.YEAR.search(document.title) or next(
        (m for m in (vocab.YEAR.search(p.meta.get("period", "") + "年") for p in document.perf_tables) if m), None)
    if year:
        meta.setdefault("year", year.group(1))
    jurisdiction = jurisdiction_of(document.title, department or "")
    if jurisdiction:
        meta.setdefault("jurisdiction", jurisdiction)
    return evolve(
        document,
        sections=sections,
        preamble=preamble,
        tables=tuple(replaced[id(t)] for t in document.tables),  # type: ignore[misc]
        paragraphs=tuple(replaced.get(id(p), p) for p in document.paragraphs),  # type: ignore[misc]
        facts=extract_facts(sections, preamble, department),
        meta=meta,
    )
