"""A loader for ``.hnb``: a small tab-separated publication format, one statement per line.

::

    title   海南省某厅2026年部门预算
    meta    department  海南省某厅
    table   1   一般公共预算支出情况表   万元
    row     201     一般公共服务支出    100.00
    row     20101   人大事务    60.00
    total   合计    100.00

Codes of 3, 5 and 7 digits are 类, 款 and 项.  Every row keeps its line as its span.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from attrs import evolve

from compliance.errors import LoadError
from compliance.model import Cell, Column, Document, Row, Span, Table

SUFFIX = ".hnb"
COLUMNS = (Column(0, ("科目编码",), "code"), Column(1, ("科目名称",), "label"), Column(2, ("金额",), "amount"))


def load_hnb(path: Path, data: bytes) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text: {exc.reason}", source=str(path)) from exc
    lines = tuple(text.splitlines())
    title, meta, tables = "", {"jurisdiction": "hainan"}, []
    current: dict | None = None
    for number, line in enumerate(lines, start=1):
        fields = line.split("\t")
        kind = fields[0]
        if kind == "title":
            title = fields[1]
        elif kind == "meta":
            meta[fields[1]] = fields[2]
        elif kind == "table":
            current = {"number": fields[1], "title": fields[2], "unit": fields[3], "line": number, "rows": []}
            tables.append(current)
        elif kind in ("row", "total"):
            if current is None:
                raise LoadError("a row before any table", source=str(path), line=number)
            current["rows"].append(_row(path, number, line, fields, len(current["rows"])))
        elif line.strip():
            raise LoadError(f"unknown statement {kind!r}", source=str(path), line=number)
    return Document(
        path=str(path),
        title=title,
        tables=tuple(_table(t, lines) for t in tables),
        meta=meta,
        format="hnb",
        lines=lines,
    )


def _row(path: Path, number: int, line: str, fields: list[str], index: int) -> Row:
    if fields[0] == "total":
        code, label, amount = "", fields[1], fields[2]
    else:
        code, label, amount = fields[1], fields[2], fields[3]
    try:
        value = Decimal(amount.replace(",", "")) if amount.strip() else None
    except InvalidOperation:
        raise LoadError(f"not an amount: {amount!r}", source=str(path), line=number) from None
    column = line.rfind(amount) + 1
    parts = tuple(p for p in (code[:3], code[3:5], code[5:7]) if p)
    return Row(
        index=index,
        label=label,
        cells=(Cell(2, amount, value, span=Span(number, column, number, column + len(amount) - 1)),),
        span=Span(number, 1, number, len(line)),
        code=parts,
        level=len(parts) or None,
        parent_code="".join(parts[:-1]) if len(parts) > 1 else None,
        kind="total" if fields[0] == "total" else "body",
    )


def _table(spec: dict, lines: tuple[str, ...]) -> Table:
    rows = spec["rows"]
    last = rows[-1].span.start_line if rows else spec["line"]
    return Table(
        title=spec["title"],
        columns=COLUMNS,
        rows=tuple(_with_children(row, rows) for row in rows),
        span=Span(spec["line"], 1, last, len(lines[last - 1])),
        number=spec["number"],
        unit=spec["unit"],
    )


def _with_children(row: Row, rows: list[Row]) -> Row:
    """The row with the rows that roll up into it (款 under 类, 项 under 款)."""
    children = tuple(r for r in rows if r.parent_code == row.code_text and row.code)
    return evolve(row, children=children) if children else row
