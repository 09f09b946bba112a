"""Built-in loader for Word disclosures (.docx), read straight from the package XML with lxml.

Paragraphs and tables come in document order.  Merged cells are read from
the cell XML: ``w:gridSpan`` gives a cell's width in grid columns and
``w:vMerge`` without a value continues the cell above, so a merged cell is
one cell with its spans (``python-docx``'s ``row.cells`` would repeat its
text in every slot).  lxml is imported only when a .docx is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from compliance import hookimpl
from compliance.errors import LoadError
from compliance.model import Document
from plugins_builtin.formats import limits
from plugins_builtin.formats.ooxml import open_package, parse_xml, read_part
from plugins_builtin.formats.pieces import Grid, GridCell, Piece, TextPiece, clean_cell_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT_PART = "word/document.xml"


def _text(element: Any) -> str:
    """The text of a paragraph or cell: runs concatenated, tabs and breaks kept as such."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}p"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append(" ")
        elif parts:  # a break, or the start of another paragraph in a cell
            parts.append("\n")
    return "".join(parts)


def _val(element: Any, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(f"{_W}val")


def _table(tbl: Any) -> Grid:
    """A ``w:tbl`` as a grid: ``gridSpan`` widens a cell, ``vMerge`` continuation lengthens the one above."""
    cells: list[GridCell] = []
    open_above: dict[int, int] = {}  # grid column → index in cells of the cell a vMerge continues
    n_cols = 0
    rows = tbl.findall(f"{_W}tr")
    for r, tr in enumerate(rows):
        col = int(_val(tr, f"{_W}trPr/{_W}gridBefore") or 0)
        for tc in tr.findall(f"{_W}tc"):
            span = int(_val(tc, f"{_W}tcPr/{_W}gridSpan") or 1)
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continues = merge is not None and merge.get(f"{_W}val") in (None, "continue")
            if continues and col in open_above:
                index = open_above[col]
                cells[index] = _lengthen(cells[index])
            else:
                text = clean_cell_text(_text(tc))
                cells.append(GridCell(r, col, text, 1, span))
                if merge is not None:
                    open_above[col] = len(cells) - 1
                else:
                    open_above.pop(col, None)
            col += span
        n_cols = max(n_cols, col)
    return Grid(tuple(cells), len(rows), n_cols, row_pages=(None,) * len(rows))


def _lengthen(cell: GridCell) -> GridCell:
    from attrs import evolve

    return evolve(cell, rowspan=cell.rowspan + 1)


def _body_pieces(body: Any) -> Iterator[Piece]:
    """Paragraphs and tables in document order (content controls looked into)."""
    for child in body:
        tag = child.tag
        if tag == f"{_W}p":
            text = clean_cell_text(_text(child))
            style = _val(child, f"{_W}pPr/{_W}pStyle")
            bold = child.find(f".//{_W}rPr/{_W}b") is not None
            if text:
                yield TextPiece(text, style=style, bold=bold)
        elif tag == f"{_W}tbl":
            yield _table(child)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_pieces(content)


def extract_docx(data: bytes, *, source: str) -> list[Piece]:
    """Read a .docx's bytes into pieces in document order."""
    package = open_package(data, source, "Word (.doc)", ".docx")
    with package:
        root = parse_xml(read_part(package, _DOCUMENT_PART, source), source)
    body = root.find(f"{_W}body")
    if body is None:
        raise LoadError("damaged Word document: no body", source=source)
    pieces = list(_body_pieces(body))
    if not pieces:
        raise LoadError("empty Word document: no paragraphs or tables", source=source)
    return pieces


def load_docx(path: Path, data: bytes, *, max_bytes: int = limits.MAX_BYTES) -> Document:
    """Load a Word disclosure (no enrichment)."""
    from plugins_builtin.formats.to_document import pieces_to_document

    source = str(path)
    limits.check_size(data, source, max_bytes)
    return pieces_to_document(source, extract_docx(data, source=source), "docx")


@hookimpl
def compliance_load_document(path: Path, data: bytes) -> Document | None:
    if path.suffix.lower() != ".docx":
        return None
    return load_docx(path, data)
