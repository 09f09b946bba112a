"""Pieces → the document model, through the same assembler as the text loader.

Every format's pieces are laid out as the text form lays out a disclosure:
one prose block per text piece with a blank block between pieces (the
extraction layer has already re-joined wrapped lines), and one row block per
grid row, cells in grid order, a merged cell's text in its first slot.  The
assembler (:func:`plugins_builtin.cn_budget.assemble.assemble`) then applies
the section-tree and caption rules every format shares.

The blocks carry pages but not boxes, so the boxes are put back afterwards:
each block's synthetic line (and each cell's column on it) is mapped to the
box it came from, and every span in the finished document that starts there
gets that box.  The synthetic lines become ``Document.lines``, so a report
can quote a PDF's table row as its cells separated by tabs.
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs

from compliance.model import Document, Span
from plugins_builtin.cn_budget.assemble import assemble
from plugins_builtin.cn_budget.blocks import BLANK, PROSE, ROW, Block
from plugins_builtin.formats.pieces import BBox, Grid, Piece, TextPiece

_Where = tuple[int | None, BBox | None]

#: A line set at least this much larger than the body text, and short, is a chapter heading
#: even without numbering (Shanghai prints its chapter titles in 18 pt over 12 or 14 pt body text).
HEADING_SIZE_RATIO = 1.2
HEADING_MAX_CHARS = 40
#: The cover page's title lines are set large too; they are the document's title, not headings.
_COVER_PAGE = 1


def body_size(pieces: Sequence[Piece]) -> float | None:
    """The type size most of the prose is set in (weighted by characters), where the format knows sizes."""
    weights: dict[float, int] = {}
    for piece in pieces:
        if isinstance(piece, TextPiece) and piece.size:
            weights[piece.size] = weights.get(piece.size, 0) + len(piece.text)
    return max(weights, key=weights.__getitem__) if weights else None


def is_heading(piece: TextPiece, body: float | None) -> bool:
    """Is this text piece a chapter heading by its type size alone?"""
    if body is None or not piece.size or piece.page == _COVER_PAGE:
        return False
    text = piece.text
    return (piece.size >= HEADING_SIZE_RATIO * body and len(text) <= HEADING_MAX_CHARS
            and not text.endswith(("。", "；", "：", ":")))


def layout_blocks(pieces: Sequence[Piece]) -> tuple[list[Block], list[str], dict[tuple[int, int], _Where]]:
    """The blocks, the synthetic source lines, and where each (line, column) came from."""
    blocks: list[Block] = []
    lines: list[str] = []
    where: dict[tuple[int, int], _Where] = {}
    body = body_size(pieces)

    def blank() -> None:
        if lines and lines[-1] != "":
            lines.append("")
            blocks.append(Block(BLANK, len(lines), 1, ""))

    for piece in pieces:
        if isinstance(piece, TextPiece):
            if not piece.text:
                continue
            blank()
            lines.append(piece.text)
            number = len(lines)
            blocks.append(Block(PROSE, number, 1, piece.text, page=piece.page, heading=is_heading(piece, body)))
            where[(number, 1)] = (piece.page, piece.bbox)
            continue
        blank()
        matrix = piece.matrix()
        anchors = {(c.row, c.col): c for c in piece.cells}
        for r, texts in enumerate(matrix):
            lines.append("\t".join(texts))
            number = len(lines)
            page = piece.row_pages[r] if r < len(piece.row_pages) else piece.page
            cells = []
            column = 1
            for c, text in enumerate(texts):
                cells.append((text, column))
                anchor = anchors.get((r, c))
                if anchor is not None:
                    where[(number, column)] = (anchor.page, anchor.bbox)
                column += len(text) + 1
            blocks.append(Block(ROW, number, 1, lines[-1].strip(), tuple(cells), page=page))
            boxes = [c.bbox for c in piece.row_cells(r) if c.bbox is not None]
            if boxes:
                row_box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
                where[(number, 0)] = (page, row_box)
        blank()
    if lines and lines[-1] == "":
        lines.pop()
        blocks.pop()
    return blocks, lines, where


def pieces_to_document(path: str, pieces: Sequence[Piece], fmt: str) -> Document:
    """Assemble pieces into a document and give its spans back their pages and boxes."""
    blocks, lines, where = layout_blocks(pieces)
    document = assemble(path, blocks, lines, fmt)
    if not any(box is not None for _page, box in where.values()):
        return document  # formats without boxes (Word, Excel, HTML): nothing to put back
    return _with_boxes(document, where)


def _with_boxes(document: Document, where: dict[tuple[int, int], _Where]) -> Document:
    memo: dict[int, Any] = {}

    def fix_span(span: Span) -> Span:
        hit = where.get((span.start_line, span.start_column)) or where.get((span.start_line, 0))
        if hit is None or hit[1] is None or span.bbox is not None:
            return span
        page, bbox = hit
        return attrs.evolve(span, page=span.page if span.page is not None else page, bbox=bbox)

    def visit(value: Any) -> Any:
        if isinstance(value, Span):
            return fix_span(value)
        if isinstance(value, tuple):
            new = tuple(visit(v) for v in value)
            return value if all(a is b for a, b in zip(new, value)) else new
        if not attrs.has(type(value)):
            return value
        key = id(value)
        if key in memo:
            return memo[key]
        changes = {}
        for field in attrs.fields(type(value)):
            if field.name == "lines":
                continue
            old = getattr(value, field.name)
            new = visit(old)
            if new is not old:
                changes[field.name.lstrip("_")] = new
        result = attrs.evolve(value, **changes) if changes else value
        memo[key] = result
        return result

    return visit(document)
