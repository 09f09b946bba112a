"""Tables from row blocks: header paths, column roles, parsed cells, code hierarchy.

The assembler collects a table's caption, title, labelled lines and rows;
this module turns the rows into :class:`~compliance.model.Table` parts.  It is
also used to split a two-sided table into its sides.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Sequence

from compliance.model import Cell, Column, ParseIssue, Row, Span
from compliance.numbers import BLANK_MARKS, AmountError, looks_numeric, parse_amount
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.blocks import Block

CODE = "code"
LABEL = "label"
AMOUNT = "amount"
TEXT = "text"
#: Label columns named like this win over other label columns (a project row's name).
PREFERRED_LABELS = ("项目名称",)
_PLAIN_AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d+|-?\d+\.\d+")


def cell_texts(block: Block) -> list[str]:
    """The tidied texts of a row block's cells."""
    tidy = vocab.tidy
    return [tidy(text) if " " in text else text for text, _ in block.cells]


def header_width(header: Sequence[Sequence[str]], body: Sequence[Block]) -> int:
    """Columns a table has: the widest header row, ignoring trailing blank cells."""
    rows = header or [cell_texts(b) for b in body]
    width = 0
    for row in rows:
        for index in range(len(row) - 1, -1, -1):
            if row[index]:
                width = max(width, index + 1)
                break
    return width


def is_header_row(texts: Sequence[str], first: bool) -> bool:
    """A leading row is a header unless it holds a figure, a code or a dash, or (after the first) one lone cell.

    A lone cell after the first header row is a body row whose figures are all
    blank: "因公出国（境）费用" with nothing beside it, or an empty table's 总计.
    """
    filled = [t for t in texts if t]
    if not filled:
        return False
    if vocab.CODE_CELL.match(texts[0] or ""):
        return False
    # A figure or a dash placeholder ("—" for no figure) marks a body row.
    if any(t in BLANK_MARKS or looks_numeric(t) for t in filled):
        return False
    return first or len(filled) > 1


def split_header(blocks: Sequence[Block]) -> tuple[list[list[str]], list[Block]]:
    """Leading header rows (as tidied texts) and the body blocks after them."""
    header: list[list[str]] = []
    for index, block in enumerate(blocks):
        texts = cell_texts(block)
        if not is_header_row(texts, first=index == 0):
            return header, list(blocks[index:])
        header.append(texts)
    return header, []


def _fill_spans(header: list[list[str]], width: int) -> list[list[str]]:
    """Fill a merged upper header cell rightwards over the columns that have sub-headers."""
    rows = [row[:width] + [""] * (width - len(row)) for row in header]
    for r in range(len(rows) - 1):
        row = rows[r]
        for c in range(1, width):
            if not row[c] and row[c - 1] and any(rows[below][c] for below in range(r + 1, len(rows))):
                row[c] = row[c - 1]
    return rows


def _role_of(path: Sequence[str]) -> str | None:
    # A code group word (科目编码, 功能分类科目编码) wins over a label word above it: Shanghai prints
    # 类/款/项 under 功能分类科目编码 under 项目.  Otherwise a label word wins: some layouts print
    # 款 under 科目名称 (the 款 code sits in the label cell).
    if any(part in vocab.CODE_HEADERS and len(part) > 1 for part in path):
        return CODE
    if any(part in vocab.LABEL_HEADERS for part in path):
        return LABEL
    if any(part in vocab.CODE_HEADERS for part in path):
        return CODE
    return None


def _paths(rows: list[list[str]], width: int) -> list[tuple[str, ...]]:
    paths = []
    for c in range(width):
        path: list[str] = []
        for row in rows:
            if row[c] and (not path or path[-1] != row[c]):
                path.append(row[c])
        paths.append(tuple(path))
    return paths


def _repair_top_groups(rows: list[list[str]], width: int) -> None:
    """Move descriptive columns out of an amount group that a lossy layout shifted left.

    A text export often prints "科目 | 支出预算" one cell short, so 支出预算 sits
    over 科目名称.  A top group that starts on code/label columns, right after
    a group made only of code/label columns, gives those columns back to it.
    """
    if len(rows) < 2:
        return
    top = rows[0]
    roles = [_role_of(path) for path in _paths(rows[1:], width)]
    starts = [c for c in range(width) if top[c] and (c == 0 or top[c] != top[c - 1])]
    for prev, start in zip(starts, starts[1:]):
        if all(roles[c] in (CODE, LABEL) for c in range(prev, start)):
            c = start
            while c < width and top[c] == top[start] and roles[c] in (CODE, LABEL):
                c += 1
            # Only a group that goes on over amount columns was shifted; a lone 科目名称 over 款 was not.
            if c == width or top[c] != top[start]:
                continue
            for moved in range(start, c):
                top[moved] = top[prev]


def resolve_columns(header: list[list[str]], body: Sequence[Block], width: int) -> tuple[Column, ...]:
    """Columns with header paths and roles (code, label, amount or text)."""
    rows = _fill_spans(header, width)
    _repair_top_groups(rows, width)
    paths = _paths(rows, width)
    columns = []
    body_texts = [[text for text, _ in b.cells] for b in body]
    for index, path in enumerate(paths):
        role = _role_of(path) or _content_role([r[index] for r in body_texts if index < len(r)])
        columns.append(Column(index, path, role))
    return tuple(columns)


def _content_role(texts: list[str]) -> str:
    filled = [t.strip() for t in texts if t.strip()]
    if not filled:
        return AMOUNT
    numeric = sum(1 for t in filled if t in BLANK_MARKS or looks_numeric(t))
    return AMOUNT if numeric * 2 >= len(filled) else TEXT


def split_code(text: str) -> tuple[str, ...]:
    """A classification code in parts: "2010301" → ("201", "03", "01"); "201" → ("201",)."""
    if len(text) <= 3:
        return (text,)
    return (text[:3],) + tuple(text[i : i + 2] for i in range(3, len(text), 2))


def clean_label(text: str) -> str:
    """A row label without its list marker or "其中：" prefix."""
    if not text or text[0] not in vocab.LABEL_PREFIX_FIRST_CHARS:
        return text
    return vocab.LABEL_PREFIX.sub("", text, count=1)


def parse_cell(text: str, column: int, span: Span, role: str) -> Cell:
    """A cell with its amount parsed; malformed figures keep their text and get an issue."""
    if role != AMOUNT or not text:
        return Cell(column, text, None, span)
    try:
        value = parse_amount(text)
    except AmountError as exc:
        return Cell(column, text, None, span, (ParseIssue("malformed-number", f"数字格式有误：{text}（{exc}）", span),))
    except ValueError:
        return Cell(column, text, None, span, (ParseIssue("not-a-number", f"金额栏出现非数字内容：{text}", span),))
    if value is None and text:
        # A dash is read as blank, not zero; say so, since it may stand for a missing figure.
        return Cell(column, text, None, span, (ParseIssue("dash-as-blank", f"单元格“{text}”按空白处理", span),))
    return Cell(column, text, value, span)


class _RowDraft:
    """What a row will be, gathered before rows are built bottom-up with their children."""

    __slots__ = ("index", "label", "cells", "span", "code", "kind", "issues", "parent", "children")

    def __init__(self, index: int, label: str, cells: tuple[Cell, ...], span: Span,
                 code: tuple[str, ...], kind: str, issues: tuple[ParseIssue, ...]) -> None:
        self.index = index
        self.label = label
        self.cells = cells
        self.span = span
        self.code = code
        self.kind = kind
        self.issues = issues
        self.parent: int | None = None
        self.children: list[int] = []


def parse_cells(block: Block, columns: Sequence[Column], width: int) -> tuple[list[Cell], list[ParseIssue]]:
    """A row block's printed cells, parsed by column role.

    Blank cells are left out (a missing cell reads as blank, never as zero);
    cells beyond the header are kept, with an ``extra-cells`` issue on the row.
    """
    cells: list[Cell] = []
    issues: list[ParseIssue] = []
    line, page = block.line, block.page
    for position, (raw, col) in enumerate(block.cells):
        if not raw:
            continue  # a blank cell is absent: Row.cell() and Table.value() read it as None
        span = Span(line, col, line, col + len(raw) - 1, page)
        if position >= width:
            issues.append(ParseIssue("extra-cells", f"本行第 {position + 1} 格“{raw}”超出表头列数（{width} 列）", span))
            cells.append(Cell(position, raw, None, span))
            continue
        role = columns[position].role
        if role == AMOUNT:
            if _PLAIN_AMOUNT.fullmatch(raw):  # the common case, without the general parser's detours
                cells.append(Cell(position, raw, Decimal(raw.replace(",", "")), span))
            else:
                cells.append(parse_cell(raw, position, span, role))
        else:
            cells.append(Cell(position, vocab.tidy(raw) if " " in raw else raw, None, span))
    return cells, issues


def _draft(index: int, cells: Sequence[Cell], span: Span, columns: dict[int, Column],
           department: str | None, issues: Sequence[ParseIssue] = ()) -> _RowDraft:
    """Label, code and kind of a row from its cells (``columns`` by printed index)."""
    code: list[str] = []
    labels: list[tuple[int, str]] = []
    for cell in cells:
        column = columns.get(cell.column)
        if column is None or not cell.text:
            continue
        if column.role == CODE:
            if vocab.CODE_CELL.match(cell.text):
                code.extend(split_code(cell.text))
            elif vocab.tidy(cell.text).replace(" ", "") in vocab.TOTAL_LABELS:
                labels.append((1, cell.text))  # 合计 printed across the code columns (Shanghai)
        elif column.role == LABEL:
            labels.append((0 if column.name in PREFERRED_LABELS else 1, cell.text))
    if not labels:
        labels = [(1, c.text) for c in cells if c.text and c.value is None and not c.issues
                  and c.column in columns and columns[c.column].role != CODE]
    label = clean_label(min(labels, key=lambda item: item[0])[1]) if labels else ""
    match = vocab.LABEL_CODE.match(label)
    if match and ((code and len(match.group(1)) == 2) or (not code and len(match.group(1)) == 3)):
        code.append(match.group(1))
        label = match.group(2)
    kind = "body"
    if label in vocab.TOTAL_LABELS and not code:
        kind = "total"
    elif not code and department and label == department:
        kind = "group"
    return _RowDraft(index, label, tuple(cells), span, tuple(code), kind, tuple(issues))


def row_span(block: Block) -> Span:
    return Span(block.line, block.cells[0][1] if block.cells else block.column, block.line, block.end_column,
                page=block.page)


def _link(drafts: list[_RowDraft]) -> None:
    """Parent and children by code (nearest preceding row with the parent code); groups own top rows."""
    latest: dict[str, int] = {}
    group: int | None = None
    for position, draft in enumerate(drafts):
        if draft.kind == "group":
            group = position
            continue
        if draft.kind == "total":
            group = None
            continue
        if len(draft.code) > 1:
            parent = latest.get("".join(draft.code[:-1]))
            if parent is not None:
                draft.parent = parent
                drafts[parent].children.append(position)
        elif group is not None:
            draft.parent = group
            drafts[group].children.append(position)
        if draft.code:
            latest["".join(draft.code)] = position


def build_rows(body: Sequence[Block], columns: Sequence[Column], width: int, department: str | None) -> tuple[Row, ...]:
    """Body rows with cells, labels, codes, kinds and the code hierarchy."""
    by_index = {c.index: c for c in columns}
    drafts = []
    for i, block in enumerate(body):
        cells, issues = parse_cells(block, columns, width)
        drafts.append(_draft(i, cells, row_span(block), by_index, department, issues))
    _repair_codes(drafts, [c.index for c in columns if c.role == CODE])
    return link_rows(drafts)


def _repair_codes(drafts: list[_RowDraft], code_columns: list[int]) -> None:
    """Read misprinted codes of a 类/款/项 layout from their context, and say so on the row.

    With one column per level, a 款 or 项 printed as one digit ("301 2 津贴补贴") is read
    zero-padded ("02"), and a 类 printed wrongly under valid 款/项 ("7 11 02" after the
    210 rows) is read as the 类 of the row above.  The cells keep the print, so a rule can
    still report the misprint; the row's code is what the hierarchy needs.
    """
    if len(code_columns) < 2:
        return
    previous: tuple[str, ...] = ()
    for draft in drafts:
        texts = {c.column: c.text.strip() for c in draft.cells}
        printed = [texts.get(i, "") for i in code_columns]
        parts = [p for p in printed if p]
        if not parts or not all(p.isdigit() for p in parts):
            if draft.code:
                previous = draft.code
            continue
        repaired = [("0" + p if level and len(p) == 1 else p) for level, p in enumerate(printed) if p]
        if len(printed[0]) not in (0, 3) and len(parts) > 1 and previous:
            repaired[0] = previous[0]
        code = tuple(repaired)
        if code != draft.code and all(vocab.CODE_CELL.match(p) for p in code):
            note = f"编码印为「{' '.join(parts)}」，按上下文读作 {''.join(code)}"
            draft.code = code
            draft.issues = draft.issues + (ParseIssue("code-repaired", note, draft.span),)
        previous = draft.code or previous


def rows_from_cells(rows: Sequence[Row], columns: Sequence[Column]) -> tuple[Row, ...]:
    """Rows re-read over a subset of columns (one side of a two-sided table), sharing their cells.

    Rows whose cells in these columns are all blank are left out: they belong to the other side.
    """
    by_index = {c.index: c for c in columns}
    drafts = []
    for row in rows:
        cells = [c for c in row.cells if c.column in by_index]
        if any(c.text for c in cells):
            drafts.append(_draft(len(drafts), cells, row.span, by_index, None))
    return link_rows(drafts)


def link_rows(drafts: list[_RowDraft]) -> tuple[Row, ...]:
    """Build rows bottom-up so each carries its children."""
    # A lone "group" with nothing under it is an ordinary row (e.g. the only line of a table).
    _link(drafts)
    for draft in drafts:
        if draft.kind == "group" and not draft.children:
            draft.kind = "body"
    built: dict[int, Row] = {}

    def build(position: int) -> Row:
        if position not in built:
            d = drafts[position]
            children = tuple(build(child) for child in d.children)
            built[position] = Row(
                d.index, d.label, d.cells, d.span, d.code, len(d.code) or None,
                "".join(d.code[:-1]) or None, children, d.kind, d.issues,
            )
        return built[position]

    return tuple(build(position) for position in range(len(drafts)))


def has_figures(rows: Sequence[Row]) -> bool:
    """True when any cell of any row holds an amount (zero counts; blank does not)."""
    return any(isinstance(cell.value, Decimal) for row in rows for cell in row.cells)
