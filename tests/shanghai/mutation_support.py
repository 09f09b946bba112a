"""Single-change variants of a Shanghai PDF, made on its extracted pieces, and whether the check notices.

Changes: one figure in one table cell (+100 in the table's unit, printed as the cell was);
one amount or percentage in the prose (+100);
a deleted table (its grid and its title, 编制部门 and 单位 lines); a deleted empty-table note.
The variant is assembled and enriched as the PDF is, so the model stays consistent.  A
variant is detected when the check gives a finding (rule, message, values) the unchanged
document does not have.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Iterator, NamedTuple

import attrs

from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.formats.pieces import Grid, Piece, TextPiece
from shanghai_support import document_from, engine, pieces

_FIGURE = re.compile(r"^-?\d[\d,]*(\.\d+)?$")
#: An amount or a percentage in prose: 9628.22万元, 3,121.42万元, 17.62%.
_PROSE_FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?=\s*(?:万元|%))")
_CAPTION = re.compile(r"表$|^(编制部门|编制单位|单位)\s*[:：]")


class Mutant(NamedTuple):
    kind: str
    where: str
    pieces: tuple[Piece, ...]


def _bump(text: str) -> str:
    decimals = len(text.split(".")[1]) if "." in text else 0
    value = Decimal(text.replace(",", "")) + 100
    body = f"{value:,.{decimals}f}" if "," in text else f"{value:.{decimals}f}"
    return body


def mutants(path: Path) -> Iterator[Mutant]:
    original = pieces(path)
    for index, piece in enumerate(original):
        if isinstance(piece, Grid):
            for cell in piece.cells:
                if _FIGURE.match(cell.text.strip()) and not (cell.text.strip().isdigit() and len(cell.text.strip()) <= 3):
                    changed = attrs.evolve(piece, cells=tuple(attrs.evolve(c, text=_bump(c.text.strip())) if c is cell else c
                                                             for c in piece.cells))
                    yield Mutant("table_figure", f"p{cell.page} r{cell.row} c{cell.col} {cell.text}",
                                 original[:index] + (changed,) + original[index + 1:])
            start = index
            while start > 0 and isinstance(original[start - 1], TextPiece) and _CAPTION.search(original[start - 1].text):
                start -= 1
            if start < index:  # a captioned table (continuation grids have no caption of their own)
                yield Mutant("delete_table", f"p{piece.page} {original[start].text}", original[:start] + original[index + 1:])
        elif isinstance(piece, TextPiece) and vocab.EMPTY_TABLE_NOTE.search(piece.text):
            yield Mutant("delete_empty_note", f"p{piece.page} {piece.text}", original[:index] + original[index + 1:])
        elif isinstance(piece, TextPiece):
            for match in _PROSE_FIGURE.finditer(piece.text):
                figure = match.group()
                text = piece.text[:match.start()] + _bump(figure) + piece.text[match.end():]
                yield Mutant("prose_figure", f"p{piece.page} {figure} in {piece.text[max(0, match.start() - 12):match.end() + 4]}",
                             original[:index] + (attrs.evolve(piece, text=text),) + original[index + 1:])


def keys(path: Path, parts: tuple[Piece, ...]) -> set[tuple[str, str, tuple]]:
    result = engine().check_document(document_from(path, parts))
    return {(f.rule, f.message, tuple(sorted(f.values.items()))) for f in result.findings}


def run(path: Path) -> dict[str, list[tuple[Mutant, bool]]]:
    """Every mutant of ``path`` by kind, with whether it was detected."""
    base = keys(path, pieces(path))
    out: dict[str, list[tuple[Mutant, bool]]] = {}
    for mutant in mutants(path):
        detected = bool(keys(path, mutant.pieces) - base)
        out.setdefault(mutant.kind, []).append((mutant, detected))
    return out
