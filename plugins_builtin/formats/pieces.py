"""The neutral output of every format's extraction layer: text lines and table grids.

A format loader reads its file into a sequence of :class:`TextPiece` (a line
or paragraph of prose, a heading, a caption line) and :class:`Grid` (a table
with its merged cells), in reading order.  PDF pieces keep their page and box
so that a finding can point at "page 12" and a report can highlight the cell;
the other formats have neither, and their spans are positions in the text
form the pieces are laid out as (see :mod:`plugins_builtin.formats.to_document`).

Nothing here knows of any particular format or of budget tables.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence, Union

from attrs import field, frozen

BBox = tuple[float, float, float, float]

#: Characters across which a wrapped line is re-joined with a space: only
#: Latin letters (a word cut by a line break).  Chinese text, digits and
#: punctuation join without one.
_LATIN_END = re.compile(r"[A-Za-z]$")
_LATIN_START = re.compile(r"^[A-Za-z]")
#: Caption lines (a table title, 编制部门/单位 lines) that some producers put inside a table's frame.
CAPTION_LINE = re.compile(r"(表$|^编制(部门|单位)\s*[:：]|^(金额)?单位\s*[:：])")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def join_wrapped(lines: Iterable[str]) -> str:
    """Re-join lines that were wrapped by layout, without spaces between Chinese characters.

    ``["财政拨款", "（补助）小计"]`` → ``"财政拨款（补助）小计"``;
    ``["Budget", "law"]`` → ``"Budget law"``.
    """
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and _LATIN_END.search(out) and _LATIN_START.match(line):
            out += " "
        out += line
    return out


#: Kangxi radicals and CJK radical supplements: PDF fonts often map ideograph glyphs to these
#: look-alike code points (``⼀`` for ``一``).  They are a text-layer artefact, never meant.
_RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf]")


def repair_radicals(text: str) -> str:
    """Radical look-alikes back to the ideographs they stand for (``⼀般`` → ``一般``); the rest untouched."""
    if not _RADICALS.search(text):
        return text
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def clean_cell_text(text: str | None) -> str:
    """A cell's text as one line: wrapped lines re-joined, blanks collapsed, radical look-alikes repaired."""
    if not text:
        return ""
    return repair_radicals(_SPACES.sub(" ", join_wrapped(text.splitlines())).strip())


@frozen
class TextPiece:
    """A line (or re-joined paragraph) of text outside tables.

    ``size`` is the font size where the format knows it (PDF), ``style`` a
    style name where it has one (a Word paragraph style such as
    ``"Heading 1"``); both are hints for heading recognition only.
    """

    text: str
    page: int | None = None
    bbox: BBox | None = None
    size: float | None = None
    style: str | None = None
    bold: bool = False


@frozen
class GridCell:
    """One cell as printed: its text, where it starts, how many rows and columns it covers."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None


@frozen
class Grid:
    """A table as a grid of cells, merged cells recorded once with their spans.

    ``row_pages`` gives the page of each row (a table continued across pages
    keeps each row's own page).  ``col_edges`` are the x-positions of the
    column boundaries (PDF only), used to align continuation pieces.
    """

    cells: tuple[GridCell, ...]
    n_rows: int
    n_cols: int
    page: int | None = None
    bbox: BBox | None = None
    row_pages: tuple[int | None, ...] = ()
    col_edges: tuple[float, ...] = field(default=(), eq=False)

    def matrix(self) -> list[list[str]]:
        """Rows of cell texts; a merged cell's text stands in its first slot, the slots it covers are ``""``."""
        rows = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row][cell.col] = cell.text
        return rows

    def anchor(self, row: int, col: int) -> GridCell | None:
        """The cell that covers slot (``row``, ``col``), merged or not."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.rowspan and cell.col <= col < cell.col + cell.colspan:
                return cell
        return None

    def row_cells(self, row: int) -> tuple[GridCell, ...]:
        """The cells that start in ``row``, left to right."""
        return tuple(sorted((c for c in self.cells if c.row == row), key=lambda c: c.col))


Piece = Union[TextPiece, Grid]


def grid_from_matrix(
    rows: Sequence[Sequence[str]],
    *,
    spans: dict[tuple[int, int], tuple[int, int]] | None = None,
    page: int | None = None,
) -> Grid:
    """Build a grid from rows of texts; ``spans`` maps (row, col) of a merged cell to (rowspan, colspan).

    Slots covered by a merged cell are skipped whatever text they hold.
    """
    spans = spans or {}
    n_cols = max((len(r) for r in rows), default=0)
    covered: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    for r, row in enumerate(rows):
        for c in range(n_cols):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
            text = row[c] if c < len(row) else ""
            cells.append(GridCell(r, c, text, rowspan, colspan, page=page))
    return Grid(tuple(cells), len(rows), n_cols, page=page, row_pages=(page,) * len(rows))
