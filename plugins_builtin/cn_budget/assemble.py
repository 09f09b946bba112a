"""The assembler: layout blocks → a :class:`~compliance.model.Document`.

One pass over the blocks builds the heading tree (第一部分 / 一、 / （一） / 1.),
the table of contents as its own element, paragraphs (joining lines a layout
wrapped), captioned tables (表 N, title, 编制部门, 单位, header, body, merged
across repeated header blocks) and performance target tables.  Every loader
of this document family feeds it; what the words mean is in
:mod:`plugins_builtin.cn_budget.vocabulary`.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from compliance.model import Document, Paragraph, ParseIssue, PerfTable, Section, Span, Table, Toc, TocEntry
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.blocks import BLANK, ROW, Block
from plugins_builtin.cn_budget.perf import build_perf_table
from plugins_builtin.cn_budget.tables import build_rows, cell_texts, header_width, resolve_columns, split_header

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WRAPPED_END = re.compile(r"[\u4e00-\u9fff]$")
_LABEL_START = re.compile(r"^.{1,10}?[:：]")
_BOLD = "**"
_TITLE_MAX_LINES = 3


def chinese_ordinal(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; ``None`` for what is not a Chinese numeral."""
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


class Heading:
    """A recognised heading line."""

    __slots__ = ("style", "rank", "number", "title")

    def __init__(self, style: str, rank: int, number: str, title: str) -> None:
        self.style, self.rank, self.number, self.title = style, rank, number, title


def match_heading(text: str, *, strict: bool = True) -> Heading | None:
    """The heading a line is, if any.  ``strict`` rejects list items that read as sentences."""
    if text[:1] not in vocab.HEADING_FIRST_CHARS:
        return None
    for style, rank, pattern in vocab.HEADING_STYLES:
        match = pattern.match(text)
        if not match:
            continue
        title = match.group(2).strip()
        if strict:
            if vocab.HEADING_REJECT_END.search(title) or len(title) > vocab.HEADING_MAX:
                return None
            if style == "arabic" and (len(title) > vocab.ARABIC_HEADING_MAX or vocab.ARABIC_HEADING_REJECT.search(title)):
                return None
        number = f"第{match.group(1)}部分" if style == "part" else match.group(1)
        return Heading(style, rank, number, title)
    return None


class _SectionDraft:
    __slots__ = ("heading", "span", "blocks", "children", "end_line", "end_column")

    def __init__(self, heading: Heading, block: Block) -> None:
        self.heading = heading
        self.span = block
        self.blocks: list = []
        self.children: list[Section] = []
        self.end_line = block.line
        self.end_column = block.end_column

    def build(self) -> Section:
        h, b = self.heading, self.span
        span = Span(b.line, b.column, self.end_line, self.end_column, page=b.page)
        return Section(h.number, h.title, h.rank, span, h.style, chinese_ordinal(h.number.removeprefix("第").removesuffix("部分")),
                       tuple(self.blocks), tuple(self.children))


class _TableDraft:
    """A captioned (or uncaptioned) table being collected."""

    def __init__(self, caption: Block | None, number: str | None) -> None:
        self.caption = caption
        self.number = number
        self.title = ""
        self.meta: dict[str, str] = {}
        self.rows: list[Block] = []
        self.issues: list[ParseIssue] = []
        self.pending_meta: list[Block] = []
        self.skip_header: list[list[str]] = []
        self.first = caption
        #: The caption, title and labelled lines as printed (kept if no rows follow).
        self.prose: list[Block] = [caption] if caption is not None else []

    @property
    def last_line(self) -> Block:
        for blocks in (self.rows, self.pending_meta, self.prose):
            if blocks:
                return blocks[-1]
        return self.first


class _PerfDraft:
    """A performance target table being collected: its title line, period and rows."""

    def __init__(self, kind: str, title: Block) -> None:
        self.kind = kind
        self.title = title
        self.period: str | None = None
        self.rows: list[Block] = []


class Assembler:
    """Builds a document from blocks; one instance per document."""

    def __init__(self, path: str, blocks: Iterable[Block], lines: Sequence[str] = (), fmt: str = "text") -> None:
        self.path = path
        self.blocks = blocks
        self.lines = tuple(lines)
        self.format = fmt
        self.title_lines: list[str] = []
        self.preamble: list = []
        self.stack: list[_SectionDraft] = []
        self.roots: list[Section] = []
        self.tables: list[Table] = []
        self.perf_tables: list[PerfTable] = []
        self.paragraphs: list[Paragraph] = []
        self.toc_entries: list[TocEntry] = []
        self.toc_start: Block | None = None
        self.toc: Toc | None = None
        self.in_toc = False
        self.para: list[Block] = []
        self.blank_before = False
        self.table: _TableDraft | None = None
        self.perf: _PerfDraft | None = None
        self.issues: list[ParseIssue] = []
        self.seen_structure = False

    # -- output -----------------------------------------------------------------
    def _emit(self, element: object) -> None:
        if self.stack:
            self.stack[-1].blocks.append(element)
        else:
            self.preamble.append(element)
        last = element.span  # type: ignore[attr-defined]
        for draft in self.stack:
            draft.end_line, draft.end_column = last.last_line, last.end_column

    def _flush_paragraph(self) -> None:
        if not self.para:
            return
        lines, self.para = self.para, []
        text = "".join(b.text for b in lines).replace(_BOLD, "")
        span = Span(lines[0].line, lines[0].column, lines[-1].line, lines[-1].end_column, page=lines[0].page)
        if not self.seen_structure and len(self.title_lines) + len(lines) <= _TITLE_MAX_LINES and len(text) < 40:
            self.title_lines.append(text)
            return
        paragraph = Paragraph(text, span)
        self.paragraphs.append(paragraph)
        self._emit(paragraph)

    def _open_section(self, heading: Heading, block: Block) -> None:
        self._close_sections(heading.rank)
        self.stack.append(_SectionDraft(heading, block))

    def _close_sections(self, rank: int) -> None:
        while self.stack and self.stack[-1].heading.rank >= rank:
            section = self.stack.pop().build()
            (self.stack[-1].children if self.stack else self.roots).append(section)

    # -- tables -----------------------------------------------------------------
    def _close_table(self) -> None:
        draft, self.table = self.table, None
        if draft is None:
            return
        if not draft.rows:
            # A caption with no rows: keep what was printed as paragraphs, and say so.
            self.issues.append(ParseIssue("table-without-rows", f"表{draft.number or ''}“{draft.title}”没有表格行",
                                          _span(draft.first, draft.last_line)))
            for block in draft.prose:
                paragraph = Paragraph(block.text, _span(block, block))
                self.paragraphs.append(paragraph)
                self._emit(paragraph)
            return
        header, body = split_header(draft.rows)
        width = header_width(header, body)
        columns = resolve_columns(header, body, width)
        department = next((draft.meta[k] for k in vocab.DEPARTMENT_LABELS if k in draft.meta), None)
        rows = build_rows(body, columns, width, department)
        unit = next((draft.meta[k] for k in vocab.UNIT_LABELS if k in draft.meta), None)
        issues = list(draft.issues)
        if not header:
            issues.append(ParseIssue("no-header", "表格没有表头行", _span(draft.rows[0], draft.rows[0])))
        if unit is not None and unit not in vocab.UNITS:
            issues.append(ParseIssue("unknown-unit", f"无法识别的金额单位：{unit}", _span(draft.first, draft.first)))
        table = Table(
            title=draft.title,
            columns=columns,
            rows=rows,
            span=_span(draft.first, draft.rows[-1]),
            number=draft.number,
            unit=unit,
            meta=draft.meta,
            header=tuple(tuple(r) for r in header),
            issues=tuple(issues),
        )
        self.tables.append(table)
        self._emit(table)
        # Labelled lines after the last row that no continuation followed are prose.
        for block in draft.pending_meta:
            paragraph = Paragraph(block.text, _span(block, block))
            self.paragraphs.append(paragraph)
            self._emit(paragraph)

    def _table_prose(self, block: Block) -> bool:
        """Handle a prose line while a table is open; False when it ends the table."""
        draft = self.table
        assert draft is not None
        if vocab.META_LINE.match(block.text):
            if draft.rows:
                draft.pending_meta.append(block)
            else:
                _read_meta(draft.meta, block.text)
                draft.prose.append(block)
            return True
        if not draft.rows and not draft.title and draft.caption is not None:
            draft.title = block.text
            draft.prose.append(block)
            return True
        return False

    def _table_row(self, block: Block) -> None:
        draft = self.table
        if draft is None:
            draft = self.table = self._uncaptioned(block)
        else:
            self._flush_paragraph()
        if draft.pending_meta:
            # Labelled lines after rows: a continuation page repeats them with the header.
            draft.skip_header = split_header(draft.rows)[0]
            pending, draft.pending_meta = draft.pending_meta, []
            if not draft.skip_header or cell_texts(block) != draft.skip_header[0]:
                self._close_table()
                draft = self.table = _TableDraft(None, None)
                draft.first = pending[0]
                for line in pending:
                    _read_meta(draft.meta, line.text)
                draft.issues.append(ParseIssue("table-without-caption", "表格没有“表 N”标题行", _span(pending[0], pending[0])))
        if draft.skip_header:
            if cell_texts(block) == draft.skip_header[0]:
                draft.skip_header.pop(0)
                return
            draft.skip_header = []
        draft.rows.append(block)

    def _title_above(self) -> bool:
        """Is the pending paragraph a single title line ending in 表 (a table title without "表 N")?"""
        return bool(self.para) and len(self.para) == 1 and self.para[0].text.endswith("表") and len(self.para[0].text) <= 40

    def _uncaptioned(self, block: Block) -> _TableDraft:
        draft = _TableDraft(None, None)
        draft.first = block
        if self._title_above():
            draft.title = self.para[0].text
            draft.first = self.para[0]
            self.para = []
        self._flush_paragraph()
        draft.issues.append(ParseIssue("table-without-caption", "表格没有“表 N”标题行", _span(block, block)))
        return draft

    # -- perf tables ------------------------------------------------------------
    def _close_perf(self) -> None:
        if self.perf is None:
            return
        draft, self.perf = self.perf, None
        last = draft.rows[-1] if draft.rows else draft.title
        table = build_perf_table(draft.kind, draft.title.text, draft.period, draft.rows, _span(draft.title, last))
        self.perf_tables.append(table)
        self._emit(table)

    # -- table of contents --------------------------------------------------------
    def _toc_line(self, block: Block) -> bool:
        """Handle a line inside the 目录; False when the line ends it."""
        text = vocab.TOC_LEADER.sub("", vocab.TOC_ITEM_PREFIX.sub("", block.text))
        heading = match_heading(text, strict=False)
        if heading:
            first = self.toc_entries[0] if self.toc_entries else None
            if first and (first.style, first.number) == (heading.style, heading.number):
                return False
            level = heading.rank
            self.toc_entries.append(TocEntry(heading.number, heading.title, level, _span(block, block), heading.style))
            return True
        if self.toc_entries and len(text) <= 10 and not vocab.HEADING_REJECT_END.search(text):
            # A TOC title wrapped onto the next line ("…情况说" / "明").
            last = self.toc_entries[-1]
            span = Span(last.span.start_line, last.span.start_column, block.line, block.end_column)
            self.toc_entries[-1] = TocEntry(last.number, last.title + text, last.level, span, last.style)
            return True
        return False

    def _close_toc(self) -> None:
        if not self.in_toc:
            return
        self.in_toc = False
        start = self.toc_start
        assert start is not None
        end = self.toc_entries[-1].span if self.toc_entries else _span(start, start)
        # The TOC is kept apart from the section tree: its lines are not headings.
        self.toc = Toc(tuple(self.toc_entries), Span(start.line, start.column, end.last_line, end.end_column, page=start.page))

    # -- the pass -----------------------------------------------------------------
    def _prose(self, block: Block) -> None:
        text = block.text
        if self.in_toc:
            if self._toc_line(block):
                return
            self._close_toc()
        if self.table is not None:
            if self._table_prose(block):
                return
            self._close_table()
        if self.perf is not None:
            period = vocab.PERF_PERIOD.match(text)
            if period and not self.perf.rows:
                self.perf.period = period.group(1)
                return
            self._close_perf()
        if vocab.META_LINE.match(text) and self._title_above():
            # A title line ending in 表 with 编制部门/单位 lines under it: a caption without "表 N".
            draft = self.table = _TableDraft(None, None)
            draft.title, draft.first, draft.prose = self.para[0].text, self.para[0], [self.para[0]]
            self.para = []
            self.seen_structure = True
            self._table_prose(block)
            return
        caption = vocab.CAPTION.match(text)
        if caption:
            self._flush_paragraph()
            self.seen_structure = True
            self.table = _TableDraft(block, caption.group(1))
            self.table.title = caption.group(2).strip()
            return
        key = vocab.normalise_title(text)
        if key in vocab.PERF_TITLES:
            self._flush_paragraph()
            self.perf = _PerfDraft(vocab.PERF_TITLES[key], block)
            return
        if key in vocab.TOC_TITLES and self.toc is None:
            self._flush_paragraph()
            self.seen_structure = True
            self.in_toc, self.toc_start = True, block
            return
        heading = match_heading(text)
        if heading is None and block.heading and not text.endswith("表"):
            heading = Heading("font", 1, "", text)  # an unnumbered chapter title, known by its type size
        if heading:
            self._flush_paragraph()
            self.seen_structure = True
            self._open_section(heading, block)
            for draft in self.stack:
                draft.end_line, draft.end_column = block.line, block.end_column
            return
        if self.para and self._continues(self.para[-1], block):
            self.para.append(block)
        else:
            self._flush_paragraph()
            self.para = [block]

    def _continues(self, previous: Block, block: Block) -> bool:
        """Does ``block`` continue the paragraph whose last line is ``previous``?"""
        text = block.text
        if match_heading(text, strict=False):
            return False
        if not self.blank_before:
            return True
        # Across a blank line only a wrapped sentence continues: a long line cut in mid-word.
        # Only the text form wraps this way; other loaders re-join their lines themselves.
        return (self.format == "text" and len(previous.text) >= 30 and bool(_WRAPPED_END.search(previous.text))
                and not _LABEL_START.match(text))

    def run(self) -> Document:
        for block in self.blocks:
            if block.kind == BLANK:
                self.blank_before = True
                continue
            if block.kind == ROW:
                if self.in_toc:
                    self._close_toc()
                if self.perf is not None:
                    self._flush_paragraph()
                    self.perf.rows.append(block)
                else:
                    self._table_row(block)  # takes a pending title line, or flushes the paragraph
            else:
                self._prose(block)
            self.blank_before = False
        self._close_toc()
        self._close_table()
        self._close_perf()
        self._flush_paragraph()
        self._close_sections(0)
        return self._document()

    def _document(self) -> Document:
        issues = list(self.issues)
        if not self.tables and not self.perf_tables:
            issues.append(ParseIssue("no-tables", "文档中没有识别到任何表格", Span(1, 1, max(len(self.lines), 1))))
        return Document(
            path=self.path,
            title="".join(self.title_lines),
            sections=tuple(self.roots),
            toc=self.toc,
            tables=tuple(self.tables),
            perf_tables=tuple(self.perf_tables),
            paragraphs=tuple(self.paragraphs),
            preamble=tuple(self.preamble),
            format=self.format,
            issues=tuple(issues),
            lines=self.lines,
        )


def _read_meta(meta: dict[str, str], text: str) -> None:
    """Labelled values of a line under a table title; the first value of a label wins."""
    for label, value in vocab.META_PAIR.findall(text):
        meta.setdefault(label, value.strip())


def _span(first: Block, last: Block) -> Span:
    return Span(first.line, first.column, last.line, last.end_column, page=first.page)


def assemble(path: str, blocks: Iterable[Block], lines: Sequence[str] = (), fmt: str = "text") -> Document:
    """Build a document from layout blocks (see :mod:`plugins_builtin.cn_budget.blocks`)."""
    return Assembler(path, blocks, lines, fmt).run()
