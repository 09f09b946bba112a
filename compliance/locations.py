"""Where a model element stands: its span and its place in the document's meaning.

A :class:`~compliance.findings.Location` carries the span plus the section
heading, table label, row and column path.  Finding the section or the table
an element belongs to needs the whole document, so :class:`LocationIndex`
walks it once and answers for every element after that.  Rules in the rule
language and Python checks in plugins both use it.
"""

from __future__ import annotations

import bisect
from operator import itemgetter
from typing import Any, Callable, Iterable, Iterator

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
    """Answers :meth:`locate` for any element of one document (built once, read many times).

    Each map is built the first time a question needs it: many evaluations locate nothing, and
    most locate only some kinds of element.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        # id() keys: model objects are frozen and live as long as the document.
        self._owners: list[tuple[Table, Row]] | None = None
        self._row_table: dict[int, Table] | None = None
        self._cell_owner: dict[int, tuple[Table, Row]] | None = None
        self._indicator_perf: dict[int, PerfTable] | None = None
        # Section start lines in order, the heading path of each, and the path of each section by id().
        self._section_starts: list[int] | None = None
        self._section_paths: list[str] = []
        self._section_by_id: dict[int, str] = {}
        # Filled as findings ask: a table's column paths by position, rows as a reviewer names them.
        self._column_paths: dict[int, dict[int, tuple[str, ...]]] = {}
        self._row_labels: dict[int, tuple[Row, str]] = {}

    def section_at(self, line: int) -> str | None:
        """The heading path of the innermost section starting at or before ``line``."""
        if line <= 0:
            return None
        starts = self._section_starts
        if starts is None:
            starts = self._index_sections()
        position = bisect.bisect_right(starts, line) - 1
        return self._section_paths[position] if position >= 0 else None

    def table_of(self, element: Row | Cell) -> Table | None:
        if isinstance(element, Cell):
            owner = self._cells().get(id(element))
            return owner[0] if owner else None
        return self._rows().get(id(element))

    def locate(self, element: object) -> Location:
        """The location of a model element; an unknown object gives an empty location."""
        locator = _LOCATORS.get(element.__class__)
        if locator is not None:
            return locator(self, element)
        for kind, locator in _LOCATORS.items():  # a subclass of a model class, or another object
            if isinstance(element, kind):
                return locator(self, element)
        span = getattr(element, "span", None)
        if isinstance(span, Span):
            return Location(span, self._section(span))
        return Location()

    def locate_all(self, elements: Iterable[object]) -> tuple[Location, ...]:
        return tuple(self.locate(e) for e in elements)

    # Locations are built with positional fields (span, section, table, row, column_path):
    # findings are located by the hundred per evaluation, and keywords cost a quarter more.

    def _cell(self, cell: Cell) -> Location:
        owner = self._cells().get(id(cell))
        if owner is None:
            return Location(cell.span, self._section(cell.span))
        table, row = owner
        paths = self._column_paths.get(id(table))
        if paths is None:
            paths = self._column_paths[id(table)] = {}
            for column in table.columns:
                paths.setdefault(column.index, column.path)  # the first column at a position, as printed
        span = cell.span if cell.span.start_line else row.span
        column_path = paths.get(cell.column, ())
        return Location(span, self._section(span), table.label, self._row_label(row), column_path)

    def _row(self, row: Row) -> Location:
        table = self._rows().get(id(row))
        table_label = table.label if table else None
        return Location(row.span, self._section(row.span), table_label, self._row_label(row))

    def _table(self, table: Table) -> Location:
        return Location(table.span, self._section(table.span), table.label)

    def _indicator(self, indicator: Indicator) -> Location:
        indicators = self._indicator_perf
        if indicators is None:
            indicators = self._indicator_perf = {
                id(indicator): perf for perf in self.document.perf_tables for indicator in perf.indicators
            }
        perf = indicators.get(id(indicator))
        title = perf.title if perf else None
        return Location(indicator.span, self._section(indicator.span), title, indicator.name)

    def _section_location(self, section: Section) -> Location:
        if self._section_starts is None:
            self._index_sections()
        return Location(section.span, self._section_by_id.get(id(section), section.heading))

    def _perf_table(self, perf: PerfTable) -> Location:
        return Location(perf.span, self._section(perf.span), perf.title)

    def _text(self, element: Paragraph | Fact) -> Location:
        return Location(element.span, self._section(element.span))

    def _rows(self) -> dict[int, Table]:
        if self._row_table is None:
            self._row_table = {id(row): table for table, row in self._table_rows()}
        return self._row_table

    def _cells(self) -> dict[int, tuple[Table, Row]]:
        if self._cell_owner is None:
            self._cell_owner = {id(cell): owner for owner in self._table_rows() for cell in owner[1].cells}
        return self._cell_owner

    def _table_rows(self) -> list[tuple[Table, Row]]:
        # A side of a two-sided table shares its cells with the whole table, whose row is labelled as
        # the income side's: a cell (and a row, were one ever shared) is named after the innermost
        # table that holds it, its side's, so owners are entered in document order, each side after
        # its table, and the last one entered wins.
        if self._owners is None:
            self._owners = [(table, row) for table in _tables(self.document.tables) for row in table.rows]
        return self._owners

    def _index_sections(self) -> list[int]:
        entries: list[tuple[int, str]] = []
        for path, section in _section_paths(self.document.sections, None):
            entries.append((section.span.start_line, path))
            self._section_by_id[id(section)] = path
        entries.sort(key=itemgetter(0))  # stable: sections starting on one line keep document order
        self._section_paths = [path for _, path in entries]
        self._section_starts = [start for start, _ in entries]
        return self._section_starts

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


#: How each kind of model element is located, most often located first (an exact class finds its
#: entry at once; an instance of a subclass takes the first entry it is an instance of).
_LOCATORS: dict[type, Callable[[LocationIndex, Any], Location]] = {
    Cell: LocationIndex._cell,
    Row: LocationIndex._row,
    Table: LocationIndex._table,
    Indicator: LocationIndex._indicator,
    Section: LocationIndex._section_location,
    PerfTable: LocationIndex._perf_table,
    Paragraph: LocationIndex._text,
    Fact: LocationIndex._text,
}


def row_label(row: Row) -> str:
    """A row as a reviewer names it: its code parts and its label (``201 03 02 一般行政管理事务``)."""
    return " ".join(filter(None, (*row.code, row.label))).strip()


def _tables(tables: Iterable[Table]) -> Iterator[Table]:
    """Every table and, after each, its sides (and theirs), in document order."""
    for table in tables:
        yield table
        yield from _tables(table.sides)


def _section_paths(sections: Iterable[Section], parent: str | None) -> Iterator[tuple[str, Section]]:
    """Each section with its heading path (the headings from the outermost, joined), in document order."""
    for section in sections:
        path = section.heading if parent is None else parent + SECTION_SEPARATOR + section.heading
        yield path, section
        if section.children:
            yield from _section_paths(section.children, path)


def locate(element: object, document: Document) -> Location:
    """One-off convenience; build a :class:`LocationIndex` when locating many elements."""
    return LocationIndex(document).locate(element)
