"""Rule-language functions for the arithmetic of budget tables: what adds up to what.

The rule language can say "this cell equals the sum of those cells"; what it
cannot see is *which* cells a printed table means to add up, because that is
carried by layout conventions of the budget templates rather than by codes:

- a two-sided table (收支总表) is two ledgers side by side; arithmetic runs on
  each side (:func:`ledgers`);
- flat tables outline their rows with printed markers: ``一、`` heads a top
  line, ``1.`` a line inside it, an unmarked line continues the level of the
  line above (or opens the level below a marked line), and ``其中：`` opens a
  list of sub-items that are *part of* the line above, not addends of its
  siblings (:func:`top_rows`, :func:`parts_of`, :func:`sub_items_of`);
- a column headed 合计/小计/总计 adds up the columns beside it under the same
  header, taking a group's own 小计 instead of its members
  (:func:`column_sums`).

Money is compared across tables only in one unit; :func:`in_unit` converts by
a power of ten *without* changing how many digits were printed, so a figure
keeps its rounding interval (3,037.70 万元 is 30,377,000 元 ± 50 元).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any, Mapping

from compliance.dsl import needs_document
from compliance.dsl.memo import current_memo
from compliance.dsl.functions import normalize_text
from compliance.model import Column, Document, Row, Table
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.functions.units import unit_factor

#: Printed outline markers: ``一、`` (level 1), ``1.`` / ``1、`` / ``（一）`` (level 2).
_LEVEL_ONE = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_LEVEL_TWO = re.compile(r"^\s*(?:\d+\s*[.．、]|[（(][一二三四五六七八九十]+[）)])")
_SUB_ITEM = re.compile(r"^\s*其中\s*[:：]")

#: Last header words of a column that adds up its neighbours.
_TOTAL_WORDS = ("合计", "小计", "总计")


#: Outside an evaluation of the rules, results per table, keyed by id() with the table kept alive
#: beside them (tables are frozen and unhashable cheaply).
_CACHE: dict[tuple[str, int], tuple[Table, Any]] = {}
_CACHE_LIMIT = 512


def _cached(name: str, table: Table, compute: Any) -> Any:
    """``compute(table)`` once: a check runs each function many times on the same dozen tables.

    While rules are evaluated, once per evaluation (never reused for the next one).
    ``name`` ("tables.…") is the memo's key as it is: hundreds of calls per evaluation.
    """
    memo = current_memo()
    if memo is not None:
        return memo.of(name, table, compute)
    key = (name, id(table))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    value = compute(table)
    _CACHE[key] = (table, value)
    return value


@needs_document
def ledgers(document: Document) -> tuple[Table, ...]:
    """Every table whose rows are one ledger: a two-sided table counts as its two sides."""
    out: list[Table] = []
    for table in document.tables:
        out.extend(table.sides if table.sides else (table,))
    return tuple(out)


def side_of(table: Table | None, side: str) -> Table | None:
    """One side (``"income"`` / ``"expenditure"``) of a two-sided table; blank when it was not split."""
    if table is None:
        return None
    for part in table.sides:
        if part.side == side:
            return part
    return None


# ---- rows ---------------------------------------------------------------------------


def _label_text(label_columns: tuple[int, ...], row: Row) -> str:
    """The label as printed, markers included (``Row.label`` has them stripped).

    ``label_columns``: the indexes of the table's label columns, in column order.
    """
    for index in label_columns:
        for cell in row.cells:
            if cell.column == index:
                if cell.text.strip():
                    return cell.text
                break
    return row.label


def _outline(table: Table) -> list[tuple[Row, int, bool]]:
    """Each non-total row with its outline level and whether it is a 其中 sub-item."""
    return _cached("tables.outline", table, _compute_outline)


def _compute_outline(table: Table) -> list[tuple[Row, int, bool]]:
    label_columns = tuple(c.index for c in table.columns if c.role == "label")
    rows = [row for row in table.rows if row.kind != "total"]
    levels = _outline_levels(tuple(_label_text(label_columns, row) for row in rows))
    return [(row, level, sub) for row, (level, sub) in zip(rows, levels)]


@functools.lru_cache(maxsize=256)
def _outline_levels(texts: tuple[str, ...]) -> tuple[tuple[int, bool], ...]:
    """Each line's outline level and whether it is a 其中 sub-item, from the labels as printed, in order.

    A pure function of the labels: a template prints the same lines in every document and evaluation.
    """
    out: list[tuple[int, bool]] = []
    previous_level, previous_marked, in_sub_list = 0, False, False
    for text in texts:
        if _SUB_ITEM.match(text):
            level, marked, sub = previous_level + 1 if not in_sub_list else previous_level, True, True
        elif _LEVEL_ONE.match(text):
            level, marked, sub = 1, True, False
        elif _LEVEL_TWO.match(text):
            level, marked, sub = 2, True, False
        elif in_sub_list:
            level, marked, sub = previous_level, False, True  # the 其中 list goes on
        elif previous_marked:
            level, marked, sub = previous_level + 1, False, False  # unmarked lines under a marked line
        else:
            level, marked, sub = max(previous_level, 1), False, False
        out.append((level, sub))
        previous_level, previous_marked, in_sub_list = level, marked and not sub, sub
    return tuple(out)


def _is_flat(table: Table) -> bool:
    """A table outlined by printed markers only: no row rolls up others and none has a code."""
    return not any(row.children or row.code for row in table.rows)


def top_rows(table: Table) -> tuple[Row, ...]:
    """The rows a table's total row adds up.

    In a table with a code or group hierarchy: the rows no other row rolls up
    (类 rows, or a department line above them). In a flat table: the rows of
    the first outline level, without 其中 sub-items.
    """
    return _cached("tables.top_rows", table, _compute_top_rows)


def _compute_top_rows(table: Table) -> tuple[Row, ...]:
    if not _is_flat(table):
        # 类 rows and the group lines above them; a row whose code lost its 类 part
        # (a 款 printed without it) is not mistaken for a top row.
        inner: set[int] = set()
        for row in table.rows:
            if row.children:
                inner.update(map(id, row.children))
        return tuple([r for r in table.rows if (r.kind == "group" or (r.code and r.level == 1))
                      and r.kind != "total" and id(r) not in inner])
    outline = _outline(table)
    top = min((level for _, level, sub in outline if not sub), default=1)
    return tuple(row for row, level, sub in outline if level == top and not sub)


def _below(table: Table, row: Row) -> list[tuple[Row, int, bool]]:
    """The outline entries after ``row`` until the next line at its level or above."""
    outline = _outline(table)
    position = _cached("tables.outline_positions", table, _outline_positions).get(id(row))
    if position is None:
        return []
    level = outline[position][1]
    out = []
    for entry in outline[position + 1:]:
        if entry[1] <= level:
            break
        out.append(entry)
    return out


def _outline_positions(table: Table) -> dict[int, int]:
    """Where each row (by id) stands in the table's outline: parts and sub-items are asked of every row."""
    return {id(row): position for position, (row, _level, _sub) in enumerate(_outline(table))}


def parts_of(table: Table, row: Row) -> tuple[Row, ...]:
    """The addends of a flat table's line: the lines one level below it (其中 items excluded)."""
    below = [entry for entry in _below(table, row) if not entry[2]]
    if not below:
        return ()
    level = min(entry[1] for entry in below)
    return tuple(r for r, entry_level, _ in below if entry_level == level)


def sub_items_of(table: Table, row: Row) -> tuple[Row, ...]:
    """The 其中 sub-items printed directly under a line (part of it, not addends of its siblings)."""
    out: list[Row] = []
    for candidate, _level, sub in _below(table, row):
        if not sub:
            break
        out.append(candidate)
    return tuple(out)


def outline_rows(table: Table) -> tuple[Row, ...]:
    """The lines of a flat table that have addends or sub-items under them."""
    return _cached("tables.outline_rows", table, _compute_outline_rows)


def _compute_outline_rows(table: Table) -> tuple[Row, ...]:
    if not _is_flat(table):
        return ()
    # A line has addends or sub-items exactly when the line after it is deeper: the first line
    # below it is then a 其中 sub-item or, if not, an addend.
    outline = _outline(table)
    return tuple(row for (row, level, _sub), (_next, next_level, _) in zip(outline, outline[1:]) if next_level > level)


def row_like(table: Table | None, name: str) -> Row | None:
    """The first row whose label, normalised, contains ``name`` normalised (因公出国（境）费 finds …费用)."""
    if table is None:
        return None
    wanted = normalize_text(name)
    for row in table.rows:
        if wanted and wanted in normalize_text(row.label):
            return row
    return None


def row_named(table: Table | None, name: str) -> Row | None:
    """The first row whose label is exactly ``name`` (a project, for instance)."""
    if table is None:
        return None
    return next((row for row in table.rows if row.label == name), None)


def row_with_code(table: Table | None, code: str) -> Row | None:
    """The first row whose joined code is ``code``, from an index built once per table."""
    if table is None:
        return None
    return _cached("tables.codes", table, _code_index).get(code)


def _code_index(table: Table) -> dict[str, Row]:
    index: dict[str, Row] = {}
    for row in table.rows:
        if row.code:
            index.setdefault("".join(row.code), row)  # Row.code_text
    return index


def matching_row(table: Table | None, row: Row | None) -> Row | None:
    """The row of ``table`` that stands for the same 科目 as ``row``: by code, else by name.

    Summary tables of some layouts (Shanghai's 财务收支预算总表) list the 类 by
    name only; a name is matched among 类-level and uncoded rows first, since
    names such as 行政运行 recur at the 项 level.
    """
    if table is None or row is None:
        return None
    if row.code:
        found = row_with_code(table, row.code_text)
        if found is not None:
            return found
    if not row.label:
        return None
    named = _cached("tables.labels", table, _rows_by_label).get(row.label, ())
    level = row.level or 1
    return next((r for r in named if (r.level or 1) == level), named[0] if named else None)


def _rows_by_label(table: Table) -> dict[str, list[Row]]:
    """The rows other than totals, by label, in table order."""
    index: dict[str, list[Row]] = {}
    for row in table.rows:
        if row.kind != "total":
            index.setdefault(row.label, []).append(row)
    return index


def rows_with_code(table: Table, code: str) -> tuple[Row, ...]:
    """Every row of ``table`` whose joined code is ``code`` (a 项 may hold several projects)."""
    return tuple(row for row in table.rows if row.code_text == code)


# ---- columns ------------------------------------------------------------------------


def figure_columns(table: Table) -> tuple[Column, ...]:
    """The amount columns with at least one figure: a blank column has nothing to add up."""
    return _cached("tables.figure_columns", table, _compute_figure_columns)


def _compute_figure_columns(table: Table) -> tuple[Column, ...]:
    amounts = [c for c in table.columns if c.role == "amount"]
    wanted = {c.index for c in amounts}
    used: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if cell.value is not None and cell.column in wanted:
                used.add(cell.column)
        # The total row (often the first) usually fills every column: the rest need not be read.
        if len(used) == len(wanted):
            break
    return tuple(c for c in amounts if c.index in used)


def figure_rows(table: Table) -> tuple[Row, ...]:
    """The rows with at least one figure in an amount column."""
    return _cached("tables.figure_rows", table, _compute_figure_rows)


def _compute_figure_rows(table: Table) -> tuple[Row, ...]:
    amounts = {c.index for c in table.columns if c.role == "amount"}
    out: list[Row] = []
    for row in table.rows:
        for cell in row.cells:
            if cell.value is not None and cell.column in amounts:
                out.append(row)
                break
    return tuple(out)


def _is_total_path(path: tuple[str, ...]) -> bool:
    """A header path ending in 合计/小计/总计: the column adds up its neighbours."""
    return bool(path) and path[-1].replace(" ", "").endswith(_TOTAL_WORDS)


def _parts_under(paths: tuple[tuple[str, ...], ...], prefix: tuple[str, ...], exclude: int) -> list[int]:
    """The positions of the columns under ``prefix`` that add up to its total: a group's 小计, else its members.

    Columns are given by their header paths; ``exclude`` is the position of the total itself.
    """
    out: list[int] = []
    seen: list[str] = []
    for position, path in enumerate(paths):
        if position == exclude or len(path) <= len(prefix) or path[:len(prefix)] != prefix:
            continue
        head = path[len(prefix)]
        if head in seen:
            continue
        seen.append(head)
        group = prefix + (head,)
        members = [i for i, p in enumerate(paths) if p[:len(group)] == group]
        exact = [i for i in members if paths[i] == group]
        if exact:
            out.append(exact[0])
            continue
        subtotal = [i for i in members if len(paths[i]) == len(group) + 1 and _is_total_path(paths[i])]
        out.extend(subtotal[:1] or _parts_under(paths, group, exclude))
    return out


@functools.lru_cache(maxsize=256)
def _column_groups(paths: tuple[tuple[str, ...], ...]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Each total column's position among the amount columns with the positions of the columns it adds up.

    A pure function of the header paths, which a template prints the same in
    every document: worked out once per layout, not once per table and evaluation.
    """
    return tuple((position, tuple(_parts_under(paths, path[:-1], position)))
                 for position, path in enumerate(paths) if _is_total_path(path))


def column_sums(table: Table) -> tuple[Mapping[str, Any], ...]:
    """Each 合计/小计/总计 column with the columns it adds up: ``{"total": c, "parts": (…)}``.

    A total column ``P + (合计,)`` adds the columns under the header ``P``;
    a sub-group with its own 小计 contributes that 小计 only.  Parts without
    any figure are left out (they add nothing); a pair with no figure at all
    is left out.
    """
    return _cached("tables.column_sums", table, _compute_column_sums)


def _compute_column_sums(table: Table) -> tuple[Mapping[str, Any], ...]:
    amounts = [c for c in table.columns if c.role == "amount"]
    groups = _column_groups(tuple(c.path for c in amounts))
    if not groups:
        return ()
    # An amount column is a figure column exactly when its index holds a figure.
    used = {c.index for c in figure_columns(table)}
    out: list[Mapping[str, Any]] = []
    for total, positions in groups:
        if not positions:
            continue
        parts = [amounts[i] for i in positions]
        if amounts[total].index in used or any(p.index in used for p in parts):
            out.append({"total": amounts[total], "parts": tuple(p for p in parts if p.index in used)})
    return tuple(out)


# ---- units --------------------------------------------------------------------------


def in_unit(value: Decimal | None, from_unit: str | None, to_unit: str | None) -> Decimal | None:
    """``value`` (printed in ``from_unit``) in ``to_unit``, keeping its printed digits.

    Units differ by powers of ten, so the conversion shifts the exponent: the
    result's last digit still marks the printed precision, and a rounding-aware
    comparison gives it the interval the original figure had.  A table without
    a unit is taken to be in the other table's unit.
    """
    if value is None or not from_unit or not to_unit or from_unit == to_unit:
        return value
    ratio = unit_factor(from_unit) / unit_factor(to_unit)
    shift = ratio.adjusted()
    if Decimal(1).scaleb(shift) != ratio:
        return value * ratio  # pragma: no cover - every known unit is a power of ten of 元
    return value.scaleb(shift)


def case_defaults() -> Mapping[str, str]:
    """What an example document in a rule case prints where the case is silent (see vocabulary.CASE_DEFAULTS)."""
    return vocab.CASE_DEFAULTS


FUNCTIONS = {
    "case_defaults": case_defaults,
    "ledgers": ledgers,
    "side_of": side_of,
    "top_rows": top_rows,
    "parts_of": parts_of,
    "sub_items_of": sub_items_of,
    "outline_rows": outline_rows,
    "rows_with_code": rows_with_code,
    "row_with_code": row_with_code,
    "matching_row": matching_row,
    "row_like": row_like,
    "row_named": row_named,
    "column_sums": column_sums,
    "figure_columns": figure_columns,
    "figure_rows": figure_rows,
    "in_unit": in_unit,
}
