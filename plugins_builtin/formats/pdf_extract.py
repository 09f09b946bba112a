"""PDF extraction with pdfplumber: ruled tables as grids, the text around them as lines.

What it does, page by page:

* tables from ``find_tables()`` (ruled tables are the norm in published
  disclosures), each turned into a :class:`~.pieces.Grid` with merged cells
  recorded once with their row and column spans;
* the text outside table areas, grouped into lines, split where a wide gap
  separates two runs on one baseline (``编制部门：…`` left, ``单位：元``
  right), wrapped lines re-joined into paragraphs without spaces between
  Chinese characters;
* running headers, footers and page numbers dropped;
* a table piece at the top of a page with no caption continues the table
  before it: its repeated header rows are dropped and its columns aligned to
  the first piece by x-position, not by index.

A PDF with no usable text layer (scanned pages, or fonts without a ToUnicode
map that come back as ``(cid:N)`` or mojibake) is refused with one clear
:class:`~compliance.errors.LoadError`.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left
from collections import Counter
from typing import Any, Iterable, Sequence

from attrs import define, evolve

from compliance.errors import LoadError
from plugins_builtin.formats.limits import MAX_PAGES
from plugins_builtin.formats.pieces import CAPTION_LINE, BBox, Grid, GridCell, Piece, TextPiece, clean_cell_text, join_wrapped, repair_radicals


#: Lines in these top/bottom fractions of the page may be running headers or footers.
_MARGIN_BAND = 0.08
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–\s]*$"
)
_NUMBERED = re.compile(
    r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d+[.．、]|第[一二三四五六七八九十]+部分)"
)
_PARAGRAPH_END = re.compile(r"[。！？!?]$")
_SENTENCE_END = re.compile(r"[。；;：:！？!?]$")
_LEADER = re.compile(r"(…|\.{3,}|·{3,})\s*\d*$")
_LEADER_ONLY = re.compile(r"^[…\.·\s]+$")
#: An inline list item closing a line ("具体包括： 1. 普陀区司法局本部") and the next one opening a line.
_INLINE_ITEM_END = re.compile(r"\S\s*(\d{1,2})[.．、]\s*[^\d\s][^。；;！？!?]*$")
_ITEM_START = re.compile(r"^(\d{1,2})[.．、]")
#: How close to the right edge a line must end (in type sizes) to be a wrapped line when the
#: producer broke it early (line-breaking rules for CJK punctuation, justified text).
_NEARLY_FULL = 4.0
_EDGE_TOLERANCE = 3.0


@define
class _Line:
    """A run of words on one baseline, before paragraphs are joined."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


@define
class _Page:
    number: int
    width: float
    height: float
    items: list[Any]  # _Line | Grid, in reading order


@define
class TextLayerStats:
    """Counts used to decide whether a PDF's text layer can be trusted."""

    chars: int = 0
    cid: int = 0
    garbled: int = 0
    images: int = 0
    pages: int = 0

    def verdict(self) -> str | None:
        """``None`` when the text layer is usable, else why not."""
        # A scan may carry a few characters (a stamped page number); a text page has hundreds.
        if self.chars == 0 or (self.images and self.chars < 20 * max(self.pages, 1)):
            return "no extractable text layer (scanned or image-only pages); OCR it first"
        unreadable = self.cid + self.garbled
        if self.chars and unreadable / self.chars > 0.2:
            return (
                f"no extractable text layer: {unreadable} of {self.chars} characters are unmapped "
                "glyphs ((cid:N)) or mojibake; OCR it first"
            )
        return None


def _garbled(ch: str) -> bool:
    """Characters that do not occur in a Chinese disclosure but do in mojibake."""
    code = ord(ch)
    return (
        0xE000 <= code <= 0xF8FF  # private use: glyph ids passed through
        or code == 0xFFFD
        or code < 0x20
        or 0x80 <= code <= 0x24F  # Latin-1 supplement / extended: GBK read as Latin-1
        or 0x3400 <= code <= 0x4DBF  # CJK extension A: rare characters that glyph ids land on
    )


def extract_pdf(data: bytes, *, source: str, max_pages: int = MAX_PAGES) -> list[Piece]:
    """Read a PDF's bytes into pieces (text lines and table grids) in reading order.

    Raises :class:`LoadError` for an unreadable, encrypted, over-long or
    text-less PDF.
    """
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise LoadError(_open_failure(exc), source=source) from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged files
        raise LoadError(f"not a readable PDF ({type(exc).__name__}: {exc})", source=source) from exc
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:  # noqa: BLE001
            raise LoadError(f"not a readable PDF: damaged page tree ({exc})", source=source) from exc
        if count > max_pages:
            raise LoadError(f"PDF has {count} pages, more than the limit of {max_pages}", source=source)
        stats = TextLayerStats(pages=count)
        pages: list[_Page] = []
        for number, page in enumerate(pdf.pages, 1):
            try:
                pages.append(_read_page(page, number, stats))
            except PdfminerException as exc:
                raise LoadError(f"page {number} cannot be read: {exc}", source=source) from exc
            finally:
                page.close()
    problem = stats.verdict()
    if problem:
        raise LoadError(problem, source=source)
    _drop_running_lines(pages)
    return _assemble_pieces(pages)


def _open_failure(exc: BaseException) -> str:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    name = type(cause).__name__
    if "Password" in name or "Encrypt" in name:
        return "encrypted PDF: it needs a password to open; publish or supply an unencrypted copy"
    return f"not a readable PDF (truncated or damaged: {name}: {cause})"


# --------------------------------------------------------------------------- page reading


def _count_text_layer(page: Any, stats: TextLayerStats) -> None:
    """Add the page's characters to the counts that judge the text layer."""
    for ch in page.chars:
        text = ch["text"]
        if text.isspace():
            continue
        stats.chars += 1
        if text.startswith("(cid:"):
            stats.cid += 1
        elif any(_garbled(c) for c in text):
            stats.garbled += 1
    stats.images += len(page.images)


def _read_page(page: Any, number: int, stats: TextLayerStats) -> _Page:
    """One page's text lines and table grids, top to bottom (a grid before text on the same line)."""
    _count_text_layer(page, stats)
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, int, Any]] = []
    for table in tables:
        found = _grid_from_table(table, number)
        if isinstance(found, Grid):
            items.append((table.bbox[1], 0, found))
        elif found:  # a one-column "table" (a boxed contents list): its lines are text
            items.extend((ln.top, 1, ln) for ln in found)

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return False
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    words = text_page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
    items.extend((ln.top, 1, ln) for ln in _words_to_lines(words, number) if not _LEADER_ONLY.match(ln.text))
    items.sort(key=lambda it: (it[0], it[1]))
    return _Page(number, float(page.width), float(page.height), [it[2] for it in items])


def _words_to_lines(words: Sequence[dict[str, Any]], page: int) -> list[_Line]:
    """Group words sharing a baseline into lines; split a line where a wide gap separates runs."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= max(2.0, 0.3 * word["size"]):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        run: list[dict[str, Any]] = [row[0]]
        for word in row[1:]:
            if word["x0"] - run[-1]["x1"] > 4 * max(word["size"], run[-1]["size"]):
                lines.append(_line_from_words(run, page))
                run = [word]
            else:
                run.append(word)
        lines.append(_line_from_words(run, page))
    return lines


def _line_from_words(words: list[dict[str, Any]], page: int) -> _Line:
    text = repair_radicals(" ".join(w["text"] for w in words))
    sizes = Counter(round(w["size"], 1) for w in words)
    return _Line(
        text=text,
        x0=min(w["x0"] for w in words),
        top=min(w["top"] for w in words),
        x1=max(w["x1"] for w in words),
        bottom=max(w["bottom"] for w in words),
        size=sizes.most_common(1)[0][0],
        page=page,
    )


# --------------------------------------------------------------------------- tables


def _cluster(values: Iterable[float]) -> list[float]:
    """Sorted distinct positions, values closer than the tolerance counted once."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EDGE_TOLERANCE:
            out.append(v)
    return out


def _index(edges: Sequence[float], value: float) -> int:
    """The index of the edge nearest to ``value``."""
    i = bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


def _grid_from_table(table: Any, page: int) -> Grid | list[_Line] | None:
    """A pdfplumber table as a grid; a one-column table as plain lines; an empty one as ``None``."""
    texts = table.extract()
    cells_bbox = [bbox for row in table.rows for bbox in row.cells if bbox is not None]
    if not cells_bbox:
        return None
    xs = _cluster([b[0] for b in cells_bbox] + [b[2] for b in cells_bbox])
    ys = _cluster([b[1] for b in cells_bbox] + [b[3] for b in cells_bbox])
    if len(xs) <= 2:
        return [
            _Line(clean_cell_text(text), b[0], b[1], b[2], b[3], 0.0, page)
            for row, row_texts in zip(table.rows, texts)
            for b, text in zip(row.cells, row_texts)
            if b is not None and clean_cell_text(text)
        ]
    cells: list[GridCell] = []
    for row, row_texts in zip(table.rows, texts):
        for bbox, text in zip(row.cells, row_texts):
            if bbox is None:
                continue
            c0, c1 = _index(xs, bbox[0]), _index(xs, bbox[2])
            r0, r1 = _index(ys, bbox[1]), _index(ys, bbox[3])
            cells.append(
                GridCell(
                    row=r0,
                    col=c0,
                    text=clean_cell_text(text),
                    rowspan=max(r1 - r0, 1),
                    colspan=max(c1 - c0, 1),
                    page=page,
                    bbox=tuple(round(v, 2) for v in bbox),  # type: ignore[arg-type]
                )
            )
    grid = Grid(
        tuple(cells),
        n_rows=len(ys) - 1,
        n_cols=len(xs) - 1,
        page=page,
        bbox=tuple(round(v, 2) for v in table.bbox),  # type: ignore[arg-type]
        row_pages=(page,) * (len(ys) - 1),
        col_edges=tuple(xs),
    )
    return _drop_blank_rows(grid)


def _drop_blank_rows(grid: Grid) -> Grid | None:
    """Remove rows in which no cell has text (filler rows under short tables)."""
    inked = {
        r
        for cell in grid.cells
        if cell.text
        for r in range(cell.row, cell.row + cell.rowspan)
    }
    keep = [r for r in range(grid.n_rows) if r in inked]
    if len(keep) == grid.n_rows:
        return grid
    if not keep:
        return None
    new_index = {old: new for new, old in enumerate(keep)}
    cells = []
    for cell in grid.cells:
        rows = [new_index[r] for r in range(cell.row, cell.row + cell.rowspan) if r in new_index]
        if rows:
            cells.append(evolve(cell, row=rows[0], rowspan=len(rows)))
    return evolve(
        grid,
        cells=tuple(cells),
        n_rows=len(keep),
        row_pages=tuple(grid.row_pages[r] for r in keep),
    )


def _hoist_caption_rows(grid: Grid) -> tuple[list[TextPiece], Grid | None]:
    """Caption lines drawn inside the table's ruling become text before it."""
    hoisted: list[TextPiece] = []
    first_body = 0
    for r in range(grid.n_rows):
        inked = [c for c in grid.row_cells(r) if c.text]
        if inked and len(inked) <= 2 and any(CAPTION_LINE.search(c.text) for c in inked):
            hoisted.extend(TextPiece(c.text, page=c.page, bbox=c.bbox) for c in inked)
            first_body = r + 1
        else:
            break
    if not first_body:
        return [], grid
    cells = tuple(
        evolve(c, row=c.row - first_body) for c in grid.cells if c.row >= first_body
    )
    rest = grid.n_rows - first_body
    if not rest:
        return hoisted, None
    return hoisted, evolve(grid, cells=cells, n_rows=rest, row_pages=grid.row_pages[first_body:])


def _continues(master: Grid, piece: Grid) -> bool:
    """Whether ``piece`` has the same outline and column boundaries as ``master``."""
    if master.bbox is None or piece.bbox is None or not master.col_edges:
        return False
    if abs(master.bbox[0] - piece.bbox[0]) > _EDGE_TOLERANCE or abs(master.bbox[2] - piece.bbox[2]) > _EDGE_TOLERANCE:
        return False
    edges = master.col_edges
    return all(abs(edges[_index(edges, x)] - x) <= _EDGE_TOLERANCE for x in piece.col_edges)


def _merge(master: Grid, piece: Grid) -> Grid:
    """Append a continuation piece: columns aligned by x-position, repeated header rows dropped."""
    edges = master.col_edges
    aligned: list[GridCell] = []
    for cell in piece.cells:
        assert cell.bbox is not None
        c0, c1 = _index(edges, cell.bbox[0]), _index(edges, cell.bbox[2])
        aligned.append(evolve(cell, col=c0, colspan=max(c1 - c0, 1)))
    piece = evolve(piece, cells=tuple(aligned), n_cols=master.n_cols)
    master_rows = master.matrix()
    piece_rows = piece.matrix()
    repeated = 0
    while (
        repeated < len(piece_rows)
        and repeated < len(master_rows)
        and piece_rows[repeated] == master_rows[repeated]
    ):
        repeated += 1
    offset = master.n_rows - repeated
    appended = tuple(evolve(c, row=c.row + offset) for c in piece.cells if c.row >= repeated)
    return evolve(
        master,
        cells=master.cells + appended,
        n_rows=master.n_rows + piece.n_rows - repeated,
        row_pages=master.row_pages + piece.row_pages[repeated:],
    )


# --------------------------------------------------------------------------- whole document


def _running_key(line: _Line) -> str:
    return re.sub(r"\d+", "#", line.text.replace(" ", ""))


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers and headers/footers repeated in the page margins."""
    def in_band(line: _Line, page: _Page) -> bool:
        return line.bottom < page.height * _MARGIN_BAND or line.top > page.height * (1 - _MARGIN_BAND)

    counts: Counter[str] = Counter()
    for page in pages:
        keys = {_running_key(it) for it in page.items if isinstance(it, _Line) and in_band(it, page)}
        counts.update(keys)
    threshold = max(2, len(pages) // 2)
    for page in pages:
        page.items = [
            it
            for it in page.items
            if not (
                isinstance(it, _Line)
                and in_band(it, page)
                and (_PAGE_NUMBER.match(it.text) or counts[_running_key(it)] >= threshold)
            )
        ]


def _assemble_pieces(pages: list[_Page]) -> list[Piece]:
    """Join continuation tables and wrapped paragraphs across the whole document."""
    out: list[Piece] = []
    open_para: list[_Line] = []
    texts_since_table: list[str] = []
    captions_of_last_table: list[str] = []

    def flush() -> None:
        if not open_para:
            return
        first = open_para[0]
        same_page = [ln for ln in open_para if ln.page == first.page]
        bbox = (min(ln.x0 for ln in same_page), first.top, max(ln.x1 for ln in same_page), same_page[-1].bottom)
        text = join_wrapped(ln.text for ln in open_para)
        out.append(TextPiece(text, page=first.page, bbox=bbox, size=first.size))
        texts_since_table.append(text)
        open_para.clear()

    def right_edge(page: _Page) -> float | None:
        return max((ln.x1 for ln in page.items if isinstance(ln, _Line) and len(ln.text) >= 20), default=None)

    # Where full prose lines end: the right edge of the page's long lines, else the document's.
    document_right = max((r for r in map(right_edge, pages) if r is not None), default=None)
    for page in pages:
        right = right_edge(page) or document_right
        above: list[str] = []  # text lines above the current item on this page
        for item in page.items:
            if isinstance(item, _Line):
                if not (open_para and _continues_paragraph(open_para[-1], item, right, above)):
                    flush()
                open_para.append(item)
                above.append(item.text)
                continue
            flush()
            hoisted, grid = _hoist_caption_rows(item)
            out.extend(hoisted)
            if grid is None:
                texts_since_table.extend(p.text for p in hoisted)
                continue
            master = _continuation_master(out, page.number, captions_of_last_table)
            if master is not None and not hoisted and _continues(out[master], grid):  # type: ignore[arg-type]
                # A caption-less piece (or one under repeated caption lines) continues the table.
                out[master] = _merge(out[master], grid)  # type: ignore[arg-type]
                del out[master + 1 :]
            else:
                captions_of_last_table = [p.text for p in hoisted] or texts_since_table[-4:]
                out.append(grid)
            texts_since_table = []
            above = []
    flush()
    return out


def _first_word_width(line: _Line) -> float:
    """Roughly how wide the first unbreakable run of ``line`` is (a number, a Latin word, one CJK char)."""
    match = re.match(r"[A-Za-z0-9.,%()\-]+", line.text)
    return 0.55 * line.size * len(match.group()) if match else line.size


def _continuation_master(out: list[Piece], page: int, captions: list[str]) -> int | None:
    """The index of the table a piece at the top of ``page`` may continue, if any.

    Only text repeated from that table's caption may stand between them, and
    only on the new page.
    """
    for i in range(len(out) - 1, -1, -1):
        piece = out[i]
        if isinstance(piece, Grid):
            return i if piece.row_pages and piece.row_pages[-1] == page - 1 else None
        if piece.page != page or piece.text not in captions:
            return None
    return None


def _continues_paragraph(prev: _Line, cur: _Line, right: float | None, seen_on_page: list[str]) -> bool:
    if right is None and prev.page == cur.page:
        return False
    if abs(prev.size - cur.size) > 0.6:
        return False
    if _LEADER.search(prev.text) or _LEADER.search(cur.text):
        return False
    if prev.page == cur.page:
        if cur.top < prev.bottom - 0.5 * prev.size:
            return False  # another run on the same baseline (e.g. ``单位：元`` at the right)
        if cur.top - prev.bottom > 1.2 * max(prev.size, 1.0):
            return False
        # The line broke because the next word did not fit in what was left of it.
        full = right is not None and prev.x1 + _first_word_width(cur) >= right - prev.size
    else:
        # Across a page break: only the first line of the new page can continue.
        if seen_on_page or cur.page != prev.page + 1:
            return False
        if _PARAGRAPH_END.search(prev.text):
            return False
        full = right is not None and prev.x1 + _first_word_width(cur) >= right - prev.size
    if _continues_list(prev.text, cur.text):
        return True
    if not full:
        # Broken a few characters early, mid-sentence, and no new item starting: still wrapped.
        full = (prev.page == cur.page and right is not None and prev.x1 >= right - _NEARLY_FULL * prev.size
                and not _SENTENCE_END.search(prev.text) and not _NUMBERED.match(cur.text))
    if not full:
        return False
    return not (_SENTENCE_END.search(prev.text) and _NUMBERED.match(cur.text))


def _continues_list(prev: str, cur: str) -> bool:
    """Does ``cur`` open the next item of a list whose previous item ends ``prev`` mid-line?

    "具体包括： 1. 普陀区司法局本部" then "2. 普陀区法律援助中心": the second line is the
    list's next item, not a numbered heading.
    """
    inline, start = _INLINE_ITEM_END.search(prev), _ITEM_START.match(cur)
    return bool(inline and start and int(start.group(1)) == int(inline.group(1)) + 1)
