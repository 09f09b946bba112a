"""Rule-language functions of the Shanghai pack.

``code_problem`` checks a table row's printed classification code against the
code lists (:mod:`.codes`); ``item_budget`` reads the Shanghai sentence that
closes each item of the 编制说明 ("…（01项）208.8万元。主要用于：…。2025年当年
预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%");
``compared_years`` gives the years a text compares with ("比2026年预算增加");
``section_text`` the text of a section's paragraphs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from compliance.dsl import needs_document
from compliance.model import Document, Paragraph, Row, Section, Table
from plugins_builtin.shanghai.codes import WIDTHS, code_list, name_key

_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)"
#: One item of the 编制说明: its headline amount, last year's execution, this year's budget, the change.
_ITEM = re.compile(
    rf"[（(]\d+项[)）]\s*[”\"]?\s*{_AMOUNT}\s*万元.*?(\d{{4}})\s*年当年预算执行数为\s*{_AMOUNT}\s*万元\s*[，,]\s*"
    rf"(\d{{4}})\s*年预算安排\s*{_AMOUNT}\s*万元\s*[，,]\s*比\s*(\d{{4}})\s*年预算执行数(增加|减少)\s*{_AMOUNT}\s*%"
)
#: A comparison with another year's figures: "比2025年预算增加", "较2025年", "与2025年预算持平".
_COMPARED = re.compile(r"(?:比|较|与)\s*(\d{4})\s*年")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _code_parts(table: Table, row: Row, widths: tuple[int, ...]) -> list[str]:
    """The code as printed, one part per level: from 类/款/项 columns, or one code cell split."""
    roles = {c.index: c.role for c in table.columns}
    printed = [cell.text.strip() for cell in row.cells if roles.get(cell.column) == "code"]
    if len(printed) != 1:
        return printed
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
    widths = WIDTHS[scheme]
    printed = _code_parts(table, row, widths)
    parts = [p for p in printed if p]
    if not parts:
        return None
    if not all(p.isdigit() for p in parts):
        return None  # not a coded row (a 合计 label printed across the code columns)
    for level, part in enumerate(printed[: len(widths)]):
        if part and len(part) != widths[level]:
            level_name = "类款项"[level]
            return f"{level_name}级编码印为「{part}」，应为 {widths[level]} 位数字"
    if len(parts) < len(printed) and printed[0] == "":
        return f"编码「{' '.join(printed)}」缺少类级编码"
    code = "".join(parts)
    names = code_list(scheme, document.meta.get("jurisdiction"), document.meta.get("year"))
    expected = names.get(code)
    if expected is None:
        return f"编码 {code} 不在{_SCHEME_NAMES[scheme]}科目表中"
    if name_key(expected) != name_key(row.label):
        return f"编码 {code} 的科目名称应为「{expected}」，表中为「{row.label}」"
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


def compared_years(text: Any) -> tuple[str, ...]:
    """The years a text compares its figures with: "比2026年预算增加" → ("2026",)."""
    return tuple(m.group(1) for m in _COMPARED.finditer(str(text or "")))


def section_text(section: Any) -> str:
    """The text of a section's own paragraphs, joined (its subsections' not included)."""
    if not isinstance(section, Section):
        raise TypeError("section_text() takes a section")
    return "".join(b.text for b in section.blocks if isinstance(b, Paragraph))


FUNCTIONS = {
    "code_problem": code_problem,
    "item_budget": item_budget,
    "compared_years": compared_years,
    "section_text": section_text,
}
