"""Where a model element stands: its span and its place in the document's meaning.

A :class:`~compliance.findings.Location` carries the span plus the section
heading, table label, row and column path.  Finding the section or the table
an element belongs to needs the whole document, so :class:`LocationIndex`
walks it once and answers for every element after that.  Rules in the rule
language and Python checks in plugins both use it.
"""

from __future__ import annotations

import bisect
from typing import Iterable, Iterator

from compliance.findings import Location
from compliance.model import (
    Cell,
    Document,
    Fact,
    Indicator,
    Paragraph,
    PerfTable,
    Row,
    Section,
    Span,
    Table,
)

#: Joins the headings of nested sections in ``Location.section``.
SECTION_SEPARATOR = " / "


class LocationIndex:
    """Answers :meth:`locate` for any element of one document (built once, read many times)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        # id() keys: model objects are frozen and live as long as the document.  A side of a
        # two-sided table shares its cells with the whole table, whose row is labelled as the
        # income side's: a cell (and a row, were one ever shared) is named after the innermost
        # table that holds it, its side's, so owners are entered in document order, each side
        # after its table, and the last one entered wins.
        owners = [(table, row) for table in _tables(document.tables) for row in table.rows]
        self._row_table: dict[int, Table] = {id(row): table for table, row in owners}
        self._cell_owner: dict[int, tuple[Table, Row]] = {
            id(cell): owner for owner in owners for cell in owner[1].cells
        }
        self._indicator_perf: dict[int, PerfTable] = {
            id(indicator): perf for perf in document.perf_tables for indicator in perf.indicators
        }
        self._section_starts: list[int] = []
        self._section_paths: list[str] = []
        self._section_by_id: dict[int, str] = {}
        for path, section in _section_paths(document.sections, ()):
            self._section_starts.append(section.span.start_line)
            self._section_paths.append(path)
            self._section_by_id[id(section)] = path
        order = sorted(range(len(self._section_starts)), key=lambda i: self._section_starts[i])
        self._section_starts = [self._section_starts[i] for i in order]
        self._section_paths = [self._section_paths[i] for i in order]
        # Filled as findings ask: a table's column paths by position, rows as a reviewer names them.
        self._column_paths: dict[int, dict[int, tuple[str, ...]]] = {}
        self._row_labels: dict[int, tuple[Row, str]] = {}

    def section_at(self, line: int) -> str | None:
        """The heading path of the innermost section starting at or before ``line``."""
        if line <= 0:
            return None
        position = bisect.bisect_right(self._section_starts, line) - 1
        return self._section_paths[position] if position >= 0 else None

    def table_of(self, element: Row | Cell) -> Table | None:
        if isinstance(element, Cell):
            owner = self._cell_owner.get(id(element))
            return owner[0] if owner else None
        return self._row_table.get(id(element))

    def locate(self, element: object) -> Location:
        """The location of a model element; an unknown object gives an empty location."""
        if isinstance(element, Cell):
            return self._cell(element)
        if isinstance(element, Row):
            table = self._row_table.get(id(element))
            return Location(
                span=element.span,
                section=self._section(element.span),
                table=table.label if table else None,
                row=self._row_label(element),
            )
        if isinstance(element, Table):
            return Location(span=element.span, section=self._section(element.span), table=element.label)
        if isinstance(element, Indicator):
            perf = self._indicator_perf.get(id(element))
            return Location(
                span=element.span,
                section=self._section(element.span),
                table=perf.title if perf else None,
                row=element.name,
            )
        if isinstance(element, Section):
            path = self._section_by_id.get(id(element), element.heading)
            return Location(span=element.span, section=path)
        if isinstance(element, (PerfTable, Paragraph, Fact)):
            table = element.title if isinstance(element, PerfTable) else None
            return Location(span=element.span, section=self._section(element.span), table=table)
        span = getattr(element, "span", None)
        if isinstance(span, Span):
            return Location(span=span, section=self._section(span))
        return Location()

    def locate_all(self, elements: Iterable[object]) -> tuple[Location, ...]:
        return tuple(self.locate(e) for e in elements)

    def _cell(self, cell: Cell) -> Location:
        owner = self._cell_owner.get(id(cell))
        if owner is None:
            return Location(span=cell.span, section=self._section(cell.span))
        table, row = owner
        paths = self._column_paths.get(id(table))
        if paths is None:
            paths = self._column_paths[id(table)] = {}
            for column in table.columns:
                paths.setdefault(column.index, column.path)  # the first column at a position, as printed
        span = cell.span if cell.span.start_line else row.span
        return Location(
            span=span,
            section=self._section(span),
            table=table.label,
            row=self._row_label(row),
            column_path=paths.get(cell.column, ()),
        )

    def _row_label(self, row: Row) -> str:
        # Kept with the row, so that its id() cannot come to stand for another row.
        hit = self._row_labels.get(id(row))
        if hit is not None and hit[0] is row:
            return hit[1]
        label = row_label(row)
        self._row_labels[id(row)] = (row, label)
        return label

    def _section(self, span: Span | None) -> str | None:
        return self.section_at(span.start_line) if span is not None else None


def row_label(row: Row) -> str:
    """A row as a reviewer names it: its code parts and its label (``201 03 02 一般行政管理事务``)."""
    return " ".join(part for part in (*row.code, row.label) if part).strip()


def _tables(tables: Iterable[Table]) -> Iterator[Table]:
    """Every table and, after each, its sides (and theirs), in document order."""
    for table in tables:
        yield table
        yield from _tables(table.sides)


def _section_paths(sections: Iterable[Section], parents: tuple[str, ...]):
    for section in sections:
        path = (*parents, section.heading)
        yield SECTION_SEPARATOR.join(path), section
        yield from _section_paths(section.children, path)


def locate(element: object, document: Document) -> Location:
    """One-off convenience; build a :class:`LocationIndex` when locating many elements."""
    return LocationIndex(document).locate(element)
