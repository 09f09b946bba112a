"""Built-in loader for Excel disclosures (.xlsx) with openpyxl, imported only when one is loaded.

Sheets are read in order, usually one table each with its caption rows above
it.  Bordered rows are table rows (rows of two or more filled cells when a
sheet draws no borders at all); the other filled cells are text lines.
Merged ranges become merged cells with their spans.  Values are the cached
results (``data_only=True``): a workbook whose formulas have no cached value
is refused, since its figures cannot be known without recalculating it.
Numbers go through ``Decimal(str(v))`` and are printed with the cell's number
format (decimals, thousands separators), so ``3034.1`` under ``#,##0.00``
reads ``3,034.10`` as printed; a code that a spreadsheet turned into a number
(``3`` under a ``款`` header) gets its leading zero back.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NamedTuple

from compliance import hookimpl
from compliance.errors import LoadError
from compliance.model import Document
from plugins_builtin.formats import limits
from plugins_builtin.formats.ooxml import open_package, parse_xml, read_part
from plugins_builtin.formats.pieces import CAPTION_LINE, Grid, GridCell, Piece, TextPiece, clean_cell_text

_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: Header texts of code columns whose codes have two digits (款, 项).
TWO_DIGIT_CODE_HEADERS = frozenset({"款", "项"})


class _Range(NamedTuple):
    """A merged range, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int


def _scan_sheets(package: Any, source: str) -> dict[str, tuple[list[_Range], list[str]]]:
    """Per sheet part: its merged ranges and the formula cells that carry no cached value.

    Read from the XML directly: openpyxl's read-only mode (much faster) does
    not report merged ranges, and no mode says which formulas lack a value.
    """
    from openpyxl.utils.cell import range_boundaries

    found: dict[str, tuple[list[_Range], list[str]]] = {}
    for name in sorted(n for n in package.namelist() if _SHEET_PART.match(n)):
        raw = read_part(package, name, source)
        merges: list[_Range] = []
        missing: list[str] = []
        if b"<f" in raw or b"<mergeCell" in raw:
            root = parse_xml(raw, source)
            for merge in root.iter(f"{_MAIN}mergeCell"):
                min_col, min_row, max_col, max_row = range_boundaries(merge.get("ref"))
                merges.append(_Range(min_row, min_col, max_row, max_col))
            for cell in root.iter(f"{_MAIN}c"):
                formula = cell.find(f"{_MAIN}f")
                value = cell.find(f"{_MAIN}v")
                if formula is not None and (value is None or value.text in (None, "")):
                    missing.append(f"{name.rsplit('/', 1)[-1].removesuffix('.xml')}!{cell.get('r')}")
        found[name] = (merges, missing)
    return found


def number_text(value: int | float | Decimal, number_format: str) -> str:
    """A number as the cell prints it: decimals and thousands separators from its format."""
    amount = Decimal(str(value))
    section = (number_format or "General").split(";")[0]
    if "%" in section:
        amount *= 100
    places = None
    if section != "General":
        decimals = re.search(r"\.([0#]+)", section)
        places = len(decimals.group(1)) if decimals else 0
    if places is not None:
        # Excel shows a half away from zero (2.125 as 2.13, -0.5 as -1); Decimal's ROUND_HALF_UP is that.
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    text = f"{amount:,}" if "," in section else f"{amount}"
    return text + "%" if "%" in section else text


def _cell_text(cell: Any, number_format: str) -> tuple[str, bool]:
    """The printed text of a cell and whether it was an integer number."""
    value = cell.value
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, (int, float, Decimal)):
        integral = isinstance(value, int) or float(value).is_integer()
        return number_text(value, number_format), integral
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" "), False
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), False
    return clean_cell_text(str(value)), False


def _bordered(cell: Any) -> bool:
    border = cell.border
    return any(side is not None and side.style for side in (border.left, border.right, border.top, border.bottom))


def _sheet_pieces(ws: Any, merges: list[_Range], max_rows: int, source: str) -> list[Piece]:
    covered = {
        (r, c): rng for rng in merges for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)
    }
    rows: list[tuple[int, list[tuple[int, str, bool]], bool]] = []
    any_border = False
    styles: dict[int, tuple[str, bool]] = {}
    frame: dict[int, list[int]] = {}  # row → columns of its bordered cells (an empty bordered column counts)
    for row in ws.iter_rows():
        if row and getattr(row[0], "row", 0) > max_rows:
            raise LoadError(f"sheet {ws.title!r} has more than {max_rows:,} rows, the limit", source=source)
        filled: list[tuple[int, str, bool]] = []
        bordered = False
        for cell in row:
            if not hasattr(cell, "column"):
                continue
            # Styles are shared by many cells: look each one up once (openpyxl rebuilds them per access).
            style_id = getattr(cell, "_style_id", None)
            style = styles.get(style_id) if style_id is not None else None
            if style is None:
                style = (cell.number_format, _bordered(cell))
                if style_id is not None:
                    styles[style_id] = style
            text, integral = _cell_text(cell, style[0])
            if text:
                filled.append((cell.column, text, integral))
            if style[1]:
                bordered = True
                frame.setdefault(cell.row, []).append(cell.column)
        any_border = any_border or bordered
        if filled or bordered:
            rows.append((row[0].row, filled, bordered))

    def is_table_row(filled: list[tuple[int, str, bool]], bordered: bool) -> bool:
        if any_border:
            return bordered
        return len(filled) >= 2 and not all(CAPTION_LINE.search(t) for _, t, _ in filled)

    pieces: list[Piece] = []
    run: list[tuple[int, list[tuple[int, str, bool]]]] = []
    for number, filled, bordered in rows:
        if is_table_row(filled, bordered):
            if run and number != run[-1][0] + 1:
                pieces.append(_grid(run, covered, frame))
                run = []
            run.append((number, filled))
            continue
        if run:
            pieces.append(_grid(run, covered, frame))
            run = []
        pieces.extend(TextPiece(text) for _, text, _ in filled)
    if run:
        pieces.append(_grid(run, covered, frame))
    return pieces


def _grid(
    run: list[tuple[int, list[tuple[int, str, bool]]]], covered: dict[tuple[int, int], Any], frame: dict[int, list[int]]
) -> Grid:
    first_row, last_row = run[0][0], run[-1][0]
    columns = [c for _, filled in run for c, _, _ in filled]
    columns += [c for (r, c) in covered if first_row <= r <= last_row]
    columns += [c for r, _ in run for c in frame.get(r, ())]
    first_col, last_col = min(columns), max(columns)
    texts = {(r, c): (t, integral) for r, filled in run for c, t, integral in filled}
    cells: list[GridCell] = []
    integral_cells: set[tuple[int, int]] = set()
    for r in range(first_row, last_row + 1):
        for c in range(first_col, last_col + 1):
            rng = covered.get((r, c))
            rowspan = colspan = 1
            if rng is not None:
                if (r, c) != (max(rng.min_row, first_row), max(rng.min_col, first_col)):
                    continue
                rowspan = min(rng.max_row, last_row) - r + 1
                colspan = min(rng.max_col, last_col) - c + 1
            text, integral = texts.get((r, c), ("", False))
            if integral:
                integral_cells.add((r - first_row, c - first_col))
            cells.append(GridCell(r - first_row, c - first_col, text, rowspan, colspan))
    n_rows = last_row - first_row + 1
    grid = Grid(tuple(cells), n_rows, last_col - first_col + 1, row_pages=(None,) * n_rows)
    return _restore_code_zeros(grid, integral_cells)


def _restore_code_zeros(grid: Grid, integral_cells: set[tuple[int, int]]) -> Grid:
    """Give back the leading zero of 款/项 codes that a spreadsheet stored as numbers."""
    from attrs import evolve

    two_digit = {
        cell.col
        for cell in grid.cells
        if cell.colspan == 1 and clean_cell_text(cell.text).replace(" ", "") in TWO_DIGIT_CODE_HEADERS
    }
    if not two_digit:
        return grid
    cells = tuple(
        evolve(cell, text=cell.text.zfill(2))
        if cell.col in two_digit and (cell.row, cell.col) in integral_cells and len(cell.text) == 1
        else cell
        for cell in grid.cells
    )
    return evolve(grid, cells=cells)


def extract_xlsx(data: bytes, *, source: str, max_rows: int = limits.MAX_SHEET_ROWS) -> list[Piece]:
    """Read an .xlsx's bytes into pieces, sheet by sheet."""
    package = open_package(data, source, "Excel (.xls)", ".xlsx")
    with package:
        if "xl/workbook.xml" not in package.namelist():
            raise LoadError("not an Excel workbook: the package has no xl/workbook.xml", source=source)
        sheets = _scan_sheets(package, source)
    missing = [ref for _merges, refs in sheets.values() for ref in refs]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise LoadError(
            f"{len(missing)} formula cell(s) have no cached value ({shown}); "
            "open and save the workbook in a spreadsheet program so the figures are stored",
            source=source,
        )
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on damaged workbooks
        raise LoadError(f"damaged Excel workbook ({type(exc).__name__}: {exc})", source=source) from exc
    try:
        pieces: list[Piece] = []
        for ws in workbook.worksheets:
            merges = sheets.get(str(getattr(ws, "_worksheet_path", "")).lstrip("/"), ([], []))[0]
            pieces.extend(_sheet_pieces(ws, merges, max_rows, source))
    finally:
        workbook.close()
    if not pieces:
        raise LoadError("empty Excel workbook: no filled cells", source=source)
    return pieces


def load_xlsx(path: Path, data: bytes, *, max_bytes: int = limits.MAX_BYTES,
              max_rows: int = limits.MAX_SHEET_ROWS) -> Document:
    """Load an Excel disclosure (no enrichment)."""
    from plugins_builtin.formats.to_document import pieces_to_document

    source = str(path)
    limits.check_size(data, source, max_bytes)
    return pieces_to_document(source, extract_xlsx(data, source=source, max_rows=max_rows), "xlsx")


@hookimpl
def compliance_load_document(path: Path, data: bytes) -> Document | None:
    if path.suffix.lower() != ".xlsx":
        return None
    return load_xlsx(path, data)
