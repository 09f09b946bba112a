"""The shared document model: one immutable tree for every loader, rule and report.

The core knows documents, sections, paragraphs, tables, rows, cells, facts and
spans, and nothing of any jurisdiction.  Domain plugins fill in the meaning
(``Table.kind``, code hierarchies, performance tables, narrative facts) by
building new objects with :func:`attrs.evolve`; nothing here is ever mutated.

Conventions
-----------
* Money is :class:`decimal.Decimal` in the table's declared unit
  (``Table.unit``); a blank cell has ``value is None``, never ``0``.
* Every element carries a :class:`Span`.  Spans take no part in equality
  (``eq=False``), so two models of the same content compare equal whatever
  format or layout they came from.
* Collections are tuples; mappings are read-only.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from attrs import field, frozen


def _readonly(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@frozen
class Span:
    """Where an element stands in its source: 1-based lines and columns, inclusive.

    ``page`` and ``bbox`` (x0, top, x1, bottom in points) are set by loaders of
    paged formats; the text loader leaves them ``None``.
    """

    start_line: int
    start_column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    @property
    def last_line(self) -> int:
        return self.end_line if self.end_line is not None else self.start_line

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.start_line,
            "column": self.start_column,
            "end_line": self.last_line,
            "end_column": self.end_column,
            "page": self.page,
            "bbox": list(self.bbox) if self.bbox is not None else None,
        }

    @classmethod
    def covering(cls, first: "Span", last: "Span") -> "Span":
        """The span from the start of ``first`` to the end of ``last``."""
        return cls(
            first.start_line,
            first.start_column,
            last.last_line,
            last.end_column,
            page=first.page,
        )


NO_SPAN = Span(0, 0, 0, 0)


@frozen
class ParseIssue:
    """A problem met while loading, attached to the element it concerns.

    Loaders keep malformed input (a row with too many cells, an unreadable
    number) and attach an issue, so that a rule can report it; nothing is
    silently dropped.
    """

    code: str
    message: str
    span: Span = field(eq=False)


@frozen
class Paragraph:
    """A run of prose.  ``text`` joins wrapped source lines without adding spaces."""

    text: str
    span: Span = field(eq=False)
    #: Explanations attach to a table when they say it is empty; plugins set this.
    role: str | None = None


@frozen
class Column:
    """A table column, identified by its header path from the top header row down.

    A two-row header such as ``财政拨款（补助）`` over ``一般公共预算`` gives the
    path ``("财政拨款（补助）", "一般公共预算")``.  ``role`` says what the
    column holds: ``"code"``, ``"label"``, ``"amount"`` or ``"text"``.
    """

    index: int
    path: tuple[str, ...]
    role: str = "text"

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def title(self) -> str:
        return "/".join(self.path)


@frozen
class Cell:
    """One body cell.  ``text`` is as printed; ``value`` its amount, if it is one."""

    column: int
    text: str
    value: Decimal | None = None
    span: Span = field(eq=False, default=NO_SPAN)
    issues: tuple[ParseIssue, ...] = ()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@frozen
class Row:
    """A body row of a table.

    ``code`` is the classification code with its parts (``("201", "03", "01")``
    for 类/款/项), ``level`` its depth in the code hierarchy (1-based),
    ``parent_code`` the code of the row it rolls up into and ``children`` the
    rows that roll up into it.  ``kind`` is ``"body"``, ``"total"`` (总计/合计
    rows that close a table) or ``"group"`` (a heading row that sums others,
    such as a department's own line above its projects).

    ``cells`` holds the cells that print something, each with its column
    index; a blank cell is absent, so :meth:`cell` returns ``None`` and
    :meth:`Table.value` reads it as ``None`` (blank, never zero).
    """

    index: int
    label: str
    cells: tuple[Cell, ...]
    span: Span = field(eq=False, default=NO_SPAN)
    code: tuple[str, ...] = ()
    level: int | None = None
    parent_code: str | None = None
    children: tuple["Row", ...] = field(default=(), eq=False, repr=False)
    kind: str = "body"
    issues: tuple[ParseIssue, ...] = ()

    @property
    def code_text(self) -> str:
        return "".join(self.code)

    @property
    def is_total(self) -> bool:
        return self.kind == "total"

    def all_issues(self) -> tuple[ParseIssue, ...]:
        """The row's own issues and those of its cells."""
        return self.issues + tuple(issue for cell in self.cells for issue in cell.issues)

    def cell(self, column: int) -> Cell | None:
        for cell in self.cells:
            if cell.column == column:
                return cell
        return None


@frozen
class Table:
    """A published table, merged across continuation pages.

    ``number`` is the printed number (``"1"`` for 表 1), ``kind`` a stable key
    given by a domain plugin (e.g. ``"income_summary"``), ``unit`` the declared
    unit of every amount in it.  ``meta`` holds the caption's labelled lines
    (e.g. the preparing department).  A two-sided table (income beside
    expenditure) keeps all its columns and rows and also offers each side as a
    table of its own in ``sides``.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    span: Span = field(eq=False)
    number: str | None = None
    kind: str | None = None
    unit: str | None = None
    meta: Mapping[str, str] = field(factory=dict, converter=_readonly)
    header: tuple[tuple[str, ...], ...] = ()
    sides: tuple["Table", ...] = ()
    side: str | None = None
    empty: bool = False
    explanation: Paragraph | None = None
    issues: tuple[ParseIssue, ...] = ()

    @property
    def label(self) -> str:
        return f"表{self.number}" if self.number else self.title

    @property
    def body_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.kind != "total")

    @property
    def total(self) -> Row | None:
        for row in reversed(self.rows):
            if row.kind == "total":
                return row
        return None

    @property
    def amount_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == "amount")

    def column(self, key: str | tuple[str, ...]) -> Column | None:
        """The column whose path equals ``key``, or ends with it, or whose name is it."""
        path = (key,) if isinstance(key, str) else tuple(key)
        for column in self.columns:
            if column.path == path:
                return column
        for column in self.columns:
            if column.path[-len(path):] == path:
                return column
        return None

    def row(self, key: str) -> Row | None:
        """The first row whose code (joined) or label equals ``key``."""
        for row in self.rows:
            if row.code_text == key or row.label == key:
                return row
        return None

    def value(self, row: Row, column: str | tuple[str, ...]) -> Decimal | None:
        col = self.column(column)
        if col is None:
            return None
        cell = row.cell(col.index)
        return cell.value if cell is not None else None


@frozen
class Target:
    """An indicator's target value: ``<=16.20 万元`` → op ``"<="``, value 16.20, unit ``"万元"``.

    Targets that are not a number (``有效提升``, a date) keep ``op``/``value``
    as ``None`` and only ``text``.
    """

    text: str
    op: str | None = None
    value: Decimal | None = None
    unit: str | None = None


@frozen
class Indicator:
    """One row of a performance target table."""

    level1: str
    level2: str
    name: str
    target: Target
    span: Span = field(eq=False)
    basis: str | None = None
    last_year: str | None = None
    weight: Decimal | None = None
    scoring: str | None = None
    evidence: str | None = None
    issues: tuple[ParseIssue, ...] = ()


@frozen
class PerfTable:
    """A performance target table (a department's overall goals, or one project's)."""

    kind: str
    title: str
    project: str
    indicators: tuple[Indicator, ...]
    span: Span = field(eq=False)
    owner: str | None = None
    manager: str | None = None
    goal: str | None = None
    budget: Mapping[str, Decimal | None] = field(factory=dict, converter=_readonly)
    issues: tuple[ParseIssue, ...] = ()
    #: Other labelled values of the table (e.g. ``"period"``: the year printed under the title).
    meta: Mapping[str, str] = field(factory=dict, converter=_readonly)

    @property
    def total_weight(self) -> Decimal | None:
        """The sum of the indicators' weights (blank weights count as nothing); blank when none is printed."""
        weights = [i.weight for i in self.indicators if i.weight is not None]
        return sum(weights, Decimal(0)) if weights else None


@frozen
class Fact:
    """A figure stated in prose, with the subject it speaks of.

    ``kind`` is set by the plugin that extracted it (``"amount"``, ``"share"``,
    ``"change"``, ``"allocation"`` …).  For a year-on-year change, ``amount``
    is the current figure, ``delta`` the change (always non-negative, as
    printed), ``direction`` ``"increase"`` or ``"decrease"`` and ``percent``
    the stated rate.  An allocation list keeps its parts in ``items``.
    """

    kind: str
    subject: str
    text: str
    span: Span = field(eq=False)
    amount: Decimal | None = None
    unit: str | None = None
    percent: Decimal | None = None
    share: Decimal | None = None
    delta: Decimal | None = None
    direction: str | None = None
    items: tuple["Fact", ...] = ()
    section: str | None = None
    #: Problems noticed while reading the statement (e.g. 增加 … 下降 in one breath).
    issues: tuple[ParseIssue, ...] = ()


@frozen
class TocEntry:
    """One line of the table of contents; ``number``/``style`` as in :class:`Section`."""

    number: str
    title: str
    level: int
    span: Span = field(eq=False)
    style: str = ""


@frozen
class Toc:
    """The table of contents (目录), kept apart from the headings it lists."""

    entries: tuple[TocEntry, ...]
    span: Span = field(eq=False)


Block = Paragraph | Table | PerfTable


@frozen
class Section:
    """A numbered heading and what stands under it, down to the next heading of its level or above.

    ``number`` is the numbering as printed without its punctuation (``"第一部分"``,
    ``"一"``, ``"（一）"`` → ``"一"``, ``"1"``); ``style`` names the numbering
    style (``"part"``, ``"chinese"``, ``"paren"``, ``"arabic"``) and ``ordinal``
    its value as an integer.
    """

    number: str
    title: str
    level: int
    span: Span = field(eq=False)
    style: str = ""
    ordinal: int | None = None
    blocks: tuple[Block, ...] = ()
    children: tuple["Section", ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def key(self) -> str:
        """The number as one step of a section path: parenthesised numbers keep ``（）``."""
        return f"（{self.number}）" if self.style == "paren" else self.number

    def walk(self) -> Iterator["Section"]:
        yield self
        for child in self.children:
            yield from child.walk()


@frozen
class Document:
    """A loaded disclosure.

    ``sections`` is the heading tree; ``tables``, ``perf_tables``,
    ``paragraphs`` and ``facts`` list the same elements flat, in document
    order, for rules that do not care where they stand.  ``lines`` keeps the
    source text (for quoting it in reports); it takes no part in equality.
    """

    path: str
    title: str
    sections: tuple[Section, ...] = ()
    toc: Toc | None = None
    tables: tuple[Table, ...] = ()
    perf_tables: tuple[PerfTable, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    facts: tuple[Fact, ...] = ()
    preamble: tuple[Block, ...] = ()
    meta: Mapping[str, str] = field(factory=dict, converter=_readonly)
    format: str = "text"
    issues: tuple[ParseIssue, ...] = ()
    lines: tuple[str, ...] = field(default=(), eq=False, repr=False)

    def all_sections(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def table(self, key: str) -> Table | None:
        """A table by its number (``"2"``), label (``"表2"``), kind or exact title."""
        for table in self.tables:
            # `key in (number, label, kind, title)`, without making each table's label.
            if key == table.number or key == table.kind or key == table.title or (
                    table.number and key == "表" + table.number):
                return table
        return None

    def parse_issues(self) -> Iterator[ParseIssue]:
        """Every loading issue in the document: its own, its tables', rows', cells', indicators' and facts'."""
        yield from self.issues
        # Sides of a two-sided table share their rows' cells with it: walk the table only.
        for table in self.tables:
            yield from table.issues
            for row in table.rows:
                yield from row.issues
                for cell in row.cells:
                    yield from cell.issues
        for perf in self.perf_tables:
            yield from perf.issues
            for indicator in perf.indicators:
                yield from indicator.issues
        for fact in self.facts:
            yield from fact.issues

    def section(self, key: str) -> Section | None:
        """The first section whose number or title equals ``key``."""
        for section in self.all_sections():
            if key in (section.number, section.title, section.heading):
                return section
        return None
