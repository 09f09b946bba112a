"""Render the sample disclosure (text form) into PDF, Word, Excel and HTML.

The same content then arrives through every loader, so a test can compare
the models.  The renderings are not committed: the format tests make them
once per session (``render_all``) into a temporary directory, and so does
``bench/bench_formats.py``; the output is the same byte for byte on every run
(the workbook's creation stamp aside), which a test checks.  The renderings
are faithful to what publishers produce:

* PDF (reportlab, the built-in ``STSong-Light`` CID font, no font file): ruled
  tables with merged header cells, tables continued across pages with their
  header repeated, a running header and page numbers, prose justified and
  wrapped only between Chinese characters;
* .docx: paragraphs and tables, merged cells as ``gridSpan``/``vMerge``;
* .xlsx: one sheet per numbered table with its caption rows, bordered cells,
  merged ranges, amounts as numbers with a ``#,##0.00`` format and codes as
  plain numbers (so ``03`` is stored as ``3``, as careless exports do);
* .html: ``<table>`` with ``rowspan``/``colspan``, declared as GB2312 and
  encoded as GB18030.

Usage: ``python scripts/render_sample.py [SAMPLE] [OUT_DIR]`` (defaults: the
sample in ``examples/`` and ``build/formats/``, which git ignores), to look
at the renderings or load them by hand.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence, Union
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
OUT_DIR = ROOT / "build" / "formats"
STEM = "bazhou-2026-budget"

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CODE = re.compile(r"^\d{2,3}$")
_META = re.compile(r"^(编制部门|编制单位|单位)\s*[:：]")
_CAPTION = re.compile(r"^表\s*\d+$")
_MAX_HEADER_ROWS = 4
_CJK_END = re.compile(r"[\u4e00-\u9fff]$")
_LABEL_START = re.compile(r"^.{1,10}?[:：]")


@dataclass
class Para:
    text: str


@dataclass
class Table:
    rows: list[list[str]]
    header_rows: int = 0
    #: (row, col) of a merged cell → (rowspan, colspan)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def n_cols(self) -> int:
        return max(len(r) for r in self.rows)

    def covered(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Every slot a merged cell covers (its own slot excluded) → that cell's (row, col)."""
        out: dict[tuple[int, int], tuple[int, int]] = {}
        for (r, c), (rs, cs) in self.spans.items():
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        out[(r + dr, c + dc)] = (r, c)
        return out


Item = Union[Para, Table]


# --------------------------------------------------------------------------- reading the sample


def _is_header(row: Sequence[str]) -> bool:
    filled = [t for t in row if t]
    return bool(filled) and not _CODE.match(row[0] or "") and not any(_NUMBER.match(t) for t in filled)


def _infer_spans(table: Table) -> None:
    """Merge header cells as the printed table does: a group over its sub-headers, a cell over blanks below."""
    header = 0
    while header < min(len(table.rows), _MAX_HEADER_ROWS) and _is_header(table.rows[header]):
        header += 1
    table.header_rows = header
    width = table.n_cols
    rows = [r + [""] * (width - len(r)) for r in table.rows]
    taken: set[tuple[int, int]] = set()
    for r in range(header):
        for c in range(width):
            if (r, c) in taken or not rows[r][c]:
                continue
            colspan = 1
            while (
                c + colspan < width
                and not rows[r][c + colspan]
                and (r, c + colspan) not in taken
                and any(rows[below][c + colspan] for below in range(r + 1, header))
            ):
                colspan += 1
            rowspan = 1
            while r + rowspan < header and all(
                not rows[r + rowspan][cc] and (r + rowspan, cc) not in taken for cc in range(c, c + colspan)
            ):
                rowspan += 1
            if rowspan > 1 or colspan > 1:
                table.spans[(r, c)] = (rowspan, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))


def _wrapped(previous: str, line: str, blank_before: bool) -> bool:
    """Is ``line`` the rest of ``previous``, a line the text export cut (as the text assembler reads it)?"""
    from plugins_builtin.cn_budget.assemble import match_heading

    from plugins_builtin.cn_budget.vocabulary import TOC_ITEM_PREFIX

    if match_heading(TOC_ITEM_PREFIX.sub("", line), strict=False) or match_heading(previous):
        return False
    if not blank_before:
        return True
    return len(previous) >= 30 and bool(_CJK_END.search(previous)) and not _LABEL_START.match(line)


def read_sample(text: str) -> list[Item]:
    """The sample as paragraphs and tables, the text export's cut lines and continued tables joined."""
    items: list[Item] = []
    current: list[list[str]] | None = None
    blank_before = False
    for line in text.split("\n"):
        if "\t" in line:
            cells = [part.strip() for part in line.split("\t")]
            if current is None:
                current = []
                items.append(Table(current))
            current.append(cells)
            blank_before = False
            continue
        current = None
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        previous = items[-1] if items else None
        if isinstance(previous, Para) and _wrapped(previous.text, stripped, blank_before):
            previous.text += stripped
        else:
            items.append(Para(stripped))
        blank_before = False
    joined: list[Item] = []
    for item in items:
        if isinstance(item, Table):
            _join_continuation(joined, item)
        else:
            joined.append(item)
    for item in joined:
        if isinstance(item, Table):
            _infer_spans(item)
    return joined


def _join_continuation(done: list[Item], table: Table) -> None:
    """A table whose first row repeats the previous table's, after nothing but caption lines, continues it."""
    back = len(done)
    while back and isinstance(done[back - 1], Para) and _META.match(done[back - 1].text):  # type: ignore[union-attr]
        back -= 1
    previous = done[back - 1] if back else None
    if back < len(done) and isinstance(previous, Table) and previous.rows[0] == table.rows[0]:
        repeated = 0
        while repeated < len(table.rows) and repeated < len(previous.rows) and table.rows[repeated] == previous.rows[repeated]:
            repeated += 1
        previous.rows.extend(table.rows[repeated:])
        del done[back:]
        return
    done.append(table)


# --------------------------------------------------------------------------- wrapping


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def break_units(text: str) -> list[str]:
    """Units between which a line may break: only between two Chinese characters (a space there is dropped)."""
    units: list[str] = []
    current = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if current and _wide(current[-1]) and _wide(ch):
            units.append(current)
            current = ""
        if ch == " " and current and _wide(current[-1]) and i + 1 < len(text) and _wide(text[i + 1]):
            units.append(current + " ")
            current = ""
            i += 1
            continue
        current += ch
        i += 1
    if current:
        units.append(current)
    return units


def wrap(text: str, width: float, measure) -> list[str]:  # type: ignore[no-untyped-def]
    """Greedy wrapping at the allowed breaks; a trailing break space is dropped from its line."""
    lines: list[str] = []
    line = ""
    for unit in break_units(text):
        if line and measure((line + unit).rstrip()) > width:
            lines.append(line.rstrip())
            line = unit
        else:
            line += unit
    if line:
        lines.append(line.rstrip())
    return lines or [""]


def unbreakable_width(text: str, measure) -> float:  # type: ignore[no-untyped-def]
    return max((measure(u.rstrip()) for u in break_units(text)), default=0.0)


# --------------------------------------------------------------------------- PDF


def render_pdf(items: Sequence[Item], path: Path) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    page_w, page_h = landscape(A4)
    margin, top_limit, bottom_limit = 56.0, 60.0, 540.0
    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    pdf.setTitle(STEM)
    state = {"y": top_limit, "page": 1}

    def decorate() -> None:
        pdf.setFont(font, 8)
        pdf.drawCentredString(page_w / 2, page_h - 28, "新疆巴州人民政府办公室 2026 年部门预算公开")
        pdf.drawCentredString(page_w / 2, 24, f"- {state['page']} -")

    def new_page() -> None:
        pdf.showPage()
        state["page"] += 1
        state["y"] = top_limit
        decorate()

    def text_line(text: str, x: float, top: float, size: float, justify_to: float | None = None) -> None:
        obj = pdf.beginText()
        obj.setFont(font, size)
        if justify_to is not None and len(text) > 1:
            extra = justify_to - pdfmetrics.stringWidth(text, font, size)
            obj.setCharSpace(max(extra, 0) / (len(text) - 1))
        obj.setTextOrigin(x, page_h - top - size * 0.88)
        obj.textOut(text)
        pdf.drawText(obj)

    decorate()
    body_w = page_w - 2 * margin
    for item in items:
        if isinstance(item, Para):
            size = 10.5
            lines = wrap(item.text, body_w, lambda s: pdfmetrics.stringWidth(s, font, size))
            for n, line in enumerate(lines):
                if state["y"] + size > bottom_limit:
                    new_page()
                last = n == len(lines) - 1
                text_line(line, margin, state["y"], size, None if last else body_w)
                state["y"] += size * 1.5
            state["y"] += size  # the gap between paragraphs
            continue
        _pdf_table(item, pdf, font, state, new_page, text_line, margin, body_w, bottom_limit)
    pdf.save()


def _pdf_table(table, pdf, font, state, new_page, text_line, margin, body_w, bottom_limit):  # type: ignore[no-untyped-def]
    from reportlab.pdfbase import pdfmetrics

    n = table.n_cols
    rows = [r + [""] * (n - len(r)) for r in table.rows]
    covered = table.covered()
    size = 8.5 if n <= 8 else 7.0
    while True:
        measure = lambda s, z=size: pdfmetrics.stringWidth(s, font, z)  # noqa: E731
        pad = 3.0
        minimum = [2 * pad + 4.0] * n
        natural = [2 * pad + 4.0] * n
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if (r, c) in covered or table.spans.get((r, c), (1, 1))[1] > 1:
                    continue
                minimum[c] = max(minimum[c], unbreakable_width(text, measure) + 2 * pad + 1)
                natural[c] = max(natural[c], min(measure(text), 9 * size) + 2 * pad + 1)
        if sum(minimum) <= body_w or size < 5:
            break
        size -= 0.5
    total_natural = sum(natural)
    if total_natural <= body_w:
        widths = [w * body_w / total_natural for w in natural]
    else:
        spare = body_w - sum(minimum)
        extra = [nat - mn for nat, mn in zip(natural, minimum)]
        widths = [mn + spare * e / (sum(extra) or 1) for mn, e in zip(minimum, extra)]
    xs = [margin]
    for w in widths:
        xs.append(xs[-1] + w)
    leading = size * 1.3

    def lines_of(r: int, c: int) -> list[str]:
        rs, cs = table.spans.get((r, c), (1, 1))
        return wrap(rows[r][c], xs[c + cs] - xs[c] - 2 * pad - 1, lambda s: pdfmetrics.stringWidth(s, font, size))

    heights = []
    for r in range(len(rows)):
        need = max(
            (len(lines_of(r, c)) * leading + 2 * pad for c in range(n)
             if (r, c) not in covered and table.spans.get((r, c), (1, 1))[0] == 1),
            default=leading + 2 * pad,
        )
        heights.append(max(need, leading + 2 * pad))
    for (r, c), (rs, _cs) in table.spans.items():
        need = len(lines_of(r, c)) * leading + 2 * pad
        have = sum(heights[r : r + rs])
        if need > have:
            heights[r + rs - 1] += need - have

    def draw_row(r: int, top: float) -> None:
        for c in range(n):
            if (r, c) in covered:
                continue
            rs, cs = table.spans.get((r, c), (1, 1))
            h = sum(heights[r : r + rs])
            pdf.setLineWidth(0.6)
            pdf.rect(xs[c], pdf._pagesize[1] - top - h, xs[c + cs] - xs[c], h, stroke=1, fill=0)
            for k, line in enumerate(lines_of(r, c)):
                if line:
                    text_line(line, xs[c] + pad, top + pad + k * leading, size)

    header = table.header_rows
    header_h = sum(heights[:header])
    first_body = True
    if state["y"] + header_h + (heights[header] if header < len(rows) else 0) > bottom_limit:
        new_page()
    for r in range(header):
        draw_row(r, state["y"])
        state["y"] += heights[r]
    for r in range(header, len(rows)):
        if state["y"] + heights[r] > bottom_limit and not first_body:
            new_page()
            for hr in range(header):
                draw_row(hr, state["y"])
                state["y"] += heights[hr]
        draw_row(r, state["y"])
        state["y"] += heights[r]
        first_body = False
    state["y"] += 12


# --------------------------------------------------------------------------- Word


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _docx_table(table: Table) -> str:
    n = table.n_cols
    rows = [r + [""] * (n - len(r)) for r in table.rows]
    covered = table.covered()
    border = "".join(f'<w:{side} w:val="single" w:sz="4"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f"<w:tbl><w:tblPr><w:tblBorders>{border}</w:tblBorders></w:tblPr><w:tblGrid>"]
    out.append("<w:gridCol/>" * n + "</w:tblGrid>")
    for r, row in enumerate(rows):
        out.append("<w:tr>")
        c = 0
        while c < n:
            owner = covered.get((r, c))
            if owner is not None and owner[0] == r:
                c += 1  # covered by a merged cell to its left
                continue
            if owner is not None:
                cs = table.spans[owner][1]
                grid = f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else ""
                out.append(f"<w:tc><w:tcPr>{grid}<w:vMerge/></w:tcPr><w:p/></w:tc>")
                c += cs
                continue
            rs, cs = table.spans.get((r, c), (1, 1))
            props = (f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else "") + ('<w:vMerge w:val="restart"/>' if rs > 1 else "")
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{_docx_paragraph(row[c])}</w:tc>")
            c += cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def render_docx(items: Sequence[Item], path: Path) -> None:
    body = "".join(_docx_paragraph(i.text) if isinstance(i, Para) else _docx_table(i) + _docx_paragraph("")
                   for i in items)
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:document xmlns:w="{_W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>')
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("[Content_Types].xml", content_types), ("_rels/.rels", rels), ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(2026, 2, 14, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text)


# --------------------------------------------------------------------------- Excel


def _xlsx_value(text: str) -> tuple[object, str]:
    """A cell's stored value and number format: amounts as numbers, short codes as bare integers."""
    if _CODE.match(text) or re.fullmatch(r"\d{4,9}", text):
        return int(text), "General"
    if _NUMBER.match(text):
        decimals = len(text.split(".")[1]) if "." in text else 0
        fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
        return float(Decimal(text.replace(",", ""))), fmt
    return text, "General"


def render_xlsx(items: Sequence[Item], path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Border, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "说明"
    row = 1
    count = 0
    for item in items:
        if isinstance(item, Para):
            if _CAPTION.match(item.text):
                count += 1
                sheet = workbook.create_sheet(item.text.replace(" ", ""))
                row = 1
            sheet.cell(row=row, column=1, value=item.text)
            row += 1
            continue
        covered = item.covered()
        for r, cells in enumerate(item.rows):
            for c in range(item.n_cols):
                cell = sheet.cell(row=row + r, column=c + 1)
                cell.border = box
                text = cells[c] if c < len(cells) else ""
                if (r, c) in covered or not text:
                    continue
                value, fmt = _xlsx_value(text)
                cell.value = value
                cell.number_format = fmt
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # a target such as "=4 篇" is text, not a formula
        for (r, c), (rs, cs) in item.spans.items():
            sheet.merge_cells(start_row=row + r, start_column=c + 1, end_row=row + r + rs - 1, end_column=c + cs)
        row += len(item.rows) + 1
    workbook.save(path)


# --------------------------------------------------------------------------- HTML


def render_html(items: Sequence[Item], path: Path) -> None:
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        "<title>新疆巴州人民政府办公室 2026 年部门预算公开</title>",
        "<style>td{border:1px solid #000}</style></head><body>",
    ]
    for item in items:
        if isinstance(item, Para):
            parts.append(f"<p>{html.escape(item.text, quote=False)}</p>")
            continue
        covered = item.covered()
        parts.append('<table border="1" cellspacing="0">')
        for r, cells in enumerate(item.rows):
            parts.append("<tr>")
            for c in range(item.n_cols):
                if (r, c) in covered:
                    continue
                rs, cs = item.spans.get((r, c), (1, 1))
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                text = cells[c] if c < len(cells) else ""
                parts.append(f"<td{attrs}>{html.escape(text, quote=False)}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    path.write_bytes("\n".join(parts).encode("gb18030"))


# --------------------------------------------------------------------------- main

RENDERERS = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx, "html": render_html}


def render_all(sample: Path, out_dir: Path, formats: Iterable[str] = RENDERERS) -> dict[str, Path]:
    """Render ``sample`` into each format in ``out_dir``; returns the paths written."""
    items = read_sample(sample.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in formats:
        target = out_dir / f"{STEM}.{fmt}"
        RENDERERS[fmt](items, target)
        written[fmt] = target
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("out_dir", nargs="?", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    for fmt, target in render_all(args.sample, args.out_dir).items():
        print(f"{fmt}: {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
