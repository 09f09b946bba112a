"""Built-in loader for disclosures published as web pages (.html), with lxml imported only when one is loaded.

The declared charset is honoured (a byte-order mark, then ``<meta charset>``
or ``http-equiv`` content type in the head); GB2312 and GBK pages are decoded
as GB18030, their superset, since publishers declare the older names for
pages that use characters outside them.  Block elements give text lines in
document order; ``<table>`` gives a grid with ``rowspan``/``colspan`` laid out
as browsers lay them out.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any, Iterator

from compliance import hookimpl
from compliance.errors import LoadError
from compliance.model import Document
from plugins_builtin.formats import limits
from plugins_builtin.formats.pieces import Grid, GridCell, Piece, TextPiece, clean_cell_text

SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
#: Declared names that mean "some GB encoding": read them all as the superset.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb_2312-80", "gb_2312", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312", "gb18030"})
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "section",
     "article", "header", "footer", "main", "center", "td", "th", "caption", "ul", "ol", "dl", "body", "form"}
)
_SKIP = frozenset({"script", "style", "head", "noscript", "template", "iframe", "object", "svg"})
#: Stands for ``<br>`` in raw text: a hard line break, unlike a line break in the source.
_BR = "\u2028"
#: Cap on rowspan/colspan, as browsers cap them, so a hostile page cannot blow up the grid.
_MAX_SPAN = 1000


def decode_html(data: bytes, source: str) -> tuple[str, str]:
    """The page's text and the encoding used: BOM, then the declared charset, then UTF-8."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    declared = _CHARSET.search(data[:4096])
    name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if name in _GB_FAMILY:
        name = "gb18030"
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise LoadError(f"the page declares an unknown charset {name!r}", source=source) from exc
    try:
        return data.decode(name), name
    except UnicodeDecodeError as exc:
        if declared is None:
            try:
                return data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                pass
        raise LoadError(
            f"cannot decode the page as {name.upper()} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            source=source,
        ) from exc


def _raw_text(element: Any) -> str:
    """An element's text as in the source (scripts and comments left out, ``<br>`` as a line break)."""
    parts: list[str] = []

    def visit(node: Any) -> None:
        if node.tag == "br":
            parts.append(_BR)
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return "".join(parts)


def _text_of(element: Any) -> str:
    """An element's text, source line breaks (and, in a cell, ``<br>``) re-joined as wrapped lines are."""
    return clean_cell_text(_raw_text(element).replace(_BR, "\n"))


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_SPAN))
    except ValueError:
        return 1


def _table(table: Any) -> Grid | None:
    """A ``<table>`` as a grid, placing cells around the rowspans above them as browsers do."""
    rows = [tr for tr in table.iter("tr") if _owning_table(tr) is table]
    taken: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    n_cols = 0
    for r, tr in enumerate(rows):
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, col) in taken:
                col += 1
            rowspan = min(_span(td.get("rowspan")), len(rows) - r)
            colspan = _span(td.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
            cells.append(GridCell(r, col, _text_of(td), rowspan, colspan))
            col += colspan
        n_cols = max(n_cols, col, max((c for rr, c in taken if rr == r), default=-1) + 1)
    if not cells:
        return None
    return Grid(tuple(cells), len(rows), n_cols, row_pages=(None,) * len(rows))


def _owning_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _walk(element: Any) -> Iterator[Piece]:
    """Text of block elements and grids of tables, in document order."""
    run: list[str] = []

    def flush() -> Iterator[Piece]:
        lines = "".join(run).split(_BR)
        run.clear()
        for line in lines:
            text = clean_cell_text(line)
            if text:
                yield TextPiece(text)

    if element.text:
        run.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:
            pass
        elif tag == "table":
            yield from flush()
            grid = _table(child)
            if grid is not None:
                yield grid
        elif tag in _BLOCKS:
            yield from flush()
            if any(isinstance(d.tag, str) and (d.tag in _BLOCKS or d.tag == "table") for d in child.iterdescendants()):
                yield from _walk(child)
            else:
                style = tag if tag.startswith("h") else None
                for line in _raw_text(child).split(_BR):
                    text = clean_cell_text(line)
                    if text:
                        yield TextPiece(text, style=style)
        elif tag == "br":
            run.append(_BR)
        else:
            run.append(_raw_text(child))
        if child.tail:
            run.append(child.tail)
    yield from flush()


def extract_html(data: bytes, *, source: str) -> list[Piece]:
    """Read an HTML page's bytes into pieces in document order."""
    import lxml.html
    from lxml import etree

    text, _encoding = decode_html(data, source)
    # lxml refuses str input that still declares an encoding in an XML prolog.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        raise LoadError("empty page: the file holds no text", source=source)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise LoadError(f"not a readable HTML page ({exc})", source=source) from exc
    body = root.find("body")
    pieces = list(_walk(body if body is not None else root))
    if not pieces:
        raise LoadError("the page has no text and no tables", source=source)
    return pieces


def load_html(path: Path, data: bytes, *, max_bytes: int = limits.MAX_BYTES) -> Document:
    """Load a disclosure published as a web page (no enrichment)."""
    from plugins_builtin.formats.to_document import pieces_to_document

    source = str(path)
    limits.check_size(data, source, max_bytes)
    return pieces_to_document(source, extract_html(data, source=source), "html")


@hookimpl
def compliance_load_document(path: Path, data: bytes) -> Document | None:
    if path.suffix.lower() not in SUFFIXES:
        return None
    return load_html(path, data)
