"""Rule-language functions of the Shanghai pack.

``code_problem`` checks a table row's printed classification code against the
code lists (:mod:`.codes`); ``item_budget`` reads the Shanghai sentence that
closes each item of the 编制说明 ("…（01项）208.8万元。主要用于：…。2025年当年
预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%");
``compared_years`` gives the years a text compares with ("比2026年预算增加");
``section_text`` the text of a section's paragraphs.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any

from compliance.dsl import needs_document
from compliance.dsl.memo import per_evaluation
from compliance.model import Document, Paragraph, Row, Section, Table
from plugins_builtin.cn_budget.vocabulary import normalise_title
from plugins_builtin.shanghai.codes import WIDTHS, code_list

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)"
#: One item of the 编制说明: its headline amount, last year's execution, this year's budget, the change.
_ITEM = re.compile(
    rf"[（(]\d+项[)）]\s*[”\"]?\s*{_AMOUNT}\s*万元.*?(\d{{4}})\s*年当年预算执行数为\s*{_AMOUNT}\s*万元\s*[，,]\s*"
    rf"(\d{{4}})\s*年预算安排\s*{_AMOUNT}\s*万元\s*[，,]\s*比\s*(\d{{4}})\s*年预算执行数(增加|减少)\s*{_AMOUNT}\s*%"
)
#: One level of a 编制说明 item's classification path: "公共安全支出（204类）" or "财政事务（款）".
_LEVEL = re.compile(r"([^（(）)“”\"、，。]+?)[（(]\s*(\d*)\s*([类款项])\s*[)）]")
#: The 政府采购 sentence: the total, then 货物, 工程 and 服务.
_PROCUREMENT = re.compile(
    rf"政府采购预算\s*{_AMOUNT}\s*万元\s*[，,]\s*其中[:：]\s*政府采购货物预算\s*{_AMOUNT}\s*万元\s*[、，,]\s*"
    rf"政府采购工程预算\s*{_AMOUNT}\s*万元\s*[、，,]\s*政府采购服务预算\s*{_AMOUNT}\s*万元"
)
#: A comparison with another year's figures: "比2025年预算增加", "较2025年", "与2025年预算持平".
_COMPARED = re.compile(r"(?:比|较|与)\s*(\d{4})\s*年")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _code_columns(table: Table) -> frozenset[int]:
    """The positions of the code columns (类/款/项, or one code column)."""
    roles = {c.index: c.role for c in table.columns}
    return frozenset(index for index, role in roles.items() if role == "code")


@functools.lru_cache(maxsize=4096)
def _title_key(text: str) -> str:
    """``normalise_title(text)``, once per text: rules compare every row's name, the same names in every document."""
    return normalise_title(text)


def _code_parts(printed: tuple[str, ...], widths: tuple[int, ...]) -> list[str]:
    """The code as printed, one part per level: from 类/款/项 cells, or one code cell split.

    ``printed``: the row's code cells, stripped, in column order.
    """
    if len(printed) != 1:
        return list(printed)
    parts = printed[0].split()
    if len(parts) == 1 and parts[0].isdigit():
        # A compact code ("2010302"): split at the level widths; a wrong length stays whole.
        text, cut, start = parts[0], [], 0
        for width in widths:
            if start < len(text):
                cut.append(text[start:start + width])
                start += width
        return cut if start == len(text) else parts
    return parts


@needs_document
def code_problem(document: Document, scheme: Any, table: Any, row: Any) -> str | None:
    """What is wrong with a row's classification code and name, in words; blank when nothing is.

    Checks, in order: each printed code part has its level's width (类 3 digits,
    款 and 项 2), the code is in the list, and the row's name is the list's name
    for it.  The list is the one for the document's jurisdiction and year.
    """
    scheme = str(scheme)
    if not isinstance(table, Table) or not isinstance(row, Row):
        raise TypeError("code_problem() takes a scheme, a table and one of its rows")
    codes = per_evaluation("shanghai.code_columns", table, _code_columns)
    printed = tuple([cell.text.strip() for cell in row.cells if cell.column in codes])
    meta = document.meta
    return _code_verdict(scheme, printed, row.label, meta.get("jurisdiction"), meta.get("year"))


@functools.lru_cache(maxsize=4096)
def _code_verdict(scheme: str, printed: tuple[str, ...], label: str,
                  jurisdiction: str | None, year: str | None) -> str | None:
    """:func:`code_problem` of a row's printed code cells and name: a pure function of texts.

    The code lists are fixed data per scheme, jurisdiction and year, and a
    template prints the same rows in every document and evaluation.
    """
    widths = WIDTHS[scheme]
    printed_parts = _code_parts(printed, widths)
    parts = [p for p in printed_parts if p]
    if not parts:
        return None
    if not all(p.isdigit() for p in parts):
        return None  # not a coded row (a 合计 label printed across the code columns)
    for level, part in enumerate(printed_parts[: len(widths)]):
        if part and len(part) != widths[level]:
            level_name = "类款项"[level]
            return f"{level_name}级编码印为「{part}」，应为 {widths[level]} 位数字"
    if len(parts) < len(printed_parts) and printed_parts[0] == "":
        return f"编码「{' '.join(printed_parts)}」缺少类级编码"
    code = "".join(parts)
    expected = code_list(scheme, jurisdiction, year).get(code)
    if expected is None:
        return f"编码 {code} 不在{_SCHEME_NAMES[scheme]}科目表中"
    if _title_key(expected) != _title_key(label):
        return f"编码 {code} 的科目名称应为「{expected}」，表中为「{label}」"
    return None


_SCHEME_NAMES = {"function": "支出功能分类", "economic": "部门预算支出经济分类"}


def item_budget(text: Any) -> tuple[Any, ...] | None:
    """The figures of a 编制说明 item sentence, or blank when the text has none.

    ``[headline, executed, budget, direction, percent, last_year, year, compared_year]``:
    amounts in 万元 as printed, the direction "增加"/"减少", the years as text.
    """
    match = _ITEM.search(str(text or ""))
    if match is None:
        return None
    headline, last_year, executed, year, budget, compared, direction, percent = match.groups()
    return (_decimal(headline), _decimal(executed), _decimal(budget), direction, _decimal(percent),
            last_year, year, compared)


def procurement(text: Any) -> tuple[Decimal, ...] | None:
    """``[total, goods, works, services]`` of the 政府采购预算 sentence (万元), or blank."""
    match = _PROCUREMENT.search(str(text or ""))
    return tuple(_decimal(g) for g in match.groups()) if match else None


def compared_years(text: Any) -> tuple[str, ...]:
    """The years a text compares its figures with: "比2026年预算增加" → ("2026",)."""
    return _compared_years(text if text.__class__ is str else str(text or ""))


@functools.lru_cache(maxsize=4096)
def _compared_years(text: str) -> tuple[str, ...]:
    # A rule reads every paragraph, the same paragraphs in every evaluation: pure text, remembered.
    return tuple(m.group(1) for m in _COMPARED.finditer(text))


@functools.lru_cache(maxsize=1024)
def _levels(subject: str) -> tuple[tuple[str, str, str], ...]:
    """(name, printed code, level) of each step of an item's path; the leading list number dropped.

    A pure function of the subject, asked by two functions of every item.
    """
    text = _LIST_NUMBER.sub("", subject)
    return tuple((m.group(1).strip("“”\" "), m.group(2), m.group(3)) for m in _LEVEL.finditer(text))


_LIST_NUMBER = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*")


@functools.lru_cache(maxsize=4096)
def _name_key(text: str) -> str:
    """A row's or an item level's name as they are matched: title key, 其它 spelt 其他 (pure text)."""
    return _title_key(text).replace("其它", "其他")


def _first_by_name(rows: Any) -> dict[str, Row]:
    """The first of ``rows`` for each name key."""
    index: dict[str, Row] = {}
    for row in rows:
        index.setdefault(_name_key(row.label), row)
    return index


def _top_by_name(table: Table) -> dict[str, Row]:
    return _first_by_name(r for r in table.rows if r.level == 1)


def _children_by_name(row: Row) -> dict[str, Row]:
    return _first_by_name(row.children)


def _rows_by_code(table: Table) -> dict[str, Row]:
    """The first row of each joined code."""
    index: dict[str, Row] = {}
    for row in table.rows:
        index.setdefault("".join(row.code), row)
    return index


def item_row(table: Any, subject: Any) -> Row | None:
    """The row of ``table`` a 编制说明 item speaks of, or blank.

    By code when the item prints one at every level ("公共安全支出（204类）司法（06款）行政
    运行（01项）" → 2040601), else by walking the names down from the 类 row.
    """
    if not isinstance(table, Table):
        return None
    levels = _levels(str(subject or ""))
    if len(levels) < 2:
        return None
    codes = [code for _name, code, _level in levels]
    if all(codes):
        # Each item asks of the same table: its rows are indexed once per evaluation.
        return per_evaluation("shanghai.rows_by_code", table, _rows_by_code).get("".join(codes))
    row = per_evaluation("shanghai.top_by_name", table, _top_by_name).get(_name_key(levels[0][0]))
    for name, _code, _level in levels[1:]:
        if row is None:
            return None
        row = per_evaluation("shanghai.children_by_name", row, _children_by_name).get(_name_key(name))
    return row


@needs_document
def item_name_problem(document: Document, subject: Any) -> str | None:
    """When an item prints codes, the names it gives that the function list names otherwise; else blank."""
    levels = _levels(str(subject or ""))
    if not levels or not all(code for _n, code, _l in levels):
        return None
    names = code_list("function", document.meta.get("jurisdiction"), document.meta.get("year"))
    code = ""
    for name, part, level in levels:
        code += part
        expected = names.get(code)
        if expected is not None and normalise_title(expected) != normalise_title(name):
            return f"{level}级科目 {code} 写为「{name}」，科目名称应为「{expected}」"
    return None


_YEAR_PREFIX = re.compile(r"^\d{4}年")


def _path_key(parts: Any) -> str:
    return "/".join(_YEAR_PREFIX.sub("", _title_key(str(p))) for p in parts if str(p))


@functools.lru_cache(maxsize=1024)
def _path_keys(paths: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """:func:`_path_key` of each column path: pure text, and a template prints the same headers every time."""
    return tuple(_path_key(path) for path in paths)


@functools.lru_cache(maxsize=1024)
def _wanted_key(key: str) -> str:
    """:func:`_path_key` of a path a rule asks for ("本年支出/预算数"); rules ask for a few fixed ones."""
    return _path_key(key.split("/"))


def _column_keys(table: Table) -> list[tuple[Any, str]]:
    columns = table.columns
    return list(zip(columns, _path_keys(tuple(column.path for column in columns))))


def find_column(table: Any, key: Any) -> Any:
    """The column of ``table`` that a header path such as ``"本年支出/预算数"`` names, or blank when none does.

    The match is loose, because headers are printed differently from year to
    year: a year in front of a header word ("2024年机关运行经费预算数") and
    blanks are ignored; the path matches the column path's end, or else its
    start (the first column under that header).
    """
    if not isinstance(table, Table):
        return None
    wanted = _wanted_key(str(key))
    keys = per_evaluation("shanghai.column_keys", table, _column_keys)
    for column, path in keys:
        if path == wanted or path.endswith("/" + wanted):
            return column
    return next((column for column, path in keys if path.startswith(wanted + "/")), None)


def printed_unit(value: Any) -> Decimal | None:
    """One unit of a figure's last printed decimal: 87.70 → 0.01, 686 → 1; blank for blank."""
    if not isinstance(value, Decimal):
        return None
    return Decimal(1).scaleb(min(value.as_tuple().exponent, 0))  # type: ignore[arg-type]


def section_text(section: Any) -> str:
    """The text of a section's own paragraphs, joined (its subsections' not included)."""
    if not isinstance(section, Section):
        raise TypeError("section_text() takes a section")
    return "".join(b.text for b in section.blocks if isinstance(b, Paragraph))


FUNCTIONS = {
    "code_problem": code_problem,
    "item_budget": item_budget,
    "compared_years": compared_years,
    "procurement": procurement,
    "section_text": section_text,
    "item_row": item_row,
    "find_column": find_column,
    "printed_unit": printed_unit,
    "item_name_problem": item_name_problem,
}
