"""Rule-language functions for the structure, names and years of a disclosure.

The rule language reads model fields and compares text, but some questions
need a little text work it deliberately cannot do (it has no string slicing,
no regular expressions built from params and no access to the source lines):

* ``doc_meta(key)``: a value of ``Document.meta`` ("year", "department"); rules
  cannot index a mapping.
* ``cn_number(text)``: a heading or table number as an integer ("十三" → 13,
  "7" → 7), to test that numbering runs without gaps.
* ``years_in(text)``: the four-digit years a text names ("2026 年 1 月 1 日" → 2026).
* ``label_value(text, label)``: what follows a label ("项目名称：X" → "X").
* ``similar(a, b)``: two names that are near variants of each other (one
  inserted or dropped word), the mark of a misspelt project name.
* ``toc_heading(entry)``: the body heading a table-of-contents entry lists
  (same numbering under the same part); the rule decides what a difference means.
* ``change_reason(fact)``: the words printed after a year-on-year statement,
  up to the next statement on the line, where its reason (主要原因…) stands.

Each is a plain function of model values; the judgement stays in the rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from compliance.dsl import needs_document
from compliance.dsl.functions import normalize_text
from compliance.model import Document, Fact, Section, TocEntry

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*(?=年)")
_NUMBER_NOISE = re.compile(r"[第部分（）()、.．\s]")
#: Two names this alike (difflib ratio) and not equal are variants of one name.
SIMILARITY = 0.8


@needs_document
def doc_meta(document: Document, key: Any) -> str | None:
    """``Document.meta[key]``, or blank when the loader did not find it."""
    value = document.meta.get(str(key))
    return value if value else None


def cn_number(text: Any) -> Decimal | None:
    """An Arabic or Chinese numeral (up to 九十九, as headings use) as a number; blank if it is neither."""
    if text is None:
        return None
    raw = _NUMBER_NOISE.sub("", str(text))
    if raw.isdigit():
        return Decimal(raw)
    if not raw or any(ch not in _DIGITS and ch != "十" for ch in raw):
        return None
    if "十" not in raw:
        return Decimal(_DIGITS[raw]) if len(raw) == 1 else None
    tens, _, units = raw.partition("十")
    value = (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(units, 0) if units else 0)
    return Decimal(value)


def years_in(text: Any) -> tuple[Decimal, ...]:
    """Every four-digit year printed before 年 ("2026 年", "2025年底")."""
    return tuple(Decimal(m.group(1)) for m in _YEAR.finditer(str(text or "")))


def label_value(text: Any, label: Any) -> str | None:
    """The text after ``label`` and its colon ("项目名称：X" → "X"); blank when the label is absent."""
    text, label = str(text or ""), str(label)
    start = text.find(label)
    if start < 0:
        return None
    value = text[start + len(label):].lstrip(" ：:").strip()
    return value or None


def similar(a: Any, b: Any) -> bool:
    """True when two texts differ but are near variants (normalised, difflib ratio ≥ 0.8)."""
    left, right = normalize_text(str(a or "")), normalize_text(str(b or ""))
    if not left or not right or left == right:
        return False
    return SequenceMatcher(None, left, right).ratio() >= SIMILARITY


def _part_of(document: Document, entry: TocEntry) -> TocEntry | None:
    """The top-level entry (a 第N部分) the entry stands under."""
    part = None
    for candidate in document.toc.entries if document.toc else ():
        if candidate is entry or candidate == entry and candidate.span == entry.span:
            return part
        if candidate.level == 1:
            part = candidate
    return None


def _same_number(section: Section, entry: TocEntry) -> bool:
    return section.number == entry.number and (not entry.style or not section.style or section.style == entry.style)


@needs_document
def toc_heading(document: Document, entry: Any) -> Section | None:
    """The body section a table-of-contents entry lists: same number, under the same part."""
    if not isinstance(entry, TocEntry):
        raise TypeError("toc_heading() takes an entry of document.toc.entries")
    if entry.level == 1:
        return next((s for s in document.sections if _same_number(s, entry)), None)
    part = _part_of(document, entry)
    parents = [s for s in document.sections if part is not None and _same_number(s, part)] or list(document.sections)
    for parent in parents:
        for section in parent.walk():
            if section is not parent and section.level == entry.level and _same_number(section, entry):
                return section
    return None


@needs_document
def change_reason(document: Document, fact: Any) -> str:
    """The words after a statement on its source line, up to the next statement there (blank when none)."""
    if not isinstance(fact, Fact):
        raise TypeError("change_reason() takes a fact")
    line = fact.span.last_line
    if not 0 < line <= len(document.lines):
        return ""
    text = document.lines[line - 1]
    start = fact.span.end_column or len(text)
    following = [f.span.start_column for f in document.facts
                 if f.span.start_line == line and f.span.start_column > start and f.kind == fact.kind]
    end = min(following) - 1 if following else len(text)
    return text[start:end].strip()


FUNCTIONS = {
    "doc_meta": doc_meta,
    "cn_number": cn_number,
    "years_in": years_in,
    "label_value": label_value,
    "similar": similar,
    "toc_heading": toc_heading,
    "change_reason": change_reason,
}
